#include "core/broker/alpacatrading.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

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

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("broker call did not finish");
    return f.result();
}

} // namespace

class TestAlpacaTrading : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void accountsIsTheOwnAccount();
    void ordersAndPositionsUnderV2();
    void notionalOrderBody();
    void droppedResponseGivesExactlyOneOrder();
    void generatedIdDuplicateMeansOurOrder();
    void transfersNeedBrokerApi();
    void otherAccountIdsRejected();
    void assetsUnderV2();
    void wrongKeysUnauthorized();

private:
    [[nodiscard]] std::unique_ptr<AlpacaTrading> trading(std::chrono::milliseconds timeout = 3000ms) const;

    std::unique_ptr<FakeAlpacaRest> m_fake;
    QString m_own;
};

std::unique_ptr<AlpacaTrading> TestAlpacaTrading::trading(std::chrono::milliseconds timeout) const
{
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    o.keyId = m_fake->tradingCredentials().keyId;
    o.secret = m_fake->tradingCredentials().secret;
    o.timeout = timeout;
    o.retry.baseDelay = 10ms;
    o.retry.maxDelay = 40ms;
    return std::make_unique<AlpacaTrading>(o);
}

void TestAlpacaTrading::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    m_own = m_fake->seedAccount(Decimal(5000));
    m_fake->seedAccount(Decimal(1)); // someone else's, never visible through /v2
}

void TestAlpacaTrading::cleanup()
{
    m_fake.reset();
}

void TestAlpacaTrading::accountsIsTheOwnAccount()
{
    auto t = trading();
    QCOMPARE(t->name(), u"alpaca-trading"_s);
    const auto accounts = take(t->accounts());
    QVERIFY(accounts.hasValue());
    QCOMPARE(accounts->size(), 1);
    QCOMPARE(accounts->at(0).id, m_own);
    QCOMPARE(accounts->at(0).cash, Decimal(5000));
    const auto request = m_fake->requests().constFirst();
    QCOMPARE(request.path, u"/v2/account"_s);
    QCOMPARE(request.header("APCA-API-KEY-ID"), QByteArray("PKTRADINGKEY001"));
    QCOMPARE(request.header("APCA-API-SECRET-KEY"), QByteArray("trading-secret-0001"));
    QVERIFY(request.header("Authorization").isEmpty());
}

void TestAlpacaTrading::ordersAndPositionsUnderV2()
{
    auto t = trading();
    const auto placed = take(t->submitOrder(m_own, market(u"SPY"_s, Decimal(2))));
    QVERIFY(placed.hasValue());
    QCOMPARE(placed->status, OrderStatus::Filled);
    QCOMPARE(m_fake->requests("POST", {}).constFirst().path, u"/v2/orders"_s);

    const auto positions = take(t->positions(m_own));
    QVERIFY(positions.hasValue());
    QCOMPARE(positions->size(), 1);
    QCOMPARE(positions->at(0).marketValue, Decimal(1025));
    QCOMPARE(m_fake->requests("GET", u"/positions"_s).constFirst().path, u"/v2/positions"_s);

    const auto all = take(t->allPositions());
    QVERIFY(all.hasValue());
    QCOMPARE(all->accountIds(), QList<QString>{m_own});

    const auto byId = take(t->order(m_own, placed->id));
    QVERIFY(byId.hasValue());
    QCOMPARE(byId->filledQty, Decimal(2));
    const auto byClient = take(t->orderByClientOrderId(m_own, placed->clientOrderId));
    QVERIFY(byClient.hasValue());
    QCOMPARE(byClient->id, placed->id);
    QCOMPARE(m_fake->requests("GET", u"orders:by_client_order_id"_s).constFirst().path,
             u"/v2/orders:by_client_order_id"_s);

    const auto sold = take(t->submitOrder(m_own, market(u"SPY"_s, Decimal(2), OrderSide::Sell)));
    QVERIFY(sold.hasValue());
    QCOMPARE(take(t->account(m_own))->cash, Decimal(5000));
    QVERIFY(take(t->positions(m_own))->isEmpty());
}

