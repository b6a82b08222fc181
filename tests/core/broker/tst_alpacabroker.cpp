#include "core/broker/alpacabroker.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

namespace {

Decimal dec(const char *text)
{
    return Decimal::parse(QString::fromLatin1(text)).value();
}

OrderRequest market(const QString &symbol, Decimal qty, OrderSide side = OrderSide::Buy)
{
    OrderRequest r;
    r.symbol = symbol;
    r.qty = qty;
    r.side = side;
    return r;
}

OrderRequest limit(const QString &symbol, Decimal qty, Decimal price)
{
    OrderRequest r = market(symbol, qty);
    r.type = OrderType::Limit;
    r.limitPrice = price;
    return r;
}

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("broker call did not finish");
    return f.result();
}

} // namespace

class TestAlpacaBroker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void accountsFetchEachTradingAccount();
    void accountAfterMarketBuyIsExact();
    void fakeCreatesMinimalAccount();
    void positionsAndAllPositions();
    void allPositionsMayTakeLongerThanTheTimeout();
    void orderWireBody();
    void limitOrderListCancel();
    void duplicateClientOrderIdEvenAfterCancel();
    void orderErrors_data();
    void orderErrors();
    void wrongCredentialsUnauthorized();
    void droppedResponseGivesExactlyOneOrder();
    void serverErrorLooksUpThenResendsWithSameId();
    void lookUpAcceptsArray();
    void lookUpFailingLeavesStateUnknown();
    void fakeTimestampsVaryInPrecision();
    void transferCompletesAndAddsCash();
    void transferListIsReadPageByPage();
    void assetsActiveUsEquity();
    void malformedAnswerIsDecodeError();
    void nonJsonAnswerIsDecodeError();
    void serverErrorsBecomeUnavailable();
    void rateLimitedAfterRetries();
    void referenceOrder();
    void referencePositionsAndAllPositions();
    void referenceTransfer();
    void referenceTradingAccount();
    void errorMapping_data();
    void errorMapping();

private:
    [[nodiscard]] std::unique_ptr<AlpacaBroker> broker(std::chrono::milliseconds timeout = 3000ms) const;

    std::unique_ptr<FakeAlpacaRest> m_fake;
    QString m_alice;
    QString m_bob;
};

std::unique_ptr<AlpacaBroker> TestAlpacaBroker::broker(std::chrono::milliseconds timeout) const
{
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    o.keyId = m_fake->brokerCredentials().keyId;
    o.secret = m_fake->brokerCredentials().secret;
    o.timeout = timeout;
    o.retry.baseDelay = 10ms;
    o.retry.maxDelay = 40ms;
    return std::make_unique<AlpacaBroker>(o);
}

void TestAlpacaBroker::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    m_alice = m_fake->seedAccount(Decimal(1000));
    m_bob = m_fake->seedAccount(dec("2500.50"));
}

void TestAlpacaBroker::cleanup()
{
    m_fake.reset();
}

void TestAlpacaBroker::accountsFetchEachTradingAccount()
{
    auto b = broker();
    QCOMPARE(b->name(), u"alpaca"_s);
    const auto accounts = take(b->accounts());
    QVERIFY(accounts.hasValue());
    QCOMPARE(accounts->size(), 2);
    QCOMPARE(accounts->at(0).id, m_alice);
    QCOMPARE(accounts->at(0).cash, Decimal(1000));
    QCOMPARE(accounts->at(1).id, m_bob);
    QCOMPARE(accounts->at(1).buyingPower, dec("2500.5"));
    QCOMPARE(accounts->at(1).status, AccountStatus::Active);

    QCOMPARE(m_fake->requests("GET", u"/v1/accounts"_s).constFirst().path, u"/v1/accounts"_s);
    QCOMPARE(m_fake->requests("GET", u"/v1/trading/accounts/"_s + m_alice + u"/account").size(), 1);
    const QByteArray auth = m_fake->requests().constFirst().header("Authorization");
    QVERIFY(auth.startsWith("Basic "));
    QCOMPARE(QByteArray::fromBase64(auth.mid(6)), QByteArray("PKBROKERKEY0001:broker-secret-0001"));
}

void TestAlpacaBroker::accountAfterMarketBuyIsExact()
{
    auto b = broker();
    QSignalSpy orderUpdated(b.get(), &Broker::orderUpdated);
    QSignalSpy positionsChanged(b.get(), &Broker::positionsChanged);
    QSignalSpy accountChanged(b.get(), &Broker::accountChanged);
    const auto placed = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(2))));
    QVERIFY(placed.hasValue());
    QCOMPARE(placed->status, OrderStatus::Filled);
    QCOMPARE(orderUpdated.size(), 1);
    QCOMPARE(orderUpdated.at(0).at(0).toString(), m_alice);
    QCOMPARE(orderUpdated.at(0).at(1).value<Order>().id, placed->id);
    QCOMPARE(positionsChanged.size(), 1);
    QCOMPARE(accountChanged.size(), 1);
    QCOMPARE(placed->filledAvgPrice, dec("187.31"));
    const auto account = take(b->account(m_alice));
    QVERIFY(account.hasValue());
    QCOMPARE(account->cash, dec("625.38"));
    QCOMPARE(account->equity, Decimal(1000));
}

