#include "httprouter.h"

#include "jsonresponse.h"

#include <QHttpServer>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QMetaEnum>
#include <QPointer>
#include <QRegularExpression>

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

QStringList HttpRouter::pathParameters(const QString &path)
{
    static const QRegularExpression parameter(u"\\{([a-z_]+)\\}"_s);
    QStringList names;
    for (auto it = parameter.globalMatch(path); it.hasNext();)
        names.append(it.next().captured(1));
    return names;
}

namespace {

// QHttpServer 6.4 passes each <arg> of a pattern to the handler as a parameter before the request.
template <typename Run>
void routeWithParameters(QHttpServer &server, const QString &path,
                         std::optional<QHttpServerRequest::Method> method, Run run)
{
    const QStringList names = HttpRouter::pathParameters(path);
    QString pattern = path;
    for (const QString &name : names)
        pattern.replace(u'{' + name + u'}', u"<arg>"_s);
    const auto one = [run](const QString &a, const QHttpServerRequest &r) { return run(r, QStringList{a}); };
    const auto two = [run](const QString &a, const QString &b, const QHttpServerRequest &r) {
        return run(r, QStringList{a, b});
    };
    const auto none = [run](const QHttpServerRequest &r) { return run(r, QStringList()); };
    Q_ASSERT(names.size() <= 2);
    if (method) {
        if (names.size() == 2)
            server.route(pattern, *method, two);
        else if (names.size() == 1)
            server.route(pattern, *method, one);
        else
            server.route(pattern, *method, none);
    } else {
        if (names.size() == 2)
            server.route(pattern, two);
        else if (names.size() == 1)
            server.route(pattern, one);
        else
            server.route(pattern, none);
    }
}

} // namespace

void HttpRouter::add(RouteSpec spec, Handler handler)
{
    m_routes.append(spec);
    const QStringList names = pathParameters(spec.path);
    routeWithParameters(
        m_server, spec.path, spec.method,
        [this, spec, names, handler = std::move(handler)](
            const QHttpServerRequest &request, const QStringList &values) -> QFuture<QHttpServerResponse> {
            RequestContext context;
            for (qsizetype i = 0; i < names.size() && i < values.size(); ++i)
                context.path.insert(names.at(i), values.at(i));
            if (auto refused = prepare(spec, request, context))
                return QtFuture::makeReadyFuture(std::move(*refused));
            return handOver(handler(request, context));
        });
}

// QHttpServer 6.4 takes the (move-only) response out of the future, which resets the future's state;
// a QPromise still alive behind it then thinks it never finished and runs QHttpServer's continuation a
// second time when it is destroyed (a crash). So a pending response is handed over through a plain
// QFutureInterface, filled from a queued call once the handler's continuation (and its QPromise) is gone.
QFuture<QHttpServerResponse> HttpRouter::handOver(QFuture<QHttpServerResponse> pending)
{
    if (pending.isFinished())
        return pending;
    QFutureInterface<QHttpServerResponse> out;
    out.reportStarted();
    QFuture<QHttpServerResponse> result = out.future();
    pending.then([server = QPointer<QHttpServer>(&m_server), out](QFuture<QHttpServerResponse> done) mutable {
        if (!server)
            return;
        QMetaObject::invokeMethod(
            server.data(),
            [out, done]() mutable {
                if (done.isCanceled() || done.resultCount() == 0)
                    out.reportAndMoveResult(errorResponse(Status::ServiceUnavailable, u"unavailable"_s,
                                                          u"the server is shutting down"_s));
                else
                    out.reportAndMoveResult(done.takeResult());
                out.reportFinished();
            },
            Qt::QueuedConnection);
    });
    return result;
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
        routeWithParameters(m_server, path, std::nullopt,
                            [allow](const QHttpServerRequest &request, const QStringList &) {
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
        if (value.isBool() && spec.booleanFields.contains(field.name))
            continue;
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
