#include "core/store/database.h"
#include "core/store/onboardingrepository.h"
#include "core/store/scratchdatabase.h"
#include "core/store/userrepository.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 12, 5), QTime(9, 30), Qt::UTC);

} // namespace

// The onboarding_applications table on SQLite and PostgreSQL.
class TestOnboardingRepository : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<OnboardingRepository> m_repo;

    QString makeUser(const QString &email)
    {
        UserRepository users(*m_db);
        const auto u = users.create(email, u"$argon2id$unused"_s, u"user"_s, kNow);
        return u ? u->id : QString();
    }

    OnboardingRecord record(const QString &userId)
    {
        OnboardingRecord r;
        r.userId = userId;
        r.steps = QJsonObject{{u"contact"_s, QJsonObject{{u"city"_s, u"Austin"_s}}}};
        r.taxId = u"123-45-6789"_s;
        r.dateOfBirth = u"1988-04-12"_s;
        r.createdAt = kNow;
        r.updatedAt = kNow;
        return r;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_repo = std::make_unique<OnboardingRepository>(
            *m_db, *FieldCipher::fromBase64Key(FieldCipher::generateBase64Key()));
    }
    void cleanup()
    {
        m_repo.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void roundTripAndUpdate()
    {
        const QString user = makeUser(u"pat@example.org"_s);
        QCOMPARE(m_repo->find(user)->has_value(), false);
        OnboardingRecord r = record(user);
        QVERIFY(m_repo->save(r));
        OnboardingRecord back = m_repo->find(user)->value();
        QCOMPARE(back.state, u"draft"_s);
        QCOMPARE(back.steps, r.steps);
        QCOMPARE(back.taxId, r.taxId);
        QCOMPARE(back.dateOfBirth, r.dateOfBirth);
        QCOMPARE(back.taxIdLast4(), u"6789"_s);
        QCOMPARE(back.createdAt, kNow);
        QVERIFY(!back.submittedAt);

        // One application per user: a second save replaces the first.
        r.state = u"submitted"_s;
        r.broker = u"sim"_s;
        r.brokerAccountId = u"acc-1"_s;
        r.brokerStatus = u"SUBMITTED"_s;
        r.submissionId = u"sub-1"_s;
        r.submitAttempts = 1;
        r.submittedAt = kNow.addSecs(60);
        r.checkedAt = kNow.addSecs(61);
        r.updatedAt = kNow.addSecs(61);
        r.taxId.clear();
        QVERIFY(m_repo->save(r));
        back = m_repo->find(user)->value();
        QCOMPARE(back.state, u"submitted"_s);
        QCOMPARE(back.brokerAccountId, u"acc-1"_s);
        QCOMPARE(back.submitAttempts, 1);
        QCOMPARE(back.submittedAt, std::optional(kNow.addSecs(60)));
        QCOMPARE(back.checkedAt, std::optional(kNow.addSecs(61)));
        QCOMPARE(back.taxId, QString());
        QCOMPARE(back.createdAt, kNow);
        auto rows = m_db->exec(u"SELECT COUNT(*), MAX(tax_id_last4) FROM onboarding_applications"_s);
        QVERIFY(rows && rows->next());
        QCOMPARE(rows->value(0).toInt(), 1);
        QVERIFY(rows->value(1).isNull());

        QCOMPARE(m_repo->findByBrokerAccount(u"sim"_s, u"acc-1"_s)->value().userId, user);
        QCOMPARE(m_repo->findByBrokerAccount(u"alpaca"_s, u"acc-1"_s)->has_value(), false);
        QCOMPARE(m_repo->pendingUsers().value(), QStringList{user});
    }

    void aBrokerAccountBelongsToOneApplication()
    {
        const QString a = makeUser(u"a@example.org"_s);
        const QString b = makeUser(u"b@example.org"_s);
        OnboardingRecord ra = record(a);
        ra.broker = u"sim"_s;
        ra.brokerAccountId = u"acc-9"_s;
        QVERIFY(m_repo->save(ra));
        OnboardingRecord rb = record(b);
        rb.broker = u"sim"_s;
        rb.brokerAccountId = u"acc-9"_s;
        const auto refused = m_repo->save(rb);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(m_repo->find(b)->has_value(), false); // nothing half-written
    }

    void unknownStatesAreRefusedAndUsersCascade()
    {
        const QString user = makeUser(u"c@example.org"_s);
        OnboardingRecord r = record(user);
        r.state = u"approved-ish"_s;
        QVERIFY(!m_repo->save(r));
        r.state = u"active"_s;
        QVERIFY(m_repo->save(r));
        QVERIFY(m_repo->pendingUsers()->isEmpty());
        QVERIFY(m_db->exec(u"DELETE FROM users WHERE id = ?"_s, {user}));
        QCOMPARE(m_repo->find(user)->has_value(), false);
    }
};

QTEST_GUILESS_MAIN(TestOnboardingRepository)
#include "tst_onboardingrepository.moc"
