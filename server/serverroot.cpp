#include "serverroot.h"

#include "core/auth/authservice.h"
#include "core/auth/jwt.h"
#include "core/auth/outboxmailer.h"
#include "core/broker/alpacabroker.h"
#include "core/broker/alpacatrading.h"
#include "core/broker/assetcache.h"
#include "core/broker/simbroker.h"
#include "core/bus/redisbus.h"
#include "core/config/backendselection.h"
#include "core/marketdata/alpacasetup.h"
#include "core/marketdata/alpacastream.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/simfeed.h"
#include "core/marketdata/symbolregistry.h"
#include "core/realtime/busportfoliosource.h"
#include "core/realtime/holdingscollector.h"
#include "core/realtime/portfoliocalculator.h"
#include "core/realtime/portfoliotracker.h"
#include "core/realtime/pricepublisher.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/databaseurl.h"
#include "core/store/userrepository.h"
#include "core/onboarding/alpacaaccountopener.h"
#include "core/onboarding/onboardingservice.h"
#include "core/onboarding/simaccountopener.h"
#include "core/store/onboardingrepository.h"
#include "core/funding/alpacafundinggateway.h"
#include "core/funding/fundingservice.h"
#include "core/funding/simfundinggateway.h"
#include "core/trading/orderservice.h"
#include "datakey.h"
#include "demoseeder.h"
#include "jwtsecret.h"
#include "restapi.h"
#include "serverlog.h"
#include "websockethub.h"

#include <QPointer>
#include <QUrl>

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>

using namespace Qt::StringLiterals;

#ifndef CLERA_VERSION
#define CLERA_VERSION "0.0.0"
#endif

namespace clera {

namespace {

using Kind = ServerRoot::StartError::Kind;

Unexpected<ServerRoot::StartError> fail(Kind kind, const QString &message)
{
    return unexpected(ServerRoot::StartError{kind, message});
}

Expected<QHostAddress, QString> hostAddress(const Config &config, const QString &name)
{
    const QString text = config.value(name);
    QHostAddress address;
    if (text == u"localhost")
        address = QHostAddress(QHostAddress::LocalHost);
    else if (!address.setAddress(text))
        return unexpected(u"%1 must be an IP address (got '%2')"_s.arg(name, text));
    return address;
}

// The settings start() needs, each checked, so a bad one fails before anything is created.
struct ServerSettings
{
    QHostAddress apiHost;
    QHostAddress wsHost;
    quint16 apiPort = 0;
    quint16 wsPort = 0;
    quint64 seed = 1;
    int ticksPerSecond = 20;
    std::chrono::milliseconds minUpdateInterval{2000};
    std::chrono::milliseconds recalculationInterval{30000};
    QStringList allowedOrigins;
    int wsFlushIntervalMs = 0;
    int wsThreads = 0;
    std::chrono::seconds accessTokenTtl{900};
    std::chrono::seconds refreshTokenTtl{30 * 24 * 3600};
    int passwordThreads = 0;
    QString publicUrl;

    BackendSelection backend;

