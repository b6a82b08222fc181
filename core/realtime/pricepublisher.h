#pragma once

#include "core/bus/coalescedwriter.h"
#include "core/bus/leaderlock.h"

#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>

namespace clera {

class Bus;
class MarketFeed;
class SymbolRegistry;
struct Tick;

// The market-data role: holds the one upstream feed while it holds the leader lock, subscribes exactly
// the collector's union of symbols (the symbols set, kept current from the symbols channel and read
// again every lock period and after an outage), writes price:<SYM> with the price TTL (at most once per key write interval) and publishes
// one prices message per feed frame. Subscriptions go through the SymbolRegistry (as one holder), so
// whatever follows the registry (the previous-close loader of the Alpaca stream) follows them. A standby
// keeps the feed stopped and takes over when the leader's lock expires.
class PricePublisher : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds priceTtl{3'600'000};
        std::chrono::milliseconds lockPeriod{10'000};
        // Least time between two writes of one price:<SYM> key (the prices channel carries every tick).
        std::chrono::milliseconds keyWriteInterval{250};
        // The connection the leader lock is renewed on; null: the same bus. A connection of its own keeps
        // the renewal's answer from queueing behind this publisher's own writes on a busy Redis.
        Bus *lockBus = nullptr;
        // Starts (true) or stops (false) the upstream connection; the feed is only connected while leading.
        std::function<void(bool)> runFeed;
    };

    PricePublisher(Bus *bus, MarketFeed *feed, SymbolRegistry *registry, Options options,
                   QObject *parent = nullptr);

    void start();
    // Orderly shutdown: stops the feed and releases the lock so a standby takes over at once.
    void shutdown();

    [[nodiscard]] bool isLeader() const { return m_lock.isLeader(); }
    [[nodiscard]] const LeaderLock &lock() const { return m_lock; }
    [[nodiscard]] quint64 framesPublished() const { return m_frames; }

Q_SIGNALS:
    void leadershipChanged(bool leader);
    void subscriptionsChanged();

private:
    void onLeadership(bool leader);
    void resync();
    void apply(const QSet<QString> &wanted);
    void onTicks(const QList<Tick> &batch);
    void publishCurrent(const QStringList &symbols);

    Bus *m_bus;
    MarketFeed *m_feed;
    SymbolRegistry *m_registry;
    Options m_options;
    QSet<QString> m_wanted;
    LeaderLock m_lock;
    CoalescedWriter m_prices;
    QTimer m_resync;
    quint64 m_frames = 0;
};

} // namespace clera