void TestAlpacaBroker::fakeCreatesMinimalAccount()
{
    auto b = broker();
    // The smallest application Alpaca accepts (reference §3.1); tst_alpacaonboarding covers the rest.
    const QJsonObject body = QJsonDocument::fromJson(R"({
        "contact": {"email_address": "pat.lee@example.org", "phone_number": "+14155550142",
                    "street_address": ["100 Pine St"], "city": "Austin", "state": "TX"},
        "identity": {"given_name": "Pat", "family_name": "Lee", "date_of_birth": "1988-04-12",
                     "country_of_tax_residence": "USA", "funding_source": ["savings"]},
        "disclosures": {"is_control_person": false, "is_affiliated_exchange_or_finra": false,
                        "is_politically_exposed": false, "immediate_family_exposed": false},
        "agreements": [{"agreement": "customer_agreement", "signed_at": "2026-01-05T15:04:05Z",
                        "ip_address": "203.0.113.7"}]})")
                                 .object();
    const RestResult created =
        take(b->rest().send(RestRequest::post(u"/v1/accounts"_s, QJsonDocument(body))));
    QVERIFY(created.hasValue());
    QCOMPARE(created->json.object().value(u"status"), QJsonValue(u"SUBMITTED"_s));
    const QString id = created->json.object().value(u"id").toString();
    QTRY_COMPARE(m_fake->onboarding().status(id), u"ACTIVE"_s);
    const auto accounts = take(b->accounts());
    QVERIFY(accounts.hasValue());
    QCOMPARE(accounts->size(), 3);
    QCOMPARE(accounts->at(2).id, created->json.object().value(u"id").toString());
    QCOMPARE(accounts->at(2).cash, Decimal());

    const RestResult again = take(b->rest().send(RestRequest::post(u"/v1/accounts"_s, QJsonDocument(body))));
    QVERIFY(!again.hasValue());
    QCOMPARE(brokerErrorFrom(again.error()).kind, BrokerError::Kind::Conflict);
    QCOMPARE(again.error().code, 40910000);
}

void TestAlpacaBroker::positionsAndAllPositions()
{
    auto b = broker();
    QVERIFY(take(b->submitOrder(m_alice, market(u"AAPL"_s, dec("1.5")))).hasValue());
    QVERIFY(take(b->submitOrder(m_bob, market(u"MSFT"_s, Decimal(3)))).hasValue());
    const auto positions = take(b->positions(m_alice));
    QVERIFY(positions.hasValue());
    QCOMPARE(positions->size(), 1);
    QCOMPARE(positions->at(0).symbol, u"AAPL"_s);
    QCOMPARE(positions->at(0).qty, dec("1.5"));
    QCOMPARE(positions->at(0).costBasis, dec("280.96")); // 1.5 × 187.31 = 280.965, rounded half-even

    const auto all = take(b->allPositions());
    QVERIFY(all.hasValue());
    QCOMPARE(all->size(), 2);
    QCOMPARE(all->positions(m_bob)->at(0).symbol, u"MSFT"_s);
    QCOMPARE(all->positions(m_bob)->at(0).qty, Decimal(3));
    QCOMPARE(m_fake->requests("GET", u"/v1/accounts/positions"_s).size(), 1);
}

// Every account's positions take long to prepare with thousands of accounts: that one request waits
// longer than the client's timeout (which still applies to the others).
void TestAlpacaBroker::allPositionsMayTakeLongerThanTheTimeout()
{
    auto b = broker(400ms);
    m_fake->injectFault(FakeFault::delayed(1200).on("GET", u"/v1/accounts/positions"_s));
    const auto all = take(b->allPositions());
    QVERIFY2(all, all ? "" : qPrintable(all.error().message));
    QCOMPARE(m_fake->requests("GET", u"/v1/accounts/positions"_s).size(), 1);

    m_fake->injectFault(FakeFault::delayed(1200, 4).on("GET", u"/positions"_s));
    const auto one = take(b->positions(m_alice));
    QVERIFY(!one);
    QCOMPARE(one.error().kind, BrokerError::Kind::Unavailable);
}

