// End-to-end benchmark of the live valuation path: a load generator plays Alpaca (Broker REST with a
// book of accounts, the market-data stream at a set trade rate) and N WebSocket clients, and runs
// clera-server as a separate process against them. It measures what the clients see: sustained
// ticks/s, client updates/s, tick → client latency (p50/p99/max), and the server's CPU and resident
// memory (per connected client, and its growth over the run). Not a test: run it by hand, see
// docs/performance.md for the commands and the recorded results.
//
// Latency is measured by matching values to the ticks that produced them: a few probe accounts hold
// exactly one share of their own probe symbol and no cash, so their value *is* the probe's last price.
// Each probe trade carries a fresh sequence number in its price (100 + seq × 0.0001); the client that
// watches a probe account turns the value it receives back into the sequence number and so into the
// moment the generator wrote that trade to the stream socket. Probe trades travel in the same frames
// as the load, through the same parser, engine, throttle and hub.
//
//   bench_realtime --server build/release/server/clera-server [--accounts 10000] [--positions 25]
//                  [--symbols 2000] [--clients 5000] [--rate 50000] [--warmup 10] [--duration 60]

#include "core/auth/jwt.h"
#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"
#include "core/store/database.h"
#include "core/store/userrepository.h"
#include "fakes/data/fakealpacadata.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/stream/fakealpacastream.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <vector>

#include <unistd.h>

using namespace clera;
using namespace clera::fake;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kMaxProbeSeq = 4'000'000;
const Decimal kProbeBase(100);

qint64 monotonicNanos()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct ProcStats
{
    qint64 cpuTicks = -1; // utime + stime, in clock ticks
    long rssKiB = -1;
};

ProcStats procStats(qint64 pid)
{
    ProcStats s;
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the command name, which is in parentheses and may hold spaces.
        const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 13)
            s.cpuTicks = f.at(11).toLongLong() + f.at(12).toLongLong();
    }
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                s.rssKiB = line.mid(6).trimmed().split(' ').first().toLong();
        }
    }
    return s;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// When each probe sequence number was written to the stream socket (generator thread writes, client
// thread reads; 0 = not sent).
class ProbeClock
{
public:
    ProbeClock() : m_sent(size_t(kMaxProbeSeq)) {}
    void sent(qint64 seq, qint64 nanos) { m_sent[size_t(seq)].store(nanos, std::memory_order_release); }
    [[nodiscard]] qint64 sentAt(qint64 seq) const
    {
        return seq > 0 && seq < kMaxProbeSeq ? m_sent[size_t(seq)].load(std::memory_order_acquire) : 0;
    }

private:
    std::vector<std::atomic<qint64>> m_sent;
};

// The N WebSocket clients, on their own thread: they count every update and turn the values of probe
// accounts back into latencies.
class ClientSwarm : public QObject
{
    Q_OBJECT
public:
    explicit ClientSwarm(const ProbeClock &clock, QObject *parent = nullptr) : QObject(parent), m_clock(clock)
    {}

    std::atomic<int> connected{0};
    std::atomic<int> withValue{0}; // clients that received at least one portfolio_update
    std::atomic<int> closed{0};
    std::atomic<quint64> updates{0};
    std::atomic<bool> measuring{false};

    // Latencies (ns) of probe updates received while measuring.
    [[nodiscard]] std::vector<qint64> takeLatencies()
    {
        const std::lock_guard lock(m_mutex);
        return std::exchange(m_latencies, {});
    }

public Q_SLOTS:
    void start(const QString &wsBase, const QString &token, const QStringList &accounts, int probes)
    {
        m_wsBase = wsBase;
        m_token = token;
        m_accounts = accounts;
        m_probes = probes;
        openMore();
    }

private:
    void openMore()
    {
        // A few hundred handshakes in flight at a time: the server's accept queue is finite.
        while (m_opened < m_accounts.size() && m_opened - connected.load() - closed.load() < 200) {
            const qsizetype index = m_opened++;
            auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
            const bool probe = index < m_probes;
            connect(socket, &QWebSocket::connected, this, [this] {
                ++connected;
                openMore();
            });
            connect(socket, &QWebSocket::disconnected, this, [this] {
                ++closed;
                openMore();
            });
            connect(socket, &QWebSocket::textMessageReceived, this,
                    [this, probe, seen = false](const QString &text) mutable {
                        if (!seen) {
                            seen = true;
                            ++withValue;
                        }
                        if (!measuring.load(std::memory_order_relaxed))
                            return;
                        ++updates;
                        if (probe)
                            onProbe(text, monotonicNanos());
                    });
            QUrl url(m_wsBase + u"/ws/portfolio/"_s + m_accounts.at(index));
            url.setQuery(u"token="_s + m_token);
            socket->open(url);
        }
    }

