// End-to-end benchmark of the live valuation path: a load generator plays Alpaca (Broker REST with a
// book of accounts, the market-data stream at a set trade rate) and N WebSocket clients, and runs
// clera-server as separate processes against them: one process in the default role all, or with --redis
// the scale-out roles over a private redis-server (collector, market-data, calculator and
// --websocket-instances websocket roles, the clients spread round-robin over the latter). It measures
// what the clients see: sustained ticks/s, client updates/s, tick → client latency (p50/p99/max), and
// each server process's CPU and resident memory (per connected client, and its growth over the run).
// Not a test: run it by hand, see docs/performance.md for the commands and the recorded results.
//
// Latency is measured by matching values to the ticks that produced them: a few probe accounts hold
// exactly one share of their own probe symbol and no cash, so their value *is* the probe's last price.
// Each probe trade carries a fresh sequence number in its price (100 + seq × 0.0001); the client that
// watches a probe account turns the value it receives back into the sequence number and so into the
// moment the generator wrote that trade to the stream socket. Probe trades travel in the same frames
// as the load, through the same parser, engine, throttle and hub (and, with --redis, the bus).
//
// The clients are lean (wsclient.h): raw sockets on epoll over --client-threads threads, counting
// updates without decoding them, so that the generator costs far less per message than the server.
//
//   bench_realtime --server build/dev/server/clera-server [--accounts 10000] [--positions 25]
//                  [--symbols 2000] [--clients 5000] [--rate 50000] [--warmup 10] [--duration 60]
//                  [--client-threads 1] [--redis [--websocket-instances 2]]

#include "benchsupport.h"
#include "core/auth/jwt.h"
#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"
#include "core/store/database.h"
#include "core/store/userrepository.h"
#include "fakes/data/fakealpacadata.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/stream/fakealpacastream.h"
#include "rolesupervisor.h"
#include "wsclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include <unistd.h>

using namespace clera;
using namespace clera::bench;
using namespace clera::fake;
using namespace Qt::StringLiterals;

namespace {

// Writes the trade load and the probe trades into the fake stream, paced by the clock.
class TickSource : public QObject
{
public:
    TickSource(FakeAlpacaStream &stream, ProbeClock &clock, QStringList symbols, QStringList probeSymbols,
               int rate, int probeRate, int frameMs, quint64 seed)
        : m_stream(stream), m_clock(clock), m_symbols(std::move(symbols)),
          m_probeSymbols(std::move(probeSymbols)), m_rate(rate), m_probeRate(probeRate), m_rng(seed)
    {
        m_cents.resize(size_t(m_symbols.size()), 10000);
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(frameMs);
        connect(&m_timer, &QTimer::timeout, this, &TickSource::frame);
    }

    void start()
    {
        m_elapsed.start();
        m_timer.start();
    }
    [[nodiscard]] quint64 ticksSent() const { return m_ticks; }
    [[nodiscard]] quint64 framesSent() const { return m_frames; }

private:
    void frame()
    {
        const double seconds = double(m_elapsed.nsecsElapsed()) / 1e9;
        const auto due = quint64(seconds * m_rate);
        const auto probesDue = quint64(seconds * m_probeRate);
        if (due <= m_ticks && probesDue <= m_probes)
            return;
        QList<FakeAlpacaStream::Trade> trades;
        trades.reserve(qsizetype(due - m_ticks + probesDue - m_probes));
        const Timestamp now = Timestamp::now();
        std::uniform_int_distribution<qsizetype> pick(0, m_symbols.size() - 1);
        std::uniform_int_distribution<int> step(-2, 2);
        for (; m_ticks < due; ++m_ticks) {
            const qsizetype i = pick(m_rng);
            qint64 &cents = m_cents[size_t(i)];
            cents = std::max<qint64>(100, cents + step(m_rng));
            trades.append({m_symbols.at(i), Decimal::fromCents(cents), now});
        }
        QList<qint64> seqs;
        for (; m_probes < probesDue && m_probeSeq + 1 < kMaxProbeSeq; ++m_probes) {
            const qint64 seq = ++m_probeSeq;
            const QString &symbol = m_probeSymbols.at(qsizetype(seq % m_probeSymbols.size()));
            trades.append({symbol, probePrice(seq), now});
            seqs.append(seq);
        }
        const qint64 sentAt = monotonicNanos();
        for (qint64 seq : seqs)
            m_clock.sent(seq, sentAt);
        m_stream.publishTrades(trades);
        ++m_frames;
    }

