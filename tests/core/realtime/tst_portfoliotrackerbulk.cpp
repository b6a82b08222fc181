#include "core/broker/alpacabroker.h"
#include "core/broker/manualfeed.h"
#include "core/bus/localbus.h"
#include "core/realtime/holdingscollector.h"
#include "core/marketdata/symbolregistry.h"
#include "core/realtime/portfoliotracker.h"
#include "fakes/rest/fakealpacarest.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

// PortfolioTracker's bulk loads over AlpacaBroker and the fake Broker API: the first load and each
// recalculation read every account's positions with ONE `GET /v1/accounts/positions`, whatever the
// number of accounts, and value every account exactly. The answer is decoded one account at a time
// (PositionsByAccount), so one bad account spoils nothing else, here or in the collector role.
class TestPortfolioTrackerBulk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void firstLoadReadsAllPositionsInOneRequest();
    void recalculationReloadsInBulkAndSeesChanges();
    void todaysTradesFromAlpacaFills();
    void anUndecodableAccountFailsAlone();
    void collectorKeepsTheLastHoldingsOfAnUndecodableAccount();
    void collectorReadsAgainSoonWhenTodaysFillsCannotBeRead();

private:
    void startTracker(std::chrono::milliseconds recalculation);
    [[nodiscard]] int count(const QByteArray &method, const QString &pathContains) const;
    // Requests for one account's positions (`/v1/trading/accounts/{id}/positions`).
    [[nodiscard]] int singlePositionRequests() const;

    static constexpr int kAccounts = 60;
    std::unique_ptr<FakeAlpacaRest> m_fake;
    std::unique_ptr<AlpacaBroker> m_broker;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SymbolRegistry> m_registry;
    std::unique_ptr<PortfolioTracker> m_tracker;
    QStringList m_accounts;
    QHash<QString, Decimal> m_expected; // account → cash + Σ qty × price
};

void TestPortfolioTrackerBulk::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    const QStringList symbols{u"AAPL"_s, u"MSFT"_s, u"NVDA"_s, u"TSLA"_s, u"AMZN"_s};
    const QList<Decimal> prices{Decimal::parse(u"201.25"_s).value(), Decimal::parse(u"400.5"_s).value(),
                                Decimal::parse(u"130.125"_s).value(), Decimal(250),
                                Decimal::parse(u"180.01"_s).value()};
    for (qsizetype s = 0; s < symbols.size(); ++s)
        m_fake->book().setLastPrice(symbols.at(s), prices.at(s));
    m_accounts.clear();
    m_expected.clear();
    for (int a = 0; a < kAccounts; ++a) {
        const Decimal cash = Decimal(1000 + a) + Decimal::parse(u"0.37"_s).value();
        const QString id = m_fake->seedAccount(cash);
        Decimal total = cash;
        // Account a holds a % 4 symbols (none for every fourth account), with fractional quantities.
        for (int p = 0; p < a % 4; ++p) {
            const qsizetype s = (a + p) % symbols.size();
            const Decimal qty = Decimal(p + 1) + Decimal::parse(u"0.5"_s).value();
            m_fake->book().seedHolding(id, symbols.at(s), qty, qty * Decimal(100));
            total = total + qty * prices.at(s);
        }
        m_accounts.append(id);
        m_expected.insert(id, total);
    }
    m_feed = std::make_unique<ManualFeed>();
    m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    o.keyId = m_fake->brokerCredentials().keyId;
    o.secret = m_fake->brokerCredentials().secret;
    o.timeout = 10s;
    m_broker = std::make_unique<AlpacaBroker>(o);
}

void TestPortfolioTrackerBulk::cleanup()
{
    m_tracker.reset();
    m_broker.reset();
    m_registry.reset();
    m_feed.reset();
    m_fake.reset();
}

void TestPortfolioTrackerBulk::startTracker(std::chrono::milliseconds recalculation)
{
    m_tracker = std::make_unique<PortfolioTracker>(m_broker.get(), m_feed.get(), m_registry.get(),
                                                   PortfolioTracker::Options{0ms, recalculation});
}

int TestPortfolioTrackerBulk::count(const QByteArray &method, const QString &pathContains) const
{
    return int(m_fake->requests(method, pathContains).size());
}

