#include "core/broker/simbroker.h"
#include "core/marketdata/symbolregistry.h"
#include "manualfeed.h"

#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

Q_DECLARE_METATYPE(clera::OrderRequest)

namespace clera {
// Readable QCOMPARE failures.
char *toString(const Decimal &d)
{
    return qstrdup(qPrintable(d.toString()));
}
char *toString(const std::optional<Decimal> &d)
{
    return qstrdup(d ? qPrintable(d->toString()) : "nullopt");
}
} // namespace clera

namespace {

const QByteArray kCatalog = R"({"assets": [
  {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "230.00"},
  {"symbol": "MSFT", "name": "Microsoft Corporation", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "420.00"},
  {"symbol": "LCID", "name": "Lucid Group, Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": false, "reference_price": "20.00"}
]})";

Decimal dec(QStringView text)
{
    auto d = Decimal::parse(text);
    if (!d)
        qFatal("bad decimal literal in test");
    return *d;
}

OrderRequest market(const QString &symbol, std::optional<Decimal> qty, OrderSide side = OrderSide::Buy)
{
    OrderRequest r;
    r.symbol = symbol;
    r.qty = qty;
    r.side = side;
    r.type = OrderType::Market;
    r.timeInForce = TimeInForce::Day;
    return r;
}

OrderRequest notional(const QString &symbol, Decimal amount, OrderSide side = OrderSide::Buy)
{
    OrderRequest r = market(symbol, std::nullopt, side);
    r.notional = amount;
    return r;
}

OrderRequest limit(const QString &symbol, Decimal qty, Decimal limitPrice, OrderSide side = OrderSide::Buy)
{
    OrderRequest r = market(symbol, qty, side);
    r.type = OrderType::Limit;
    r.limitPrice = limitPrice;
    return r;
}

// Futures from SimBroker are finished when returned.
template <typename T> T take(const QFuture<T> &future)
{
    if (!future.isFinished())
        qFatal("SimBroker returned an unfinished future");
    return future.result();
}

} // namespace

class TestSimBroker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createAccount();
    void futuresAreFinished();
    void marketBuyExactCash();
    void averageEntryAfterTwoBuys();
    void sellReducesCostBasisProportionally();
    void notionalBuy();
    void fractionalQty();
    void validation_data();
    void validation();
    void insufficientCash();
    void sellMoreThanHeld();
    void duplicateClientOrderId();
    void uniqueIndexInDatabase();
    void limitOrdersFillOnlyWhenCrossed();
    void limitOrderCrossedOnSubmission();
    void limitOrderWithoutPriceWaits();
    void iocLimitNotCrossedIsCanceled();
    void cancelSemantics();
    void orderQueries();
    void equityFromFeedPrices();
    void missingPriceIsAnError();
    void transfersSettle();
    void outgoingTransferLimitedByCash();
    void transferValidation();
    void restartRestoresEverything();
    void openFailsCleanly();
    void assets();
    void allPositions();
    void sessionCloseAfter_data();
    void sessionCloseAfter();
    void dayOrderExpiresAtTheSessionClose();
    void gtcOrderDoesNotExpire();
    void dayOrderFromAnEarlierSessionExpiresOnOpen();

private:
    void makeBroker();
    [[nodiscard]] Account currentAccount() const;

    QTemporaryDir m_dir;
    std::optional<AssetCatalog> m_catalog;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SymbolRegistry> m_registry;
    std::unique_ptr<SimBroker> m_broker;
    QString m_path;
    QString m_accountId;
    int m_dbCounter = 0;
};

void TestSimBroker::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto catalog = AssetCatalog::fromJson(kCatalog);
    QVERIFY2(catalog, qPrintable(catalog.hasValue() ? QString() : catalog.error()));
    m_catalog = *catalog;
}

void TestSimBroker::makeBroker()
{
    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    m_broker->setSettleDelayMs(0);
}

void TestSimBroker::init()
{
    m_feed = std::make_unique<ManualFeed>();
    m_feed->setPrice(u"AAPL"_s, dec(u"187.31"));
    m_feed->setPrice(u"MSFT"_s, dec(u"400"));
    m_feed->setPrice(u"LCID"_s, dec(u"20"));
    m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
    m_path = m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_dbCounter));
    makeBroker();
    const auto opened = m_broker->open();
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
    const auto account = m_broker->createAccount(dec(u"100000"), u"Test"_s);
    QVERIFY(account);
    m_accountId = account->id;
}

void TestSimBroker::cleanup()
{
    m_broker.reset();
    m_registry.reset();
    m_feed.reset();
}

Account TestSimBroker::currentAccount() const
{
    const auto a = take(m_broker->account(m_accountId));
    if (!a)
        qFatal("account() failed: %s", qPrintable(a.error().message));
    return *a;
}

void TestSimBroker::createAccount()
{
    const Account a = currentAccount();
    QVERIFY(!QUuid::fromString(a.id).isNull());
    QCOMPARE(a.accountNumber.size(), 9);
    QVERIFY(a.accountNumber.front() != u'0');
    bool numeric = false;
    a.accountNumber.toLongLong(&numeric);
    QVERIFY(numeric);
    QCOMPARE(a.status, AccountStatus::Active);
    QCOMPARE(a.currency, u"USD"_s);
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.equity, dec(u"100000"));
    QCOMPARE(a.lastEquity, dec(u"100000"));
    QCOMPARE(a.buyingPower, dec(u"100000"));
    QCOMPARE(a.multiplier, std::optional<Decimal>(Decimal(1)));
    QVERIFY(a.createdAt.nanos() > 0);
    QCOMPARE(m_broker->accountLabel(a.id), u"Test"_s);
    QCOMPARE(m_broker->name(), u"sim"_s);

    const auto second = m_broker->createAccount(dec(u"0.5"));
    QVERIFY(second);
    QVERIFY(second->accountNumber != a.accountNumber);
    const auto all = take(m_broker->accounts());
    QVERIFY(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->at(0).id, a.id);

    QCOMPARE(m_broker->createAccount(dec(u"-1")).error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(m_broker->createAccount(dec(u"1.001")).error().kind, BrokerError::Kind::InvalidRequest);
    const auto unknown = take(m_broker->account(u"nope"_s));
    QCOMPARE(unknown.error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(unknown.error().httpStatus, 404);
}

void TestSimBroker::futuresAreFinished()
{
    QVERIFY(m_broker->accounts().isFinished());
    QVERIFY(m_broker->positions(m_accountId).isFinished());
    QVERIFY(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"1"))).isFinished());
    QVERIFY(m_broker->orders(m_accountId, {}).isFinished());
    QVERIFY(m_broker->transfers(m_accountId).isFinished());
    QVERIFY(m_broker->assets().isFinished());
}

