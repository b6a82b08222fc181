#include "core/broker/alpacabroker.h"
#include "core/funding/alpacafundinggateway.h"
#include "core/funding/fundingservice.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "fakes/rest/fakealpacaevents.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaEvents;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

namespace {

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("funding call did not finish");
    return f.result();
}

} // namespace

// FundingService over Alpaca's Broker API, against the fake that speaks it: the ACH relationship and
// transfer bodies Alpaca receives, Plaid tokens, status sync, and a transfer whose answer is lost.
class TestFundingAlpaca : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<FakeAlpacaRest> m_fake;
    std::unique_ptr<AlpacaBroker> m_broker;
    std::unique_ptr<AlpacaFundingGateway> m_gateway;
    std::unique_ptr<FundingService> m_service;
    QString m_account;
    const FundingOrigin m_user{u"user-7"_s, u"203.0.113.20"_s};

    LinkBank manualBank() const
    {
        LinkBank b;
        b.accountId = m_account;
        b.ownerName = u"Pat Lee"_s;
        b.accountType = u"CHECKING"_s;
        b.accountNumber = u"000123456789"_s;
        b.routingNumber = u"121000358"_s;
        b.nickname = u"Payroll"_s;
        return b;
    }

    RequestTransfer deposit(const QString &linkId, const QString &amount, const QString &key) const
    {
        return {m_account, linkId, u"INCOMING"_s, amount, key};
    }

    QString approvedLink()
    {
        const auto linked = take(m_service->link(m_user, manualBank()));
        if (!linked)
            qFatal("cannot link: %s", qPrintable(linked.error().message));
        const bool approved = QTest::qWaitFor([&] {
            const auto links = take(m_service->links(m_account));
            return links && !links->isEmpty() && links->first().status == u"APPROVED";
        });
        if (!approved)
            qWarning() << "the relationship was not approved in time";
        return linked->id;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_audit = std::make_unique<AuditLog>(*m_db);
        m_fake = std::make_unique<FakeAlpacaRest>();
        QVERIFY(m_fake->listen() != 0);
        m_fake->setTransferDelay(60'000); // stays QUEUED until a test completes it
        m_account = m_fake->seedAccount(Decimal::fromUnits(1000));
        AlpacaOptions o;
        o.baseUrl = m_fake->baseUrl();
        o.keyId = m_fake->brokerCredentials().keyId;
        o.secret = m_fake->brokerCredentials().secret;
        o.timeout = 500ms;
        o.retry.baseDelay = 10ms;
        o.retry.maxDelay = 40ms;
        m_broker = std::make_unique<AlpacaBroker>(o);
        m_gateway = std::make_unique<AlpacaFundingGateway>(*m_broker);
        m_service = std::make_unique<FundingService>(*m_gateway, *m_db, *m_audit);
        m_service->reconcile();
        QTRY_VERIFY(m_service->isReady());
    }

    void cleanup()
    {
        m_service.reset();
        m_gateway.reset();
        m_broker.reset();
        m_fake.reset();
        m_audit.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void manualLinkSendsAlpacasBody()
    {
        const auto linked = take(m_service->link(m_user, manualBank()));
        QVERIFY2(linked, qPrintable(linked ? QString() : linked.error().message));
        const auto posts = m_fake->requests("POST", u"/ach_relationships"_s);
        QCOMPARE(posts.size(), 1);
        QCOMPARE(posts.first().path, u"/v1/accounts/%1/ach_relationships"_s.arg(m_account));
        const QJsonObject body = posts.first().json();
        QCOMPARE(body, (QJsonObject{{u"account_owner_name"_s, u"Pat Lee"_s},
                                    {u"bank_account_type"_s, u"CHECKING"_s},
                                    {u"bank_account_number"_s, u"000123456789"_s},
                                    {u"bank_routing_number"_s, u"121000358"_s},
                                    {u"nickname"_s, u"Payroll"_s}}));
        QCOMPARE(linked->status, u"QUEUED"_s);
        QCOMPARE(linked->accountLast4, u"6789"_s);
        // The relationship is approved shortly after; a read brings the status along.
        QTRY_COMPARE(take(m_service->links(m_account))->first().status, u"APPROVED"_s);

        QVERIFY(take(m_service->unlink(m_user, m_account, linked->id)));
        QCOMPARE(m_fake->requests("DELETE", u"/ach_relationships/"_s + linked->relationshipId).size(), 1);
    }

    void plaidLinkSendsOnlyTheToken()
    {
        LinkBank plaid;
        plaid.accountId = m_account;
        plaid.processorToken = u"processor-sandbox-5f2c"_s;
        const auto linked = take(m_service->link(m_user, plaid));
        QVERIFY2(linked, qPrintable(linked ? QString() : linked.error().message));
        const auto posts = m_fake->requests("POST", u"/ach_relationships"_s);
        QCOMPARE(posts.first().json(), (QJsonObject{{u"processor_token"_s, u"processor-sandbox-5f2c"_s}}));
        QCOMPARE(linked->method, u"plaid"_s);
        QCOMPARE(linked->accountType, QString());
        // Alpaca allows one active relationship: a second bank is a plain 409.
        const auto second = take(m_service->link(m_user, manualBank()));
        QCOMPARE(second.error().code, u"bank_link_exists"_s);
    }

    void transferSendsAlpacasBodyAndFollowsItsStatus()
    {
        const QString linkId = approvedLink();
        const auto t = take(m_service->transfer(m_user, deposit(linkId, u"250.50"_s, u"a1"_s)));
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        const auto posts = m_fake->requests("POST", u"/transfers"_s);
        QCOMPARE(posts.size(), 1);
        const QString relationshipId = m_service->linkStore().byId(m_account, linkId).value()->relationshipId;
        QCOMPARE(posts.first().json(), (QJsonObject{{u"transfer_type"_s, u"ach"_s},
                                                    {u"relationship_id"_s, relationshipId},
                                                    {u"amount"_s, u"250.5"_s},
                                                    {u"direction"_s, u"INCOMING"_s},
                                                    {u"timing"_s, u"immediate"_s}}));
        QCOMPARE(t->status, TransferStatus::Queued);
        m_fake->book().completeTransfer(m_account, t->brokerTransferId);
        const auto read = take(m_service->transferById(m_account, t->id));
        QCOMPARE(read->status, TransferStatus::Complete);
        QCOMPARE(m_fake->book().cash(m_account), Decimal::parse(u"1250.50"_s).value());
        // Settled transfers are not asked about again.
        m_fake->clearRequests();
        QCOMPARE(take(m_service->transferById(m_account, t->id))->status, TransferStatus::Complete);
        QCOMPARE(m_fake->requests("GET", u"/transfers"_s).size(), 0);
    }

    void transferEventsBringTheStatusWithoutARead()
    {
        FakeAlpacaEvents events(m_fake->brokerCredentials().keyId, m_fake->brokerCredentials().secret);
        QVERIFY(events.listen() != 0);
        m_broker->startEvents(events.baseUrl());
        QTRY_VERIFY(events.requestedTargets().join(u' ').contains(u"/v1/events/transfers/status"_s));
        const QString linkId = approvedLink();
        const auto t = take(m_service->transfer(m_user, deposit(linkId, u"64"_s, u"ev"_s)));
        QVERIFY(t);
        QSignalSpy updated(m_service.get(), &FundingService::transferUpdated);
        m_fake->book().completeTransfer(m_account, t->brokerTransferId);
        events.publish(u"/v1/events/transfers/status"_s, {{u"account_id"_s, m_account},
                                                          {u"transfer_id"_s, t->brokerTransferId},
                                                          {u"status_from"_s, u"QUEUED"_s},
                                                          {u"status_to"_s, u"COMPLETE"_s},
                                                          {u"at"_s, u"2026-01-06T16:00:05Z"_s}});
        QVERIFY(updated.wait(5000));
        QCOMPARE(updated.first().at(1).toString(), t->id);
        QCOMPARE(m_service->transferStore().byId(m_account, t->id).value()->status, TransferStatus::Complete);
    }

    void cancelAsksAlpaca()
    {
        const QString linkId = approvedLink();
        const auto t = take(m_service->transfer(m_user, deposit(linkId, u"30"_s, u"c1"_s)));
        QVERIFY(t);
        const auto canceled = take(m_service->cancel(m_user, m_account, t->id));
        QVERIFY2(canceled, qPrintable(canceled ? QString() : canceled.error().message));
        QCOMPARE(canceled->status, TransferStatus::Canceled);
        QCOMPARE(m_fake->requests("DELETE", u"/transfers/"_s + t->brokerTransferId).size(), 1);
    }

    void lostTransferAnswerIsFoundNotResent()
    {
        const QString linkId = approvedLink();
        m_fake->injectFault(FakeFault::dropAfterProcess().on("POST", u"/transfers"_s));
        const auto lost = take(m_service->transfer(m_user, deposit(linkId, u"77.70"_s, u"drop"_s)));
        QVERIFY(!lost);
        QCOMPARE(lost.error().code, u"transfer_state_unknown"_s);
        const auto retried = take(m_service->transfer(m_user, deposit(linkId, u"77.7"_s, u"drop"_s)));
        QVERIFY2(retried, qPrintable(retried ? QString() : retried.error().message));
        QCOMPARE(m_fake->requests("POST", u"/transfers"_s).size(), 1);
        const QString atBroker = take(m_broker->transfers(m_account)).value().first().id;
        QCOMPARE(retried->brokerTransferId, atBroker);
        QCOMPARE(take(m_broker->transfers(m_account))->size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestFundingAlpaca)
#include "tst_fundingalpaca.moc"