    static Expected<ServerSettings, QString> from(const Config &config)
    {
        ServerSettings s;
        const auto backend = BackendSelection::from(config);
        if (!backend)
            return unexpected(backend.error());
        s.backend = *backend;
        const auto apiHost = hostAddress(config, u"CLERA_API_HOST"_s);
        if (!apiHost)
            return unexpected(apiHost.error());
        s.apiHost = *apiHost;
        const auto wsHost = hostAddress(config, u"WEBSOCKET_HOST"_s);
        if (!wsHost)
            return unexpected(wsHost.error());
        s.wsHost = *wsHost;
        const auto apiPort = config.port(u"CLERA_API_PORT"_s);
        if (!apiPort)
            return unexpected(apiPort.error());
        s.apiPort = *apiPort;
        const auto wsPort = config.port(u"WEBSOCKET_PORT"_s);
        if (!wsPort)
            return unexpected(wsPort.error());
        s.wsPort = *wsPort;
        if (s.apiPort != 0 && s.apiPort == s.wsPort)
            return unexpected(u"CLERA_API_PORT and WEBSOCKET_PORT must differ"_s);
        const auto seed = config.integer(u"CLERA_SIM_SEED"_s, 0, std::numeric_limits<qint64>::max());
        if (!seed)
            return unexpected(seed.error());
        s.seed = quint64(*seed);
        const auto tickRate = config.integer(u"CLERA_SIM_TICK_RATE"_s, 1, 100000);
        if (!tickRate)
            return unexpected(tickRate.error());
        s.ticksPerSecond = int(*tickRate);
        const auto minUpdate = config.seconds(u"MIN_UPDATE_INTERVAL"_s);
        if (!minUpdate)
            return unexpected(minUpdate.error());
        s.minUpdateInterval = *minUpdate;
        const auto recalculation = config.seconds(u"RECALCULATION_INTERVAL"_s);
        if (!recalculation)
            return unexpected(recalculation.error());
        s.recalculationInterval = *recalculation;
        for (const QString &origin :
             config.value(u"WEBSOCKET_ALLOWED_ORIGINS"_s).split(u',', Qt::SkipEmptyParts)) {
            const QUrl url(origin.trimmed(), QUrl::StrictMode);
            if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty() || url.path().size() > 0)
                return unexpected(u"WEBSOCKET_ALLOWED_ORIGINS must list origins like https://app.example.com "
                                  u"(got '%1')"_s.arg(origin.trimmed()));
            s.allowedOrigins.append(origin.trimmed());
        }
        const auto flushInterval = config.integer(u"WEBSOCKET_FLUSH_INTERVAL"_s, 0, 1000);
        if (!flushInterval)
            return unexpected(flushInterval.error());
        s.wsFlushIntervalMs = int(*flushInterval);
        const auto wsThreads = config.integer(u"WEBSOCKET_THREADS"_s, 0, 64);
        if (!wsThreads)
            return unexpected(wsThreads.error());
        s.wsThreads = int(*wsThreads);
        const auto ttl = config.integer(u"CLERA_TOKEN_TTL"_s, 1, 366LL * 24 * 3600);
        if (!ttl)
            return unexpected(ttl.error());
        const auto accessTtl = config.integer(u"CLERA_ACCESS_TOKEN_TTL"_s, 30, 24 * 3600);
        if (!accessTtl)
            return unexpected(accessTtl.error());
        s.accessTokenTtl = std::chrono::seconds(*accessTtl);
        const auto refreshTtl = config.integer(u"CLERA_REFRESH_TOKEN_TTL"_s, 60, 366LL * 24 * 3600);
        if (!refreshTtl)
            return unexpected(refreshTtl.error());
        s.refreshTokenTtl = std::chrono::seconds(*refreshTtl);
        const auto passwordThreads = config.integer(u"CLERA_PASSWORD_THREADS"_s, 0, 256);
        if (!passwordThreads)
            return unexpected(passwordThreads.error());
        s.passwordThreads = int(*passwordThreads);
        s.publicUrl = config.value(u"CLERA_PUBLIC_URL"_s).trimmed();
        while (s.publicUrl.endsWith(u'/'))
            s.publicUrl.chop(1);
        if (s.publicUrl.isEmpty()) {
            s.publicUrl = u"http://localhost:%1"_s.arg(s.apiPort);
        } else {
            const QUrl url(s.publicUrl, QUrl::StrictMode);
            if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
                url.host().isEmpty() || url.hasQuery() || url.hasFragment())
                return unexpected(u"CLERA_PUBLIC_URL must be an http(s) URL like https://clera.example.com "
                                  u"(got '%1')"_s.arg(s.publicUrl));
        }
        if (config.isSet(u"CLERA_DB_URL"_s)) {
            if (const auto url = DatabaseUrl::parse(config.value(u"CLERA_DB_URL"_s)); !url)
                return unexpected(u"CLERA_DB_URL: "_s + url.error().message);
        }
        const QString from = config.value(u"CLERA_MAIL_FROM"_s);
        if (from.isEmpty() || from.contains(u'\r') || from.contains(u'\n') || !from.contains(u'@'))
            return unexpected(u"CLERA_MAIL_FROM must be a mail address like Clera <no-reply@example.com>"_s);
        return s;
    }
};

