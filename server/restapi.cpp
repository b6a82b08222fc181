#include "restapi.h"

#include "core/broker/broker.h"
#include "core/bus/bus.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketfeed.h"
#include "core/realtime/portfoliotracker.h"
#include "core/store/accountdirectory.h"
#include "jsonresponse.h"
#include "serverlog.h"
#include "websockethub.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QMetaEnum>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

constexpr qsizetype kMaxQueryLength = 100;

QHttpServerResponse unauthorized(const QString &message)
{
    QHttpServerResponse response = errorResponse(Status::Unauthorized, u"unauthorized"_s, message);
    response.addHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"clera\""));
    return response;
}

QHttpServerResponse methodNotAllowed(const QHttpServerRequest &request)
{
    QHttpServerResponse response = errorResponse(Status::MethodNotAllowed, u"method_not_allowed"_s,
                                                 u"%1 supports GET only"_s.arg(request.url().path()));
    response.addHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET"));
    return response;
}

QString feedStatusName(MarketFeed::Status status)
{
    switch (status) {
    case MarketFeed::Status::Live:
        return u"live"_s;
    case MarketFeed::Status::Connecting:
        return u"connecting"_s;
    case MarketFeed::Status::Degraded:
        return u"degraded"_s;
    case MarketFeed::Status::Disconnected:
        return u"disconnected"_s;
    }
    return u"unknown"_s;
}

QJsonValue exact(const std::optional<Decimal> &d)
{
    return d ? QJsonValue(d->toString()) : QJsonValue(QJsonValue::Null);
}

QHttpServerResponse brokerFailure(const BrokerError &error)
{
    qCWarning(lcServer) << "broker call failed:" << error.kindName() << error.message;
    return errorResponse(Status::BadGateway, u"broker_error"_s,
                         u"the broker could not answer: "_s + error.message);
}

} // namespace

RestApi::RestApi(Services services, QObject *parent) : QObject(parent), m_services(std::move(services))
{
    m_uptime.start();
    addRoutes();
}

Expected<quint16, QString> RestApi::listen(const QHostAddress &address, quint16 port)
{
    m_port = m_server.listen(address, port);
    if (m_port == 0)
        return unexpected(
            u"cannot listen for HTTP on %1:%2 (address in use or not available)"_s.arg(address.toString())
                .arg(port));
    return m_port;
}

void RestApi::addRoutes()
{
    // Rules match in order: the GET rule first, then a catch-all for other methods on the same path,
    // because QHttpServer 6.4 answers a known path with a wrong method as 404.
    m_server.route(u"/health"_s, Method::Get, [this] { return health(); });
    m_server.route(u"/health"_s, [](const QHttpServerRequest &r) { return methodNotAllowed(r); });
    if (!m_services.healthOnly)
        addApiRoutes();

    m_server.setMissingHandler([](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        errorResponse(Status::NotFound, u"not_found"_s, u"no route for %1"_s.arg(request.url().path()))
            .write(std::move(responder));
    });
}

void RestApi::addApiRoutes()
{
    m_server.route(u"/api/v1/assets"_s, Method::Get,
                   [this](const QHttpServerRequest &r) { return assets(r); });
    m_server.route(u"/api/v1/assets"_s, [](const QHttpServerRequest &r) { return methodNotAllowed(r); });
    m_server.route(u"/api/v1/accounts"_s, Method::Get,
                   [this](const QHttpServerRequest &r) { return accounts(r); });
    m_server.route(u"/api/v1/accounts"_s, [](const QHttpServerRequest &r) { return methodNotAllowed(r); });
}

Expected<TokenClaims, QString> RestApi::authenticate(const QHttpServerRequest &request) const
{
    const QByteArray header = request.value(QByteArrayLiteral("Authorization"));
    if (header.isEmpty())
        return unexpected(u"missing bearer token"_s);
    if (!header.startsWith("Bearer ") && !header.startsWith("bearer "))
        return unexpected(u"the Authorization header must be 'Bearer <token>'"_s);
    const auto claims = m_services.jwt->verify(QString::fromLatin1(header.mid(7).trimmed()));
    if (!claims)
        return unexpected(u"invalid token: "_s + claims.error().message);
    return *claims;
}

