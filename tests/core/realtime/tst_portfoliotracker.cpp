#include "realtimetestutils.h"

#include "core/broker/simbroker.h"
#include "core/marketdata/assetcatalog.h"
#include "core/realtime/portfoliotracker.h"
#include "core/marketdata/symbolregistry.h"
#include "core/broker/manualfeed.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using clera::test::dec;
using clera::test::marketOrder;

// PortfolioTracker over the real paper broker with a feed whose prices the test sets.
class TestPortfolioTracker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void firstUpdateIsCashOnlyAccount();
    void subscriptionsFollowPositionChanges();
    void ticksRevalueExactly();
    void todaysReturnUnknownUntilPreviousCloseKnown();
    void todaysTradesThroughTheRealOrderPath();
    void untrackedAccountsGetNoUpdates();
    void trackAllTracksAccountsOpenedLater();
    void onlyWatchedAccountsArePublished();
    void publishesEveryTrackedAccountByDefault();

private:
    PortfolioUpdate waitForUpdate(QSignalSpy &spy);

    QTemporaryDir m_dir;
    AssetCatalog m_catalog;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SymbolRegistry> m_registry;
    std::unique_ptr<SimBroker> m_broker;
    std::unique_ptr<PortfolioTracker> m_tracker;
    QString m_account;
};

void TestPortfolioTracker::init()
{
    QVERIFY(m_dir.isValid());
    auto catalog = AssetCatalog::load();
    QVERIFY(catalog);
    m_catalog = *catalog;
    m_feed = std::make_unique<ManualFeed>();
    m_feed->setPrice(u"AAPL"_s, dec("200"));
    m_feed->setPrice(u"MSFT"_s, dec("400.5"));
    m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
    m_broker = std::make_unique<SimBroker>(m_feed.get(), m_catalog, m_registry.get(),
                                           m_dir.filePath(u"broker-%1.sqlite"_s.arg(QString::fromLatin1(QTest::currentTestFunction()))));
    QVERIFY(m_broker->open());
    auto account = m_broker->createAccount(dec("10000"));
    QVERIFY(account);
    m_account = account->id;
    m_tracker = std::make_unique<PortfolioTracker>(m_broker.get(), m_feed.get(), m_registry.get(),
                                                   PortfolioTracker::Options{0ms, 0ms});
}

void TestPortfolioTracker::cleanup()
{
    m_tracker.reset();
    m_broker.reset();
    m_registry.reset();
    m_feed.reset();
}

PortfolioUpdate TestPortfolioTracker::waitForUpdate(QSignalSpy &spy)
{
    if (spy.isEmpty() && !spy.wait(2000))
        return {};
    return spy.takeFirst().at(0).value<PortfolioUpdate>();
}

void TestPortfolioTracker::firstUpdateIsCashOnlyAccount()
{
    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    const PortfolioUpdate u = waitForUpdate(spy);
    QCOMPARE(u.accountId, m_account);
    QCOMPARE(u.totalValue.value(), dec("10000"));
    QCOMPARE(u.todayReturn.value(), dec("0")); // no holdings: nothing moved today
    QVERIFY(m_tracker->latest(m_account));
}

void TestPortfolioTracker::subscriptionsFollowPositionChanges()
{
    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    (void)waitForUpdate(spy);
    QVERIFY(!m_feed->isSubscribed(u"AAPL"_s));

    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "2", OrderSide::Buy)).result());
    QTRY_VERIFY(m_registry->holderCount(u"AAPL"_s) > 0);
    QVERIFY(m_feed->isSubscribed(u"AAPL"_s));
    QTRY_COMPARE(m_tracker->engine().symbolsOf(m_account), QSet<QString>{u"AAPL"_s});

    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "0.5", OrderSide::Buy)).result());
    QTRY_COMPARE(m_tracker->engine().symbolsOf(m_account), (QSet<QString>{u"AAPL"_s, u"MSFT"_s}));

    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "2", OrderSide::Sell)).result());
    QTRY_COMPARE(m_tracker->engine().symbolsOf(m_account), QSet<QString>{u"MSFT"_s});
    QTRY_VERIFY(!m_feed->isSubscribed(u"AAPL"_s)); // nobody holds it anymore
    QVERIFY(m_feed->isSubscribed(u"MSFT"_s));
}

void TestPortfolioTracker::ticksRevalueExactly()
{
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "1.5", OrderSide::Buy)).result());
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "0.123456789", OrderSide::Buy)).result());
    // The broker debits whole cents: 300 and 49.44 (for 49.4444439945).
    const Decimal cash = dec("10000") - dec("300") - dec("49.44");
    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    QCOMPARE(waitForUpdate(spy).totalValue.value(), cash + dec("300") + dec("0.123456789") * dec("400.5"));

    m_feed->tick(u"MSFT"_s, dec("401.37"));
    const PortfolioUpdate u = waitForUpdate(spy);
    QCOMPARE(u.totalValue.value(), cash + dec("1.5") * dec("200") + dec("0.123456789") * dec("401.37"));
    QCOMPARE(u.cash, cash);
}