void TestSimBroker::marketBuyExactCash()
{
    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    QSignalSpy positionsSpy(m_broker.get(), &Broker::positionsChanged);
    QSignalSpy accountSpy(m_broker.get(), &Broker::accountChanged);

    const auto order = take(m_broker->submitOrder(m_accountId, market(u"aapl"_s, dec(u"2.5"))));
    QVERIFY2(order, qPrintable(order ? QString() : order.error().message));
    QCOMPARE(order->status, OrderStatus::Filled);
    QCOMPARE(order->symbol, u"AAPL"_s);
    QCOMPARE(order->filledQty, dec(u"2.5"));
    QCOMPARE(order->filledAvgPrice, std::optional<Decimal>(dec(u"187.31")));
    QVERIFY(order->filledAt.has_value());
    QVERIFY(!QUuid::fromString(order->clientOrderId).isNull());
    QCOMPARE(order->assetId, m_catalog->find(u"AAPL")->asset.id);

    // 2.5 × 187.31 = 468.275: cash moves in whole cents (half-even), the cost basis stays exact.
    QCOMPARE(currentAccount().cash, dec(u"99531.72"));
    const auto positions = take(m_broker->positions(m_accountId));
    QVERIFY(positions);
    QCOMPARE(positions->size(), 1);
    const Position &p = positions->first();
    QCOMPARE(p.symbol, u"AAPL"_s);
    QCOMPARE(p.qty, dec(u"2.5"));
    QCOMPARE(p.avgEntryPrice, dec(u"187.31"));
    QCOMPARE(p.costBasis, dec(u"468.275"));
    QCOMPARE(p.qtyAvailable, std::optional<Decimal>(dec(u"2.5")));

    QCOMPARE(orderSpy.size(), 1);
    QCOMPARE(orderSpy.first().at(0).toString(), m_accountId);
    QCOMPARE(orderSpy.first().at(1).value<Order>().status, OrderStatus::Filled);
    QCOMPARE(positionsSpy.size(), 1);
    QCOMPARE(accountSpy.size(), 1);
    QVERIFY(m_feed->isSubscribed(u"AAPL"_s)); // held symbols stay priced
}

void TestSimBroker::averageEntryAfterTwoBuys()
{
    m_feed->setPrice(u"MSFT"_s, dec(u"100"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1")))));
    m_feed->setPrice(u"MSFT"_s, dec(u"200"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"3")))));
    auto p = take(m_broker->positions(m_accountId))->first();
    QCOMPARE(p.qty, dec(u"4"));
    QCOMPARE(p.costBasis, dec(u"700"));
    QCOMPARE(p.avgEntryPrice, dec(u"175"));
    QCOMPARE(currentAccount().cash, dec(u"99300"));

    // A weighted average that does not terminate is rounded at 18 digits; cost basis stays exact.
    m_feed->setPrice(u"MSFT"_s, dec(u"100"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"2")))));
    p = take(m_broker->positions(m_accountId))->first();
    QCOMPARE(p.costBasis, dec(u"900"));
    QCOMPARE(p.avgEntryPrice, dec(u"150"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1")))));
    p = take(m_broker->positions(m_accountId))->first();
    QCOMPARE(p.qty, dec(u"7"));
    QCOMPARE(p.costBasis, dec(u"1000"));
    QCOMPARE(p.avgEntryPrice, dec(u"1000") / dec(u"7"));
}

void TestSimBroker::sellReducesCostBasisProportionally()
{
    m_feed->setPrice(u"MSFT"_s, dec(u"100"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1")))));
    m_feed->setPrice(u"MSFT"_s, dec(u"200"));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"3")))));
    m_feed->setPrice(u"MSFT"_s, dec(u"250.5"));
    const auto sold =
        take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1.5"), OrderSide::Sell)));
    QVERIFY(sold);
    QCOMPARE(sold->status, OrderStatus::Filled);
    QCOMPARE(sold->positionIntent, u"sell_to_close"_s);
    auto p = take(m_broker->positions(m_accountId))->first();
    QCOMPARE(p.qty, dec(u"2.5"));
    QCOMPARE(p.avgEntryPrice, dec(u"175"));
    QCOMPARE(p.costBasis, dec(u"437.5"));
    QCOMPARE(currentAccount().cash, dec(u"99300") + dec(u"375.75"));

    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"2.5"), OrderSide::Sell))));
    QVERIFY(take(m_broker->positions(m_accountId))->isEmpty());
    QCOMPARE(currentAccount().cash, dec(u"99300") + dec(u"375.75") + dec(u"626.25"));
    QVERIFY(!m_feed->isSubscribed(u"MSFT"_s));
}

void TestSimBroker::notionalBuy()
{
    const auto order = take(m_broker->submitOrder(m_accountId, notional(u"AAPL"_s, dec(u"50"))));
    QVERIFY2(order, qPrintable(order ? QString() : order.error().message));
    // 50 / 187.31 = 0.266937162991…, truncated to 9 digits.
    QCOMPARE(order->filledQty, dec(u"0.266937162"));
    QCOMPARE(order->notional, std::optional<Decimal>(dec(u"50")));
    QVERIFY(!order->qty.has_value());
    const Decimal cost = dec(u"0.266937162") * dec(u"187.31");
    QCOMPARE(cost, dec(u"49.99999981422"));
    QCOMPARE(currentAccount().cash, dec(u"99950")); // the cost rounds to exactly the notional
    QCOMPARE(take(m_broker->positions(m_accountId))->first().costBasis, cost);
}

