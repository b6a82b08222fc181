#include "core/broker/simbroker.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/scratchdatabase.h"
#include "core/trading/orderservice.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

// The account-data routes over real sockets on an in-process demo server with the embedded SimBroker,
// on SQLite and (under pg_virtualenv) PostgreSQL: activities (trades and settled deposits, filters,
// paging), portfolio history (points from the broker's recorded equity, validation), the company
// profile of an asset with the feed's price, and who may read which account.
class TestServerAccountData : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    test::HttpResult activities(const QString &query = {}, const QString &as = u"demo-alice"_s,
                                const QString &account = {})
    {
        return m_http.get(
            u"/api/v1/accounts/%1/activities%2"_s.arg(account.isEmpty() ? m_alice : account, query),
            token(as, as == u"demo-operator" ? Role::Operator : Role::User));
    }

    test::HttpResult history(const QString &query = {}, const QString &as = u"demo-alice"_s,
                             const QString &account = {})
    {
        return m_http.get(
            u"/api/v1/accounts/%1/history%2"_s.arg(account.isEmpty() ? m_alice : account, query),
            token(as, as == u"demo-operator" ? Role::Operator : Role::User));
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->orders()->isReady());
        m_root->simBroker()->setSettleDelayMs(0);
    }

    void cleanup() { stopServer(); }

    void tradesAndDepositsAreActivities()
    {
        const auto placed = m_http.post(u"/api/v1/accounts/%1/orders"_s.arg(m_alice),
                                        {{u"symbol"_s, u"MSFT"_s}, {u"side"_s, u"buy"_s}, {u"qty"_s, u"2"_s}},
                                        token(u"demo-alice"_s));
        QCOMPARE(placed.status, 201);
        const QString orderId = placed.body[u"id"_s].toString();
        TransferRequest deposit;
        deposit.amount = *Decimal::parse(u"250.50");
        deposit.direction = TransferDirection::Incoming;
        QVERIFY(test::ready(m_root->broker()->createTransfer(m_alice, deposit)).id.size() > 0);
        QTRY_COMPARE(test::ready(m_root->broker()->transfers(m_alice)).constLast().status,
                     TransferStatus::Complete);

        const auto all = activities();
        QCOMPARE(all.status, 200);
        const QJsonArray list = all.body[u"activities"_s].toArray();
        QVERIFY(list.size() >= 2);
        // Newest first: the deposit, then this order's fill.
        QCOMPARE(list.at(0)[u"activity_type"_s].toString(), u"CSD"_s);
        QCOMPARE(list.at(0)[u"net_amount"_s].toString(), u"250.5"_s);
        QCOMPARE(list.at(0)[u"status"_s].toString(), u"executed"_s);
        QCOMPARE(list.at(1)[u"activity_type"_s].toString(), u"FILL"_s);
        QCOMPARE(list.at(1)[u"order_id"_s].toString(), orderId);
        QCOMPARE(list.at(1)[u"qty"_s].toString(), u"2"_s);
        QCOMPARE(list.at(1)[u"side"_s].toString(), u"buy"_s);
        QCOMPARE(list.at(1)[u"price"_s].toString(), placed.body[u"filled_avg_price"_s].toString());
        for (const QJsonValue &a : list)
            QCOMPARE(a[u"account_id"_s].toString(), m_alice);

        const auto deposits = activities(u"?activity_types=CSD,CSW"_s);
        QCOMPARE(deposits.body[u"activities"_s].toArray().size(), 1);
        QVERIFY(deposits.body[u"next_page_token"_s].isNull());
        const auto fills = activities(u"?activity_types=fill&direction=asc"_s);
        const QJsonArray fillList = fills.body[u"activities"_s].toArray();
        QCOMPARE(fillList.size(), list.size() - 1);
        QCOMPARE(fillList.last()[u"order_id"_s].toString(), orderId);
    }

    void pagesFollowTheToken()
    {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_http
                         .post(u"/api/v1/accounts/%1/orders"_s.arg(m_alice),
                               {{u"symbol"_s, u"AAPL"_s}, {u"side"_s, u"buy"_s}, {u"qty"_s, u"1"_s}},
                               token(u"demo-alice"_s))
                         .status,
                     201);
        const int total = activities().body[u"activities"_s].toArray().size();
        QVERIFY(total >= 3);
        QStringList ids;
        QString next;
        for (int page = 0; page <= total; ++page) {
            const auto r =
                activities(u"?page_size=2"_s + (next.isEmpty() ? QString() : u"&page_token="_s + next));
            QCOMPARE(r.status, 200);
            const QJsonArray items = r.body[u"activities"_s].toArray();
            QVERIFY(items.size() <= 2);
            for (const QJsonValue &a : items)
                ids.append(a[u"id"_s].toString());
            if (r.body[u"next_page_token"_s].isNull())
                break;
            next = r.body[u"next_page_token"_s].toString();
            QCOMPARE(next, ids.constLast());
        }
        QCOMPARE(ids.size(), total);
        QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), total);
    }

    void activityQueriesAreValidated_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addRow("page size 0") << u"?page_size=0"_s;
        QTest::addRow("page size 101") << u"?page_size=101"_s;
        QTest::addRow("page size text") << u"?page_size=ten"_s;
        QTest::addRow("bad date") << u"?date=2026-13-01"_s;
        QTest::addRow("date with after") << u"?date=2026-03-02&after=2026-03-01T00:00:00Z"_s;
        QTest::addRow("after later than until")
            << u"?after=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z"_s;
        QTest::addRow("bad instant") << u"?until=yesterday"_s;
        QTest::addRow("bad direction") << u"?direction=sideways"_s;
        QTest::addRow("bad type") << u"?activity_types=FILL,C5D"_s;
    }

    void activityQueriesAreValidated()
    {
        QFETCH(QString, query);
        verifyError(activities(query), 400, u"invalid_query"_s);
    }

    void historyFollowsTheAccountsEquity()
    {
        const auto placed = m_http.post(u"/api/v1/accounts/%1/orders"_s.arg(m_alice),
                                        {{u"symbol"_s, u"AAPL"_s}, {u"side"_s, u"buy"_s}, {u"qty"_s, u"1"_s}},
                                        token(u"demo-alice"_s));
        QCOMPARE(placed.status, 201);
        const auto h = history(u"?period=1D&timeframe=1Min"_s);
        QCOMPARE(h.status, 200);
        QCOMPARE(h.body[u"timeframe"_s].toString(), u"1Min"_s);
        const QJsonArray points = h.body[u"points"_s].toArray();
        QVERIFY(!points.isEmpty());
        // The account was created by the demo seeder moments ago: no point can be older than that.
        const Account account = test::ready(m_root->broker()->account(m_alice));
        const Timestamp first = *Timestamp::parse(points.first()[u"timestamp"_s].toString());
        QVERIFY(first.nanos() > account.createdAt.nanos() - 60'000'000'000LL);
        QCOMPARE(points.last()[u"equity"_s].toString(), account.equity.toString());
        QVERIFY(points.last()[u"profit_loss"_s].isString());
        QCOMPARE(h.body[u"base_value"_s].toString(), points.first()[u"equity"_s].toString());

        const auto daily = history(u"?period=1W&timeframe=1D"_s);
        QCOMPARE(daily.status, 200);
        QCOMPARE(daily.body[u"points"_s].toArray().size(), 1);
        QCOMPARE(daily.body[u"points"_s].toArray().last()[u"equity"_s].toString(), account.equity.toString());
        // Before the account existed there is nothing to show.
        const auto before = history(u"?start=2020-01-01T00:00:00Z&end=2020-01-05T00:00:00Z&timeframe=1D"_s);
        QCOMPARE(before.status, 200);
        QVERIFY(before.body[u"points"_s].toArray().isEmpty());
        QVERIFY(before.body[u"base_value"_s].isNull());
    }

    void historyQueriesAreValidated_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addRow("bad period") << u"?period=3X"_s;
        QTest::addRow("bad timeframe") << u"?timeframe=2H"_s;
        QTest::addRow("intraday over 30 days") << u"?period=2M&timeframe=1Min"_s;
        QTest::addRow("extended hours with 1D") << u"?timeframe=1D&extended_hours=true"_s;
        QTest::addRow("extended hours not a boolean") << u"?extended_hours=yes"_s;
        QTest::addRow("start after end") << u"?start=2026-03-02T00:00:00Z&end=2026-03-01T00:00:00Z"_s;
        QTest::addRow("three of start, end, period")
            << u"?period=1W&start=2026-03-01T00:00:00Z&end=2026-03-02T00:00:00Z"_s;
        QTest::addRow("bad start") << u"?start=monday"_s;
        QTest::addRow("bad reporting") << u"?intraday_reporting=sometimes"_s;
        QTest::addRow("intraday start only, 60 days") << u"?timeframe=1H&start=2020-01-01T00:00:00Z"_s;
    }

    void historyQueriesAreValidated()
    {
        QFETCH(QString, query);
        verifyError(history(query), 400, u"invalid_query"_s);
    }

    void usersReadOnlyTheirOwnAccounts()
    {
        verifyError(activities({}, u"demo-bob"_s), 404, u"account_not_found"_s);
        verifyError(history({}, u"demo-bob"_s), 404, u"account_not_found"_s);
        verifyError(activities({}, u"demo-alice"_s, u"no-such-account"_s), 404, u"account_not_found"_s);
        QCOMPARE(activities({}, u"demo-bob"_s, m_bob).status, 200);
        for (const QJsonValue &a : activities({}, u"demo-bob"_s, m_bob).body[u"activities"_s].toArray())
            QCOMPARE(a[u"account_id"_s].toString(), m_bob);
        // An operator reads any account.
        QCOMPARE(activities({}, u"demo-operator"_s).status, 200);
        QCOMPARE(history({}, u"demo-operator"_s).status, 200);
        verifyError(m_http.get(u"/api/v1/accounts/%1/history"_s.arg(m_alice)), 401, u"unauthorized"_s);
    }

    void assetProfile()
    {
        const auto r = m_http.get(u"/api/v1/assets/aapl"_s, token(u"demo-alice"_s));
        QCOMPARE(r.status, 200);
        const QJsonObject a = r.body.object();
        QCOMPARE(a[u"symbol"_s].toString(), u"AAPL"_s);
        QCOMPARE(a[u"name"_s].toString(), u"Apple Inc."_s);
        QCOMPARE(a[u"exchange"_s].toString(), u"NASDAQ"_s);
        QCOMPARE(a[u"class"_s].toString(), u"us_equity"_s);
        QCOMPARE(a[u"type"_s].toString(), u"stock"_s);
        QVERIFY(!a[u"sector"_s].toString().isEmpty());
        for (const QString &flag :
             {u"tradable"_s, u"fractionable"_s, u"shortable"_s, u"marginable"_s, u"easy_to_borrow"_s})
            QVERIFY2(a[flag].isBool(), qPrintable(flag));
        const auto price = m_root->simFeed()->lastPrice(u"AAPL"_s);
        QVERIFY(price);
        QCOMPARE(a[u"last_price"_s].toString(), price->toString());

        verifyError(m_http.get(u"/api/v1/assets/NOPE1"_s, token(u"demo-alice"_s)), 404, u"asset_not_found"_s);
        verifyError(m_http.get(u"/api/v1/assets/A$B"_s, token(u"demo-alice"_s)), 400, u"invalid_symbol"_s);
        verifyError(m_http.get(u"/api/v1/assets/AAPL"_s), 401, u"unauthorized"_s);
    }
};

QTEST_GUILESS_MAIN(TestServerAccountData)
#include "tst_server_accountdata.moc"
