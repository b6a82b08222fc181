#include "restapi.h"

#include "accountdataroutes.h"
#include "authroutes.h"
#include "core/auth/authservice.h"
#include "core/broker/broker.h"
#include "core/bus/bus.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketfeed.h"
#include "core/realtime/buswire.h"
#include "core/realtime/portfoliotracker.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "jsonresponse.h"
#include "onboardingroutes.h"
#include "openapi.h"
#include "operatorroutes.h"
#include "serverlog.h"
#include "fundingroutes.h"
#include "tradingroutes.h"
#include "watchlistroutes.h"
#include "websockethub.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QPromise>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;

constexpr qsizetype kMaxQueryLength = 100;

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

// Why an account comes without live values (value_unavailable_reason, docs/api.md).
constexpr QStringView kNoValueYet = u"no_value_yet";                   // none calculated yet (or expired)
constexpr QStringView kValuesUnavailable = u"live_values_unavailable"; // Redis could not be read
constexpr QStringView kInvalidValue = u"invalid_stored_value"; // what Redis holds cannot be read as a value

// An account's live value, or why there is none: never a made-up number.
struct LiveValue
{
    std::optional<PortfolioUpdate> update;
    QString unavailable;
};

QJsonObject accountJson(const Account &account, const LiveValue &live)
{
    const std::optional<PortfolioUpdate> &latest = live.update;
    return QJsonObject{
        {u"id"_s, account.id},
        {u"account_number"_s, account.accountNumber},
        {u"status"_s, toWire(account.status)},
        {u"currency"_s, account.currency},
        {u"cash"_s, account.cash.toString()},
        {u"total_value"_s, latest ? exact(latest->totalValue) : QJsonValue(QJsonValue::Null)},
        {u"today_return"_s, latest ? exact(latest->todayReturn) : QJsonValue(QJsonValue::Null)},
        {u"today_return_percent"_s, latest && latest->todayReturnPercent
                                        ? QJsonValue(latest->todayReturnPercent->rounded(4).toString())
                                        : QJsonValue(QJsonValue::Null)},
        {u"value_unavailable_reason"_s, latest ? QJsonValue(QJsonValue::Null) : QJsonValue(live.unavailable)},
    };
}

QHttpServerResponse brokerFailure(const BrokerError &error)
{
    qCWarning(lcServer) << "broker call failed:" << error.kindName() << error.message;
    return errorResponse(Status::BadGateway, u"broker_error"_s,
                         u"the broker could not answer: "_s + error.message);
}

} // namespace

RestApi::RestApi(Services services, QObject *parent)
    : QObject(parent), m_services(std::move(services)),
      m_router(m_server, [auth = m_services.auth](QStringView token) { return auth->authenticate(token); })
{
    m_uptime.start();
    addRoutes();
}

RestApi::~RestApi() = default;

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
    const auto ready = [](QHttpServerResponse response) {
        return QtFuture::makeReadyFuture(std::move(response));
    };
    {
        RouteSpec spec;
        spec.path = u"/health"_s;
        spec.operationId = u"health"_s;
        spec.summary = u"Status of the broker, the feed and the database (200 even when degraded)"_s;
        spec.tag = u"service"_s;
        spec.responseSchema = u"Health"_s;
        m_router.add(spec, [this, ready](const QHttpServerRequest &, const RequestContext &) {
            return ready(health());
        });
    }
    {
        RouteSpec spec;
        spec.path = u"/api/v1/openapi.json"_s;
        spec.operationId = u"openApi"_s;
        spec.summary = u"This document"_s;
        spec.tag = u"service"_s;
        spec.responseSchema = u"OpenApi"_s;
        m_router.add(spec, [this, ready](const QHttpServerRequest &, const RequestContext &) {
            return ready(jsonResponse(openApiDocument(m_router.routes(), m_services.version)));
        });
    }
    if (!m_services.healthOnly) {
        m_authRoutes = std::make_unique<AuthRoutes>(*m_services.auth, *m_services.users, *m_services.accounts);
        m_authRoutes->addTo(m_router);
        {
            RouteSpec spec;
            spec.path = u"/api/v1/assets"_s;
            spec.operationId = u"assets"_s;
            spec.summary = u"Tradable assets, ranked by the query q (limit 1-500, default 20)"_s;
            spec.tag = u"market"_s;
            spec.bearer = true;
            spec.responseSchema = u"AssetList"_s;
            spec.errors = {400};
            m_router.add(spec, [this, ready](const QHttpServerRequest &r, const RequestContext &) {
                return ready(assets(r));
            });
        }
        {
            RouteSpec spec;
            spec.path = u"/api/v1/accounts"_s;
            spec.operationId = u"accounts"_s;
            spec.summary = u"The accounts the token may see (a user's own, every account for an operator), "
                           "with live values"_s;
            spec.tag = u"portfolio"_s;
            spec.bearer = true;
            spec.responseSchema = u"AccountList"_s;
            spec.errors = {502};
            m_router.add(spec,
                         [this](const QHttpServerRequest &, const RequestContext &c) { return accounts(c); });
        }
    }
    if (!m_services.healthOnly && m_services.broker && m_services.accounts) {
        m_accountDataRoutes = new AccountDataRoutes(*m_services.broker, *m_services.accounts, m_services.catalog,
                                                    m_services.feed, this);
        m_accountDataRoutes->addTo(m_router);
    }
    if (!m_services.healthOnly && m_services.database && m_services.catalog) {
        m_watchlistRoutes = new WatchlistRoutes(*m_services.database, *m_services.catalog, this);
        m_watchlistRoutes->addTo(m_router);
    }
    if (!m_services.healthOnly && m_services.database) {
        OperatorRoutes::Services ops;
        ops.auth = m_services.auth;
        ops.database = m_services.database;
        ops.users = m_services.users;
        ops.accounts = m_services.accounts;
        ops.hub = m_services.hub;
        ops.health = [this] { return healthBody(); };
        ops.version = m_services.version;
        m_operatorRoutes = std::make_unique<OperatorRoutes>(std::move(ops));
        m_operatorRoutes->addTo(m_router);
    }
    if (m_services.orders) {
        m_tradingRoutes =
            new TradingRoutes(*m_services.orders, *m_services.broker, *m_services.accounts, this);
        m_tradingRoutes->addTo(m_router);
    }
    if (m_services.onboarding && !m_services.healthOnly) {
        m_onboardingRoutes = new OnboardingRoutes(*m_services.onboarding, this);
        m_onboardingRoutes->addTo(m_router);
    }
    if (m_services.funding) {
        m_fundingRoutes = new FundingRoutes(*m_services.funding, *m_services.accounts, this);
        m_fundingRoutes->addTo(m_router);
    }
    m_router.finish();
}

