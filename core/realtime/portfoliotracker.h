#pragma once

#include "core/broker/broker.h"
#include "core/marketdata/marketfeed.h"
#include "core/realtime/portfolioengine.h"
#include "core/realtime/portfoliosource.h"
#include "core/realtime/portfolioupdate.h"
#include "core/realtime/updatethrottle.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <optional>

namespace clera {

class SymbolRegistry;

// Keeps the live value of the tracked accounts: loads each account's cash and positions from the
// broker, subscribes their symbols through the registry, applies feed ticks to the engine and emits
// throttled updates. Reloads an account when the broker reports a change, and every account every
// recalculation interval to heal drift (in bulk like trackAll(): one positions request for all). As a
// PortfolioSource it values every tracked account, watched or not (the REST API reads them too, with
// latest(), computed from the engine on demand): watch() tracks, unwatch() keeps tracking. Which
// accounts get a portfolioUpdated: every tracked one (Options::publishUnwatched, the desktop), or only
// the watched ones (the server: snapshots of 10,000 accounts per feed frame for a few watched ones
// were most of the tracker's time).
class PortfolioTracker : public PortfolioSource
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds minUpdateInterval{2000};
        std::chrono::milliseconds recalculationInterval{30000};
        // Keep each account's positions as last loaded, for positions() (the desktop's table). Off in
        // the server, where they would cost about 1 KiB per holding for nothing.
        bool keepPositions = false;
        // Emit portfolioUpdated for every tracked account (the desktop, which tracks what it shows).
        // Off in the server: only accounts between watch() and unwatch() are published.
        bool publishUnwatched = true;
    };

    PortfolioTracker(Broker *broker, MarketFeed *feed, SymbolRegistry *registry, Options options,
                     QObject *parent = nullptr);

    // Starts tracking (idempotent); the first update is emitted once cash and positions are loaded.
    void track(const QString &accountId);
    void untrack(const QString &accountId);
    // Tracks every account the broker lists, loaded in bulk: the account list with balances
    // (Broker::accounts()) and every position in one request (Broker::allPositions()); from then on also
    // every account the broker reports a change of (so one opened later is valued without being watched).
    void trackAll();
    [[nodiscard]] QStringList trackedAccounts() const { return m_tracked.keys(); }
    [[nodiscard]] bool isTracked(const QString &accountId) const { return m_tracked.contains(accountId); }

    void watch(const QString &accountId) override;
    void unwatch(const QString &accountId) override;
    [[nodiscard]] bool isWatched(const QString &accountId) const { return m_watched.contains(accountId); }
    // The account's value now (ignoring the throttle), once it has been loaded.
    [[nodiscard]] std::optional<PortfolioUpdate> latest(const QString &accountId) const override;
    // Positions as last loaded from the broker; empty unless Options::keepPositions.
    [[nodiscard]] QList<Position> positions(const QString &accountId) const
    {
        return m_tracked.value(accountId).positions;
    }
    // How many positions the account held at its last load (0 before it loaded).
    [[nodiscard]] int positionCount(const QString &accountId) const
    {
        return m_tracked.value(accountId).positionCount;
    }
    [[nodiscard]] const PortfolioEngine &engine() const { return m_engine; }

Q_SIGNALS:
    void accountLoaded(const QString &accountId);
    void accountFailed(const QString &accountId, const clera::BrokerError &error);

private:
    // The holdings themselves live in the engine only (symbol and quantity): a copy of the broker's
    // Position records was about 1 KiB per holding, 250 MiB at 10,000 × 25.
    struct Tracked
    {
        quint64 loadGeneration = 0;
        bool loaded = false;
        int positionCount = 0;
        QList<Position> positions; // only with Options::keepPositions
    };

    void reload(const QString &accountId);
    // Loads every tracked account (and with trackListed every listed one) from one account list and one
    // all-positions answer; tracked accounts the list lacks are reloaded one by one.
    void reloadAll(bool trackListed);
    // False once the account was untracked or a newer reload started: late answers are dropped.
    [[nodiscard]] bool isCurrentLoad(const QString &accountId, quint64 generation) const;
    // fills: the account's fills since the previous close (todaysFillsQuery); nullopt when unreadable,
    // which leaves today's return unknown.
    void applyLoaded(const QString &accountId, quint64 generation, const Account &account,
                     const QList<Position> &positions, const std::optional<QList<Activity>> &fills);
    void applyBulk(quint64 generation, bool trackListed, const QList<Account> &list,
                   const PositionsByAccount &positions, const BrokerResult<QList<Activity>> &fills);
    void onTicks(const QList<Tick> &batch);
    [[nodiscard]] bool publishes(const QString &accountId) const
    {
        return m_publishUnwatched || m_watched.contains(accountId);
    }
    // Hands the engine's changed accounts to the throttle (only published ones are listed).
    void releaseDirty();
    void publish(const QList<int> &accounts);

    Broker *m_broker;
    MarketFeed *m_feed;
    SymbolRegistry *m_registry;
    PortfolioEngine m_engine;
    UpdateThrottle m_throttle;
    QTimer m_recalculation;
    QHash<QString, Tracked> m_tracked;
    // Independent of tracking: a watched account untracked and tracked again is published.
    QSet<QString> m_watched;
    quint64 m_generation = 0;
    bool m_trackEveryAccount = false;
    bool m_keepPositions = false;
    bool m_publishUnwatched = true;
    bool m_bulkLoading = false;
};

} // namespace clera
