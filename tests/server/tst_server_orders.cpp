#include "core/marketdata/simfeed.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/orderintentrepository.h"
#include "core/store/scratchdatabase.h"
#include "core/trading/orderservice.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

// The server's broker, except that submitOrder's answer can be lost after the order went through: the
// crash window between "the broker accepted" and "we recorded it".
class LosingBroker : public Broker
{
public:
    explicit LosingBroker(Broker &inner) : m_inner(inner) {}
    bool loseAnswers = true;

    QString name() const override { return m_inner.name(); }
    QFuture<BrokerResult<QList<Account>>> accounts() override { return m_inner.accounts(); }
    QFuture<BrokerResult<Account>> account(const QString &id) override { return m_inner.account(id); }
    QFuture<BrokerResult<QList<Position>>> positions(const QString &id) override
    {
        return m_inner.positions(id);
    }
    QFuture<BrokerResult<PositionsByAccount>> allPositions() override
    {
        return m_inner.allPositions();
    }
    QFuture<BrokerResult<Order>> submitOrder(const QString &id, const OrderRequest &request) override
    {
        auto submitted = m_inner.submitOrder(id, request);
        if (!loseAnswers)
            return submitted;
        submitted.waitForFinished(); // SimBroker answers at once
        return QtFuture::makeReadyFuture(BrokerResult<Order>(
            unexpected(BrokerError{BrokerError::Kind::Network, u"connection reset"_s, 0, 0})));
    }
    QFuture<BrokerResult<QList<Order>>> orders(const QString &id, const OrderQuery &query) override
    {
        return m_inner.orders(id, query);
    }
    QFuture<BrokerResult<Order>> order(const QString &id, const QString &orderId) override
    {
        return m_inner.order(id, orderId);
    }
    QFuture<BrokerResult<Order>> orderByClientOrderId(const QString &id,
                                                      const QString &clientOrderId) override
    {
        return m_inner.orderByClientOrderId(id, clientOrderId);
    }
    QFuture<BrokerResult<Done>> cancelOrder(const QString &id, const QString &orderId) override
    {
        return m_inner.cancelOrder(id, orderId);
    }
    QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &id) override
    {
        return m_inner.transfers(id);
    }
    QFuture<BrokerResult<Transfer>> createTransfer(const QString &id, const TransferRequest &request) override
    {
        return m_inner.createTransfer(id, request);
    }
    QFuture<BrokerResult<QList<Activity>>> activityPage(const QString &id,
                                                        const ActivityQuery &query) override
    {
        return m_inner.activityPage(id, query);
    }
    QFuture<BrokerResult<QList<Activity>>> activities(const QString &id, const ActivityQuery &query) override
    {
        return m_inner.activities(id, query);
    }
    QFuture<BrokerResult<PortfolioHistory>> portfolioHistory(const QString &id,
                                                             const PortfolioHistoryQuery &query) override
    {
        return m_inner.portfolioHistory(id, query);
    }
    QFuture<BrokerResult<QList<Asset>>> assets() override { return m_inner.assets(); }
    QFuture<BrokerResult<Asset>> asset(const QString &symbolOrId) override
    {
        return m_inner.asset(symbolOrId);
    }
    QFuture<BrokerResult<MarketClock>> clock() override { return m_inner.clock(); }

private:
    Broker &m_inner;
};

template <typename T> T waitFor(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 5000))
        qFatal("the order service did not answer");
    return future.result();
}

} // namespace

