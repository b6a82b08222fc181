#include "httprouter.h"

#include "jsonresponse.h"

#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QMetaEnum>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse badRequest(const QString &code, const QString &message)
{
    return errorResponse(Status::BadRequest, code, message);
}

} // namespace

HttpRouter::HttpRouter(QHttpServer &server, Authenticator authenticator)
    : m_server(server), m_authenticator(std::move(authenticator))
{}

QString HttpRouter::methodName(QHttpServerRequest::Method method)
{
    return QString::fromLatin1(QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(method)))
        .toUpper();
}

QHttpServerResponse HttpRouter::unauthorized(const QString &message)
{
    QHttpServerResponse response = errorResponse(Status::Unauthorized, u"unauthorized"_s, message);
    response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"clera\""));
    return response;
}

ClientInfo HttpRouter::clientOf(const QHttpServerRequest &request)
{
    // The socket's peer: X-Forwarded-For is not trusted, since any client can send it and it would
    // let them dodge the per-address rate limits.
    QHostAddress address = request.remoteAddress();
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (mapped)
        address = QHostAddress(v4);
    return {address.toString(), QString::fromUtf8(request.value(QByteArrayLiteral("User-Agent"))).left(512)};
}

void HttpRouter::add(RouteSpec spec, Handler handler)
{
    m_routes.append(spec);
    m_server.route(spec.path, spec.method,
                   [this, spec, handler = std::move(handler)](
                       const QHttpServerRequest &request) -> QFuture<QHttpServerResponse> {
                       RequestContext context;
                       if (auto refused = prepare(spec, request, context))
                           return QtFuture::makeReadyFuture(std::move(*refused));
                       return handler(request, context);
                   });
}

void HttpRouter::finish()
{
    QStringList paths;
    for (const RouteSpec &r : std::as_const(m_routes)) {
        if (!paths.contains(r.path))
            paths.append(r.path);
    }
    for (const QString &path : std::as_const(paths)) {
        QStringList allowed;
        for (const RouteSpec &r : std::as_const(m_routes)) {
            if (r.path == path)
                allowed.append(methodName(r.method));
        }
        const QString allow = allowed.join(u", "_s);
        // Registered after every method of the path, so it only sees the other methods.
        m_server.route(path, [allow](const QHttpServerRequest &request) {
            QHttpServerResponse response =
                errorResponse(Status::MethodNotAllowed, u"method_not_allowed"_s,
                              u"%1 supports %2 only"_s.arg(request.url().path(), allow));
            response.addHeader(QByteArrayLiteral("Allow"), allow.toLatin1());
            return response;
        });
    }
    m_server.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        errorResponse(Status::NotFound, u"not_found"_s, u"no route for %1"_s.arg(request.url().path()))
            .write(std::move(responder));
    });
}

std::optional<QHttpServerResponse>
HttpRouter::prepare(const RouteSpec &spec, const QHttpServerRequest &request, RequestContext &context) const
{
    context.client = clientOf(request);
    const QByteArray raw = request.body();
    if (raw.size() > kMaxBodyBytes)
        return errorResponse(Status::PayloadTooLarge, u"payload_too_large"_s,
                             u"the request body must be at most %1 bytes"_s.arg(kMaxBodyBytes));
    if (spec.bearer) {
        const QByteArray header = request.value(QByteArrayLiteral("Authorization"));
        if (header.isEmpty())
            return unauthorized(u"missing bearer token"_s);
        if (!header.startsWith("Bearer ") && !header.startsWith("bearer "))
            return unauthorized(u"the Authorization header must be 'Bearer <token>'"_s);
        const auto user = m_authenticator(QString::fromLatin1(header.mid(7).trimmed()));
        if (!user && user.error().kind == AuthError::Kind::InvalidToken)
            return unauthorized(u"invalid token: "_s + user.error().message);
        if (!user)
            return errorResponse(Status::InternalServerError, u"internal_error"_s, u"internal error"_s);
        context.user = *user;
    }
    if (spec.method == QHttpServerRequest::Method::Get || spec.method == QHttpServerRequest::Method::Delete)
        return std::nullopt;

    const QByteArray contentType = request.value(QByteArrayLiteral("Content-Type")).trimmed().toLower();
    if (!raw.trimmed().isEmpty() && !contentType.isEmpty() && !contentType.startsWith("application/json"))
        return errorResponse(Status::UnsupportedMediaType, u"unsupported_media_type"_s,
                             u"the request body must be application/json"_s);
    QJsonObject body;
    if (!raw.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(raw, &error);
        if (error.error != QJsonParseError::NoError)
            return badRequest(
                u"invalid_json"_s,
                u"the body is not valid JSON: %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
        if (!doc.isObject())
            return badRequest(u"invalid_json"_s, u"the body must be a JSON object"_s);
        body = doc.object();
    }
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        const bool known = std::any_of(spec.body.cbegin(), spec.body.cend(),
                                       [&](const BodyField &f) { return f.name == it.key(); });
        if (!known)
            return badRequest(u"invalid_request"_s, u"unknown field '%1'"_s.arg(it.key().left(64)));
    }
    for (const BodyField &field : spec.body) {
        const QJsonValue value = body.value(field.name);
        if (value.isUndefined() || value.isNull()) {
            if (field.required)
                return badRequest(u"invalid_request"_s, u"'%1' is required"_s.arg(field.name));
            continue;
        }
        if (!value.isString())
            return badRequest(u"invalid_request"_s, u"'%1' must be a string"_s.arg(field.name));
        if (value.toString().size() > field.maxLength)
            return badRequest(u"invalid_request"_s,
                              u"'%1' must be at most %2 characters"_s.arg(field.name).arg(field.maxLength));
    }
    context.body = body;
    return std::nullopt;
}

} // namespace clera
