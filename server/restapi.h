#pragma once

#include "core/domain/expected.h"
#include "httprouter.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>

namespace clera {

class AccountDataRoutes;
class AssetCatalog;
class AuthRoutes;
class AuthService;
class Broker;
class BrokerageAccountRepository;
class Bus;
class Database;
class FundingRoutes;
class FundingService;
class MarketFeed;
class OperatorRoutes;
class OnboardingRoutes;
class OnboardingService;
class OrderService;
class PortfolioTracker;
class TradingRoutes;
class UserRepository;
class WatchlistRoutes;
class WebSocketHub;

// The REST API (QHttpServer): GET /health, GET /api/v1/openapi.json, the account routes of AuthRoutes,
// GET /api/v1/assets, GET /api/v1/accounts, the trading routes of TradingRoutes, the account data of
// AccountDataRoutes (activities, history, asset profiles), the watchlists of WatchlistRoutes, the onboarding
// routes of OnboardingRoutes, the funding routes of FundingRoutes and the operator routes of OperatorRoutes
// (/api/v1/admin/…). Bearer tokens are checked against the store, so a disabled user or a demoted operator
// loses access before the token expires. Every answer is JSON; errors are {"error":{"code","message"}}
// with a matching status (see HttpRouter for the shared ones). In a scale-out role other than api, only
// /health is served (Services::healthOnly). The api role has no tracker: it reads the accounts' live
// values from the calculator's value:<id> keys (Services::liveValues).
class RestApi : public QObject
{
    Q_OBJECT
public:
    struct Services
    {
        const AssetCatalog *catalog = nullptr;
        Broker *broker = nullptr;
        MarketFeed *feed = nullptr;
        PortfolioTracker *tracker = nullptr;
        const WebSocketHub *hub = nullptr;
        AuthService *auth = nullptr;
        Database *database = nullptr;
        UserRepository *users = nullptr;
        BrokerageAccountRepository *accounts = nullptr;
        OrderService *orders = nullptr; // the trading routes are served when set
        OnboardingService *onboarding = nullptr; // the onboarding routes are served when set
        FundingService *funding = nullptr; // the funding routes are served when set
        std::function<bool()> brokerAvailable;
        QString version;
        // Scale-out roles (clera-server --role): which one, its bus, and what else it reports.
        // Null/empty members are left out of /health; healthOnly serves nothing but /health.
        QString role;
        const Bus *bus = nullptr;
        // The api role: GET /api/v1/accounts reads the calculator's value:<id> keys, one MGET a request.
        Bus *liveValues = nullptr;
        std::function<QJsonObject()> roleStatus;
        std::function<bool()> feedExpected; // false: a stopped feed is fine (a market-data standby)
        bool healthOnly = false;
    };

    static constexpr int kDefaultAssetLimit = 20;
    static constexpr int kMaxAssetLimit = 500;

    explicit RestApi(Services services, QObject *parent = nullptr);
    ~RestApi() override;

    [[nodiscard]] Expected<quint16, QString> listen(const QHostAddress &address, quint16 port);
    [[nodiscard]] quint16 port() const { return m_port; }
    // Every route the router registered, in registration order.
    [[nodiscard]] const QList<RouteSpec> &routes() const { return m_router.routes(); }

private:
    void addRoutes();
    [[nodiscard]] QHttpServerResponse health() const;
    [[nodiscard]] QJsonObject healthBody() const;
    [[nodiscard]] QHttpServerResponse assets(const QHttpServerRequest &request) const;
    [[nodiscard]] QFuture<QHttpServerResponse> accounts(const RequestContext &context);
    [[nodiscard]] QFuture<QHttpServerResponse>
    accountsWithStoredValues(const std::optional<QSet<QString>> &visible);

    Services m_services;
    QHttpServer m_server;
    HttpRouter m_router;
    std::unique_ptr<AuthRoutes> m_authRoutes;
    std::unique_ptr<OperatorRoutes> m_operatorRoutes;
    TradingRoutes *m_tradingRoutes = nullptr;
    OnboardingRoutes *m_onboardingRoutes = nullptr;
    FundingRoutes *m_fundingRoutes = nullptr;
    AccountDataRoutes *m_accountDataRoutes = nullptr;
    WatchlistRoutes *m_watchlistRoutes = nullptr;
    QElapsedTimer m_uptime;
    quint16 m_port = 0;
};

} // namespace clera