void TestPortfolioTracker::todaysReturnUnknownUntilPreviousCloseKnown()
{
    // 3 AAPL bought four days ago (held at the previous close), 2 more today at 201.
    const Timestamp now = Timestamp::now();
    m_broker->setClock([now] { return Timestamp::fromDateTime(now.toDateTime().addDays(-4)); });
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "3", OrderSide::Buy)).result());
    m_broker->setClock([] { return Timestamp::now(); });
    m_feed->setPrice(u"AAPL"_s, dec("201"));
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "2", OrderSide::Buy)).result());

    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    PortfolioUpdate u = waitForUpdate(spy);
    QVERIFY(u.totalValue);
    QVERIFY(!u.todayReturn); // ManualFeed has no previous close for AAPL yet
    QCOMPARE(u.toJson().value(u"today_return"), QJsonValue(QJsonValue::Null));

    m_feed->setPreviousClose(u"AAPL"_s, dec("190"));
    u = waitForUpdate(spy);
    QCOMPARE(u.todayReturn.value(), dec("33")); // 3 × (201 − 190) + 2 × (201 − 201)
    m_feed->tick(u"AAPL"_s, dec("205"));
    u = waitForUpdate(spy);
    QCOMPARE(u.todayReturn.value(), dec("53")); // 3 × 15 + 2 × 4, not 5 × 15
    // Base: cash before today's buy + 3 × 190.
    QCOMPARE(u.todayReturnPercent.value(), (dec("53") * dec("100")).checkedDiv(u.cash + dec("402") + dec("570")).value());
}

void TestPortfolioTracker::todaysTradesThroughTheRealOrderPath()
{
    // The paper broker's own figure and the live one agree: 4 MSFT held at the close (400), today
    // 2 bought at 402, then 3 sold at 410 (first in, first out: from the shares held at the close).
    const Timestamp now = Timestamp::now();
    m_feed->setPreviousClose(u"MSFT"_s, dec("400"));
    m_feed->setPrice(u"MSFT"_s, dec("400"));
    m_broker->setClock([now] { return Timestamp::fromDateTime(now.toDateTime().addDays(-4)); });
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "4", OrderSide::Buy)).result());
    m_broker->setClock([] { return Timestamp::now(); });
    m_feed->setPrice(u"MSFT"_s, dec("402"));
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "2", OrderSide::Buy)).result());
    m_feed->setPrice(u"MSFT"_s, dec("410"));
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "3", OrderSide::Sell)).result());
    m_feed->setPrice(u"MSFT"_s, dec("405"));

    const auto positions = m_broker->positions(m_account).result();
    QVERIFY(positions && positions->size() == 1);
    // Left: 1 held at the close (400) and 2 bought at 402: 3 × 405 − (400 + 804).
    QCOMPARE(positions->first().unrealizedIntradayPl, std::optional(dec("11")));
    QVERIFY(positions->first().unrealizedIntradayPl != dec("3") * (dec("405") - dec("400")));

    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    PortfolioUpdate u = waitForUpdate(spy);
    // The unrealised 11 plus what the sale realised: 3 × (410 − 400) = 30.
    QCOMPARE(u.todayReturn.value(), dec("41"));
    QCOMPARE(u.toJson().value(u"raw_return").toString(), u"41"_s);
    // Sold out today: the symbol stays measured from its close, its ticks change nothing.
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"MSFT"_s, "3", OrderSide::Sell)).result());
    QTRY_COMPARE(m_tracker->latest(m_account).value_or(PortfolioUpdate{}).marketValue, std::optional(dec("0")));
    // Sold at 405: the 11 are realised now instead of unrealised.
    QCOMPARE(m_tracker->latest(m_account)->todayReturn, std::optional(dec("41")));
    m_feed->tick(u"MSFT"_s, dec("1"));
    QCOMPARE(m_tracker->latest(m_account)->todayReturn, std::optional(dec("41")));
}

void TestPortfolioTracker::untrackedAccountsGetNoUpdates()
{
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "1", OrderSide::Buy)).result());
    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    (void)waitForUpdate(spy);
    m_tracker->untrack(m_account);
    QVERIFY(!m_tracker->latest(m_account));
    m_feed->tick(u"AAPL"_s, dec("201"));
    QVERIFY(!spy.wait(200));
}

void TestPortfolioTracker::trackAllTracksAccountsOpenedLater()
{
    m_tracker->trackAll();
    QTRY_VERIFY(m_tracker->latest(m_account).has_value());
    // An account opened after trackAll() (onboarding) is valued without anyone watching it.
    auto later = m_broker->createAccount(dec("250.5"));
    QVERIFY(later);
    QTRY_VERIFY(m_tracker->latest(later->id).has_value());
    QCOMPARE(m_tracker->latest(later->id)->totalValue.value(), dec("250.5"));
    QVERIFY(m_tracker->isTracked(later->id));

    // Without trackAll() a tracker tracks only what it is told to.
    PortfolioTracker selective(m_broker.get(), m_feed.get(), m_registry.get(), PortfolioTracker::Options{0ms, 0ms});
    selective.track(m_account);
    auto another = m_broker->createAccount(dec("10"));
    QVERIFY(another);
    QTRY_VERIFY(selective.latest(m_account).has_value());
    QVERIFY(!selective.isTracked(another->id));
}

