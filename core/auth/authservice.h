#pragma once

#include "core/auth/autherror.h"
#include "core/auth/clock.h"
#include "core/auth/jwt.h"
#include "core/auth/passwordhasher.h"
#include "core/auth/ratelimiter.h"
#include "core/domain/expected.h"
#include "core/store/auditlog.h"
#include "core/store/emailtokenrepository.h"
#include "core/store/sessionrepository.h"
#include "core/store/userrepository.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

class QThreadPool;

namespace clera {

class Database;
class Mailer;

struct AuthPolicy
{
    std::chrono::seconds accessTokenTtl{15 * 60};
    std::chrono::seconds refreshTokenTtl{30 * 24 * 3600};
    std::chrono::seconds verificationTtl{24 * 3600};
    std::chrono::seconds resetTtl{3600};
    // Failed sign-ins (and wrong current passwords) per account and per client address.
    int signInFailuresPerAccount = 5;
    int signInFailuresPerAddress = 20;
    std::chrono::seconds signInWindow{15 * 60};
    // Reset requests per account (counted for unknown addresses too) and per client address.
    int resetRequestsPerAccount = 3;
    int resetRequestsPerAddress = 10;
    std::chrono::seconds resetWindow{3600};
    // Sign-up attempts per email address (counted whether or not it has an account, so a 429 says
    // nothing about it) and per client address.
    int signUpsPerAccount = 3;
    int signUpsPerAddress = 20;
    std::chrono::seconds signUpWindow{3600};
    // Argon2id runs on a pool of at most this many threads (0: one per core), never on the caller's
    // thread. Further requests wait in the pool's queue, so the memory Argon2id takes stays below
    // threads × the hasher's m (64 MiB by default) however many sign-ins arrive at once.
    int passwordThreads = 0;
    // Links in mails: <linkBase>/verify-email?token=… and <linkBase>/reset-password?token=…
    QString linkBase = QStringLiteral("http://localhost:8000");
};

// Where a request came from, for rate limits and the audit log.
struct ClientInfo
{
    QString ip;
    QString userAgent;
};

// What a successful sign-in, refresh or password change hands the client.
struct AuthSession
{
    QString userId;
    Role role = Role::User;
    bool emailVerified = false;
    QString accessToken; // HS256 JWT, short-lived
    QDateTime accessExpiresAt;
    QString refreshToken; // opaque, single use: each refresh returns a new one
    QDateTime refreshExpiresAt;
    QString sessionId;
};

// The password work of an AuthService: its pool size and what is waiting or running now.
struct PasswordWorkStatus
{
    int threads = 0;
    int running = 0;
    int queued = 0;
    int peakRunning = 0; // the most that ever ran at once
};

// Who an access token belongs to, as the store sees them now.
struct AuthenticatedUser
{
    QString userId;
    Role role = Role::User;
    bool emailVerified = false;
};

// Accounts and sessions: sign-up, sign-in, rotating refresh tokens (reuse of a rotated or revoked
// token revokes its whole family), sign-out (one device or everywhere), password change and reset,
// email verification. Answers never reveal whether an address has an account; every security-relevant
// step is written to the audit log. Used from one thread (the store connection's), which needs an event
// loop: the calls that hash or verify a password (sign-up, sign-in, password change and reset) run
// Argon2id on a bounded worker pool and finish their store work back on that thread, so their futures
// finish there too.
class AuthService
{
public:
    AuthService(Database &db, Jwt jwt, PasswordHasher hasher, Mailer &mailer, AuthPolicy policy = {},
                Clock clock = systemClock());
    // Waits for the password work in progress; futures still waiting for their store step are cancelled.
    ~AuthService();
    Q_DISABLE_COPY_MOVE(AuthService)

    // Succeeds for a valid email and password whether or not the address already has an account: a new
    // user gets a verification mail, an existing one a notice.
    [[nodiscard]] QFuture<Expected<Done, AuthError>> signUp(const QString &email, const QString &password,
                                                            const ClientInfo &client);
    [[nodiscard]] QFuture<Expected<AuthSession, AuthError>>
    signIn(const QString &email, const QString &password, const ClientInfo &client);
    [[nodiscard]] Expected<AuthSession, AuthError> refresh(const QString &refreshToken,
                                                           const ClientInfo &client);
    // Ends the device's session family. Unknown tokens are fine (idempotent).
    [[nodiscard]] Expected<Done, AuthError> signOut(const QString &refreshToken, const ClientInfo &client);
    // Revokes every session of the user; returns how many were active.
    [[nodiscard]] Expected<int, AuthError> signOutEverywhere(const QString &userId, const ClientInfo &client);
    // Revokes every session and returns a fresh one for the caller.
    [[nodiscard]] QFuture<Expected<AuthSession, AuthError>> changePassword(const QString &userId,
                                                                           const QString &current,
                                                                           const QString &replacement,
                                                                           const ClientInfo &client);