WebSocketHub::Options hubOptionsOf(const ServerSettings &settings)
{
    WebSocketHub::Options options;
    options.allowedOrigins = settings.allowedOrigins;
    options.flushIntervalMs = settings.wsFlushIntervalMs;
    options.sendThreads = settings.wsThreads;
    return options;
}

} // namespace

ServerRoot::ServerRoot(Config config, QObject *parent) : QObject(parent), m_config(std::move(config)) {}

QString ServerRoot::storeLocation(const Config &config, const QString &dataDir)
{
    return config.isSet(u"CLERA_DB_URL"_s) ? config.value(u"CLERA_DB_URL"_s)
                                           : QDir(dataDir).filePath(kStoreDatabase.toString());
}

ServerRoot::~ServerRoot()
{
    // The hub, the API and the roles hold raw pointers to the services; stop them first.
    delete m_rest;
    delete m_orders;
    delete m_onboarding;
    delete m_opener;
    delete m_funding;
    delete m_fundingGateway;
    delete m_hub;
    delete m_collector;
    delete m_publisher;
    delete m_calculator;
    delete m_busSource;
    delete m_bus;
    delete m_tracker;
    delete m_broker;
    delete m_registry;
    delete m_feed;
}

Expected<std::monostate, ServerRoot::StartError> ServerRoot::start(Options options)
{
    // Every setting is checked before anything is created, so a bad one leaves no files behind.
    const auto settings = ServerSettings::from(m_config);
    if (!settings)
        return fail(Kind::Setting, settings.error());

    // Which services this process runs: everything (all), or one role over Redis.
    m_role = options.role;
    const bool all = m_role == ServerRole::All;
    std::optional<ScaleOutSettings> scaleOut;
    if (!all) {
        const auto scale = ScaleOutSettings::from(m_config);
        if (!scale)
            return fail(Kind::Setting, scale.error());
        scaleOut = *scale;
    }
    const bool needsBroker = all || m_role == ServerRole::Api || m_role == ServerRole::WebSocket ||
                             m_role == ServerRole::Collector;
    // Users, sessions and account ownership: whoever authenticates clients.
    const bool needsStore = all || m_role == ServerRole::Api || m_role == ServerRole::WebSocket;
    const bool upstreamFeed = all || m_role == ServerRole::MarketData;
    const BackendSelection &backend = settings->backend;
    if (options.demo && backend.broker != BackendSelection::BrokerKind::Sim)
        return fail(Kind::Setting, u"--demo needs the simulated broker (CLERA_BROKER=sim)"_s);
    if (options.demo && !needsStore)
        return fail(Kind::Setting,
                    u"--demo needs a role with the broker and the store: all, api or websocket"_s);

    const auto dataDir = m_config.dataDir();
    if (!dataDir)
        return fail(Kind::Runtime, dataDir.error());
    m_dataDir = *dataDir;

    // A PostgreSQL store is shared by instances, which must accept each other's tokens: a secret generated
    // into one instance's data folder would not do.
    if (needsStore && !m_config.isSet(u"CLERA_JWT_SECRET"_s)) {
        const auto store = DatabaseUrl::parse(storeLocation(m_config, m_dataDir));
        if (store && store->engine == DatabaseUrl::Engine::Postgres)
            return fail(Kind::Setting, JwtSecret::requiredMessage());
    }
    const auto secret = JwtSecret::resolve(m_config.value(u"CLERA_JWT_SECRET"_s), m_dataDir);
    if (!secret)
        return fail(m_config.isSet(u"CLERA_JWT_SECRET"_s) ? Kind::Setting : Kind::Runtime, secret.error());
    m_jwt = std::make_unique<Jwt>(secret->key);
    m_secretFile = secret->file;
    m_secretGenerated = secret->generated;

    const PasswordHasher hasher = options.passwordHasher.value_or(PasswordHasher());
    if (needsStore) {
        auto db = Database::open(storeLocation(m_config, m_dataDir));
        if (!db)
            return fail(db.error().kind == StoreError::Kind::Invalid ? Kind::Setting : Kind::Runtime,
                        u"cannot open the store: "_s + db.error().message);
        m_db = std::move(db).value();
        // A PostgreSQL store is shared by instances on other machines: a key generated into one instance's
        // data folder would leave the others unable to read what it encrypted.
        if (m_db->engine() == Database::Engine::Postgres && !m_config.isSet(u"CLERA_DATA_KEY"_s))
            return fail(Kind::Setting, u"CLERA_DATA_KEY must be set when the store is PostgreSQL (CLERA_DB_URL): "
                                       "every instance needs the same key for the encrypted fields "
                                       "(make one with: openssl rand -base64 32)"_s);
        const auto dataKey = DataKey::resolve(m_config.value(u"CLERA_DATA_KEY"_s), m_dataDir);
        if (!dataKey)
            return fail(m_config.isSet(u"CLERA_DATA_KEY"_s) ? Kind::Setting : Kind::Runtime, dataKey.error());
        m_dataKeyFile = dataKey->file;
        m_dataKeyGenerated = dataKey->generated;
        m_applications = std::make_unique<OnboardingRepository>(*m_db, dataKey->cipher);
        m_legacyDirectory = QFileInfo::exists(QDir(m_dataDir).filePath(kLegacyDirectoryDatabase.toString()));
        m_outboxDir = m_config.isSet(u"CLERA_MAIL_OUTBOX"_s)
                          ? QDir(m_config.value(u"CLERA_MAIL_OUTBOX"_s)).absolutePath()
                          : QDir(m_dataDir).filePath(kOutboxFolder.toString());
        m_mailer = std::make_unique<OutboxMailer>(m_outboxDir, m_config.value(u"CLERA_MAIL_FROM"_s));
        m_users = std::make_unique<UserRepository>(*m_db);
        m_accounts = std::make_unique<BrokerageAccountRepository>(*m_db);
        AuthPolicy policy;
        policy.accessTokenTtl = settings->accessTokenTtl;
        policy.refreshTokenTtl = settings->refreshTokenTtl;
        policy.linkBase = settings->publicUrl;
        policy.passwordThreads = settings->passwordThreads;
        m_auth = std::make_unique<AuthService>(*m_db, *m_jwt, hasher, *m_mailer, policy);
    }

    auto catalog = AssetCatalog::load();
    if (!catalog)
        return fail(Kind::Runtime, u"cannot load the asset catalog: "_s + catalog.error());
    m_catalog = std::make_unique<AssetCatalog>(std::move(*catalog));

    m_backend = backend.describe();
    const bool simBroker = needsBroker && backend.broker == BackendSelection::BrokerKind::Sim;
    if ((upstreamFeed && backend.feed == BackendSelection::FeedKind::Sim) || (!upstreamFeed && simBroker)) {
        // Outside the market-data role a SimFeed only prices the simulated broker's fills; never started.
        SimFeed::Options feedOptions;
        feedOptions.seed = settings->seed;
        feedOptions.ticksPerSecond = settings->ticksPerSecond;
        m_simFeed = new SimFeed(*m_catalog, feedOptions, this);
        m_feed = m_simFeed;
    } else if (upstreamFeed) {
        m_alpacaStream = makeAlpacaStream(backend, this);
        m_feed = m_alpacaStream;
    }
    if (m_feed)
        m_registry = new SymbolRegistry(m_feed, this);
    if (m_alpacaStream)
        loadPreviousCloses(backend, m_registry, m_alpacaStream, this);
    if (needsBroker) {
        switch (backend.broker) {
        case BackendSelection::BrokerKind::Sim:
            m_simBroker = new SimBroker(m_feed, *m_catalog, m_registry,
                                        QDir(m_dataDir).filePath(kBrokerDatabase.toString()), this);
            m_broker = m_simBroker;
            if (auto opened = m_simBroker->open(); !opened)
                return fail(Kind::Runtime, u"cannot open the simulated broker: "_s + opened.error());
            break;
        case BackendSelection::BrokerKind::Alpaca: {
            AlpacaOptions alpaca;
            alpaca.baseUrl = backend.brokerApiUrl;
            alpaca.keyId = backend.brokerKey;
            alpaca.secret = backend.brokerSecret;
            auto *broker = new AlpacaBroker(alpaca, this);
            if (all || m_role == ServerRole::Collector)
                broker->startEvents(backend.brokerEventsUrl);
            m_broker = broker;
            break;
        }
        case BackendSelection::BrokerKind::AlpacaTrading: {
            AlpacaOptions alpaca;
            alpaca.baseUrl = backend.tradingApiUrl;
            alpaca.keyId = backend.tradingKey;
            alpaca.secret = backend.tradingSecret;
            auto *trading = new AlpacaTrading(alpaca, this);
            if (options.startFeed && (all || m_role == ServerRole::Collector))
                trading->startTradeUpdates(backend.tradingStreamUrl);
            m_broker = trading;
            break;
        }
        }
    }
    if (m_broker && !m_simBroker && (all || m_role == ServerRole::Api)) {
        // Asset search follows the broker's own list: cached in the data folder, refreshed daily, the
        // stale list (or the curated catalog before the first fetch) served when a refresh fails.
        AssetCache::Options cacheOptions;
        cacheOptions.folder = m_dataDir;
        cacheOptions.fileName = u"assets-%1.json"_s.arg(m_broker->name());
        m_assetCache = new AssetCache(m_broker, cacheOptions, this);
        connect(m_assetCache, &AssetCache::assetsChanged, this, [this] {
            *m_catalog = AssetCatalog::fromAssets(m_assetCache->assets());
            qCInfo(lcServer) << "asset search over" << m_catalog->size() << "assets from the broker";
        });
        connect(m_assetCache, &AssetCache::refreshFailed, this, [this](const BrokerError &error) {
            qCWarning(lcServer).noquote() << u"cannot refresh the broker's assets (%1); serving %2"_s.arg(
                error.message,
                m_assetCache->assets().isEmpty() ? u"the curated list"_s : u"the cached list"_s);
        });
        if (options.startFeed)
            m_assetCache->start();
    }
    if (options.demo) {
        DemoSeeder seeder(m_simBroker, *m_users, *m_accounts, hasher);
        const auto seeded = seeder.seed();
        if (!seeded)
            return fail(Kind::Runtime, u"cannot seed the demo data: "_s + seeded.error());
        m_demoAccounts = *seeded;
    }

    if (m_db && m_broker && (all || m_role == ServerRole::Api)) {
        // Pending and unknown order intents are settled with the broker before any new order is taken;
        // until then the order routes answer 503 reconciling.
        m_audit = std::make_unique<AuditLog>(*m_db);
        m_orders = new OrderService(*m_broker, *m_db, *m_audit, this);
        if (m_feed) {
            // Market orders are estimated at the feed's last price (previews, large_order warnings).
            m_orders->setLastPrices([feed = QPointer<MarketFeed>(m_feed)](const QString &symbol) {
                return feed ? feed->lastPrice(symbol) : std::nullopt;
            });
        }
        m_orders->reconcile();
        // Brokerage onboarding opens accounts where the broker can: paper ones at the simulator, real
        // ones through the Broker API. The Trading API is the user's own single account: nothing to open.
        if (m_simBroker)
            m_opener = new SimAccountOpener(*m_simBroker, this);
        else if (auto *alpaca = qobject_cast<AlpacaBroker *>(m_broker))
            m_opener = new AlpacaAccountOpener(*alpaca, this);
        if (m_opener) {
            m_onboarding =
                new OnboardingService(*m_db, *m_applications, *m_accounts, *m_opener, *m_audit, {}, this);
            m_onboarding->start();
        }
        // Transfers whose broker answer was lost are settled the same way before new ones are taken.
        if (m_simBroker)
            m_fundingGateway = new SimFundingGateway(*m_simBroker, this);
        else if (auto *alpaca = qobject_cast<AlpacaBroker *>(m_broker))
            m_fundingGateway = new AlpacaFundingGateway(*alpaca, this);
        if (m_fundingGateway) {
            m_funding = new FundingService(*m_fundingGateway, *m_db, *m_audit, this);
            m_funding->setPollInterval(FundingService::kDefaultPollMs);
            m_funding->reconcile();
        }
    }
    RestApi::Services services;
    if (all) {
        m_tracker = new PortfolioTracker(
            m_broker, m_feed, m_registry,
            {.minUpdateInterval = settings->minUpdateInterval,
             .recalculationInterval = settings->recalculationInterval,
             .publishUnwatched = false}, // the hub watches what it shows; REST reads latest()
            this);
        m_tracker->trackAll();
        m_hub = new WebSocketHub(m_auth.get(), m_broker, m_accounts.get(), m_tracker, hubOptionsOf(*settings),
                                 this);
    } else {
        startRole(*scaleOut, settings->minUpdateInterval, settings->recalculationInterval,
                  hubOptionsOf(*settings), options.startFeed);
        services.role = toString(m_role);
        services.bus = m_bus;
        services.healthOnly = m_role != ServerRole::Api;
        if (m_role == ServerRole::Api)
            services.liveValues = m_bus;
        if (m_publisher)
            services.feedExpected = [publisher = m_publisher] { return publisher->isLeader(); };
        if (m_publisher)
            services.roleStatus = [publisher = m_publisher] {
                return QJsonObject{{u"leader"_s, publisher->isLeader()},
                                   {u"frames_published"_s, qint64(publisher->framesPublished())}};
            };
        if (m_calculator)
            services.roleStatus = [calculator = m_calculator] {
                return QJsonObject{{u"accounts"_s, calculator->engine().accountCount()},
                                   {u"updates_published"_s, qint64(calculator->updatesPublished())}};
            };
        if (m_collector)
            services.roleStatus = [collector = m_collector] {
                return QJsonObject{{u"accounts"_s, collector->accountCount()},
                                   {u"symbols"_s, collector->symbols().size()},
                                   {u"passes"_s, qint64(collector->passes())}};
            };
    }
    services.catalog = m_catalog.get();
    services.broker = m_broker;
    services.feed = upstreamFeed ? m_feed : nullptr;
    services.tracker = m_tracker;
    services.hub = m_hub;
    services.auth = m_auth.get();
    services.database = m_db.get();
    services.users = m_users.get();
    services.accounts = m_accounts.get();
    services.orders = m_orders;
    services.onboarding = m_onboarding;
    services.funding = m_funding;
    if (m_simBroker)
        services.brokerAvailable = [broker = m_simBroker] { return broker->isOpen(); };
    services.version = QStringLiteral(CLERA_VERSION);
    m_rest = new RestApi(std::move(services), this);

    if (auto listening = m_rest->listen(settings->apiHost, settings->apiPort); !listening)
        return fail(Kind::Bind, listening.error());
    if (m_hub) {
        if (auto listening = m_hub->listen(settings->wsHost, settings->wsPort); !listening)
            return fail(Kind::Bind, listening.error());
    }

    if (options.startFeed && all) {
        if (m_simFeed)
            m_simFeed->start();
        if (m_alpacaStream)
            m_alpacaStream->start();
    }
    return std::monostate{};
}

