#pragma once

#include "core/realtime/portfoliosource.h"

#include <QHash>
#include <QSet>

namespace clera {

class Bus;

// Portfolio values computed by the calculator role, received over the bus: subscribes portfolio:<id>
// only while the account is watched, and reads its last value (value:<id>) when the watch starts and
// whenever the bus comes back, so watchers get fresh values after an outage.
class BusPortfolioSource : public PortfolioSource
{
    Q_OBJECT
public:
    explicit BusPortfolioSource(Bus *bus, QObject *parent = nullptr);

    void watch(const QString &accountId) override;
    void unwatch(const QString &accountId) override;
    [[nodiscard]] std::optional<PortfolioUpdate> latest(const QString &accountId) const override;
    [[nodiscard]] qsizetype watchedCount() const { return m_watched.size(); }

private:
    void fetch(const QString &accountId);
    void accept(const PortfolioUpdate &update);

    Bus *m_bus;
    QSet<QString> m_watched;
    QHash<QString, PortfolioUpdate> m_latest;
};

} // namespace clera