int TestPortfolioTrackerBulk::singlePositionRequests() const
{
    int n = 0;
    for (const auto &r : m_fake->requests("GET", u"/v1/trading/accounts/"_s))
        n += r.path.endsWith(u"/positions") ? 1 : 0;
    return n;
}

void TestPortfolioTrackerBulk::firstLoadReadsAllPositionsInOneRequest()
{
    startTracker(0ms);
    QSignalSpy loaded(m_tracker.get(), &PortfolioTracker::accountLoaded);
    QSignalSpy failed(m_tracker.get(), &PortfolioTracker::accountFailed);
    m_tracker->trackAll();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), kAccounts, 20000);
    QCOMPARE(failed.size(), 0);

    QCOMPARE(count("GET", u"/v1/accounts/positions"_s), 1);
    QCOMPARE(singlePositionRequests(), 0);
    // Balances: the list, then one trading-account request per account (the list has no cash).
    // The list, the positions of all and today's fills of all.
    QCOMPARE(count("GET", u"/v1/accounts"_s), 3);
    QCOMPARE(count("GET", u"/v1/accounts/activities"_s), 1);
    int tradingAccounts = 0;
    for (const auto &r : m_fake->requests("GET", u"/v1/trading/accounts/"_s))
        tradingAccounts += r.path.endsWith(u"/account") ? 1 : 0;
    QCOMPARE(tradingAccounts, kAccounts);

    QCOMPARE(m_tracker->trackedAccounts().size(), kAccounts);
    for (const QString &id : std::as_const(m_accounts)) {
        const auto update = m_tracker->latest(id);
        QVERIFY2(update, qPrintable(id));
        QVERIFY(update->totalValue);
        QCOMPARE(update->totalValue->toString(), m_expected.value(id).toString());
    }
    // Every held symbol is subscribed once the first load is in.
    for (const QString &s : {u"AAPL"_s, u"MSFT"_s, u"NVDA"_s, u"TSLA"_s, u"AMZN"_s})
        QVERIFY2(m_feed->subscriptions().contains(s), qPrintable(s));
}

void TestPortfolioTrackerBulk::recalculationReloadsInBulkAndSeesChanges()
{
    startTracker(300ms);
    QSignalSpy loaded(m_tracker.get(), &PortfolioTracker::accountLoaded);
    m_tracker->trackAll();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), kAccounts, 20000);

    // A change the broker does not announce: only the recalculation can see it.
    const QString changed = m_accounts.at(5);
    m_fake->book().seedHolding(changed, u"TSLA"_s, Decimal(2), Decimal(400));
    const Decimal expected = m_expected.value(changed) + Decimal(500);
    QTRY_COMPARE_WITH_TIMEOUT(m_tracker->latest(changed)->totalValue->toString(), expected.toString(), 20000);

    const int bulk = count("GET", u"/v1/accounts/positions"_s);
    QVERIFY(bulk >= 2);
    QCOMPARE(singlePositionRequests(), 0);
    // The others are unchanged.
    for (const QString &id : std::as_const(m_accounts))
        if (id != changed)
            QCOMPARE(m_tracker->latest(id)->totalValue->toString(), m_expected.value(id).toString());
}

// The bulk answer is decoded one account at a time: an account whose positions do not decode fails on
// its own (accountFailed with its id) and every other account is valued exactly.
void TestPortfolioTrackerBulk::anUndecodableAccountFailsAlone()
{
    const QString broken = m_accounts.at(1); // holds one symbol (a % 4 == 1)
    QJsonObject answer = m_fake->book().allPositions().body.toObject();
    QJsonObject byAccount = answer.value(u"positions").toObject();
    QJsonArray positions = byAccount.value(broken).toArray();
    QVERIFY(!positions.isEmpty());
    QJsonObject first = positions.at(0).toObject();
    first.insert(u"qty"_s, u"one and a half"_s);
    positions.replace(0, first);
    byAccount.insert(broken, positions);
    answer.insert(u"positions"_s, byAccount);
    FakeFault fault = FakeFault::respond(200);
    fault.body = answer;
    m_fake->injectFault(fault.on("GET", u"/v1/accounts/positions"_s));

    startTracker(0ms);
    QSignalSpy loaded(m_tracker.get(), &PortfolioTracker::accountLoaded);
    QSignalSpy failed(m_tracker.get(), &PortfolioTracker::accountFailed);
    m_tracker->trackAll();
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), kAccounts - 1, 20000);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).toString(), broken);
    const auto error = failed.at(0).at(1).value<BrokerError>();
    QCOMPARE(error.kind, BrokerError::Kind::Decode);
    QVERIFY2(error.message.contains(u"qty"_s), qPrintable(error.message));
    QVERIFY(!m_tracker->latest(broken));
    for (const QString &id : std::as_const(m_accounts))
        if (id != broken)
            QCOMPARE(m_tracker->latest(id)->totalValue->toString(), m_expected.value(id).toString());
}

