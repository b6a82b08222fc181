#include "operatorroutes.h"

#include "authroutes.h"
#include "core/auth/authservice.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/userrepository.h"
#include "httprouter.h"
#include "jsonresponse.h"
#include "serverlog.h"
#include "websockethub.h"

#include <QJsonArray>
#include <QUrlQuery>

#include <limits>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

constexpr qsizetype kMaxFilterLength = 254;

QString rfc3339(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue optionalTime(const std::optional<QDateTime> &at)
{
    return at ? QJsonValue(rfc3339(*at)) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalText(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QHttpServerResponse internalError(const StoreError &error)
{
    qCWarning(lcServer) << "operator route: store error:" << error.kindName() << error.message;
    return errorResponse(Status::InternalServerError, u"internal_error"_s, u"internal error"_s);
}

QHttpServerResponse invalidQuery(const QString &message)
{
    return errorResponse(Status::BadRequest, u"invalid_query"_s, message);
}

QJsonArray accountsJson(const QList<BrokerageAccountRecord> &records)
{
    QJsonArray out;
    for (const BrokerageAccountRecord &a : records)
        out.append(QJsonObject{
            {u"id"_s, a.brokerAccountId}, {u"broker"_s, a.broker}, {u"created_at"_s, rfc3339(a.createdAt)}});
    return out;
}

QJsonObject userJson(const UserRecord &u, const QList<BrokerageAccountRecord> &accounts)
{
    return {
        {u"id"_s, u.id},
        {u"email"_s, u.email},
        {u"role"_s, u.role},
        {u"email_verified"_s, u.emailVerifiedAt.has_value()},
        {u"disabled"_s, u.disabled},
        {u"created_at"_s, rfc3339(u.createdAt)},
        {u"accounts"_s, accountsJson(accounts)},
    };
}

// Reads a route's query parameters, keeping what is wrong with the first bad one (for a 400).
class QueryReader
{
public:
    explicit QueryReader(QUrlQuery query) : m_query(std::move(query)) {}

    // A whole number from `min` to `max`, `fallback` when absent; `rule` says what is allowed.
    qint64 number(const QString &name, qint64 fallback, qint64 min, qint64 max, const QString &rule)
    {
        if (!m_query.hasQueryItem(name))
            return fallback;
        bool ok = false;
        const qint64 value = m_query.queryItemValue(name).toLongLong(&ok);
        if (!ok || value < min || value > max)
            fail(name + u" must be "_s + rule);
        return value;
    }

    // A text filter, trimmed; empty when absent.
    QString filter(const QString &name)
    {
        const QString value = m_query.queryItemValue(name, QUrl::FullyDecoded).trimmed();
        if (value.size() > kMaxFilterLength)
            fail(u"%1 must be at most %2 characters"_s.arg(name).arg(kMaxFilterLength));
        return value;
    }

    // The limit and, `withOffset`, the offset of a page.
    std::pair<int, int> page(bool withOffset = true)
    {
        const auto limit =
            number(u"limit"_s, OperatorRoutes::kDefaultPageSize, 1, OperatorRoutes::kMaxPageSize,
                   u"a whole number from 1 to %1"_s.arg(OperatorRoutes::kMaxPageSize));
        const auto offset = withOffset ? number(u"offset"_s, 0, 0, std::numeric_limits<int>::max(),
                                                u"a whole number from 0"_s)
                                       : 0;
        return {int(limit), int(offset)};
    }

    // What is wrong with the first bad parameter, if any.
    [[nodiscard]] const std::optional<QString> &error() const { return m_error; }

private:
    void fail(const QString &message)
    {
        if (!m_error)
            m_error = message;
    }

    QUrlQuery m_query;
    std::optional<QString> m_error;
};

RouteSpec adminSpec(Method method, const QString &path, const QString &operationId, const QString &summary)
{
    RouteSpec spec;
    spec.method = method;
    spec.path = u"/api/v1/admin"_s + path;
    spec.operationId = operationId;
    spec.summary = summary;
    spec.tag = u"admin"_s;
    spec.bearer = true;
    spec.errors = {403};
    return spec;
}

// Serves `f` to operators; anyone else with a valid token gets 403.
template <typename F> HttpRouter::Handler operatorOnly(F f)
{
    return [f = std::move(f)](const QHttpServerRequest &request,
                              const RequestContext &context) -> QFuture<QHttpServerResponse> {
        if (context.user.role != Role::Operator)
            return QtFuture::makeReadyFuture(
                errorResponse(Status::Forbidden, u"forbidden"_s, u"this route needs the operator role"_s));
        return QtFuture::makeReadyFuture(f(request, context));
    };
}

} // namespace

OperatorRoutes::OperatorRoutes(Services services)
    : m_services(std::move(services)), m_sessions(*m_services.database), m_audit(*m_services.database)
{}

void OperatorRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec spec = adminSpec(Method::Get, u"/users"_s, u"adminUsers"_s,
                                   u"Users, oldest first, with their brokerage accounts; q filters by a "
                                   "part of the email, limit 1-500 (default 50), offset"_s);
        spec.responseSchema = u"AdminUserPage"_s;
        spec.errors += 400;
        router.add(spec, operatorOnly([this](const QHttpServerRequest &r, const RequestContext &) {
                       return users(r);
                   }));
    }
    {
        RouteSpec spec = adminSpec(Method::Get, u"/users/{user_id}"_s, u"adminUser"_s,
                                   u"One user with their brokerage accounts and active session count"_s);
        spec.responseSchema = u"AdminUser"_s;
        spec.errors += 404;
        router.add(spec, operatorOnly([this](const QHttpServerRequest &, const RequestContext &c) {
                       return user(c.path.value(u"user_id"_s));
                   }));
    }
    for (const bool disabled : {true, false}) {
        RouteSpec spec = adminSpec(
            Method::Post, disabled ? u"/users/{user_id}/disable"_s : u"/users/{user_id}/enable"_s,
            disabled ? u"adminDisableUser"_s : u"adminEnableUser"_s,
            disabled ? u"Disable a user: every session is revoked and their tokens stop working at once "
                       "(audited; not oneself, not the last operator)"_s
                     : u"Enable a disabled user again (audited); they sign in anew"_s);
        spec.responseSchema = u"AdminUser"_s;
        spec.errors += {404, 409};
        router.add(spec, operatorOnly([this, disabled](const QHttpServerRequest &, const RequestContext &c) {
                       return setDisabled(c, disabled);
                   }));
    }
    {
        RouteSpec spec = adminSpec(Method::Get, u"/users/{user_id}/sessions"_s, u"adminUserSessions"_s,
                                   u"A user's sessions, newest first (active=true: only active ones); "
                                   "never their tokens"_s);
        spec.responseSchema = u"AdminSessionList"_s;
        spec.errors += {400, 404};
        router.add(spec, operatorOnly([this](const QHttpServerRequest &r, const RequestContext &c) {
                       return sessions(r, c.path.value(u"user_id"_s));
                   }));
    }
    {
        RouteSpec spec = adminSpec(Method::Get, u"/accounts"_s, u"adminAccounts"_s,
                                   u"Every brokerage account with its owner, in the order they were "
                                   "recorded; limit 1-500 (default 50), offset"_s);
        spec.responseSchema = u"AdminAccountPage"_s;
        spec.errors += 400;
        router.add(spec, operatorOnly([this](const QHttpServerRequest &r, const RequestContext &) {
                       return accounts(r);
                   }));
    }
    {
        RouteSpec spec = adminSpec(Method::Get, u"/audit"_s, u"adminAudit"_s,
                                   u"The audit log, newest first; filters actor, subject, action; pages "
                                   "with before_id (the next_before_id of the last page), limit 1-500"_s);
        spec.responseSchema = u"AdminAuditPage"_s;
        spec.errors += 400;
        router.add(spec, operatorOnly([this](const QHttpServerRequest &r, const RequestContext &) {
                       return audit(r);
                   }));
    }
    {
        RouteSpec spec = adminSpec(Method::Get, u"/status"_s, u"adminStatus"_s,
                                   u"What /health says plus counts: users, active sessions, accounts, "
                                   "WebSocket clients and updates sent, password hashing, the store"_s);
        spec.responseSchema = u"AdminStatus"_s;
        router.add(spec, operatorOnly([this](const QHttpServerRequest &, const RequestContext &) {
                       return status();
                   }));
    }
}

