#include "busportfoliosource.h"

#include "core/bus/bus.h"
#include "core/realtime/buswire.h"

#include <QLoggingCategory>
#include <QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace clera {

BusPortfolioSource::BusPortfolioSource(Bus *bus, QObject *parent)
    : PortfolioSource(parent), m_bus(bus), m_instance(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    m_bus->subscribe(BusWire::kWatchesChannel);
    m_lease.setInterval(BusWire::kWatchLeaseMs);
    connect(&m_lease, &QTimer::timeout, this, &BusPortfolioSource::announceAll);
    m_lease.start();
    connect(m_bus, &Bus::message, this, [this](const QByteArray &channel, const QByteArray &payload) {
        if (channel == BusWire::kWatchesChannel) {
            const auto message = BusWire::decodeWatch(payload);
            if (message && message->op == BusWire::WatchMessage::Op::Query)
                announceAll();
            return;
        }
        const QString accountId = BusWire::accountOfChannel(channel);
        if (accountId.isEmpty() || !m_watched.contains(accountId))
            return;
        const auto update = BusWire::decodeUpdate(payload);
        if (!update || update->accountId != accountId) {
            qCWarning(lcRealtime) << "ignoring a malformed update on" << channel;
            return;
        }
        accept(*update);
    });
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status != Bus::Status::Connected)
            return;
        announceAll();
        const QList<QString> watched = m_watched.values();
        for (const QString &id : watched)
            fetch(id);
    });
}

void BusPortfolioSource::watch(const QString &accountId)
{
    if (m_watched.contains(accountId))
        return;
    m_watched.insert(accountId);
    // Subscribed before the calculator hears of it: its first publish for the account reaches us.
    m_bus->subscribe(BusWire::portfolioChannel(accountId));
    m_bus->publish(BusWire::kWatchesChannel,
                   BusWire::encode(BusWire::WatchMessage{BusWire::WatchMessage::Op::Add, m_instance, {accountId}}));
    fetch(accountId);
}

void BusPortfolioSource::unwatch(const QString &accountId)
{
    if (!m_watched.remove(accountId))
        return;
    m_bus->unsubscribe(BusWire::portfolioChannel(accountId));
    m_bus->publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{
                                                 BusWire::WatchMessage::Op::Remove, m_instance, {accountId}}));
    m_latest.remove(accountId);
}

void BusPortfolioSource::announceAll()
{
    m_bus->publish(BusWire::kWatchesChannel,
                   BusWire::encode(BusWire::WatchMessage{BusWire::WatchMessage::Op::All, m_instance,
                                                         QStringList(m_watched.cbegin(), m_watched.cend())}));
}

std::optional<PortfolioUpdate> BusPortfolioSource::latest(const QString &accountId) const
{
    const auto it = m_latest.constFind(accountId);
    return it == m_latest.cend() ? std::nullopt : std::optional<PortfolioUpdate>(*it);
}

void BusPortfolioSource::fetch(const QString &accountId)
{
    m_bus->value(BusWire::valueKey(accountId))
        .then(this, [this, accountId](const BusResult<std::optional<QByteArray>> &value) {
            if (!value || !*value || !m_watched.contains(accountId))
                return; // not there yet: the calculator's next update brings it
            const auto update = BusWire::decodeUpdate(**value);
            if (update && update->accountId == accountId)
                accept(*update);
        });
}

void BusPortfolioSource::accept(const PortfolioUpdate &update)
{
    // A stored value read after a newer message arrived must not replace it.
    const auto it = m_latest.constFind(update.accountId);
    if (it != m_latest.cend() && it->timestamp > update.timestamp)
        return;
    m_latest.insert(update.accountId, update);
    Q_EMIT portfolioUpdated(update);
}

} // namespace clera