void TestPortfolioTrackerBulk::collectorKeepsTheLastHoldingsOfAnUndecodableAccount()
{
    LocalBus bus;
    HoldingsCollector collector(m_broker.get(), &bus, HoldingsCollector::Options{});
    QSignalSpy collected(&collector, &HoldingsCollector::collected);
    QSignalSpy failed(&collector, &HoldingsCollector::failed);
    auto stored = [&bus](const QString &id) {
        auto future = bus.value(BusWire::holdingsKey(id));
        future.waitForFinished();
        const auto value = future.result();
        return value && *value ? BusWire::decodeHoldings(**value) : unexpected(u"no holdings"_s);
    };
    collector.collect();
    QTRY_COMPARE_WITH_TIMEOUT(collected.size(), 1, 20000);
    QCOMPARE(collector.accountCount(), kAccounts);
    const QString broken = m_accounts.at(1), other = m_accounts.at(4); // one position; none
    const auto before = stored(broken);
    QVERIFY(before && before->positions.size() == 1);

    // Both accounts change at the broker; the answer about `broken` does not decode.
    m_fake->book().seedHolding(broken, u"TSLA"_s, Decimal(7), Decimal(700));
    m_fake->book().seedHolding(other, u"TSLA"_s, Decimal(3), Decimal(300));
    QJsonObject answer = m_fake->book().allPositions().body.toObject();
    QJsonObject byAccount = answer.value(u"positions").toObject();
    byAccount.insert(broken, QJsonArray{QJsonObject{{u"symbol"_s, u"TSLA"_s}, {u"qty"_s, u"seven"_s}}});
    answer.insert(u"positions"_s, byAccount);
    FakeFault fault = FakeFault::respond(200);
    fault.body = answer;
    m_fake->injectFault(fault.on("GET", u"/v1/accounts/positions"_s));
    collector.collect();
    QTRY_COMPARE_WITH_TIMEOUT(collected.size(), 2, 20000);
    QCOMPARE(failed.size(), 0);

    QCOMPARE(collector.accountCount(), kAccounts); // not removed
    const auto kept = stored(broken);
    QVERIFY(kept);
    QCOMPARE(kept->positions.size(), before->positions.size()); // neither changed nor removed
    QCOMPARE(kept->positions.at(0).symbol, before->positions.at(0).symbol);
    const auto updated = stored(other);
    QVERIFY(updated);
    bool hasTsla = false;
    for (const auto &p : updated->positions)
        hasTsla = hasTsla || (p.symbol == u"TSLA" && p.qty == Decimal(3));
    QVERIFY(hasTsla);
}

namespace {

template <typename T>
std::optional<T> await(QFuture<BrokerResult<T>> future)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 10000))
        return std::nullopt;
    const BrokerResult<T> r = future.result();
    return r ? std::optional<T>(*r) : std::nullopt;
}

OrderRequest market(const QString &symbol, const char *qty, OrderSide side)
{
    OrderRequest r;
    r.symbol = symbol;
    r.qty = Decimal::parse(QString::fromLatin1(qty)).value();
    r.side = side;
    return r;
}

} // namespace

