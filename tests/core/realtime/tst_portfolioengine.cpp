#include "core/realtime/portfolioengine.h"

#include <QTest>

#include <random>

using namespace clera;
using namespace Qt::StringLiterals;

namespace {

Decimal dec(const char *text)
{
    auto d = Decimal::parse(QString::fromLatin1(text));
    if (!d)
        qFatal("bad decimal literal %s", text);
    return *d;
}

} // namespace

class TestPortfolioEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valueIsCashPlusHoldings_data();
    void valueIsCashPlusHoldings();
    void unknownPriceMeansUnknownValue();
    void unknownPreviousCloseMeansUnknownReturn();
    void tickTouchesOnlyHolders();
    void replacingHoldingsDetachesOldSymbols();
    void removedAccountIsNotReported();
    void rejectsQuantitiesFinerThanNanos();
    void percentIsRelativeToPreviousValue();
    void incrementalMatchesRecomputation();
    void unchangedHoldingsOnlyUpdateCash();
    void unfollowedAccountsAreValuedButNotListed();
    // Today's return against the day basis (finance-math.md: intraday fills from their fill price).
    void boughtTodayEarnsFromItsFillPrice();
    void partlyBoughtToday();
    void soldTodayRealisedFillMinusClose();
    void soldOutTodayNeedsItsClose();
    void unknownDayTradesMeanUnknownReturn();
    void dayBasisFollowsTicksExactly();
};

void TestPortfolioEngine::valueIsCashPlusHoldings_data()
{
    QTest::addColumn<QString>("cash");
    QTest::addColumn<QString>("qty");
    QTest::addColumn<QString>("price");
    QTest::addColumn<QString>("expected");
    QTest::addRow("whole shares") << u"1000"_s << u"10"_s << u"187.31"_s << u"2873.1"_s;
    QTest::addRow("fractional 9 digits") << u"0"_s << u"0.123456789"_s << u"187.3456"_s << u"23.1290862092784"_s;
    QTest::addRow("sub-penny price") << u"5.5"_s << u"1000000"_s << u"0.0001"_s << u"105.5"_s;
    QTest::addRow("short position") << u"10000"_s << u"-3"_s << u"400.25"_s << u"8799.25"_s;
    QTest::addRow("negative cash") << u"-100.01"_s << u"1"_s << u"100"_s << u"-0.01"_s;
}

void TestPortfolioEngine::valueIsCashPlusHoldings()
{
    QFETCH(QString, cash);
    QFETCH(QString, qty);
    QFETCH(QString, price);
    QFETCH(QString, expected);
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, *Decimal::parse(price));
    const auto index = engine.setAccount(u"acct"_s, *Decimal::parse(cash), {{u"AAA"_s, *Decimal::parse(qty)}});
    QVERIFY(index);
    const PortfolioUpdate u = engine.snapshot(*index, Timestamp::now());
    QVERIFY(u.totalValue);
    QCOMPARE(u.totalValue->toString(), expected);
    QCOMPARE(*u.totalValue, *Decimal::parse(cash) + *Decimal::parse(qty) * *Decimal::parse(price));
}

void TestPortfolioEngine::unknownPriceMeansUnknownValue()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    const int a = *engine.setAccount(u"a"_s, dec("100"), {{u"AAA"_s, dec("1")}, {u"BBB"_s, dec("2")}});
    QVERIFY(!engine.snapshot(a, {}).totalValue.has_value());
    QVERIFY(!engine.snapshot(a, {}).todayReturn.has_value());
    engine.setPrice(u"BBB"_s, dec("5"));
    QCOMPARE(engine.snapshot(a, {}).totalValue.value(), dec("120"));
}

void TestPortfolioEngine::unknownPreviousCloseMeansUnknownReturn()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    engine.setPrice(u"BBB"_s, dec("20"));
    engine.setPreviousClose(u"AAA"_s, dec("9"));
    const int a = *engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("2")}, {u"BBB"_s, dec("1")}});
    PortfolioUpdate u = engine.snapshot(a, {});
    QVERIFY(u.totalValue);
    QVERIFY(!u.todayReturn); // never zero, never an estimate
    QVERIFY(!u.todayReturnPercent);
    engine.setPreviousClose(u"BBB"_s, dec("21"));
    u = engine.snapshot(a, {});
    QCOMPARE(u.todayReturn.value(), dec("1")); // 2 × (10 − 9) + 1 × (20 − 21)
    engine.setPreviousClose(u"BBB"_s, std::nullopt);
    QVERIFY(!engine.snapshot(a, {}).todayReturn);
}

