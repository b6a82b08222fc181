#pragma once

#include "core/config/config.h"
#include "core/domain/expected.h"
#include "serverrole.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace clera {

class AccountDirectory;
class AlpacaStream;
class Broker;
class Bus;
class BusPortfolioSource;
class HoldingsCollector;
class MarketFeed;
class PortfolioCalculator;
class PricePublisher;
class AssetCatalog;
class Jwt;
class PortfolioTracker;
class RestApi;
class SimBroker;
class SimFeed;
class SymbolRegistry;
class WebSocketHub;

// The composition root of clera-server: builds the asset catalog, SimFeed, SymbolRegistry, SimBroker
// (SQLite in the data folder), AccountDirectory and PortfolioTracker from the configuration, seeds
// the demo data when asked, and serves them over REST and WebSocket. With a role other than all it
// builds only that role's services, over a RedisBus (see ServerRole and docs/redis.md).
class ServerRoot : public QObject
{
    Q_OBJECT
public:
    struct StartError
    {
        enum class Kind { Setting, Runtime, Bind };
        Kind kind = Kind::Runtime;
        QString message;
        // 2 for a bad setting, 1 otherwise.
        [[nodiscard]] int exitCode() const { return kind == Kind::Setting ? 2 : 1; }
    };
    struct Options
    {
        bool demo = false;
        bool startFeed = true;
        ServerRole role = ServerRole::All;
    };

    static constexpr QStringView kBrokerDatabase = u"simbroker.sqlite";
    static constexpr QStringView kDirectoryDatabase = u"clera.sqlite";

    explicit ServerRoot(Config config, QObject *parent = nullptr);
    ~ServerRoot() override;

    // Builds every service, listens on both ports and starts the feed.
    [[nodiscard]] Expected<std::monostate, StartError> start(Options options);
    // Before destruction on an orderly exit: the market-data role releases its leader lock.
    void shutdown();
    // What the server prints on start-up: mode, data folder, secret source, listening URLs.
    [[nodiscard]] QStringList banner() const;

    [[nodiscard]] quint16 restPort() const;
    [[nodiscard]] quint16 webSocketPort() const;
    [[nodiscard]] QString dataDir() const { return m_dataDir; }
    [[nodiscard]] const QStringList &demoAccounts() const { return m_demoAccounts; }

    [[nodiscard]] const AssetCatalog &catalog() const { return *m_catalog; }
    [[nodiscard]] MarketFeed *feed() const { return m_feed; }
    [[nodiscard]] SimFeed *simFeed() const { return m_simFeed; }       // null unless CLERA_FEED=sim
    [[nodiscard]] Broker *broker() const { return m_broker; }
    [[nodiscard]] SimBroker *simBroker() const { return m_simBroker; } // null unless CLERA_BROKER=sim
    [[nodiscard]] SymbolRegistry *registry() const { return m_registry; }
    [[nodiscard]] AccountDirectory *directory() const { return m_directory.get(); }
    [[nodiscard]] PortfolioTracker *tracker() const { return m_tracker; }
    [[nodiscard]] WebSocketHub *hub() const { return m_hub; }
    [[nodiscard]] ServerRole role() const { return m_role; }
    [[nodiscard]] Bus *bus() const { return m_bus; } // null in role all
    [[nodiscard]] HoldingsCollector *collector() const { return m_collector; }
    [[nodiscard]] PricePublisher *publisher() const { return m_publisher; }
    [[nodiscard]] PortfolioCalculator *calculator() const { return m_calculator; }
    [[nodiscard]] BusPortfolioSource *portfolioSource() const { return m_busSource; }
    [[nodiscard]] const Jwt &jwt() const { return *m_jwt; }

private:
    // Builds the bus and the services of a scale-out role.
    void startRole(const ScaleOutSettings &scale, std::chrono::milliseconds minUpdateInterval,
                   std::chrono::milliseconds recalculationInterval, const QStringList &allowedOrigins,
                   bool startFeed);

    Config m_config;
    QString m_dataDir;
    QString m_secretFile;
    bool m_secretGenerated = false;
    QStringList m_demoAccounts;
    ServerRole m_role = ServerRole::All;

    std::unique_ptr<AssetCatalog> m_catalog;
    std::unique_ptr<Jwt> m_jwt;
    std::unique_ptr<AccountDirectory> m_directory;
    QString m_backend; // what the mode line of the banner says
    MarketFeed *m_feed = nullptr;
    SimFeed *m_simFeed = nullptr;
    AlpacaStream *m_alpacaStream = nullptr;
    SymbolRegistry *m_registry = nullptr;
    Broker *m_broker = nullptr;
    SimBroker *m_simBroker = nullptr;
    PortfolioTracker *m_tracker = nullptr;
    WebSocketHub *m_hub = nullptr;
    RestApi *m_rest = nullptr;
    // Scale-out roles.
    Bus *m_bus = nullptr;
    HoldingsCollector *m_collector = nullptr;
    PricePublisher *m_publisher = nullptr;
    PortfolioCalculator *m_calculator = nullptr;
    BusPortfolioSource *m_busSource = nullptr;
};

} // namespace clera
