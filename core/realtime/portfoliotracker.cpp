#include "portfoliotracker.h"

#include "core/domain/heap.h"
#include "core/realtime/daybasis.h"

#include "core/marketdata/marketfeed.h"
#include "core/marketdata/symbolregistry.h"

#include <QLoggingCategory>
#include <QSet>


using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcRealtime, "clera.realtime")

namespace clera {

PortfolioTracker::PortfolioTracker(Broker *broker, MarketFeed *feed, SymbolRegistry *registry, Options options,
                                   QObject *parent)
    : PortfolioSource(parent), m_broker(broker), m_feed(feed), m_registry(registry),
      m_throttle(options.minUpdateInterval, this), m_keepPositions(options.keepPositions),
      m_publishUnwatched(options.publishUnwatched)
{
    connect(m_feed, &MarketFeed::ticks, this, &PortfolioTracker::onTicks);
    connect(m_feed, &MarketFeed::previousCloseChanged, this, [this](const QString &symbol) {
        if (m_engine.symbolIndex(symbol) < 0)
            return;
        m_engine.setPreviousClose(symbol, m_feed->previousClose(symbol));
        releaseDirty();
    });
    connect(&m_throttle, &UpdateThrottle::released, this, &PortfolioTracker::publish);
    connect(m_broker, &Broker::positionsChanged, this, &PortfolioTracker::reload);
    connect(m_broker, &Broker::accountChanged, this, [this](const QString &accountId) {
        // After trackAll(), an account the broker opens later (onboarding) is tracked from its first change.
        if (m_trackEveryAccount && !m_tracked.contains(accountId))
            track(accountId);
        else
            reload(accountId);
    });

    if (options.recalculationInterval.count() > 0) {
        m_recalculation.setInterval(options.recalculationInterval);
        connect(&m_recalculation, &QTimer::timeout, this, [this] {
            if (!m_bulkLoading) // a slow bulk load is not stacked with another
                reloadAll(m_trackEveryAccount);
        });
        m_recalculation.start();
    }
}

void PortfolioTracker::track(const QString &accountId)
{
    if (m_tracked.contains(accountId))
        return;
    m_tracked.insert(accountId, Tracked{});
    reload(accountId);
}

void PortfolioTracker::watch(const QString &accountId)
{
    m_watched.insert(accountId);
    const int index = m_engine.accountIndex(accountId);
    if (index >= 0)
        m_engine.setFollowed(index, true); // the watcher read latest(); changes from now on are published
    track(accountId);
}

void PortfolioTracker::unwatch(const QString &accountId)
{
    if (!m_watched.remove(accountId) || m_publishUnwatched)
        return;
    const int index = m_engine.accountIndex(accountId);
    if (index < 0)
        return;
    m_engine.setFollowed(index, false);
    m_throttle.forget(index); // a release still pending would go to nobody
}

void PortfolioTracker::untrack(const QString &accountId)
{
    if (!m_tracked.remove(accountId))
        return;
    const int index = m_engine.accountIndex(accountId);
    if (index >= 0)
        m_throttle.forget(index);
    m_engine.removeAccount(accountId);
    m_registry->removeHolder(accountId);
}

void PortfolioTracker::trackAll()
{
    m_trackEveryAccount = true;
    reloadAll(true);
}

void PortfolioTracker::reloadAll(bool trackListed)
{
    // Answers of single reloads started after this one are newer than the bulk answer: they win.
    const quint64 generation = ++m_generation;
    m_bulkLoading = true;
    auto failed = [this](const QString &what, const BrokerError &error) {
        m_bulkLoading = false;
        qCWarning(lcRealtime).noquote() << what << error.message;
        Q_EMIT accountFailed(QString(), error);
    };
    m_broker->accounts().then(this, [this, generation, trackListed, failed](
                                        const BrokerResult<QList<Account>> &accounts) {
        if (!accounts)
            return failed(u"cannot list accounts:"_s, accounts.error());
        m_broker->allPositions().then(
            this, [this, generation, trackListed, failed, list = *accounts](
                      const BrokerResult<PositionsByAccount> &positions) {
                if (!positions)
                    return failed(u"cannot read all positions:"_s, positions.error());
                // Today's fills of every account in one listing (the day basis of today's return).
                m_broker->activities(QString(), todaysFillsQuery(list, Timestamp::now()))
                    .then(this, [this, generation, trackListed, list, positions = *positions](
                                    const BrokerResult<QList<Activity>> &fills) {
                        applyBulk(generation, trackListed, list, positions, fills);
                    });
            });
    });
}

void PortfolioTracker::applyBulk(quint64 generation, bool trackListed, const QList<Account> &list,
                                 const PositionsByAccount &positions, const BrokerResult<QList<Activity>> &fills)
{
    m_bulkLoading = false;
    const QHash<QString, QList<Activity>> fillsOf = fills ? fillsByAccount(*fills, list) : QHash<QString, QList<Activity>>{};
    if (!fills)
        qCWarning(lcRealtime).noquote() << "cannot read today's fills; today's return unknown:"
                                        << fills.error().message;
    QSet<QString> listed;
    for (const Account &account : list) {
        listed.insert(account.id);
        auto it = m_tracked.find(account.id);
        if (it == m_tracked.end()) {
            if (!trackListed)
                continue;
            it = m_tracked.insert(account.id, Tracked{});
        } else if (it->loadGeneration > generation) {
            continue;
        }
        it->loadGeneration = generation; // drops older single reloads still in flight
        // One account decoded at a time: the answer's text is the only large allocation.
        const auto decoded = positions.positions(account.id);
        if (!decoded) {
            qCWarning(lcRealtime).noquote()
                << "cannot decode the positions of" << account.id << "-" << decoded.error().toString();
            Q_EMIT accountFailed(account.id, BrokerError{BrokerError::Kind::Decode, decoded.error().toString()});
            continue;
        }
        applyLoaded(account.id, generation, account, *decoded,
                    fills ? std::optional(fillsOf.value(account.id)) : std::nullopt);
    }
    // The answer's text is the largest allocation of the process by far: its pages go back once this
    // answer is gone too, on the next event-loop turn.
    QTimer::singleShot(0, this, &releaseFreeHeap);
    // Watched accounts the list does not show (not listed yet, or no trading account).
    const QStringList ids = m_tracked.keys();
    for (const QString &id : ids)
        if (!listed.contains(id) && m_tracked.value(id).loadGeneration < generation)
            reload(id);
}

std::optional<PortfolioUpdate> PortfolioTracker::latest(const QString &accountId) const
{
    const auto it = m_tracked.constFind(accountId);
    const int index = m_engine.accountIndex(accountId);
    if (it == m_tracked.cend() || !it->loaded || index < 0)
        return std::nullopt;
    return m_engine.snapshot(index, Timestamp::now());
}

void PortfolioTracker::reload(const QString &accountId)
{
    const auto it = m_tracked.find(accountId);
    if (it == m_tracked.end())
        return;
    const quint64 generation = ++m_generation;
    it->loadGeneration = generation;
    // Cash and positions are read together; a newer reload supersedes an older one still in flight.
    m_broker->account(accountId).then(this, [this, accountId, generation](const BrokerResult<Account> &account) {
        if (!isCurrentLoad(accountId, generation))
            return;
        if (!account) {
            qCWarning(lcRealtime) << "cannot load account" << accountId << account.error().message;
            Q_EMIT accountFailed(accountId, account.error());
            return;
        }
        m_broker->positions(accountId).then(this, [this, accountId, generation, acc = *account](
                                                      const BrokerResult<QList<Position>> &positions) {
            if (!isCurrentLoad(accountId, generation))
                return;
            if (!positions) {
                qCWarning(lcRealtime) << "cannot load positions of" << accountId << positions.error().message;
                Q_EMIT accountFailed(accountId, positions.error());
                return;
            }
            m_broker->activities(accountId, todaysFillsQuery(acc.previousClose, Timestamp::now()))
                .then(this, [this, accountId, generation, acc, positions = *positions](
                                const BrokerResult<QList<Activity>> &fills) {
                    if (!isCurrentLoad(accountId, generation))
                        return;
                    if (!fills)
                        qCWarning(lcRealtime) << "cannot read today's fills of" << accountId
                                              << "; today's return unknown:" << fills.error().message;
                    applyLoaded(accountId, generation, acc, positions,
                                fills ? std::optional(*fills) : std::nullopt);
                });
        });
    });
}

bool PortfolioTracker::isCurrentLoad(const QString &accountId, quint64 generation) const
{
    const auto it = m_tracked.constFind(accountId);
    return it != m_tracked.cend() && it->loadGeneration == generation;
}

void PortfolioTracker::applyLoaded(const QString &accountId, quint64 generation, const Account &account,
                                   const QList<Position> &positions, const std::optional<QList<Activity>> &fills)
{
    const auto it = m_tracked.find(accountId);
    if (!isCurrentLoad(accountId, generation))
        return;
    const DayBook day = dayBook(positions, fills);
    QSet<QString> symbols;
    for (const PortfolioEngine::Holding &h : day.holdings) {
        symbols.insert(h.symbol); // a symbol sold out today still needs its previous close
        if (!m_engine.previousClose(h.symbol))
            if (const auto close = m_feed->previousClose(h.symbol))
                m_engine.setPreviousClose(h.symbol, close);
    }
    // Prices known before the first tick: the feed's, else the broker's own current price.
    for (const Position &p : positions) {
        if (!m_engine.price(p.symbol)) {
            if (const auto last = m_feed->lastPrice(p.symbol))
                m_engine.setPrice(p.symbol, *last);
            else if (p.currentPrice)
                m_engine.setPrice(p.symbol, *p.currentPrice);
        }
        if (!m_engine.previousClose(p.symbol)) {
            if (const auto close = m_feed->previousClose(p.symbol))
                m_engine.setPreviousClose(p.symbol, close);
            else if (p.lastdayPrice)
                m_engine.setPreviousClose(p.symbol, p.lastdayPrice);
        }
    }
    const auto index = m_engine.setAccount(accountId, account.cash, day.holdings, day.dayCash);
    if (!index) {
        qCWarning(lcRealtime) << "cannot value account" << accountId << index.error();
        Q_EMIT accountFailed(accountId, BrokerError{BrokerError::Kind::Decode, index.error()});
        return;
    }
    it->loaded = true;
    it->positionCount = int(positions.size());
    if (m_keepPositions)
        it->positions = positions;
    m_registry->setHolderSymbols(accountId, symbols);
    m_engine.setFollowed(*index, publishes(accountId));
    releaseDirty();
    Q_EMIT accountLoaded(accountId);
}

void PortfolioTracker::onTicks(const QList<Tick> &batch)
{
    for (const Tick &tick : batch) {
        const int symbol = m_engine.symbolIndex(tick.symbol);
        if (symbol < 0)
            continue;
        if (const auto nanos = tick.price.rounded(9).toNanos())
            m_engine.applyPrice(symbol, *nanos);
    }
    releaseDirty();
}

void PortfolioTracker::releaseDirty()
{
    // Unfollowed accounts are listed only by a (re)load that happened before setFollowed(false).
    for (int account : m_engine.takeDirty())
        if (m_engine.isFollowed(account))
            m_throttle.markDirty(account);
}

void PortfolioTracker::publish(const QList<int> &accounts)
{
    const Timestamp now = Timestamp::now();
    for (int index : accounts) {
        if (!m_engine.isFollowed(index) || !m_tracked.contains(m_engine.accountId(index)))
            continue;
        Q_EMIT portfolioUpdated(m_engine.snapshot(index, now));
    }
}

} // namespace clera
