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
#include <QString>

#include <chrono>

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
// step is written to the audit log. Used from one thread (the store connection's).
class AuthService
{
public:
    AuthService(Database &db, Jwt jwt, PasswordHasher hasher, Mailer &mailer, AuthPolicy policy = {},
                Clock clock = systemClock());

    // Succeeds for a valid email and password whether or not the address already has an account: a new
    // user gets a verification mail, an existing one a notice.
    [[nodiscard]] Expected<Done, AuthError> signUp(const QString &email, const QString &password,
                                                   const ClientInfo &client);
    [[nodiscard]] Expected<AuthSession, AuthError> signIn(const QString &email, const QString &password,
                                                          const ClientInfo &client);
    [[nodiscard]] Expected<AuthSession, AuthError> refresh(const QString &refreshToken,
                                                           const ClientInfo &client);
    // Ends the device's session family. Unknown tokens are fine (idempotent).
    [[nodiscard]] Expected<Done, AuthError> signOut(const QString &refreshToken, const ClientInfo &client);
    // Revokes every session of the user; returns how many were active.
    [[nodiscard]] Expected<int, AuthError> signOutEverywhere(const QString &userId, const ClientInfo &client);
    // Revokes every session and returns a fresh one for the caller.
    [[nodiscard]] Expected<AuthSession, AuthError> changePassword(const QString &userId,
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
    [[nodiscard]] Expected<Done, AuthError>
    completePasswordReset(const QString &token, const QString &password, const ClientInfo &client);

    // Operator actions, audited with the operator as actor; `operatorId` must have the operator role.
    // Disabling a user also revokes every session.
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

private:
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
    [[nodiscard]] Expected<Done, StoreError> issueEmailToken(const UserRecord &user,
                                                             EmailTokenPurpose purpose);
    void recordSignInFailure(const QString &accountKey, const ClientInfo &client);
    [[nodiscard]] const QString &dummyHash();
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
    QString m_dummyHash;
};

} // namespace clera
