#include "approot.h"

#include "portfoliomodel.h"
#include "positionsmodel.h"
#include "positionsproxymodel.h"

#include "core/broker/alpacatrading.h"
#include "core/broker/simbroker.h"
#include "core/config/config.h"
#include "core/marketdata/alpacasetup.h"
#include "core/marketdata/alpacastream.h"
#include "core/marketdata/simfeed.h"
#include "core/marketdata/symbolregistry.h"
#include "core/realtime/portfoliotracker.h"

#include <QDir>
#include <QLoggingCategory>
#include <QSet>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcApp, "clera.app")

namespace clera {

Expected<AppRoot::Options, QString> AppRoot::optionsFrom(const Config &config)
{
    const auto backend = BackendSelection::from(config, Config::App);
    if (!backend)
        return unexpected(backend.error());
    if (backend->broker == BackendSelection::BrokerKind::Alpaca)
        return unexpected(u"the desktop app trades your own account (CLERA_BROKER=alpaca-trading with "
                          u"APCA_API_KEY_ID/APCA_API_SECRET); the Broker API is for clera-server"_s);
    if (backend->broker == BackendSelection::BrokerKind::AlpacaTrading &&
        backend->feed == BackendSelection::FeedKind::Sim)
        return unexpected(u"an Alpaca account is valued with Alpaca's market data: CLERA_FEED=sim would show "
                          u"simulated prices for real holdings"_s);
    Options o;
    o.backend = *backend;
    const auto dataDir = config.dataDir();
    if (!dataDir)
        return unexpected(dataDir.error());
    o.dataDir = *dataDir;
    const auto seed = config.integer(u"CLERA_SIM_SEED"_s, 0, std::numeric_limits<qint64>::max());
    if (!seed)
        return unexpected(seed.error());
    o.seed = quint64(*seed);
    const auto rate = config.integer(u"CLERA_SIM_TICK_RATE"_s, 1, 100000);
    if (!rate)
        return unexpected(rate.error());
    o.ticksPerSecond = int(*rate);
    const auto minInterval = config.seconds(u"MIN_UPDATE_INTERVAL"_s);
    if (!minInterval)
        return unexpected(minInterval.error());
    o.minUpdateInterval = *minInterval;
    const auto recalculation = config.seconds(u"RECALCULATION_INTERVAL"_s);
    if (!recalculation)
        return unexpected(recalculation.error());
    o.recalculationInterval = *recalculation;
    return o;
}

QList<AppRoot::StarterOrder> AppRoot::starterPortfolio()
{
    return {
        {u"VOO"_s, Decimal(18000)},  {u"AAPL"_s, Decimal(15000)}, {u"MSFT"_s, Decimal(14000)},
        {u"NVDA"_s, Decimal(12000)}, {u"AMZN"_s, Decimal(10000)}, {u"GOOGL"_s, Decimal(9000)},
        {u"JPM"_s, Decimal(7000)},
    };
}

AppRoot::AppRoot(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

AppRoot::~AppRoot() = default;

QString AppRoot::databasePath() const
{
    return QDir(m_options.dataDir).filePath(kDatabaseFile.toString());
}

Expected<Done, QString> AppRoot::start()
{
    auto catalog = AssetCatalog::load();
    if (!catalog)
        return unexpected(u"cannot load the asset catalog: "_s + catalog.error());
    m_catalog = std::move(*catalog);

    const BackendSelection &backend = m_options.backend;
    if (backend.feed == BackendSelection::FeedKind::Sim) {
        auto feed = std::make_unique<SimFeed>(
            *m_catalog, SimFeed::Options{m_options.seed, m_options.ticksPerSecond, m_options.stepIntervalMs});
        m_simFeed = feed.get();
        m_feed = std::move(feed);
    } else {
        m_alpacaStream = makeAlpacaStream(backend, nullptr);
        m_feed.reset(m_alpacaStream);
    }
    m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
    if (m_alpacaStream)
        loadPreviousCloses(backend, m_registry.get(), m_alpacaStream, this);

    QString mode, notice;
    if (backend.broker == BackendSelection::BrokerKind::Sim) {
        auto broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), databasePath());
        if (auto opened = broker->open(); !opened)
            return unexpected(
                u"cannot open the paper broker database %1: %2"_s.arg(databasePath(), opened.error()));
        m_simBroker = broker.get();
        m_broker = std::move(broker);
        mode = m_simFeed ? u"Paper trading · Simulated market"_s : u"Paper trading · Alpaca market data"_s;
        notice = m_simFeed ? u"Paper account — simulated market, not real money"_s
                           : u"Paper account — real prices, not real money"_s;
    } else {
        AlpacaOptions alpaca;
        alpaca.baseUrl = backend.tradingApiUrl;
        alpaca.keyId = backend.tradingKey;
        alpaca.secret = backend.tradingSecret;
        auto trading = std::make_unique<AlpacaTrading>(alpaca);
        // Fills, cancels and transfers made elsewhere (Alpaca's site, another app) reach the view at once.
        if (m_options.startFeed)
            trading->startTradeUpdates(backend.tradingStreamUrl);
        m_broker = std::move(trading);
        mode = backend.sandbox ? u"Alpaca paper trading"_s : u"Alpaca live trading"_s;
        notice =
            backend.sandbox ? u"Alpaca paper account — not real money"_s : u"Live account — real money"_s;
    }
    m_tracker = std::make_unique<PortfolioTracker>(
        m_broker.get(), m_feed.get(), m_registry.get(),
        PortfolioTracker::Options{m_options.minUpdateInterval, m_options.recalculationInterval, true});