void TestPortfolioEngine::tickTouchesOnlyHolders()
{
    PortfolioEngine engine;
    for (const char *s : {"AAA", "BBB", "CCC"})
        engine.setPrice(QString::fromLatin1(s), dec("1"));
    const int a = *engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("1")}});
    const int b = *engine.setAccount(u"b"_s, dec("0"), {{u"AAA"_s, dec("1")}, {u"BBB"_s, dec("1")}});
    const int c = *engine.setAccount(u"c"_s, dec("0"), {{u"CCC"_s, dec("1")}});
    (void)engine.takeDirty();
    const auto before = engine.holderUpdates();
    engine.applyPrice(engine.symbolIndex(u"BBB"_s), 2'000'000'000);
    QCOMPARE(engine.takeDirty(), std::vector<int>{b});
    QCOMPARE(engine.holderUpdates() - before, 1u);
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 3'000'000'000);
    auto dirty = engine.takeDirty();
    std::sort(dirty.begin(), dirty.end());
    QCOMPARE(dirty, (std::vector<int>{a, b}));
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 3'000'000'000); // unchanged price
    QVERIFY(engine.takeDirty().empty());
    QCOMPARE(engine.snapshot(b, {}).totalValue.value(), dec("5"));
    QCOMPARE(engine.snapshot(c, {}).totalValue.value(), dec("1"));
}

void TestPortfolioEngine::replacingHoldingsDetachesOldSymbols()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    engine.setPrice(u"BBB"_s, dec("20"));
    const int a = *engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("1")}});
    QCOMPARE(*engine.setAccount(u"a"_s, dec("50"), {{u"BBB"_s, dec("2")}, {u"BBB"_s, dec("1")}}), a);
    (void)engine.takeDirty();
    engine.setPrice(u"AAA"_s, dec("11"));
    QVERIFY(engine.takeDirty().empty());
    QCOMPARE(engine.snapshot(a, {}).totalValue.value(), dec("110")); // 50 + 3 × 20
    QCOMPARE(engine.symbolsOf(u"a"_s), QSet<QString>{u"BBB"_s});
}

void TestPortfolioEngine::removedAccountIsNotReported()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    (void)engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("1")}});
    engine.removeAccount(u"a"_s);
    QVERIFY(engine.takeDirty().empty());
    QCOMPARE(engine.accountIndex(u"a"_s), -1);
    engine.setPrice(u"AAA"_s, dec("12"));
    QVERIFY(engine.takeDirty().empty());
}

void TestPortfolioEngine::rejectsQuantitiesFinerThanNanos()
{
    PortfolioEngine engine;
    const auto r = engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("0.0000000001")}});
    QVERIFY(!r);
    QVERIFY(r.error().contains(u"9 fractional digits"_s));
    QCOMPARE(engine.accountIndex(u"a"_s), -1);
}

void TestPortfolioEngine::percentIsRelativeToPreviousValue()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("101"));
    engine.setPreviousClose(u"AAA"_s, dec("100"));
    const int a = *engine.setAccount(u"a"_s, dec("900"), {{u"AAA"_s, dec("1")}});
    const PortfolioUpdate u = engine.snapshot(a, {});
    QCOMPARE(u.todayReturn.value(), dec("1"));
    QCOMPARE(u.todayReturnPercent.value(), dec("0.1")); // 1 / (900 + 100) × 100
    const QJsonObject json = u.toJson();
    QCOMPARE(json.value(u"total_value").toString(), u"$1,001.00"_s);
    QCOMPARE(json.value(u"today_return").toString(), u"+$1.00 (0.10%)"_s);
    QCOMPARE(json.value(u"raw_value").toString(), u"1001"_s);
    QCOMPARE(json.value(u"raw_return_percent").toString(), u"0.1"_s);
}

