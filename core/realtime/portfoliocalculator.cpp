#include "portfoliocalculator.h"

#include "core/bus/bus.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSet>

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace clera {

PortfolioCalculator::PortfolioCalculator(Bus *bus, Options options, QObject *parent)
    : QObject(parent), m_bus(bus), m_options(options), m_throttle(options.minUpdateInterval, this),
      m_values(bus, options.keyWriteInterval)
{
    connect(m_bus, &Bus::message, this, &PortfolioCalculator::onMessage);
    connect(&m_throttle, &UpdateThrottle::released, this, &PortfolioCalculator::publish);
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status != Bus::Status::Connected)
            return;
        recalculate();
        // Watch announcements sent while we were away are lost: ask every instance for its set again.
        m_bus->publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{}));
    });
    m_leases.setInterval(std::max<qint64>(1, m_options.instanceExpiry.count() / 3));
    connect(&m_leases, &QTimer::timeout, this, &PortfolioCalculator::expireInstances);
    m_unwatchedValues.setInterval(m_options.unwatchedValueInterval);
    connect(&m_unwatchedValues, &QTimer::timeout, this, &PortfolioCalculator::writeUnwatchedValues);
    if (m_options.recalculationInterval.count() > 0) {
        m_recalculation.setInterval(m_options.recalculationInterval);
        connect(&m_recalculation, &QTimer::timeout, this, &PortfolioCalculator::recalculate);
    }
}

void PortfolioCalculator::start()
{
    m_bus->subscribe(BusWire::kHoldingsChannel);
    m_bus->subscribe(BusWire::kPricesChannel);
    m_bus->subscribe(BusWire::kWatchesChannel);
    m_bus->publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{})); // who watches what?
    m_leases.start();
    m_unwatchedValues.start();
    if (m_options.recalculationInterval.count() > 0)
        m_recalculation.start();
    recalculate();
}

void PortfolioCalculator::recalculate()
{
    const quint64 generation = ++m_generation;
    m_bus->members(BusWire::kAccountsKey)
        .then(this, [this, generation](const BusResult<QList<QByteArray>> &ids) {
            if (!ids || generation != m_generation)
                return;
            QList<QByteArray> keys;
            keys.reserve(ids->size());
            for (const QByteArray &id : *ids)
                keys.append(BusWire::holdingsKey(QString::fromUtf8(id)));
            m_bus->values(keys).then(this, [this, generation, ids = *ids](
                                               const BusResult<QList<std::optional<QByteArray>>> &stored) {
                if (!stored || generation != m_generation)
                    return;
                QSet<QString> listed;
                for (qsizetype i = 0; i < stored->size(); ++i) {
                    listed.insert(QString::fromUtf8(ids[i]));
                    if (!stored->at(i))
                        continue;
                    const auto holdings = BusWire::decodeHoldings(*stored->at(i));
                    if (holdings)
                        applyHoldings(*holdings);
                    else
                        qCWarning(lcRealtime)
                            << "ignoring malformed holdings of" << ids[i] << holdings.error();
                }
                // An empty set says nothing yet (a restarted Redis before the collector's next pass).
                if (!listed.isEmpty()) {
                    const QStringList known = m_engine.accountIds();
                    for (const QString &id : known)
                        if (!listed.contains(id))
                            removeAccount(id);
                }
                fetchPrices({}, true, [this] {
                    markDirty();
                    Q_EMIT recalculated();
                });
            });
        });
}

void PortfolioCalculator::onMessage(const QByteArray &channel, const QByteArray &payload)
{
    if (channel == BusWire::kPricesChannel) {
        const auto frame = BusWire::decodeFrame(payload);
        if (!frame) {
            qCWarning(lcRealtime) << "ignoring a malformed prices message:" << frame.error();
            return;
        }
        for (const BusWire::PriceEntry &e : *frame)
            applyEntry(e);
        markDirty();
    } else if (channel == BusWire::kWatchesChannel) {
        const auto message = BusWire::decodeWatch(payload);
        if (!message) {
            qCWarning(lcRealtime) << "ignoring a malformed watches message:" << message.error();
            return;
        }
        onWatch(*message);
    } else if (channel == BusWire::kHoldingsChannel) {
        const auto holdings = BusWire::decodeHoldings(payload);
        if (!holdings) {
            qCWarning(lcRealtime) << "ignoring malformed holdings:" << holdings.error();
            return;
        }
        if (holdings->removed) {
            removeAccount(holdings->accountId);
            return;
        }
        applyHoldings(*holdings);
        QStringList unpriced;
        for (const auto &p : holdings->positions)
            if (!m_engine.price(p.symbol))
                unpriced.append(p.symbol);
        if (unpriced.isEmpty())
            markDirty();
        else
            fetchPrices(unpriced, false, [this] { markDirty(); });
    }
}

void PortfolioCalculator::applyHoldings(const BusWire::AccountHoldings &holdings)
{
    const auto index = m_engine.setAccount(holdings.accountId, holdings.cash, holdings.positions, holdings.dayCash);
    if (!index) {
        qCWarning(lcRealtime) << "cannot value account" << holdings.accountId << index.error();
        return;
    }
    m_engine.setFollowed(*index, isWatched(holdings.accountId));
}

