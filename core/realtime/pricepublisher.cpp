#include "pricepublisher.h"

#include "core/bus/bus.h"
#include "core/marketdata/marketfeed.h"
#include "core/marketdata/symbolregistry.h"
#include "core/realtime/buswire.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace clera {

PricePublisher::PricePublisher(Bus *bus, MarketFeed *feed, SymbolRegistry *registry, Options options,
                               QObject *parent)
    : QObject(parent), m_bus(bus), m_feed(feed), m_registry(registry), m_options(std::move(options)),
      m_lock(m_options.lockBus ? m_options.lockBus : bus, BusWire::kMarketDataLock, m_options.lockPeriod),
      m_prices(bus, m_options.keyWriteInterval)
{
    connect(&m_lock, &LeaderLock::leadershipChanged, this, &PricePublisher::onLeadership);
    m_resync.setInterval(m_options.lockPeriod);
    connect(&m_resync, &QTimer::timeout, this, &PricePublisher::resync);
    connect(m_feed, &MarketFeed::ticks, this, &PricePublisher::onTicks);
    connect(m_feed, &MarketFeed::previousCloseChanged, this, [this](const QString &symbol) {
        if (isLeader())
            publishCurrent({symbol});
    });
    connect(m_bus, &Bus::message, this, [this](const QByteArray &channel, const QByteArray &payload) {
        if (channel != BusWire::kSymbolsChannel || !isLeader())
            return;
        const auto change = BusWire::decodeSymbolChange(payload);
        if (!change) {
            qCWarning(lcRealtime) << "ignoring a malformed symbols message:" << change.error();
            return;
        }
        QSet<QString> wanted = m_wanted;
        for (const QString &s : change->removed)
            wanted.remove(s);
        for (const QString &s : change->added)
            wanted.insert(s);
        apply(wanted);
    });
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status == Bus::Status::Connected && isLeader())
            resync();
    });
}

void PricePublisher::start()
{
    m_bus->subscribe(BusWire::kSymbolsChannel);
    m_lock.start();
}

void PricePublisher::shutdown()
{
    m_lock.release(); // emits leadershipChanged(false) when it held the lock
    if (m_options.runFeed)
        m_options.runFeed(false);
}

void PricePublisher::onLeadership(bool leader)
{
    qCInfo(lcRealtime) << (leader ? "market data: leading, connecting the feed" : "market data: standby");
    if (leader) {
        if (m_options.runFeed)
            m_options.runFeed(true);
        m_resync.start();
        resync();
    } else {
        m_resync.stop();
        m_prices.discard(); // another instance may own the keys now
        if (m_options.runFeed)
            m_options.runFeed(false);
        apply({});
    }
    Q_EMIT leadershipChanged(leader);
}

void PricePublisher::resync()
{
    m_bus->members(BusWire::kSymbolsKey).then(this, [this](const BusResult<QList<QByteArray>> &members) {
        if (!members || !isLeader())
            return;
        QSet<QString> wanted;
        for (const QByteArray &m : *members)
            wanted.insert(QString::fromUtf8(m));
        apply(wanted);
    });
}

void PricePublisher::apply(const QSet<QString> &wanted)
{
    if (wanted == m_wanted)
        return;
    QStringList added;
    for (const QString &s : wanted)
        if (!m_wanted.contains(s))
            added.append(s);
    m_wanted = wanted;
    m_registry->setHolderSymbols(u"market-data"_s, m_wanted); // empty: removes the holder
    if (!added.isEmpty())
        publishCurrent(added); // what the feed knows already, so values do not wait for a trade
    Q_EMIT subscriptionsChanged();
}

void PricePublisher::publishCurrent(const QStringList &symbols)
{
    QList<Tick> known;
    for (const QString &s : symbols)
        if (const auto price = m_feed->lastPrice(s))
            known.append(Tick{s, *price, Timestamp::now()});
    onTicks(known);
}

void PricePublisher::onTicks(const QList<Tick> &batch)
{
    if (batch.isEmpty() || !isLeader())
        return;
    // One PUBLISH per frame with every tick, in this turn; the price:<SYM> keys coalesced (CoalescedWriter).
    // Each trade encoded once, for its key and for the frame.
    QList<BusWire::EncodedEntry> entries;
    entries.reserve(batch.size());
    for (const Tick &tick : batch) {
        QByteArray json =
            BusWire::encodeEntry({tick.symbol, tick.price, m_feed->previousClose(tick.symbol), tick.time});
        m_prices.set(BusWire::priceKey(tick.symbol), json, m_options.priceTtl);
        entries.append({tick.symbol, std::move(json)});
    }
    m_bus->publish(BusWire::kPricesChannel, BusWire::encodeFrame(std::move(entries)));
    ++m_frames;
}

} // namespace clera