void TestAlpacaBroker::orderWireBody()
{
    auto b = broker();
    OrderRequest r = limit(u"MSFT"_s, dec("0.5"), dec("400.25"));
    const auto placed = take(b->submitOrder(m_alice, r));
    QVERIFY(placed.hasValue());
    const auto post =
        m_fake->requests("POST", u"/v1/trading/accounts/"_s + m_alice + u"/orders").constFirst();
    const QJsonObject body = post.json();
    QCOMPARE(body.value(u"qty"), QJsonValue(u"0.5"_s));
    QCOMPARE(body.value(u"limit_price"), QJsonValue(u"400.25"_s));
    QCOMPARE(body.value(u"time_in_force"), QJsonValue(u"day"_s));
    QCOMPARE(body.value(u"type"), QJsonValue(u"limit"_s));
    QCOMPARE(body.value(u"side"), QJsonValue(u"buy"_s));
    QVERIFY(!body.contains(u"notional"));
    const QString coid = body.value(u"client_order_id").toString();
    static const QRegularExpression uuid(u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s);
    QVERIFY2(uuid.match(coid).hasMatch(), qPrintable(coid));
    QCOMPARE(placed->clientOrderId, coid);
    QCOMPARE(post.header("Content-Type"), QByteArray("application/json"));
}

void TestAlpacaBroker::limitOrderListCancel()
{
    auto b = broker();
    const auto placed = take(b->submitOrder(m_alice, limit(u"AAPL"_s, Decimal(1), Decimal(150))));
    QVERIFY(placed.hasValue());
    QCOMPARE(placed->status, OrderStatus::New);

    const auto open = take(b->orders(m_alice, OrderQuery{}));
    QVERIFY(open.hasValue());
    QCOMPARE(open->size(), 1);
    const auto query = m_fake->requests("GET", u"/orders"_s).constLast().query;
    QCOMPARE(query.queryItemValue(u"status"_s), u"open"_s);
    QCOMPARE(query.queryItemValue(u"direction"_s), u"desc"_s);

    QVERIFY(take(b->cancelOrder(m_alice, placed->id)).hasValue());
    const auto canceled = take(b->order(m_alice, placed->id));
    QVERIFY(canceled.hasValue());
    QCOMPARE(canceled->status, OrderStatus::Canceled);
    QVERIFY(canceled->canceledAt.has_value());

    const auto again = take(b->cancelOrder(m_alice, placed->id));
    QVERIFY(!again.hasValue());
    QCOMPARE(again.error().httpStatus, 422);
    QCOMPARE(again.error().code, 42210000);
    const auto unknown = take(b->cancelOrder(m_alice, u"00000000-0000-0000-0000-000000000000"_s));
    QVERIFY(!unknown.hasValue());
    QCOMPARE(unknown.error().kind, BrokerError::Kind::NotFound);

    OrderQuery all;
    all.status = OrderQuery::Status::All;
    QCOMPARE(take(b->orders(m_alice, all))->size(), 1);
    OrderQuery closed;
    closed.status = OrderQuery::Status::Closed;
    QCOMPARE(take(b->orders(m_alice, closed))->size(), 1);
    QCOMPARE(take(b->orders(m_alice, OrderQuery{}))->size(), 0);
}

void TestAlpacaBroker::duplicateClientOrderIdEvenAfterCancel()
{
    auto b = broker();
    OrderRequest r = limit(u"AAPL"_s, Decimal(1), Decimal(100));
    r.clientOrderId = u"my-order-1"_s;
    const auto first = take(b->submitOrder(m_alice, r));
    QVERIFY(first.hasValue());
    QCOMPARE(first->clientOrderId, u"my-order-1"_s);
    QVERIFY(take(b->cancelOrder(m_alice, first->id)).hasValue());
    const auto second = take(b->submitOrder(m_alice, r));
    QVERIFY(!second.hasValue());
    QCOMPARE(second.error().kind, BrokerError::Kind::DuplicateClientOrderId);
    QCOMPARE(second.error().code, 40010001);
    QCOMPARE(second.error().message, u"client_order_id must be unique"_s);
    QCOMPARE(m_fake->book().orderCount(m_alice), 1);

    const auto found = take(b->orderByClientOrderId(m_alice, u"my-order-1"_s));
    QVERIFY(found.hasValue());
    QCOMPARE(found->id, first->id);
    const auto missing = take(b->orderByClientOrderId(m_alice, u"nope"_s));
    QCOMPARE(missing.error().kind, BrokerError::Kind::NotFound);
}

