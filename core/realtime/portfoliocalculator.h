#pragma once

#include "core/bus/coalescedwriter.h"
#include "core/realtime/buswire.h"
#include "core/realtime/portfolioengine.h"
#include "core/realtime/updatethrottle.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace clera {

class Bus;

// The calculator role: keeps a PortfolioEngine fed from the bus — holdings from the collector
// (holdings channel, holdings:<id> keys), prices from the market-data leader (prices channel,
// price:<SYM> keys) — and publishes the throttled value of each account some websocket instance watches
// (BusWire::WatchMessage) on portfolio:<id>, also stored as value:<id> for late watchers; every account
// is valued on every tick, and the value:<id> of those nobody watches (read by the api role) is brought
// up to date every unwatchedValueInterval. Every recalculation interval, and after an outage, it rebuilds every
// account from the stored holdings and prices, which heals whatever messages were lost.
class PortfolioCalculator : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds minUpdateInterval{2000};
        std::chrono::milliseconds recalculationInterval{30'000};
        std::chrono::milliseconds valueTtl{3'600'000};
        // Least time between two writes of one value:<id> key (portfolio:<id> carries every update).
        std::chrono::milliseconds keyWriteInterval{250};
        // How often value:<id> of the accounts no websocket instance watches is brought up to date (they
        // are valued on every tick, but not snapshotted and published per tick).
        std::chrono::milliseconds unwatchedValueInterval{1000};
        // A websocket instance not heard from for this long is gone (it announces its set every lease).
        std::chrono::milliseconds instanceExpiry{3 * BusWire::kWatchLeaseMs};
    };

    PortfolioCalculator(Bus *bus, Options options, QObject *parent = nullptr);

    void start();
    // Rebuilds every account from the stored holdings and prices.
    void recalculate();

    [[nodiscard]] const PortfolioEngine &engine() const { return m_engine; }
    [[nodiscard]] quint64 updatesPublished() const { return m_published; }
    [[nodiscard]] bool isWatched(const QString &accountId) const { return m_watchCount.value(accountId) > 0; }

Q_SIGNALS:
    void published(const clera::PortfolioUpdate &update);
    void recalculated();

private:
    void onMessage(const QByteArray &channel, const QByteArray &payload);
    void applyHoldings(const BusWire::AccountHoldings &holdings);
    void removeAccount(const QString &accountId);
    // Reads the stored prices of `symbols` (all: of every held symbol), then calls `then`.
    void fetchPrices(const QStringList &symbols, bool all, std::function<void()> then);
    void applyEntry(const BusWire::PriceEntry &entry);
    void markDirty();
    void publish(const QList<int> &accounts);
    void onWatch(const BusWire::WatchMessage &message);
    // The instance's watched set becomes `accounts`; counts move and accounts start or stop being followed.
    void setInstanceWatches(const QString &instance, const QSet<QString> &accounts);
    void follow(const QString &accountId, bool followed);
    void expireInstances();
    void writeUnwatchedValues();

    Bus *m_bus;
    Options m_options;
    PortfolioEngine m_engine;
    UpdateThrottle m_throttle;
    CoalescedWriter m_values;
    QTimer m_recalculation;
    // Who watches what (BusWire::WatchMessage): per websocket instance its set and when it was last heard
    // from, and per account how many instances watch it. Only watched accounts are published.
    struct Instance
    {
        QSet<QString> accounts;
        qint64 seenMs = 0;
    };
    QHash<QString, Instance> m_instances;
    QHash<QString, int> m_watchCount;
    QHash<int, std::optional<Decimal>> m_unwatchedWritten; // engine index → the total last written to value:<id>
    QTimer m_leases;
    QTimer m_unwatchedValues;
    quint64 m_published = 0;
    quint64 m_generation = 0; // of recalculations: an older one still in flight is dropped
};

} // namespace clera
