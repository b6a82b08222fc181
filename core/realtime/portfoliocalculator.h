#pragma once

#include "core/bus/coalescedwriter.h"
#include "core/realtime/buswire.h"
#include "core/realtime/portfolioengine.h"
#include "core/realtime/updatethrottle.h"

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace clera {

class Bus;

// The calculator role: keeps a PortfolioEngine fed from the bus — holdings from the collector
// (holdings channel, holdings:<id> keys), prices from the market-data leader (prices channel,
// price:<SYM> keys) — and publishes each account's throttled value on portfolio:<id>, also stored as
// value:<id> for late watchers. Every recalculation interval, and after an outage, it rebuilds every
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
    };

    PortfolioCalculator(Bus *bus, Options options, QObject *parent = nullptr);

    void start();
    // Rebuilds every account from the stored holdings and prices.
    void recalculate();

    [[nodiscard]] const PortfolioEngine &engine() const { return m_engine; }
    [[nodiscard]] quint64 updatesPublished() const { return m_published; }

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

    Bus *m_bus;
    Options m_options;
    PortfolioEngine m_engine;
    UpdateThrottle m_throttle;
    CoalescedWriter m_values;
    QTimer m_recalculation;
    quint64 m_published = 0;
    quint64 m_generation = 0; // of recalculations: an older one still in flight is dropped
};

} // namespace clera