void TestPortfolioTrackerBulk::todaysTradesFromAlpacaFills()
{
    // 10 AAPL held at the previous close (200); today 2 bought at 201.25, then 4 sold at 205.
    const QString id = m_fake->seedAccount(Decimal(1000));
    m_fake->book().seedHolding(id, u"AAPL"_s, Decimal(10), Decimal(1500));
    m_fake->book().setPreviousClose(u"AAPL"_s, Decimal(200));
    QVERIFY(await(m_broker->submitOrder(id, market(u"AAPL"_s, "2", OrderSide::Buy))));
    m_fake->book().setLastPrice(u"AAPL"_s, Decimal(205));
    QVERIFY(await(m_broker->submitOrder(id, market(u"AAPL"_s, "4", OrderSide::Sell))));

    const auto positions = await(m_broker->positions(id));
    QVERIFY(positions && positions->size() == 1);
    const Position &p = positions->first();
    QCOMPARE(p.qty, Decimal(8));
    QCOMPARE(p.lastdayPrice, std::optional(Decimal(200)));
    // Left: 6 held at the close, 2 bought today: 6 × 5 + 2 × 3.75, not 8 × (205 − 200).
    QCOMPARE(p.unrealizedIntradayPl, std::optional(Decimal::parse(u"37.5"_s).value()));
    QVERIFY(p.unrealizedIntradayPl != p.qty * (*p.currentPrice - *p.lastdayPrice));

    startTracker(0ms);
    QSignalSpy loaded(m_tracker.get(), &PortfolioTracker::accountLoaded);
    m_tracker->track(id);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10000);
    // What is still held (37.5) plus what the sale realised: 4 × (205 − 200).
    QCOMPARE(m_tracker->latest(id)->todayReturn, std::optional(Decimal::parse(u"57.5"_s).value()));
    QCOMPARE(count("GET", u"/v1/accounts/activities"_s), 1);
    m_feed->tick(u"AAPL"_s, Decimal(206));
    QTRY_COMPARE(m_tracker->latest(id)->todayReturn, std::optional(Decimal::parse(u"65.5"_s).value())); // + 8 × 1

    // The bulk load reads the same fills (one listing for every account) and agrees.
    m_tracker.reset();
    startTracker(0ms);
    QSignalSpy bulkLoaded(m_tracker.get(), &PortfolioTracker::accountLoaded);
    m_tracker->trackAll();
    QTRY_COMPARE_WITH_TIMEOUT(bulkLoaded.size(), kAccounts + 1, 20000);
    QCOMPARE(m_tracker->latest(id)->todayReturn, std::optional(Decimal::parse(u"65.5"_s).value())); // the feed's last price: 206
    // Accounts without a trade today: Σ qty × (last − previous close), AAPL's close now 200.
    for (const QString &other : std::as_const(m_accounts))
        QVERIFY2(m_tracker->latest(other)->todayReturn, qPrintable(other));
}

// Today's fills could not be read: the pass publishes (values are right, today's return unknown) and the
// collector reads again after retryDelay, not a whole interval later.
void TestPortfolioTrackerBulk::collectorReadsAgainSoonWhenTodaysFillsCannotBeRead()
{
    LocalBus bus;
    HoldingsCollector::Options options;
    options.interval = std::chrono::minutes(10);
    options.retryDelay = 300ms;
    HoldingsCollector collector(m_broker.get(), &bus, options);
    QSignalSpy collected(&collector, &HoldingsCollector::collected);
    QSignalSpy failed(&collector, &HoldingsCollector::failed);
    auto dayCashOf = [&bus](const QString &id) {
        auto future = bus.value(BusWire::holdingsKey(id));
        future.waitForFinished();
        const auto value = future.result();
        const auto holdings = value && *value ? BusWire::decodeHoldings(**value) : unexpected(u"none"_s);
        return holdings ? holdings->dayCash : std::nullopt;
    };
    m_fake->injectFault(FakeFault::respond(400).on("GET", u"/v1/accounts/activities"_s));
    collector.collect();
    QTRY_COMPARE_WITH_TIMEOUT(collected.size(), 1, 20000);
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.at(0).at(0).toString().contains(u"today's fills"_s));
    QCOMPARE(collector.accountCount(), kAccounts); // published all the same
    QVERIFY(!dayCashOf(m_accounts.at(1)));          // today's return unknown

    // Nobody asks: the retry reads again and today's figure is known.
    QTRY_COMPARE_WITH_TIMEOUT(collected.size(), 2, 5000);
    QCOMPARE(failed.size(), 1);
    QVERIFY(dayCashOf(m_accounts.at(1)));
}

QTEST_GUILESS_MAIN(TestPortfolioTrackerBulk)
#include "tst_portfoliotrackerbulk.moc"