void PortfolioCalculator::fetchPrices(const QStringList &symbols, bool all, std::function<void()> then)
{
    const QStringList wanted = all ? m_engine.heldSymbols() : symbols;
    QList<QByteArray> keys;
    for (const QString &s : std::as_const(wanted))
        keys.append(BusWire::priceKey(s));
    m_bus->values(keys).then(this,
                             [this, wanted, then](const BusResult<QList<std::optional<QByteArray>>> &stored) {
                                 if (stored) {
                                     for (qsizetype i = 0; i < stored->size(); ++i) {
                                         if (!stored->at(i))
                                             continue;
                                         const auto entry = BusWire::decodeEntry(wanted[i], *stored->at(i));
                                         if (entry)
                                             applyEntry(*entry);
                                     }
                                 }
                                 if (then)
                                     then();
                             });
}

void PortfolioCalculator::removeAccount(const QString &accountId)
{
    const int index = m_engine.accountIndex(accountId);
    if (index >= 0) {
        m_throttle.forget(index);
        m_unwatchedWritten.remove(index);
    }
    m_engine.removeAccount(accountId);
    m_values.drop(BusWire::valueKey(accountId)); // a pending write must not bring it back
    m_bus->remove(BusWire::valueKey(accountId));
}

void PortfolioCalculator::applyEntry(const BusWire::PriceEntry &e)
{
    const int symbol = m_engine.symbolIndex(e.symbol);
    if (symbol < 0)
        return; // nobody holds it here
    if (const auto nanos = e.price.rounded(9).toNanos())
        m_engine.applyPrice(symbol, *nanos);
    if (e.previousClose && m_engine.previousClose(e.symbol) != e.previousClose)
        m_engine.setPreviousClose(e.symbol, e.previousClose);
}

void PortfolioCalculator::markDirty()
{
    for (int account : m_engine.takeDirty())
        m_throttle.markDirty(account);
}

void PortfolioCalculator::publish(const QList<int> &accounts)
{
    const Timestamp now = Timestamp::now();
    for (int index : accounts) {
        const PortfolioUpdate update = m_engine.snapshot(index, now);
        const QByteArray payload = BusWire::encode(update);
        m_values.set(BusWire::valueKey(update.accountId), payload, m_options.valueTtl);
        m_bus->publish(BusWire::portfolioChannel(update.accountId), payload);
        ++m_published;
        Q_EMIT published(update);
    }
}

void PortfolioCalculator::onWatch(const BusWire::WatchMessage &message)
{
    using Op = BusWire::WatchMessage::Op;
    if (message.op == Op::Query)
        return; // another calculator asking the instances
    QSet<QString> accounts;
    if (message.op == Op::All) {
        accounts = QSet<QString>(message.accounts.cbegin(), message.accounts.cend());
    } else {
        accounts = m_instances.value(message.instance).accounts;
        for (const QString &id : message.accounts) {
            if (message.op == Op::Remove)
                accounts.remove(id);
            else
                accounts.insert(id);
        }
    }
    setInstanceWatches(message.instance, accounts);
}

void PortfolioCalculator::setInstanceWatches(const QString &instance, const QSet<QString> &accounts)
{
    Instance &entry = m_instances[instance];
    entry.seenMs = QDateTime::currentMSecsSinceEpoch();
    for (const QString &id : accounts)
        if (!entry.accounts.contains(id) && ++m_watchCount[id] == 1)
            follow(id, true);
    for (const QString &id : std::as_const(entry.accounts)) {
        if (accounts.contains(id))
            continue;
        auto count = m_watchCount.find(id);
        if (count != m_watchCount.end() && --*count <= 0) {
            m_watchCount.erase(count);
            follow(id, false);
        }
    }
    entry.accounts = accounts;
    if (accounts.isEmpty())
        m_instances.remove(instance);
}

void PortfolioCalculator::follow(const QString &accountId, bool followed)
{
    const int index = m_engine.accountIndex(accountId);
    if (index < 0)
        return; // not known yet: applyHoldings() follows it when it comes
    m_engine.setFollowed(index, followed);
    if (followed) {
        m_unwatchedWritten.remove(index);
        publish({index}); // a current value for the new watcher, not the last one stored
    } else {
        m_throttle.forget(index);
    }
}

void PortfolioCalculator::expireInstances()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList gone;
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it)
        if (now - it->seenMs > m_options.instanceExpiry.count())
            gone.append(it.key());
    for (const QString &instance : std::as_const(gone)) {
        qCInfo(lcRealtime) << "websocket instance" << instance << "not heard from for" << m_options.instanceExpiry.count() << "ms: forgotten";
        setInstanceWatches(instance, {});
    }
}

void PortfolioCalculator::writeUnwatchedValues()
{
    // Every account is valued on every tick; those nobody watches are written to value:<id> (for the
    // api role) here, when their total moved, instead of being snapshotted and published per tick.
    const Timestamp now = Timestamp::now();
    const QStringList ids = m_engine.accountIds();
    for (const QString &id : ids) {
        const int index = m_engine.accountIndex(id);
        if (index < 0 || m_engine.isFollowed(index))
            continue;
        const PortfolioUpdate update = m_engine.snapshot(index, now);
        const auto written = m_unwatchedWritten.constFind(index);
        if (written != m_unwatchedWritten.cend() && update.totalValue == *written)
            continue;
        m_unwatchedWritten.insert(index, update.totalValue);
        m_values.set(BusWire::valueKey(id), BusWire::encode(update), m_options.valueTtl);
    }
}

} // namespace clera