    FakeAlpacaStream &m_stream;
    ProbeClock &m_clock;
    QStringList m_symbols;
    QStringList m_probeSymbols;
    int m_rate;
    int m_probeRate;
    std::mt19937_64 m_rng;
    std::vector<qint64> m_cents;
    QTimer m_timer;
    QElapsedTimer m_elapsed;
    quint64 m_ticks = 0;
    quint64 m_probes = 0;
    qint64 m_probeSeq = 0;
    quint64 m_frames = 0;
};

double percentile(std::vector<qint64> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    const size_t i = std::min(sorted.size() - 1, size_t(p * double(sorted.size() - 1) + 0.5));
    return double(sorted[i]) / 1e6;
}

// Runs the event loop until `done` holds or `timeoutMs` passes; false on timeout.
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(5);
    }
    return true;
}

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_realtime: %s\n", qPrintable(message));
    std::fflush(stdout);
    // Exit through the destructors: the supervisor stops the servers, the clients close.
    throw std::runtime_error(message.toStdString());
}

// Every server process's statistics, keyed by pid.
std::map<qint64, ProcStats> statsOf(const std::vector<RoleProcess *> &processes)
{
    std::map<qint64, ProcStats> out;
    for (const RoleProcess *p : processes)
        out[p->pid] = procStats(p->pid);
    return out;
}

long totalRss(const std::map<qint64, ProcStats> &stats, const std::vector<RoleProcess *> &processes)
{
    long sum = 0;
    for (const RoleProcess *p : processes)
        sum += stats.at(p->pid).rssKiB;
    return sum;
}

double cpuPercent(const ProcStats &from, const ProcStats &to, double seconds)
{
    return 100.0 * double(to.cpuTicks - from.cpuTicks) / double(sysconf(_SC_CLK_TCK)) / seconds;
}

int run(int argc, char **argv);

} // namespace

int main(int argc, char **argv)
{
    try {
        return run(argc, argv);
    } catch (const std::runtime_error &) {
        return 1;
    }
}

namespace {

int run(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"End-to-end live valuation benchmark (generator + clera-server)"_s);
    parser.addHelpOption();
    const QCommandLineOption serverOpt(u"server"_s, u"clera-server binary"_s, u"path"_s);
    const QCommandLineOption accountsOpt(u"accounts"_s, u"accounts at the broker"_s, u"n"_s, u"10000"_s);
    const QCommandLineOption positionsOpt(u"positions"_s, u"positions per account"_s, u"n"_s, u"25"_s);
    const QCommandLineOption symbolsOpt(u"symbols"_s, u"distinct symbols"_s, u"n"_s, u"2000"_s);
    const QCommandLineOption clientsOpt(u"clients"_s, u"WebSocket clients, one account each"_s, u"n"_s,
                                        u"5000"_s);
    const QCommandLineOption rateOpt(u"rate"_s, u"trades per second into the stream"_s, u"n"_s, u"50000"_s);
    const QCommandLineOption probesOpt(u"probes"_s, u"probe accounts (latency)"_s, u"n"_s, u"20"_s);
    const QCommandLineOption probeRateOpt(u"probe-rate"_s, u"probe trades per second"_s, u"n"_s, u"200"_s);
    const QCommandLineOption frameOpt(u"frame-ms"_s, u"ms between stream frames"_s, u"n"_s, u"5"_s);
    const QCommandLineOption warmupOpt(u"warmup"_s, u"seconds of load before measuring"_s, u"s"_s, u"10"_s);
    const QCommandLineOption durationOpt(u"duration"_s, u"seconds measured"_s, u"s"_s, u"60"_s);
    const QCommandLineOption sampleOpt(u"sample"_s, u"seconds between progress lines"_s, u"s"_s, u"10"_s);
    const QCommandLineOption keepLogOpt(
        u"server-log"_s, u"write the server's standard error here (with --redis: file.<process> each)"_s,
        u"file"_s);
    const QCommandLineOption threadsOpt(u"client-threads"_s, u"threads of the WebSocket clients"_s, u"n"_s,
                                        u"1"_s);
    const QCommandLineOption redisOpt(
        u"redis"_s, u"scale out over a private redis-server: collector, market-data, calculator and "
                    "websocket roles, each its own process"_s);
    const QCommandLineOption instancesOpt(u"websocket-instances"_s,
                                          u"with --redis: websocket role processes"_s, u"n"_s, u"2"_s);
    const QCommandLineOption intervalOpt(
        u"min-update-interval"_s,
        u"the servers' MIN_UPDATE_INTERVAL (s); over Redis the calculator publishes every changed account, "
        "watched or not, at most this often"_s,
        u"s"_s, u"0"_s);
    parser.addOptions({serverOpt, accountsOpt, positionsOpt, symbolsOpt, clientsOpt, rateOpt, probesOpt,
                       probeRateOpt, frameOpt, warmupOpt, durationOpt, sampleOpt, keepLogOpt, threadsOpt,
                       redisOpt, instancesOpt, intervalOpt});
    parser.process(app);

