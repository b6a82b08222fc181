#include "simbrokerfixture.h"

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::test;

// SimBroker's limit orders (crossing, IOC), cancellation, order queries and the market clock: session
// closes, day orders expiring, GTC orders staying.
class TestSimBrokerOrders : public QObject, protected SimBrokerFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpCatalog(); }
    void init() { openBroker(); }
    void cleanup() { closeBroker(); }

    void limitOrdersFillOnlyWhenCrossed();
    void limitOrderCrossedOnSubmission();
    void limitOrderWithoutPriceWaits();
    void iocLimitNotCrossedIsCanceled();
    void cancelSemantics();
    void orderQueries();
    void sessionCloseAfter_data();
    void sessionCloseAfter();
    void dayOrderExpiresAtTheSessionClose();
    void gtcOrderDoesNotExpire();
    void dayOrderFromAnEarlierSessionExpiresOnOpen();
};

void TestSimBrokerOrders::limitOrdersFillOnlyWhenCrossed()
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

void TestSimBrokerOrders::limitOrderCrossedOnSubmission()
{
    const auto order = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"190"))));
    QVERIFY(order);
    QCOMPARE(order->status, OrderStatus::Filled);
    QCOMPARE(order->filledAvgPrice,
             std::optional<Decimal>(dec(u"187.31"))); // at the market, better than the limit
    QCOMPARE(currentAccount().cash, dec(u"99812.69"));
}

void TestSimBrokerOrders::limitOrderWithoutPriceWaits()
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

void TestSimBrokerOrders::iocLimitNotCrossedIsCanceled()
{
    OrderRequest r = limit(u"AAPL"_s, dec(u"1"), dec(u"150"));
    r.timeInForce = TimeInForce::Ioc;
    const auto order = take(m_broker->submitOrder(m_accountId, r));
    QVERIFY(order);
    QCOMPARE(order->status, OrderStatus::Canceled);
    QVERIFY(order->canceledAt.has_value());
    QCOMPARE(currentAccount().buyingPower, dec(u"100000"));
}

void TestSimBrokerOrders::cancelSemantics()
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

void TestSimBrokerOrders::orderQueries()
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

void TestSimBrokerOrders::sessionCloseAfter_data()
{
    QTest::addColumn<QString>("at");
    QTest::addColumn<QString>("close");
    QTest::addRow("monday before the close") << u"2026-11-23T15:00:00-05:00"_s << u"2026-11-23T21:00:00Z"_s;
    QTest::addRow("monday at the close") << u"2026-11-23T16:00:00-05:00"_s << u"2026-11-24T21:00:00Z"_s;
    QTest::addRow("friday evening") << u"2026-11-27T17:00:00-05:00"_s << u"2026-11-30T21:00:00Z"_s;
    QTest::addRow("saturday") << u"2026-11-28T12:00:00Z"_s << u"2026-11-30T21:00:00Z"_s;
    QTest::addRow("summer time") << u"2026-07-01T10:00:00-04:00"_s << u"2026-07-01T20:00:00Z"_s;
}

void TestSimBrokerOrders::sessionCloseAfter()
{
    QFETCH(QString, at);
    QFETCH(QString, close);
    QCOMPARE(SimBroker::sessionCloseAfter(*Timestamp::parse(at)).toString(), close);
}

void TestSimBrokerOrders::dayOrderExpiresAtTheSessionClose()
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

void TestSimBrokerOrders::gtcOrderDoesNotExpire()
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

void TestSimBrokerOrders::dayOrderFromAnEarlierSessionExpiresOnOpen()
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

QTEST_GUILESS_MAIN(TestSimBrokerOrders)
#include "tst_simbrokerorders.moc"
