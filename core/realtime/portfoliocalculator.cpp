#include "portfoliocalculator.h"

#include "core/bus/bus.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace clera {

PortfolioCalculator::PortfolioCalculator(Bus *bus, Options options, QObject *parent)
    : QObject(parent), m_bus(bus), m_options(options), m_throttle(options.minUpdateInterval, this),
      m_values(bus, options.keyWriteInterval)
{
    connect(m_bus, &Bus::message, this, &PortfolioCalculator::onMessage);
    connect(&m_throttle, &UpdateThrottle::released, this, &PortfolioCalculator::publish);
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status == Bus::Status::Connected)
            recalculate();
    });
    if (m_options.recalculationInterval.count() > 0) {
        m_recalculation.setInterval(m_options.recalculationInterval);
        connect(&m_recalculation, &QTimer::timeout, this, &PortfolioCalculator::recalculate);
    }
}

void PortfolioCalculator::start()
{
    m_bus->subscribe(BusWire::kHoldingsChannel);
    m_bus->subscribe(BusWire::kPricesChannel);
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
    const auto index = m_engine.setAccount(holdings.accountId, holdings.cash, holdings.positions);
    if (!index)
        qCWarning(lcRealtime) << "cannot value account" << holdings.accountId << index.error();
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
    if (index >= 0)
        m_throttle.forget(index);
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

} // namespace clera