    const QString serverPath = parser.value(serverOpt);
    const int accounts = parser.value(accountsOpt).toInt();
    const int positions = parser.value(positionsOpt).toInt();
    const int symbolCount = parser.value(symbolsOpt).toInt();
    const int clients = parser.value(clientsOpt).toInt();
    const int rate = parser.value(rateOpt).toInt();
    const int probes = parser.value(probesOpt).toInt();
    const int probeRate = parser.value(probeRateOpt).toInt();
    const int frameMs = std::max(1, parser.value(frameOpt).toInt());
    const int warmup = parser.value(warmupOpt).toInt();
    const int duration = parser.value(durationOpt).toInt();
    const int sample = std::max(1, parser.value(sampleOpt).toInt());
    const int clientThreads = parser.value(threadsOpt).toInt();
    const bool redis = parser.isSet(redisOpt);
    const int instances = parser.value(instancesOpt).toInt();
    if (serverPath.isEmpty() || accounts <= 0 || positions <= 0 || symbolCount < positions ||
        clients < probes || clients > accounts + probes || rate < 0 || probes <= 0 || duration <= 0 ||
        clientThreads < 1 || clientThreads > 64 || instances < 1 || instances > 32) {
        std::fprintf(stderr, "need --server, accounts > 0, symbols >= positions, probes > 0, "
                             "probes <= clients <= accounts + probes, 1..64 client threads, "
                             "1..32 websocket instances\n");
        return 2;
    }

    // The book: accounts × positions over the symbols, and the probe accounts.
    QElapsedTimer setup;
    setup.start();
    FakeAlpacaRest rest;
    if (rest.listen() == 0)
        die(u"cannot listen for the fake Broker API"_s);
    std::mt19937_64 rng(7);
    QStringList symbols;
    for (int i = 0; i < symbolCount; ++i)
        symbols.append(u"S%1"_s.arg(i, 4, 10, QLatin1Char('0')));
    QStringList probeSymbols;
    for (int i = 0; i < probes; ++i)
        probeSymbols.append(u"PRB%1"_s.arg(i, 3, 10, QLatin1Char('0')));
    for (const QString &symbol : std::as_const(symbols))
        rest.book().setLastPrice(symbol, Decimal(100));
    QStringList probeAccounts;
    for (int i = 0; i < probes; ++i) {
        const QString id = rest.seedAccount(Decimal());
        rest.book().setLastPrice(probeSymbols.at(i), kProbeBase);
        rest.book().seedHolding(id, probeSymbols.at(i), Decimal(1), kProbeBase);
        probeAccounts.append(id);
    }
    QStringList loadAccounts;
    std::vector<int> order(static_cast<size_t>(symbolCount));
    for (int a = 0; a < accounts; ++a) {
        const QString id = rest.seedAccount(Decimal(10000));
        std::iota(order.begin(), order.end(), 0);
        for (int p = 0; p < positions; ++p) {
            std::uniform_int_distribution<int> pick(p, symbolCount - 1);
            std::swap(order[size_t(p)], order[size_t(pick(rng))]);
            const int qty = 1 + int(rng() % 50);
            rest.book().seedHolding(id, symbols.at(order[size_t(p)]), Decimal(qty), Decimal(qty * 100));
        }
        loadAccounts.append(id);
    }
    const auto credentials = rest.brokerCredentials();

    FakeAlpacaData data;
    if (data.listen() == 0)
        die(u"cannot listen for the fake market-data API"_s);
    data.setCredentials(credentials.keyId, credentials.secret);
    for (const QString &symbol : std::as_const(symbols))
        data.setSnapshot(symbol, Decimal(100), Decimal(100));

