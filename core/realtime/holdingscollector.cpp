#include "holdingscollector.h"

#include "core/broker/broker.h"
#include "core/bus/bus.h"
#include "core/domain/heap.h"
#include "core/realtime/daybasis.h"

#include <QLoggingCategory>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcRealtime)

namespace clera {

HoldingsCollector::HoldingsCollector(Broker *broker, Bus *bus, Options options, QObject *parent)
    : QObject(parent), m_broker(broker), m_bus(bus), m_options(options)
{
    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, &HoldingsCollector::collect);
    m_soon.setSingleShot(true);
    m_soon.setInterval(m_options.changeDelay);
    connect(&m_soon, &QTimer::timeout, this, &HoldingsCollector::collect);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &HoldingsCollector::collect);
    m_nextRetry = m_options.retryDelay;
    connect(m_broker, &Broker::positionsChanged, this, [this] { m_soon.start(); });
    connect(m_broker, &Broker::accountChanged, this, [this] { m_soon.start(); });
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status != Bus::Status::Connected)
            return;
        // Whatever was published before may be gone (a restarted Redis keeps nothing): all again. What
        // was published stays known: an account that does not decode on the next pass keeps it.
        m_republishAll = true;
        m_symbols.clear();
        // A pass already running publishes everything at its end (the bus is connected now); asking for
        // another would read every account twice at start-up.
        if (!m_running)
            collect();
    });
}

void HoldingsCollector::start()
{
    if (!m_timer.isActive()) {
        m_timer.start();
        collect();
    }
}

void HoldingsCollector::collect()
{
    if (m_running) {
        m_again = true;
        return;
    }
    m_running = true;
    auto done = [this](const QString &error) {
        m_running = false;
        if (!error.isEmpty()) {
            qCWarning(lcRealtime).noquote() << "collector:" << error << "- again in" << m_nextRetry.count() << "ms";
            m_retry.start(m_nextRetry);
            m_nextRetry = std::min(m_nextRetry * 2, std::max(m_options.interval, m_options.retryDelay));
            Q_EMIT failed(error);
        } else {
            m_retry.stop();
            m_nextRetry = m_options.retryDelay;
        }
        if (std::exchange(m_again, false))
            collect();
    };
    m_broker->accounts().then(this, [this, done](const BrokerResult<QList<Account>> &accounts) {
        if (!accounts)
            return done(u"cannot list accounts: "_s + accounts.error().message);
        m_broker->allPositions().then(
            this,
            [this, done, list = *accounts](const BrokerResult<PositionsByAccount> &positions) {
                if (!positions)
                    return done(u"cannot read positions: "_s + positions.error().message);
                // Today's fills of every account in one listing: the day basis of today's return.
                m_broker->activities(QString(), todaysFillsQuery(list, Timestamp::now()))
                    .then(this, [this, done, list, positions = *positions](const BrokerResult<QList<Activity>> &fills) {
                        const QHash<QString, QList<Activity>> fillsOf =
                            fills ? fillsByAccount(*fills, list) : QHash<QString, QList<Activity>>{};
                        const Timestamp now = Timestamp::now();
                        QList<BusWire::AccountHoldings> all;
                        all.reserve(list.size());
                        for (const Account &account : list) {
                            // One account decoded at a time: the answer's text is the only large allocation.
                            const auto decoded = positions.positions(account.id);
                            if (!decoded) {
                                // Its last published holdings stand (neither changed nor removed) until an
                                // answer decodes.
                                qCWarning(lcRealtime).noquote() << "collector: cannot decode the positions of"
                                                                << account.id << "-" << decoded.error().toString();
                                if (const auto it = m_published.constFind(account.id); it != m_published.cend())
                                    all.append(*it);
                                continue;
                            }
                            DayBook day = dayBook(*decoded, fills ? std::optional(fillsOf.value(account.id)) : std::nullopt);
                            all.append(BusWire::AccountHoldings{account.id, account.cash, std::move(day.holdings), now,
                                                                false, day.dayCash});
                        }
                        publish(all);
                        // The answer's text (≈ 175 MiB at 10,000 × 25) is the largest allocation: give its
                        // pages back once this answer is gone, on the next turn, or the collector keeps them.
                        QTimer::singleShot(0, this, &releaseFreeHeap);
                        // Without today's fills the values are right and today's return unknown: again soon.
                        done(fills ? QString() : u"cannot read today's fills: "_s + fills.error().message);
                    });
            });
    });
}

void HoldingsCollector::publish(const QList<BusWire::AccountHoldings> &all)
{
    if (m_bus->status() != Bus::Status::Connected)
        return; // writes would be dropped; the reconnect publishes everything
    ++m_passes;
    QList<QByteArray> added;
    QSet<QString> seen;
    QSet<QString> symbols;
    for (const BusWire::AccountHoldings &h : all) {
        seen.insert(h.accountId);
        for (const auto &p : h.positions)
            symbols.insert(p.symbol);
        const auto it = m_published.constFind(h.accountId);
        if (!m_republishAll && it != m_published.cend() && *it == h)
            continue;
        if (m_republishAll || it == m_published.cend())
            added.append(h.accountId.toUtf8());
        const QByteArray payload = BusWire::encode(h);
        m_bus->setValue(BusWire::holdingsKey(h.accountId), payload, std::chrono::milliseconds(0));
        m_bus->publish(BusWire::kHoldingsChannel, payload);
        m_published.insert(h.accountId, h);
    }
    m_bus->addMembers(BusWire::kAccountsKey, added);
    QList<QByteArray> gone;
    for (auto it = m_published.begin(); it != m_published.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        gone.append(it.key().toUtf8());
        m_bus->remove(BusWire::holdingsKey(it.key()));
        m_bus->publish(BusWire::kHoldingsChannel,
                       BusWire::encode(BusWire::AccountHoldings{it.key(), {}, {}, {}, true}));
        it = m_published.erase(it);
    }
    m_bus->removeMembers(BusWire::kAccountsKey, gone);
    m_republishAll = false;

    BusWire::SymbolChange change;
    for (const QString &s : std::as_const(symbols))
        if (!m_symbols.contains(s))
            change.added.append(s);
    for (const QString &s : std::as_const(m_symbols))
        if (!symbols.contains(s))
            change.removed.append(s);
    if (!change.added.isEmpty() || !change.removed.isEmpty()) {
        std::sort(change.added.begin(), change.added.end());
        std::sort(change.removed.begin(), change.removed.end());
        QList<QByteArray> add, remove;
        for (const QString &s : std::as_const(change.added))
            add.append(s.toUtf8());
        for (const QString &s : std::as_const(change.removed))
            remove.append(s.toUtf8());
        m_bus->addMembers(BusWire::kSymbolsKey, add);
        m_bus->removeMembers(BusWire::kSymbolsKey, remove);
        m_bus->publish(BusWire::kSymbolsChannel, BusWire::encode(change));
        m_symbols = symbols;
    }
    Q_EMIT collected();
}

} // namespace clera
