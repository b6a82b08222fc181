#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/simfeed.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

constexpr Timestamp kFixedTime = Timestamp::fromNanos(1'700'000'000'000'000'000);

// Ticks as "SYM=price" so whole runs compare with QCOMPARE.
QStringList render(const QList<Tick> &batch)
{
    QStringList out;
    out.reserve(batch.size());
    for (const Tick &t : batch)
        out.append(t.symbol + u'=' + t.price.toString());
    return out;
}

QList<QList<Tick>> run(SimFeed &feed, int steps)
{
    QList<QList<Tick>> batches;
    QObject context;
    QObject::connect(&feed, &MarketFeed::ticks, &context,
                     [&batches](const QList<Tick> &b) { batches.append(b); });
    for (int i = 0; i < steps; ++i)
        feed.step();
    return batches;
}

QList<QStringList> renderRun(SimFeed &feed, int steps)
{
    QList<QStringList> out;
    const auto batches = run(feed, steps);
    for (const auto &b : batches)
        out.append(render(b));
    return out;
}

// |a / b − 1| ≤ percent / 100, exactly.
bool within(Decimal a, Decimal b, int percent)
{
    const Decimal diff = (a - b).abs() * Decimal(100);
    return diff <= b * Decimal(percent);
}

} // namespace

class TestSimFeed : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SimFeed> makeFeed(SimFeed::Options options = {}) const
    {
        auto feed = std::make_unique<SimFeed>(*m_catalog, options);
        feed->setClock([] { return kFixedTime; });
        return feed;
    }

    std::optional<AssetCatalog> m_catalog;

