#include "core/broker/simbroker.h"
#include "core/funding/fundingservice.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "core/store/transferrepository.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

// A real routing number (the Federal Reserve Bank of Boston's), and one whose ABA checksum fails.
const QString kRouting = u"011000015"_s;
const QString kBadChecksum = u"011000016"_s;
const QString kAccountNumber = u"123456789012"_s;

} // namespace

// Funding over REST on the embedded simulated broker: bank links and ACH transfers, validation,
// the per-day rule, account isolation, idempotent retries and restarts.
class TestServerFunding : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    [[nodiscard]] static QString links(const QString &account)
    {
        return u"/api/v1/accounts/%1/bank-links"_s.arg(account);
    }
    [[nodiscard]] static QString transfers(const QString &account)
    {
        return u"/api/v1/accounts/%1/transfers"_s.arg(account);
    }

    static QJsonObject manualBank(const QString &routing = kRouting)
    {
        return {{u"account_owner_name"_s, u"Alice Demo"_s},
                {u"bank_account_type"_s, u"checking"_s},
                {u"bank_account_number"_s, kAccountNumber},
                {u"bank_routing_number"_s, routing},
                {u"nickname"_s, u"Main checking"_s}};
    }

    static QJsonObject deposit(const QString &linkId, const QString &amount, const QString &key)
    {
        return {{u"link_id"_s, linkId},
                {u"direction"_s, u"INCOMING"_s},
                {u"amount"_s, amount},
                {u"idempotency_key"_s, key}};
    }

    // Links Alice's demo account to a bank; the link id.
    QString linkAlice()
    {
        const auto linked = m_http.post(links(m_alice), manualBank(), token(u"demo-alice"_s));
        if (linked.status != 201)
            qWarning() << "link failed" << linked.status << linked.body.toJson();
        return linked.body[u"id"_s].toString();
    }

    [[nodiscard]] Decimal cashOf(const QString &account) const
    {
        return test::ready(m_root->broker()->account(account)).cash;
    }

    [[nodiscard]] qsizetype brokerTransfers(const QString &account) const
    {
        return test::ready(m_root->broker()->transfers(account)).size();
    }

    [[nodiscard]] QList<AuditEntry> audit(const QString &action) const
    {
        AuditLog log(m_root->database());
        AuditFilter filter;
        filter.action = action;
        return log.query(filter).valueOr(QList<AuditEntry>());
    }

    // Every text cell of the store's funding tables and the audit log.
    [[nodiscard]] QString storedText() const
    {
        QString all;
        for (const QString &table : {u"bank_links"_s, u"transfers"_s, u"audit_log"_s}) {
            auto q = m_root->database().exec(u"SELECT * FROM "_s + table);
            if (!q)
                return {};
            while (q->next()) {
                for (int i = 0; i < q->record().count(); ++i)
                    all += q->value(i).toString() + u'|';
            }
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
        QVERIFY(m_root->funding());
        QTRY_VERIFY(m_root->funding()->isReady());
        m_root->simBroker()->setSettleDelayMs(200);
    }

    void cleanup() { stopServer(); }

    void linkAndDepositSettlesAndCashGoesUp()
    {
        const Decimal before = cashOf(m_alice);
        const auto linked = m_http.post(links(m_alice), manualBank(), token(u"demo-alice"_s));
        QCOMPARE(linked.status, 201);
        const QJsonObject link = linked.body.object();
        QCOMPARE(link[u"account_last4"_s].toString(), u"9012"_s);
        QCOMPARE(link[u"bank_routing_number"_s].toString(), kRouting);
        QCOMPARE(link[u"bank_account_type"_s].toString(), u"CHECKING"_s);
        QCOMPARE(link[u"method"_s].toString(), u"manual"_s);
        QCOMPARE(link[u"status"_s].toString(), u"APPROVED"_s);
        QVERIFY(!link.contains(u"bank_account_number"_s));

        const auto listed = m_http.get(links(m_alice), token(u"demo-alice"_s));
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.body.array().size(), 1);
        QCOMPARE(listed.body.array().first()[u"id"_s].toString(), link[u"id"_s].toString());

        const auto created =
            m_http.post(transfers(m_alice), deposit(link[u"id"_s].toString(), u"250.50"_s, u"dep-1"_s),
                        token(u"demo-alice"_s));
        QCOMPARE(created.status, 201);
        const QJsonObject t = created.body.object();
        QCOMPARE(t[u"amount"_s].toString(), u"250.50"_s);
        QCOMPARE(t[u"direction"_s].toString(), u"INCOMING"_s);
        QCOMPARE(t[u"state"_s].toString(), u"submitted"_s);
        QCOMPARE(t[u"status"_s].toString(), u"QUEUED"_s);
        QVERIFY(!t[u"broker_transfer_id"_s].toString().isEmpty());

        // The broker settles it; the status follows (events) and the cash goes up by exactly that.
        const QString one = transfers(m_alice) + u'/' + t[u"id"_s].toString();
        QTRY_COMPARE(m_http.get(one, token(u"demo-alice"_s)).body[u"status"_s].toString(), u"COMPLETE"_s);
        QCOMPARE(cashOf(m_alice), before + Decimal::parse(u"250.50"_s).value());
        const auto history = m_http.get(transfers(m_alice), token(u"demo-alice"_s));
        QCOMPARE(history.status, 200);
        QCOMPARE(history.body.array().size(), 1);
        QCOMPARE(history.body.array().first()[u"status"_s].toString(), u"COMPLETE"_s);

        // The full account number is in no table and no audit row; the audit says who, what, where.
        QVERIFY(!storedText().contains(kAccountNumber));
        const QList<AuditEntry> linkRows = audit(u"bank_link.create"_s);
        QCOMPARE(linkRows.size(), 1);
        QCOMPARE(linkRows.first().actor, test::userId(*m_root, u"demo-alice"_s));
        QCOMPARE(linkRows.first().subject, m_alice);
        QCOMPARE(linkRows.first().result, u"ok"_s);
        QCOMPARE(linkRows.first().ip, u"127.0.0.1"_s);
        const QList<AuditEntry> moves = audit(u"transfer.create"_s);
        QCOMPARE(moves.size(), 1);
        QCOMPARE(moves.first().details.value(u"amount"_s).toString(), u"250.5"_s);
        QCOMPARE(moves.first().result, u"ok"_s);
        QVERIFY(!audit(u"transfer.status"_s).isEmpty());
    }

    void withdrawalAndRemovingTheLink()
    {
        const QString linkId = linkAlice();
        QVERIFY(!linkId.isEmpty());
        const Decimal before = cashOf(m_alice);
        QJsonObject out = deposit(linkId, u"100"_s, u"wd-1"_s);
        out.insert(u"direction"_s, u"outgoing"_s);
        const auto created = m_http.post(transfers(m_alice), out, token(u"demo-alice"_s));
        QCOMPARE(created.status, 201);
        QTRY_COMPARE(cashOf(m_alice), before - Decimal::fromUnits(100));

        QCOMPARE(m_http.send("DELETE", links(m_alice) + u'/' + linkId, token(u"demo-alice"_s)).status, 204);
        QCOMPARE(m_http.get(links(m_alice), token(u"demo-alice"_s)).body.array().size(), 0);
        QVERIFY(test::ready(m_root->simBroker()->achRelationships(m_alice)).isEmpty());
        verifyError(m_http.send("DELETE", links(m_alice) + u'/' + linkId, token(u"demo-alice"_s)), 404,
                    u"bank_link_not_found"_s);
        QCOMPARE(audit(u"bank_link.remove"_s).first().result, u"denied"_s);
        QCOMPARE(audit(u"bank_link.remove"_s).last().result, u"ok"_s);
    }

    void invalidRequestsAreRefusedBeforeTheBroker()
    {
        const QString alice = token(u"demo-alice"_s);
        verifyError(m_http.post(links(m_alice), manualBank(kBadChecksum), alice), 400,
                    u"invalid_routing_number"_s);
        QJsonObject shortNumber = manualBank();
        shortNumber.insert(u"bank_account_number"_s, u"123"_s);
        verifyError(m_http.post(links(m_alice), shortNumber, alice), 400, u"invalid_account_number"_s);
        QJsonObject badType = manualBank();
        badType.insert(u"bank_account_type"_s, u"brokerage"_s);
        verifyError(m_http.post(links(m_alice), badType, alice), 400, u"invalid_account_type"_s);
        QJsonObject both = manualBank();
        both.insert(u"processor_token"_s, u"processor-sandbox-1"_s);
        verifyError(m_http.post(links(m_alice), both, alice), 400, u"invalid_bank_link"_s);
        QVERIFY(test::ready(m_root->simBroker()->achRelationships(m_alice)).isEmpty());

        const QString linkId = linkAlice();
        for (const QString &amount :
             {u"0.99"_s, u"50000.01"_s, u"1.005"_s, u"10.000"_s, u"-5"_s, u"1e3"_s, u""_s, u"ten"_s}) {
            const auto r = m_http.post(transfers(m_alice), deposit(linkId, amount, u"k-"_s + amount), alice);
            QVERIFY2(r.status == 400 && r.errorCode() == u"invalid_amount", qPrintable(amount));
        }
        QJsonObject noKey = deposit(linkId, u"10"_s, {});
        verifyError(m_http.post(transfers(m_alice), noKey, alice), 400, u"idempotency_key_required"_s);
        QJsonObject badDirection = deposit(linkId, u"10"_s, u"dir"_s);
        badDirection.insert(u"direction"_s, u"sideways"_s);
        verifyError(m_http.post(transfers(m_alice), badDirection, alice), 400, u"invalid_direction"_s);
        verifyError(m_http.post(transfers(m_alice), deposit(u"no-such-link"_s, u"10"_s, u"nl"_s), alice), 404,
                    u"bank_link_not_found"_s);
        QCOMPARE(brokerTransfers(m_alice), 0);

        // The bounds themselves are allowed; then the per-day rule speaks plainly.
        const auto first = m_http.post(transfers(m_alice), deposit(linkId, u"50000.00"_s, u"max"_s), alice);
        QCOMPARE(first.status, 201);
        const auto second = m_http.post(transfers(m_alice), deposit(linkId, u"1"_s, u"min"_s), alice);
        verifyError(second, 422, u"daily_transfer_limit"_s);
        QVERIFY(
            second.body[u"error"_s][u"message"_s].toString().contains(u"one transfer per account per day"_s));
        QCOMPARE(brokerTransfers(m_alice), 1);
        QVERIFY(audit(u"transfer.create"_s).size() >= 10); // every refusal is audited as denied
    }

    void cancelingAQueuedTransferFreesTheDay()
    {
        m_root->simBroker()->setSettleDelayMs(60'000);
        const QString linkId = linkAlice();
        const QString alice = token(u"demo-alice"_s);
        const auto created = m_http.post(transfers(m_alice), deposit(linkId, u"75"_s, u"c-1"_s), alice);
        QCOMPARE(created.status, 201);
        const QString one = transfers(m_alice) + u'/' + created.body[u"id"_s].toString();
        const auto canceled = m_http.send("DELETE", one, alice);
        QCOMPARE(canceled.status, 200);
        QCOMPARE(canceled.body[u"status"_s].toString(), u"CANCELED"_s);
        verifyError(m_http.send("DELETE", one, alice), 422, u"transfer_not_cancelable"_s);
        QCOMPARE(m_http.post(transfers(m_alice), deposit(linkId, u"80"_s, u"c-2"_s), alice).status, 201);
        QCOMPARE(audit(u"transfer.cancel"_s).size(), 2);
    }

    void usersReachOnlyTheirAccountsAndOperatorsOnlyRead()
    {
        const QString linkId = linkAlice();
        const auto created =
            m_http.post(transfers(m_alice), deposit(linkId, u"20"_s, u"iso"_s), token(u"demo-alice"_s));
        QCOMPARE(created.status, 201);
        const QString one = transfers(m_alice) + u'/' + created.body[u"id"_s].toString();
        const QString bob = token(u"demo-bob"_s);

        verifyError(m_http.get(links(m_alice), bob), 404, u"account_not_found"_s);
        verifyError(m_http.post(links(m_alice), manualBank(), bob), 404, u"account_not_found"_s);
        verifyError(m_http.send("DELETE", links(m_alice) + u'/' + linkId, bob), 404, u"account_not_found"_s);
        verifyError(m_http.get(transfers(m_alice), bob), 404, u"account_not_found"_s);
        verifyError(m_http.get(one, bob), 404, u"account_not_found"_s);
        verifyError(m_http.post(transfers(m_alice), deposit(linkId, u"5"_s, u"bob"_s), bob), 404,
                    u"account_not_found"_s);
        verifyError(m_http.send("DELETE", one, bob), 404, u"account_not_found"_s);
        // Alice's link does not exist on Bob's account, even for Bob.
        verifyError(m_http.post(transfers(m_bob), deposit(linkId, u"5"_s, u"cross"_s), bob), 404,
                    u"bank_link_not_found"_s);
        verifyError(m_http.get(transfers(m_bob) + u'/' + created.body[u"id"_s].toString(), bob), 404,
                    u"transfer_not_found"_s);
        QCOMPARE(m_http.get(transfers(m_alice)).status, 401);

        const QString op = token(u"demo-operator"_s, Role::Operator);
        QCOMPARE(m_http.get(links(m_alice), op).status, 200);
        QCOMPARE(m_http.get(transfers(m_alice), op).body.array().size(), 1);
        verifyError(m_http.post(transfers(m_alice), deposit(linkId, u"5"_s, u"op"_s), op), 403,
                    u"forbidden"_s);
        verifyError(m_http.post(links(m_alice), manualBank(), op), 403, u"forbidden"_s);
        verifyError(m_http.send("DELETE", one, op), 403, u"forbidden"_s);

        QCOMPARE(brokerTransfers(m_alice), 1);
        QCOMPARE(brokerTransfers(m_bob), 0);
        QCOMPARE(test::ready(m_root->simBroker()->achRelationships(m_alice)).size(), 1);
        const QList<AuditEntry> denied = audit(u"transfer.create"_s);
        QCOMPARE(denied.first().actor, test::userId(*m_root, u"demo-operator"_s));
        QCOMPARE(denied.first().result, u"denied"_s);
        QCOMPARE(denied.first().details.value(u"error"_s).toString(), u"forbidden"_s);
    }

    void idempotentRetryReturnsTheSameTransfer()
    {
        const QString linkId = linkAlice();
        const QString alice = token(u"demo-alice"_s);
        const auto first = m_http.post(transfers(m_alice), deposit(linkId, u"42.10"_s, u"same"_s), alice);
        QCOMPARE(first.status, 201);
        const auto again = m_http.post(transfers(m_alice), deposit(linkId, u"42.1"_s, u"same"_s), alice);
        QCOMPARE(again.status, 201);
        QCOMPARE(again.body[u"id"_s].toString(), first.body[u"id"_s].toString());
        QCOMPARE(again.body[u"broker_transfer_id"_s].toString(),
                 first.body[u"broker_transfer_id"_s].toString());
        verifyError(m_http.post(transfers(m_alice), deposit(linkId, u"43"_s, u"same"_s), alice), 409,
                    u"idempotency_key_reused"_s);
        QCOMPARE(brokerTransfers(m_alice), 1);
        QCOMPARE(m_http.get(transfers(m_alice), alice).body.array().size(), 1);
    }

    void restartKeepsLinksAndReconcilesLostAnswers()
    {
        const QString linkId = linkAlice();
        const QString relationshipId = test::ready(m_root->simBroker()->achRelationships(m_alice)).first().id;
        // Two crashes between "transfer stored" and "broker answered": one reached the broker (its answer
        // was lost), the other never did.
        TransferRequest request;
        request.relationshipId = relationshipId;
        request.amount = Decimal::fromUnits(300);
        request.direction = TransferDirection::Incoming;
        const Transfer delivered = test::ready(m_root->broker()->createTransfer(m_alice, request));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        {
            TransferRepository store(m_root->database());
            for (const auto &[key, state, amount] :
                 {std::tuple{u"crash-delivered"_s, TransferRecord::State::Unknown, Decimal::fromUnits(300)},
                  std::tuple{u"crash-not-sent"_s, TransferRecord::State::Pending, Decimal::fromUnits(7)}}) {
                TransferRecord r;
                r.id = key + u"-id"_s;
                r.userId = test::userId(*m_root, u"demo-alice"_s);
                r.accountId = m_alice;
                r.idempotencyKey = key;
                r.linkId = linkId;
                r.relationshipId = relationshipId;
                r.amount = amount;
                r.state = state;
                // The one never sent was stored longer ago than the resolve window: it can be concluded.
                r.createdAt = state == TransferRecord::State::Pending ? now.addSecs(-600) : now;
                r.updatedAt = r.createdAt;
                QVERIFY(store.add(r));
            }
        }
        QCOMPARE(brokerTransfers(m_alice), 1);

        m_root.reset();
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->funding()->isReady());
        QCOMPARE(brokerTransfers(m_alice), 1); // nothing sent again

        const QString alice = token(u"demo-alice"_s);
        const auto listed = m_http.get(links(m_alice), alice);
        QCOMPARE(listed.body.array().size(), 1);
        QCOMPARE(listed.body.array().first()[u"id"_s].toString(), linkId);
        const auto adopted = m_http.get(transfers(m_alice) + u"/crash-delivered-id"_s, alice);
        QCOMPARE(adopted.body[u"state"_s].toString(), u"submitted"_s);
        QCOMPARE(adopted.body[u"broker_transfer_id"_s].toString(), delivered.id);
        const auto notSent = m_http.get(transfers(m_alice) + u"/crash-not-sent-id"_s, alice);
        QCOMPARE(notSent.body[u"state"_s].toString(), u"not_sent"_s);
        // A retry of the one never sent says so, and still sends nothing.
        verifyError(m_http.post(transfers(m_alice), deposit(linkId, u"7"_s, u"crash-not-sent"_s), alice), 422,
                    u"transfer_not_sent"_s);
        QCOMPARE(brokerTransfers(m_alice), 1);
        const QList<AuditEntry> rows = audit(u"transfer.reconcile"_s);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.first().actor, u"system"_s);

        // A third start finds nothing to do.
        m_root.reset();
        QVERIFY(startServer());
        QTRY_VERIFY(m_root->funding()->isReady());
        QCOMPARE(audit(u"transfer.reconcile"_s).size(), 2);
        QCOMPARE(brokerTransfers(m_alice), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerFunding)
#include "tst_server_funding.moc"
