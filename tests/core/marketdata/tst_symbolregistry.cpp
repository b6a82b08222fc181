#include "core/marketdata/marketfeed.h"
#include "core/marketdata/symbolregistry.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

QStringList sorted(QStringList list)
{
    std::sort(list.begin(), list.end());
    return list;
}

// Records every subscription call so the tests see exactly what the registry asked for.
class RecordingFeed : public MarketFeed
{
public:
    using MarketFeed::MarketFeed;

    QString name() const override { return u"recording"_s; }
    void subscribe(const QStringList &symbols) override
    {
        subscribeCalls.append(sorted(symbols));
        for (const QString &s : symbols)
            m_subscribed.insert(s);
    }
    void unsubscribe(const QStringList &symbols) override
    {
        unsubscribeCalls.append(sorted(symbols));
        for (const QString &s : symbols)
            m_subscribed.remove(s);
    }
    QStringList subscriptions() const override { return sorted(m_subscribed.values()); }
    std::optional<Decimal> lastPrice(const QString &) const override { return std::nullopt; }
    std::optional<Decimal> previousClose(const QString &) const override { return std::nullopt; }
    Status status() const override { return Status::Live; }
    QString statusMessage() const override { return {}; }

    void clearCalls()
    {
        subscribeCalls.clear();
        unsubscribeCalls.clear();
    }

    QList<QStringList> subscribeCalls;
    QList<QStringList> unsubscribeCalls;

private:
    QSet<QString> m_subscribed;
};

QStringList argumentOf(const QSignalSpy &spy, qsizetype i)
{
    return sorted(spy.at(i).at(0).toStringList());
}

} // namespace

class TestSymbolRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eachSymbolSubscribedOnce()
    {
        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        QSignalSpy added(&registry, &SymbolRegistry::symbolsAdded);

        registry.setHolderSymbols(u"acct-1"_s, {u"AAPL"_s, u"MSFT"_s});
        registry.setHolderSymbols(u"acct-2"_s, {u"AAPL"_s});
        registry.setHolderSymbols(u"watchlist"_s, {u"AAPL"_s, u"MSFT"_s});

        QCOMPARE(feed.subscribeCalls, (QList<QStringList>{{u"AAPL"_s, u"MSFT"_s}}));
        QVERIFY(feed.unsubscribeCalls.isEmpty());
        QCOMPARE(feed.subscriptions(), (QStringList{u"AAPL"_s, u"MSFT"_s}));
        QCOMPARE(registry.holderCount(u"AAPL"_s), 3);
        QCOMPARE(registry.holderCount(u"MSFT"_s), 2);
        QCOMPARE(registry.holderCount(u"TSLA"_s), 0);
        QCOMPARE(registry.symbolCount(), 2);
        QCOMPARE(sorted(registry.symbols()), (QStringList{u"AAPL"_s, u"MSFT"_s}));
        QCOMPARE(added.count(), 1);
        QCOMPARE(argumentOf(added, 0), (QStringList{u"AAPL"_s, u"MSFT"_s}));
    }

    void sameSetTwiceIsANoOp()
    {
        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s});
        feed.clearCalls();
        QSignalSpy added(&registry, &SymbolRegistry::symbolsAdded);
        QSignalSpy removed(&registry, &SymbolRegistry::symbolsRemoved);

        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s});

        QVERIFY(feed.subscribeCalls.isEmpty());
        QVERIFY(feed.unsubscribeCalls.isEmpty());
        QCOMPARE(added.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(registry.holderCount(u"AAPL"_s), 1);
    }

    void replacement_data()
    {
        QTest::addColumn<QStringList>("otherHolder");
        QTest::addColumn<QStringList>("before");
        QTest::addColumn<QStringList>("after");
        QTest::addColumn<QStringList>("expectSubscribed");
        QTest::addColumn<QStringList>("expectUnsubscribed");

        QTest::addRow("swap one symbol")
            << QStringList{} << QStringList{u"AAPL"_s, u"MSFT"_s} << QStringList{u"MSFT"_s, u"TSLA"_s}
            << QStringList{u"TSLA"_s} << QStringList{u"AAPL"_s};
        QTest::addRow("dropped symbol still held elsewhere")
            << QStringList{u"AAPL"_s} << QStringList{u"AAPL"_s, u"MSFT"_s} << QStringList{u"MSFT"_s}
            << QStringList{} << QStringList{};
        QTest::addRow("new symbol already held elsewhere")
            << QStringList{u"KO"_s} << QStringList{u"AAPL"_s} << QStringList{u"AAPL"_s, u"KO"_s}
            << QStringList{} << QStringList{};
        QTest::addRow("grow") << QStringList{u"KO"_s} << QStringList{u"AAPL"_s}
                              << QStringList{u"AAPL"_s, u"KO"_s, u"NVDA"_s, u"SPY"_s}
                              << QStringList{u"NVDA"_s, u"SPY"_s} << QStringList{};
        QTest::addRow("shrink") << QStringList{u"KO"_s} << QStringList{u"AAPL"_s, u"KO"_s, u"NVDA"_s}
                                << QStringList{u"NVDA"_s} << QStringList{} << QStringList{u"AAPL"_s};
        QTest::addRow("replace everything")
            << QStringList{} << QStringList{u"AAPL"_s, u"MSFT"_s} << QStringList{u"KO"_s, u"PEP"_s}
            << QStringList{u"KO"_s, u"PEP"_s} << QStringList{u"AAPL"_s, u"MSFT"_s};
        QTest::addRow("empty set removes the holder")
            << QStringList{u"MSFT"_s} << QStringList{u"AAPL"_s, u"MSFT"_s} << QStringList{} << QStringList{}
            << QStringList{u"AAPL"_s};
    }

    void replacement()
    {
        QFETCH(QStringList, otherHolder);
        QFETCH(QStringList, before);
        QFETCH(QStringList, after);
        QFETCH(QStringList, expectSubscribed);
        QFETCH(QStringList, expectUnsubscribed);

        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        if (!otherHolder.isEmpty())
            registry.setHolderSymbols(u"other"_s, QSet<QString>(otherHolder.cbegin(), otherHolder.cend()));
        registry.setHolderSymbols(u"acct"_s, QSet<QString>(before.cbegin(), before.cend()));
        feed.clearCalls();
        QSignalSpy added(&registry, &SymbolRegistry::symbolsAdded);
        QSignalSpy removed(&registry, &SymbolRegistry::symbolsRemoved);

        registry.setHolderSymbols(u"acct"_s, QSet<QString>(after.cbegin(), after.cend()));

        QCOMPARE(feed.subscribeCalls,
                 expectSubscribed.isEmpty() ? QList<QStringList>{} : QList<QStringList>{expectSubscribed});
        QCOMPARE(feed.unsubscribeCalls, expectUnsubscribed.isEmpty()
                                            ? QList<QStringList>{}
                                            : QList<QStringList>{expectUnsubscribed});
        QCOMPARE(added.count(), expectSubscribed.isEmpty() ? 0 : 1);
        QCOMPARE(removed.count(), expectUnsubscribed.isEmpty() ? 0 : 1);
        if (!expectSubscribed.isEmpty())
            QCOMPARE(argumentOf(added, 0), expectSubscribed);
        if (!expectUnsubscribed.isEmpty())
            QCOMPARE(argumentOf(removed, 0), expectUnsubscribed);

        // The feed ends up with exactly the union of both holders.
        QSet<QString> expected(otherHolder.cbegin(), otherHolder.cend());
        for (const QString &s : std::as_const(after))
            expected.insert(s);
        QCOMPARE(feed.subscriptions(), sorted(expected.values()));
        QCOMPARE(sorted(registry.symbols()), sorted(expected.values()));
    }

    void removeHolder()
    {
        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s, u"MSFT"_s});
        registry.setHolderSymbols(u"b"_s, {u"MSFT"_s});
        feed.clearCalls();
        QSignalSpy removed(&registry, &SymbolRegistry::symbolsRemoved);

        registry.removeHolder(u"a"_s);
        QCOMPARE(feed.unsubscribeCalls, (QList<QStringList>{{u"AAPL"_s}}));
        QCOMPARE(removed.count(), 1);
        QCOMPARE(argumentOf(removed, 0), QStringList{u"AAPL"_s});
        QCOMPARE(registry.holderCount(u"MSFT"_s), 1);
        QCOMPARE(registry.holderCount(u"AAPL"_s), 0);

        registry.removeHolder(u"a"_s); // already gone
        registry.removeHolder(u"nobody"_s);
        QCOMPARE(feed.unsubscribeCalls.size(), 1);
        QCOMPARE(removed.count(), 1);

        registry.removeHolder(u"b"_s);
        QCOMPARE(feed.unsubscribeCalls.last(), QStringList{u"MSFT"_s});
        QCOMPARE(removed.count(), 2);
        QCOMPARE(registry.symbolCount(), 0);
        QVERIFY(feed.subscriptions().isEmpty());
        QVERIFY(feed.subscribeCalls.isEmpty());
    }

    void holderComesBack()
    {
        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s});
        registry.removeHolder(u"a"_s);
        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s});
        QCOMPARE(feed.subscribeCalls, (QList<QStringList>{{u"AAPL"_s}, {u"AAPL"_s}}));
        QCOMPARE(feed.unsubscribeCalls, (QList<QStringList>{{u"AAPL"_s}}));
        QCOMPARE(registry.holderCount(u"AAPL"_s), 1);
    }

    void emptySetForUnknownHolder()
    {
        RecordingFeed feed;
        SymbolRegistry registry(&feed);
        QSignalSpy removed(&registry, &SymbolRegistry::symbolsRemoved);
        registry.setHolderSymbols(u"a"_s, {});
        QVERIFY(feed.subscribeCalls.isEmpty());
        QVERIFY(feed.unsubscribeCalls.isEmpty());
        QCOMPARE(removed.count(), 0);
        QCOMPARE(registry.symbolCount(), 0);
    }

    // Without a feed (a role that only tracks what is held) the registry still counts and signals.
    void worksWithoutAFeed()
    {
        SymbolRegistry registry(nullptr);
        QSignalSpy added(&registry, &SymbolRegistry::symbolsAdded);
        QSignalSpy removed(&registry, &SymbolRegistry::symbolsRemoved);
        registry.setHolderSymbols(u"a"_s, {u"AAPL"_s});
        registry.setHolderSymbols(u"b"_s, {u"AAPL"_s});
        registry.removeHolder(u"a"_s);
        registry.removeHolder(u"b"_s);
        QCOMPARE(added.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(registry.symbolCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSymbolRegistry)
#include "tst_symbolregistry.moc"
