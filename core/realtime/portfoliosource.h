#pragma once

#include "core/realtime/portfolioupdate.h"

#include <QObject>
#include <QString>

#include <optional>

namespace clera {

// Where live portfolio values come from, for those who show them (the WebSocket hub): computed in this
// process (PortfolioTracker) or received from the calculator role over the bus (BusPortfolioSource).
class PortfolioSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~PortfolioSource() override = default;

    // Someone wants the account's updates (idempotent); unwatch() once nobody does anymore.
    virtual void watch(const QString &accountId) = 0;
    virtual void unwatch(const QString &accountId) = 0;
    // The account's last known value, if there is one yet.
    [[nodiscard]] virtual std::optional<PortfolioUpdate> latest(const QString &accountId) const = 0;

Q_SIGNALS:
    void portfolioUpdated(const clera::PortfolioUpdate &update);
};

} // namespace clera