void TestAlpacaBroker::orderErrors_data()
{
    QTest::addColumn<OrderRequest>("request");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("code");

    using K = BrokerError::Kind;
    QTest::addRow("buying power") << market(u"MSFT"_s, Decimal(3)) << int(K::InsufficientBuyingPower) << 403
                                  << qint64(40310000);
    QTest::addRow("sell more than held") << market(u"AAPL"_s, Decimal(1), OrderSide::Sell)
                                         << int(K::InsufficientQty) << 403 << qint64(40310000);
    OrderRequest both = market(u"AAPL"_s, Decimal(1));
    both.notional = Decimal(10);
    QTest::addRow("qty and notional") << both << int(K::InvalidRequest) << 422 << qint64(40010001);
    OrderRequest gtc = market(u"AAPL"_s, dec("0.5"));
    gtc.timeInForce = TimeInForce::Gtc;
    QTest::addRow("fractional gtc") << gtc << int(K::InvalidRequest) << 422 << qint64(40010001);
    QTest::addRow("not fractionable")
        << market(u"BRK.A"_s, dec("0.001")) << int(K::NotTradable) << 422 << qint64(40010001);
    QTest::addRow("unknown asset") << market(u"NOPE"_s, Decimal(1)) << int(K::NotTradable) << 422
                                   << qint64(40010001);
    QTest::addRow("inactive asset") << market(u"OLDCO"_s, Decimal(1)) << int(K::NotTradable) << 422
                                    << qint64(40010001);
    OrderRequest extended = market(u"AAPL"_s, Decimal(1));
    extended.extendedHours = true;
    QTest::addRow("extended market") << extended << int(K::InvalidRequest) << 422 << qint64(40010001);
    OrderRequest noLimit = market(u"AAPL"_s, Decimal(1));
    noLimit.type = OrderType::Limit;
    QTest::addRow("limit without price") << noLimit << int(K::InvalidRequest) << 422 << qint64(40010001);
    OrderRequest crypto = market(u"BTC/USD"_s, dec("0.001"));
    QTest::addRow("crypto day") << crypto << int(K::InvalidRequest) << 422 << qint64(42210000);
}

void TestAlpacaBroker::orderErrors()
{
    QFETCH(OrderRequest, request);
    QFETCH(int, kind);
    QFETCH(int, status);
    QFETCH(qint64, code);
    auto b = broker();
    const auto result = take(b->submitOrder(m_alice, request));
    QVERIFY(!result.hasValue());
    QCOMPARE(int(result.error().kind), kind);
    QCOMPARE(result.error().httpStatus, status);
    QCOMPARE(result.error().code, code);
    QVERIFY(!result.error().message.isEmpty());
    QCOMPARE(m_fake->book().orderCount(m_alice), 0);
    QCOMPARE(m_fake->requests("POST", u"/orders"_s).size(), 1);
}

void TestAlpacaBroker::wrongCredentialsUnauthorized()
{
    auto b = broker();
    m_fake->setBrokerCredentials({u"PKBROKERKEY0001"_s, u"rotated"_s});
    const auto accounts = take(b->accounts());
    QVERIFY(!accounts.hasValue());
    QCOMPARE(accounts.error().kind, BrokerError::Kind::Unauthorized);
    QCOMPARE(accounts.error().code, 40110000);
    QCOMPARE(m_fake->requests().size(), 1);
}

void TestAlpacaBroker::droppedResponseGivesExactlyOneOrder()
{
    m_fake->injectFault(FakeFault::dropAfterProcess().on("POST", u"/orders"_s));
    auto b = broker(300ms);
    const auto placed = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(1))));
    QVERIFY2(placed.hasValue(), qPrintable(placed.hasValue() ? QString() : placed.error().message));
    QCOMPARE(placed->status, OrderStatus::Filled);
    QCOMPARE(m_fake->book().orderCount(m_alice), 1);
    QCOMPARE(m_fake->requests("POST", u"/orders"_s).size(), 1);
    const auto lookups = m_fake->requests("GET", u"orders:by_client_order_id"_s);
    QCOMPARE(lookups.size(), 1);
    QCOMPARE(lookups.constFirst().query.queryItemValue(u"client_order_id"_s), placed->clientOrderId);
}

void TestAlpacaBroker::serverErrorLooksUpThenResendsWithSameId()
{
    m_fake->injectFault(FakeFault::respond(503).on("POST", u"/orders"_s));
    auto b = broker();
    const auto placed = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(1))));
    QVERIFY(placed.hasValue());
    QCOMPARE(m_fake->book().orderCount(m_alice), 1);
    const auto posts = m_fake->requests("POST", u"/orders"_s);
    QCOMPARE(posts.size(), 2);
    QCOMPARE(posts.at(0).json().value(u"client_order_id"), posts.at(1).json().value(u"client_order_id"));
    QCOMPARE(m_fake->requests("GET", u"orders:by_client_order_id"_s).size(), 1);

    // Every send fails: bounded resends, then the original failure.
    m_fake->injectFault(FakeFault::respond(503, 100).on("POST", u"/orders"_s));
    m_fake->clearRequests();
    const auto failed = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(1))));
    QVERIFY(!failed.hasValue());
    QCOMPARE(failed.error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(m_fake->requests("POST", u"/orders"_s).size(), 3);
    QCOMPARE(m_fake->book().orderCount(m_alice), 1);
}

void TestAlpacaBroker::lookUpFailingLeavesStateUnknown()
{
    m_fake->injectFault(FakeFault::respond(503).on("POST", u"/orders"_s));
    m_fake->injectFault(FakeFault::respond(503, 10).on("GET", u"by_client_order_id"_s));
    auto b = broker();
    const auto result = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(1))));
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().kind, BrokerError::Kind::Unavailable);
    QVERIFY2(result.error().message.contains(u"order state unknown"), qPrintable(result.error().message));
    // No blind resend while the look-up cannot tell whether the order exists.
    QCOMPARE(m_fake->requests("POST", u"/orders"_s).size(), 1);
    QCOMPARE(m_fake->requests("GET", u"by_client_order_id"_s).size(), 4);
}

