#include "alpacamarketfakes.h"
#include "core/marketdata/marketfeed.h"
#include "core/store/brokerageaccountrepository.h"
#include "fakes/rest/fakeaccountdata.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

namespace {

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

} // namespace

// The account-data routes of clera-server on Alpaca's Broker API, played by the local fakes: activities
// and portfolio history come from the broker (the fake's FakeAccountData) through AlpacaBroker, the
// company profile from the broker's asset list, with no price where the market-data feed has none.
class TestServerAccountDataAlpaca : public QObject, protected test::AlpacaMarketFakes
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;
    test::Http m_http;
    QString m_account;
    QString m_owner;
    QString m_stranger;

    [[nodiscard]] QString token(const QString &userId) const
    {
        return test::tokenFor(*m_root, userId, Role::User);
    }

    [[nodiscard]] QString createUser(const QString &email) const
    {
        const auto user =
            m_root->users().create(email, u"$argon2id$unused"_s, u"user"_s, QDateTime::currentDateTimeUtc());
        return user ? user->id : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(listenFakes());
        m_data.setSnapshot(u"AAPL"_s, dec("200.5"), dec("195"));

        // A Friday afternoon in New York, so the fake's sessions are deterministic.
        m_rest.accountData().setNow(
            Timestamp::fromDateTime(QDateTime(QDate(2026, 3, 6), QTime(20, 0), Qt::UTC)));
        m_account = m_rest.seedAccount(dec("10000"));
        m_rest.book().setLastPrice(u"AAPL"_s, dec("200"));
        for (const QString &qty : {u"3"_s, u"2"_s}) {
            const auto reply =
                m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, u"AAPL"_s},
                                                                 {u"qty"_s, qty},
                                                                 {u"side"_s, u"buy"_s},
                                                                 {u"type"_s, u"market"_s},
                                                                 {u"time_in_force"_s, u"day"_s}});
            QCOMPARE(reply.status, 200);
        }
        const auto transfer =
            m_rest.book().createTransfer(m_account, QJsonObject{{u"transfer_type"_s, u"ach"_s},
                                                                {u"relationship_id"_s, u"rel-1"_s},
                                                                {u"amount"_s, u"125.75"_s},
                                                                {u"direction"_s, u"INCOMING"_s}});
        QVERIFY2(transfer.status == 200, qPrintable(QString::number(transfer.status)));
        m_rest.book().completeTransfer(m_account, transfer.body.toObject().value(u"id"_s).toString());
        QCOMPARE(m_rest.accountData().activitiesOf(m_account).size(), 3);

        m_root = test::startAlpacaServer(m_dir.path(), alpacaServer());
        QVERIFY(m_root);
        m_http.setPort(m_root->restPort());
        m_owner = createUser(u"owner@example.com"_s);
        m_stranger = createUser(u"stranger@example.com"_s);
        QVERIFY(!m_owner.isEmpty() && !m_stranger.isEmpty());
        QVERIFY(m_root->brokerageAccounts().add(m_owner, m_account, u"alpaca"_s,
                                                QDateTime::currentDateTimeUtc()));
    }

    void cleanupTestCase()
    {
        m_root.reset();
        m_stream.reset();
    }

    void activitiesComeFromTheBroker()
    {
        QList<Activity> upstream = m_rest.accountData().activitiesOf(m_account);
        std::reverse(upstream.begin(), upstream.end()); // newest first, as asked
        m_rest.clearRequests();
        const auto r = m_http.get(u"/api/v1/accounts/%1/activities"_s.arg(m_account), token(m_owner));
        QCOMPARE(r.status, 200);
        const QJsonArray list = r.body[u"activities"_s].toArray();
        QCOMPARE(list.size(), upstream.size());
        for (qsizetype i = 0; i < upstream.size(); ++i) {
            QCOMPARE(list.at(i)[u"id"_s].toString(), upstream.at(i).id);
            QCOMPARE(list.at(i)[u"activity_type"_s].toString(), upstream.at(i).activityTypeWire);
        }
        // The live valuation reads today's fills too (`activity_types=FILL`, whenever it reloads): only the
        // listing of every type is this request's.
        auto sent = m_rest.requests("GET", u"/v1/accounts/activities"_s);
        sent.removeIf([](const auto &request) { return request.query.hasQueryItem(u"activity_types"_s); });
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().query.queryItemValue(u"account_id"_s), m_account);
        QCOMPARE(sent.first().query.queryItemValue(u"page_size"_s), u"50"_s);

        // One page at a time, the token passed through to Alpaca.
        const auto first =
            m_http.get(u"/api/v1/accounts/%1/activities?page_size=1"_s.arg(m_account), token(m_owner));
        QCOMPARE(first.body[u"activities"_s].toArray().size(), 1);
        const QString next = first.body[u"next_page_token"_s].toString();
        QCOMPARE(next, upstream.at(0).id);
        const auto second = m_http.get(u"/api/v1/accounts/%1/activities?page_size=1&page_token=%2"_s.arg(
                                           m_account, QString::fromLatin1(QUrl::toPercentEncoding(next))),
                                       token(m_owner));
        QCOMPARE(second.status, 200);
        QCOMPARE(second.body[u"activities"_s].toArray().at(0)[u"id"_s].toString(), upstream.at(1).id);

        const auto deposits =
            m_http.get(u"/api/v1/accounts/%1/activities?activity_types=CSD"_s.arg(m_account), token(m_owner));
        const QJsonArray cash = deposits.body[u"activities"_s].toArray();
        QCOMPARE(cash.size(), 1);
        QCOMPARE(cash.at(0)[u"net_amount"_s].toString(), u"125.75"_s);
    }

    void historyComesFromTheBroker()
    {
        m_rest.clearRequests();
        const auto r = m_http.get(u"/api/v1/accounts/%1/history?period=1W&timeframe=1D"_s.arg(m_account),
                                  token(m_owner));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body[u"timeframe"_s].toString(), u"1D"_s);
        const QJsonArray points = r.body[u"points"_s].toArray();
        QCOMPARE(points.size(), 6); // the sessions from Friday 27 February to Friday 6 March
        auto fetched = m_root->broker()->account(m_account);
        QTRY_VERIFY(fetched.isFinished());
        QVERIFY(fetched.result());
        const Account account = *fetched.result();
        QCOMPARE(points.last()[u"equity"_s].toString(), account.equity.toString());
        QVERIFY(r.body[u"base_value"_s].isString());
        const auto sent = m_rest.requests("GET", u"/portfolio/history"_s);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().path, u"/v1/trading/accounts/%1/account/portfolio/history"_s.arg(m_account));
        QCOMPARE(sent.first().query.queryItemValue(u"period"_s), u"1W"_s);

        // Refused before Alpaca sees it.
        m_rest.clearRequests();
        const auto bad = m_http.get(u"/api/v1/accounts/%1/history?period=2M&timeframe=5Min"_s.arg(m_account),
                                    token(m_owner));
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.errorCode(), u"invalid_query"_s);
        QVERIFY(m_rest.requests("GET", u"/portfolio/history"_s).isEmpty());
    }

    void anotherUserSeesNothing()
    {
        m_rest.clearRequests();
        for (const QString &route : {u"activities"_s, u"history"_s}) {
            const auto r = m_http.get(u"/api/v1/accounts/%1/%2"_s.arg(m_account, route), token(m_stranger));
            QCOMPARE(r.status, 404);
            QCOMPARE(r.errorCode(), u"account_not_found"_s);
        }
        QVERIFY(m_rest.requests().isEmpty()); // refused before the broker is asked
    }

    void assetProfileWithoutAPrice()
    {
        QVERIFY(!m_root->feed()->lastPrice(u"SPY"_s)); // nothing streamed for it
        const auto r = m_http.get(u"/api/v1/assets/spy"_s, token(m_owner));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body[u"symbol"_s].toString(), u"SPY"_s);
        QCOMPARE(r.body[u"name"_s].toString(), u"SPDR S&P 500 ETF Trust"_s);
        QCOMPARE(r.body[u"exchange"_s].toString(), u"ARCA"_s);
        QVERIFY(r.body[u"last_price"_s].isNull());
        QVERIFY(r.body[u"previous_close"_s].isNull());
        const auto missing = m_http.get(u"/api/v1/assets/NOPE"_s, token(m_owner));
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.errorCode(), u"asset_not_found"_s);
    }
};

QTEST_GUILESS_MAIN(TestServerAccountDataAlpaca)
#include "tst_server_accountdata_alpaca.moc"