void TestSimBroker::fractionalQty()
{
    const auto order = take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"0.123456789"))));
    QVERIFY(order);
    QCOMPARE(order->filledQty, dec(u"0.123456789"));
    // 0.123456789 × 187.31 = 23.12469114…; cash is debited 23.12.
    QCOMPARE(currentAccount().cash, dec(u"99976.88"));
}

void TestSimBroker::validation_data()
{
    QTest::addColumn<OrderRequest>("request");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<qint64>("code");

    const int invalid = int(BrokerError::Kind::InvalidRequest);
    const int notTradable = int(BrokerError::Kind::NotTradable);
    const int bp = int(BrokerError::Kind::InsufficientBuyingPower);
    const int qty = int(BrokerError::Kind::InsufficientQty);
    const qint64 v = 40010001;

    OrderRequest r = market(u"AAPL"_s, dec(u"1"));
    r.notional = dec(u"10");
    QTest::addRow("qty and notional") << r << invalid << 422 << v;
    QTest::addRow("neither qty nor notional") << market(u"AAPL"_s, std::nullopt) << invalid << 422 << v;
    QTest::addRow("zero qty") << market(u"AAPL"_s, dec(u"0")) << invalid << 422 << v;
    QTest::addRow("negative qty") << market(u"AAPL"_s, dec(u"-1")) << invalid << 422 << v;
    QTest::addRow("qty with 10 digits") << market(u"AAPL"_s, dec(u"0.0000000001")) << invalid << 422 << v;
    QTest::addRow("notional below 1") << notional(u"AAPL"_s, dec(u"0.99")) << invalid << 422 << v;
    QTest::addRow("notional with 3 digits") << notional(u"AAPL"_s, dec(u"10.001")) << invalid << 422 << v;
    r = notional(u"AAPL"_s, dec(u"10"));
    r.type = OrderType::Limit;
    r.limitPrice = dec(u"180");
    QTest::addRow("notional limit") << r << invalid << 422 << v;
    r = market(u"AAPL"_s, dec(u"0.5"));
    r.timeInForce = TimeInForce::Gtc;
    QTest::addRow("fractional gtc") << r << invalid << 422 << v;
    r = limit(u"AAPL"_s, dec(u"0.5"), dec(u"180"));
    r.timeInForce = TimeInForce::Gtc;
    QTest::addRow("fractional limit gtc") << r << invalid << 422 << v;
    r = notional(u"AAPL"_s, dec(u"10"));
    r.timeInForce = TimeInForce::Gtc;
    QTest::addRow("notional gtc") << r << invalid << 422 << v;
    QTest::addRow("fractional not fractionable") << market(u"LCID"_s, dec(u"0.5")) << notTradable << 422 << v;
    QTest::addRow("notional not fractionable") << notional(u"LCID"_s, dec(u"5")) << notTradable << 422 << v;
    QTest::addRow("unknown symbol") << market(u"NOPE"_s, dec(u"1")) << notTradable << 422 << v;
    r = market(u"AAPL"_s, dec(u"1"));
    r.extendedHours = true;
    QTest::addRow("extended hours market") << r << invalid << 422 << v;
    r = limit(u"AAPL"_s, dec(u"1"), dec(u"180"));
    r.extendedHours = true;
    r.timeInForce = TimeInForce::Gtc;
    QTest::addRow("extended hours gtc") << r << invalid << 422 << v;
    r = limit(u"AAPL"_s, dec(u"1"), dec(u"180"));
    r.limitPrice.reset();
    QTest::addRow("limit without price") << r << invalid << 422 << v;
    QTest::addRow("limit price zero") << limit(u"AAPL"_s, dec(u"1"), dec(u"0")) << invalid << 422 << v;
    QTest::addRow("limit price negative") << limit(u"AAPL"_s, dec(u"1"), dec(u"-5")) << invalid << 422 << v;
    QTest::addRow("limit price sub-penny")
        << limit(u"AAPL"_s, dec(u"1"), dec(u"180.005")) << invalid << 422 << qint64(42210000);
    for (const auto &[type, name] :
         {std::pair{OrderType::Stop, "stop"}, std::pair{OrderType::StopLimit, "stop_limit"},
          std::pair{OrderType::TrailingStop, "trailing_stop"}}) {
        r = market(u"AAPL"_s, dec(u"1"));
        r.type = type;
        r.stopPrice = dec(u"170");
        r.limitPrice = dec(u"169");
        r.trailPercent = dec(u"5");
        QTest::addRow("%s order", name) << r << invalid << 422 << v;
    }
    for (const auto &[cls, name] : {std::pair{OrderClass::Bracket, "bracket"},
                                    std::pair{OrderClass::Oco, "oco"}, std::pair{OrderClass::Oto, "oto"}}) {
        r = limit(u"AAPL"_s, dec(u"1"), dec(u"180"));
        r.orderClass = cls;
        r.takeProfitLimitPrice = dec(u"200");
        r.stopLossStopPrice = dec(u"170");
        QTest::addRow("%s class", name) << r << invalid << 422 << v;
    }
    r = market(u"AAPL"_s, dec(u"1"));
    r.timeInForce = TimeInForce::Opg;
    QTest::addRow("opg") << r << invalid << 422 << v;
    r = market(u"AAPL"_s, dec(u"1"));
    r.side = OrderSide::Unknown;
    QTest::addRow("unknown side") << r << invalid << 422 << v;
    r = market(u"AAPL"_s, dec(u"1"));
    r.clientOrderId = QString(129, u'x');
    QTest::addRow("client_order_id too long") << r << invalid << 422 << v;
    QTest::addRow("market buy over cash") << market(u"AAPL"_s, dec(u"1000")) << bp << 403 << qint64(40310000);
    QTest::addRow("notional buy over cash")
        << notional(u"AAPL"_s, dec(u"100000.01")) << bp << 403 << qint64(40310000);
    QTest::addRow("limit buy reserve over cash")
        << limit(u"MSFT"_s, dec(u"1000"), dec(u"100.01")) << bp << 403 << qint64(40310000);
    QTest::addRow("sell without position")
        << market(u"AAPL"_s, dec(u"1"), OrderSide::Sell) << qty << 403 << qint64(40310000);
    QTest::addRow("limit sell without position")
        << limit(u"AAPL"_s, dec(u"1"), dec(u"200"), OrderSide::Sell) << qty << 403 << qint64(40310000);
}

