// AuthService, part two: sign-up, e-mail verification, password changes and resets (the password
// work on the pool and the e-mailed tokens). Sessions and tokens are in authservice.cpp.
#include "authservice.h"

#include "authservice_p.h"

#include "core/auth/mailer.h"
#include "core/auth/opaquetoken.h"
#include "core/auth/signuprules.h"
#include "core/store/database.h"

using namespace Qt::StringLiterals;

namespace clera {

using namespace authservice_p;

namespace {

const QString kInvalidLink = u"this link is invalid or has expired"_s;

QString describeTtl(std::chrono::seconds ttl)
{
    const qint64 hours = ttl.count() / 3600;
    return hours >= 1 ? u"%1 hour(s)"_s.arg(hours) : u"%1 minute(s)"_s.arg(qMax<qint64>(1, ttl.count() / 60));
}

// For a password change: the current password checked, then (when it matched and the new one passes
// the rules) the new one hashed.
struct ChangeOutcome
{
    bool matched = false;
    std::optional<Expected<QString, PasswordHashError>> hash;
};

} // namespace

Expected<Done, StoreError> AuthService::issueEmailToken(const UserRecord &user, EmailTokenPurpose purpose)
{
    const QDateTime at = now();
    const bool verify = purpose == EmailTokenPurpose::VerifyEmail;
    const std::chrono::seconds ttl = verify ? m_policy.verificationTtl : m_policy.resetTtl;
    const QString token = OpaqueToken::generate();
    auto stored = m_db.transaction([&]() -> Expected<Done, StoreError> {
        if (auto old = m_emailTokens.invalidateAll(user.id, purpose, at); !old)
            return unexpected(old.error());
        return m_emailTokens.create({newId(), user.id, purpose, OpaqueToken::hashOf(token), at,
                                     at.addSecs(ttl.count()), std::nullopt});
    });
    if (!stored)
        return stored;
    const QString link =
        m_policy.linkBase + (verify ? u"/verify-email?token="_s : u"/reset-password?token="_s) + token;
    MailMessage mail;
    mail.to = user.email;
    if (verify) {
        mail.subject = u"Confirm your email address for Clera"_s;
        mail.body =
            u"Welcome to Clera.\n\nConfirm your email address by opening this link:\n\n%1\n\n"
            "or by entering this code: %2\n\nIt expires in %3. If you did not sign up, ignore this mail.\n"_s
                .arg(link, token, describeTtl(ttl));
    } else {
        mail.subject = u"Reset your Clera password"_s;
        mail.body =
            u"Someone asked to reset the password of your Clera account.\n\nChoose a new password here:\n\n"
            "%1\n\nor with this code: %2\n\nIt expires in %3 and works once. If it was not you, ignore "
            "this mail: your password stays as it is.\n"_s.arg(link, token, describeTtl(ttl));
    }
    if (auto sent = m_mailer.send(mail); !sent)
        return unexpected(
            StoreError{StoreError::Kind::Unavailable, u"mail not sent: "_s + sent.error().message});
    return Done{};
}

QFuture<Expected<Done, AuthError>> AuthService::signUp(const QString &email, const QString &password,
                                                       const ClientInfo &client)
{
    if (auto bad = SignUpRules::checkEmail(email))
        return failed<Done>(AuthError(AuthError::Kind::InvalidInput, *bad));
    if (auto bad = SignUpRules::checkPassword(password, email))
        return failed<Done>(AuthError(AuthError::Kind::InvalidInput, *bad));
    const QString accountKey = UserRepository::emailKey(email);
    // Counted for every address, known or not, so a 429 says nothing about an account.
    for (auto [limiter, key] :
         {std::pair{&m_signUpByAccount, accountKey}, std::pair{&m_signUpByAddress, client.ip}}) {
        if (auto limited = rateLimited(*limiter, key, false)) {
            audit(kAnonymous, u"auth.sign_up"_s, QString(), client, u"denied"_s,
                  {{u"email"_s, accountKey}, {u"reason"_s, u"rate_limited"_s}});
            return failed<Done>(*limited);
        }
    }
    m_signUpByAccount.record(accountKey);
    if (!client.ip.isEmpty())
        m_signUpByAddress.record(client.ip);
    // Hashed before looking the address up, so both outcomes take the same time.
    return onPool([hasher = m_hasher, password] { return hasher.hash(password); },
                  [this, email, client](const Expected<QString, PasswordHashError> &hash) {
                      return finishSignUp(email, hash, client);
                  });
}

Expected<Done, AuthError> AuthService::finishSignUp(const QString &email,
                                                    const Expected<QString, PasswordHashError> &hash,
                                                    const ClientInfo &client)
{
    if (!hash)
        return unexpected(AuthError(AuthError::Kind::Internal, u"internal error"_s));
    const QJsonObject details{{u"email"_s, UserRepository::emailKey(email)}};
    auto created = m_db.transaction([&]() -> Expected<UserRecord, StoreError> {
        // Checked first so the common case does not abort a PostgreSQL transaction; the unique key
        // still decides races.
        const auto existing = m_users.findByEmail(email);
        if (!existing)
            return unexpected(existing.error());
        if (existing->has_value())
            return unexpected(StoreError{StoreError::Kind::Conflict, u"email taken"_s});
        auto user = m_users.create(email, *hash, u"user"_s, now());
        if (!user)
            return user;
        if (auto logged = auditInTransaction(user->id, u"auth.sign_up"_s, client, details); !logged)
            return unexpected(logged.error());
        return user;
    });
    if (!created && created.error().kind != StoreError::Kind::Conflict)
        return unexpected(AuthError(created.error()));
    if (!created) {
        audit(kAnonymous, u"auth.sign_up"_s, QString(), client, u"denied"_s,
              QJsonObject{{u"email"_s, UserRepository::emailKey(email)}, {u"reason"_s, u"email_taken"_s}});
        MailMessage notice{
            email.trimmed(), u"Someone tried to sign up to Clera with your address"_s,
            u"Someone, maybe you, tried to create a Clera account with this address, which already "
            "has one.\n\nIf it was you, sign in, or reset your password if you forgot it. If not, you "
            "can ignore this mail.\n"_s};
        if (auto sent = m_mailer.send(notice); !sent)
            qCWarning(lcAuth) << "cannot send a sign-up notice:" << sent.error().message;
        return Done{};
    }
    if (auto mailed = issueEmailToken(*created, EmailTokenPurpose::VerifyEmail); !mailed) {
        qCWarning(lcAuth) << "verification mail failed:" << mailed.error().message;
        audit(created->id, u"auth.email_verification_request"_s, created->id, client, u"error"_s);
    }
    return Done{};
}

QFuture<Expected<AuthSession, AuthError>> AuthService::changePassword(const QString &userId,
                                                                      const QString &current,
                                                                      const QString &replacement,
                                                                      const ClientInfo &client)
{
    using Result = Expected<AuthSession, AuthError>;
    const auto found = m_users.findById(userId);
    if (!found)
        return failed<AuthSession>(AuthError(found.error()));
    if (!found->has_value())
        return failed<AuthSession>(AuthError(AuthError::Kind::InvalidToken, kInvalidSession));
    const UserRecord user = **found;
    const QString accountKey = UserRepository::emailKey(user.email);
    if (auto limited = rateLimited(m_signInByAccount, accountKey, false))
        return failed<AuthSession>(*limited);
    recordSignInFailure(accountKey, client);
    const std::optional<QString> ruleError = SignUpRules::checkPassword(replacement, user.email);
    return onPool(
        [hasher = m_hasher, current, replacement, stored = user.passwordHash,
         rejected = ruleError.has_value()] {
            ChangeOutcome outcome;
            outcome.matched = hasher.verify(current, stored);
            if (outcome.matched && !rejected)
                outcome.hash = hasher.hash(replacement);
            return outcome;
        },
        [this, user, accountKey, ruleError, client](const ChangeOutcome &outcome) -> Result {
            const QString userId = user.id;
            if (!outcome.matched) {
                audit(userId, u"auth.password_change"_s, userId, client, u"denied"_s,
                      {{u"reason"_s, u"wrong_password"_s}});
                return unexpected(
                    AuthError(AuthError::Kind::InvalidCredentials, u"the current password is wrong"_s));
            }
            m_signInByAccount.release(accountKey);
            if (!client.ip.isEmpty())
                m_signInByAddress.release(client.ip);
            if (ruleError)
                return unexpected(AuthError(AuthError::Kind::InvalidInput, *ruleError));
            if (!outcome.hash || !*outcome.hash)
                return unexpected(AuthError(AuthError::Kind::Internal, u"internal error"_s));
            const QString hash = **outcome.hash;
            auto session = m_db.transaction([&]() -> Expected<AuthSession, StoreError> {
                const QDateTime at = now();
                // Only over the hash that was verified: of two concurrent changes, the second fails.
                const auto replaced = m_users.replacePasswordHash(userId, user.passwordHash, hash);
                if (!replaced)
                    return unexpected(replaced.error());
                if (!*replaced)
                    return unexpected(
                        StoreError{StoreError::Kind::Conflict, u"the password changed meanwhile"_s});
                const auto revoked = m_sessions.revokeAllForUser(userId, at);
                if (!revoked)
                    return unexpected(revoked.error());
                if (auto old = m_emailTokens.invalidateAll(userId, EmailTokenPurpose::ResetPassword, at);
                    !old)
                    return unexpected(old.error());
                auto s = startSession(user, newId(), client);
                if (!s)
                    return s;
                if (auto logged = auditInTransaction(userId, u"auth.password_change"_s, client,
                                                     {{u"revoked"_s, *revoked}});
                    !logged)
                    return unexpected(logged.error());
                return s;
            });
            if (!session && session.error().kind == StoreError::Kind::Conflict)
                return unexpected(
                    AuthError(AuthError::Kind::InvalidCredentials, u"the current password is wrong"_s));
            if (!session)
                return unexpected(AuthError(session.error()));
            return std::move(session).value();
        });
}

Expected<Done, AuthError> AuthService::requestEmailVerification(const QString &userId,
                                                                const ClientInfo &client)
{
    const auto found = m_users.findById(userId);
    if (!found)
        return unexpected(AuthError(found.error()));
    if (!found->has_value())
        return unexpected(AuthError(AuthError::Kind::InvalidToken, kInvalidSession));
    if ((*found)->emailVerifiedAt)
        return Done{};
    if (auto limited = rateLimited(m_resetByAccount, u"verify:"_s + userId, true))
        return unexpected(*limited);
    if (auto mailed = issueEmailToken(**found, EmailTokenPurpose::VerifyEmail); !mailed) {
        audit(userId, u"auth.email_verification_request"_s, userId, client, u"error"_s);
        return unexpected(AuthError(mailed.error()));
    }
    audit(userId, u"auth.email_verification_request"_s, userId, client, u"ok"_s);
    return Done{};
}

Expected<Done, AuthError> AuthService::verifyEmail(const QString &token, const ClientInfo &client)
{
    const AuthError invalid(AuthError::Kind::InvalidToken, kInvalidLink);
    if (!OpaqueToken::isWellFormed(token))
        return unexpected(invalid);
    const auto found = m_emailTokens.findByHash(OpaqueToken::hashOf(token), EmailTokenPurpose::VerifyEmail);
    if (!found)
        return unexpected(AuthError(found.error()));
    const QDateTime at = now();
    if (!found->has_value() || (*found)->usedAt || at >= (*found)->expiresAt) {
        audit(found->has_value() ? (*found)->userId : kAnonymous, u"auth.email_verify"_s,
              found->has_value() ? (*found)->userId : QString(), client, u"denied"_s);
        return unexpected(invalid);
    }
    const EmailTokenRecord record = **found;
    auto done = m_db.transaction([&]() -> Expected<bool, StoreError> {
        const auto consumed = m_emailTokens.consume(record.id, at);
        if (!consumed || !*consumed)
            return consumed;
        if (auto marked = m_users.markEmailVerified(record.userId, at); !marked)
            return unexpected(marked.error());
        if (auto logged = auditInTransaction(record.userId, u"auth.email_verify"_s, client); !logged)
            return unexpected(logged.error());
        return true;
    });
    if (!done)
        return unexpected(AuthError(done.error()));
    if (!*done)
        return unexpected(invalid);
    return Done{};
}

Expected<Done, AuthError> AuthService::requestPasswordReset(const QString &email, const ClientInfo &client)
{
    const QString accountKey = UserRepository::emailKey(email);
    // Both limits count unknown addresses too, so being limited says nothing about an account.
    for (auto [limiter, key] :
         {std::pair{&m_resetByAccount, accountKey}, std::pair{&m_resetByAddress, client.ip}}) {
        if (auto limited = rateLimited(*limiter, key, true)) {
            audit(kAnonymous, u"auth.password_reset_request"_s, QString(), client, u"denied"_s,
                  {{u"email"_s, accountKey}, {u"reason"_s, u"rate_limited"_s}});
            return unexpected(*limited);
        }
    }
    if (SignUpRules::checkEmail(email))
        return Done{};
    const auto found = m_users.findByEmail(email);
    if (!found)
        return unexpected(AuthError(found.error()));
    if (!found->has_value() || (*found)->disabled) {
        audit(kAnonymous, u"auth.password_reset_request"_s, QString(), client, u"denied"_s,
              {{u"email"_s, accountKey},
               {u"reason"_s, found->has_value() ? u"disabled"_s : u"unknown_email"_s}});
        return Done{};
    }
    const UserRecord &user = **found;
    if (auto mailed = issueEmailToken(user, EmailTokenPurpose::ResetPassword); !mailed) {
        qCWarning(lcAuth) << "reset mail failed:" << mailed.error().message;
        audit(kAnonymous, u"auth.password_reset_request"_s, user.id, client, u"error"_s,
              {{u"email"_s, accountKey}});
        return Done{};
    }
    audit(kAnonymous, u"auth.password_reset_request"_s, user.id, client, u"ok"_s, {{u"email"_s, accountKey}});
    return Done{};
}

QFuture<Expected<Done, AuthError>>
AuthService::completePasswordReset(const QString &token, const QString &password, const ClientInfo &client)
{
    const AuthError invalid(AuthError::Kind::InvalidToken, kInvalidLink);
    if (!OpaqueToken::isWellFormed(token))
        return failed<Done>(invalid);
    const auto found = m_emailTokens.findByHash(OpaqueToken::hashOf(token), EmailTokenPurpose::ResetPassword);
    if (!found)
        return failed<Done>(AuthError(found.error()));
    if (!found->has_value() || (*found)->usedAt || now() >= (*found)->expiresAt) {
        audit(kAnonymous, u"auth.password_reset"_s, found->has_value() ? (*found)->userId : QString(), client,
              u"denied"_s);
        return failed<Done>(invalid);
    }
    const EmailTokenRecord record = **found;
    const auto owner = m_users.findById(record.userId);
    if (!owner)
        return failed<Done>(AuthError(owner.error()));
    if (!owner->has_value())
        return failed<Done>(invalid);
    if (auto bad = SignUpRules::checkPassword(password, (*owner)->email))
        return failed<Done>(AuthError(AuthError::Kind::InvalidInput, *bad));
    return onPool([hasher = m_hasher, password] { return hasher.hash(password); },
                  [this, record, user = **owner, client](const Expected<QString, PasswordHashError> &hash) {
                      return finishPasswordReset(record, user, hash, client);
                  });
}

Expected<Done, AuthError> AuthService::finishPasswordReset(const EmailTokenRecord &record,
                                                           const UserRecord &user,
                                                           const Expected<QString, PasswordHashError> &hash,
                                                           const ClientInfo &client)
{
    const AuthError invalid(AuthError::Kind::InvalidToken, kInvalidLink);
    if (!hash)
        return unexpected(AuthError(AuthError::Kind::Internal, u"internal error"_s));
    // The token is consumed in the transaction, so of two requests with one token only one succeeds.
    const QDateTime at = now();
    auto done = m_db.transaction([&]() -> Expected<bool, StoreError> {
        const auto consumed = m_emailTokens.consume(record.id, at);
        if (!consumed || !*consumed)
            return consumed;
        if (auto set = m_users.setPasswordHash(record.userId, *hash); !set)
            return unexpected(set.error());
        if (!user.emailVerifiedAt) {
            if (auto marked = m_users.markEmailVerified(record.userId, at); !marked)
                return unexpected(marked.error());
        }
        const auto revoked = m_sessions.revokeAllForUser(record.userId, at);
        if (!revoked)
            return unexpected(revoked.error());
        if (auto old = m_emailTokens.invalidateAll(record.userId, EmailTokenPurpose::ResetPassword, at); !old)
            return unexpected(old.error());
        if (auto logged = auditInTransaction(record.userId, u"auth.password_reset"_s, client,
                                             {{u"revoked"_s, *revoked}});
            !logged)
            return unexpected(logged.error());
        return true;
    });
    if (!done)
        return unexpected(AuthError(done.error()));
    if (!*done)
        return unexpected(invalid);
    m_signInByAccount.reset(UserRepository::emailKey(user.email));
    return Done{};
}

} // namespace clera