void TestPortfolioTracker::onlyWatchedAccountsArePublished()
{
    auto other = m_broker->createAccount(dec("5000"));
    QVERIFY(other);
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "2", OrderSide::Buy)).result());
    QVERIFY(m_broker->submitOrder(other->id, marketOrder(u"AAPL"_s, "0.5", OrderSide::Buy)).result());
    const Decimal cash = dec("10000") - dec("400");
    const Decimal otherCash = dec("5000") - dec("100");

    // The server's configuration: every account valued, only watched ones published.
    PortfolioTracker server(m_broker.get(), m_feed.get(), m_registry.get(),
                            {.minUpdateInterval = 0ms, .recalculationInterval = 0ms, .publishUnwatched = false});
    QSignalSpy spy(&server, &PortfolioTracker::portfolioUpdated);
    QSignalSpy loaded(&server, &PortfolioTracker::accountLoaded);
    server.trackAll();
    QTRY_VERIFY(server.latest(m_account) && server.latest(other->id));
    QCOMPARE(server.latest(m_account)->totalValue.value(), cash + dec("2") * dec("200"));
    m_feed->tick(u"AAPL"_s, dec("201.25"));
    QTest::qWait(50);
    QVERIFY2(spy.isEmpty(), "nobody watches: nothing is published");
    // REST reads any account: exact and current, though never published.
    QCOMPARE(server.latest(m_account)->totalValue.value(), cash + dec("2") * dec("201.25"));
    QCOMPARE(server.latest(other->id)->totalValue.value(), otherCash + dec("0.5") * dec("201.25"));

    server.watch(m_account);
    QVERIFY(server.isWatched(m_account));
    m_feed->tick(u"AAPL"_s, dec("202"));
    QTRY_VERIFY(!spy.isEmpty());
    QTest::qWait(50);
    for (const auto &args : std::as_const(spy))
        QCOMPARE(args.at(0).value<PortfolioUpdate>().accountId, m_account);
    QCOMPARE(spy.last().at(0).value<PortfolioUpdate>().totalValue.value(), cash + dec("2") * dec("202"));
    QCOMPARE(server.latest(other->id)->totalValue.value(), otherCash + dec("0.5") * dec("202"));

    // A reload of the unwatched account (its positions changed) publishes nothing either.
    spy.clear();
    loaded.clear();
    QVERIFY(m_broker->submitOrder(other->id, marketOrder(u"AAPL"_s, "0.5", OrderSide::Buy)).result());
    QTRY_VERIFY(!loaded.isEmpty());
    QTest::qWait(50);
    for (const auto &args : std::as_const(spy))
        QCOMPARE(args.at(0).value<PortfolioUpdate>().accountId, m_account);
    QCOMPARE(server.latest(other->id)->totalValue.value(), otherCash - dec("101") + dec("1") * dec("202"));

    server.unwatch(m_account);
    QVERIFY(!server.isWatched(m_account));
    QVERIFY(server.isTracked(m_account)); // still valued for the REST API
    spy.clear();
    m_feed->tick(u"AAPL"_s, dec("199.5"));
    QTest::qWait(50);
    QVERIFY(spy.isEmpty());
    QCOMPARE(server.latest(m_account)->totalValue.value(), cash + dec("2") * dec("199.5"));

    // Watched again: published again from the next change.
    server.watch(other->id);
    m_feed->tick(u"AAPL"_s, dec("199.75"));
    QTRY_VERIFY(!spy.isEmpty());
    const auto update = spy.last().at(0).value<PortfolioUpdate>();
    QCOMPARE(update.accountId, other->id);
    QCOMPARE(update.totalValue.value(), otherCash - dec("101") + dec("1") * dec("199.75"));
}

void TestPortfolioTracker::publishesEveryTrackedAccountByDefault()
{
    // The desktop tracks what it shows and listens to portfolioUpdated without watching.
    QVERIFY(m_broker->submitOrder(m_account, marketOrder(u"AAPL"_s, "1", OrderSide::Buy)).result());
    QSignalSpy spy(m_tracker.get(), &PortfolioTracker::portfolioUpdated);
    m_tracker->track(m_account);
    (void)waitForUpdate(spy);
    m_tracker->unwatch(m_account); // no-op for publishing here
    m_feed->tick(u"AAPL"_s, dec("205"));
    QCOMPARE(waitForUpdate(spy).totalValue.value(), dec("10000") - dec("200") + dec("205"));
}

QTEST_GUILESS_MAIN(TestPortfolioTracker)
#include "tst_portfoliotracker.moc"