void TestSimBroker::validation()
{
    QFETCH(OrderRequest, request);
    QFETCH(int, kind);
    QFETCH(int, httpStatus);
    QFETCH(qint64, code);

    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    const auto result = take(m_broker->submitOrder(m_accountId, request));
    QVERIFY(!result);
    QVERIFY2(!result.error().message.isEmpty(), "an error needs a message");
    BrokerError expected;
    expected.kind = BrokerError::Kind(kind);
    QCOMPARE(result.error().kindName(), expected.kindName());
    QCOMPARE(result.error().httpStatus, httpStatus);
    QCOMPARE(result.error().code, code);

    OrderQuery all;
    all.status = OrderQuery::Status::All;
    QVERIFY(take(m_broker->orders(m_accountId, all))->isEmpty());
    QCOMPARE(currentAccount().cash, dec(u"100000"));
    QCOMPARE(orderSpy.size(), 0);
}

void TestSimBroker::insufficientCash()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"249")))));
    QCOMPARE(currentAccount().cash, dec(u"400"));
    const auto tooMuch = take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1.000000001"))));
    QCOMPARE(tooMuch.error().kind, BrokerError::Kind::InsufficientBuyingPower);
    QVERIFY(tooMuch.error().message.startsWith(u"insufficient buying power"_s));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1")))));
    QCOMPARE(currentAccount().cash, Decimal());
}

void TestSimBroker::sellMoreThanHeld()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"2")))));
    auto tooMany = take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"3"), OrderSide::Sell)));
    QCOMPARE(tooMany.error().kind, BrokerError::Kind::InsufficientQty);
    QCOMPARE(tooMany.error().httpStatus, 403);
    QCOMPARE(tooMany.error().message, u"insufficient qty available for order (requested: 3, available: 2)"_s);

    // An open sell order holds its qty.
    const auto held =
        take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1.5"), dec(u"250"), OrderSide::Sell)));
    QVERIFY(held);
    QCOMPARE(held->status, OrderStatus::New);
    QCOMPARE(take(m_broker->positions(m_accountId))->first().qtyAvailable,
             std::optional<Decimal>(dec(u"0.5")));
    tooMany = take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"1"), OrderSide::Sell)));
    QCOMPARE(tooMany.error().kind, BrokerError::Kind::InsufficientQty);
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"0.5"), OrderSide::Sell))));
    QCOMPARE(take(m_broker->positions(m_accountId))->first().qty, dec(u"1.5"));
}

void TestSimBroker::duplicateClientOrderId()
{
    OrderRequest r = market(u"AAPL"_s, dec(u"1"));
    r.clientOrderId = u"my-order-1"_s;
    const auto first = take(m_broker->submitOrder(m_accountId, r));
    QVERIFY(first);
    QCOMPARE(first->clientOrderId, u"my-order-1"_s);
    const auto again = take(m_broker->submitOrder(m_accountId, r));
    QCOMPARE(again.error().kind, BrokerError::Kind::DuplicateClientOrderId);
    QCOMPARE(again.error().httpStatus, 422);
    QCOMPARE(again.error().message, u"client_order_id must be unique"_s);
    QCOMPARE(currentAccount().cash, dec(u"100000") - dec(u"187.31"));

    OrderRequest open = limit(u"AAPL"_s, dec(u"1"), dec(u"100"));
    open.clientOrderId = u"my-limit"_s;
    const auto placed = take(m_broker->submitOrder(m_accountId, open));
    QVERIFY(placed);
    QVERIFY(take(m_broker->cancelOrder(m_accountId, placed->id)));
    QCOMPARE(take(m_broker->submitOrder(m_accountId, open)).error().kind,
             BrokerError::Kind::DuplicateClientOrderId);

    // Unique per account: another account may reuse the id.
    const auto other = m_broker->createAccount(dec(u"1000"));
    QVERIFY(other);
    QVERIFY(take(m_broker->submitOrder(other->id, r)));
}

void TestSimBroker::uniqueIndexInDatabase()
{
    OrderRequest r = market(u"AAPL"_s, dec(u"1"));
    r.clientOrderId = u"dup"_s;
    QVERIFY(take(m_broker->submitOrder(m_accountId, r)));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"SELECT MAX(version) FROM schema_version"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), SimBrokerStore::kSchemaVersion);
        QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"wal"_s);
        QVERIFY(q.exec(u"SELECT cash FROM accounts"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"99812.69"_s);
        const bool inserted =
            q.exec(u"INSERT INTO orders SELECT 'other-id', seq + 100, account_id, client_order_id, "
                   "symbol, asset_id, asset_class, side, type, time_in_force, order_class, status, "
                   "qty, notional, limit_price, filled_qty, filled_avg_price, extended_hours, "
                   "position_intent, created_at, updated_at, submitted_at, filled_at, canceled_at, "
                   "expired_at, failed_at FROM orders"_s);
        QVERIFY(!inserted);
        QVERIFY(q.lastError().text().contains(u"UNIQUE"_s));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"inspect"_s);
}

