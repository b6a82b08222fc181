#include "core/funding/fundingservice.h"
#include "core/store/brokerageaccountrepository.h"
#include "fakes/rest/fakealpacaevents.h"
#include "fakes/rest/fakealpacarest.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

// Funding over REST with the server on Alpaca's Broker API (the fakes): what Alpaca receives for a bank
// link and a deposit, and the transfer's status following Alpaca's event stream.
class TestServerFundingAlpaca : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FakeAlpacaRest m_rest;
    std::unique_ptr<FakeAlpacaEvents> m_events;
    std::unique_ptr<ServerRoot> m_root;
    test::Http m_http;
    QString m_account;
    QString m_token;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_rest.listen() != 0);
        m_rest.setTransferDelay(60'000); // completed by the test
        const auto credentials = m_rest.brokerCredentials();
        m_events = std::make_unique<FakeAlpacaEvents>(credentials.keyId, credentials.secret);
        QVERIFY(m_events->listen() != 0);
        m_account = m_rest.seedAccount(Decimal::fromUnits(500));

        m_root = test::startAlpacaServer(
            m_dir.path(), {.brokerUrl = m_rest.baseUrl(),
                           .keyId = credentials.keyId,
                           .secret = credentials.secret,
                           .arguments = {u"--alpaca-broker-events-url"_s, m_events->baseUrl().toString()}});
        QVERIFY(m_root);
        QVERIFY(m_root->funding());
        QTRY_VERIFY(m_root->funding()->isReady());
        m_http.setPort(m_root->restPort());

        const auto user = m_root->users().create(u"pat@example.com"_s, u"$argon2id$unused"_s, u"user"_s,
                                                 QDateTime::currentDateTimeUtc());
        QVERIFY(user);
        QVERIFY(m_root->brokerageAccounts().add(user->id, m_account, u"alpaca"_s,
                                                QDateTime::currentDateTimeUtc()));
        m_token = test::tokenFor(*m_root, user->id, Role::User);
        QTRY_VERIFY_WITH_TIMEOUT(m_events->clientCount() >= 2, 10000);
    }

    void cleanupTestCase()
    {
        m_root.reset();
        m_events.reset();
    }

    void linkAndDepositOverTheBrokerApi()
    {
        const QString base = u"/api/v1/accounts/%1"_s.arg(m_account);
        QCOMPARE(m_http.get(base + u"/positions"_s, m_token).status, 200);
        const auto linked = m_http.post(base + u"/bank-links"_s,
                                        {{u"account_owner_name"_s, u"Pat Lee"_s},
                                         {u"bank_account_type"_s, u"savings"_s},
                                         {u"bank_account_number"_s, u"5550001234"_s},
                                         {u"bank_routing_number"_s, u"021000021"_s}},
                                        m_token);
        QCOMPARE(linked.status, 201);
        QCOMPARE(linked.body[u"account_last4"_s].toString(), u"1234"_s);
        const auto achPosts = m_rest.requests("POST", u"/ach_relationships"_s);
        QCOMPARE(achPosts.size(), 1);
        QCOMPARE(achPosts.first().json(), (QJsonObject{{u"account_owner_name"_s, u"Pat Lee"_s},
                                                       {u"bank_account_type"_s, u"SAVINGS"_s},
                                                       {u"bank_account_number"_s, u"5550001234"_s},
                                                       {u"bank_routing_number"_s, u"021000021"_s}}));
        QTRY_COMPARE(
            m_http.get(base + u"/bank-links"_s, m_token).body.array().first()[u"status"_s].toString(),
            u"APPROVED"_s);

        const auto created = m_http.post(base + u"/transfers"_s,
                                         {{u"link_id"_s, linked.body[u"id"_s].toString()},
                                          {u"direction"_s, u"INCOMING"_s},
                                          {u"amount"_s, u"1500.25"_s},
                                          {u"idempotency_key"_s, u"pat-1"_s}},
                                         m_token);
        QCOMPARE(created.status, 201);
        const auto posts = m_rest.requests("POST", u"/transfers"_s);
        QCOMPARE(posts.size(), 1);
        QCOMPARE(posts.first().json().value(u"amount"_s).toString(), u"1500.25"_s);
        const auto link = m_root->funding()->linkStore().byId(m_account, linked.body[u"id"_s].toString());
        QVERIFY(link && link->has_value());
        QCOMPARE(posts.first().json().value(u"relationship_id"_s).toString(), (*link)->relationshipId);
        const QString brokerId = created.body[u"broker_transfer_id"_s].toString();
        QVERIFY(!brokerId.isEmpty());

        // Alpaca settles it and says so on its event stream; the stored status follows without a read.
        QSignalSpy updated(m_root->funding(), &FundingService::transferUpdated);
        m_rest.book().completeTransfer(m_account, brokerId);
        m_events->publish(u"/v1/events/transfers/status"_s, {{u"account_id"_s, m_account},
                                                             {u"transfer_id"_s, brokerId},
                                                             {u"status_from"_s, u"QUEUED"_s},
                                                             {u"status_to"_s, u"COMPLETE"_s},
                                                             {u"at"_s, u"2026-01-06T16:00:05Z"_s}});
        QVERIFY(updated.wait(5000));
        QCOMPARE(m_http.get(base + u"/transfers"_s, m_token).body.array().first()[u"status"_s].toString(),
                 u"COMPLETE"_s);
        QCOMPARE(m_rest.book().cash(m_account), Decimal::parse(u"2000.25"_s).value());
    }
};

QTEST_GUILESS_MAIN(TestServerFundingAlpaca)
#include "tst_server_funding_alpaca.moc"