private Q_SLOTS:
    void initTestCase()
    {
        auto catalog = AssetCatalog::load();
        if (!catalog)
            QFAIL(qPrintable(catalog.error()));
        m_catalog = std::move(*catalog);
    }

    void basics()
    {
        auto feed = makeFeed();
        QCOMPARE(feed->name(), u"sim"_s);
        QCOMPARE(feed->status(), MarketFeed::Status::Disconnected);
        QVERIFY(feed->subscriptions().isEmpty());
        QVERIFY(feed->statusMessage().contains(u"seed 1, 20 ticks/s"_s));
    }

    void deterministic_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<int>("ticksPerSecond");
        QTest::addColumn<QStringList>("symbols");
        QTest::addRow("default") << quint64(1) << 20 << QStringList{u"AAPL"_s, u"MSFT"_s, u"SPY"_s};
        QTest::addRow("one symbol") << quint64(42) << 20 << QStringList{u"NVDA"_s};
        QTest::addRow("busy") << quint64(0xdeadbeef) << 400
                              << QStringList{u"AAPL"_s, u"F"_s, u"BKNG"_s, u"NIO"_s};
    }

    void deterministic()
    {
        QFETCH(quint64, seed);
        QFETCH(int, ticksPerSecond);
        QFETCH(QStringList, symbols);
        const SimFeed::Options options{.seed = seed, .ticksPerSecond = ticksPerSecond};
        auto a = makeFeed(options);
        auto b = makeFeed(options);
        a->subscribe(symbols);
        // Subscription order and splitting do not matter, only the set.
        for (auto it = symbols.crbegin(); it != symbols.crend(); ++it)
            b->subscribe({*it});

        const auto runA = renderRun(*a, 300);
        const auto runB = renderRun(*b, 300);
        QCOMPARE(runA.size(), 300);
        QCOMPARE(runA, runB);
        for (const QString &symbol : symbols)
            QCOMPARE(a->lastPrice(symbol), b->lastPrice(symbol));
    }

    void seedsDiffer()
    {
        auto a = makeFeed({.seed = 1});
        auto b = makeFeed({.seed = 2});
        QVERIFY(a->previousClose(u"AAPL"_s) != b->previousClose(u"AAPL"_s) ||
                a->lastPrice(u"AAPL"_s) != b->lastPrice(u"AAPL"_s));
        const QStringList symbols{u"AAPL"_s, u"MSFT"_s, u"SPY"_s};
        a->subscribe(symbols);
        b->subscribe(symbols);
        QVERIFY(renderRun(*a, 100) != renderRun(*b, 100));
    }

    // Each symbol has its own stream: adding a subscription changes when a symbol ticks, not its path.
    void symbolPathIndependentOfOtherSubscriptions()
    {
        auto alone = makeFeed();
        auto crowded = makeFeed();
        alone->subscribe({u"AAPL"_s});
        crowded->subscribe({u"AAPL"_s, u"MSFT"_s, u"TSLA"_s});
        const auto pathOf = [](const QList<QList<Tick>> &batches) {
            QStringList prices;
            for (const auto &batch : batches) {
                for (const Tick &t : batch) {
                    if (t.symbol == u"AAPL")
                        prices.append(t.price.toString());
                }
            }
            return prices;
        };
        const QStringList a = pathOf(run(*alone, 200));
        const QStringList c = pathOf(run(*crowded, 200));
        QVERIFY(c.size() > 50);
        QVERIFY(a.size() > c.size());
        QCOMPARE(a.mid(0, c.size()), c);
    }

    void onlySubscribedSymbolsTick()
    {
        auto feed = makeFeed();
        QSignalSpy spy(feed.get(), &MarketFeed::ticks);
        feed->step();
        QCOMPARE(spy.count(), 0); // nothing subscribed: no batch at all

        feed->subscribe({u"AAPL"_s, u"MSFT"_s, u"KO"_s});
        QCOMPARE(feed->subscriptions(), (QStringList{u"AAPL"_s, u"KO"_s, u"MSFT"_s}));
        QSet<QString> seen;
        for (const auto &batch : run(*feed, 200)) {
            for (const Tick &t : batch) {
                seen.insert(t.symbol);
                QCOMPARE(t.time, kFixedTime);
            }
        }
        QCOMPARE(seen, (QSet<QString>{u"AAPL"_s, u"MSFT"_s, u"KO"_s}));

        feed->unsubscribe({u"MSFT"_s});
        feed->unsubscribe({u"MSFT"_s}); // idempotent
        seen.clear();
        for (const auto &batch : run(*feed, 200)) {
            for (const Tick &t : batch)
                seen.insert(t.symbol);
        }
        QCOMPARE(seen, (QSet<QString>{u"AAPL"_s, u"KO"_s}));

        feed->unsubscribe({u"AAPL"_s, u"KO"_s});
        QVERIFY(feed->subscriptions().isEmpty());
        spy.clear();
        feed->step();
        QCOMPARE(spy.count(), 0);
    }

    void batchSize_data()
    {
        QTest::addColumn<int>("ticksPerSecond");
        QTest::addColumn<int>("stepIntervalMs");
        QTest::addColumn<int>("expected");
        QTest::addRow("default 20/s every 250 ms") << 20 << 250 << 5;
        QTest::addRow("100/s every 250 ms") << 100 << 250 << 25;
        QTest::addRow("7/s every second") << 7 << 1000 << 7;
        QTest::addRow("0.75 rounds to 1") << 3 << 250 << 1;
        QTest::addRow("0.5 rounds up") << 2 << 250 << 1;
        QTest::addRow("1.5 rounds up") << 6 << 250 << 2;
        QTest::addRow("0.2 is at least 1") << 20 << 10 << 1;
        QTest::addRow("nonsense rate is at least 1") << 0 << 250 << 1;
    }

    void batchSize()
    {
        QFETCH(int, ticksPerSecond);
        QFETCH(int, stepIntervalMs);
        QFETCH(int, expected);
        auto feed = makeFeed({.ticksPerSecond = ticksPerSecond, .stepIntervalMs = stepIntervalMs});
        QCOMPARE(feed->ticksPerStep(), expected);
        feed->subscribe({u"AAPL"_s, u"MSFT"_s});
        const auto batches = run(*feed, 20);
        QCOMPARE(batches.size(), 20);
        for (const auto &batch : batches)
            QCOMPARE(batch.size(), qsizetype(expected));
    }

    void pricesAreCentsAndPositive()
    {
        auto feed = makeFeed({.seed = 7, .ticksPerSecond = 4000});
        feed->subscribe(m_catalog->symbols());
        QCOMPARE(feed->subscriptions().size(), m_catalog->size());
        const Decimal cent = Decimal::fromCents(1);
        int ticks = 0;
        for (const auto &batch : run(*feed, 200)) {
            for (const Tick &t : batch) {
                QVERIFY2(t.price.fractionalDigits() <= 2, qPrintable(t.symbol + u' ' + t.price.toString()));
                QVERIFY2(t.price >= cent, qPrintable(t.symbol));
                QCOMPARE(feed->lastPrice(t.symbol).has_value(), true);
                ++ticks;
            }
        }
        QCOMPARE(ticks, 200 * 1000);
    }

    void previousCloseNearReference_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addRow("seed 1") << quint64(1);
        QTest::addRow("seed 2") << quint64(2);
        QTest::addRow("seed max") << std::numeric_limits<quint64>::max();
    }

    void previousCloseNearReference()
    {
        QFETCH(quint64, seed);
        auto feed = makeFeed({.seed = seed});
        for (const AssetCatalog::Entry &e : m_catalog->entries()) {
            const QString &symbol = e.asset.symbol;
            const auto close = feed->previousClose(symbol);
            const auto last = feed->lastPrice(symbol);
            QVERIFY2(close && last, qPrintable(symbol));
            QVERIFY(close->fractionalDigits() <= 2);
            QVERIFY(last->fractionalDigits() <= 2);
            QVERIFY2(within(*close, e.referencePrice, 4), qPrintable(symbol + u' ' + close->toString()));
            // The overnight gap: non-zero and at most about 2 %.
            QVERIFY2(*last != *close, qPrintable(symbol));
            QVERIFY2(within(*last, *close, 3), qPrintable(symbol + u' ' + last->toString()));
        }
    }

    void lastPriceOfUnsubscribedSymbols()
    {
        auto feed = makeFeed();
        const auto before = feed->lastPrice(u"KO"_s);
        QVERIFY(before);
        QCOMPARE(feed->lastPrice(u"ko"_s), before); // case-insensitive like the catalog
        feed->subscribe({u"AAPL"_s});
        const auto aaplBefore = feed->lastPrice(u"AAPL"_s);
        const auto batches = run(*feed, 100);
        QCOMPARE(feed->lastPrice(u"KO"_s), before);
        QCOMPARE(feed->lastPrice(u"AAPL"_s), std::optional(batches.last().last().price));
        QVERIFY(feed->lastPrice(u"AAPL"_s) != aaplBefore);

        QVERIFY(!feed->lastPrice(u"NOPE"_s));
        QVERIFY(!feed->previousClose(u"NOPE"_s));
        QVERIFY(!feed->lastPrice(QString()));
    }

    void unknownSymbolsIgnored()
    {
        auto feed = makeFeed();
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unknown symbols.*NOPE"_s));
        feed->subscribe({u"AAPL"_s, u"NOPE"_s});
        QCOMPARE(feed->subscriptions(), QStringList{u"AAPL"_s});
        feed->subscribe({u"aapl"_s, u"AAPL"_s});
        QCOMPARE(feed->subscriptions(), QStringList{u"AAPL"_s});
        feed->unsubscribe({u"NOPE"_s});
        QCOMPARE(feed->subscriptions(), QStringList{u"AAPL"_s});
        for (const auto &batch : run(*feed, 10)) {
            for (const Tick &t : batch)
                QCOMPARE(t.symbol, u"AAPL"_s);
        }
    }

    void timerDrivesSteps()
    {
        auto feed = std::make_unique<SimFeed>(*m_catalog, SimFeed::Options{.stepIntervalMs = 10});
        QSignalSpy status(feed.get(), &MarketFeed::statusChanged);
        QSignalSpy ticks(feed.get(), &MarketFeed::ticks);
        feed->subscribe({u"AAPL"_s, u"MSFT"_s});

        feed->start();
        QVERIFY(feed->isRunning());
        QCOMPARE(feed->status(), MarketFeed::Status::Live);
        QCOMPARE(status.count(), 1);
        QCOMPARE(status.at(0).at(0).value<MarketFeed::Status>(), MarketFeed::Status::Live);
        QCOMPARE(feed->statusMessage(), u"Simulated market (seed 1, 20 ticks/s)"_s);
        feed->start(); // already running: no second status change
        QCOMPARE(status.count(), 1);

        QVERIFY(ticks.wait(2000));
        QTRY_VERIFY(ticks.count() >= 3);
        const auto batch = ticks.at(0).at(0).value<QList<Tick>>();
        QCOMPARE(batch.size(), qsizetype(1));
        QVERIFY(batch.first().time.nanos() > 0);

        feed->stop();
        QVERIFY(!feed->isRunning());
        QCOMPARE(feed->status(), MarketFeed::Status::Disconnected);
        QCOMPARE(status.count(), 2);
        QCOMPARE(status.at(1).at(0).value<MarketFeed::Status>(), MarketFeed::Status::Disconnected);
        feed->stop();
        QCOMPARE(status.count(), 2);
    }

    void longRunStaysPlausible_data()
    {
        QTest::addColumn<quint64>("seed");
        QTest::addColumn<QStringList>("symbols");
        QTest::addRow("one cheap stock takes every tick") << quint64(3) << QStringList{u"NIO"_s};
        QTest::addRow("mixed") << quint64(11)
                               << QStringList{u"AAPL"_s, u"F"_s, u"BKNG"_s, u"SPY"_s, u"SNAP"_s};
    }

    // 10,000 steps of 5 ticks is 50,000 ticks: hours of a busy session.
    void longRunStaysPlausible()
    {
        QFETCH(quint64, seed);
        QFETCH(QStringList, symbols);
        auto feed = makeFeed({.seed = seed});
        feed->subscribe(symbols);
        QHash<QString, Decimal> close;
        for (const QString &s : symbols)
            close.insert(s, *feed->previousClose(s));
        QHash<QString, QSet<Decimal>> distinct;
        const Decimal cent = Decimal::fromCents(1);
        QObject context;
        connect(feed.get(), &MarketFeed::ticks, &context, [&](const QList<Tick> &batch) {
            for (const Tick &t : batch) {
                QVERIFY2(within(t.price, close.value(t.symbol), 50),
                         qPrintable(t.symbol + u' ' + t.price.toString()));
                QVERIFY(t.price >= cent);
                QVERIFY(t.price.fractionalDigits() <= 2);
                distinct[t.symbol].insert(t.price);
            }
        });
        for (int i = 0; i < 10'000; ++i) {
            feed->step();
            if (QTest::currentTestFailed())
                return;
        }
        for (const QString &s : symbols) {
            QVERIFY2(distinct.value(s).size() >= 10, qPrintable(s)); // it really moves, even a $6 stock
            QVERIFY2(within(*feed->lastPrice(s), close.value(s), 25),
                     qPrintable(s + u' ' + feed->lastPrice(s)->toString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestSimFeed)
#include "tst_simfeed.moc"