    m_portfolio = std::make_unique<PortfolioModel>(m_tracker.get(), m_feed.get(), mode, notice);
    m_positions = std::make_unique<PositionsModel>(m_tracker.get(), m_feed.get(), &*m_catalog);
    m_positions->setRefreshInterval(m_options.positionsRefreshMs);
    m_sortedPositions = std::make_unique<PositionsProxyModel>(m_positions.get());

    if (m_options.startFeed) {
        if (m_simFeed)
            m_simFeed->start();
        if (m_alpacaStream)
            m_alpacaStream->start();
    }
    setUpAccount();
    return Done{};
}

void AppRoot::setUpAccount()
{
    m_broker->accounts().then(this, [this](const BrokerResult<QList<Account>> &accounts) {
        if (!accounts) {
            fail(u"cannot read the paper account: "_s + accounts.error().message);
            return;
        }
        if (!m_simBroker) { // the user's own Alpaca account: shown as it is, never traded for them
            if (accounts->isEmpty())
                fail(u"Alpaca returned no trading account for these keys"_s);
            else
                show(accounts->constFirst());
            return;
        }
        if (!accounts->isEmpty()) {
            buyStarterPortfolio(accounts->constFirst());
            return;
        }
        const auto created = m_simBroker->createAccount(Decimal(kStartingCash), u"Paper account"_s);
        if (!created) {
            fail(u"cannot open the paper account: "_s + created.error().message);
            return;
        }
        qCInfo(lcApp) << "opened paper account" << created->accountNumber << "with"
                      << Decimal(kStartingCash).toString() << "USD";
        buyStarterPortfolio(*created);
    });
}

void AppRoot::buyStarterPortfolio(const Account &account)
{
    // Only the starter orders this account has never sent: a restart (or a user who sold) never buys twice.
    OrderQuery all;
    all.status = OrderQuery::Status::All;
    all.limit = 500;
    m_broker->orders(account.id, all).then(this, [this, account](const BrokerResult<QList<Order>> &orders) {
        if (!orders) {
            fail(u"cannot read the paper account's orders: "_s + orders.error().message);
            return;
        }
        QSet<QString> sent;
        for (const Order &o : *orders)
            sent.insert(o.clientOrderId);
        for (const StarterOrder &starter : starterPortfolio()) {
            OrderRequest request;
            request.symbol = starter.symbol;
            request.notional = starter.notional;
            request.side = OrderSide::Buy;
            request.type = OrderType::Market;
            request.timeInForce = TimeInForce::Day;
            request.clientOrderId = u"starter-"_s + starter.symbol;
            if (sent.contains(request.clientOrderId))
                continue;
            m_broker->submitOrder(account.id, request)
                .then(this, [symbol = starter.symbol](const BrokerResult<Order> &order) {
                    if (!order && order.error().kind != BrokerError::Kind::DuplicateClientOrderId)
                        qCWarning(lcApp)
                            << "starter order for" << symbol << "failed:" << order.error().message;
                });
        }
        show(account);
    });
}

void AppRoot::show(const Account &account)
{
    m_accountId = account.id;
    m_tracker->track(account.id);
    m_portfolio->setAccount(account.id, account.accountNumber);
    m_positions->setAccount(account.id);
    Q_EMIT ready(account.id);
}

void AppRoot::fail(const QString &message)
{
    qCWarning(lcApp).noquote() << message;
    m_portfolio->setError(message);
    m_positions->setError(message);
    Q_EMIT failed(message);
}

} // namespace clera