    FakeAlpacaStream::Options streamOptions;
    streamOptions.keyId = credentials.keyId;
    streamOptions.secret = credentials.secret;
    streamOptions.symbolLimit = symbolCount + probes + 100;
    FakeAlpacaStream stream(streamOptions);
    if (!stream.listen())
        die(u"cannot listen for the fake stream"_s);
    std::printf("book: %d accounts x %d positions over %d symbols, %d probe accounts (%.1f s)\n", accounts,
                positions, symbolCount, probes, double(setup.elapsed()) / 1000);

    // The store, shared by every process that authenticates clients, with an operator (tokens are
    // checked against it).
    QTemporaryDir workDir;
    const QString storePath = QDir(workDir.path()).filePath(u"store.sqlite"_s);
    QString operatorId;
    {
        auto db = Database::open(storePath);
        if (!db)
            die(u"cannot create the store: "_s + db.error().message);
        const auto op = UserRepository(**db).create(u"bench-operator@example.com"_s, u"$argon2id$unused"_s,
                                                    u"operator"_s, QDateTime::currentDateTimeUtc());
        if (!op)
            die(u"cannot create the operator: "_s + op.error().message);
        operatorId = op->id;
    }
    const QByteArray jwtSecret = QByteArray(48, 'k');
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CLERA_DB_URL"_s, storePath);
    env.insert(u"CLERA_BROKER"_s, u"alpaca"_s);
    env.insert(u"CLERA_FEED"_s, u"alpaca"_s);
    env.insert(u"BROKER_API_KEY"_s, credentials.keyId);
    env.insert(u"BROKER_SECRET_KEY"_s, credentials.secret);
    env.insert(u"ALPACA_BROKER_API_URL"_s, rest.baseUrl().toString());
    env.insert(u"ALPACA_DATA_API_URL"_s, data.baseUrl().toString());
    env.insert(u"ALPACA_DATA_STREAM_URL"_s, stream.url().toString());
    env.insert(u"MIN_UPDATE_INTERVAL"_s, parser.value(intervalOpt));
    if (!env.contains(u"RECALCULATION_INTERVAL"_s)) // the default: heals accounts whose first load failed
        env.insert(u"RECALCULATION_INTERVAL"_s, u"30"_s);
    env.insert(u"CLERA_JWT_SECRET"_s, QString::fromLatin1(jwtSecret));
    env.insert(u"QT_LOGGING_RULES"_s, u"clera.*.debug=false;clera.*.info=false"_s);