QHttpServerResponse RestApi::health() const
{
    const bool brokerOk = !m_services.brokerAvailable || m_services.brokerAvailable();
    const bool databaseOk = !m_services.directory || m_services.directory->ping();
    const MarketFeed *feed = m_services.feed;
    const bool feedOk = !feed || (m_services.feedExpected && !m_services.feedExpected())
                        || feed->status() == MarketFeed::Status::Live;
    const bool busOk = !m_services.bus || m_services.bus->status() == Bus::Status::Connected;
    QJsonObject components;
    if (m_services.broker)
        components.insert(u"broker"_s, QJsonObject{{u"name"_s, m_services.broker->name()},
                                                   {u"status"_s, brokerOk ? u"ok"_s : u"down"_s}});
    if (feed)
        components.insert(u"feed"_s, QJsonObject{{u"name"_s, feed->name()},
                                                 {u"status"_s, feedStatusName(feed->status())},
                                                 {u"message"_s, feed->statusMessage()},
                                                 {u"subscribed_symbols"_s, feed->subscriptions().size()}});
    if (m_services.directory)
        components.insert(u"database"_s, QJsonObject{{u"status"_s, databaseOk ? u"ok"_s : u"down"_s}});
    if (const Bus *bus = m_services.bus) {
        const QString status = bus->status() == Bus::Status::Connected    ? u"connected"_s
                               : bus->status() == Bus::Status::Connecting ? u"connecting"_s
                                                                          : u"disconnected"_s;
        components.insert(u"bus"_s, QJsonObject{{u"name"_s, bus->name()},
                                                {u"status"_s, status},
                                                {u"message"_s, bus->statusMessage()},
                                                {u"dropped"_s, qint64(bus->dropped())}});
    }
    QJsonObject body{
        {u"status"_s, brokerOk && databaseOk && feedOk && busOk ? u"ok"_s : u"degraded"_s},
        {u"components"_s, components},
        {u"connections"_s,
         QJsonObject{{u"websocket"_s, m_services.hub ? m_services.hub->connectionCount() : 0}}},
        {u"uptime_seconds"_s, m_uptime.elapsed() / 1000},
        {u"version"_s, m_services.version},
    };
    if (!m_services.role.isEmpty()) {
        QJsonObject role = m_services.roleStatus ? m_services.roleStatus() : QJsonObject();
        role.insert(u"name"_s, m_services.role);
        body.insert(u"role"_s, role);
    }
    return jsonResponse(body);
}

QHttpServerResponse RestApi::assets(const QHttpServerRequest &request) const
{
    const auto claims = authenticate(request);
    if (!claims)
        return unauthorized(claims.error());
    const QUrlQuery query = request.query();
    const QString q = query.queryItemValue(u"q"_s, QUrl::FullyDecoded).trimmed();
    if (q.size() > kMaxQueryLength)
        return errorResponse(Status::BadRequest, u"invalid_query"_s,
                             u"q must be at most %1 characters"_s.arg(kMaxQueryLength));
    int limit = kDefaultAssetLimit;
    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        limit = query.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > kMaxAssetLimit)
            return errorResponse(Status::BadRequest, u"invalid_query"_s,
                                 u"limit must be a whole number from 1 to %1"_s.arg(kMaxAssetLimit));
    }
    QJsonArray out;
    const QList<Asset> found = m_services.catalog->search(q, limit);
    for (const Asset &asset : found)
        out.append(asset.toJson());
    return jsonResponse(out);
}

QFuture<QHttpServerResponse> RestApi::accounts(const QHttpServerRequest &request)
{
    const auto claims = authenticate(request);
    if (!claims)
        return QtFuture::makeReadyFuture(unauthorized(claims.error()));
    std::optional<QSet<QString>> visible; // nullopt: every account (operator)
    if (claims->role == Role::User) {
        const auto owned = m_services.directory->accountsOf(claims->subject);
        if (!owned) {
            qCWarning(lcServer) << "account directory failed:" << owned.error();
            return QtFuture::makeReadyFuture(errorResponse(Status::InternalServerError, u"internal_error"_s,
                                                           u"account directory unavailable"_s));
        }
        visible = QSet<QString>(owned->cbegin(), owned->cend());
        if (visible->isEmpty())
            return QtFuture::makeReadyFuture(jsonResponse(QJsonArray()));
    }
    // With `this` as context the continuation runs on this thread, and not at all once the API is gone.
    return m_services.broker->accounts().then(
        this, [this, visible](const BrokerResult<QList<Account>> &result) -> QHttpServerResponse {
            if (!result)
                return brokerFailure(result.error());
            QJsonArray out;
            for (const Account &account : *result) {
                if (visible && !visible->contains(account.id))
                    continue;
                const auto latest =
                    m_services.tracker ? m_services.tracker->latest(account.id) : std::nullopt;
                out.append(QJsonObject{
                    {u"id"_s, account.id},
                    {u"account_number"_s, account.accountNumber},
                    {u"status"_s, toWire(account.status)},
                    {u"currency"_s, account.currency},
                    {u"cash"_s, account.cash.toString()},
                    {u"total_value"_s, latest ? exact(latest->totalValue) : QJsonValue(QJsonValue::Null)},
                    {u"today_return"_s, latest ? exact(latest->todayReturn) : QJsonValue(QJsonValue::Null)},
                    {u"today_return_percent"_s,
                     latest && latest->todayReturnPercent
                         ? QJsonValue(latest->todayReturnPercent->rounded(4).toString())
                         : QJsonValue(QJsonValue::Null)},
                });
            }
            return jsonResponse(out);
        });
}

} // namespace clera