QHttpServerResponse RestApi::health() const
{
    return jsonResponse(healthBody());
}

QJsonObject RestApi::healthBody() const
{
    const bool brokerOk = !m_services.brokerAvailable || m_services.brokerAvailable();
    const bool databaseOk = !m_services.database || m_services.database->ping();
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
    if (m_services.database)
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
    return body;
}

QHttpServerResponse RestApi::assets(const QHttpServerRequest &request) const
{
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

QFuture<QHttpServerResponse> RestApi::accounts(const RequestContext &context)
{
    std::optional<QSet<QString>> visible; // nullopt: every account (operator)
    if (context.user.role == Role::User) {
        const auto owned = m_services.accounts->accountsOf(context.user.userId);
        if (!owned) {
            qCWarning(lcServer) << "brokerage accounts unavailable:" << owned.error().message;
            return QtFuture::makeReadyFuture(errorResponse(Status::InternalServerError, u"internal_error"_s,
                                                           u"account ownership unavailable"_s));
        }
        visible = QSet<QString>(owned->cbegin(), owned->cend());
        if (visible->isEmpty())
            return QtFuture::makeReadyFuture(jsonResponse(QJsonArray()));
    }
    if (m_services.liveValues)
        return accountsWithStoredValues(visible);
    // With `this` as context the continuation runs on this thread, and not at all once the API is gone.
    return m_services.broker->accounts().then(
        this, [this, visible](const BrokerResult<QList<Account>> &result) -> QHttpServerResponse {
            if (!result)
                return brokerFailure(result.error());
            QJsonArray out;
            for (const Account &account : *result) {
                if (visible && !visible->contains(account.id))
                    continue;
                LiveValue live{m_services.tracker ? m_services.tracker->latest(account.id) : std::nullopt,
                               kNoValueYet.toString()};
                out.append(accountJson(account, live));
            }
            return jsonResponse(out);
        });
}

QFuture<QHttpServerResponse> RestApi::accountsWithStoredValues(const std::optional<QSet<QString>> &visible)
{
    // Two asynchronous steps: the broker's accounts, then one MGET of their value:<id> keys. They hand a
    // copyable answer to the last continuation, which makes the move-only response (the router writes
    // it through the responder, so an answer on a later event-loop turn is safe).
    struct Listed
    {
        std::optional<BrokerError> error;
        QList<Account> accounts;
        QList<LiveValue> values;
    };
    auto promise = std::make_shared<QPromise<Listed>>();
    promise->start();
    const auto done = [promise](const Listed &listed) {
        promise->addResult(listed);
        promise->finish();
    };
    // With `this` as context the continuations run on this thread, and not at all once the API is gone
    // (the promise is then dropped unfinished, and the router answers 500 if the client still waits).
    m_services.broker->accounts().then(
        this, [this, visible, done](const BrokerResult<QList<Account>> &result) {
            Listed listed;
            if (!result) {
                listed.error = result.error();
                return done(listed);
            }
            QList<QByteArray> keys;
            for (const Account &account : *result) {
                if (visible && !visible->contains(account.id))
                    continue;
                listed.accounts.append(account);
                keys.append(BusWire::valueKey(account.id));
            }
            if (keys.isEmpty())
                return done(listed);
            m_services.liveValues->values(keys).then(
                this, [listed, done](const BusResult<QList<std::optional<QByteArray>>> &stored) mutable {
                    if (!stored)
                        qCWarning(lcServer) << "live values unavailable:" << stored.error();
                    for (qsizetype i = 0; i < listed.accounts.size(); ++i) {
                        LiveValue live;
                        if (!stored || i >= stored->size()) {
                            live.unavailable = kValuesUnavailable.toString();
                        } else if (!stored->at(i)) {
                            live.unavailable = kNoValueYet.toString();
                        } else if (auto update = BusWire::decodeUpdate(*stored->at(i));
                                   update && update->accountId == listed.accounts[i].id) {
                            live.update = std::move(*update);
                        } else {
                            qCWarning(lcServer) << "unreadable live value of" << listed.accounts[i].id;
                            live.unavailable = kInvalidValue.toString();
                        }
                        listed.values.append(live);
                    }
                    done(listed);
                });
        });
    return promise->future().then(this, [](const Listed &listed) -> QHttpServerResponse {
        if (listed.error)
            return brokerFailure(*listed.error);
        QJsonArray out;
        for (qsizetype i = 0; i < listed.accounts.size(); ++i)
            out.append(accountJson(listed.accounts[i], listed.values[i]));
        return jsonResponse(out);
    });
}

} // namespace clera