QHttpServerResponse OperatorRoutes::users(const QHttpServerRequest &request) const
{
    QueryReader query(request.query());
    const auto [limit, offset] = query.page();
    const QString q = query.filter(u"q"_s);
    if (query.error())
        return invalidQuery(*query.error());
    const auto found = m_services.users->search(q, limit, offset);
    if (!found)
        return internalError(found.error());
    const auto total = m_services.users->countMatching(q);
    if (!total)
        return internalError(total.error());
    QStringList ids;
    for (const UserRecord &u : *found)
        ids.append(u.id);
    const auto owned = m_services.accounts->recordsOfUsers(ids);
    if (!owned)
        return internalError(owned.error());
    QJsonArray out;
    for (const UserRecord &u : *found)
        out.append(userJson(u, owned->value(u.id)));
    return jsonResponse(
        QJsonObject{{u"users"_s, out}, {u"total"_s, *total}, {u"limit"_s, limit}, {u"offset"_s, offset}});
}

QHttpServerResponse OperatorRoutes::user(const QString &userId) const
{
    const auto found = m_services.users->findById(userId);
    if (!found)
        return internalError(found.error());
    if (!found->has_value())
        return errorResponse(Status::NotFound, u"not_found"_s, u"no such user"_s);
    const auto owned = m_services.accounts->recordsOf(userId);
    if (!owned)
        return internalError(owned.error());
    const auto active = m_sessions.listForUser(userId, true, QDateTime::currentDateTimeUtc());
    if (!active)
        return internalError(active.error());
    QJsonObject body = userJson(**found, *owned);
    body.insert(u"active_sessions"_s, active->size());
    return jsonResponse(body);
}