void TestAlpacaTrading::notionalOrderBody()
{
    auto t = trading();
    OrderRequest r;
    r.symbol = u"AAPL"_s;
    r.notional = dec("50");
    const auto placed = take(t->submitOrder(m_own, r));
    QVERIFY(placed.hasValue());
    const QJsonObject body = m_fake->requests("POST", u"/v2/orders"_s).constFirst().json();
    QCOMPARE(body.value(u"notional"), QJsonValue(u"50"_s));
    QVERIFY(!body.contains(u"qty"));
    QCOMPARE(placed->notional, Decimal(50));
    QVERIFY(!placed->qty.has_value());
    QCOMPARE(placed->filledQty, dec("0.266937162")); // 50 / 187.31 = 0.2669371629…, truncated to 9 places
}

void TestAlpacaTrading::droppedResponseGivesExactlyOneOrder()
{
    m_fake->injectFault(FakeFault::dropAfterProcess().on("POST", u"/v2/orders"_s));
    auto t = trading(300ms);
    const auto placed = take(t->submitOrder(m_own, market(u"AAPL"_s, Decimal(1))));
    QVERIFY(placed.hasValue());
    QCOMPARE(m_fake->book().orderCount(m_own), 1);
    QCOMPARE(m_fake->requests("POST", u"/v2/orders"_s).size(), 1);
}

void TestAlpacaTrading::generatedIdDuplicateMeansOurOrder()
{
    // The request was processed but its answer lost, and the transport resent it: Alpaca answers the
    // resend with "client_order_id must be unique". With an id we generated, that order is ours.
    auto t = trading();
    FakeFault duplicate = FakeFault::respond(422);
    duplicate.body = QJsonObject{{u"code"_s, 40010001}, {u"message"_s, u"client_order_id must be unique"_s}};
    m_fake->injectFault(duplicate.on("POST", u"/v2/orders"_s));
    const auto lost = take(t->submitOrder(m_own, market(u"AAPL"_s, Decimal(1))));
    QVERIFY(!lost.hasValue()); // nothing was placed, so the look-up finds nothing
    QCOMPARE(lost.error().kind, BrokerError::Kind::DuplicateClientOrderId);
    QCOMPARE(m_fake->requests("GET", u"orders:by_client_order_id"_s).size(), 1);
    QCOMPARE(m_fake->book().orderCount(m_own), 0);
}

void TestAlpacaTrading::otherAccountIdsRejected()
{
    auto t = trading();
    QVERIFY(take(t->accounts()).hasValue());
    m_fake->clearRequests();
    const QString other = u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s;
    QCOMPARE(take(t->positions(other)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(take(t->account(other)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(take(t->submitOrder(other, market(u"AAPL"_s, Decimal(1)))).error().kind,
             BrokerError::Kind::NotFound);
    QVERIFY(m_fake->requests().isEmpty());
    QVERIFY(take(t->positions(m_own)).hasValue());
    QVERIFY(take(t->positions(QString())).hasValue());
}

void TestAlpacaTrading::transfersNeedBrokerApi()
{
    auto t = trading();
    const auto list = take(t->transfers(m_own));
    QVERIFY(!list.hasValue());
    QCOMPARE(list.error().kind, BrokerError::Kind::InvalidRequest);
    TransferRequest r;
    r.amount = Decimal(10);
    QCOMPARE(take(t->createTransfer(m_own, r)).error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(m_fake->requests().isEmpty());
}

void TestAlpacaTrading::assetsUnderV2()
{
    auto t = trading();
    const auto assets = take(t->assets());
    QVERIFY(assets.hasValue());
    QVERIFY(!assets->isEmpty());
    QCOMPARE(m_fake->requests().constFirst().path, u"/v2/assets"_s);
    const auto msft = take(t->asset(u"MSFT"_s));
    QVERIFY(msft.hasValue());
    QCOMPARE(msft->exchange, u"NASDAQ"_s);
}

void TestAlpacaTrading::wrongKeysUnauthorized()
{
    auto t = trading();
    m_fake->setTradingCredentials({u"PKTRADINGKEY001"_s, u"rotated"_s});
    const auto accounts = take(t->accounts());
    QVERIFY(!accounts.hasValue());
    QCOMPARE(accounts.error().kind, BrokerError::Kind::Unauthorized);
    QCOMPARE(accounts.error().message, u"request is not authorized"_s);
}

QTEST_GUILESS_MAIN(TestAlpacaTrading)
#include "tst_alpacatrading.moc"