void TestSimBroker::limitOrdersFillOnlyWhenCrossed()
{
    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    QSignalSpy positionsSpy(m_broker.get(), &Broker::positionsChanged);

    OrderRequest gtc = limit(u"MSFT"_s, dec(u"2"), dec(u"390"));
    gtc.timeInForce = TimeInForce::Gtc;
    const auto buy = take(m_broker->submitOrder(m_accountId, gtc));
    QVERIFY(buy);
    QCOMPARE(buy->status, OrderStatus::New);
    QCOMPARE(buy->limitPrice, std::optional<Decimal>(dec(u"390")));
    QCOMPARE(orderSpy.size(), 1);
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 1);
    QVERIFY(m_feed->isSubscribed(u"MSFT"_s));
    Account a = currentAccount();
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.buyingPower, dec(u"99220")); // 2 × 390 reserved

    m_feed->tick(u"MSFT"_s, dec(u"395"));
    m_feed->tick(u"AAPL"_s, dec(u"1"));
    QCOMPARE(take(m_broker->order(m_accountId, buy->id))->status, OrderStatus::New);
    QCOMPARE(orderSpy.size(), 1);

    m_feed->tick(u"MSFT"_s, dec(u"389.5"));
    const auto filled = take(m_broker->order(m_accountId, buy->id));
    QCOMPARE(filled->status, OrderStatus::Filled);
    QCOMPARE(filled->filledAvgPrice, std::optional<Decimal>(dec(u"389.5")));
    QCOMPARE(orderSpy.size(), 2);
    QCOMPARE(orderSpy.last().at(1).value<Order>().status, OrderStatus::Filled);
    QCOMPARE(positionsSpy.size(), 1);
    a = currentAccount();
    QCOMPARE(a.cash, dec(u"99221"));
    QCOMPARE(a.buyingPower, dec(u"99221"));

    const auto sell =
        take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"1"), dec(u"400"), OrderSide::Sell)));
    QVERIFY(sell);
    QCOMPARE(sell->status, OrderStatus::New);
    m_feed->tick(u"MSFT"_s, dec(u"399.99"));
    QCOMPARE(take(m_broker->order(m_accountId, sell->id))->status, OrderStatus::New);
    m_feed->tick(u"MSFT"_s, dec(u"401.25"));
    QCOMPARE(take(m_broker->order(m_accountId, sell->id))->status, OrderStatus::Filled);
    QCOMPARE(currentAccount().cash, dec(u"99221") + dec(u"401.25"));
    const Position p = take(m_broker->positions(m_accountId))->first();
    QCOMPARE(p.qty, dec(u"1"));
    QCOMPARE(p.avgEntryPrice, dec(u"389.5"));
    QCOMPARE(p.costBasis, dec(u"389.5"));
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 1); // still held, no open orders
}

void TestSimBroker::limitOrderCrossedOnSubmission()
{
    const auto order = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"190"))));
    QVERIFY(order);
    QCOMPARE(order->status, OrderStatus::Filled);
    QCOMPARE(order->filledAvgPrice,
             std::optional<Decimal>(dec(u"187.31"))); // at the market, better than the limit
    QCOMPARE(currentAccount().cash, dec(u"99812.69"));
}

void TestSimBroker::limitOrderWithoutPriceWaits()
{
    m_feed->clearPrice(u"MSFT"_s);
    const auto marketOrder = take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1"))));
    QCOMPARE(marketOrder.error().kind, BrokerError::Kind::Unavailable);
    OrderQuery all;
    all.status = OrderQuery::Status::All;
    QVERIFY(take(m_broker->orders(m_accountId, all))->isEmpty());

    const auto limitOrder =
        take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"1"), dec(u"300"))));
    QVERIFY(limitOrder);
    QCOMPARE(limitOrder->status, OrderStatus::New);
    QVERIFY(m_feed->isSubscribed(u"MSFT"_s));
    m_feed->tick(u"MSFT"_s, dec(u"299"));
    QCOMPARE(take(m_broker->order(m_accountId, limitOrder->id))->status, OrderStatus::Filled);
}

void TestSimBroker::iocLimitNotCrossedIsCanceled()
{
    OrderRequest r = limit(u"AAPL"_s, dec(u"1"), dec(u"150"));
    r.timeInForce = TimeInForce::Ioc;
    const auto order = take(m_broker->submitOrder(m_accountId, r));
    QVERIFY(order);
    QCOMPARE(order->status, OrderStatus::Canceled);
    QVERIFY(order->canceledAt.has_value());
    QCOMPARE(currentAccount().buyingPower, dec(u"100000"));
}

void TestSimBroker::cancelSemantics()
{
    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    const auto open = take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"10"), dec(u"350"))));
    QVERIFY(open);
    QCOMPARE(currentAccount().buyingPower, dec(u"96500"));

    QVERIFY(take(m_broker->cancelOrder(m_accountId, open->id)));
    const auto canceled = take(m_broker->order(m_accountId, open->id));
    QCOMPARE(canceled->status, OrderStatus::Canceled);
    QVERIFY(canceled->canceledAt.has_value());
    QCOMPARE(orderSpy.size(), 2);
    QCOMPARE(orderSpy.last().at(1).value<Order>().status, OrderStatus::Canceled);
    QCOMPARE(currentAccount().buyingPower, dec(u"100000"));
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 0);

    m_feed->tick(u"MSFT"_s, dec(u"300"));
    QCOMPARE(take(m_broker->order(m_accountId, open->id))->status, OrderStatus::Canceled);

    auto again = take(m_broker->cancelOrder(m_accountId, open->id));
    QCOMPARE(again.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(again.error().httpStatus, 422);
    QCOMPARE(again.error().message, u"order is not cancelable"_s);

    const auto filled = take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"1"))));
    QVERIFY(filled);
    again = take(m_broker->cancelOrder(m_accountId, filled->id));
    QCOMPARE(again.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(again.error().httpStatus, 422);

    const auto unknown = take(m_broker->cancelOrder(m_accountId, u"00000000-0000-0000-0000-000000000000"_s));
    QCOMPARE(unknown.error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(unknown.error().httpStatus, 404);

    // Another account cannot see or cancel this account's orders.
    const auto other = m_broker->createAccount(dec(u"10"));
    QCOMPARE(take(m_broker->cancelOrder(other->id, filled->id)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(take(m_broker->order(other->id, filled->id)).error().kind, BrokerError::Kind::NotFound);
}

void TestSimBroker::orderQueries()
{
    OrderRequest first = market(u"AAPL"_s, dec(u"1"));
    first.clientOrderId = u"first"_s;
    QVERIFY(take(m_broker->submitOrder(m_accountId, first)));
    const auto openMsft = take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"1"), dec(u"300"))));
    QVERIFY(openMsft);
    const auto canceled = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"100"))));
    QVERIFY(take(m_broker->cancelOrder(m_accountId, canceled->id)));

    OrderQuery q;
    auto list = take(m_broker->orders(m_accountId, q));
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().id, openMsft->id);

    q.status = OrderQuery::Status::Closed;
    list = take(m_broker->orders(m_accountId, q));
    QCOMPARE(list->size(), 2);
    QCOMPARE(list->first().id, canceled->id); // newest first

    q.status = OrderQuery::Status::All;
    q.newestFirst = false;
    list = take(m_broker->orders(m_accountId, q));
    QCOMPARE(list->size(), 3);
    QCOMPARE(list->first().clientOrderId, u"first"_s);

    q.limit = 2;
    QCOMPARE(take(m_broker->orders(m_accountId, q))->size(), 2);
    q.limit = 50;
    q.symbols = {u"aapl"_s};
    list = take(m_broker->orders(m_accountId, q));
    QCOMPARE(list->size(), 2);
    for (const Order &o : *list)
        QCOMPARE(o.symbol, u"AAPL"_s);

    const auto byClient = take(m_broker->orderByClientOrderId(m_accountId, u"first"_s));
    QVERIFY(byClient);
    QCOMPARE(byClient->symbol, u"AAPL"_s);
    QCOMPARE(take(m_broker->orderByClientOrderId(m_accountId, u"nope"_s)).error().kind,
             BrokerError::Kind::NotFound);
    QCOMPARE(take(m_broker->order(m_accountId, u"nope"_s)).error().httpStatus, 404);
}

