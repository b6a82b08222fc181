#include "core/broker/alpacabroker.h"
#include "core/broker/alpacatrading.h"
#include "core/broker/simbroker.h"
#include "core/marketdata/assetcatalog.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "core/trading/orderservice.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"
#include "../broker/manualfeed.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

namespace {

const QByteArray kCatalog = R"({"assets": [
  {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "230.00"}
]})";

Decimal dec(QStringView text)
{
    return Decimal::parse(text).value();
}

Timestamp ts(const char *text)
{
    return Timestamp::parse(QString::fromLatin1(text)).value();
}

// Tuesday 2026-01-06 11:00 New York (open); 17:00 (after hours); Saturday 2026-01-10 10:00 (weekend).
const char *kOpen = "2026-01-06T16:00:00Z";
const char *kAfterHours = "2026-01-06T22:00:00Z";
const char *kWeekend = "2026-01-10T15:00:00Z";

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("the order service did not answer");
    return f.result();
}

OrderRequest buy(const QString &qty)
{
    OrderRequest r;
    r.symbol = u"AAPL"_s;
    r.side = OrderSide::Buy;
    r.qty = dec(qty);
    return r;
}

QStringList codes(const QList<OrderWarning> &warnings)
{
    QStringList out;
    for (const OrderWarning &w : warnings)
        out.append(w.code);
    return out;
}

QString messageOf(const QList<OrderWarning> &warnings, const QString &code)
{
    for (const OrderWarning &w : warnings)
        if (w.code == code)
            return w.message;
    return {};
}

} // namespace

