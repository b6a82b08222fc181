#include "authroutes.h"

#include "core/auth/authservice.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/userrepository.h"
#include "httprouter.h"
#include "jsonresponse.h"
#include "serverlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

QString rfc3339(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject sessionJson(const AuthSession &s)
{
    return {
        {u"token_type"_s, u"Bearer"_s},
        {u"access_token"_s, s.accessToken},
        {u"access_expires_at"_s, rfc3339(s.accessExpiresAt)},
        {u"expires_in"_s, QDateTime::currentDateTimeUtc().secsTo(s.accessExpiresAt)},
        {u"refresh_token"_s, s.refreshToken},
        {u"refresh_expires_at"_s, rfc3339(s.refreshExpiresAt)},
        {u"session_id"_s, s.sessionId},
        {u"user"_s, QJsonObject{{u"id"_s, s.userId},
                                {u"role"_s, toString(s.role)},
                                {u"email_verified"_s, s.emailVerified}}},
    };
}

QHttpServerResponse accepted(const QString &message)
{
    return jsonResponse(QJsonObject{{u"status"_s, u"accepted"_s}, {u"message"_s, message}}, Status::Accepted);
}

QString field(const RequestContext &context, const QString &name)
{
    return context.body.value(name).toString();
}

const BodyField kEmail{u"email"_s, u"The account's email address"_s, true, 254};
const BodyField kPassword{u"password"_s, u"At least 12 characters, not the email address"_s, true, 1024};
const BodyField kRefreshToken{u"refresh_token"_s, u"The refresh token from sign-in or the last refresh"_s,
                              true, 256};
const BodyField kMailToken{u"token"_s, u"The code from the mail (also in its link as ?token=)"_s, true, 256};

RouteSpec post(const QString &path, const QString &operationId, const QString &summary)
{
    RouteSpec spec;
    spec.method = Method::Post;
    spec.path = u"/api/v1/auth/"_s + path;
    spec.operationId = operationId;
    spec.summary = summary;
    spec.tag = u"auth"_s;
    return spec;
}

} // namespace

AuthRoutes::AuthRoutes(AuthService &auth, UserRepository &users, BrokerageAccountRepository &accounts)
    : m_auth(auth), m_users(users), m_accounts(accounts)
{}

QHttpServerResponse AuthRoutes::failure(const AuthError &error, QHttpServerResponse::StatusCode tokenStatus)
{
    switch (error.kind) {
    case AuthError::Kind::InvalidInput:
        return errorResponse(Status::BadRequest, error.code(), error.message);
    case AuthError::Kind::InvalidCredentials: {
        QHttpServerResponse response = errorResponse(Status::Unauthorized, error.code(), error.message);
        response.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                           QByteArrayLiteral("Bearer realm=\"clera\""));
        return response;
    }
    case AuthError::Kind::AccountDisabled:
    case AuthError::Kind::Forbidden:
        return errorResponse(Status::Forbidden, error.code(), error.message);
    case AuthError::Kind::InvalidToken: {
        QHttpServerResponse response = errorResponse(tokenStatus, error.code(), error.message);
        if (tokenStatus == Status::Unauthorized)
            response.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                               QByteArrayLiteral("Bearer realm=\"clera\""));
        return response;
    }
    case AuthError::Kind::RateLimited: {
        QHttpServerResponse response = errorResponse(Status::TooManyRequests, error.code(), error.message);
        response.addHeader(QByteArrayLiteral("Retry-After"),
                           QByteArray::number(qMax<qint64>(1, error.retryAfter.count())));
        return response;
    }
    case AuthError::Kind::NotFound:
        return errorResponse(Status::NotFound, error.code(), error.message);
    case AuthError::Kind::Conflict:
        return errorResponse(Status::Conflict, error.code(), error.message);
    case AuthError::Kind::Internal:
        break;
    }
    return errorResponse(Status::InternalServerError, u"internal_error"_s, u"internal error"_s);
}

void AuthRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec spec = post(u"sign-up"_s, u"signUp"_s,
                              u"Create an account; a verification mail follows. The answer is the same "
                              "whether or not the address already has an account"_s);
        spec.body = {kEmail, kPassword};
        spec.status = 202;
        spec.responseSchema = u"Accepted"_s;
        spec.errors = {429};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_auth.signUp(field(c, u"email"_s), field(c, u"password"_s), c.client)
                .then([](const Expected<Done, AuthError> &done) {
                    if (!done)
                        return failure(done.error());
                    return accepted(u"if the address can be used, a verification mail is on its way"_s);
                });
        });
    }
    {
        RouteSpec spec = post(u"sign-in"_s, u"signIn"_s, u"Sign in with email and password"_s);
        spec.body = {kEmail, {u"password"_s, u"The account's password"_s, true, 1024}};
        spec.responseSchema = u"Session"_s;
        spec.errors = {401, 403, 429};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_auth.signIn(field(c, u"email"_s), field(c, u"password"_s), c.client)
                .then([](const Expected<AuthSession, AuthError> &session) {
                    if (!session)
                        return failure(session.error());
                    return jsonResponse(sessionJson(*session));
                });
        });
    }
    {
        RouteSpec spec =
            post(u"refresh"_s, u"refresh"_s,
                 u"Exchange a refresh token for new tokens; the old refresh token stops working, "
                 "and presenting it again revokes every session of its sign-in"_s);
        spec.body = {kRefreshToken};
        spec.responseSchema = u"Session"_s;
        spec.errors = {401};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto session = m_auth.refresh(field(c, u"refresh_token"_s), c.client);
            if (!session)
                return ready(failure(session.error(), Status::Unauthorized));
            return ready(jsonResponse(sessionJson(*session)));
        });
    }
    {
        RouteSpec spec = post(u"sign-out"_s, u"signOut"_s,
                              u"End this device's session (idempotent: unknown tokens are fine)"_s);
        spec.body = {kRefreshToken};
        spec.status = 204;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto done = m_auth.signOut(field(c, u"refresh_token"_s), c.client);
            if (!done)
                return ready(failure(done.error()));
            return ready(QHttpServerResponse(Status::NoContent));
        });
    }
    {
        RouteSpec spec = post(u"sign-out-everywhere"_s, u"signOutEverywhere"_s,
                              u"Revoke every session of the user (access tokens run out on their own)"_s);
        spec.bearer = true;
        spec.responseSchema = u"SignedOutEverywhere"_s;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto revoked = m_auth.signOutEverywhere(c.user.userId, c.client);
            if (!revoked)
                return ready(failure(revoked.error()));
            return ready(jsonResponse(QJsonObject{{u"revoked_sessions"_s, *revoked}}));
        });
    }
    {
        RouteSpec spec = post(u"change-password"_s, u"changePassword"_s,
                              u"Change the password: every session is revoked and a fresh one returned"_s);
        spec.bearer = true;
        spec.body = {{u"current_password"_s, u"The password now"_s, true, 1024},
                     {u"new_password"_s, u"At least 12 characters, not the email address"_s, true, 1024}};
        spec.responseSchema = u"Session"_s;
        spec.errors = {403, 429};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_auth
                .changePassword(c.user.userId, field(c, u"current_password"_s), field(c, u"new_password"_s),
                                c.client)
                .then([](const Expected<AuthSession, AuthError> &session) {
                    if (!session && session.error().kind == AuthError::Kind::InvalidCredentials)
                        // Not 401: the bearer token is fine, and clients treat 401 as "sign in again".
                        return errorResponse(Status::Forbidden, session.error().code(),
                                             session.error().message);
                    if (!session)
                        return failure(session.error());
                    return jsonResponse(sessionJson(*session));
                });
        });
    }
    {
        RouteSpec spec = post(u"request-verification"_s, u"requestVerification"_s,
                              u"Send a new verification mail (nothing happens when already verified)"_s);
        spec.bearer = true;
        spec.status = 202;
        spec.responseSchema = u"Accepted"_s;
        spec.errors = {429};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto done = m_auth.requestEmailVerification(c.user.userId, c.client);
            if (!done)
                return ready(failure(done.error()));
            return ready(
                accepted(u"unless the address is verified already, a verification mail is on its way"_s));
        });
    }
    {
        RouteSpec spec = post(u"verify-email"_s, u"verifyEmail"_s,
                              u"Confirm the email address with the code from the verification mail"_s);
        spec.body = {kMailToken};
        spec.responseSchema = u"EmailVerified"_s;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto done = m_auth.verifyEmail(field(c, u"token"_s), c.client);
            if (!done)
                return ready(failure(done.error()));
            return ready(jsonResponse(QJsonObject{{u"email_verified"_s, true}}));
        });
    }
    {
        RouteSpec spec = post(u"request-password-reset"_s, u"requestPasswordReset"_s,
                              u"Mail a password-reset code; the answer is the same whether or not the "
                              "address has an account"_s);
        spec.body = {kEmail};
        spec.status = 202;
        spec.responseSchema = u"Accepted"_s;
        spec.errors = {429};
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto done = m_auth.requestPasswordReset(field(c, u"email"_s), c.client);
            if (!done)
                return ready(failure(done.error()));
            return ready(accepted(u"if the address has an account, a reset mail is on its way"_s));
        });
    }
    {
        RouteSpec spec = post(u"complete-password-reset"_s, u"completePasswordReset"_s,
                              u"Set a new password with the code from the reset mail; every session is "
                              "revoked"_s);
        spec.body = {kMailToken, kPassword};
        spec.status = 204;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            return m_auth.completePasswordReset(field(c, u"token"_s), field(c, u"password"_s), c.client)
                .then([](const Expected<Done, AuthError> &done) {
                    if (!done)
                        return failure(done.error());
                    return QHttpServerResponse(Status::NoContent);
                });
        });
    }
    {
        RouteSpec spec;
        spec.method = Method::Get;
        spec.path = u"/api/v1/me"_s;
        spec.operationId = u"me"_s;
        spec.summary = u"The signed-in user and their brokerage accounts"_s;
        spec.tag = u"auth"_s;
        spec.bearer = true;
        spec.responseSchema = u"Me"_s;
        router.add(spec, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto user = m_users.findById(c.user.userId);
            const auto accounts = m_accounts.recordsOf(c.user.userId);
            if (!user || !user->has_value() || !accounts) {
                qCWarning(lcServer) << "cannot read the user" << c.user.userId;
                return ready(
                    errorResponse(Status::InternalServerError, u"internal_error"_s, u"internal error"_s));
            }
            const UserRecord &u = **user;
            QJsonArray owned;
            for (const BrokerageAccountRecord &a : *accounts)
                owned.append(QJsonObject{{u"id"_s, a.brokerAccountId},
                                         {u"broker"_s, a.broker},
                                         {u"created_at"_s, rfc3339(a.createdAt)}});
            return ready(jsonResponse(QJsonObject{
                {u"id"_s, u.id},
                {u"email"_s, u.email},
                {u"role"_s, u.role},
                {u"email_verified"_s, u.emailVerifiedAt.has_value()},
                {u"created_at"_s, rfc3339(u.createdAt)},
                {u"accounts"_s, owned},
            }));
        });
    }
}

} // namespace clera