void TestSimBroker::equityFromFeedPrices()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"2")))));
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"1.5")))));
    const Decimal cash = dec(u"100000") - dec(u"374.62") - dec(u"600");
    m_feed->setPreviousClose(u"AAPL"_s, dec(u"180"));
    m_feed->setPreviousClose(u"MSFT"_s, dec(u"390"));
    m_feed->setPrice(u"AAPL"_s, dec(u"190.05"));
    m_feed->setPrice(u"MSFT"_s, dec(u"410"));

    const Account a = currentAccount();
    QCOMPARE(a.cash, cash);
    QCOMPARE(a.longMarketValue, std::optional<Decimal>(dec(u"380.1") + dec(u"615")));
    QCOMPARE(a.equity, cash + dec(u"380.1") + dec(u"615"));
    QCOMPARE(a.lastEquity, cash + dec(u"360") + dec(u"585"));
    QCOMPARE(a.portfolioValue, std::optional<Decimal>(a.equity));

    const auto positions = take(m_broker->positions(m_accountId));
    QCOMPARE(positions->size(), 2);
    const Position &aapl = positions->at(0);
    QCOMPARE(aapl.symbol, u"AAPL"_s);
    QCOMPARE(aapl.currentPrice, std::optional<Decimal>(dec(u"190.05")));
    QCOMPARE(aapl.marketValue, std::optional<Decimal>(dec(u"380.1")));
    QCOMPARE(aapl.unrealizedPl, std::optional<Decimal>(dec(u"5.48")));
    QCOMPARE(aapl.lastdayPrice, std::optional<Decimal>(dec(u"180")));
    QCOMPARE(aapl.unrealizedIntradayPl, std::optional<Decimal>(dec(u"20.1")));
    QCOMPARE(aapl.changeToday, std::optional<Decimal>(dec(u"10.05") / dec(u"180")));
    QCOMPARE(aapl.exchange, u"NASDAQ"_s);
}

void TestSimBroker::missingPriceIsAnError()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"1")))));
    m_feed->clearPrice(u"AAPL"_s);
    const auto a = take(m_broker->account(m_accountId));
    QVERIFY(!a);
    QCOMPARE(a.error().kind, BrokerError::Kind::Unavailable);
    QVERIFY(a.error().message.contains(u"AAPL"_s));
    QCOMPARE(take(m_broker->accounts()).error().kind, BrokerError::Kind::Unavailable);

    const auto positions = take(m_broker->positions(m_accountId));
    QVERIFY(positions);
    QCOMPARE(positions->first().qty, dec(u"1"));
    QVERIFY(!positions->first().currentPrice.has_value());
    QVERIFY(!positions->first().marketValue.has_value());
}

void TestSimBroker::transfersSettle()
{
    QSignalSpy accountSpy(m_broker.get(), &Broker::accountChanged);
    TransferRequest deposit;
    deposit.amount = dec(u"500.25");
    deposit.direction = TransferDirection::Incoming;
    const auto t = take(m_broker->createTransfer(m_accountId, deposit));
    QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
    QCOMPARE(t->status, TransferStatus::Queued);
    QCOMPARE(t->amount, dec(u"500.25"));
    QCOMPARE(t->type, TransferType::Ach);
    QCOMPARE(t->accountId, m_accountId);
    Account a = currentAccount();
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.pendingTransferIn, std::optional<Decimal>(dec(u"500.25")));

    QTRY_COMPARE(currentAccount().cash, dec(u"100500.25"));
    QVERIFY(accountSpy.size() >= 2);
    const auto list = take(m_broker->transfers(m_accountId));
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().status, TransferStatus::Complete);
    QCOMPARE(currentAccount().pendingTransferIn, std::optional<Decimal>(Decimal()));
}

void TestSimBroker::outgoingTransferLimitedByCash()
{
    m_broker->setSettleDelayMs(60'000);
    TransferRequest withdraw;
    withdraw.direction = TransferDirection::Outgoing;
    withdraw.amount = dec(u"100000.01");
    auto refused = take(m_broker->createTransfer(m_accountId, withdraw));
    QCOMPARE(refused.error().kind, BrokerError::Kind::InsufficientBuyingPower);
    QCOMPARE(refused.error().httpStatus, 403);

    withdraw.amount = dec(u"60000");
    QVERIFY(take(m_broker->createTransfer(m_accountId, withdraw)));
    Account a = currentAccount();
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.buyingPower, dec(u"40000"));
    QCOMPARE(a.pendingTransferOut, std::optional<Decimal>(dec(u"60000")));
    withdraw.amount = dec(u"40000.01");
    refused = take(m_broker->createTransfer(m_accountId, withdraw));
    QCOMPARE(refused.error().kind, BrokerError::Kind::InsufficientBuyingPower);
    QCOMPARE(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"101")))).error().kind,
             BrokerError::Kind::InsufficientBuyingPower);

    // A limit buy's reservation also limits withdrawals.
    QVERIFY(take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"50"), dec(u"300")))));
    withdraw.amount = dec(u"25000.01");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, withdraw)).error().kind,
             BrokerError::Kind::InsufficientBuyingPower);
}

