#include "simbrokerfixture.h"

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::test;

// SimBroker's accounts, market and notional orders (exact cash, average entry, cost basis), the order
// rules, duplicate client order ids, equity from the feed's prices, assets and positions.
class TestSimBroker : public QObject, protected SimBrokerFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpCatalog(); }
    void init() { openBroker(); }
    void cleanup() { closeBroker(); }

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
    void equityFromFeedPrices();
    void missingPriceIsAnError();
    void assets();
    void allPositions();
};

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
    // Bought today at 187.31: measured from the fill price, not from the previous close (2 × 10.05).
    QCOMPARE(aapl.unrealizedIntradayPl, std::optional<Decimal>(dec(u"5.48")));
    QCOMPARE(a.previousClose, std::optional(SimBroker::sessionCloseBefore(Timestamp::now())));
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
    QCOMPARE(all->positions(m_accountId)->size(), 1);
    QCOMPARE(all->positions(other->id)->size(), 2);
    QCOMPARE(all->positions(other->id)->at(0).symbol, u"LCID"_s);
    QCOMPARE(all->positions(other->id)->at(0).marketValue, std::optional<Decimal>(dec(u"60")));
}

QTEST_GUILESS_MAIN(TestSimBroker)
#include "tst_simbroker.moc"