void ServerRoot::startRole(const ScaleOutSettings &scale, std::chrono::milliseconds minUpdateInterval,
                           std::chrono::milliseconds recalculationInterval,
                           const WebSocketHub::Options &hubOptions, bool startFeed)
{
    auto *bus = new RedisBus(scale.redis, this);
    m_bus = bus;
    switch (m_role) {
    case ServerRole::All:
    case ServerRole::Api:
        break;
    case ServerRole::Collector:
        m_collector = new HoldingsCollector(m_broker, m_bus, {scale.symbolCollectionInterval, {}}, this);
        m_collector->start();
        break;
    case ServerRole::MarketData: {
        PricePublisher::Options o;
        o.priceTtl = scale.priceTtl;
        o.lockPeriod = scale.lockPeriod;
        // The lock is renewed on a connection of its own: at tens of thousands of ticks per second the
        // publisher's pipelined writes would otherwise delay the renewal's answer until the leader steps
        // down (seen in the Redis-scaled benchmark under load).
        auto *lockBus = new RedisBus(scale.redis, this);
        lockBus->start();
        o.lockBus = lockBus;
        o.runFeed = [this, startFeed](bool run) {
            if (m_simFeed)
                run &&startFeed ? m_simFeed->start() : m_simFeed->stop();
            if (m_alpacaStream)
                run &&startFeed ? m_alpacaStream->start() : m_alpacaStream->stop();
        };
        m_publisher = new PricePublisher(m_bus, m_feed, m_registry, std::move(o), this);
        m_publisher->start();
        break;
    }
    case ServerRole::Calculator:
        m_calculator = new PortfolioCalculator(
            m_bus,
            {minUpdateInterval, recalculationInterval, std::max(scale.priceTtl, recalculationInterval * 4)},
            this);
        m_calculator->start();
        break;
    case ServerRole::WebSocket:
        m_busSource = new BusPortfolioSource(m_bus, this);
        m_hub = new WebSocketHub(m_auth.get(), m_broker, m_accounts.get(), m_busSource, hubOptions, this);
        break;
    }
    bus->start();
}