void TestSimBroker::transferValidation()
{
    TransferRequest r;
    r.amount = Decimal();
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.amount = dec(u"-5");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.amount = dec(u"1.001");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().httpStatus, 422);
    r.amount = dec(u"10");
    r.transferType = TransferType::Wire;
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.transferType = TransferType::Ach;
    r.direction = TransferDirection::Unknown;
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(take(m_broker->createTransfer(u"nope"_s, r)).error().kind, BrokerError::Kind::NotFound);
    QVERIFY(take(m_broker->transfers(m_accountId))->isEmpty());
}

void TestSimBroker::restartRestoresEverything()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"2.5")))));
    const auto openLimit = take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"1"), dec(u"390"))));
    QVERIFY(openLimit);
    const auto canceled = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"100"))));
    QVERIFY(take(m_broker->cancelOrder(m_accountId, canceled->id)));
    TransferRequest deposit;
    deposit.amount = dec(u"1000");
    QVERIFY(take(m_broker->createTransfer(m_accountId, deposit)));
    QTRY_COMPARE(currentAccount().cash, dec(u"101000") - dec(u"468.28"));
    m_broker->setSettleDelayMs(60'000);
    deposit.amount = dec(u"250.5");
    const auto pending = take(m_broker->createTransfer(m_accountId, deposit));
    QVERIFY(pending);
    const auto second = m_broker->createAccount(dec(u"42.42"), u"Second"_s);
    QVERIFY(second);

    const auto accountsBefore = take(m_broker->accounts()).value();
    const auto positionsBefore = take(m_broker->positions(m_accountId)).value();
    OrderQuery all;
    all.status = OrderQuery::Status::All;
    const auto ordersBefore = take(m_broker->orders(m_accountId, all)).value();
    const auto transfersBefore = take(m_broker->transfers(m_accountId)).value();
    QCOMPARE(ordersBefore.size(), 3);
    QCOMPARE(transfersBefore.size(), 2);

    m_broker.reset();
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 0);
    m_feed->setPrice(u"MSFT"_s, dec(u"395"));

    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    m_broker->setSettleDelayMs(60'000);
    QVERIFY(m_broker->open());
    QCOMPARE(take(m_broker->accounts()).value(), accountsBefore);
    QCOMPARE(take(m_broker->positions(m_accountId)).value(), positionsBefore);
    QCOMPARE(take(m_broker->orders(m_accountId, all)).value(), ordersBefore);
    QCOMPARE(take(m_broker->transfers(m_accountId)).value(), transfersBefore);
    QCOMPARE(m_broker->accountLabel(second->id), u"Second"_s);
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 1);
    QCOMPARE(m_registry->holderCount(u"AAPL"_s), 1);

    // The duplicate check survives the restart.
    OrderRequest dup = limit(u"AAPL"_s, dec(u"1"), dec(u"100"));
    dup.clientOrderId = canceled->clientOrderId;
    QCOMPARE(take(m_broker->submitOrder(m_accountId, dup)).error().kind,
             BrokerError::Kind::DuplicateClientOrderId);

    // The restored open limit order still fills on a tick.
    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    m_feed->tick(u"MSFT"_s, dec(u"389"));
    QCOMPARE(orderSpy.size(), 1);
    QCOMPARE(take(m_broker->order(m_accountId, openLimit->id))->status, OrderStatus::Filled);
    const Decimal cashAfterFill = dec(u"101000") - dec(u"468.28") - dec(u"389");
    QCOMPARE(currentAccount().cash, cashAfterFill);

    // The pending transfer settles after a restart too.
    m_broker.reset();
    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    m_broker->setSettleDelayMs(0);
    QVERIFY(m_broker->open());
    QCOMPARE(currentAccount().cash, cashAfterFill);
    QTRY_COMPARE(currentAccount().cash, cashAfterFill + dec(u"250.5"));
    QCOMPARE(take(m_broker->transfers(m_accountId))->last().status, TransferStatus::Complete);
    QCOMPARE(take(m_broker->positions(m_accountId))->size(), 2);
}

void TestSimBroker::openFailsCleanly()
{
    SimBroker missingDir(m_feed.get(), *m_catalog, nullptr, m_dir.filePath(u"no/such/dir/sim.sqlite"_s));
    const auto opened = missingDir.open();
    QVERIFY(!opened);
    QVERIFY(opened.error().contains(u"no/such/dir"_s));
    QVERIFY(!missingDir.isOpen());
    QCOMPARE(take(missingDir.accounts()).error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(missingDir.createAccount(dec(u"1")).error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(take(missingDir.submitOrder(u"x"_s, market(u"AAPL"_s, dec(u"1")))).error().kind,
             BrokerError::Kind::Unavailable);

    const QString garbagePath = m_dir.filePath(u"garbage.sqlite"_s);
    {
        QFile garbage(garbagePath);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(4096, 'x'));
    }
    SimBroker notADatabase(m_feed.get(), *m_catalog, nullptr, garbagePath);
    const auto garbageOpened = notADatabase.open();
    QVERIFY(!garbageOpened);
    QVERIFY(!garbageOpened.error().isEmpty());

    const QString newerPath = m_dir.filePath(u"newer.sqlite"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"newer"_s);
        db.setDatabaseName(newerPath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s));
        QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (99)"_s));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"newer"_s);
    SimBroker newer(m_feed.get(), *m_catalog, nullptr, newerPath);
    const auto newerOpened = newer.open();
    QVERIFY(!newerOpened);
    QVERIFY(newerOpened.error().contains(u"newer"_s));
}