void TestPortfolioEngine::incrementalMatchesRecomputation()
{
    // Random accounts and ticks; after every step the incremental values must equal a recomputation
    // from scratch with Decimal arithmetic.
    std::mt19937_64 rng(42);
    PortfolioEngine engine;
    const int symbols = 40, accounts = 60;
    QHash<QString, Decimal> prices, closes;
    for (int s = 0; s < symbols; ++s) {
        const QString sym = u"S%1"_s.arg(s);
        prices[sym] = Decimal::fromCents(qint64(rng() % 100000) + 1);
        closes[sym] = Decimal::fromCents(qint64(rng() % 100000) + 1);
        engine.setPrice(sym, prices[sym]);
        engine.setPreviousClose(sym, closes[sym]);
    }
    QHash<QString, QList<PortfolioEngine::Holding>> book;
    QHash<QString, Decimal> cash;
    for (int a = 0; a < accounts; ++a) {
        const QString id = u"A%1"_s.arg(a);
        QList<PortfolioEngine::Holding> holdings;
        for (int k = 0; k < 5; ++k)
            holdings.append({u"S%1"_s.arg(rng() % symbols), Decimal::fromNanos(qint64(rng() % 50'000'000'000) - 5'000'000'000)});
        book[id] = holdings;
        cash[id] = Decimal::fromCents(qint64(rng() % 10'000'000));
        QVERIFY(engine.setAccount(id, cash[id], holdings));
    }
    for (int step = 0; step < 2000; ++step) {
        const QString sym = u"S%1"_s.arg(rng() % symbols);
        prices[sym] = Decimal::fromCents(qint64(rng() % 100000) + 1);
        engine.setPrice(sym, prices[sym]);
        if (step % 50 == 0) { // replace, re-add or confirm holdings: exercises the holder swap-and-pop
            const QString id = u"A%1"_s.arg(rng() % accounts);
            if (rng() % 3 == 0)
                engine.removeAccount(id);
            if (rng() % 2 == 0)
                book[id] = {{sym, Decimal::fromNanos(qint64(rng() % 9'000'000'000))},
                            {u"S%1"_s.arg(rng() % symbols), Decimal::fromNanos(qint64(rng() % 9'000'000'000))}};
            QVERIFY(engine.setAccount(id, cash[id], book[id]));
        }
    }
    for (auto it = book.cbegin(); it != book.cend(); ++it) {
        Decimal value = cash[it.key()], today;
        for (const auto &h : it.value()) {
            value += h.qty * prices[h.symbol];
            today += h.qty * (prices[h.symbol] - closes[h.symbol]);
        }
        const PortfolioUpdate u = engine.snapshot(engine.accountIndex(it.key()), {});
        QCOMPARE(u.totalValue.value(), value);
        QCOMPARE(u.todayReturn.value(), today);
    }
}

void TestPortfolioEngine::unchangedHoldingsOnlyUpdateCash()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    const int a = *engine.setAccount(u"a"_s, dec("100"), {{u"AAA"_s, dec("2")}});
    const int b = *engine.setAccount(u"b"_s, dec("0"), {{u"AAA"_s, dec("1")}});
    (void)engine.takeDirty();
    QCOMPARE(*engine.setAccount(u"a"_s, dec("100"), {{u"AAA"_s, dec("1")}, {u"AAA"_s, dec("1")}}), a);
    QVERIFY(engine.takeDirty().empty()); // nothing changed: nothing to push
    QCOMPARE(*engine.setAccount(u"a"_s, dec("90"), {{u"AAA"_s, dec("2")}}), a);
    QCOMPARE(engine.takeDirty(), std::vector<int>{a});
    QCOMPARE(engine.snapshot(a, {}).totalValue.value(), dec("110"));
    engine.setPrice(u"AAA"_s, dec("11")); // both still attached exactly once
    auto dirty = engine.takeDirty();
    std::sort(dirty.begin(), dirty.end());
    QCOMPARE(dirty, (std::vector<int>{a, b}));
    QCOMPARE(engine.snapshot(a, {}).totalValue.value(), dec("112"));
    QCOMPARE(engine.snapshot(b, {}).totalValue.value(), dec("11"));
}

void TestPortfolioEngine::unfollowedAccountsAreValuedButNotListed()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    const int a = *engine.setAccount(u"a"_s, dec("1"), {{u"AAA"_s, dec("2")}});
    const int b = *engine.setAccount(u"b"_s, dec("0"), {{u"AAA"_s, dec("0.5")}});
    (void)engine.takeDirty();
    QVERIFY(engine.isFollowed(a));
    engine.setFollowed(b, false);
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 12'250'000'000);
    QCOMPARE(engine.takeDirty(), std::vector<int>{a});
    QCOMPARE(engine.snapshot(b, {}).totalValue.value(), dec("6.125")); // exact all the same
    QCOMPARE(*engine.setAccount(u"b"_s, dec("5"), {{u"AAA"_s, dec("0.5")}}), b); // a cash change: not listed either
    QVERIFY(engine.takeDirty().empty());
    QCOMPARE(engine.snapshot(b, {}).totalValue.value(), dec("11.125"));
    engine.setFollowed(b, true); // listed again from the next change
    QVERIFY(engine.takeDirty().empty());
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 12'000'000'000);
    auto dirty = engine.takeDirty();
    std::sort(dirty.begin(), dirty.end());
    QCOMPARE(dirty, (std::vector<int>{a, b}));
    // A removed account's slot is reused followed.
    engine.setFollowed(b, false);
    engine.removeAccount(u"b"_s);
    const int c = *engine.setAccount(u"c"_s, dec("0"), {{u"AAA"_s, dec("1")}});
    QCOMPARE(c, b);
    QVERIFY(engine.isFollowed(c));
    // Listed as changed, then no longer followed before the list was taken: not reported.
    (void)engine.takeDirty();
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 13'000'000'000);
    engine.setFollowed(a, false);
    QCOMPARE(engine.takeDirty(), (std::vector<int>{c}));
}

void TestPortfolioEngine::boughtTodayEarnsFromItsFillPrice()
{
    // Bought 1 today at 101; yesterday's close 100; now 102: 1 earned today, not 2.
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("102"));
    engine.setPreviousClose(u"AAA"_s, dec("100"));
    const int a = *engine.setAccount(u"a"_s, dec("899"), {{u"AAA"_s, dec("1"), dec("0")}}, dec("101"));
    PortfolioUpdate u = engine.snapshot(a, {});
    QCOMPARE(u.totalValue.value(), dec("1001"));
    QCOMPARE(u.todayReturn.value(), dec("1"));
    // Base: the value at the previous close with today's trade undone: 899 + 101 cash, nothing held.
    QCOMPARE(u.todayReturnPercent.value(), dec("0.1"));
    // Bought today only: the previous close does not matter, an unknown one included.
    engine.setPreviousClose(u"AAA"_s, std::nullopt);
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("1"));
    engine.applyPrice(engine.symbolIndex(u"AAA"_s), 99'500'000'000);
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("-1.5"));
}

void TestPortfolioEngine::partlyBoughtToday()
{
    // 10 held at the close (100), 5 bought today at 101 and 5 at 103.5; now 102.
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("102"));
    engine.setPreviousClose(u"AAA"_s, dec("100"));
    const int a = *engine.setAccount(u"a"_s, dec("0"), {{u"AAA"_s, dec("20"), dec("10")}},
                                     dec("5") * dec("101") + dec("5") * dec("103.5"));
    // 10 × (102 − 100) + 5 × (102 − 101) + 5 × (102 − 103.5) = 20 + 5 − 7.5
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("17.5"));
    QVERIFY(engine.snapshot(a, {}).todayReturn != dec("20") * (dec("102") - dec("100"))); // not qty × move
    engine.setPreviousClose(u"AAA"_s, dec("99"));
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("27.5"));
    engine.setPreviousClose(u"AAA"_s, std::nullopt); // the shares held at the close need it
    QVERIFY(!engine.snapshot(a, {}).todayReturn);
}

void TestPortfolioEngine::soldTodayRealisedFillMinusClose()
{
    // 10 held at the close (100), 4 sold today at 105: they realised 4 × 5; 6 left, now 102.
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("102"));
    engine.setPreviousClose(u"AAA"_s, dec("100"));
    const int a = *engine.setAccount(u"a"_s, dec("420"), {{u"AAA"_s, dec("6"), dec("10")}}, dec("-420"));
    PortfolioUpdate u = engine.snapshot(a, {});
    QCOMPARE(u.todayReturn.value(), dec("32")); // 6 × 2 + 4 × (105 − 100)
    // Base: cash before the sale (0) + 10 × 100 held at the close.
    QCOMPARE(u.todayReturnPercent.value(), dec("3.2"));
    // A round trip today (buy 2 at 101, sell them at 103) adds its own 2 × 2.
    (void)engine.setAccount(u"a"_s, dec("424"), {{u"AAA"_s, dec("6"), dec("10")}},
                            dec("-420") + dec("202") - dec("206"));
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("36"));
}

