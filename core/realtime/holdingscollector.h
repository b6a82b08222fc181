#pragma once

#include "core/realtime/buswire.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>

namespace clera {

class Broker;
class Bus;
struct BrokerError;

// The collector role: every interval (and soon after the broker reports a change) reads every
// account's cash and positions (Broker::accounts() + allPositions()) and publishes what changed:
// holdings:<id> and the holdings channel per account, the accounts set, and the union of held symbols
// (the symbols set plus additions/removals on the symbols channel). After a bus outage it publishes
// everything again, since a restarted Redis has lost it.
class HoldingsCollector : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds interval{300'000};
        std::chrono::milliseconds changeDelay{200}; // batches a burst of broker change signals
        // After a pass that failed (or could not read today's fills): again after this, doubling up to
        // `interval`, instead of waiting a whole interval with stale or unknown figures.
        std::chrono::milliseconds retryDelay{5'000};
    };

    HoldingsCollector(Broker *broker, Bus *bus, Options options, QObject *parent = nullptr);

    void start();
    // Collects now (coalesced with a collection already running).
    void collect();

    [[nodiscard]] QSet<QString> symbols() const { return m_symbols; }
    [[nodiscard]] qsizetype accountCount() const { return m_published.size(); }
    [[nodiscard]] quint64 passes() const { return m_passes; }

Q_SIGNALS:
    void collected();
    void failed(const QString &message);

private:
    void publish(const QList<BusWire::AccountHoldings> &all);

    Broker *m_broker;
    Bus *m_bus;
    Options m_options;
    QTimer m_timer;
    QTimer m_soon;
    QTimer m_retry;
    std::chrono::milliseconds m_nextRetry{0};
    QHash<QString, BusWire::AccountHoldings> m_published;
    QSet<QString> m_symbols;
    quint64 m_passes = 0;
    bool m_running = false;
    bool m_republishAll = false; // after a bus outage: publish every account, changed or not
    bool m_again = false;
};

} // namespace clera
