#pragma once

#include "core/domain/decimal.h"
#include "core/broker/brokererror.h"
#include "core/config/backendselection.h"
#include "core/marketdata/assetcatalog.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

namespace clera {

class Config;
class PortfolioModel;
class PortfolioTracker;
class PositionsModel;
class PositionsProxyModel;
class AlpacaStream;
class Broker;
class MarketFeed;
class SimBroker;
class SimFeed;
class SymbolRegistry;
struct Account;

// Composition root of the embedded backend and the view models QML binds to. By default the simulated
// market and paper broker run in-process (on the first run a paper account is opened and a small
// starter portfolio bought with real market orders); with Trading API keys it is the user's own Alpaca
// account (paper or live) valued from Alpaca's market-data stream.
class AppRoot : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDir;
        quint64 seed = 1;
        int ticksPerSecond = 20;
        int stepIntervalMs = 250;
        std::chrono::milliseconds minUpdateInterval{2000};
        std::chrono::milliseconds recalculationInterval{30000};
        int positionsRefreshMs = 250;
        bool startFeed = true; // tests drive the feed with step() instead
        BackendSelection backend;
    };
    struct StarterOrder
    {
        QString symbol;
        Decimal notional;
    };

    static constexpr QStringView kDatabaseFile = u"desktop-paper.sqlite";
    static constexpr int kStartingCash = 100000;

    [[nodiscard]] static Expected<Options, QString> optionsFrom(const Config &config);
    // Bought once per account, each with the fixed client_order_id "starter-<SYMBOL>".
    [[nodiscard]] static QList<StarterOrder> starterPortfolio();

    explicit AppRoot(Options options, QObject *parent = nullptr);
    ~AppRoot() override;

    // Builds the backend and the models; fails on an unreadable catalog or database. The account is
    // then set up asynchronously: ready() or failed() follows, and the models show it.
    [[nodiscard]] Expected<Done, QString> start();

    [[nodiscard]] PortfolioModel *portfolio() const { return m_portfolio.get(); }
    [[nodiscard]] PositionsModel *positions() const { return m_positions.get(); }
    [[nodiscard]] PositionsProxyModel *sortedPositions() const { return m_sortedPositions.get(); }
    [[nodiscard]] MarketFeed *feed() const { return m_feed.get(); }
    [[nodiscard]] SimFeed *simFeed() const { return m_simFeed; }       // null unless simulated
    [[nodiscard]] Broker *broker() const { return m_broker.get(); }
    [[nodiscard]] SimBroker *simBroker() const { return m_simBroker; } // null unless the paper broker
    [[nodiscard]] PortfolioTracker *tracker() const { return m_tracker.get(); }
    [[nodiscard]] QString accountId() const { return m_accountId; }
    [[nodiscard]] QString databasePath() const;

Q_SIGNALS:
    void ready(const QString &accountId);
    void failed(const QString &message);

private:
    void setUpAccount();
    void buyStarterPortfolio(const Account &account);
    void show(const Account &account);
    void fail(const QString &message);

    Options m_options;
    // Declared in dependency order so they are destroyed users first.
    std::optional<AssetCatalog> m_catalog;
    std::unique_ptr<MarketFeed> m_feed;
    SimFeed *m_simFeed = nullptr;
    AlpacaStream *m_alpacaStream = nullptr;
    std::unique_ptr<SymbolRegistry> m_registry;
    std::unique_ptr<Broker> m_broker;
    SimBroker *m_simBroker = nullptr;
    std::unique_ptr<PortfolioTracker> m_tracker;
    std::unique_ptr<PortfolioModel> m_portfolio;
    std::unique_ptr<PositionsModel> m_positions;
    std::unique_ptr<PositionsProxyModel> m_sortedPositions;
    QString m_accountId;
};

} // namespace clera