QHttpServerResponse OperatorRoutes::setDisabled(const RequestContext &context, bool disabled)
{
    const QString userId = context.path.value(u"user_id"_s);
    const auto done = m_services.auth->setUserDisabled(context.user.userId, userId, disabled, context.client);
    if (!done)
        return AuthRoutes::failure(done.error());
    return user(userId);
}

QHttpServerResponse OperatorRoutes::sessions(const QHttpServerRequest &request, const QString &userId) const
{
    const QString active = request.query().queryItemValue(u"active"_s);
    if (!active.isEmpty() && active != u"true" && active != u"false")
        return invalidQuery(u"active must be true or false"_s);
    const auto found = m_services.users->findById(userId);
    if (!found)
        return internalError(found.error());
    if (!found->has_value())
        return errorResponse(Status::NotFound, u"not_found"_s, u"no such user"_s);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto listed = m_sessions.listForUser(userId, active == u"true", now);
    if (!listed)
        return internalError(listed.error());
    QJsonArray out;
    for (const SessionRecord &s : *listed)
        out.append(QJsonObject{
            {u"id"_s, s.id},
            {u"family_id"_s, s.familyId},
            {u"created_at"_s, rfc3339(s.createdAt)},
            {u"expires_at"_s, rfc3339(s.expiresAt)},
            {u"revoked_at"_s, optionalTime(s.revokedAt)},
            {u"replaced_by"_s, optionalText(s.replacedBy)},
            {u"active"_s, s.isActive(now)},
            {u"ip"_s, s.ip},
            {u"user_agent"_s, s.userAgent},
        });
    return jsonResponse(QJsonObject{{u"user_id"_s, userId}, {u"sessions"_s, out}});
}

