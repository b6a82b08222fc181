#pragma once

#include "core/auth/passwordhasher.h"
#include "core/config/config.h"
#include "core/domain/expected.h"
#include "serverrole.h"
#include "websockethub.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>

namespace clera {

class AccountOpener;
class AlpacaStream;
class AssetCache;
class Broker;
class Bus;
class BusPortfolioSource;
class HoldingsCollector;
class MarketFeed;
class PortfolioCalculator;
class PricePublisher;
class AssetCatalog;
class AuditLog;
class AuthService;
class Broker;
class BrokerageAccountRepository;
class Database;
class Jwt;
class MarketFeed;
class OnboardingRepository;
class OnboardingService;
class OrderService;
class FundingGateway;
class FundingService;
class OutboxMailer;
class UserRepository;
class PortfolioTracker;
class RestApi;
class SimBroker;
class SimFeed;
class SymbolRegistry;
class WebSocketHub;

// The composition root of clera-server: opens the store (CLERA_DB_URL, else SQLite in the data folder)
// and builds AuthService (mails into the outbox folder), OnboardingService (sensitive fields encrypted
// with CLERA_DATA_KEY or a generated <data dir>/data-key), the asset catalog, the feed, SymbolRegistry,
// the broker and PortfolioTracker from the configuration, seeds the demo data when asked, and serves
// them over REST and WebSocket. With a role other than all it builds only that role's services, over
// a RedisBus (see ServerRole and docs/redis.md).
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
        // Tests pass a cheap hasher; the server uses PasswordHasher's production default.
        std::optional<PasswordHasher> passwordHasher;
        ServerRole role = ServerRole::All;
    };

    static constexpr QStringView kBrokerDatabase = u"simbroker.sqlite";
    static constexpr QStringView kStoreDatabase = u"store.sqlite";
    // The account directory of older versions; no longer read.
    static constexpr QStringView kLegacyDirectoryDatabase = u"clera.sqlite";
    static constexpr QStringView kOutboxFolder = u"outbox";

    // Where the store lives: CLERA_DB_URL, else <data dir>/store.sqlite.
    [[nodiscard]] static QString storeLocation(const Config &config, const QString &dataDir);

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
    [[nodiscard]] SimFeed *simFeed() const { return m_simFeed; } // null unless CLERA_FEED=sim
    [[nodiscard]] Broker *broker() const { return m_broker; }
    [[nodiscard]] SimBroker *simBroker() const { return m_simBroker; } // null unless CLERA_BROKER=sim
    [[nodiscard]] SymbolRegistry *registry() const { return m_registry; }
    [[nodiscard]] Database &database() const { return *m_db; }
    [[nodiscard]] AuthService &auth() const { return *m_auth; }
    [[nodiscard]] UserRepository &users() const { return *m_users; }
    [[nodiscard]] BrokerageAccountRepository &brokerageAccounts() const { return *m_accounts; }
    [[nodiscard]] QString outboxDir() const { return m_outboxDir; }
    [[nodiscard]] PortfolioTracker *tracker() const { return m_tracker; }
    [[nodiscard]] WebSocketHub *hub() const { return m_hub; }
    [[nodiscard]] OrderService *orders() const { return m_orders; }
    // Null in the roles without REST and with the Trading API broker (no end-user accounts to open).
    [[nodiscard]] OnboardingService *onboarding() const { return m_onboarding; }
    [[nodiscard]] AccountOpener *accountOpener() const { return m_opener; }
    // Null with the Trading API broker (one own account: no bank links to manage).
    [[nodiscard]] FundingService *funding() const { return m_funding; }
    [[nodiscard]] const RestApi *rest() const { return m_rest; }
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
                   std::chrono::milliseconds recalculationInterval, const WebSocketHub::Options &hubOptions,
                   bool startFeed);

    Config m_config;
    QString m_dataDir;
    QString m_secretFile;
    bool m_secretGenerated = false;
    QString m_dataKeyFile;
    bool m_dataKeyGenerated = false;
    QStringList m_demoAccounts;
    ServerRole m_role = ServerRole::All;

    std::unique_ptr<AssetCatalog> m_catalog;
    AssetCache *m_assetCache = nullptr; // Alpaca brokers only: refills m_catalog
    std::unique_ptr<Jwt> m_jwt;
    QString m_outboxDir;
    bool m_legacyDirectory = false;
    // Declared in dependency order, so they are destroyed in reverse.
    std::unique_ptr<Database> m_db;
    std::unique_ptr<OutboxMailer> m_mailer;
    std::unique_ptr<UserRepository> m_users;
    std::unique_ptr<BrokerageAccountRepository> m_accounts;
    std::unique_ptr<OnboardingRepository> m_applications;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<AuditLog> m_audit;
    QString m_backend; // what the mode line of the banner says
    MarketFeed *m_feed = nullptr;
    SimFeed *m_simFeed = nullptr;
    AlpacaStream *m_alpacaStream = nullptr;
    SymbolRegistry *m_registry = nullptr;
    Broker *m_broker = nullptr;
    SimBroker *m_simBroker = nullptr;
    PortfolioTracker *m_tracker = nullptr;
    WebSocketHub *m_hub = nullptr;
    OrderService *m_orders = nullptr;
    AccountOpener *m_opener = nullptr;
    OnboardingService *m_onboarding = nullptr;
    FundingGateway *m_fundingGateway = nullptr;
    FundingService *m_funding = nullptr;
    RestApi *m_rest = nullptr;
    // Scale-out roles.
    Bus *m_bus = nullptr;
    HoldingsCollector *m_collector = nullptr;
    PricePublisher *m_publisher = nullptr;
    PortfolioCalculator *m_calculator = nullptr;
    BusPortfolioSource *m_busSource = nullptr;
};

} // namespace clera