void ServerRoot::shutdown()
{
    if (m_publisher)
        m_publisher->shutdown();
}

QStringList ServerRoot::banner() const
{
    const QString apiHost = m_config.value(u"CLERA_API_HOST"_s);
    const QString wsHost = m_config.value(u"WEBSOCKET_HOST"_s);
    QStringList lines{
        u"clera-server %1"_s.arg(QStringLiteral(CLERA_VERSION)),
        u"Mode: "_s + m_backend,
        u"Role: %1%2"_s.arg(toString(m_role), m_bus ? u" over "_s + m_bus->statusMessage() : QString()),
        u"Data folder: %1"_s.arg(m_dataDir),
    };
    if (m_secretFile.isEmpty())
        lines.append(u"JWT secret: from CLERA_JWT_SECRET"_s);
    else
        lines.append(u"JWT secret: %1 file %2"_s.arg(
            m_secretGenerated ? u"generated"_s : u"using generated"_s, m_secretFile));
    if (m_db) {
        if (m_dataKeyFile.isEmpty())
            lines.append(u"Data key (encrypts tax ids and dates of birth): from CLERA_DATA_KEY"_s);
        else
            lines.append(u"Data key (encrypts tax ids and dates of birth): %1 file %2 (back it up: without it "
                         "they cannot be read)"_s.arg(m_dataKeyGenerated ? u"generated"_s : u"using generated"_s,
                                                     m_dataKeyFile));
        lines.append(u"Store: "_s + m_db->describe());
        lines.append(u"Mail: SMTP is not configured; account mails (verification, password reset) are "
                     "written to %1"_s.arg(m_outboxDir));
    }
    if (m_legacyDirectory)
        lines.append(u"Note: %1 (the account directory of older versions) is no longer read; account "
                     "ownership lives in the store"_s.arg(
                         QDir(m_dataDir).filePath(kLegacyDirectoryDatabase.toString())));
    if (!m_demoAccounts.isEmpty())
        lines.append(
            u"Demo data: users demo-alice (alice@demo.clera.invalid), demo-bob (bob@demo.clera.invalid) "
            "and the operator demo-operator (operator@demo.clera.invalid), password '%1'; print a "
            "token with: clera-server token demo-alice"_s.arg(DemoSeeder::kPassword));
    const bool rest = m_role == ServerRole::All || m_role == ServerRole::Api;
    lines.append(u"%1 http://%2:%3"_s.arg(rest ? u"REST"_s : u"Health"_s, apiHost).arg(restPort()));
    if (m_hub)
        lines.append(
            u"WebSocket ws://%1:%2/ws/portfolio/{account_id}?token=… and ws://%1:%2/ws"_s.arg(wsHost).arg(
                webSocketPort()));
    return lines;
}

quint16 ServerRoot::restPort() const
{
    return m_rest ? m_rest->port() : 0;
}

quint16 ServerRoot::webSocketPort() const
{
    return m_hub ? m_hub->port() : 0;
}

} // namespace clera