// The trading routes over real sockets on an in-process server with the demo data and the embedded
// SimBroker, on SQLite and (under pg_virtualenv) PostgreSQL: market and limit orders, cancel, lists,
// positions, validation and broker errors, per-account access for users and operators, idempotent
// retries, reconciliation of intents left by a crash, and the audit rows.
class TestServerOrders : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    [[nodiscard]] static QString orders(const QString &account)
    {
        return u"/api/v1/accounts/%1/orders"_s.arg(account);
    }

    test::HttpResult place(const QString &account, const QJsonObject &body,
                           const QString &as = u"demo-alice"_s)
    {
        return m_http.post(orders(account), body, token(as));
    }

    static QJsonObject marketBuy(const QString &qty = u"1"_s)
    {
        return {{u"symbol"_s, u"AAPL"_s}, {u"side"_s, u"buy"_s}, {u"type"_s, u"market"_s}, {u"qty"_s, qty}};
    }

    static QJsonObject lowLimitBuy()
    {
        return {{u"symbol"_s, u"AAPL"_s},       {u"side"_s, u"buy"_s}, {u"type"_s, u"limit"_s},
                {u"time_in_force"_s, u"gtc"_s}, {u"qty"_s, u"2"_s},    {u"limit_price"_s, u"1.25"_s}};
    }

    // Orders at the broker with this client_order_id.
    [[nodiscard]] int brokerOrdersWith(const QString &account, const QString &clientOrderId) const
    {
        OrderQuery query;
        query.status = OrderQuery::Status::All;
        query.limit = 500;
        const QList<Order> all = test::ready(m_root->broker()->orders(account, query));
        return int(std::count_if(all.cbegin(), all.cend(),
                                 [&](const Order &o) { return o.clientOrderId == clientOrderId; }));
    }

    [[nodiscard]] QString operatorId() const { return test::userId(*m_root, u"demo-operator"_s); }

    [[nodiscard]] QList<AuditEntry> audit(const QString &action) const
    {
        AuditLog log(m_root->database());
        AuditFilter filter;
        filter.action = action;
        return log.query(filter).valueOr(QList<AuditEntry>());
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->orders()->isReady());
    }

    void cleanup() { stopServer(); }

    void marketOrderFillsAndShowsInPositions()
    {
        const auto before =
            m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(m_alice), token(u"demo-alice"_s));
        QCOMPARE(before.status, 200);
        const auto placed = place(m_alice, marketBuy(u"3"_s));
        QCOMPARE(placed.status, 201);
        const QJsonObject order = placed.body.object();
        QCOMPARE(order.value(u"status"_s).toString(), u"filled"_s);
        QCOMPARE(order.value(u"qty"_s).toString(), u"3"_s);
        QCOMPARE(order.value(u"symbol"_s).toString(), u"AAPL"_s);
        QVERIFY(order.value(u"filled_avg_price"_s).isString());
        const QString clientOrderId = order.value(u"client_order_id"_s).toString();
        QVERIFY(!clientOrderId.isEmpty());

        const auto fetched =
            m_http.get(orders(m_alice) + u'/' + order.value(u"id"_s).toString(), token(u"demo-alice"_s));
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.body.object().value(u"client_order_id"_s).toString(), clientOrderId);

        const auto after =
            m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(m_alice), token(u"demo-alice"_s));
        QCOMPARE(after.status, 200);
        Decimal heldBefore;
        Decimal heldAfter;
        for (const QJsonValue &p : before.body.array())
            if (p[u"symbol"_s].toString() == u"AAPL")
                heldBefore = Decimal::parse(p[u"qty"_s].toString()).value();
        for (const QJsonValue &p : after.body.array())
            if (p[u"symbol"_s].toString() == u"AAPL")
                heldAfter = Decimal::parse(p[u"qty"_s].toString()).value();
        QCOMPARE(heldAfter - heldBefore, Decimal(3));

        const auto intent = m_root->orders()->intents().byClientOrderId(clientOrderId);
        QVERIFY(intent && intent->has_value());
        QCOMPARE(toString((*intent)->state), u"submitted"_s);
        QCOMPARE((*intent)->brokerOrderId, order.value(u"id"_s).toString());
        QCOMPARE((*intent)->userId, test::userId(*m_root, u"demo-alice"_s));

        const QList<AuditEntry> rows = audit(u"order.place"_s);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().actor, test::userId(*m_root, u"demo-alice"_s));
        QCOMPARE(rows.first().subject, m_alice);
        QCOMPARE(rows.first().result, u"ok"_s);
        QCOMPARE(rows.first().ip, u"127.0.0.1"_s);
        QCOMPARE(rows.first().details.value(u"client_order_id"_s).toString(), clientOrderId);
        QCOMPARE(rows.first().details.value(u"symbol"_s).toString(), u"AAPL"_s);
    }

    void limitOrderStaysOpenUntilCancelled()
    {
        const auto placed = place(m_alice, lowLimitBuy());
        QCOMPARE(placed.status, 201);
        const QString id = placed.body.object().value(u"id"_s).toString();
        QCOMPARE(placed.body.object().value(u"status"_s).toString(), u"new"_s);
        QCOMPARE(placed.body.object().value(u"limit_price"_s).toString(), u"1.25"_s);

        const auto open = m_http.get(orders(m_alice), token(u"demo-alice"_s));
        QCOMPARE(open.status, 200);
        QCOMPARE(open.body.array().size(), 1);
        QCOMPARE(open.body.array().first()[u"id"_s].toString(), id);

        const auto cancelled = m_http.send("DELETE", orders(m_alice) + u'/' + id, token(u"demo-alice"_s));
        QCOMPARE(cancelled.status, 204);
        QCOMPARE(m_http.get(orders(m_alice) + u'/' + id, token(u"demo-alice"_s)).body[u"status"_s].toString(),
                 u"canceled"_s);
        QCOMPARE(m_http.get(orders(m_alice), token(u"demo-alice"_s)).body.array().size(), 0);
        const auto closed = m_http.get(orders(m_alice) + u"?status=closed"_s, token(u"demo-alice"_s));
        QCOMPARE(closed.status, 200);
        QVERIFY(std::any_of(closed.body.array().cbegin(), closed.body.array().cend(),
                            [&](const QJsonValue &o) { return o[u"id"_s].toString() == id; }));
        const auto all = m_http.get(orders(m_alice) + u"?status=all&limit=500"_s, token(u"demo-alice"_s));
        QCOMPARE(all.status, 200);
        QVERIFY(all.body.array().size() >= closed.body.array().size());

        const auto again = m_http.send("DELETE", orders(m_alice) + u'/' + id, token(u"demo-alice"_s));
        QVERIFY2(again.status == 422 || again.status == 409, qPrintable(QString::number(again.status)));
        verifyError(m_http.send("DELETE", orders(m_alice) + u"/no-such-order"_s, token(u"demo-alice"_s)), 404,
                    u"not_found"_s);

        const QList<AuditEntry> rows = audit(u"order.cancel"_s);
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.last().result, u"ok"_s); // newest first: the first cancel is last
        QCOMPARE(rows.last().details.value(u"order_id"_s).toString(), id);
        QCOMPARE(rows.last().actor, test::userId(*m_root, u"demo-alice"_s));
    }

    void invalidOrdersAreRefusedBeforeTheBroker()
    {
        const auto bad = [this](QJsonObject body, int status, const QString &code) {
            const auto r = place(m_alice, body);
            verifyError(r, status, code);
        };
        QJsonObject both = marketBuy();
        both.insert(u"notional"_s, u"10"_s);
        bad(both, 400, u"invalid_order"_s);
        QJsonObject none = marketBuy();
        none.remove(u"qty"_s);
        bad(none, 400, u"invalid_order"_s);
        bad(marketBuy(u"-1"_s), 400, u"invalid_order"_s);
        bad(marketBuy(u"abc"_s), 400, u"invalid_order"_s);
        QJsonObject limit = lowLimitBuy();
        limit.remove(u"limit_price"_s);
        bad(limit, 400, u"invalid_order"_s);
        QJsonObject extended = marketBuy();
        extended.insert(u"extended_hours"_s, true);
        bad(extended, 400, u"invalid_order"_s);
        QJsonObject fractionalGtc = marketBuy(u"0.5"_s);
        fractionalGtc.insert(u"time_in_force"_s, u"gtc"_s);
        bad(fractionalGtc, 400, u"invalid_order"_s);
        QJsonObject side = marketBuy();
        side.insert(u"side"_s, u"hold"_s);
        bad(side, 400, u"invalid_order"_s);
        QJsonObject unknownField = marketBuy();
        unknownField.insert(u"leverage"_s, u"10"_s);
        bad(unknownField, 400, u"invalid_request"_s);
        QJsonObject numeric = marketBuy();
        numeric.insert(u"qty"_s, 1);
        bad(numeric, 400, u"invalid_request"_s);
        QCOMPARE(m_root->orders()->intents().unresolved().valueOr(QList<OrderIntent>()).size(), 0);

        // Pre-trade buying power: nothing is stored or sent.
        QJsonObject huge = marketBuy();
        huge.remove(u"qty"_s);
        huge.insert(u"notional"_s, u"900000000"_s);
        bad(huge, 403, u"insufficient_buying_power"_s);
        QVERIFY(audit(u"order.place"_s).isEmpty());

        // The broker's own refusal is recorded on the intent and audited.
        QJsonObject sell = marketBuy(u"100000"_s);
        sell.insert(u"side"_s, u"sell"_s);
        bad(sell, 403, u"insufficient_qty"_s);
        const QList<AuditEntry> rows = audit(u"order.place"_s);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().result, u"denied"_s);
        QCOMPARE(rows.first().details.value(u"error"_s).toString(), u"insufficient_qty"_s);
        const auto intent = m_root->orders()->intents().byClientOrderId(
            rows.first().details.value(u"client_order_id"_s).toString());
        QVERIFY(intent && intent->has_value());
        QCOMPARE(toString((*intent)->state), u"rejected"_s);
        QCOMPARE((*intent)->errorCode, u"insufficient_qty"_s);

        verifyError(m_http.get(orders(m_alice) + u"?status=sometimes"_s, token(u"demo-alice"_s)), 400,
                    u"invalid_query"_s);
    }

    void usersReachOnlyTheirAccountsAndOperatorsOnlyRead()
    {
        const auto placed = place(m_bob, lowLimitBuy(), u"demo-bob"_s);
        QCOMPARE(placed.status, 201);
        const QString bobOrder = orders(m_bob) + u'/' + placed.body[u"id"_s].toString();
        const QString alice = token(u"demo-alice"_s);

        // Alice on Bob's account: every route answers as if it did not exist.
        verifyError(m_http.post(orders(m_bob), marketBuy(), alice), 404, u"account_not_found"_s);
        verifyError(m_http.get(orders(m_bob), alice), 404, u"account_not_found"_s);
        verifyError(m_http.get(bobOrder, alice), 404, u"account_not_found"_s);
        verifyError(m_http.send("DELETE", bobOrder, alice), 404, u"account_not_found"_s);
        verifyError(m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(m_bob), alice), 404,
                    u"account_not_found"_s);
        // Bob's order on Alice's account path is not found either.
        verifyError(m_http.get(orders(m_alice) + u'/' + placed.body[u"id"_s].toString(), alice), 404,
                    u"not_found"_s);
        // Without a token: 401.
        QCOMPARE(m_http.get(orders(m_bob)).status, 401);
        QCOMPARE(m_http.post(orders(m_bob), marketBuy()).status, 401);

        // The operator reads Bob's account but trades for nobody.
        const QString op = token(u"demo-operator"_s, Role::Operator);
        QCOMPARE(m_http.get(orders(m_bob), op).status, 200);
        QCOMPARE(m_http.get(bobOrder, op).status, 200);
        QCOMPARE(m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(m_bob), op).status, 200);
        verifyError(m_http.post(orders(m_bob), marketBuy(), op), 403, u"forbidden"_s);
        verifyError(m_http.send("DELETE", bobOrder, op), 403, u"forbidden"_s);

        // Nothing of that reached the broker: Bob's order is still open, and only his order exists.
        QCOMPARE(m_http.get(bobOrder, token(u"demo-bob"_s)).body[u"status"_s].toString(), u"new"_s);
        // Bob's own placement went through; the refused attempts are audited as denied.
        const QList<AuditEntry> placements = audit(u"order.place"_s);
        QCOMPARE(placements.size(), 3);
        QCOMPARE(placements.at(0).actor, operatorId());
        QCOMPARE(placements.at(0).result, u"denied"_s);
        QCOMPARE(placements.at(0).details.value(u"error"_s).toString(), u"forbidden"_s);
        QCOMPARE(placements.at(1).actor, test::userId(*m_root, u"demo-alice"_s));
        QCOMPARE(placements.at(1).result, u"denied"_s);
        QCOMPARE(placements.at(1).subject, m_bob);
        QCOMPARE(placements.at(2).result, u"ok"_s);
        const QList<AuditEntry> cancels = audit(u"order.cancel"_s);
        QCOMPARE(cancels.size(), 2);
        QCOMPARE(cancels.at(0).result, u"denied"_s);
        QCOMPARE(cancels.at(1).result, u"denied"_s);
    }

    void idempotencyKeyRetryReturnsTheSameOrder()
    {
        QJsonObject body = lowLimitBuy();
        body.insert(u"idempotency_key"_s, u"retry-1"_s);
        const auto first = place(m_alice, body);
        QCOMPARE(first.status, 201);
        const auto second = place(m_alice, body);
        QCOMPARE(second.status, 201);
        QCOMPARE(second.body[u"id"_s].toString(), first.body[u"id"_s].toString());
        const QString clientOrderId = first.body[u"client_order_id"_s].toString();
        QCOMPARE(brokerOrdersWith(m_alice, clientOrderId), 1);
        QCOMPARE(m_http.get(orders(m_alice), token(u"demo-alice"_s)).body.array().size(), 1);

        // The same key for another order is a conflict, not a second order.
        body.insert(u"qty"_s, u"5"_s);
        verifyError(place(m_alice, body), 409, u"idempotency_key_reused"_s);
        // Another account may use the same key for its own order.
        QCOMPARE(place(m_bob, body, u"demo-bob"_s).status, 201);
        QCOMPARE(m_http.get(orders(m_alice), token(u"demo-alice"_s)).body.array().size(), 1);

        // A refused order replays as the same refusal, without asking the broker again.
        QJsonObject sell = marketBuy(u"100000"_s);
        sell.insert(u"side"_s, u"sell"_s);
        sell.insert(u"idempotency_key"_s, u"retry-2"_s);
        verifyError(place(m_alice, sell), 403, u"insufficient_qty"_s);
        verifyError(place(m_alice, sell), 403, u"insufficient_qty"_s);
        QCOMPARE(audit(u"order.place"_s).size(), 3); // two placed, one refused once
    }

    void lostAnswerLeavesTheIntentUnknownAndARetrySettlesIt()
    {
        LosingBroker broker(*m_root->broker());
        AuditLog log(m_root->database());
        OrderService service(broker, m_root->database(), log);
        service.reconcile();
        QTRY_VERIFY(service.isReady());

        PlaceOrder command;
        command.userId = test::userId(*m_root, u"demo-alice"_s);
        command.accountId = m_alice;
        command.request.symbol = u"AAPL"_s;
        command.request.qty = Decimal(1);
        command.idempotencyKey = u"flaky-1"_s;
        command.ip = u"192.0.2.7"_s;
        const auto lost = waitFor(service.place(command));
        QVERIFY(!lost);
        QCOMPARE(lost.error().code, u"order_state_unknown"_s);
        const auto intent = service.intents().byIdempotencyKey(m_alice, u"flaky-1"_s);
        QVERIFY(intent && intent->has_value());
        QCOMPARE(toString((*intent)->state), u"unknown"_s);
        const QString clientOrderId = (*intent)->clientOrderId;
        QCOMPARE(brokerOrdersWith(m_alice, clientOrderId), 1); // it did go through

        // The client retries with its key: the order is found, not sent again.
        const auto retried = waitFor(service.place(command));
        QVERIFY(retried);
        QCOMPARE(retried->order.clientOrderId, clientOrderId);
        QVERIFY(retried->warnings.isEmpty()); // a replay: nothing was judged again
        QCOMPARE(brokerOrdersWith(m_alice, clientOrderId), 1);
        QCOMPARE(toString((*service.intents().byClientOrderId(clientOrderId))->state), u"submitted"_s);

        // Without a key, a lost answer is settled by the next reconciliation instead.
        command.idempotencyKey.clear();
        QVERIFY(!waitFor(service.place(command)));
        const auto unresolved = service.intents().unresolved();
        QVERIFY(unresolved);
        QCOMPARE(unresolved->size(), 1);
        broker.loseAnswers = false;
        OrderService restarted(broker, m_root->database(), log);
        restarted.reconcile();
        QTRY_VERIFY(restarted.isReady());
        QCOMPARE(restarted.intents().unresolved().valueOr(QList<OrderIntent>{OrderIntent()}).size(), 0);
        QCOMPARE(brokerOrdersWith(m_alice, unresolved->first().clientOrderId), 1);

        const QList<AuditEntry> errors = audit(u"order.place"_s);
        QCOMPARE(errors.size(), 2);
        QCOMPARE(errors.first().result, u"error"_s);
        QCOMPARE(errors.first().ip, u"192.0.2.7"_s);
    }

    void restartReconcilesIntentsLeftByACrash()
    {
        // Two crashes between "intent stored" and "broker answered": one order never reached the
        // broker, the other did but its answer was lost.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        OrderRequest lost;
        lost.symbol = u"AAPL"_s;
        lost.qty = Decimal(1);
        lost.type = OrderType::Limit;
        lost.limitPrice = Decimal::parse(u"2.5"_s).value();
        lost.timeInForce = TimeInForce::Gtc;
        lost.clientOrderId = u"crash-not-sent"_s;
        OrderRequest delivered = lost;
        delivered.clientOrderId = u"crash-answer-lost"_s;
        QVERIFY(test::ready(m_root->broker()->submitOrder(m_alice, delivered)).clientOrderId ==
                delivered.clientOrderId);
        {
            OrderIntentRepository intents(m_root->database());
            for (const auto &[request, state] : {std::pair{lost, OrderIntent::State::Pending},
                                                 std::pair{delivered, OrderIntent::State::Unknown}}) {
                OrderIntent intent;
                intent.userId = test::userId(*m_root, u"demo-alice"_s);
                intent.accountId = m_alice;
                intent.clientOrderId = request.clientOrderId;
                intent.request = request.toJson();
                intent.state = state;
                intent.createdAt = now;
                intent.updatedAt = now;
                QVERIFY(intents.add(intent));
            }
        }
        QCOMPARE(brokerOrdersWith(m_alice, lost.clientOrderId), 0);

        m_root.reset();
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->orders()->isReady());

        QCOMPARE(brokerOrdersWith(m_alice, lost.clientOrderId), 1);
        QCOMPARE(brokerOrdersWith(m_alice, delivered.clientOrderId), 1);
        const auto left = m_root->orders()->intents().unresolved();
        QVERIFY(left);
        QCOMPARE(left->size(), 0);
        for (const QString &id : {lost.clientOrderId, delivered.clientOrderId}) {
            const auto intent = m_root->orders()->intents().byClientOrderId(id);
            QVERIFY(intent && intent->has_value());
            QCOMPARE(toString((*intent)->state), u"submitted"_s);
            const Order atBroker = test::ready(m_root->broker()->orderByClientOrderId(m_alice, id));
            QCOMPARE((*intent)->brokerOrderId, atBroker.id);
        }
        const QList<AuditEntry> rows = audit(u"order.reconcile"_s);
        QCOMPARE(rows.size(), 1); // the delivered one: found at the broker
        QCOMPARE(rows.first().actor, u"system"_s);
        const QList<AuditEntry> placed = audit(u"order.place"_s);
        QCOMPARE(placed.size(), 1); // the lost one: resubmitted with its own client_order_id
        QCOMPARE(placed.first().details.value(u"client_order_id"_s).toString(), lost.clientOrderId);

        // A third start finds nothing to do and sends nothing again.
        m_root.reset();
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->orders()->isReady());
        QCOMPARE(brokerOrdersWith(m_alice, lost.clientOrderId), 1);
        QCOMPARE(brokerOrdersWith(m_alice, delivered.clientOrderId), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerOrders)
#include "tst_server_orders.moc"