void TestAlpacaBroker::fakeTimestampsVaryInPrecision()
{
    auto b = broker();
    for (int i = 0; i < 3; ++i)
        QVERIFY(take(b->submitOrder(m_alice, limit(u"AAPL"_s, Decimal(1), Decimal(100)))).hasValue());
    const RestResult raw =
        take(b->rest().send(RestRequest::get(u"/v1/trading/accounts/"_s + m_alice + u"/orders")));
    QVERIFY(raw.hasValue());
    QSet<qsizetype> widths;
    for (const QJsonValue &order : raw->json.array()) {
        const QString created = order.toObject().value(u"created_at").toString();
        const qsizetype dot = created.indexOf(u'.');
        widths.insert(dot < 0 ? 0 : created.size() - dot - 2); // digits between '.' and 'Z'
        QVERIFY(order.toObject().value(u"qty").isString());
    }
    QVERIFY2(widths.size() >= 2, "the fake should emit timestamps of different precision");
}

void TestAlpacaBroker::lookUpAcceptsArray()
{
    OrderRequest r = limit(u"AAPL"_s, Decimal(1), Decimal(100));
    r.clientOrderId = u"arr-1"_s;
    auto b = broker();
    const auto placed = take(b->submitOrder(m_alice, r));
    QVERIFY(placed.hasValue());
    FakeFault f = FakeFault::respond(200);
    f.body = QJsonArray{placed->toJson()};
    m_fake->injectFault(f.on("GET", u"orders:by_client_order_id"_s));
    const auto found = take(b->orderByClientOrderId(m_alice, u"arr-1"_s));
    QVERIFY(found.hasValue());
    QCOMPARE(found->id, placed->id);

    FakeFault empty = FakeFault::respond(200);
    empty.body = QJsonArray{};
    m_fake->injectFault(empty.on("GET", u"orders:by_client_order_id"_s));
    QCOMPARE(take(b->orderByClientOrderId(m_alice, u"arr-1"_s)).error().kind, BrokerError::Kind::NotFound);
}

void TestAlpacaBroker::transferCompletesAndAddsCash()
{
    m_fake->setTransferDelay(50);
    auto b = broker();
    TransferRequest t;
    t.relationshipId = u"11112222-3333-4444-5555-666677778888"_s;
    t.amount = dec("250.75");
    const auto created = take(b->createTransfer(m_alice, t));
    QVERIFY(created.hasValue());
    QCOMPARE(created->status, TransferStatus::Queued);
    QCOMPARE(created->amount, dec("250.75"));
    const QJsonObject body = m_fake->requests("POST", u"/transfers"_s).constFirst().json();
    QCOMPARE(body.value(u"transfer_type"), QJsonValue(u"ach"_s));
    QCOMPARE(body.value(u"amount"), QJsonValue(u"250.75"_s));
    QCOMPARE(body.value(u"direction"), QJsonValue(u"INCOMING"_s));

    QTRY_VERIFY_WITH_TIMEOUT(take(b->transfers(m_alice))->at(0).status == TransferStatus::Complete, 5000);
    QCOMPARE(take(b->account(m_alice))->cash, dec("1250.75"));

    TransferRequest noRelationship;
    noRelationship.amount = Decimal(1);
    QCOMPARE(take(b->createTransfer(m_alice, noRelationship)).error().kind,
             BrokerError::Kind::InvalidRequest);
}

// Alpaca pages the transfer list (limit/offset, by created_at): every page is read, none twice.
void TestAlpacaBroker::transferListIsReadPageByPage()
{
    auto b = broker();
    const int count = 2 * fake::FakeAlpacaBook::kTransferPageSize + 1;
    for (int i = 0; i < count; ++i) {
        TransferRequest t;
        t.relationshipId = u"11112222-3333-4444-5555-666677778888"_s;
        t.amount = Decimal::fromUnits(i + 1);
        QVERIFY(take(b->createTransfer(m_alice, t)));
    }
    m_fake->clearRequests();
    const auto all = take(b->transfers(m_alice));
    QVERIFY(all);
    QCOMPARE(all->size(), count);
    QSet<QString> ids;
    for (const Transfer &t : *all)
        ids.insert(t.id);
    QCOMPARE(ids.size(), count);
    QCOMPARE(all->constLast().amount, Decimal::fromUnits(count));
    const auto gets = m_fake->requests("GET", u"/transfers"_s);
    QCOMPARE(gets.size(), 3);
    QCOMPARE(gets.constLast().query.queryItemValue(u"offset"_s), u"200"_s);
    QCOMPARE(gets.constLast().query.queryItemValue(u"limit"_s),
             QString::number(fake::FakeAlpacaBook::kTransferPageSize));
}

