#pragma once

#include "core/auth/jwt.h"
#include "core/domain/expected.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QHttpServer>
#include <QJsonObject>
#include <QObject>

#include <functional>

namespace clera {

class AccountDirectory;
class AssetCatalog;
class Broker;
class Bus;
class MarketFeed;
class PortfolioTracker;
class WebSocketHub;

// The REST API (QHttpServer): GET /health, GET /api/v1/assets, GET /api/v1/accounts (without a
// tracker, as in the api role, accounts come without live values). Routes under
// /api/v1 need a bearer token. Every answer is JSON; errors are {"error":{"code","message"}} with a
// matching status (401 with WWW-Authenticate, 404, 405 with Allow, 400, 502).
class RestApi : public QObject
{
    Q_OBJECT
public:
    struct Services
    {
        const AssetCatalog *catalog = nullptr;
        Broker *broker = nullptr;
        MarketFeed *feed = nullptr;
        AccountDirectory *directory = nullptr;
        PortfolioTracker *tracker = nullptr;
        const WebSocketHub *hub = nullptr;
        const Jwt *jwt = nullptr;
        std::function<bool()> brokerAvailable;
        QString version;
        // Scale-out roles (clera-server --role): which one, its bus, and what else it reports.
        // Null/empty members are left out of /health; healthOnly serves nothing but /health.
        QString role;
        const Bus *bus = nullptr;
        std::function<QJsonObject()> roleStatus;
        std::function<bool()> feedExpected; // false: a stopped feed is fine (a market-data standby)
        bool healthOnly = false;
    };

    static constexpr int kDefaultAssetLimit = 20;
    static constexpr int kMaxAssetLimit = 500;

    explicit RestApi(Services services, QObject *parent = nullptr);

    [[nodiscard]] Expected<quint16, QString> listen(const QHostAddress &address, quint16 port);
    [[nodiscard]] quint16 port() const { return m_port; }

private:
    void addRoutes();
    void addApiRoutes();
    [[nodiscard]] Expected<TokenClaims, QString> authenticate(const QHttpServerRequest &request) const;
    [[nodiscard]] QHttpServerResponse health() const;
    [[nodiscard]] QHttpServerResponse assets(const QHttpServerRequest &request) const;
    [[nodiscard]] QFuture<QHttpServerResponse> accounts(const QHttpServerRequest &request);

    Services m_services;
    QHttpServer m_server;
    QElapsedTimer m_uptime;
    quint16 m_port = 0;
};

} // namespace clera
