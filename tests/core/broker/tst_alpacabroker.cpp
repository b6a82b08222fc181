#include "core/broker/alpacabroker.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QJsonArray>
#include <QRegularExpression>
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

template<typename T>
T take(const QFuture<T> &f)
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
    void positionsAndAllPositions();
    void orderWireBody();
    void limitOrderListCancel();
    void duplicateClientOrderIdEvenAfterCancel();
    void orderErrors_data();
    void orderErrors();
    void wrongCredentialsUnauthorized();
    void droppedResponseGivesExactlyOneOrder();
    void serverErrorLooksUpThenResendsWithSameId();
    void lookUpAcceptsArray();
    void transferCompletesAndAddsCash();
    void assetsActiveUsEquity();
    void malformedAnswerIsDecodeError();
    void nonJsonAnswerIsDecodeError();
    void serverErrorsBecomeUnavailable();
    void rateLimitedAfterRetries();

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
    const auto placed = take(b->submitOrder(m_alice, market(u"AAPL"_s, Decimal(2))));
    QVERIFY(placed.hasValue());
    QCOMPARE(placed->status, OrderStatus::Filled);
    QCOMPARE(placed->filledAvgPrice, dec("187.31"));
    const auto account = take(b->account(m_alice));
    QVERIFY(account.hasValue());
    QCOMPARE(account->cash, dec("625.38"));
    QCOMPARE(account->equity, Decimal(1000));
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
    QCOMPARE(all->value(m_bob).at(0).symbol, u"MSFT"_s);
    QCOMPARE(all->value(m_bob).at(0).qty, Decimal(3));
    QCOMPARE(m_fake->requests("GET", u"/v1/accounts/positions"_s).size(), 1);
}

void TestAlpacaBroker::orderWireBody()
{
    auto b = broker();
    OrderRequest r = limit(u"MSFT"_s, dec("0.5"), dec("400.25"));
    const auto placed = take(b->submitOrder(m_alice, r));
    QVERIFY(placed.hasValue());
    const auto post = m_fake->requests("POST", u"/v1/trading/accounts/"_s + m_alice + u"/orders").constFirst();
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
    QTest::addRow("not fractionable") << market(u"BRK.A"_s, dec("0.001")) << int(K::NotTradable) << 422
                                      << qint64(40010001);
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
    QCOMPARE(take(b->createTransfer(m_alice, noRelationship)).error().kind, BrokerError::Kind::InvalidRequest);
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

QTEST_GUILESS_MAIN(TestAlpacaBroker)
#include "tst_alpacabroker.moc"