    void onProbe(const QString &text, qint64 now)
    {
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        const auto value = Decimal::parse(message.value(u"raw_value"_s).toString());
        if (!value)
            return;
        const Decimal seq = (*value - kProbeBase) * Decimal(10000);
        const qint64 sent = m_clock.sentAt(qint64(seq.raw() / Decimal::kOne));
        if (sent == 0)
            return;
        const std::lock_guard lock(m_mutex);
        m_latencies.push_back(now - sent);
    }

    const ProbeClock &m_clock;
    QString m_wsBase;
    QString m_token;
    QStringList m_accounts;
    int m_probes = 0;
    qsizetype m_opened = 0;
    std::mutex m_mutex;
    std::vector<qint64> m_latencies;
};

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
            trades.append(
                {symbol, kProbeBase + Decimal::fromRaw(Decimal::Raw(seq) * (Decimal::kOne / 10000)), now});
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

} // namespace

int main(int argc, char **argv)
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
    const QCommandLineOption keepLogOpt(u"server-log"_s, u"write the server's output here"_s, u"file"_s);
    parser.addOptions({serverOpt, accountsOpt, positionsOpt, symbolsOpt, clientsOpt, rateOpt, probesOpt,
                       probeRateOpt, frameOpt, warmupOpt, durationOpt, sampleOpt, keepLogOpt});
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
    if (serverPath.isEmpty() || accounts <= 0 || positions <= 0 || symbolCount < positions ||
        clients < probes || clients > accounts + probes || rate < 0 || probes <= 0 || duration <= 0) {
        std::fprintf(stderr, "need --server, accounts > 0, symbols >= positions, probes > 0, "
                             "probes <= clients <= accounts + probes\n");
        return 2;
    }

    // The book: accounts × positions over the symbols, and the probe accounts.
    QElapsedTimer setup;
    setup.start();
    FakeAlpacaRest rest;
    if (rest.listen() == 0) {
        std::fprintf(stderr, "cannot listen for the fake Broker API\n");
        return 1;
    }
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
    if (data.listen() == 0) {
        std::fprintf(stderr, "cannot listen for the fake market-data API\n");
        return 1;
    }
    data.setCredentials(credentials.keyId, credentials.secret);
    for (const QString &symbol : std::as_const(symbols))
        data.setSnapshot(symbol, Decimal(100), Decimal(100));

    FakeAlpacaStream::Options streamOptions;
    streamOptions.keyId = credentials.keyId;
    streamOptions.secret = credentials.secret;
    streamOptions.symbolLimit = symbolCount + probes + 100;
    FakeAlpacaStream stream(streamOptions);
    if (!stream.listen()) {
        std::fprintf(stderr, "cannot listen for the fake stream\n");
        return 1;
    }
    std::printf("book: %d accounts x %d positions over %d symbols, %d probe accounts (%.1f s)\n", accounts,
                positions, symbolCount, probes, double(setup.elapsed()) / 1000);

    // The server, as its own process, with an operator in its store (tokens are checked against it).
    QTemporaryDir dataDir;
    QString operatorId;
    {
        auto db = Database::open(QDir(dataDir.path()).filePath(u"store.sqlite"_s));
        if (!db) {
            std::fprintf(stderr, "cannot create the store: %s\n", qPrintable(db.error().message));
            return 1;
        }
        const auto op = UserRepository(**db).create(u"bench-operator@example.com"_s, u"$argon2id$unused"_s,
                                                    u"operator"_s, QDateTime::currentDateTimeUtc());
        if (!op) {
            std::fprintf(stderr, "cannot create the operator: %s\n", qPrintable(op.error().message));
            return 1;
        }
        operatorId = op->id;
    }
    const QByteArray jwtSecret = QByteArray(48, 'k');
    const quint16 apiPort = freePort();
    const quint16 wsPort = freePort();
    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"CLERA_DATA_DIR"_s, dataDir.path());
    env.insert(u"CLERA_BROKER"_s, u"alpaca"_s);
    env.insert(u"CLERA_FEED"_s, u"alpaca"_s);
    env.insert(u"BROKER_API_KEY"_s, credentials.keyId);
    env.insert(u"BROKER_SECRET_KEY"_s, credentials.secret);
    env.insert(u"ALPACA_BROKER_API_URL"_s, rest.baseUrl().toString());
    env.insert(u"ALPACA_DATA_API_URL"_s, data.baseUrl().toString());
    env.insert(u"ALPACA_DATA_STREAM_URL"_s, stream.url().toString());
    env.insert(u"CLERA_API_HOST"_s, u"127.0.0.1"_s);
    env.insert(u"CLERA_API_PORT"_s, QString::number(apiPort));
    env.insert(u"WEBSOCKET_HOST"_s, u"127.0.0.1"_s);
    env.insert(u"WEBSOCKET_PORT"_s, QString::number(wsPort));
    env.insert(u"MIN_UPDATE_INTERVAL"_s, u"0"_s);
    env.insert(u"RECALCULATION_INTERVAL"_s, u"30"_s); // the default: heals accounts whose first load failed
    env.insert(u"CLERA_JWT_SECRET"_s, QString::fromLatin1(jwtSecret));
    env.insert(u"QT_LOGGING_RULES"_s, u"clera.*.debug=false;clera.*.info=false"_s);
    server.setProcessEnvironment(env);
    if (parser.isSet(keepLogOpt))
        server.setStandardErrorFile(parser.value(keepLogOpt));
    else
        server.setStandardErrorFile(QProcess::nullDevice());
    server.setStandardOutputFile(QProcess::nullDevice());
    server.start(serverPath, {});
    if (!server.waitForStarted(10000)) {
        std::fprintf(stderr, "cannot start %s: %s\n", qPrintable(serverPath),
                     qPrintable(server.errorString()));
        return 1;
    }
    const qint64 pid = server.processId();

    // Ready: the stream carries every symbol, and each account has been loaded (a probe value arrives).
    if (!waitFor([&] { return stream.subscribedTrades().size() >= symbolCount + probes; }, 300'000)) {
        std::fprintf(stderr, "the server did not subscribe every symbol (%lld of %d)\n",
                     qlonglong(stream.subscribedTrades().size()), symbolCount + probes);
        return 1;
    }
    std::printf("server ready: %lld symbols subscribed (%.1f s since start)\n",
                qlonglong(stream.subscribedTrades().size()), double(setup.elapsed()) / 1000);
    runFor(2000);
    const ProcStats beforeClients = procStats(pid);

    // The clients: the probe accounts first, then load accounts.
    ProbeClock clock;
    QThread clientThread;
    auto *swarm = new ClientSwarm(clock);
    swarm->moveToThread(&clientThread);
    QObject::connect(&clientThread, &QThread::finished, swarm, &QObject::deleteLater);
    clientThread.start();
    const QString token = Jwt(jwtSecret).issue(operatorId, Role::Operator, std::chrono::hours(24));
    QStringList watched = probeAccounts;
    for (qsizetype i = 0; watched.size() < clients; ++i)
        watched.append(loadAccounts.at(i));
    QMetaObject::invokeMethod(swarm, [swarm, wsBase = u"ws://127.0.0.1:%1"_s.arg(wsPort), token, watched,
                                      probes] { swarm->start(wsBase, token, watched, probes); });
    TickSource ticks(stream, clock, symbols, probeSymbols, rate, probeRate, frameMs, 11);
    ticks.start(); // load while the clients connect, as in production
    if (!waitFor([&] { return swarm->withValue.load() + swarm->closed.load() >= clients; }, 120'000))
        std::fprintf(stderr, "warning: only %d of %d clients got a value within 120 s; measuring anyway\n",
                     swarm->withValue.load(), clients);
    if (swarm->closed.load() > 0)
        std::fprintf(stderr, "warning: %d clients were closed by the server\n", swarm->closed.load());
    const ProcStats afterClients = procStats(pid);
    std::printf("clients: %d connected, %d with a value (%.1f s since start)\n", swarm->connected.load(),
                swarm->withValue.load(), double(setup.elapsed()) / 1000);

    runFor(warmup * 1000);
    swarm->measuring = true;
    const quint64 ticks0 = ticks.ticksSent();
    const ProcStats start = procStats(pid);
    const ProcStats generatorStart = procStats(QCoreApplication::applicationPid());
    QElapsedTimer measured;
    measured.start();
    std::vector<qint64> latencies;
    std::printf("\n%8s %12s %14s %10s %10s %12s\n", "t (s)", "ticks/s", "updates/s", "p50 ms", "p99 ms",
                "server RSS");
    quint64 lastUpdates = 0;
    quint64 lastTicks = ticks0;
    qint64 lastMs = 0;
    long maxRss = start.rssKiB;
    while (measured.elapsed() < qint64(duration) * 1000) {
        runFor(int(std::min<qint64>(sample * 1000, qint64(duration) * 1000 - measured.elapsed())));
        auto window = swarm->takeLatencies();
        latencies.insert(latencies.end(), window.begin(), window.end());
        std::sort(window.begin(), window.end());
        const qint64 ms = measured.elapsed();
        const quint64 updates = swarm->updates.load();
        const ProcStats now = procStats(pid);
        maxRss = std::max(maxRss, now.rssKiB);
        const double secs = double(ms - lastMs) / 1000;
        std::printf("%8.1f %12.0f %14.0f %10.2f %10.2f %9ld KiB\n", double(ms) / 1000,
                    double(ticks.ticksSent() - lastTicks) / secs, double(updates - lastUpdates) / secs,
                    percentile(window, 0.50), percentile(window, 0.99), now.rssKiB);
        std::fflush(stdout);
        lastUpdates = updates;
        lastTicks = ticks.ticksSent();
        lastMs = ms;
    }
    swarm->measuring = false;
    const double secs = double(measured.elapsed()) / 1000;
    const ProcStats end = procStats(pid);
    const ProcStats generatorEnd = procStats(QCoreApplication::applicationPid());
    const long ticksPerSecond = sysconf(_SC_CLK_TCK);
    std::sort(latencies.begin(), latencies.end());

    std::printf("\nresult (%.0f s measured after %d s warm-up; generator and server share this machine)\n",
                secs, warmup);
    std::printf("  ticks/s sent         %.0f (target rate %d)\n", double(ticks.ticksSent() - ticks0) / secs,
                rate);
    std::printf("  client updates/s     %.0f over %d clients\n", double(swarm->updates.load()) / secs,
                clients);
    std::printf("  tick->client latency p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu probes)\n",
                percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.empty() ? 0.0 : double(latencies.back()) / 1e6, latencies.size());
    std::printf("  server CPU           %.0f %% of one core\n",
                100.0 * double(end.cpuTicks - start.cpuTicks) / double(ticksPerSecond) / secs);
    std::printf("  generator CPU        %.0f %% of one core (stream + %d clients)\n",
                100.0 * double(generatorEnd.cpuTicks - generatorStart.cpuTicks) / double(ticksPerSecond) /
                    secs,
                clients);
    std::printf("  server RSS           %ld KiB before clients, %ld KiB with clients, %ld KiB at the end "
                "(max %ld)\n",
                beforeClients.rssKiB, afterClients.rssKiB, end.rssKiB, maxRss);
    std::printf("  per connected client %.1f KiB\n",
                double(afterClients.rssKiB - beforeClients.rssKiB) / double(std::max(1, clients)));
    std::printf("  growth while measured %+ld KiB\n", end.rssKiB - start.rssKiB);
    std::printf("  clients closed by the server: %d\n", swarm->closed.load());

    server.terminate();
    if (!server.waitForFinished(10000))
        server.kill();
    clientThread.quit();
    clientThread.wait();
    return 0;
}

#include "bench_realtime.moc"