// OrderService's pre-trade checks: the account and the market clock read before an order is stored,
// warnings (market closed, extended hours, large and fractional orders, an unreadable clock) returned
// with the placed order, and previews that store and send nothing. Over the embedded SimBroker with
// its clock moved, and over the Broker API through the fake Alpaca; SQLite and PostgreSQL rows.
class TestOrderService : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::optional<AssetCatalog> m_catalog;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SimBroker> m_sim;
    std::unique_ptr<OrderService> m_service;
    QString m_account;
    Timestamp m_now;

    PlacedOrder place(const OrderRequest &request)
    {
        PlaceOrder command;
        command.userId = u"user-1"_s;
        command.accountId = m_account;
        command.request = request;
        command.ip = u"192.0.2.1"_s;
        const auto placed = take(m_service->place(command));
        if (!placed)
            qFatal("the order was refused: %s", qPrintable(placed.error().message));
        return *placed;
    }

    qint64 intentRows()
    {
        auto rows = m_db->exec(u"SELECT COUNT(*) FROM order_intents"_s);
        return rows && rows->next() ? rows->value(0).toLongLong() : -1;
    }

    int simOrders()
    {
        OrderQuery all;
        all.status = OrderQuery::Status::All;
        const auto orders = take(m_sim->orders(m_account, all));
        return orders ? int(orders->size()) : -1;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto catalog = AssetCatalog::fromJson(kCatalog);
        QVERIFY(catalog);
        m_catalog = *catalog;
    }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_audit = std::make_unique<AuditLog>(*m_db);
        m_feed = std::make_unique<ManualFeed>();
        m_feed->setPrice(u"AAPL"_s, dec(u"187.31"));
        m_sim = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, nullptr,
                                            m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_counter)));
        m_now = ts(kOpen);
        m_sim->setClock([this] { return m_now; });
        QVERIFY(m_sim->open());
        m_account = m_sim->createAccount(dec(u"100000")).value().id;
        m_service = std::make_unique<OrderService>(*m_sim, *m_db, *m_audit);
        m_service->setLastPrices([feed = m_feed.get()](const QString &s) { return feed->lastPrice(s); });
        m_service->reconcile();
        QTRY_VERIFY(m_service->isReady());
    }
    void cleanup()
    {
        m_service.reset();
        m_sim.reset();
        m_feed.reset();
        m_audit.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void simClockFollowsItsSessions_data()
    {
        QTest::addColumn<Timestamp>("now");
        QTest::addColumn<bool>("open");
        QTest::addColumn<QString>("nextOpen");
        QTest::addColumn<QString>("nextClose");
        QTest::addRow("tuesday session") << ts(kOpen) << true << u"2026-01-07T09:30:00-05:00"_s
                                         << u"2026-01-06T16:00:00-05:00"_s;
        QTest::addRow("before the open") << ts("2026-01-06T13:00:00Z") << false << u"2026-01-06T09:30:00-05:00"_s
                                         << u"2026-01-06T16:00:00-05:00"_s;
        QTest::addRow("at the open") << ts("2026-01-06T14:30:00Z") << true << u"2026-01-07T09:30:00-05:00"_s
                                     << u"2026-01-06T16:00:00-05:00"_s;
        QTest::addRow("after hours") << ts(kAfterHours) << false << u"2026-01-07T09:30:00-05:00"_s
                                     << u"2026-01-07T16:00:00-05:00"_s;
        QTest::addRow("friday evening") << ts("2026-01-09T22:00:00Z") << false << u"2026-01-12T09:30:00-05:00"_s
                                        << u"2026-01-12T16:00:00-05:00"_s;
        QTest::addRow("weekend") << ts(kWeekend) << false << u"2026-01-12T09:30:00-05:00"_s
                                 << u"2026-01-12T16:00:00-05:00"_s;
        QTest::addRow("summer (EDT)") << ts("2026-07-06T14:00:00Z") << true << u"2026-07-07T09:30:00-04:00"_s
                                      << u"2026-07-06T16:00:00-04:00"_s;
    }
    void simClockFollowsItsSessions()
    {
        QFETCH(Timestamp, now);
        QFETCH(bool, open);
        QFETCH(QString, nextOpen);
        QFETCH(QString, nextClose);
        m_now = now;
        Broker &broker = *m_sim;
        const auto clock = take(broker.clock());
        QVERIFY(clock);
        QCOMPARE(clock->timestamp, now);
        QCOMPARE(clock->isOpen, open);
        QCOMPARE(MarketClock::formatWithOffset(clock->nextOpen, clock->nextOpenOffsetSeconds), nextOpen);
        QCOMPARE(MarketClock::formatWithOffset(clock->nextClose, clock->nextCloseOffsetSeconds), nextClose);
    }

    void openMarketSmallOrderHasNoWarnings()
    {
        const PlacedOrder placed = place(buy(u"10"_s));
        QVERIFY2(placed.warnings.isEmpty(), qPrintable(codes(placed.warnings).join(u',')));
        QCOMPARE(placed.order.symbol, u"AAPL"_s);
    }

    void closedMarketWarnsWhenTheOrderWaits_data()
    {
        QTest::addColumn<Timestamp>("now");
        QTest::addColumn<QString>("nextOpen");
        QTest::addRow("after hours") << ts(kAfterHours) << u"2026-01-07T09:30:00-05:00"_s;
        QTest::addRow("weekend") << ts(kWeekend) << u"2026-01-12T09:30:00-05:00"_s;
    }
    void closedMarketWarnsWhenTheOrderWaits()
    {
        QFETCH(Timestamp, now);
        QFETCH(QString, nextOpen);
        m_now = now;
        const PlacedOrder placed = place(buy(u"1"_s));
        QCOMPARE(codes(placed.warnings), QStringList{u"market_closed"_s});
        QCOMPARE(messageOf(placed.warnings, u"market_closed"_s),
                 u"the market is closed; this day order will wait for the open at %1"_s.arg(nextOpen));
    }

    void closedMarketIocIsWarnedItMayNotFill()
    {
        m_now = ts(kWeekend);
        OrderRequest r = buy(u"1"_s);
        r.timeInForce = TimeInForce::Ioc;
        const PlacedOrder placed = place(r);
        QCOMPARE(codes(placed.warnings), QStringList{u"market_closed"_s});
        QVERIFY(messageOf(placed.warnings, u"market_closed"_s).contains(u"fills at once or is canceled"));
    }

    void extendedHoursNotes()
    {
        OrderRequest r = buy(u"1"_s);
        r.type = OrderType::Limit;
        r.limitPrice = dec(u"180");
        r.extendedHours = true;
        m_now = ts(kAfterHours);
        PlacedOrder placed = place(r);
        QCOMPARE(codes(placed.warnings), QStringList{u"extended_hours"_s});
        QVERIFY(messageOf(placed.warnings, u"extended_hours"_s).contains(u"2026-01-07T09:30:00-05:00"));
        m_now = ts(kOpen);
        placed = place(r);
        QCOMPARE(codes(placed.warnings), QStringList{u"extended_hours"_s});
        QVERIFY(messageOf(placed.warnings, u"extended_hours"_s).contains(u"after-hours"));
    }

    void largeOrderOverAQuarterOfEquity()
    {
        // Equity 100000: 133 × 187.31 = 24912.23 is under 25 %, 134 × 187.31 = 25099.54 is over.
        QVERIFY(place(buy(u"133"_s)).warnings.isEmpty());
        const PlacedOrder large = place(buy(u"134"_s));
        QCOMPARE(codes(large.warnings), QStringList{u"large_order"_s});
        QVERIFY(messageOf(large.warnings, u"large_order"_s).contains(u"25099.54"));
    }

    void fractionalIsNoted()
    {
        QCOMPARE(codes(place(buy(u"0.5"_s)).warnings), QStringList{u"fractional"_s});
        OrderRequest r = buy(u"1"_s);
        r.qty.reset();
        r.notional = dec(u"50");
        QCOMPARE(codes(place(r).warnings), QStringList{u"fractional"_s});
    }

    void insufficientBuyingPowerIsStillRefused()
    {
        OrderRequest r = buy(u"1000"_s);
        r.type = OrderType::Limit;
        r.limitPrice = dec(u"187.31");
        PlaceOrder command{u"user-1"_s, m_account, r, {}, {}};
        const auto refused = take(m_service->place(command));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"insufficient_buying_power"_s);
        QCOMPARE(simOrders(), 0);
    }

    void previewStoresAndSendsNothing()
    {
        m_now = ts(kWeekend);
        const auto preview = take(m_service->preview(m_account, buy(u"10"_s)));
        QVERIFY(preview);
        QCOMPARE(preview->price, dec(u"187.31"));
        QCOMPARE(preview->priceSource, u"last_price"_s);
        QCOMPARE(preview->estimatedCost, dec(u"1873.1"));
        QCOMPARE(preview->buyingPower, dec(u"100000"));
        QCOMPARE(preview->buyingPowerAfter, dec(u"98126.9"));
        QVERIFY(preview->clock && !preview->clock->isOpen);
        QCOMPARE(codes(preview->warnings), QStringList{u"market_closed"_s});
        QCOMPARE(preview->toJson().value(u"estimated_cost"_s).toString(), u"1873.1"_s);
        QCOMPARE(simOrders(), 0);
        QCOMPARE(intentRows(), 0);

        // A preview is refused as placing would be, still without a trace.
        OrderRequest tooBig = buy(u"1000"_s);
        tooBig.type = OrderType::Limit;
        tooBig.limitPrice = dec(u"187.31");
        const auto refused = take(m_service->preview(m_account, tooBig));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"insufficient_buying_power"_s);
        OrderRequest invalid = buy(u"1"_s);
        invalid.qty.reset();
        QCOMPARE(take(m_service->preview(m_account, invalid)).error().code, u"invalid_order"_s);
        QCOMPARE(simOrders(), 0);
        QCOMPARE(intentRows(), 0);
    }

    // Over the Broker API (GET /v1/clock) and the Trading API (GET /v2/clock): a clock that cannot be
    // read does not stop the order but is said so.
    void alpacaClockThroughTheFake_data()
    {
        QTest::addColumn<bool>("brokerApi");
        QTest::addRow("broker api") << true;
        QTest::addRow("trading api") << false;
    }
    void alpacaClockThroughTheFake()
    {
        QFETCH(bool, brokerApi);
        FakeAlpacaRest fake;
        QVERIFY(fake.listen() != 0);
        const QString account = fake.seedAccount(dec(u"100000"));
        fake.accountData().setNow(ts(kWeekend));
        AlpacaOptions o;
        o.baseUrl = fake.baseUrl();
        const auto &credentials = brokerApi ? fake.brokerCredentials() : fake.tradingCredentials();
        o.keyId = credentials.keyId;
        o.secret = credentials.secret;
        o.timeout = 2000ms;
        o.retry.baseDelay = 10ms;
        o.retry.maxDelay = 20ms;
        std::unique_ptr<Broker> alpaca;
        if (brokerApi)
            alpaca = std::make_unique<AlpacaBroker>(o);
        else
            alpaca = std::make_unique<AlpacaTrading>(o);
        OrderService service(*alpaca, *m_db, *m_audit);
        service.reconcile();
        QTRY_VERIFY(service.isReady());

        OrderRequest r = buy(u"1"_s);
        r.type = OrderType::Limit;
        r.limitPrice = dec(u"150");
        PlaceOrder command{u"user-1"_s, account, r, {}, {}};
        auto placed = take(service.place(command));
        QVERIFY2(placed, qPrintable(placed ? QString() : placed.error().message));
        QCOMPARE(codes(placed->warnings), QStringList{u"market_closed"_s});
        QVERIFY(messageOf(placed->warnings, u"market_closed"_s).contains(u"2026-01-12T09:30:00-05:00"));
        QCOMPARE(fake.requests("GET", u"/clock"_s).size(), 1);
        QCOMPARE(fake.requests("GET", u"/clock"_s).first().path, brokerApi ? u"/v1/clock"_s : u"/v2/clock"_s);

        fake.injectFault(FakeFault::respond(500, 50).on("GET", u"/clock"_s));
        placed = take(service.place(command));
        QVERIFY2(placed, qPrintable(placed ? QString() : placed.error().message));
        QCOMPARE(codes(placed->warnings), QStringList{u"market_hours_unknown"_s});
        QCOMPARE(fake.book().orderCount(account), 2); // placed anyway
    }
};

QTEST_GUILESS_MAIN(TestOrderService)
#include "tst_orderservice.moc"
