#include "core/auth/authservice.h"
#include "core/auth/mailer.h"
#include "core/auth/opaquetoken.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "passwordhashertestaccess.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QString kPassword = u"correct horse battery"_s;
const ClientInfo kClient{u"198.51.100.1"_s, u"tst_authservice"_s};

class RecordingMailer : public Mailer
{
public:
    Expected<std::monostate, MailError> send(const MailMessage &message) override
    {
        sent.append(message);
        return std::monostate{};
    }
    QString describe() const override { return u"memory"_s; }

    // The token in the last mail to `to`, or empty.
    QString lastToken(const QString &to) const
    {
        static const QRegularExpression code(u"code: ([A-Za-z0-9_-]{43})"_s);
        for (auto it = sent.crbegin(); it != sent.crend(); ++it) {
            if (it->to == to)
                return code.match(it->body).captured(1);
        }
        return {};
    }

    QList<MailMessage> sent;
};

// The result of an AuthService call that hashes on its pool; the store step runs on this thread's loop.
template <typename T> T await(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000) || future.resultCount() != 1)
        qFatal("an AuthService call did not finish");
    return future.result();
}

} // namespace

class TestAuthService : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;
    RecordingMailer m_mailer;
    QDateTime m_now;
    std::unique_ptr<AuthService> m_auth;

    AuthService &makeService(const AuthPolicy &policy = {})
    {
        m_auth =
            std::make_unique<AuthService>(*m_db, Jwt(QByteArray(32, 'k')), PasswordHasherTestAccess::cheap(),
                                          m_mailer, policy, [this] { return m_now; });
        return *m_auth;
    }

    UserRecord signedUp(const QString &email)
    {
        const auto done = await(m_auth->signUp(email, kPassword, kClient));
        if (!done)
            qFatal("sign-up failed: %s", qPrintable(done.error().message));
        return **UserRepository(*m_db).findByEmail(email);
    }

    QList<AuditEntry> audit(const QString &action)
    {
        return AuditLog(*m_db).query({{}, {}, action, 0, 1000}).valueOr(QList<AuditEntry>());
    }

    void advance(qint64 seconds) { m_now = m_now.addSecs(seconds); }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_mailer.sent.clear();
        m_now = QDateTime(QDate(2026, 5, 4), QTime(9, 30), Qt::UTC);
        makeService();
    }
    void cleanup()
    {
        m_auth.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void signUpAndSignIn()
    {
        const UserRecord user = signedUp(u"Alice@Example.com"_s);
        QVERIFY(user.passwordHash.startsWith(u"$argon2id$"_s));
        QVERIFY(!user.passwordHash.contains(kPassword));
        QCOMPARE(m_mailer.sent.size(), 1);
        QCOMPARE(m_mailer.sent.first().to, u"Alice@Example.com"_s);
        QVERIFY(!m_mailer.lastToken(u"Alice@Example.com"_s).isEmpty());

        const auto session = await(m_auth->signIn(u"alice@EXAMPLE.com"_s, kPassword, kClient));
        QVERIFY2(session, qPrintable(session ? QString() : session.error().message));
        QCOMPARE(session->userId, user.id);
        QVERIFY(session->role == Role::User);
        QVERIFY(!session->emailVerified);
        QCOMPARE(session->accessExpiresAt, m_now.addSecs(15 * 60));
        QCOMPARE(session->refreshExpiresAt, m_now.addDays(30));
        const auto claims = m_auth->verifyAccessToken(session->accessToken);
        QVERIFY(claims);
        QCOMPARE(claims->subject, user.id);
        QCOMPARE(claims->expiresAt - claims->issuedAt, 15 * 60);

        const auto stored = SessionRepository(*m_db).findById(session->sessionId);
        QVERIFY(stored && stored->has_value());
        QCOMPARE((*stored)->tokenHash, OpaqueToken::hashOf(session->refreshToken));
        QCOMPARE((*stored)->ip, kClient.ip);

        QCOMPARE(audit(u"auth.sign_up"_s).size(), 1);
        QCOMPARE(audit(u"auth.sign_in"_s).size(), 1);
        QCOMPARE(audit(u"auth.sign_in"_s).first().result, u"ok"_s);
        QCOMPARE(audit(u"auth.sign_in"_s).first().ip, kClient.ip);
    }

    void signUpValidates()
    {
        QCOMPARE(await(m_auth->signUp(u"not-an-email"_s, kPassword, kClient)).error().kind,
                 AuthError::Kind::InvalidInput);
        QCOMPARE(await(m_auth->signUp(u"a@example.com"_s, u"short"_s, kClient)).error().kind,
                 AuthError::Kind::InvalidInput);
        QCOMPARE(UserRepository(*m_db).count().valueOr(-1), 0);
    }

    void errorsDoNotRevealAccounts()
    {
        signedUp(u"bob@example.com"_s);
        const auto unknown = await(m_auth->signIn(u"nobody@example.com"_s, kPassword, kClient));
        const auto wrong = await(m_auth->signIn(u"bob@example.com"_s, u"wrong password!!"_s, kClient));
        QVERIFY(!unknown && !wrong);
        QCOMPARE(unknown.error().kind, AuthError::Kind::InvalidCredentials);
        QCOMPARE(wrong.error().kind, unknown.error().kind);
        QCOMPARE(wrong.error().message, unknown.error().message);
        QCOMPARE(unknown.error().message, u"invalid email or password"_s);

        m_mailer.sent.clear();
        QVERIFY(await(m_auth->signUp(u"BOB@example.com"_s, u"another password"_s, kClient)));
        QCOMPARE(UserRepository(*m_db).count().valueOr(-1), 1);
        QCOMPARE(m_mailer.sent.size(), 1);
        QVERIFY(m_mailer.lastToken(u"BOB@example.com"_s).isEmpty());
        QVERIFY(await(m_auth->signIn(u"bob@example.com"_s, kPassword, kClient)));

        m_mailer.sent.clear();
        QVERIFY(m_auth->requestPasswordReset(u"nobody@example.com"_s, kClient));
        QVERIFY(m_mailer.sent.isEmpty());
        QVERIFY(m_auth->requestPasswordReset(u"bob@example.com"_s, kClient));
        QCOMPARE(m_mailer.sent.size(), 1);
    }

    void refreshRotatesAndReuseRevokesTheFamily()
    {
        signedUp(u"carol@example.com"_s);
        const auto first = await(m_auth->signIn(u"carol@example.com"_s, kPassword, kClient));
        const auto otherDevice = await(m_auth->signIn(u"carol@example.com"_s, kPassword, kClient));
        QVERIFY(first && otherDevice);
        advance(60);
        const auto second = m_auth->refresh(first->refreshToken, kClient);
        QVERIFY2(second, qPrintable(second ? QString() : second.error().message));
        QVERIFY(second->refreshToken != first->refreshToken);
        QVERIFY(second->accessToken != first->accessToken);
        QCOMPARE((*SessionRepository(*m_db).findById(first->sessionId))->replacedBy, second->sessionId);
        const auto third = m_auth->refresh(second->refreshToken, kClient);
        QVERIFY(third);

        // The first token comes back: a thief has a copy. The family ends, the other device does not.
        const auto reuse = m_auth->refresh(first->refreshToken, kClient);
        QVERIFY(!reuse);
        QCOMPARE(reuse.error().kind, AuthError::Kind::InvalidToken);
        QCOMPARE(m_auth->refresh(third->refreshToken, kClient).error().kind, AuthError::Kind::InvalidToken);
        QVERIFY(m_auth->refresh(otherDevice->refreshToken, kClient));
        const auto denied = audit(u"auth.refresh"_s);
        QVERIFY(std::any_of(denied.begin(), denied.end(), [](const AuditEntry &e) {
            return e.result == u"denied" && e.details.value(u"reason"_s).toString() == u"token_reuse";
        }));

        QCOMPARE(m_auth->refresh(u"garbage"_s, kClient).error().kind, AuthError::Kind::InvalidToken);
        QCOMPARE(m_auth->refresh(OpaqueToken::generate(), kClient).error().kind,
                 AuthError::Kind::InvalidToken);
    }

    void tokensExpire()
    {
        signedUp(u"dan@example.com"_s);
        const auto session = await(m_auth->signIn(u"dan@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        advance(15 * 60 + 31);
        QCOMPARE(m_auth->verifyAccessToken(session->accessToken).error().kind, JwtError::Kind::Expired);
        advance(30 * 24 * 3600);
        QCOMPARE(m_auth->refresh(session->refreshToken, kClient).error().kind, AuthError::Kind::InvalidToken);
    }

    void signOutEndsOneDeviceOrAll()
    {
        const UserRecord user = signedUp(u"eve@example.com"_s);
        const auto a = await(m_auth->signIn(u"eve@example.com"_s, kPassword, kClient));
        const auto b = await(m_auth->signIn(u"eve@example.com"_s, kPassword, kClient));
        const auto c = await(m_auth->signIn(u"eve@example.com"_s, kPassword, kClient));
        QVERIFY(a && b && c);
        const auto aRotated = m_auth->refresh(a->refreshToken, kClient);
        QVERIFY(aRotated);
        QVERIFY(m_auth->signOut(aRotated->refreshToken, kClient));
        QVERIFY(m_auth->signOut(aRotated->refreshToken, kClient));
        QCOMPARE(m_auth->refresh(aRotated->refreshToken, kClient).error().kind,
                 AuthError::Kind::InvalidToken);
        const auto bRotated = m_auth->refresh(b->refreshToken, kClient);
        QVERIFY(bRotated);
        QCOMPARE(m_auth->signOutEverywhere(user.id, kClient).valueOr(-1), 2);
        QVERIFY(!m_auth->refresh(bRotated->refreshToken, kClient));
        QVERIFY(!m_auth->refresh(c->refreshToken, kClient));
        QCOMPARE(audit(u"auth.sign_out"_s).size(), 1);
        QCOMPARE(audit(u"auth.sign_out_everywhere"_s).size(), 1);
    }

    void emailVerificationIsSingleUseAndExpires()
    {
        const UserRecord user = signedUp(u"fay@example.com"_s);
        const QString firstToken = m_mailer.lastToken(u"fay@example.com"_s);
        QVERIFY(m_auth->requestEmailVerification(user.id, kClient));
        const QString token = m_mailer.lastToken(u"fay@example.com"_s);
        QVERIFY(token != firstToken);
        QCOMPARE(m_auth->verifyEmail(firstToken, kClient).error().kind, AuthError::Kind::InvalidToken);
        QVERIFY(m_auth->verifyEmail(token, kClient));
        QVERIFY((*UserRepository(*m_db).findById(user.id))->emailVerifiedAt.has_value());
        QCOMPARE(m_auth->verifyEmail(token, kClient).error().kind, AuthError::Kind::InvalidToken);
        QVERIFY(await(m_auth->signIn(u"fay@example.com"_s, kPassword, kClient))->emailVerified);
        QCOMPARE(audit(u"auth.email_verify"_s).first().result, u"denied"_s);

        const UserRecord late = signedUp(u"gus@example.com"_s);
        advance(24 * 3600 + 1);
        QCOMPARE(m_auth->verifyEmail(m_mailer.lastToken(u"gus@example.com"_s), kClient).error().kind,
                 AuthError::Kind::InvalidToken);
        QVERIFY(!(*UserRepository(*m_db).findById(late.id))->emailVerifiedAt);
    }

    void passwordResetIsSingleUseAndRevokesSessions()
    {
        signedUp(u"hal@example.com"_s);
        const auto session = await(m_auth->signIn(u"hal@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        QVERIFY(m_auth->requestPasswordReset(u"HAL@example.com"_s, kClient));
        const QString token = m_mailer.lastToken(u"hal@example.com"_s);
        QVERIFY(!token.isEmpty());
        QCOMPARE(await(m_auth->completePasswordReset(token, u"short"_s, kClient)).error().kind,
                 AuthError::Kind::InvalidInput);
        QVERIFY(await(m_auth->completePasswordReset(token, u"a brand new passphrase"_s, kClient)));
        QCOMPARE(
            await(m_auth->completePasswordReset(token, u"yet another passphrase"_s, kClient)).error().kind,
            AuthError::Kind::InvalidToken);
        QCOMPARE(m_auth->refresh(session->refreshToken, kClient).error().kind, AuthError::Kind::InvalidToken);
        QCOMPARE(await(m_auth->signIn(u"hal@example.com"_s, kPassword, kClient)).error().kind,
                 AuthError::Kind::InvalidCredentials);
        const auto fresh = await(m_auth->signIn(u"hal@example.com"_s, u"a brand new passphrase"_s, kClient));
        QVERIFY(fresh);
        QVERIFY(fresh->emailVerified);

        QVERIFY(m_auth->requestPasswordReset(u"hal@example.com"_s, kClient));
        const QString expiring = m_mailer.lastToken(u"hal@example.com"_s);
        advance(3601);
        QCOMPARE(
            await(m_auth->completePasswordReset(expiring, u"too late passphrase"_s, kClient)).error().kind,
            AuthError::Kind::InvalidToken);
        QCOMPARE(audit(u"auth.password_reset"_s).size(), 3);
    }

    void changePassword()
    {
        const UserRecord user = signedUp(u"ivy@example.com"_s);
        const auto session = await(m_auth->signIn(u"ivy@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        QCOMPARE(await(m_auth->changePassword(user.id, u"not my password"_s, u"new passphrase!!"_s, kClient))
                     .error()
                     .kind,
                 AuthError::Kind::InvalidCredentials);
        QCOMPARE(await(m_auth->changePassword(user.id, kPassword, u"tiny"_s, kClient)).error().kind,
                 AuthError::Kind::InvalidInput);
        const auto changed =
            await(m_auth->changePassword(user.id, kPassword, u"new passphrase!!"_s, kClient));
        QVERIFY(changed);
        QVERIFY(!m_auth->refresh(session->refreshToken, kClient));
        QVERIFY(m_auth->refresh(changed->refreshToken, kClient));
        QVERIFY(!await(m_auth->signIn(u"ivy@example.com"_s, kPassword, kClient)));
        QVERIFY(await(m_auth->signIn(u"ivy@example.com"_s, u"new passphrase!!"_s, kClient)));
        const auto log = audit(u"auth.password_change"_s);
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.first().result, u"ok"_s);
        QCOMPARE(log.last().result, u"denied"_s);
    }

    void signInIsRateLimitedPerAccountAndAddress()
    {
        AuthPolicy policy;
        policy.signInFailuresPerAccount = 3;
        policy.signInFailuresPerAddress = 5;
        makeService(policy);
        signedUp(u"jo@example.com"_s);
        for (const QString &email : {u"jo@example.com"_s, u"ghost@example.com"_s}) {
            for (int i = 0; i < 3; ++i)
                QCOMPARE(await(m_auth->signIn(email, u"wrong password!"_s, {u"10.0.0.%1"_s.arg(i), {}}))
                             .error()
                             .kind,
                         AuthError::Kind::InvalidCredentials);
            // Limited even with the right password, and the same for an address without an account.
            const auto limited = await(m_auth->signIn(email, kPassword, {u"10.0.1.1"_s, {}}));
            QCOMPARE(limited.error().kind, AuthError::Kind::RateLimited);
            QVERIFY(limited.error().retryAfter.count() > 0);
            QVERIFY(limited.error().retryAfter.count() <= 15 * 60);
        }
        advance(15 * 60 + 1);
        QVERIFY(await(m_auth->signIn(u"jo@example.com"_s, kPassword, {u"10.0.1.1"_s, {}})));

        for (int i = 0; i < 5; ++i)
            QVERIFY(!await(
                m_auth->signIn(u"user%1@example.com"_s.arg(i), u"wrong password!"_s, {u"10.9.9.9"_s, {}})));
        QCOMPARE(await(m_auth->signIn(u"jo@example.com"_s, kPassword, {u"10.9.9.9"_s, {}})).error().kind,
                 AuthError::Kind::RateLimited);
        QVERIFY(await(m_auth->signIn(u"jo@example.com"_s, kPassword, {u"10.9.9.8"_s, {}})));
        const auto log = audit(u"auth.sign_in"_s);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const AuditEntry &e) {
            return e.details.value(u"reason"_s).toString() == u"rate_limited";
        }));
    }

    void resetIsRateLimitedAlikeForKnownAndUnknown()
    {
        signedUp(u"kim@example.com"_s);
        for (const QString &email : {u"kim@example.com"_s, u"ghost@example.com"_s}) {
            for (int i = 0; i < 3; ++i)
                QVERIFY(m_auth->requestPasswordReset(email, {u"10.1.0.%1"_s.arg(i), {}}));
            QCOMPARE(m_auth->requestPasswordReset(email, {u"10.1.1.1"_s, {}}).error().kind,
                     AuthError::Kind::RateLimited);
        }
        for (int i = 0; i < 10; ++i)
            (void)m_auth->requestPasswordReset(u"other%1@example.com"_s.arg(i), {u"10.2.2.2"_s, {}});
        QCOMPARE(m_auth->requestPasswordReset(u"new@example.com"_s, {u"10.2.2.2"_s, {}}).error().kind,
                 AuthError::Kind::RateLimited);
    }

    void disabledAccounts()
    {
        const UserRecord user = signedUp(u"lee@example.com"_s);
        const auto session = await(m_auth->signIn(u"lee@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        QVERIFY(UserRepository(*m_db).setDisabled(user.id, true));
        QCOMPARE(await(m_auth->signIn(u"lee@example.com"_s, kPassword, kClient)).error().kind,
                 AuthError::Kind::AccountDisabled);
        QCOMPARE(await(m_auth->signIn(u"lee@example.com"_s, u"wrong password!"_s, kClient)).error().kind,
                 AuthError::Kind::InvalidCredentials);
        QCOMPARE(m_auth->refresh(session->refreshToken, kClient).error().kind, AuthError::Kind::InvalidToken);
    }

    void aPasswordChangedDuringTheCheckOpensNoSession()
    {
        const UserRecord user = signedUp(u"kim@example.com"_s);
        // The sign-in's Argon2id check runs on the pool; before its store step runs on this thread the
        // password is reset elsewhere (another process, the same store). The old password, although it
        // matched when it was checked, must not open a session.
        auto pending = m_auth->signIn(u"kim@example.com"_s, kPassword, kClient);
        QVERIFY(!pending.isFinished());
        QVERIFY(*UserRepository(*m_db).replacePasswordHash(user.id, user.passwordHash, u"$argon2id$v=19$other"_s));
        const auto session = await(std::move(pending));
        QVERIFY(!session);
        QCOMPARE(session.error().kind, AuthError::Kind::InvalidCredentials);
        const auto denied = audit(u"auth.sign_in"_s);
        QVERIFY(std::any_of(denied.cbegin(), denied.cend(), [&](const AuditEntry &e) {
            return e.subject == user.id && e.result == u"denied"_s
                   && e.details.value(u"reason"_s).toString() == u"password_changed"_s;
        }));
    }

    void outdatedHashesAreUpgradedAtSignIn()
    {
        const UserRecord user = signedUp(u"max@example.com"_s);
        m_auth =
            std::make_unique<AuthService>(*m_db, Jwt(QByteArray(32, 'k')), PasswordHasherTestAccess::cheap(2),
                                          m_mailer, AuthPolicy{}, [this] { return m_now; });
        QVERIFY(await(m_auth->signIn(u"max@example.com"_s, kPassword, kClient)));
        const QString upgraded = (*UserRepository(*m_db).findById(user.id))->passwordHash;
        QVERIFY(upgraded != user.passwordHash);
        QVERIFY(upgraded.contains(u",t=2,"_s));
    }

    void sessionsSurviveARestart()
    {
        signedUp(u"ned@example.com"_s);
        const auto session = await(m_auth->signIn(u"ned@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        m_auth.reset();
        m_db.reset();
        auto db = Database::open(m_scratch.url());
        QVERIFY(db);
        m_db = std::move(db).value();
        makeService();
        QVERIFY(m_auth->refresh(session->refreshToken, kClient));
    }

    void operatorActionsNeedTheRoleAndAreAudited()
    {
        const UserRecord ops = signedUp(u"ops@example.com"_s);
        const UserRecord user = signedUp(u"pat@example.com"_s);
        const auto session = await(m_auth->signIn(u"pat@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        QCOMPARE(m_auth->setUserDisabled(user.id, ops.id, true, kClient).error().kind,
                 AuthError::Kind::Forbidden);
        QCOMPARE(m_auth->setUserRole(ops.id, ops.id, Role::Operator, kClient).error().kind,
                 AuthError::Kind::Forbidden);
        QVERIFY(UserRepository(*m_db).setRole(ops.id, u"operator"_s));
        QCOMPARE(m_auth->setUserDisabled(ops.id, u"nobody"_s, true, kClient).error().kind,
                 AuthError::Kind::NotFound);

        QVERIFY(m_auth->setUserDisabled(ops.id, user.id, true, kClient));
        QCOMPARE(m_auth->refresh(session->refreshToken, kClient).error().kind, AuthError::Kind::InvalidToken);
        QCOMPARE(await(m_auth->signIn(u"pat@example.com"_s, kPassword, kClient)).error().kind,
                 AuthError::Kind::AccountDisabled);
        QVERIFY(m_auth->setUserDisabled(ops.id, user.id, false, kClient));
        QVERIFY(m_auth->setUserRole(ops.id, user.id, Role::Operator, kClient));
        const auto signedIn = await(m_auth->signIn(u"pat@example.com"_s, kPassword, kClient));
        QVERIFY(signedIn);
        QVERIFY(signedIn->role == Role::Operator);
        QVERIFY(m_auth->verifyAccessToken(signedIn->accessToken)->role == Role::Operator);

        const auto disable = audit(u"admin.user_disable"_s);
        QCOMPARE(disable.size(), 2);
        QCOMPARE(disable.first().actor, ops.id);
        QCOMPARE(disable.first().subject, user.id);
        QCOMPARE(disable.first().result, u"ok"_s);
        QCOMPARE(disable.first().details.value(u"revoked"_s).toInt(), 1);
        QCOMPARE(disable.last().result, u"denied"_s);
        QCOMPARE(disable.last().actor, user.id);
        QCOMPARE(audit(u"admin.user_enable"_s).size(), 1);
        QCOMPARE(audit(u"admin.user_role"_s).first().details.value(u"to"_s).toString(), u"operator"_s);
    }

    void operatorsCannotDisableThemselves()
    {
        const UserRecord ops = signedUp(u"olga@example.com"_s);
        const UserRecord other = signedUp(u"otto@example.com"_s);
        QVERIFY(UserRepository(*m_db).setRole(ops.id, u"operator"_s));
        QVERIFY(UserRepository(*m_db).setRole(other.id, u"operator"_s));
        QCOMPARE(m_auth->setUserDisabled(ops.id, ops.id, true, kClient).error().kind,
                 AuthError::Kind::Conflict);
        QVERIFY(!(*UserRepository(*m_db).findById(ops.id))->disabled);
        QVERIFY(m_auth->setUserDisabled(ops.id, other.id, true, kClient));
        // A disabled operator can do nothing, so the one left cannot lose the role's last account.
        QCOMPARE(m_auth->setUserDisabled(other.id, ops.id, true, kClient).error().kind,
                 AuthError::Kind::Forbidden);
        QVERIFY(m_auth->setUserDisabled(ops.id, ops.id, false, kClient)); // enabling oneself is a no-op
        const auto log = audit(u"admin.user_disable"_s);
        QCOMPARE(log.size(), 3);
        QCOMPARE(log.last().result, u"denied"_s);
        QCOMPARE(log.last().details.value(u"reason"_s).toString(), u"self"_s);
    }

    void signUpIsRateLimitedAlikeForKnownAndUnknown()
    {
        AuthPolicy policy;
        policy.signUpsPerAccount = 2;
        policy.signUpsPerAddress = 4;
        makeService(policy);
        signedUp(u"uma@example.com"_s); // one attempt for uma from kClient
        for (const QString &email : {u"uma@example.com"_s, u"ghost@example.com"_s}) {
            const int before = email.startsWith(u"uma") ? 1 : 0;
            for (int i = before; i < 2; ++i)
                QVERIFY(await(m_auth->signUp(email, kPassword, {u"10.3.0.%1"_s.arg(i), {}})));
            const auto limited = await(m_auth->signUp(email, kPassword, {u"10.3.1.1"_s, {}}));
            QCOMPARE(limited.error().kind, AuthError::Kind::RateLimited);
            QVERIFY(limited.error().retryAfter.count() > 0);
            QVERIFY(limited.error().retryAfter.count() <= 3600);
        }
        QCOMPARE(UserRepository(*m_db).countMatching(u"ghost"_s).valueOr(-1), 1);
        for (int i = 0; i < 4; ++i)
            QVERIFY(await(m_auth->signUp(u"many%1@example.com"_s.arg(i), kPassword, {u"10.4.4.4"_s, {}})));
        QCOMPARE(await(m_auth->signUp(u"more@example.com"_s, kPassword, {u"10.4.4.4"_s, {}})).error().kind,
                 AuthError::Kind::RateLimited);
        QVERIFY(!UserRepository(*m_db).findByEmail(u"more@example.com"_s)->has_value());
        advance(3601);
        QVERIFY(await(m_auth->signUp(u"more@example.com"_s, kPassword, {u"10.4.4.4"_s, {}})));
        const auto log = audit(u"auth.sign_up"_s);
        QVERIFY(std::any_of(log.begin(), log.end(), [](const AuditEntry &e) {
            return e.result == u"denied" && e.details.value(u"reason"_s).toString() == u"rate_limited";
        }));
    }

    void passwordWorkRunsOnABoundedPool()
    {
        AuthPolicy policy;
        policy.passwordThreads = 1;
        makeService(policy);
        signedUp(u"vic@example.com"_s);
        QCOMPARE(m_auth->passwordWork().threads, 1);
        // The call returns before the store step, which needs this thread's event loop.
        QList<QFuture<Expected<AuthSession, AuthError>>> pending;
        for (int i = 0; i < 4; ++i)
            pending.append(m_auth->signIn(u"vic@example.com"_s, kPassword, kClient));
        for (const auto &f : std::as_const(pending))
            QVERIFY(!f.isFinished());
        for (const auto &f : std::as_const(pending))
            QVERIFY(await(f));
        QCOMPARE(m_auth->passwordWork().peakRunning, 1);
        QCOMPARE(m_auth->passwordWork().running, 0);
        QCOMPARE(m_auth->passwordWork().queued, 0);
        QCOMPARE(audit(u"auth.sign_in"_s).size(), 4);
    }

    void destroyingTheServiceCancelsWaitingWork()
    {
        signedUp(u"wes@example.com"_s);
        auto waiting = m_auth->signIn(u"wes@example.com"_s, kPassword, kClient);
        m_auth.reset();
        QTRY_VERIFY(waiting.isFinished());
        QVERIFY(waiting.isCanceled());
        QCOMPARE(audit(u"auth.sign_in"_s).size(), 0);
    }

    void authenticateFollowsTheStore()
    {
        const UserRecord ops = signedUp(u"rae@example.com"_s);
        QVERIFY(UserRepository(*m_db).setRole(ops.id, u"operator"_s));
        const UserRecord user = signedUp(u"sam@example.com"_s);
        const auto session = await(m_auth->signIn(u"sam@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        const auto who = m_auth->authenticate(session->accessToken);
        QVERIFY(who);
        QCOMPARE(who->userId, user.id);
        QVERIFY(who->role == Role::User);
        QVERIFY(!who->emailVerified);

        QVERIFY(m_auth->setUserRole(ops.id, user.id, Role::Operator, kClient));
        QVERIFY(m_auth->authenticate(session->accessToken)->role == Role::Operator);
        QVERIFY(m_auth->setUserDisabled(ops.id, user.id, true, kClient));
        QCOMPARE(m_auth->authenticate(session->accessToken).error().kind, AuthError::Kind::InvalidToken);

        QCOMPARE(m_auth->authenticate(u"not.a.token"_s).error().kind, AuthError::Kind::InvalidToken);
        const QString foreign =
            Jwt(QByteArray(32, 'x'))
                .issue(ops.id, Role::Operator, std::chrono::minutes(5), m_now.toSecsSinceEpoch());
        QCOMPARE(m_auth->authenticate(foreign).error().kind, AuthError::Kind::InvalidToken);
        advance(16 * 60);
        const auto opsSession = await(m_auth->signIn(u"rae@example.com"_s, kPassword, kClient));
        QVERIFY(opsSession);
        advance(16 * 60);
        QCOMPARE(m_auth->authenticate(opsSession->accessToken).error().kind, AuthError::Kind::InvalidToken);
    }

    void expiredRowsArePurged()
    {
        signedUp(u"quinn@example.com"_s);
        QVERIFY(await(m_auth->signIn(u"quinn@example.com"_s, kPassword, kClient)));
        QCOMPARE(m_auth->purgeExpired(std::chrono::hours(24)).valueOr(-1), 0);
        advance(32 * 24 * 3600);
        const auto fresh = await(m_auth->signIn(u"quinn@example.com"_s, kPassword, kClient));
        QVERIFY(fresh);
        QCOMPARE(m_auth->purgeExpired(std::chrono::hours(24)).valueOr(-1), 2);
        QVERIFY(m_auth->refresh(fresh->refreshToken, kClient));
        QCOMPARE(audit(u"auth.purge_expired"_s).size(), 1);
    }

    void auditNeverHoldsSecrets()
    {
        const UserRecord user = signedUp(u"oda@example.com"_s);
        const auto session = await(m_auth->signIn(u"oda@example.com"_s, kPassword, kClient));
        QVERIFY(session);
        const auto rotated = m_auth->refresh(session->refreshToken, kClient);
        QVERIFY(rotated);
        (void)m_auth->refresh(session->refreshToken, kClient);
        QVERIFY(m_auth->requestPasswordReset(u"oda@example.com"_s, kClient));
        const QString reset = m_mailer.lastToken(u"oda@example.com"_s);
        QVERIFY(await(m_auth->completePasswordReset(reset, u"the next passphrase"_s, kClient)));
        (void)await(m_auth->signIn(u"oda@example.com"_s, u"a wrong password"_s, kClient));
        const auto all = AuditLog(*m_db).query({{}, {}, {}, 0, 1000});
        QVERIFY(all && all->size() >= 6);
        for (const AuditEntry &e : *all) {
            const QString row = e.actor + e.action + e.subject +
                                QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact));
            for (const QString &secret :
                 {kPassword, u"the next passphrase"_s, u"a wrong password"_s, session->refreshToken,
                  rotated->refreshToken, reset, session->accessToken})
                QVERIFY2(!row.contains(secret), qPrintable(e.action));
        }
        QCOMPARE(audit(u"auth.sign_up"_s).first().subject, user.id);
    }
};

QTEST_GUILESS_MAIN(TestAuthService)
#include "tst_authservice.moc"