void TestSimBroker::assets()
{
    const auto list = take(m_broker->assets());
    QCOMPARE(list->size(), 3);
    const auto bySymbol = take(m_broker->asset(u"msft"_s));
    QVERIFY(bySymbol);
    QCOMPARE(bySymbol->symbol, u"MSFT"_s);
    const auto byId = take(m_broker->asset(bySymbol->id));
    QVERIFY(byId);
    QCOMPARE(byId->symbol, u"MSFT"_s);
    const auto missing = take(m_broker->asset(u"NOPE"_s));
    QCOMPARE(missing.error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(missing.error().httpStatus, 404);

    // Orders accept an asset id in place of the symbol.
    const auto order = take(m_broker->submitOrder(m_accountId, market(bySymbol->id, dec(u"1"))));
    QVERIFY(order);
    QCOMPARE(order->symbol, u"MSFT"_s);
}

void TestSimBroker::allPositions()
{
    const auto other = m_broker->createAccount(dec(u"5000"));
    QVERIFY(other);
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"1")))));
    QVERIFY(take(m_broker->submitOrder(other->id, market(u"MSFT"_s, dec(u"2")))));
    QVERIFY(take(m_broker->submitOrder(other->id, market(u"LCID"_s, dec(u"3")))));
    const auto all = take(m_broker->allPositions());
    QVERIFY(all);
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->value(m_accountId).size(), 1);
    QCOMPARE(all->value(other->id).size(), 2);
    QCOMPARE(all->value(other->id).at(0).symbol, u"LCID"_s);
    QCOMPARE(all->value(other->id).at(0).marketValue, std::optional<Decimal>(dec(u"60")));
}

void TestSimBroker::sessionCloseAfter_data()
{
    QTest::addColumn<QString>("at");
    QTest::addColumn<QString>("close");
    QTest::addRow("monday before the close") << u"2026-11-23T15:00:00-05:00"_s << u"2026-11-23T21:00:00Z"_s;
    QTest::addRow("monday at the close") << u"2026-11-23T16:00:00-05:00"_s << u"2026-11-24T21:00:00Z"_s;
    QTest::addRow("friday evening") << u"2026-11-27T17:00:00-05:00"_s << u"2026-11-30T21:00:00Z"_s;
    QTest::addRow("saturday") << u"2026-11-28T12:00:00Z"_s << u"2026-11-30T21:00:00Z"_s;
    QTest::addRow("summer time") << u"2026-07-01T10:00:00-04:00"_s << u"2026-07-01T20:00:00Z"_s;
}

void TestSimBroker::sessionCloseAfter()
{
    QFETCH(QString, at);
    QFETCH(QString, close);
    QCOMPARE(SimBroker::sessionCloseAfter(*Timestamp::parse(at)).toString(), close);
}

void TestSimBroker::dayOrderExpiresAtTheSessionClose()
{
    Timestamp clock = *Timestamp::parse(u"2026-11-23T15:00:00-05:00"_s);
    m_broker->setClock([&clock] { return clock; });
    const Decimal before = currentAccount().buyingPower;
    const auto order = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"10"), dec(u"150"))));
    QVERIFY(order);
    QCOMPARE(order->timeInForce, TimeInForce::Day);
    QCOMPARE(currentAccount().buyingPower, before - dec(u"1500"));

    QSignalSpy updated(m_broker.get(), &Broker::orderUpdated);
    clock = *Timestamp::parse(u"2026-11-23T20:59:59Z"_s);
    m_broker->expireDayOrders();
    QCOMPARE(take(m_broker->order(m_accountId, order->id))->status, OrderStatus::New);
    QCOMPARE(updated.count(), 0);

    clock = *Timestamp::parse(u"2026-11-23T21:00:01Z"_s);
    m_broker->expireDayOrders();
    const auto expired = take(m_broker->order(m_accountId, order->id));
    QCOMPARE(expired->status, OrderStatus::Expired);
    QCOMPARE(expired->expiredAt.value().toString(), u"2026-11-23T21:00:00Z"_s);
    QCOMPARE(updated.count(), 1);
    QCOMPARE(currentAccount().buyingPower, before); // the reservation is released

    m_feed->tick(u"AAPL"_s, dec(u"149")); // a later crossing price no longer fills it
    QCOMPARE(take(m_broker->order(m_accountId, order->id))->status, OrderStatus::Expired);
    QCOMPARE(currentAccount().cash, dec(u"100000"));
}

void TestSimBroker::gtcOrderDoesNotExpire()
{
    Timestamp clock = *Timestamp::parse(u"2026-11-23T15:00:00-05:00"_s);
    m_broker->setClock([&clock] { return clock; });
    OrderRequest gtc = limit(u"AAPL"_s, dec(u"1"), dec(u"150"));
    gtc.timeInForce = TimeInForce::Gtc;
    const auto order = take(m_broker->submitOrder(m_accountId, gtc));
    QVERIFY(order);
    clock = *Timestamp::parse(u"2026-12-23T15:00:00-05:00"_s);
    m_broker->expireDayOrders();
    QCOMPARE(take(m_broker->order(m_accountId, order->id))->status, OrderStatus::New);
}

void TestSimBroker::dayOrderFromAnEarlierSessionExpiresOnOpen()
{
    m_broker->setClock([] { return *Timestamp::parse(u"2026-11-27T17:00:00-05:00"_s); }); // Friday evening
    const auto order = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"150"))));
    QVERIFY(order);
    m_broker.reset();
    makeBroker();
    m_broker->setClock([] { return *Timestamp::parse(u"2026-11-30T15:59:00-05:00"_s); }); // Monday, still open
    QVERIFY(m_broker->open());
    QCOMPARE(take(m_broker->order(m_accountId, order->id))->status, OrderStatus::New);
    m_broker.reset();
    makeBroker();
    m_broker->setClock([] { return *Timestamp::parse(u"2026-11-30T16:00:00-05:00"_s); });
    QVERIFY(m_broker->open());
    QCOMPARE(take(m_broker->order(m_accountId, order->id))->status, OrderStatus::Expired);
}

QTEST_GUILESS_MAIN(TestSimBroker)
#include "tst_simbroker.moc"