void TestAlpacaBroker::assetsActiveUsEquity()
{
    auto b = broker();
    const auto assets = take(b->assets());
    QVERIFY(assets.hasValue());
    QStringList symbols;
    for (const Asset &a : *assets)
        symbols.append(a.symbol);
    QVERIFY(symbols.contains(u"AAPL"_s));
    QVERIFY(!symbols.contains(u"OLDCO"_s));
    QVERIFY(!symbols.contains(u"BTC/USD"_s));
    const auto query = m_fake->requests("GET", u"/v1/assets"_s).constFirst().query;
    QCOMPARE(query.queryItemValue(u"status"_s), u"active"_s);
    QCOMPARE(query.queryItemValue(u"asset_class"_s), u"us_equity"_s);

    const auto apple = take(b->asset(u"aapl"_s));
    QVERIFY(apple.hasValue());
    QCOMPARE(apple->symbol, u"AAPL"_s);
    QVERIFY(apple->fractionable);
    QCOMPARE(take(b->asset(u"NOPE"_s)).error().kind, BrokerError::Kind::NotFound);
}

void TestAlpacaBroker::malformedAnswerIsDecodeError()
{
    FakeFault f = FakeFault::respond(200);
    f.body = QJsonObject{{u"id"_s, 5}, {u"cash"_s, u"lots"_s}};
    m_fake->injectFault(f.on("GET", u"/account"_s));
    auto b = broker();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unexpected Alpaca answer to account"_s));
    const auto account = take(b->account(m_alice));
    QVERIFY(!account.hasValue());
    QCOMPARE(account.error().kind, BrokerError::Kind::Decode);
}

void TestAlpacaBroker::nonJsonAnswerIsDecodeError()
{
    FakeFault f = FakeFault::respond(200);
    f.rawBody = "<html>maintenance</html>";
    m_fake->injectFault(f.on("GET", u"/positions"_s));
    auto b = broker();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"invalid JSON"_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"failed after 1 attempt"_s));
    const auto positions = take(b->positions(m_alice));
    QVERIFY(!positions.hasValue());
    QCOMPARE(positions.error().kind, BrokerError::Kind::Decode);
}

void TestAlpacaBroker::serverErrorsBecomeUnavailable()
{
    m_fake->injectFault(FakeFault::respond(502, 10));
    auto b = broker();
    const auto account = take(b->account(m_alice));
    QVERIFY(!account.hasValue());
    QCOMPARE(account.error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(account.error().httpStatus, 502);
    QCOMPARE(m_fake->requests().size(), 4);
}

void TestAlpacaBroker::rateLimitedAfterRetries()
{
    m_fake->injectFault(FakeFault::rateLimited(0, 10));
    auto b = broker();
    const auto account = take(b->account(m_alice));
    QVERIFY(!account.hasValue());
    QCOMPARE(account.error().kind, BrokerError::Kind::RateLimited);
    QCOMPARE(account.error().code, 42910000);
}

namespace {

// Payloads written from the examples of the Alpaca reference (§3.4–3.8): decimals as strings, nulls for
// absent optionals, timestamps with 0–9 fractional digits and NY offsets.
const char kReferenceOrder[] =
    R"({"id": "c0ffee00-1234-4abc-9def-0123456789ab", "client_order_id": "app-9f2e7c",
 "created_at": "2026-01-06T14:31:02.51874Z", "updated_at": "2026-01-06T14:31:02.55102Z",
 "submitted_at": "2026-01-06T14:31:02.50922Z", "filled_at": null, "expired_at": null,
 "canceled_at": null, "failed_at": null, "replaced_at": null, "replaced_by": null, "replaces": null,
 "asset_id": "5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c", "symbol": "MSFT", "asset_class": "us_equity",
 "notional": "50", "qty": null, "filled_qty": "0", "filled_avg_price": null,
 "order_class": "simple", "order_type": "market", "type": "market", "side": "buy",
 "position_intent": "buy_to_open", "time_in_force": "day", "limit_price": null, "stop_price": null,
 "status": "accepted", "extended_hours": false, "legs": null, "trail_percent": null,
 "trail_price": null, "hwm": null, "commission": "0"})";

const char kReferencePosition[] =
    R"({"asset_id": "5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c", "symbol": "MSFT", "exchange": "NASDAQ",
 "asset_class": "us_equity", "asset_marginable": true, "qty": "2.5", "qty_available": "2.5",
 "avg_entry_price": "400.00", "side": "long", "market_value": "1025.00", "cost_basis": "1000.00",
 "unrealized_pl": "25.00", "unrealized_plpc": "0.025", "unrealized_intraday_pl": "5.00",
 "unrealized_intraday_plpc": "0.0049", "current_price": "410.00", "lastday_price": "408.00",
 "change_today": "0.0049"})";