    // The servers: one process in the role all, or the roles over a private Redis.
    RoleSupervisor supervisor(workDir.path(), parser.value(keepLogOpt));
    RoleProcess *redisProcess = nullptr;
    RoleProcess *calculator = nullptr;
    if (!redis) {
        if (!supervisor.startServer(serverPath, u"all"_s, u"all"_s, env, true))
            die(supervisor.error());
    } else {
        redisProcess = supervisor.startRedis();
        if (!redisProcess)
            die(supervisor.error());
        env.insert(u"REDIS_URL"_s, u"redis://127.0.0.1:%1"_s.arg(redisProcess->healthPort));
        bool started = supervisor.startServer(serverPath, u"collector"_s, u"collector"_s, env, false) &&
                       supervisor.startServer(serverPath, u"market-data"_s, u"market-data"_s, env, false);
        calculator = started
                         ? supervisor.startServer(serverPath, u"calculator"_s, u"calculator"_s, env, false)
                         : nullptr;
        started = started && calculator;
        for (int i = 1; started && i <= instances; ++i)
            started = supervisor.startServer(serverPath, u"websocket %1"_s.arg(i), u"websocket"_s, env, true);
        if (!started || !supervisor.waitUntilAnswering(60'000))
            die(supervisor.error());
    }
    std::vector<RoleProcess *> servers; // the clera-server processes
    for (const auto &p : supervisor.processes())
        if (!p->role.isEmpty())
            servers.push_back(p.get());
    const std::vector<RoleProcess *> serving = supervisor.serving();
    auto checkRunning = [&] {
        if (const QString exited = supervisor.exited(); !exited.isEmpty())
            die(exited);
    };

    // Ready: the stream carries every symbol, and (over Redis) the calculator values every account.
    if (!waitFor(
            [&] {
                checkRunning();
                return stream.subscribedTrades().size() >= symbolCount + probes;
            },
            300'000))
        die(u"the server did not subscribe every symbol (%1 of %2)"_s.arg(stream.subscribedTrades().size())
                .arg(symbolCount + probes));
    std::printf("server ready: %lld symbols subscribed (%.1f s since start)\n",
                qlonglong(stream.subscribedTrades().size()), double(setup.elapsed()) / 1000);
    if (calculator) {
        int valued = 0;
        if (!waitFor(
                [&] {
                    checkRunning();
                    valued = RoleSupervisor::health(calculator->healthPort)
                                 .value(u"role"_s)
                                 .toObject()
                                 .value(u"accounts"_s)
                                 .toInt();
                    return valued >= accounts + probes;
                },
                300'000))
            die(u"the calculator holds %1 of %2 accounts after 300 s"_s.arg(valued).arg(accounts + probes));
        std::printf("calculator ready: %d accounts (%.1f s since start)\n", valued,
                    double(setup.elapsed()) / 1000);
    }
    runFor(2000);
    const auto beforeClients = statsOf(servers);

    // The clients: the probe accounts first, then load accounts, round-robin over the serving processes.
    ProbeClock clock;
    LeanClients swarm(clock, {clientThreads, 200});
    const QByteArray token =
        Jwt(jwtSecret).issue(operatorId, Role::Operator, std::chrono::hours(24)).toLatin1();
    std::vector<ClientTarget> targets;
    targets.reserve(size_t(clients));
    for (int i = 0; i < clients; ++i) {
        const QString &account = i < probes ? probeAccounts.at(i) : loadAccounts.at(i - probes);
        targets.push_back({serving[size_t(i) % serving.size()]->wsPort,
                           "/ws/portfolio/" + account.toLatin1() + "?token=" + token, i < probes});
    }
    swarm.start(targets);
    auto checkClients = [&] {
        checkRunning();
        if (const QString failure = swarm.failure(); !failure.isEmpty())
            die(u"client protocol failure: "_s + failure);
    };
    TickSource ticks(stream, clock, symbols, probeSymbols, rate, probeRate, frameMs, 11);
    ticks.start(); // load while the clients connect, as in production
    const int connectTimeout = redis ? 180'000 : 120'000;
    if (!waitFor(
            [&] {
                checkClients();
                return swarm.withValue.load() + swarm.closed.load() >= clients;
            },
            connectTimeout))
        std::fprintf(stderr, "warning: only %d of %d clients got a value within %d s; measuring anyway\n",
                     swarm.withValue.load(), clients, connectTimeout / 1000);
    if (swarm.withValue.load() == 0)
        die(u"no client got a value (%1 connected, %2 closed: %3)"_s.arg(swarm.connected.load())
                .arg(swarm.closed.load())
                .arg(swarm.closeSummary()));
    if (swarm.closed.load() > 0)
        std::fprintf(stderr, "warning: %d clients were closed by the server (%s)\n", swarm.closed.load(),
                     qPrintable(swarm.closeSummary()));
    const auto afterClients = statsOf(servers);
    std::printf("clients: %d connected, %d with a value (%.1f s since start)\n", swarm.connected.load(),
                swarm.withValue.load(), double(setup.elapsed()) / 1000);

    runFor(warmup * 1000);
    checkClients();
    swarm.measuring = true;
    const quint64 ticks0 = ticks.ticksSent();
    const auto start = statsOf(servers);
    const ProcStats redisStart = redisProcess ? procStats(redisProcess->pid) : ProcStats();
    const ProcStats generatorStart = procStats(QCoreApplication::applicationPid());
    QElapsedTimer measured;
    measured.start();
    std::vector<qint64> latencies;
    std::printf("\n%8s %12s %14s %10s %10s %12s\n", "t (s)", "ticks/s", "updates/s", "p50 ms", "p99 ms",
                "server RSS");
    quint64 lastUpdates = 0;
    quint64 lastTicks = ticks0;
    qint64 lastMs = 0;
    long maxRss = totalRss(start, servers);
    while (measured.elapsed() < qint64(duration) * 1000 - 100) {
        runFor(int(std::min<qint64>(sample * 1000, qint64(duration) * 1000 - measured.elapsed())));
        checkClients();
        auto window = swarm.takeLatencies();
        latencies.insert(latencies.end(), window.begin(), window.end());
        std::sort(window.begin(), window.end());
        const qint64 ms = measured.elapsed();
        const quint64 updates = swarm.updates.load();
        const long rss = totalRss(statsOf(servers), servers);
        maxRss = std::max(maxRss, rss);
        const double secs = double(ms - lastMs) / 1000;
        std::printf("%8.1f %12.0f %14.0f %10.2f %10.2f %9ld KiB\n", double(ms) / 1000,
                    double(ticks.ticksSent() - lastTicks) / secs, double(updates - lastUpdates) / secs,
                    percentile(window, 0.50), percentile(window, 0.99), rss);
        std::fflush(stdout);
        lastUpdates = updates;
        lastTicks = ticks.ticksSent();
        lastMs = ms;
    }
    swarm.measuring = false;
    const double secs = double(measured.elapsed()) / 1000;
    const auto end = statsOf(servers);
    const ProcStats redisEnd = redisProcess ? procStats(redisProcess->pid) : ProcStats();
    const ProcStats generatorEnd = procStats(QCoreApplication::applicationPid());
    std::sort(latencies.begin(), latencies.end());

    double serverCpu = 0;
    for (const RoleProcess *p : servers)
        serverCpu += cpuPercent(start.at(p->pid), end.at(p->pid), secs);
    long clientRss = 0;
    for (const RoleProcess *p : serving)
        clientRss += afterClients.at(p->pid).rssKiB - beforeClients.at(p->pid).rssKiB;

    std::printf("\nresult (%.0f s measured after %d s warm-up; generator and server share this machine)\n",
                secs, warmup);
    if (redis)
        std::printf("  mode                 over Redis: collector, market-data, calculator, %d websocket "
                    "instance%s\n",
                    instances, instances == 1 ? "" : "s");
    std::printf("  ticks/s sent         %.0f (target rate %d)\n", double(ticks.ticksSent() - ticks0) / secs,
                rate);
    std::printf("  client updates/s     %.0f over %d clients (%.0f messages/s)\n",
                double(swarm.updates.load()) / secs, clients, double(swarm.messages.load()) / secs);
    std::printf("  tick->client latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu probes)\n",
                percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.empty() ? 0.0 : double(latencies.back()) / 1e6, latencies.size());
    std::printf("  server CPU           %.0f %% of one core%s\n", serverCpu,
                redis ? " (every clera-server process)" : "");
    std::printf("  generator CPU        %.0f %% of one core (stream + %d clients on %d thread%s)\n",
                cpuPercent(generatorStart, generatorEnd, secs), clients, clientThreads,
                clientThreads == 1 ? "" : "s");
    std::printf("  server RSS           %ld KiB before clients, %ld KiB with clients, %ld KiB at the end "
                "(max %ld)\n",
                totalRss(beforeClients, servers), totalRss(afterClients, servers), totalRss(end, servers),
                maxRss);
    std::printf("  per connected client %.1f KiB%s\n", double(clientRss) / double(std::max(1, clients)),
                redis ? " (over the websocket instances)" : "");
    std::printf("  growth while measured %+ld KiB\n", totalRss(end, servers) - totalRss(start, servers));
    std::printf("  clients closed by the server: %d\n", swarm.closed.load());
    if (redis) {
        std::printf("\n  %-14s %8s %14s %14s %14s\n", "process", "CPU %", "RSS before", "RSS clients",
                    "RSS end");
        for (const RoleProcess *p : servers)
            std::printf("  %-14s %8.0f %10ld KiB %10ld KiB %10ld KiB\n", qPrintable(p->name),
                        cpuPercent(start.at(p->pid), end.at(p->pid), secs), beforeClients.at(p->pid).rssKiB,
                        afterClients.at(p->pid).rssKiB, end.at(p->pid).rssKiB);
        std::printf("  %-14s %8.0f %14s %14s %10ld KiB\n", "redis-server",
                    cpuPercent(redisStart, redisEnd, secs), "", "", redisEnd.rssKiB);
        std::printf("  %-14s %8.0f\n", "all servers", serverCpu + cpuPercent(redisStart, redisEnd, secs));
    }
    std::fflush(stdout);

    swarm.stop();
    supervisor.stopAll();
    return 0;
}

} // namespace
