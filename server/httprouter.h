#pragma once

#include "core/auth/authservice.h"
#include "core/domain/expected.h"

#include <QFuture>
#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

class QHttpServer;

namespace clera {

// One field of a JSON request body: validated by the router and described in the OpenAPI document.
struct BodyField
{
    QString name;
    QString description;
    bool required = true;
    qsizetype maxLength = 1024;
};

// A route as the router registers it and the OpenAPI document describes it. Every request body is a
// JSON object of string fields (booleanFields may also be JSON booleans). A path may have up to two
// parameters written {name}, such as /api/v1/accounts/{account_id}/orders.
struct RouteSpec
{
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Get;
    QString path;
    QString operationId;
    QString summary;
    QString tag;
    bool bearer = false; // needs Authorization: Bearer <access token>
    QList<BodyField> body;
    QStringList booleanFields; // body fields that are JSON true/false instead of strings
    int status = 200;          // the success status
    QString responseSchema;    // a components/schemas name; empty: no body (204) or a free-form object
    QString responseSummary;   // description of the success response
    QList<int> errors;         // statuses beyond what the router adds itself (400/413 for bodies, 401, 405)
};

// What the router hands a handler besides the request.
struct RequestContext
{
    ClientInfo client;
    AuthenticatedUser user;       // set when the route is a bearer route
    QJsonObject body;             // the validated body when the route has one
    QHash<QString, QString> path; // the path parameters by name
};

// Registers routes on a QHttpServer so every route behaves the same way: bodies over kMaxBodyBytes get
// 413, malformed JSON or fields of the wrong type 400, bearer routes 401 with WWW-Authenticate before
// the handler runs, a known path with another method 405 with Allow (QHttpServer 6.4 would say 404),
// an unknown path 404. The routes it registered are the source of the OpenAPI document.
class HttpRouter
{
public:
    static constexpr qsizetype kMaxBodyBytes = 64 * 1024;

    using Handler =
        std::function<QFuture<QHttpServerResponse>(const QHttpServerRequest &, const RequestContext &)>;
    // Resolves a bearer token to its user; InvalidToken becomes 401, anything else 500.
    using Authenticator = std::function<Expected<AuthenticatedUser, AuthError>(QStringView token)>;

    HttpRouter(QHttpServer &server, Authenticator authenticator);

    void add(RouteSpec spec, Handler handler);
    // Registers the 405 answers for every path added so far and the 404 fallback; call once, last.
    void finish();

    [[nodiscard]] const QList<RouteSpec> &routes() const { return m_routes; }

    [[nodiscard]] static QHttpServerResponse unauthorized(const QString &message);
    [[nodiscard]] static QString methodName(QHttpServerRequest::Method method);
    [[nodiscard]] static ClientInfo clientOf(const QHttpServerRequest &request);
    // The {name} parameters of a route path, in order.
    [[nodiscard]] static QStringList pathParameters(const QString &path);

private:
    [[nodiscard]] QFuture<QHttpServerResponse> handOver(QFuture<QHttpServerResponse> pending);
    [[nodiscard]] std::optional<QHttpServerResponse>
    prepare(const RouteSpec &spec, const QHttpServerRequest &request, RequestContext &context) const;

    QHttpServer &m_server;
    Authenticator m_authenticator;
    QList<RouteSpec> m_routes;
};

} // namespace clera