const char kReferenceTransfer[] =
    R"({"id": "0e9d8c7b-6a54-4321-8fed-cba987654321", "relationship_id": "11112222-3333-4444-5555-666677778888",
 "account_id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "type": "ach", "status": "QUEUED",
 "reason": null, "amount": "250.00", "requested_amount": "250.00", "fee": "0",
 "fee_payment_method": "invoice", "direction": "INCOMING",
 "created_at": "2026-01-06T16:00:01.20311Z", "updated_at": "2026-01-06T16:00:01.20311Z",
 "expires_at": "2026-01-13T16:00:01.20299Z"})";

// §3.4 fields; the pattern-day-trader fields Alpaca is removing are absent, one count is a bare number.
const char kReferenceTradingAccount[] =
    R"({"id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "account_number": "904112233",
 "status": "ACTIVE", "crypto_status": "INACTIVE", "currency": "USD", "cash": "1032.55",
 "cash_withdrawable": "1000", "buying_power": "1032.55", "regt_buying_power": "1032.55",
 "non_marginable_buying_power": "1032.55", "equity": "2057.55", "last_equity": "2040.1",
 "portfolio_value": "2057.55", "long_market_value": "1025.00", "short_market_value": "0",
 "initial_margin": "0", "maintenance_margin": "0", "sma": "0", "accrued_fees": "0",
 "pending_transfer_in": "250.00", "multiplier": "1", "daytrade_count": 0,
 "trading_blocked": false, "transfers_blocked": false, "account_blocked": false,
 "trade_suspended_by_user": false, "shorting_enabled": false,
 "created_at": "2022-04-19T10:12:30.57117938-04:00", "previous_close": "2026-01-02T16:00:00-05:00",
 "clearing_broker": "VELOX"})";

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

FakeFault answer(const QJsonValue &body)
{
    FakeFault f = FakeFault::respond(200);
    f.body = body;
    return f;
}

} // namespace