void TestPortfolioEngine::soldOutTodayNeedsItsClose()
{
    // BBB: 3 held at the close (50), all sold today at 49; AAA untouched.
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    engine.setPreviousClose(u"AAA"_s, dec("9"));
    const int a = *engine.setAccount(u"a"_s, dec("147"),
                                     {{u"AAA"_s, dec("1")}, {u"BBB"_s, dec("0"), dec("3")}}, dec("-147"));
    PortfolioUpdate u = engine.snapshot(a, {});
    QCOMPARE(u.totalValue.value(), dec("157")); // no price needed for a symbol no longer held
    QVERIFY(!u.todayReturn);                    // BBB's close is not known yet
    engine.setPreviousClose(u"BBB"_s, dec("50"));
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("-2")); // 1 × 1 + 3 × (49 − 50)
    // A BBB tick changes nothing for the account: it is not listed as changed.
    (void)engine.takeDirty();
    engine.setPrice(u"BBB"_s, dec("48"));
    QVERIFY(engine.takeDirty().empty());
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("-2"));
    QCOMPARE(engine.heldSymbols().size(), 2);
}

void TestPortfolioEngine::unknownDayTradesMeanUnknownReturn()
{
    PortfolioEngine engine;
    engine.setPrice(u"AAA"_s, dec("10"));
    engine.setPreviousClose(u"AAA"_s, dec("9"));
    const int a = *engine.setAccount(u"a"_s, dec("5"), {{u"AAA"_s, dec("1")}}, std::nullopt);
    PortfolioUpdate u = engine.snapshot(a, {});
    QCOMPARE(u.totalValue.value(), dec("15"));
    QVERIFY(!u.todayReturn);
    QVERIFY(!u.todayReturnPercent);
    (void)engine.takeDirty();
    // The same holdings with the day's trades known: a change of the account (listed), now known.
    QCOMPARE(*engine.setAccount(u"a"_s, dec("5"), {{u"AAA"_s, dec("1")}}, dec("0")), a);
    QCOMPARE(engine.takeDirty(), (std::vector<int>{a}));
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("1"));
    // A changed closeQty with the same qty is a change of the holdings.
    QCOMPARE(*engine.setAccount(u"a"_s, dec("5"), {{u"AAA"_s, dec("1"), dec("0")}}, dec("9.5")), a);
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), dec("0.5"));
    QVERIFY(!engine.setAccount(u"a"_s, dec("5"), {{u"AAA"_s, dec("1"), dec("0.0000000001")}}, dec("0")));
}

