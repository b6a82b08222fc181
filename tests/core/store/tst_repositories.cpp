#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/emailtokenrepository.h"
#include "core/store/scratchdatabase.h"
#include "core/store/sessionrepository.h"
#include "core/store/userrepository.h"

#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

template <typename T> qsizetype sizeOf(const Expected<QList<T>, StoreError> &list)
{
    return list ? list->size() : -1;
}

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

class TestRepositories : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;

    UserRecord makeUser(const QString &email)
    {
        UserRepository users(*m_db);
        auto u = users.create(email, u"$argon2id$placeholder"_s, u"user"_s, kNow);
        if (!u)
            qFatal("cannot create a user: %s", qPrintable(u.error().message));
        return *u;
    }

    SessionRecord makeSession(const QString &userId, const QString &family, const QString &hash)
    {
        SessionRecord s;
        s.id = newId();
        s.userId = userId;
        s.familyId = family;
        s.tokenHash = hash;
        s.createdAt = kNow;
        s.expiresAt = kNow.addDays(30);
        s.ip = u"203.0.113.9"_s;
        s.userAgent = u"tests"_s;
        return s;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
    }
    void cleanup()
    {
        m_db.reset();
        m_scratch.drop();
    }

    void userRoundTrip()
    {
        UserRepository users(*m_db);
        const UserRecord created = makeUser(u"  Alice@Example.COM "_s);
        QCOMPARE(created.email, u"Alice@Example.COM"_s);
        auto found = users.findByEmail(u"alice@example.com"_s);
        QVERIFY(found && found->has_value());
        const UserRecord &u = **found;
        QCOMPARE(u.id, created.id);
        QCOMPARE(u.email, u"Alice@Example.COM"_s);
        QCOMPARE(u.passwordHash, u"$argon2id$placeholder"_s);
        QCOMPARE(u.role, u"user"_s);
        QCOMPARE(u.createdAt, kNow);
        QVERIFY(!u.emailVerifiedAt);
        QVERIFY(!u.disabled);

        QVERIFY(users.markEmailVerified(u.id, kNow.addSecs(60)));
        QVERIFY(users.setDisabled(u.id, true));
        QVERIFY(users.setRole(u.id, u"operator"_s));
        QVERIFY(users.setPasswordHash(u.id, u"$argon2id$other"_s));
        const auto again = users.findById(u.id);
        QVERIFY(again && again->has_value());
        QCOMPARE((*again)->emailVerifiedAt.value_or(QDateTime()), kNow.addSecs(60));
        QVERIFY((*again)->disabled);
        QCOMPARE((*again)->role, u"operator"_s);
        QCOMPARE((*again)->passwordHash, u"$argon2id$other"_s);
        QVERIFY(users.setDisabled(u.id, false));
        QVERIFY(!(*users.findById(u.id))->disabled);

        QCOMPARE(users.setRole(u"nobody"_s, u"user"_s).error().kind, StoreError::Kind::NotFound);
        QVERIFY(!users.setRole(u.id, u"admin"_s));
        QVERIFY(users.findById(u"nobody"_s) && !users.findById(u"nobody"_s)->has_value());
    }

    void emailIsUniqueIgnoringCase()
    {
        UserRepository users(*m_db);
        makeUser(u"bob@example.com"_s);
        auto dup = users.create(u"BOB@EXAMPLE.COM"_s, u"h"_s, u"user"_s, kNow);
        QVERIFY(!dup);
        QCOMPARE(dup.error().kind, StoreError::Kind::Conflict);
        auto dupSpaced = users.create(u" bob@example.com"_s, u"h"_s, u"user"_s, kNow);
        QVERIFY(!dupSpaced);
        makeUser(u"bob2@example.com"_s);
        QCOMPARE(users.count().valueOr(-1), 2);
        QCOMPARE(sizeOf(users.list(10, 0)), 2);
        QCOMPARE(sizeOf(users.list(1, 1)), 1);
    }

    void operatorQueries()
    {
        UserRepository users(*m_db);
        const UserRecord a = makeUser(u"Ann_1@Example.com"_s);
        const UserRecord b = makeUser(u"bert%@example.org"_s);
        makeUser(u"annex@example.com"_s);
        QCOMPARE(users.countMatching(u"ANN"_s).valueOr(-1), 2);
        QCOMPARE(users.countMatching(QString()).valueOr(-1), 3);
        // LIKE's wildcards are literal in a filter.
        QCOMPARE(users.countMatching(u"_"_s).valueOr(-1), 1);
        QCOMPARE(users.countMatching(u"%"_s).valueOr(-1), 1);
        QCOMPARE(users.countMatching(u"\\"_s).valueOr(-1), 0);
        const auto first = users.search(u"example"_s, 2, 0);
        const auto second = users.search(u"example"_s, 2, 2);
        QVERIFY(first && first->size() == 2 && second && second->size() == 1);
        QSet<QString> seen{first->at(0).id, first->at(1).id, second->at(0).id};
        QCOMPARE(seen.size(), 3);
        const auto org = users.search(u".ORG"_s, 10, 0);
        QVERIFY(org && org->size() == 1);
        QCOMPARE(org->first().id, b.id);

        // The password hash only changes over the one that was verified.
        QCOMPARE(users.replacePasswordHash(a.id, u"$argon2id$other"_s, u"$argon2id$new"_s).valueOr(true),
                 false);
        QCOMPARE(users.replacePasswordHash(a.id, a.passwordHash, u"$argon2id$new"_s).valueOr(false), true);
        QCOMPARE((*users.findById(a.id))->passwordHash, u"$argon2id$new"_s);

        // The last enabled operator stays enabled; users and other operators can be disabled.
        QVERIFY(users.setRole(a.id, u"operator"_s));
        QCOMPARE(users.disableKeepingAnOperator(a.id).valueOr(true), false);
        QVERIFY(!(*users.findById(a.id))->disabled);
        QCOMPARE(users.disableKeepingAnOperator(b.id).valueOr(false), true);
        QVERIFY((*users.findById(b.id))->disabled);
        QVERIFY(users.setRole(b.id, u"operator"_s));
        QCOMPARE(users.disableKeepingAnOperator(a.id).valueOr(true), false); // b is disabled
        QVERIFY(users.setDisabled(b.id, false));
        QCOMPARE(users.disableKeepingAnOperator(a.id).valueOr(false), true);
        QCOMPARE(users.disableKeepingAnOperator(u"nobody"_s).error().kind, StoreError::Kind::NotFound);

        SessionRepository sessions(*m_db);
        QVERIFY(sessions.create(makeSession(a.id, newId(), u"hash-a"_s)));
        SessionRecord expired = makeSession(b.id, newId(), u"hash-b"_s);
        expired.expiresAt = kNow.addSecs(-1);
        QVERIFY(sessions.create(expired));
        const SessionRecord revoked = makeSession(b.id, newId(), u"hash-c"_s);
        QVERIFY(sessions.create(revoked));
        QCOMPARE(sessions.countActive(kNow).valueOr(-1), 2);
        QCOMPARE(sessions.revoke(revoked.id, kNow).valueOr(-1), 1);
        QCOMPARE(sessions.countActive(kNow).valueOr(-1), 1);

        BrokerageAccountRepository accounts(*m_db);
        QVERIFY(accounts.add(b.id, u"acc-b"_s, u"sim"_s, kNow));
        QVERIFY(accounts.add(a.id, u"acc-a"_s, u"alpaca"_s, kNow));
        QCOMPARE(accounts.count().valueOr(-1), 2);
        const auto all = accounts.list(10, 0);
        QVERIFY(all && all->size() == 2);
        QCOMPARE(all->first().brokerAccountId, u"acc-b"_s);
        QCOMPARE(all->first().ownerEmail, b.email);
        QCOMPARE(sizeOf(accounts.list(10, 1)), 1);
        const auto byUser = accounts.recordsOfUsers({a.id, b.id, u"nobody"_s});
        QVERIFY(byUser);
        QCOMPARE(byUser->size(), 2);
        QCOMPARE(byUser->value(a.id).first().broker, u"alpaca"_s);
        QVERIFY(accounts.recordsOfUsers({})->isEmpty());
    }

    void sessionsRotateAndRevoke()
    {
        SessionRepository sessions(*m_db);
        const UserRecord u = makeUser(u"carol@example.com"_s);
        const QString family = newId();
        const SessionRecord first = makeSession(u.id, family, u"hash-1"_s);
        const SessionRecord second = makeSession(u.id, family, u"hash-2"_s);
        QVERIFY(sessions.create(first));
        QVERIFY(sessions.create(second));
        QCOMPARE(sessions.create(makeSession(u.id, family, u"hash-1"_s)).error().kind,
                 StoreError::Kind::Conflict);

        auto found = sessions.findByTokenHash(u"hash-1"_s);
        QVERIFY(found && found->has_value());
        QCOMPARE((*found)->id, first.id);
        QCOMPARE((*found)->expiresAt, kNow.addDays(30));
        QCOMPARE((*found)->ip, u"203.0.113.9"_s);
        QVERIFY((*found)->isActive(kNow));
        QVERIFY(!(*found)->isActive(kNow.addDays(31)));

        QCOMPARE(sessions.markReplaced(first.id, second.id, kNow).valueOr(false), true);
        QCOMPARE(sessions.markReplaced(first.id, u"x"_s, kNow).valueOr(true), false);
        const auto replaced = *sessions.findById(first.id);
        QCOMPARE(replaced->replacedBy, second.id);
        QVERIFY(!replaced->isActive(kNow));

        QCOMPARE(sizeOf(sessions.listForUser(u.id, true, kNow)), 1);
        QCOMPARE(sizeOf(sessions.listForUser(u.id, false, kNow)), 2);
        QCOMPARE(sessions.revokeFamily(family, kNow).valueOr(-1), 1);
        QCOMPARE(sizeOf(sessions.listForUser(u.id, true, kNow)), 0);

        const SessionRecord other = makeSession(u.id, newId(), u"hash-3"_s);
        QVERIFY(sessions.create(other));
        QCOMPARE(sessions.revokeAllForUser(u.id, kNow).valueOr(-1), 1);
        QCOMPARE(sessions.revoke(other.id, kNow).valueOr(-1), 0);
    }

    void emailTokensAreSingleUse()
    {
        EmailTokenRepository tokens(*m_db);
        const UserRecord u = makeUser(u"dave@example.com"_s);
        EmailTokenRecord t;
        t.id = newId();
        t.userId = u.id;
        t.purpose = EmailTokenPurpose::ResetPassword;
        t.tokenHash = u"th-1"_s;
        t.createdAt = kNow;
        t.expiresAt = kNow.addSecs(3600);
        QVERIFY(tokens.create(t));

        QVERIFY(!tokens.findByHash(u"th-1"_s, EmailTokenPurpose::VerifyEmail)->has_value());
        auto found = tokens.findByHash(u"th-1"_s, EmailTokenPurpose::ResetPassword);
        QVERIFY(found && found->has_value());
        QCOMPARE((*found)->expiresAt, kNow.addSecs(3600));
        QVERIFY(!(*found)->usedAt);
        QCOMPARE(tokens.consume(t.id, kNow).valueOr(false), true);
        QCOMPARE(tokens.consume(t.id, kNow).valueOr(true), false);
        QCOMPARE(
            (*tokens.findByHash(u"th-1"_s, EmailTokenPurpose::ResetPassword))->usedAt.value_or(QDateTime()),
            kNow);

        t.id = newId();
        t.tokenHash = u"th-2"_s;
        QVERIFY(tokens.create(t));
        QCOMPARE(tokens.invalidateAll(u.id, EmailTokenPurpose::ResetPassword, kNow).valueOr(-1), 1);
        QCOMPARE(tokens.consume(t.id, kNow).valueOr(true), false);
    }

    void auditLogAppendsAndQueries()
    {
        AuditLog audit(*m_db);
        AuditEntry e;
        e.at = kNow;
        e.actor = u"user-1"_s;
        e.action = u"auth.sign_in"_s;
        e.subject = u"user-1"_s;
        e.ip = u"198.51.100.7"_s;
        e.result = u"ok"_s;
        e.details = QJsonObject{{u"user_agent"_s, u"curl"_s}};
        const auto first = audit.append(e);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        e.action = u"auth.sign_out"_s;
        const auto second = audit.append(e);
        QVERIFY(second && *second > *first);
        e.actor = u"anonymous"_s;
        e.subject.clear();
        e.result = u"denied"_s;
        QVERIFY(audit.append(e));
        QVERIFY(!audit.append(AuditEntry{}));

        const auto all = audit.query();
        QVERIFY(all);
        QCOMPARE(all->size(), 3);
        QCOMPARE(all->first().actor, u"anonymous"_s);
        QCOMPARE(all->last().action, u"auth.sign_in"_s);
        QCOMPARE(all->last().details.value(u"user_agent"_s).toString(), u"curl"_s);
        QCOMPARE(all->last().at, kNow);
        QCOMPARE(all->last().ip, u"198.51.100.7"_s);

        QCOMPARE(sizeOf(audit.query({u"user-1"_s, {}, {}, 0, 100})), 2);
        QCOMPARE(sizeOf(audit.query({{}, {}, u"auth.sign_in"_s, 0, 100})), 1);
        QCOMPARE(sizeOf(audit.query({{}, {}, {}, *second, 100})), 1);
        QCOMPARE(sizeOf(audit.query({{}, {}, {}, 0, 1})), 1);

        QVERIFY(!m_db->exec(u"UPDATE audit_log SET result = 'ok' WHERE id = ?"_s, {*first}));
        QVERIFY(!m_db->exec(u"DELETE FROM audit_log WHERE id = ?"_s, {*first}));
        QCOMPARE(sizeOf(audit.query()), 3);
    }

    void deletingAUserRemovesItsSessionsAndTokens()
    {
        SessionRepository sessions(*m_db);
        const UserRecord u = makeUser(u"erin@example.com"_s);
        QVERIFY(sessions.create(makeSession(u.id, newId(), u"h"_s)));
        QVERIFY(m_db->exec(u"DELETE FROM users WHERE id = ?"_s, {u.id}));
        QVERIFY(!sessions.findByTokenHash(u"h"_s)->has_value());
    }

    void brokerageAccountsHaveOneOwner()
    {
        BrokerageAccountRepository accounts(*m_db);
        const UserRecord alice = makeUser(u"alice@example.com"_s);
        const UserRecord bob = makeUser(u"bob@example.com"_s);
        QVERIFY(accounts.add(alice.id, u"acc-2"_s, u"sim"_s, kNow));
        QVERIFY(accounts.add(alice.id, u"acc-1"_s, u"sim"_s, kNow));
        QVERIFY(accounts.add(alice.id, u"acc-2"_s, u"sim"_s, kNow)); // idempotent
        QCOMPARE(accounts.accountsOf(alice.id).valueOr(QStringList()), (QStringList{u"acc-2"_s, u"acc-1"_s}));
        const auto taken = accounts.add(bob.id, u"acc-1"_s, u"sim"_s, kNow);
        QVERIFY(!taken);
        QCOMPARE(taken.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(accounts.ownerOf(u"acc-1"_s).valueOr(QString()), alice.id);
        QCOMPARE(accounts.ownerOf(u"nobody"_s).valueOr(u"x"_s), QString());
        QVERIFY(accounts.accountsOf(bob.id)->isEmpty());
        const auto records = accounts.recordsOf(alice.id);
        QVERIFY(records && records->size() == 2);
        QCOMPARE(records->first().broker, u"sim"_s);
        QCOMPARE(records->first().createdAt, kNow);

        const auto unknownUser = accounts.add(u"no-such-user"_s, u"acc-3"_s, u"sim"_s, kNow);
        QVERIFY(!unknownUser);
        QCOMPARE(unknownUser.error().kind, StoreError::Kind::Conflict);
        QVERIFY(m_db->exec(u"DELETE FROM users WHERE id = ?"_s, {alice.id}));
        QCOMPARE(accounts.ownerOf(u"acc-1"_s).valueOr(u"x"_s), QString());
    }
};

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"