void TestAlpacaBroker::referenceOrder()
{
    m_fake->injectFault(answer(parse(kReferenceOrder)).on("GET", u"/orders/"_s));
    auto b = broker();
    const auto order = take(b->order(m_alice, u"c0ffee00-1234-4abc-9def-0123456789ab"_s));
    QVERIFY2(order.hasValue(), qPrintable(order.hasValue() ? QString() : order.error().message));
    QCOMPARE(order->clientOrderId, u"app-9f2e7c"_s);
    QCOMPARE(order->notional, Decimal(50));
    QVERIFY(!order->qty.has_value());
    QCOMPARE(order->filledQty, Decimal());
    QVERIFY(!order->filledAvgPrice.has_value());
    QCOMPARE(order->status, OrderStatus::Accepted);
    QCOMPARE(order->type, OrderType::Market);
    QCOMPARE(order->createdAt.toString(), u"2026-01-06T14:31:02.51874Z"_s);
    QCOMPARE(order->createdAt.nanos() % 1'000'000'000, 518'740'000);
    QVERIFY(!order->filledAt.has_value());
    QCOMPARE(order->commission, Decimal());
    QVERIFY(order->legs.empty());

    // by_client_order_id as the old documentation's array.
    m_fake->injectFault(answer(QJsonArray{parse(kReferenceOrder)}).on("GET", u"by_client_order_id"_s));
    const auto byClient = take(b->orderByClientOrderId(m_alice, u"app-9f2e7c"_s));
    QVERIFY(byClient.hasValue());
    QCOMPARE(*byClient, *order);
}

void TestAlpacaBroker::referencePositionsAndAllPositions()
{
    m_fake->injectFault(answer(QJsonArray{parse(kReferencePosition)}).on("GET", u"/positions"_s));
    const QJsonObject all{
        {u"as_of"_s, u"2026-01-06T15:00:00.1Z"_s},
        {u"positions"_s,
         QJsonObject{{u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s, QJsonArray{parse(kReferencePosition)}},
                     {u"00000000-0000-0000-0000-00000000000e"_s, QJsonArray{}}}}};
    m_fake->injectFault(answer(all).on("GET", u"/v1/accounts/positions"_s));
    auto b = broker();
    const auto positions = take(b->positions(m_alice));
    QVERIFY(positions.hasValue());
    const Position &p = positions->at(0);
    QCOMPARE(p.qty, dec("2.5"));
    QCOMPARE(p.avgEntryPrice, Decimal(400));
    QCOMPARE(p.marketValue, Decimal(1025));
    QCOMPARE(p.unrealizedPlpc, dec("0.025"));
    QCOMPARE(p.changeToday, dec("0.0049"));
    QCOMPARE(p.side, PositionSide::Long);
    QCOMPARE(p.assetMarginable, true);

    const auto byAccount = take(b->allPositions());
    QVERIFY(byAccount.hasValue());
    QCOMPARE(byAccount->size(), 2);
    QCOMPARE(byAccount->positions(u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s)->at(0), p);
    QVERIFY(byAccount->positions(u"00000000-0000-0000-0000-00000000000e"_s)->isEmpty());
}

void TestAlpacaBroker::referenceTransfer()
{
    m_fake->injectFault(answer(QJsonArray{parse(kReferenceTransfer)}).on("GET", u"/transfers"_s));
    auto b = broker();
    const auto transfers = take(b->transfers(m_alice));
    QVERIFY(transfers.hasValue());
    const Transfer &t = transfers->at(0);
    QCOMPARE(t.type, TransferType::Ach);
    QCOMPARE(t.status, TransferStatus::Queued);
    QCOMPARE(t.direction, TransferDirection::Incoming);
    QCOMPARE(t.amount, Decimal(250));
    QCOMPARE(t.fee, Decimal());
    QVERIFY(t.reason.isEmpty());
    QCOMPARE(t.expiresAt->toString(), u"2026-01-13T16:00:01.20299Z"_s);
}

void TestAlpacaBroker::referenceTradingAccount()
{
    m_fake->injectFault(answer(parse(kReferenceTradingAccount)).on("GET", u"/account"_s));
    auto b = broker();
    const auto account = take(b->account(m_alice));
    QVERIFY2(account.hasValue(), qPrintable(account.hasValue() ? QString() : account.error().message));
    QCOMPARE(account->cash, dec("1032.55"));
    QCOMPARE(account->equity, dec("2057.55"));
    QCOMPARE(account->lastEquity, dec("2040.1"));
    QCOMPARE(account->pendingTransferIn, Decimal(250));
    QCOMPARE(account->daytradeCount, 0);
    QVERIFY(!account->patternDayTrader.has_value());
    QCOMPARE(account->cryptoStatus, AccountStatus::Inactive);
    // 10:12:30.57117938 at -04:00 is 14:12:30.57117938 UTC, nanoseconds kept.
    QCOMPARE(account->createdAt.toString(), u"2022-04-19T14:12:30.57117938Z"_s);
    QCOMPARE(account->previousClose->toString(), u"2026-01-02T21:00:00Z"_s);
}

void TestAlpacaBroker::errorMapping_data()
{
    QTest::addColumn<int>("apiKind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("kind");
    using K = BrokerError::Kind;
    using A = ApiError::Kind;
    QTest::addRow("401") << int(A::Http) << 401 << u"request is not authorized"_s << int(K::Unauthorized);
    QTest::addRow("403 buying power")
        << int(A::Http) << 403 << u"insufficient buying power"_s << int(K::InsufficientBuyingPower);
    QTest::addRow("403 qty") << int(A::Http) << 403 << u"insufficient qty available for order"_s
                             << int(K::InsufficientQty);
    QTest::addRow("403 other") << int(A::Http) << 403 << u"new orders are rejected by user request"_s
                               << int(K::Forbidden);
    QTest::addRow("404") << int(A::Http) << 404 << u"order not found"_s << int(K::NotFound);
    QTest::addRow("409") << int(A::Http) << 409 << u"email address already exists"_s << int(K::Conflict);
    QTest::addRow("422 duplicate") << int(A::Http) << 422 << u"client_order_id must be unique"_s
                                   << int(K::DuplicateClientOrderId);
    QTest::addRow("422 fractionable")
        << int(A::Http) << 422 << u"requested asset is not fractionable"_s << int(K::NotTradable);
    QTest::addRow("422 other") << int(A::Http) << 422 << u"qty is required"_s << int(K::InvalidRequest);
    QTest::addRow("400") << int(A::Http) << 400 << u"request body format is invalid"_s
                         << int(K::InvalidRequest);
    QTest::addRow("429") << int(A::Http) << 429 << u"rate limit exceeded"_s << int(K::RateLimited);
    QTest::addRow("500") << int(A::Http) << 500 << QString() << int(K::Unavailable);
    QTest::addRow("503") << int(A::Http) << 503 << QString() << int(K::Unavailable);
    QTest::addRow("timeout") << int(A::Timeout) << 0 << QString() << int(K::Unavailable);
    QTest::addRow("network") << int(A::Network) << 0 << u"Connection refused"_s << int(K::Network);
    QTest::addRow("decode") << int(A::Decode) << 200 << u"invalid JSON"_s << int(K::Decode);
}

void TestAlpacaBroker::errorMapping()
{
    QFETCH(int, apiKind);
    QFETCH(int, status);
    QFETCH(QString, message);
    QFETCH(int, kind);
    ApiError e;
    e.kind = ApiError::Kind(apiKind);
    e.httpStatus = status;
    e.code = 40010001;
    e.message = message;
    const BrokerError b = brokerErrorFrom(e);
    QCOMPARE(int(b.kind), kind);
    QCOMPARE(b.httpStatus, status);
    QCOMPARE(b.code, 40010001);
    QVERIFY(!b.message.isEmpty());
}

QTEST_GUILESS_MAIN(TestAlpacaBroker)
#include "tst_alpacabroker.moc"