void TestPortfolioEngine::dayBasisFollowsTicksExactly()
{
    // Random books with random day trades: the incremental figure equals the formula recomputed.
    std::mt19937_64 rng(7);
    PortfolioEngine engine;
    const QStringList symbols{u"A"_s, u"B"_s, u"C"_s, u"D"_s};
    QHash<QString, Decimal> price, close;
    for (const QString &s : symbols) {
        price[s] = Decimal::fromCents(std::int64_t(rng() % 100'000) + 1);
        close[s] = Decimal::fromCents(std::int64_t(rng() % 100'000) + 1);
        engine.setPrice(s, price[s]);
        engine.setPreviousClose(s, close[s]);
    }
    QList<PortfolioEngine::Holding> book;
    for (const QString &s : symbols)
        book.append({s, Decimal::fromNanos(std::int64_t(rng() % 5'000'000'000'000)),
                     Decimal::fromNanos(std::int64_t(rng() % 5'000'000'000'000))});
    const Decimal dayCash = Decimal::fromCents(std::int64_t(rng() % 1'000'000) - 500'000);
    const int a = *engine.setAccount(u"a"_s, dec("1000"), book, dayCash);
    for (int i = 0; i < 2000; ++i) {
        const QString &s = symbols[qsizetype(rng() % 4)];
        price[s] = Decimal::fromCents(std::int64_t(rng() % 100'000) + 1);
        engine.applyPrice(engine.symbolIndex(s), *price[s].toNanos());
    }
    Decimal expected = -dayCash;
    for (const auto &h : book)
        expected += h.qty * price[h.symbol] - *h.closeQty * close[h.symbol];
    QCOMPARE(engine.snapshot(a, {}).todayReturn.value(), expected);
}

QTEST_GUILESS_MAIN(TestPortfolioEngine)
#include "tst_portfolioengine.moc"
