#include "core/broker/simbroker.h"
#include "core/marketdata/simfeed.h"
#include "core/onboarding/onboardingservice.h"
#include "core/onboarding/simaccountopener.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/onboardingrepository.h"
#include "core/store/scratchdatabase.h"
#include "core/store/userrepository.h"
#include "onboardingsteps.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDateTime kNow(QDate(2026, 12, 5), QTime(10, 0), Qt::UTC);
const QString kIp = u"203.0.113.7"_s;

// Spins the event loop until the future is finished (a default, failed result after 5 s).
template <typename T> T wait(QFuture<T> future)
{
    QDeadlineTimer deadline(5000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return future.isFinished() ? future.result() : T();
}

} // namespace

// OnboardingService over the real store (SQLite and PostgreSQL rows) and the embedded SimBroker.
class TestOnboardingService : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    QTemporaryDir m_dir;
    QString m_key = FieldCipher::generateBase64Key();
    std::unique_ptr<Database> m_db;
    std::unique_ptr<UserRepository> m_users;
    std::unique_ptr<BrokerageAccountRepository> m_accounts;
    std::unique_ptr<OnboardingRepository> m_applications;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<SimFeed> m_feed;
    std::unique_ptr<SimBroker> m_broker;
    std::unique_ptr<SimAccountOpener> m_opener;
    std::unique_ptr<OnboardingService> m_service;
    QString m_user;
    int m_counter = 0;

    void makeService()
    {
        m_service.reset();
        m_applications = std::make_unique<OnboardingRepository>(*m_db, *FieldCipher::fromBase64Key(m_key));
        m_service = std::make_unique<OnboardingService>(*m_db, *m_applications, *m_accounts, *m_opener,
                                                        *m_audit, OnboardingService::Options{});
        m_service->setClock([] { return kNow; });
    }

    QString makeUser(const QString &email)
    {
        const auto u = m_users->create(email, u"$argon2id$unused"_s, u"user"_s, kNow);
        return u ? u->id : QString();
    }

    void saveAll(const QString &user, const QString &email, bool affiliated = false)
    {
        for (const auto &[step, data] : test::onboarding::completeSteps(email, affiliated)) {
            const auto saved = m_service->saveStep(user, step, data, kIp);
            QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        }
    }

    // The audit rows about the user's application, oldest first.
    [[nodiscard]] QList<AuditEntry> auditOf(const QString &user, const QString &action = {}) const
    {
        AuditFilter filter;
        filter.subject = user;
        filter.action = action;
        auto rows = m_audit->query(filter).valueOr(QList<AuditEntry>());
        std::reverse(rows.begin(), rows.end());
        return rows;
    }

    // No audit row anywhere holds the tax id (in any form), the date of birth or a document's content.
    void verifyNothingSensitiveAudited() const
    {
        const auto rows = m_audit->query({});
        QVERIFY(rows && !rows->isEmpty());
        for (const AuditEntry &e : *rows) {
            const QByteArray details = QJsonDocument(e.details).toJson(QJsonDocument::Compact);
            for (const char *secret : {"123-45-6789", "123456789", "1988-04-12", "04/12/1988", "JVBERi0",
                                       "tax_id", "date_of_birth", "content"})
                QVERIFY2(!details.contains(secret), details.constData());
        }
    }

    [[nodiscard]] int accountsLabelled(const QString &label) const
    {
        int n = 0;
        const auto accounts = m_broker->accounts().result();
        for (const Account &a : *accounts)
            n += m_broker->accountLabel(a.id) == label ? 1 : 0;
        return n;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_users = std::make_unique<UserRepository>(*m_db);
        m_accounts = std::make_unique<BrokerageAccountRepository>(*m_db);
        m_audit = std::make_unique<AuditLog>(*m_db);
        m_feed = std::make_unique<SimFeed>(AssetCatalog::fromAssets({}), SimFeed::Options{});
        m_broker = std::make_unique<SimBroker>(m_feed.get(), AssetCatalog::fromAssets({}), nullptr,
                                               m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_counter)));
        QVERIFY(m_broker->open());
        m_opener = std::make_unique<SimAccountOpener>(*m_broker);
        makeService();
        m_user = makeUser(u"pat@example.org"_s);
        QVERIFY(!m_user.isEmpty());
    }
    void cleanup()
    {
        m_service.reset();
        m_opener.reset();
        m_broker.reset();
        m_feed.reset();
        m_applications.reset();
        m_audit.reset();
        m_accounts.reset();
        m_users.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void aNewUserHasAnEmptyDraft()
    {
        const auto view = m_service->view(m_user);
        QVERIFY(view);
        QCOMPARE(view->value(u"state"_s).toString(), u"draft"_s);
        QCOMPARE(view->value(u"remaining_steps"_s).toArray().size(), 5);
        QCOMPARE(view->value(u"can_submit"_s).toBool(), false);
        QVERIFY(view->value(u"status_message"_s).toString().contains(u"Start your application"_s));
        QVERIFY(view->value(u"status_message"_s).toString().contains(u"paper account"_s));
        QCOMPARE(m_applications->find(m_user)->has_value(), false); // reading stores nothing
    }

    void stepsAreSavedOneByOne()
    {
        const auto steps = test::onboarding::completeSteps(u"pat@example.org"_s);
        const auto first = m_service->saveStep(m_user, steps.at(0).first, steps.at(0).second, kIp);
        QVERIFY(first);
        QCOMPARE(first->value(u"completed_steps"_s).toArray(), QJsonArray{u"contact"_s});
        QVERIFY(first->value(u"status_message"_s)
                    .toString()
                    .contains(u"identity, employment, disclosures, agreements"_s));
        saveAll(m_user, u"pat@example.org"_s);
        const auto view = m_service->view(m_user);
        QCOMPARE(view->value(u"completed_steps"_s).toArray().size(), 5);
        QCOMPARE(view->value(u"errors"_s).toArray(), QJsonArray());
        QCOMPARE(view->value(u"can_submit"_s).toBool(), true);
        // The agreements carry the server's time and the client's address, not the client's word.
        const QJsonArray agreements = view->value(u"steps"_s)[u"agreements"_s][u"agreements"_s].toArray();
        QCOMPARE(agreements.size(), 2);
        QCOMPARE(agreements.at(0)[u"ip_address"_s].toString(), kIp);
        QCOMPARE(agreements.at(0)[u"signed_at"_s].toString(), u"2026-12-05T10:00:00Z"_s);
        // The tax id never comes back; its last four do.
        const QJsonObject identity = view->value(u"steps"_s)[u"identity"_s].toObject();
        QVERIFY(!identity.contains(u"tax_id"_s));
        QCOMPARE(identity.value(u"tax_id_last4"_s).toString(), u"6789"_s);
        QVERIFY(!QJsonDocument(*view).toJson().contains("123-45-6789"));
    }

    void anInvalidStepIsNotSaved()
    {
        saveAll(m_user, u"pat@example.org"_s);
        QJsonObject contact = test::onboarding::completeSteps(u"x"_s).at(0).second;
        contact.insert(u"email_address"_s, u"not-an-email"_s);
        const auto refused = m_service->saveStep(m_user, OnboardingStep::Contact, contact, kIp);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, OnboardingError::Kind::Invalid);
        QCOMPARE(refused.error().fields.size(), 1);
        QCOMPARE(refused.error().fields.at(0).field, u"contact.email_address"_s);
        QCOMPARE(m_service->view(m_user)->value(u"steps"_s)[u"contact"_s][u"email_address"_s].toString(),
                 u"pat@example.org"_s);
        // Agreements need an IPv4 address to be recorded with.
        const auto steps = test::onboarding::completeSteps(u"pat@example.org"_s);
        const auto v6 = m_service->saveStep(m_user, OnboardingStep::Agreements, steps.at(4).second, u"::1"_s);
        QVERIFY(!v6);
        QCOMPARE(v6.error().fields.at(0).field, u"agreements.agreements"_s);
    }

    void anIncompleteDraftIsNotSubmitted()
    {
        const auto steps = test::onboarding::completeSteps(u"pat@example.org"_s);
        QVERIFY(m_service->saveStep(m_user, steps.at(0).first, steps.at(0).second, kIp));
        const auto refused = wait(m_service->submit(m_user, kIp));
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, u"validation_failed"_s);
        QStringList fields;
        for (const FieldError &e : refused.error().fields)
            fields.append(e.field);
        QCOMPARE(fields, (QStringList{u"identity"_s, u"employment"_s, u"disclosures"_s, u"agreements"_s}));
        QCOMPARE(m_broker->accounts().result()->size(), 0);
    }

    void submitOpensAPaperAccountThatBecomesActive()
    {
        saveAll(m_user, u"pat@example.org"_s);
        QSignalSpy changed(m_service.get(), &OnboardingService::changed);
        const auto submitted = wait(m_service->submit(m_user, kIp));
        QVERIFY2(submitted, qPrintable(submitted ? QString() : submitted.error().message));
        QCOMPARE(submitted->value(u"state"_s).toString(), u"submitted"_s);
        QCOMPARE(submitted->value(u"broker_status"_s).toString(), u"SUBMITTED"_s);
        QCOMPARE(submitted->value(u"editable"_s).toBool(), false);
        const QString accountId = submitted->value(u"broker_account_id"_s).toString();
        QVERIFY(!accountId.isEmpty());
        QCOMPARE(m_accounts->accountsOf(m_user).value(), QStringList()); // not the user's until approved
        // The simulated review approves it on the next turn of the event loop.
        QTRY_COMPARE(m_service->view(m_user)->value(u"state"_s).toString(), u"active"_s);
        QCOMPARE(m_accounts->accountsOf(m_user).value(), QStringList{accountId});
        QCOMPARE(m_accounts->ownerOf(accountId).value(), m_user);
        const Account account = *m_broker->account(accountId).result();
        QCOMPARE(account.cash, Decimal()); // the user funds it
        const QString words = m_service->view(m_user)->value(u"status_message"_s).toString();
        QVERIFY2(words.contains(u"paper account"_s) && words.contains(u"simulated money"_s),
                 qPrintable(words));
        QVERIFY(changed.count() >= 2);
    }

    void submitIsIdempotent()
    {
        saveAll(m_user, u"pat@example.org"_s);
        const auto first = m_service->submit(m_user, kIp);
        const auto second = m_service->submit(m_user, kIp); // while the first is at the broker
        const auto a = wait(first);
        const auto b = wait(second);
        QVERIFY(a && b);
        QTRY_COMPARE(m_service->view(m_user)->value(u"state"_s).toString(), u"active"_s);
        const auto third = wait(m_service->submit(m_user, kIp));
        QVERIFY(third);
        QCOMPARE(third->value(u"broker_account_id"_s), a->value(u"broker_account_id"_s));
        QCOMPARE(m_broker->accounts().result()->size(), 1);
        QCOMPARE(m_accounts->accountsOf(m_user)->size(), 1);
    }

    void aSubmissionWhoseAnswerWasLostIsFoundNotRepeated()
    {
        saveAll(m_user, u"pat@example.org"_s);
        // As if the server stopped after the broker opened the account and before the answer was stored.
        OnboardingRecord record = m_applications->find(m_user)->value();
        record.state = u"submitting"_s;
        record.submissionId = u"7f1c0f4e-0000-4000-8000-000000000001"_s;
        record.submitAttempts = 1;
        record.submittedAt = kNow;
        QVERIFY(m_applications->save(record));
        const auto opened =
            m_broker->createAccount(Decimal(), SimAccountOpener::labelFor(record.submissionId));
        QVERIFY(opened);
        QCOMPARE(m_service->view(m_user)->value(u"state"_s).toString(), u"submitting"_s);
        QVERIFY(!m_service->saveStep(m_user, OnboardingStep::Contact,
                                     test::onboarding::completeSteps(u"p@example.org"_s).at(0).second, kIp));

        const auto retried = wait(m_service->submit(m_user, kIp));
        QVERIFY2(retried, qPrintable(retried ? QString() : retried.error().message));
        QCOMPARE(retried->value(u"broker_account_id"_s).toString(), opened->id);
        // The adoption is audited, then the submission it completed.
        const auto adopted = auditOf(m_user, u"onboarding.adopt"_s);
        QCOMPARE(adopted.size(), 1);
        QCOMPARE(adopted[0].actor, m_user);
        QCOMPARE(adopted[0].ip, kIp);
        QCOMPARE(adopted[0].result, u"ok"_s);
        QCOMPARE(adopted[0].details[u"broker_account_id"_s].toString(), opened->id);
        QCOMPARE(adopted[0].details[u"submission_id"_s].toString(), record.submissionId);
        QCOMPARE(adopted[0].details[u"attempt"_s].toInt(), 2);
        const auto submits = auditOf(m_user, u"onboarding.submit"_s);
        QCOMPARE(submits.size(), 1);
        QCOMPARE(submits[0].result, u"ok"_s);
        QCOMPARE(submits[0].details[u"looked_up_first"_s].toBool(), true);
        QVERIFY(submits[0].id > adopted[0].id);
        QCOMPARE(accountsLabelled(SimAccountOpener::labelFor(record.submissionId)), 1);
        QCOMPARE(m_broker->accounts().result()->size(), 1);
        QCOMPARE(m_applications->find(m_user)->value().submitAttempts, 2);
        // The poll at start-up resolves such a submission without the user.
        const QString other = makeUser(u"sam@example.org"_s);
        saveAll(other, u"sam@example.org"_s);
        OnboardingRecord pending = m_applications->find(other)->value();
        pending.state = u"submitting"_s;
        pending.submissionId = u"7f1c0f4e-0000-4000-8000-000000000002"_s;
        pending.submittedAt = kNow;
        QVERIFY(m_applications->save(pending));
        m_service->pollPending();
        QTRY_COMPARE(m_service->view(other)->value(u"state"_s).toString(), u"active"_s);
        QCOMPARE(accountsLabelled(SimAccountOpener::labelFor(pending.submissionId)), 1);
        // Resumed by the service: nothing to adopt, so opened, as the system from no address.
        QCOMPARE(auditOf(other, u"onboarding.adopt"_s).size(), 0);
        const auto resumed = auditOf(other, u"onboarding.submit"_s);
        QCOMPARE(resumed.size(), 1);
        QCOMPARE(resumed[0].actor, u"system"_s);
        QCOMPARE(resumed[0].ip, QString());
        QCOMPARE(resumed[0].result, u"ok"_s);
        QCOMPARE(auditOf(other, u"onboarding.link"_s).size(), 1);
        verifyNothingSensitiveAudited();
    }

    void aSubmissionItsStatusesAndTheLinkAreAudited()
    {
        saveAll(m_user, u"pat@example.org"_s);
        const auto submitted = wait(m_service->submit(m_user, kIp));
        QVERIFY(submitted);
        const QString accountId = submitted->value(u"broker_account_id"_s).toString();
        QTRY_COMPARE(m_service->view(m_user)->value(u"state"_s).toString(), u"active"_s);

        const auto submits = auditOf(m_user, u"onboarding.submit"_s);
        QCOMPARE(submits.size(), 1);
        QCOMPARE(submits[0].actor, m_user);
        QCOMPARE(submits[0].ip, kIp);
        QCOMPARE(submits[0].result, u"ok"_s);
        QCOMPARE(submits[0].details[u"broker_account_id"_s].toString(), accountId);
        QCOMPARE(submits[0].details[u"submission_id"_s].toString(),
                 m_applications->find(m_user)->value().submissionId);
        QCOMPARE(submits[0].details[u"attempt"_s].toInt(), 1);
        QCOMPARE(submits[0].details[u"looked_up_first"_s].toBool(), false);

        // Each status the broker reported, in order, by the system.
        const auto statuses = auditOf(m_user, u"onboarding.status"_s);
        QCOMPARE(statuses.size(), 2);
        QCOMPARE(statuses[0].details[u"from"_s], QJsonValue(QJsonValue::Null));
        QCOMPARE(statuses[0].details[u"to"_s].toString(), u"SUBMITTED"_s);
        QCOMPARE(statuses[1].details[u"from"_s].toString(), u"SUBMITTED"_s);
        QCOMPARE(statuses[1].details[u"to"_s].toString(), u"ACTIVE"_s);
        QCOMPARE(statuses[1].details[u"state"_s].toString(), u"active"_s);
        for (const AuditEntry &e : statuses) {
            QCOMPARE(e.actor, u"system"_s);
            QCOMPARE(e.result, u"ok"_s);
            QCOMPARE(e.details[u"broker_account_id"_s].toString(), accountId);
        }
        const auto links = auditOf(m_user, u"onboarding.link"_s);
        QCOMPARE(links.size(), 1);
        QCOMPARE(links[0].actor, u"system"_s);
        QCOMPARE(links[0].details[u"broker_account_id"_s].toString(), accountId);
        QCOMPARE(links[0].details[u"broker"_s].toString(), m_opener->brokerName());

        // A repeated submit or a refresh with nothing new adds no row.
        const qsizetype before = auditOf(m_user).size();
        QVERIFY(wait(m_service->submit(m_user, kIp)));
        m_service->setMinCheckInterval(std::chrono::milliseconds(0));
        QVERIFY(wait(m_service->refresh(m_user)));
        QCOMPARE(auditOf(m_user).size(), before);
        verifyNothingSensitiveAudited();
    }

    void anIncompleteSubmissionIsAuditedAsDenied()
    {
        const auto steps = test::onboarding::completeSteps(u"pat@example.org"_s);
        QVERIFY(m_service->saveStep(m_user, steps.at(0).first, steps.at(0).second, kIp));
        QVERIFY(m_service->saveStep(m_user, steps.at(1).first, steps.at(1).second, kIp));
        QVERIFY(!wait(m_service->submit(m_user, kIp)));
        const auto rows = auditOf(m_user);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].action, u"onboarding.submit"_s);
        QCOMPARE(rows[0].actor, m_user);
        QCOMPARE(rows[0].ip, kIp);
        QCOMPARE(rows[0].result, u"denied"_s);
        QCOMPARE(rows[0].details[u"error"_s].toString(), u"validation_failed"_s);
        QCOMPARE(rows[0].details[u"fields"_s].toArray(),
                 (QJsonArray{u"employment"_s, u"disclosures"_s, u"agreements"_s}));
        verifyNothingSensitiveAudited(); // the identity step (tax id, date of birth) was saved
    }

    void sensitiveFieldsAreEncryptedAtRest()
    {
        saveAll(m_user, u"pat@example.org"_s);
        auto q = m_db->exec(u"SELECT steps, tax_id_cipher, tax_id_last4, date_of_birth_cipher "
                            "FROM onboarding_applications WHERE user_id = ?"_s,
                            {m_user});
        QVERIFY(q && q->next());
        const QString steps = q->value(0).toString();
        const QString taxId = q->value(1).toString();
        const QString born = q->value(3).toString();
        QVERIFY(steps.contains(u"Initech"_s));               // the rest is there …
        for (const QString &column : {steps, taxId, born}) { // … but neither secret in clear
            QVERIFY(!column.contains(u"123-45-6789"_s) && !column.contains(u"123456789"_s));
            QVERIFY(!column.contains(u"1988-04-12"_s));
        }
        QVERIFY(taxId.startsWith(u"v1:"_s));
        QVERIFY(born.startsWith(u"v1:"_s));
        QCOMPARE(q->value(2).toString(), u"6789"_s);
        // Bound to its row: copied to another user, it does not decrypt.
        const QString other = makeUser(u"eve@example.org"_s);
        QVERIFY(m_db->exec(
            u"INSERT INTO onboarding_applications (user_id, state, steps, tax_id_cipher, created_at, "
            "updated_at) VALUES (?, 'draft', '{}', ?, ?, ?)"_s,
            {other, taxId, kNow.toString(Qt::ISODate), kNow.toString(Qt::ISODate)}));
        QVERIFY(!m_applications->find(other));
        // Another key reads nothing either.
        OnboardingRepository wrongKey(*m_db, *FieldCipher::fromBase64Key(FieldCipher::generateBase64Key()));
        QVERIFY(!wrongKey.find(m_user));
    }

    void theDraftSurvivesARestart()
    {
        saveAll(m_user, u"pat@example.org"_s);
        makeService(); // a new repository and service over the same store and key
        const auto view = m_service->view(m_user);
        QVERIFY(view);
        QCOMPARE(view->value(u"completed_steps"_s).toArray().size(), 5);
        const OnboardingRecord record = m_applications->find(m_user)->value();
        QCOMPARE(record.taxId, u"123-45-6789"_s);
        QCOMPARE(record.dateOfBirth, u"1988-04-12"_s);
        const auto application = OnboardingService::applicationOf(record);
        QVERIFY(application);
        QCOMPARE(application->taxId, u"123-45-6789"_s);
        QCOMPARE(application->identity.dateOfBirth, std::optional(QDate(1988, 4, 12)));
        QCOMPARE(application->identity.visaType, std::optional(VisaType::H1b));
        QCOMPARE(application->disclosures.employerName, u"Initech"_s);
        QCOMPARE(application->identity.totalNetWorthMax, std::optional(*Decimal::parse(u"249999")));
        QCOMPARE(application->trustedContact->givenName, u"Sam"_s);
        QCOMPARE(application->documents.size(), 1);
        QCOMPARE(application->enabledAssets, (QStringList{u"us_equity"_s, u"crypto"_s}));
    }

    void identityCanBeResavedWithoutTheTaxId()
    {
        saveAll(m_user, u"pat@example.org"_s);
        QJsonObject identity = test::onboarding::completeSteps(u"x"_s).at(1).second;
        identity.remove(u"tax_id"_s);
        identity.insert(u"given_name"_s, u"Patricia"_s);
        QVERIFY(m_service->saveStep(m_user, OnboardingStep::Identity, identity, kIp));
        const OnboardingRecord record = m_applications->find(m_user)->value();
        QCOMPARE(record.taxId, u"123-45-6789"_s);
        QCOMPARE(record.steps[u"identity"_s][u"given_name"_s].toString(), u"Patricia"_s);
    }

    void brokerStatusesMapToStates_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("state");
        QTest::newRow("submitted") << u"SUBMITTED"_s << u"submitted"_s;
        QTest::newRow("approval pending") << u"APPROVAL_PENDING"_s << u"submitted"_s;
        QTest::newRow("aml review") << u"AML_REVIEW"_s << u"submitted"_s;
        QTest::newRow("action required") << u"ACTION_REQUIRED"_s << u"action_required"_s;
        QTest::newRow("approved") << u"APPROVED"_s << u"approved"_s;
        QTest::newRow("rejected") << u"REJECTED"_s << u"rejected"_s;
        QTest::newRow("active") << u"ACTIVE"_s << u"active"_s;
        QTest::newRow("account updated") << u"ACCOUNT_UPDATED"_s << u"active"_s;
        QTest::newRow("closed") << u"ACCOUNT_CLOSED"_s << u"closed"_s;
        QTest::newRow("disabled") << u"DISABLED"_s << u"closed"_s;
    }
    void brokerStatusesMapToStates()
    {
        QFETCH(QString, status);
        QFETCH(QString, state);
        const auto mapped = onboardingStateFor(accountStatusFromWire(status));
        QVERIFY(mapped);
        QCOMPARE(toString(*mapped), state);
        QCOMPARE(onboardingStateFor(AccountStatus::Unknown), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestOnboardingService)
#include "tst_onboardingservice.moc"
