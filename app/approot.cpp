#include "approot.h"

#include "core/config/backendselection.h"

#include "portfoliomodel.h"
#include "positionsmodel.h"
#include "positionsproxymodel.h"

#include "core/broker/simbroker.h"
#include "core/config/config.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/portfoliotracker.h"
#include "core/marketdata/symbolregistry.h"

#include <QDir>
#include <QLoggingCategory>
#include <QSet>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcApp, "clera.app")

namespace clera {

Expected<AppRoot::Options, QString> AppRoot::optionsFrom(const Config &config)
{
    const auto backend = BackendSelection::from(config);
    if (!backend)
        return unexpected(backend.error());
    // The desktop's Alpaca (Trading API, keychain) mode is not built yet: say so instead of pretending.
    if (backend->broker != BackendSelection::BrokerKind::Sim || backend->feed != BackendSelection::FeedKind::Sim)
        return unexpected(u"the desktop app runs the simulated broker and market only so far (%1 selected); "
                          u"unset CLERA_BROKER/CLERA_FEED and the Alpaca keys, or use clera-server"_s
                              .arg(backend->describe()));
    Options o;
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

    m_feed = std::make_unique<SimFeed>(
        *m_catalog, SimFeed::Options{m_options.seed, m_options.ticksPerSecond, m_options.stepIntervalMs});
    m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), databasePath());
    if (auto opened = m_broker->open(); !opened)
        return unexpected(u"cannot open the paper broker database %1: %2"_s.arg(databasePath(), opened.error()));
    m_tracker = std::make_unique<PortfolioTracker>(
        m_broker.get(), m_feed.get(), m_registry.get(),
        PortfolioTracker::Options{m_options.minUpdateInterval, m_options.recalculationInterval});

    m_portfolio = std::make_unique<PortfolioModel>(m_tracker.get(), m_feed.get(), u"Paper trading · Simulated market"_s,
                                                   u"Paper account — simulated market, not real money"_s);
    m_positions = std::make_unique<PositionsModel>(m_tracker.get(), m_feed.get(), &*m_catalog);
    m_positions->setRefreshInterval(m_options.positionsRefreshMs);
    m_sortedPositions = std::make_unique<PositionsProxyModel>(m_positions.get());

    if (m_options.startFeed)
        m_feed->start();
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
        if (!accounts->isEmpty()) {
            buyStarterPortfolio(accounts->constFirst());
            return;
        }
        const auto created = m_broker->createAccount(Decimal(kStartingCash), u"Paper account"_s);
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
            m_broker->submitOrder(account.id, request).then(this, [symbol = starter.symbol](const BrokerResult<Order> &order) {
                if (!order && order.error().kind != BrokerError::Kind::DuplicateClientOrderId)
                    qCWarning(lcApp) << "starter order for" << symbol << "failed:" << order.error().message;
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
