#pragma once

#include "core/realtime/portfoliosource.h"

#include <QHash>
#include <QSet>
#include <QTimer>

namespace clera {

class Bus;

// Portfolio values computed by the calculator role, received over the bus: subscribes portfolio:<id>
// only while the account is watched, and reads its last value (value:<id>) when the watch starts and
// whenever the bus comes back, so watchers get fresh values after an outage. It tells the calculators
// which accounts it watches (BusWire::WatchMessage on the watches channel: each watch and unwatch, the
// whole set when the bus connects, when a calculator asks, and every lease period), so they publish
// only what some instance watches.
class BusPortfolioSource : public PortfolioSource
{
    Q_OBJECT
public:
    explicit BusPortfolioSource(Bus *bus, QObject *parent = nullptr);

    void watch(const QString &accountId) override;
    void unwatch(const QString &accountId) override;
    [[nodiscard]] std::optional<PortfolioUpdate> latest(const QString &accountId) const override;
    [[nodiscard]] qsizetype watchedCount() const { return m_watched.size(); }
    [[nodiscard]] const QString &instanceId() const { return m_instance; }

private:
    void fetch(const QString &accountId);
    void accept(const PortfolioUpdate &update);
    void announceAll();

    Bus *m_bus;
    QString m_instance;
    QTimer m_lease;
    QSet<QString> m_watched;
    QHash<QString, PortfolioUpdate> m_latest;
};

} // namespace clera