    [[nodiscard]] Expected<Done, AuthError> requestEmailVerification(const QString &userId,
                                                                     const ClientInfo &client);
    [[nodiscard]] Expected<Done, AuthError> verifyEmail(const QString &token, const ClientInfo &client);
    // Always succeeds (unless rate-limited): "if the address has an account, a mail was sent".
    [[nodiscard]] Expected<Done, AuthError> requestPasswordReset(const QString &email,
                                                                 const ClientInfo &client);
    // Sets the password, marks the email verified and revokes every session.
    [[nodiscard]] QFuture<Expected<Done, AuthError>>
    completePasswordReset(const QString &token, const QString &password, const ClientInfo &client);

    // Operator actions, audited with the operator as actor; `operatorId` must have the operator role.
    // Disabling a user also revokes every session; operators cannot disable themselves nor the last
    // enabled operator (Conflict).
    [[nodiscard]] Expected<Done, AuthError> setUserDisabled(const QString &operatorId, const QString &userId,
                                                            bool disabled, const ClientInfo &client);
    [[nodiscard]] Expected<Done, AuthError> setUserRole(const QString &operatorId, const QString &userId,
                                                        Role role, const ClientInfo &client);
    // Deletes sessions and mail tokens that expired more than `retention` ago; returns how many rows.
    [[nodiscard]] Expected<int, AuthError> purgeExpired(std::chrono::seconds retention);

    // Verifies the token and that its user still exists and is not disabled; the role comes from the
    // store, so a demotion or a disabled account takes effect before the token expires.
    [[nodiscard]] Expected<AuthenticatedUser, AuthError> authenticate(QStringView accessToken);
    [[nodiscard]] Expected<TokenClaims, JwtError> verifyAccessToken(QStringView token) const;
    [[nodiscard]] const AuthPolicy &policy() const { return m_policy; }
    [[nodiscard]] PasswordWorkStatus passwordWork() const;

private:
    struct PasswordWork;
    // Runs `work` (password hashing) on the pool, then `then` with its result on this object's thread.
    template <typename Work, typename Then> [[nodiscard]] auto onPool(Work work, Then then);

    [[nodiscard]] QDateTime now() const;
    [[nodiscard]] std::optional<AuthError> rateLimited(RateLimiter &limiter, const QString &key,
                                                       bool consume);
    void audit(const QString &actor, const QString &action, const QString &subject, const ClientInfo &client,
               const QString &result, QJsonObject details = {});
    [[nodiscard]] Expected<Done, StoreError> auditInTransaction(const QString &actor, const QString &action,
                                                                const ClientInfo &client,
                                                                QJsonObject details = {});
    [[nodiscard]] Expected<AuthSession, StoreError> startSession(const UserRecord &user,
                                                                 const QString &familyId,
                                                                 const ClientInfo &client,
                                                                 const QString &replacing = {});
    [[nodiscard]] Expected<Done, AuthError> finishSignUp(const QString &email,
                                                         const Expected<QString, PasswordHashError> &hash,
                                                         const ClientInfo &client);
    [[nodiscard]] Expected<Done, AuthError>
    finishPasswordReset(const EmailTokenRecord &record, const UserRecord &user,
                        const Expected<QString, PasswordHashError> &hash, const ClientInfo &client);
    [[nodiscard]] Expected<Done, StoreError> issueEmailToken(const UserRecord &user,
                                                             EmailTokenPurpose purpose);
    void recordSignInFailure(const QString &accountKey, const ClientInfo &client);
    [[nodiscard]] Expected<UserRecord, AuthError> operatorTarget(const QString &operatorId,
                                                                 const QString &userId, const QString &action,
                                                                 const ClientInfo &client);

    Database &m_db;
    Jwt m_jwt;
    PasswordHasher m_hasher;
    Mailer &m_mailer;
    AuthPolicy m_policy;
    Clock m_clock;
    UserRepository m_users;
    SessionRepository m_sessions;
    EmailTokenRepository m_emailTokens;
    AuditLog m_audit;
    RateLimiter m_signInByAccount;
    RateLimiter m_signInByAddress;
    RateLimiter m_resetByAccount;
    RateLimiter m_resetByAddress;
    RateLimiter m_signUpByAccount;
    RateLimiter m_signUpByAddress;
    std::shared_ptr<PasswordWork> m_work;
    std::unique_ptr<QThreadPool> m_pool;
    // Continuations of pool work run in this object's thread (the one that built the service).
    std::unique_ptr<QObject> m_context;
};

} // namespace clera
