// Benchmark of the server's path before the WebSocket hub, without sockets: Alpaca trade frames (text as
// the stream delivers them) → frame parsing → symbol lookup and PortfolioEngine::applyPrice → the changed
// accounts → PortfolioUpdate::toJsonBytes() for each one published. The same steps as AlpacaStream::
// onTextMessage and PortfolioTracker::onTicks/publish with a zero update interval. Not a test: run it
// by hand, see docs/performance.md.
//
//   bench_pipeline [--accounts N] [--positions N] [--symbols N] [--frames N] [--trades N] [--watched N]
//                  [--full-parser] [--seed N]
//
// --watched N: the first N accounts are watched (published); -1 (default) publishes every account, as the
// tracker did before it published only watched ones. --full-parser: parse every frame with
// parseStreamFrame (QJsonDocument), as before the trade fast path.

#include "core/marketdata/streamprotocol.h"
#include "core/realtime/portfolioengine.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

using namespace clera;
using namespace Qt::StringLiterals;

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// Decimal printing as it was before (one 128-bit division per digit), for the comparison line.
QString printDigitByDigit(Decimal d)
{
    using U128 = UInt128;
    const U128 one = U128(Decimal::kOne);
    const U128 mag = d.raw() < 0 ? U128(-d.raw()) : U128(d.raw());
    auto append = [](QString &out, U128 v, int minDigits) {
        char buf[48];
        int n = 0;
        do {
            buf[n++] = char('0' + int(v % 10));
            v /= 10;
        } while (v != 0);
        while (n < minDigits)
            buf[n++] = '0';
        while (n > 0)
            out.append(QLatin1Char(buf[--n]));
    };
    QString out;
    if (d.raw() < 0)
        out.append(u'-');
    append(out, mag / one, 1);
    U128 frac = mag % one;
    if (frac != 0) {
        int digits = Decimal::kScale;
        while (frac % 10 == 0) {
            frac /= 10;
            --digits;
        }
        out.append(u'.');
        append(out, frac, digits);
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Feed → engine → update bytes pipeline benchmark (no sockets)"_s);
    parser.addHelpOption();
    const QCommandLineOption accountsOpt(u"accounts"_s, u"accounts"_s, u"n"_s, u"10000"_s);
    const QCommandLineOption positionsOpt(u"positions"_s, u"positions per account"_s, u"n"_s, u"25"_s);
    const QCommandLineOption symbolsOpt(u"symbols"_s, u"distinct symbols"_s, u"n"_s, u"2000"_s);
    const QCommandLineOption framesOpt(u"frames"_s, u"stream frames to feed"_s, u"n"_s, u"2000"_s);
    const QCommandLineOption tradesOpt(u"trades"_s, u"trades per frame"_s, u"n"_s, u"100"_s);
    const QCommandLineOption watchedOpt(u"watched"_s, u"accounts published (-1: all)"_s, u"n"_s, u"-1"_s);
    const QCommandLineOption fullParserOpt(u"full-parser"_s, u"parse with QJsonDocument only"_s);
    const QCommandLineOption seedOpt(u"seed"_s, u"random seed"_s, u"n"_s, u"7"_s);
    parser.addOptions(
        {accountsOpt, positionsOpt, symbolsOpt, framesOpt, tradesOpt, watchedOpt, fullParserOpt, seedOpt});
    parser.process(app);
    const int accounts = parser.value(accountsOpt).toInt();
    const int positions = parser.value(positionsOpt).toInt();
    const int symbols = parser.value(symbolsOpt).toInt();
    const int frames = parser.value(framesOpt).toInt();
    const int trades = parser.value(tradesOpt).toInt();
    const int watched = parser.value(watchedOpt).toInt();
    const bool fullParser = parser.isSet(fullParserOpt);
    if (accounts <= 0 || positions <= 0 || symbols < positions || frames <= 0 || trades <= 0) {
        std::fprintf(stderr,
                     "need accounts > 0, positions > 0, symbols >= positions, frames > 0, trades > 0\n");
        return 2;
    }
    std::mt19937_64 rng(parser.value(seedOpt).toULongLong());

    PortfolioEngine engine;
    QStringList names;
    std::vector<std::int64_t> cents(static_cast<size_t>(symbols));
    for (int s = 0; s < symbols; ++s) {
        names.append(u"S%1"_s.arg(s));
        cents[size_t(s)] = std::int64_t(1'000 + rng() % 50'000);
        engine.setPrice(names.last(), Decimal::fromCents(cents[size_t(s)]));
        engine.setPreviousClose(names.last(), Decimal::fromCents(cents[size_t(s)]));
    }
    for (int a = 0; a < accounts; ++a) {
        QList<PortfolioEngine::Holding> holdings;
        QSet<int> chosen;
        while (chosen.size() < positions)
            chosen.insert(int(rng() % symbols));
        for (int s : std::as_const(chosen))
            holdings.append({names[s], Decimal::fromNanos(std::int64_t(rng() % 500'000'000'000ULL) + 1)});
        const auto index = engine.setAccount(u"%1-0000-4000-8000-acct"_s.arg(a, 14, 10, QChar(u'0')),
                                             Decimal::fromCents(std::int64_t(rng() % 10'000'000)), holdings);
        if (!index) {
            std::fprintf(stderr, "setAccount failed\n");
            return 1;
        }
        engine.setFollowed(*index, watched < 0 || a < watched);
    }
    (void)engine.takeDirty();

    // The frames as AlpacaStream receives them (QWebSocket hands over a QString).
    QStringList texts;
    texts.reserve(std::min(frames, 500));
    for (int f = 0; f < std::min(frames, 500); ++f) {
        QString text = u"["_s;
        for (int t = 0; t < trades; ++t) {
            const int s = int(rng() % symbols);
            cents[size_t(s)] = std::max<std::int64_t>(100, cents[size_t(s)] + std::int64_t(rng() % 21) - 10);
            text += u"%1{\"T\":\"t\",\"S\":\"%2\",\"i\":%3,\"x\":\"V\",\"p\":%4.%5,\"s\":100,"
                    "\"c\":[\"@\"],\"t\":\"2026-12-05T15:01:02.123456789Z\",\"z\":\"C\"}"_s
                        .arg(t == 0 ? u""_s : u","_s, names[s])
                        .arg(rng() % 1'000'000)
                        .arg(cents[size_t(s)] / 100)
                        .arg(cents[size_t(s)] % 100, 2, 10, QChar(u'0'));
        }
        texts.append(text + u"]"_s);
    }

    SymbolTexts symbolTexts;
    double parseCpu = 0, engineCpu = 0, publishCpu = 0;
    std::uint64_t ticks = 0, updates = 0, bytes = 0, fastFrames = 0;
    const auto wallStart = std::chrono::steady_clock::now();
    for (int f = 0; f < frames; ++f) {
        const QString &text = texts[f % texts.size()];
        const double t0 = threadCpuSeconds();
        std::optional<StreamFrame> fast = fullParser ? std::nullopt : parseTradeFrame(text, symbolTexts);
        fastFrames += fast ? 1 : 0;
        const StreamFrame frame = fast ? std::move(*fast) : parseStreamFrame(text.toUtf8());
        const double t1 = threadCpuSeconds();
        for (const StreamMessage &m : frame.messages) {
            const int symbol = engine.symbolIndex(m.symbol);
            if (symbol < 0)
                continue;
            if (const auto nanos = m.price.rounded(9).toNanos())
                engine.applyPrice(symbol, *nanos);
            ++ticks;
        }
        const std::vector<int> dirty = engine.takeDirty();
        const double t2 = threadCpuSeconds();
        const Timestamp now = Timestamp::now();
        for (int account : dirty) {
            if (!engine.isFollowed(account))
                continue;
            bytes += std::uint64_t(engine.snapshot(account, now).toJsonBytes().size());
            ++updates;
        }
        const double t3 = threadCpuSeconds();
        parseCpu += t1 - t0;
        engineCpu += t2 - t1;
        publishCpu += t3 - t2;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    const double cpu = parseCpu + engineCpu + publishCpu;

    // Decimal printing alone, the new way and the old way, over the same values.
    std::vector<Decimal> values;
    for (int i = 0; i < 200'000; ++i)
        values.push_back(Decimal::fromRaw(Decimal::Raw(rng() % 100'000'000'000ULL) * 10'000'000'000'000LL +
                                          Decimal::Raw(rng() % 1'000'000'000'000'000'000ULL)));
    qsizetype sink = 0;
    double d0 = threadCpuSeconds();
    for (const Decimal &d : values)
        sink += d.toString().size();
    const double printNew = threadCpuSeconds() - d0;
    d0 = threadCpuSeconds();
    for (const Decimal &d : values)
        sink -= printDigitByDigit(d).size();
    const double printOld = threadCpuSeconds() - d0;

    std::printf("accounts × positions     %d × %d over %d symbols, %s published\n", accounts, positions,
                symbols, watched < 0 ? "every account" : qPrintable(u"the first %1 accounts"_s.arg(watched)));
    std::printf("frames                   %d of %d trades (%llu by the trade fast path)\n", frames, trades,
                static_cast<unsigned long long>(fastFrames));
    std::printf("CPU                      %.3f s (wall %.3f s): parse %.3f, engine %.3f, publish %.3f\n", cpu,
                wall, parseCpu, engineCpu, publishCpu);
    std::printf("ticks/s (CPU)            %.0f\n", double(ticks) / cpu);
    std::printf("updates/s (CPU)          %.0f (%llu updates, %.0f bytes each)\n", double(updates) / cpu,
                static_cast<unsigned long long>(updates), updates ? double(bytes) / double(updates) : 0.0);
    std::printf("parse µs per trade       %.3f\n",
                parseCpu * 1e6 / double(std::max<std::uint64_t>(ticks, 1)));
    std::printf("publish µs per update    %.3f\n",
                publishCpu * 1e6 / double(std::max<std::uint64_t>(updates, 1)));
    std::printf("Decimal::toString        %.0f ns (digit by digit in 128 bits: %.0f ns)%s\n",
                printNew * 1e9 / double(values.size()), printOld * 1e9 / double(values.size()),
                sink == 0 ? "" : " MISMATCH");
    return sink == 0 ? 0 : 1;
}