QHttpServerResponse OperatorRoutes::accounts(const QHttpServerRequest &request) const
{
    QueryReader query(request.query());
    const auto [limit, offset] = query.page();
    if (query.error())
        return invalidQuery(*query.error());
    const auto listed = m_services.accounts->list(limit, offset);
    if (!listed)
        return internalError(listed.error());
    const auto total = m_services.accounts->count();
    if (!total)
        return internalError(total.error());
    QJsonArray out;
    for (const BrokerageAccountRecord &a : *listed)
        out.append(QJsonObject{{u"id"_s, a.brokerAccountId},
                               {u"broker"_s, a.broker},
                               {u"user_id"_s, a.userId},
                               {u"email"_s, a.ownerEmail},
                               {u"created_at"_s, rfc3339(a.createdAt)}});
    return jsonResponse(
        QJsonObject{{u"accounts"_s, out}, {u"total"_s, *total}, {u"limit"_s, limit}, {u"offset"_s, offset}});
}

QHttpServerResponse OperatorRoutes::audit(const QHttpServerRequest &request) const
{
    QueryReader query(request.query());
    AuditFilter filter;
    filter.limit = query.page(false).first;
    filter.actor = query.filter(u"actor"_s);
    filter.subject = query.filter(u"subject"_s);
    filter.action = query.filter(u"action"_s);
    filter.beforeId = query.number(u"before_id"_s, filter.beforeId, 1, std::numeric_limits<qint64>::max(),
                                   u"a positive whole number"_s);
    if (query.error())
        return invalidQuery(*query.error());
    const auto entries = m_audit.query(filter);
    if (!entries)
        return internalError(entries.error());
    QJsonArray out;
    for (const AuditEntry &e : *entries)
        out.append(QJsonObject{
            {u"id"_s, e.id},
            {u"at"_s, rfc3339(e.at)},
            {u"actor"_s, e.actor},
            {u"action"_s, e.action},
            {u"subject"_s, e.subject},
            {u"ip"_s, e.ip},
            {u"result"_s, e.result},
            {u"details"_s, e.details},
        });
    // A full page may have more behind it; a short one is the end.
    const QJsonValue next = entries->size() == filter.limit && !entries->isEmpty()
                                ? QJsonValue(entries->last().id)
                                : QJsonValue(QJsonValue::Null);
    return jsonResponse(QJsonObject{{u"entries"_s, out}, {u"next_before_id"_s, next}});
}

QHttpServerResponse OperatorRoutes::status() const
{
    QJsonObject body = m_services.health ? m_services.health() : QJsonObject();
    const auto users = m_services.users->count();
    const auto sessions = m_sessions.countActive(QDateTime::currentDateTimeUtc());
    const auto accounts = m_services.accounts->count();
    const auto schema = m_services.database->schemaVersion();
    if (!users || !sessions || !accounts || !schema)
        return internalError(!users      ? users.error()
                             : !sessions ? sessions.error()
                             : !accounts ? accounts.error()
                                         : schema.error());
    body.insert(u"counts"_s, QJsonObject{{u"users"_s, *users},
                                         {u"sessions_active"_s, *sessions},
                                         {u"brokerage_accounts"_s, *accounts}});
    const WebSocketHub *hub = m_services.hub;
    body.insert(u"websocket"_s, QJsonObject{{u"clients"_s, hub ? hub->connectionCount() : 0},
                                            {u"updates_sent"_s, hub ? hub->updatesSent() : 0},
                                            {u"frames_written"_s, hub ? hub->framesWritten() : 0}});
    const PasswordWorkStatus work = m_services.auth->passwordWork();
    body.insert(
        u"password_hashing"_s,
        QJsonObject{{u"threads"_s, work.threads}, {u"running"_s, work.running}, {u"queued"_s, work.queued}});
    const bool postgres = m_services.database->engine() == Database::Engine::Postgres;
    body.insert(u"store"_s, QJsonObject{{u"engine"_s, postgres ? u"postgresql"_s : u"sqlite"_s},
                                        {u"schema_version"_s, *schema}});
    body.insert(u"version"_s, m_services.version);
    return jsonResponse(body);
}

} // namespace clera
