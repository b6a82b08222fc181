// AuthService, part one: sessions (sign-in, refresh, sign-out), access tokens and operator actions. Sign-up,
// e-mail tokens and password changes are in authpasswords.cpp.
#include "authservice.h"

#include "authservice_p.h"

#include "core/auth/mailer.h"
#include "core/auth/opaquetoken.h"
#include "core/auth/signuprules.h"
#include "core/store/database.h"

#include <QThread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAuth, "clera.auth")

namespace clera {

using namespace authservice_p;

namespace {

const QString kInvalidCredentials = u"invalid email or password"_s;

std::chrono::seconds ceilSeconds(std::chrono::milliseconds ms)
{
    return std::chrono::seconds((ms.count() + 999) / 1000);
}

// What the pool reports back for a sign-in: whether the password matched, and a new hash when the
// stored one was made with other costs.
struct VerifyOutcome
{
    bool matched = false;
    std::optional<QString> rehash;
};

} // namespace

AuthService::AuthService(Database &db, Jwt jwt, PasswordHasher hasher, Mailer &mailer, AuthPolicy policy,
                         Clock clock)
    : m_db(db), m_jwt(std::move(jwt)), m_hasher(hasher), m_mailer(mailer), m_policy(std::move(policy)),
      m_clock(std::move(clock)), m_users(db), m_sessions(db), m_emailTokens(db), m_audit(db),
      m_signInByAccount(m_policy.signInFailuresPerAccount, m_policy.signInWindow, m_clock),
      m_signInByAddress(m_policy.signInFailuresPerAddress, m_policy.signInWindow, m_clock),
      m_resetByAccount(m_policy.resetRequestsPerAccount, m_policy.resetWindow, m_clock),
      m_resetByAddress(m_policy.resetRequestsPerAddress, m_policy.resetWindow, m_clock),
      m_signUpByAccount(m_policy.signUpsPerAccount, m_policy.signUpWindow, m_clock),
      m_signUpByAddress(m_policy.signUpsPerAddress, m_policy.signUpWindow, m_clock),
      m_work(std::make_shared<PasswordWork>()), m_pool(std::make_unique<QThreadPool>()),
      m_context(std::make_unique<QObject>())
{
    m_pool->setObjectName(u"clera-password"_s);
    m_pool->setMaxThreadCount(m_policy.passwordThreads > 0 ? m_policy.passwordThreads
                                                           : qMax(1, QThread::idealThreadCount()));
}

AuthService::~AuthService()
{
    // Queued work is dropped (its futures are cancelled); running work finishes, and its store step,
    // queued to m_context, goes with it.
    m_pool->clear();
    m_pool->waitForDone();
}

PasswordWorkStatus AuthService::passwordWork() const
{
    return {m_pool->maxThreadCount(), m_work->running.load(), m_work->queued.load(), m_work->peak.load()};
}

QDateTime AuthService::now() const
{
    return m_clock().toUTC();
}

std::optional<AuthError> AuthService::rateLimited(RateLimiter &limiter, const QString &key, bool consume)
{
    if (key.isEmpty())
        return std::nullopt;
    const auto wait = consume ? limiter.tryAcquire(key) : limiter.retryAfter(key);
    if (!wait)
        return std::nullopt;
    return AuthError(AuthError::Kind::RateLimited, u"too many attempts; try again later"_s,
                     ceilSeconds(*wait));
}

void AuthService::audit(const QString &actor, const QString &action, const QString &subject,
                        const ClientInfo &client, const QString &result, QJsonObject details)
{
    if (!client.userAgent.isEmpty())
        details.insert(u"user_agent"_s, client.userAgent.left(256));
    AuditEntry e{0, now(), actor, action, subject, client.ip, result, details};
    if (auto appended = m_audit.append(e); !appended)
        qCWarning(lcAuth) << "cannot write the audit log:" << appended.error().message;
}

Expected<Done, StoreError> AuthService::auditInTransaction(const QString &actor, const QString &action,
                                                           const ClientInfo &client, QJsonObject details)
{
    if (!client.userAgent.isEmpty())
        details.insert(u"user_agent"_s, client.userAgent.left(256));
    auto appended = m_audit.append({0, now(), actor, action, actor, client.ip, u"ok"_s, details});
    if (!appended)
        return unexpected(appended.error());
    return Done{};
}

void AuthService::recordSignInFailure(const QString &accountKey, const ClientInfo &client)
{
    m_signInByAccount.record(accountKey);
    if (!client.ip.isEmpty())
        m_signInByAddress.record(client.ip);
}

Expected<AuthSession, StoreError> AuthService::startSession(const UserRecord &user, const QString &familyId,
                                                            const ClientInfo &client,
                                                            const QString &replacing)
{
    const QDateTime at = now();
    const QString token = OpaqueToken::generate();
    SessionRecord s;
    s.id = newId();
    s.userId = user.id;
    s.familyId = familyId;
    s.tokenHash = OpaqueToken::hashOf(token);
    s.createdAt = at;
    s.expiresAt = at.addSecs(m_policy.refreshTokenTtl.count());
    s.ip = client.ip;
    s.userAgent = client.userAgent.left(512);
    if (!replacing.isEmpty()) {
        const auto marked = m_sessions.markReplaced(replacing, s.id, at);
        if (!marked)
            return unexpected(marked.error());
        if (!*marked)
            return unexpected(
                StoreError{StoreError::Kind::Conflict, u"the session was rotated concurrently"_s});
    }
    if (auto created = m_sessions.create(s); !created)
        return unexpected(created.error());
    AuthSession session;
    session.userId = user.id;
    session.role = roleFromString(user.role).value_or(Role::User);
    session.emailVerified = user.emailVerifiedAt.has_value();
    session.accessToken = m_jwt.issue(user.id, session.role, m_policy.accessTokenTtl, at.toSecsSinceEpoch());
    session.accessExpiresAt = at.addSecs(m_policy.accessTokenTtl.count());
    session.refreshToken = token;
    session.refreshExpiresAt = s.expiresAt;
    session.sessionId = s.id;
    return session;
}

QFuture<Expected<AuthSession, AuthError>> AuthService::signIn(const QString &email, const QString &password,
                                                              const ClientInfo &client)
{
    using Result = Expected<AuthSession, AuthError>;
    const QString accountKey = UserRepository::emailKey(email);
    for (auto [limiter, key] :
         {std::pair{&m_signInByAccount, accountKey}, std::pair{&m_signInByAddress, client.ip}}) {
        if (auto limited = rateLimited(*limiter, key, false)) {
            audit(kAnonymous, u"auth.sign_in"_s, QString(), client, u"denied"_s,
                  QJsonObject{{u"email"_s, accountKey}, {u"reason"_s, u"rate_limited"_s}});
            return failed<AuthSession>(*limited);
        }
    }
    const auto found = m_users.findByEmail(email);
    if (!found)
        return failed<AuthSession>(AuthError(found.error()));
    // Counted as a failure up front (and given back when the password matches), so attempts still
    // being verified count against the limits too.
    recordSignInFailure(accountKey, client);
    const std::optional<UserRecord> user = *found;
    const QString storedHash = user ? user->passwordHash : QString();
    return onPool(
        [hasher = m_hasher, work = m_work, password, storedHash, known = user.has_value()] {
            // Unknown addresses still pay for one Argon2id verification, so timing does not tell
            // them apart.
            std::call_once(work->dummyOnce, [&] {
                work->dummyHash = hasher.hash(OpaqueToken::generate()).valueOr(QString());
            });
            VerifyOutcome outcome;
            outcome.matched = hasher.verify(password, known ? storedHash : work->dummyHash) && known;
            if (outcome.matched && hasher.needsRehash(storedHash)) {
                if (auto rehashed = hasher.hash(password))
                    outcome.rehash = *rehashed;
            }
            return outcome;
        },
        [this, accountKey, client, user, storedHash, password](const VerifyOutcome &outcome) -> Result {
            if (!outcome.matched) {
                audit(kAnonymous, u"auth.sign_in"_s, user ? user->id : QString(), client, u"denied"_s,
                      QJsonObject{{u"email"_s, accountKey}, {u"reason"_s, u"invalid_credentials"_s}});
                return unexpected(AuthError(AuthError::Kind::InvalidCredentials, kInvalidCredentials));
            }
            // Read again: the account may have been disabled or demoted while Argon2id ran.
            const auto fresh = m_users.findById(user->id);
            if (!fresh)
                return unexpected(AuthError(fresh.error()));
            if (!fresh->has_value())
                return unexpected(AuthError(AuthError::Kind::InvalidCredentials, kInvalidCredentials));
            UserRecord current = **fresh;
            // The hash changed while Argon2id ran: another sign-in upgraded it (same password), or the password
            // was changed or reset (which revokes every session) and the one just verified is no longer the
            // account's. Only the current hash decides. This verification runs on the loop, but only in
            // that rare race.
            if (current.passwordHash != storedHash && !m_hasher.verify(password, current.passwordHash)) {
                audit(current.id, u"auth.sign_in"_s, current.id, client, u"denied"_s,
                      {{u"reason"_s, u"password_changed"_s}});
                return unexpected(AuthError(AuthError::Kind::InvalidCredentials, kInvalidCredentials));
            }
            if (current.disabled) {
                audit(current.id, u"auth.sign_in"_s, current.id, client, u"denied"_s,
                      {{u"reason"_s, u"disabled"_s}});
                return unexpected(AuthError(AuthError::Kind::AccountDisabled, u"this account is disabled"_s));
            }
            m_signInByAccount.reset(accountKey);
            if (!client.ip.isEmpty())
                m_signInByAddress.release(client.ip);
            // Only over the hash that was verified: a password changed meanwhile stays changed.
            if (outcome.rehash)
                (void)m_users.replacePasswordHash(current.id, storedHash, *outcome.rehash);
            auto session = m_db.transaction([&]() -> Expected<AuthSession, StoreError> {
                auto s = startSession(current, newId(), client);
                if (!s)
                    return s;
                if (auto logged =
                        auditInTransaction(current.id, u"auth.sign_in"_s, client, {{u"email"_s, accountKey}});
                    !logged)
                    return unexpected(logged.error());
                return s;
            });
            if (!session)
                return unexpected(AuthError(session.error()));
            return std::move(session).value();
        });
}

Expected<AuthSession, AuthError> AuthService::refresh(const QString &refreshToken, const ClientInfo &client)
{
    const AuthError invalid(AuthError::Kind::InvalidToken, kInvalidSession);
    if (!OpaqueToken::isWellFormed(refreshToken))
        return unexpected(invalid);
    const auto found = m_sessions.findByTokenHash(OpaqueToken::hashOf(refreshToken));
    if (!found)
        return unexpected(AuthError(found.error()));
    if (!found->has_value()) {
        audit(kAnonymous, u"auth.refresh"_s, QString(), client, u"denied"_s,
              {{u"reason"_s, u"unknown_token"_s}});
        return unexpected(invalid);
    }
    const SessionRecord old = **found;
    const QDateTime at = now();
    const auto revokeFamily = [&](const QString &reason) {
        const int revoked = m_sessions.revokeFamily(old.familyId, at).valueOr(0);
        audit(old.userId, u"auth.refresh"_s, old.userId, client, u"denied"_s,
              {{u"reason"_s, reason}, {u"family_id"_s, old.familyId}, {u"revoked"_s, revoked}});
    };
    if (old.revokedAt || !old.replacedBy.isEmpty()) {
        // A rotated or revoked token came back: someone holds a copy. End the whole family.
        revokeFamily(u"token_reuse"_s);
        return unexpected(invalid);
    }
    if (at >= old.expiresAt) {
        audit(old.userId, u"auth.refresh"_s, old.userId, client, u"denied"_s, {{u"reason"_s, u"expired"_s}});
        return unexpected(invalid);
    }
    const auto user = m_users.findById(old.userId);
    if (!user)
        return unexpected(AuthError(user.error()));
    if (!user->has_value() || (*user)->disabled) {
        revokeFamily(u"account_disabled"_s);
        return unexpected(invalid);
    }
    auto session = m_db.transaction([&]() -> Expected<AuthSession, StoreError> {
        auto s = startSession(**user, old.familyId, client, old.id);
        if (!s)
            return s;
        if (auto logged =
                auditInTransaction(old.userId, u"auth.refresh"_s, client, {{u"family_id"_s, old.familyId}});
            !logged)
            return unexpected(logged.error());
        return s;
    });
    if (!session && session.error().kind == StoreError::Kind::Conflict) {
        revokeFamily(u"concurrent_reuse"_s);
        return unexpected(invalid);
    }
    if (!session)
        return unexpected(AuthError(session.error()));
    return std::move(session).value();
}

Expected<Done, AuthError> AuthService::signOut(const QString &refreshToken, const ClientInfo &client)
{
    if (!OpaqueToken::isWellFormed(refreshToken))
        return Done{};
    const auto found = m_sessions.findByTokenHash(OpaqueToken::hashOf(refreshToken));
    if (!found)
        return unexpected(AuthError(found.error()));
    if (!found->has_value())
        return Done{};
    const SessionRecord &s = **found;
    const auto revoked = m_sessions.revokeFamily(s.familyId, now());
    if (!revoked)
        return unexpected(AuthError(revoked.error()));
    if (*revoked > 0)
        audit(s.userId, u"auth.sign_out"_s, s.userId, client, u"ok"_s, {{u"family_id"_s, s.familyId}});
    return Done{};
}

Expected<int, AuthError> AuthService::signOutEverywhere(const QString &userId, const ClientInfo &client)
{
    const auto revoked = m_sessions.revokeAllForUser(userId, now());
    if (!revoked)
        return unexpected(AuthError(revoked.error()));
    audit(userId, u"auth.sign_out_everywhere"_s, userId, client, u"ok"_s, {{u"revoked"_s, *revoked}});
    return *revoked;
}

Expected<UserRecord, AuthError> AuthService::operatorTarget(const QString &operatorId, const QString &userId,
                                                            const QString &action, const ClientInfo &client)
{
    const auto actor = m_users.findById(operatorId);
    if (!actor)
        return unexpected(AuthError(actor.error()));
    if (!actor->has_value() || (*actor)->disabled || (*actor)->role != toString(Role::Operator)) {
        audit(operatorId.isEmpty() ? kAnonymous : operatorId, action, userId, client, u"denied"_s,
              {{u"reason"_s, u"not_operator"_s}});
        return unexpected(AuthError(AuthError::Kind::Forbidden, u"this action needs the operator role"_s));
    }
    const auto target = m_users.findById(userId);
    if (!target)
        return unexpected(AuthError(target.error()));
    if (!target->has_value())
        return unexpected(AuthError(AuthError::Kind::NotFound, u"no such user"_s));
    return **target;
}

Expected<Done, AuthError> AuthService::setUserDisabled(const QString &operatorId, const QString &userId,
                                                       bool disabled, const ClientInfo &client)
{
    const QString action = disabled ? u"admin.user_disable"_s : u"admin.user_enable"_s;
    const auto target = operatorTarget(operatorId, userId, action, client);
    if (!target)
        return unexpected(target.error());
    const auto refuse = [&](const QString &reason, const QString &message) {
        audit(operatorId, action, userId, client, u"denied"_s, {{u"reason"_s, reason}});
        return unexpected(AuthError(AuthError::Kind::Conflict, message));
    };
    if (disabled && userId == operatorId)
        return refuse(u"self"_s, u"operators cannot disable their own account"_s);
    auto done = m_db.transaction([&]() -> Expected<bool, StoreError> {
        int revoked = 0;
        if (disabled) {
            const auto set = m_users.disableKeepingAnOperator(userId);
            if (!set || !*set)
                return set;
            const auto ended = m_sessions.revokeAllForUser(userId, now());
            if (!ended)
                return unexpected(ended.error());
            revoked = *ended;
        } else if (auto set = m_users.setDisabled(userId, false); !set) {
            return unexpected(set.error());
        }
        auto appended = m_audit.append(
            {0, now(), operatorId, action, userId, client.ip, u"ok"_s, QJsonObject{{u"revoked"_s, revoked}}});
        if (!appended)
            return unexpected(appended.error());
        return true;
    });
    if (!done)
        return unexpected(AuthError(done.error()));
    if (!*done)
        return refuse(u"last_operator"_s, u"the last enabled operator cannot be disabled"_s);
    return Done{};
}

Expected<Done, AuthError> AuthService::setUserRole(const QString &operatorId, const QString &userId,
                                                   Role role, const ClientInfo &client)
{
    const auto target = operatorTarget(operatorId, userId, u"admin.user_role"_s, client);
    if (!target)
        return unexpected(target.error());
    auto done = m_db.transaction([&]() -> Expected<Done, StoreError> {
        if (auto set = m_users.setRole(userId, toString(role)); !set)
            return set;
        auto appended =
            m_audit.append({0, now(), operatorId, u"admin.user_role"_s, userId, client.ip, u"ok"_s,
                            QJsonObject{{u"from"_s, target->role}, {u"to"_s, toString(role)}}});
        if (!appended)
            return unexpected(appended.error());
        return Done{};
    });
    if (!done)
        return unexpected(AuthError(done.error()));
    return Done{};
}

Expected<int, AuthError> AuthService::purgeExpired(std::chrono::seconds retention)
{
    const QDateTime before = now().addSecs(-retention.count());
    auto purged = m_db.transaction([&]() -> Expected<int, StoreError> {
        const auto sessions = m_sessions.purgeExpired(before);
        if (!sessions)
            return sessions;
        const auto tokens = m_emailTokens.purgeExpired(before);
        if (!tokens)
            return tokens;
        return *sessions + *tokens;
    });
    if (!purged)
        return unexpected(AuthError(purged.error()));
    if (*purged > 0)
        audit(u"system"_s, u"auth.purge_expired"_s, QString(), {}, u"ok"_s, {{u"rows"_s, *purged}});
    return *purged;
}

Expected<AuthenticatedUser, AuthError> AuthService::authenticate(QStringView accessToken)
{
    const auto claims = verifyAccessToken(accessToken);
    if (!claims)
        return unexpected(AuthError(AuthError::Kind::InvalidToken, claims.error().message));
    const auto user = m_users.findById(claims->subject);
    if (!user)
        return unexpected(AuthError(user.error()));
    if (!user->has_value() || (*user)->disabled)
        return unexpected(AuthError(AuthError::Kind::InvalidToken, kInvalidSession));
    return AuthenticatedUser{(*user)->id, roleFromString((*user)->role).value_or(Role::User),
                             (*user)->emailVerifiedAt.has_value()};
}

Expected<TokenClaims, JwtError> AuthService::verifyAccessToken(QStringView token) const
{
    return m_jwt.verify(token, now().toSecsSinceEpoch());
}

} // namespace clera
