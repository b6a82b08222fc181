// SimBroker: accounts, positions, valuation, cash transfers, activities and equity history. Orders,
// fills and the market clock are in simbrokerorders.cpp, the bank side in simbrokerfunding.cpp.

#include "simbroker.h"

#include "core/broker/simaccountdata.h"

#include "core/marketdata/symbolregistry.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSet>
#include <QTimer>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcSimBroker, "clera.broker")

using namespace simerror;

constexpr int kCashDigits = 2;
constexpr std::int64_t kNanosPerDay = 86'400'000'000'000LL;

template <typename T> QFuture<BrokerResult<T>> ready(BrokerResult<T> result)
{
    return QtFuture::makeReadyFuture(std::move(result));
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

SimBroker::SimBroker(MarketFeed *feed, const AssetCatalog &catalog, SymbolRegistry *registry,
                     const QString &databasePath, QObject *parent)
    : Broker(parent), m_feed(feed), m_rules(catalog), m_registry(registry),
      m_store(std::make_unique<SimBrokerStore>(databasePath))
{
    if (m_feed)
        connect(m_feed, &MarketFeed::ticks, this, &SimBroker::onTicks);
    m_sessionTimer.setInterval(std::chrono::minutes(1));
    connect(&m_sessionTimer, &QTimer::timeout, this, &SimBroker::expireDayOrders);
    m_equityTimer.setInterval(std::chrono::minutes(5));
    connect(&m_equityTimer, &QTimer::timeout, this, [this] { recordEquity(); });
}

SimBroker::~SimBroker()
{
    if (m_registry) {
        m_registry->removeHolder(kOrdersHolder.toString());
        m_registry->removeHolder(kPositionsHolder.toString());
    }
}

Expected<Done, QString> SimBroker::open()
{
    if (m_open)
        return Done{};
    if (auto opened = m_store->open(); !opened)
        return opened;
    auto snapshot = m_store->load();
    if (!snapshot)
        return unexpected(
            u"cannot read simulated broker database %1: %2"_s.arg(m_store->path(), snapshot.error()));

    SimBrokerStore::Changes restored;
    restored.accounts = std::move(snapshot->accounts);
    restored.positions = std::move(snapshot->positions);
    restored.orders = std::move(snapshot->orders);
    restored.transfers = std::move(snapshot->transfers);
    m_ledger.apply(restored);
    m_relationships = std::move(snapshot->relationships);
    m_nextSeq = m_ledger.maxSeq() + 1;
    m_open = true;
    syncRegistry();
    // Restored open limit orders wait for the next tick of their symbol, like new ones whose limit the
    // market has not reached.
    for (const Transfer &t : m_ledger.pendingTransfers())
        scheduleSettlement(t);
    expireDayOrders();
    m_sessionTimer.start();
    m_equityTimer.start();
    qCDebug(lcSimBroker).nospace() << "opened " << m_store->path() << ": " << m_ledger.accountCount()
                                   << " accounts, " << m_ledger.orderCount() << " orders ("
                                   << m_ledger.openOrderCount() << " open), " << m_ledger.transferCount()
                                   << " transfers";
    return Done{};
}

QString SimBroker::name() const
{
    return u"sim"_s;
}

QString SimBroker::accountLabel(const QString &accountId) const
{
    const AccountRow *row = m_ledger.account(accountId);
    return row ? row->label : QString();
}

BrokerResult<Account> SimBroker::createAccount(Decimal initialCash, const QString &label)
{
    if (!m_open)
        return unexpected(notOpen());
    if (initialCash.isNegative())
        return unexpected(invalid(u"initial cash must not be negative"_s));
    if (initialCash.fractionalDigits() > kCashDigits)
        return unexpected(invalid(u"initial cash must have at most 2 decimal places"_s));

    AccountRow row;
    row.id = newUuid();
    row.accountNumber = newAccountNumber();
    row.label = label;
    row.status = AccountStatus::Active;
    row.currency = u"USD"_s;
    row.cash = initialCash;
    row.createdAt = now();
    SimBrokerStore::Changes changes;
    changes.accounts.append(row);
    if (auto c = commit(changes); !c)
        return unexpected(c.error());
    qCDebug(lcSimBroker) << "created account" << row.id << row.accountNumber << "with cash"
                         << initialCash.toString();
    Q_EMIT accountChanged(row.id);
    recordEquity({row.id});
    return valuate(row);
}

QString SimBroker::newAccountNumber() const
{
    const QSet<QString> used = m_ledger.accountNumbers();
    QString number;
    do {
        number = QString::number(QRandomGenerator::global()->bounded(100'000'000, 1'000'000'000));
    } while (used.contains(number));
    return number;
}

std::optional<BrokerError> SimBroker::checkAccount(const QString &accountId) const
{
    if (!m_open)
        return notOpen();
    if (!m_ledger.account(accountId))
        return notFound(u"account %1 not found"_s.arg(accountId));
    return std::nullopt;
}

// ---- balances and positions ----------------------------------------------------------------------

std::optional<Decimal> SimBroker::lastPrice(const QString &symbol) const
{
    if (!m_feed)
        return std::nullopt;
    const auto price = m_feed->lastPrice(symbol);
    if (!price || !price->isPositive())
        return std::nullopt;
    return price;
}

Decimal SimBroker::availableCash(const QString &accountId) const
{
    return m_ledger.account(accountId)->cash - m_ledger.reservedCash(accountId);
}

BrokerResult<Account> SimBroker::valuate(const AccountRow &row) const
{
    // last_equity values today's holdings at the previous close and ignores the day's cash flows
    // (fills, transfers), so "today's change" includes them. A symbol without a previous close counts
    // at its last price (no change today) rather than failing the whole account.
    Decimal longValue, lastLongValue;
    for (const PositionRow &p : m_ledger.positions(row.id)) {
        const auto price = lastPrice(p.symbol);
        if (!price)
            return unexpected(unavailable(
                u"no price for %1 yet; cannot value account %2"_s.arg(p.symbol, row.accountNumber)));
        const auto previous = m_feed->previousClose(p.symbol);
        const auto value = p.qty.checkedMul(*price);
        const auto lastValue = p.qty.checkedMul(previous && previous->isPositive() ? *previous : *price);
        if (!value || !lastValue)
            return unexpected(internal(u"position value of %1 is out of range"_s.arg(p.symbol)));
        longValue += *value;
        lastLongValue += *lastValue;
    }
    const Decimal available = availableCash(row.id);

    // No margin: buying power is the cash not already promised to open buys or withdrawals.
    Account a;
    a.id = row.id;
    a.accountNumber = row.accountNumber;
    a.status = row.status;
    a.currency = row.currency;
    a.cash = row.cash;
    a.cashWithdrawable = available;
    a.cashTransferable = available;
    a.buyingPower = available;
    a.regtBuyingPower = available;
    a.nonMarginableBuyingPower = available;
    a.equity = row.cash + longValue;
    a.lastEquity = row.cash + lastLongValue;
    a.portfolioValue = a.equity;
    a.longMarketValue = longValue;
    a.shortMarketValue = Decimal();
    a.initialMargin = Decimal();
    a.maintenanceMargin = Decimal();
    a.accruedFees = Decimal();
    a.pendingTransferIn = m_ledger.pendingTransferAmount(row.id, TransferDirection::Incoming);
    a.pendingTransferOut = m_ledger.pendingTransferAmount(row.id, TransferDirection::Outgoing);
    a.multiplier = Decimal(1);
    a.tradingBlocked = false;
    a.transfersBlocked = false;
    a.accountBlocked = false;
    a.tradeSuspendedByUser = false;
    a.shortingEnabled = false;
    a.createdAt = row.createdAt;
    a.previousClose = sessionCloseBefore(now());
    return a;
}

QList<Position> SimBroker::positionList(const QString &accountId) const
{
    // Today's fills per symbol, oldest first: today's buys are measured from their fill price.
    const Timestamp previousClose = sessionCloseBefore(now());
    QList<Order> filled;
    for (const Order &o : m_ledger.allOrders(accountId))
        if (o.filledAt && *o.filledAt > previousClose && o.filledQty.isPositive() && o.filledAvgPrice)
            filled.append(o);
    std::sort(filled.begin(), filled.end(), [](const Order &a, const Order &b) { return *a.filledAt < *b.filledAt; });
    QHash<QString, QList<DayFill>> todaysFills;
    for (const Order &o : std::as_const(filled))
        todaysFills[o.symbol].append({o.side == OrderSide::Buy, o.filledQty, *o.filledAvgPrice});

    QList<Position> out;
    for (const PositionRow &row : m_ledger.positions(accountId)) {
        Position p;
        p.assetId = row.assetId;
        p.symbol = row.symbol;
        if (const AssetCatalog::Entry *e = m_rules.findAsset(row.symbol)) {
            p.exchange = e->asset.exchange;
            p.assetClass = e->asset.assetClass;
            p.assetMarginable = e->asset.marginable;
        }
        p.qty = row.qty;
        p.qtyAvailable = row.qty - m_ledger.heldForOrders(accountId, row.symbol);
        p.avgEntryPrice = row.avgEntryPrice;
        p.side = PositionSide::Long;
        p.costBasis = row.costBasis;
        if (const auto price = lastPrice(row.symbol)) {
            p.currentPrice = price;
            p.marketValue = row.qty.checkedMul(*price);
            if (p.marketValue) {
                p.unrealizedPl = *p.marketValue - row.costBasis;
                p.unrealizedPlpc = p.unrealizedPl->checkedDiv(row.costBasis);
            }
            const auto previous = m_feed->previousClose(row.symbol);
            if (previous && previous->isPositive()) {
                p.lastdayPrice = previous;
                p.changeToday = (*price - *previous).checkedDiv(*previous);
                const auto basis = intradayBasis(row.qty, *previous, todaysFills.value(row.symbol));
                if (basis && p.marketValue) {
                    p.unrealizedIntradayPl = *p.marketValue - *basis;
                    p.unrealizedIntradayPlpc = p.unrealizedIntradayPl->checkedDiv(*basis);
                }
            }
        }
        out.append(std::move(p));
    }
    return out;
}

QFuture<BrokerResult<QList<Account>>> SimBroker::accounts()
{
    if (!m_open)
        return ready<QList<Account>>(unexpected(notOpen()));
    QList<Account> out;
    for (const QString &id : m_ledger.accountIds()) {
        auto a = valuate(*m_ledger.account(id));
        if (!a)
            return ready<QList<Account>>(unexpected(a.error()));
        out.append(std::move(a).value());
    }
    return ready<QList<Account>>(std::move(out));
}

QFuture<BrokerResult<Account>> SimBroker::account(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<Account>(unexpected(*e));
    return ready(valuate(*m_ledger.account(accountId)));
}

QFuture<BrokerResult<QList<Position>>> SimBroker::positions(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Position>>(unexpected(*e));
    return ready<QList<Position>>(positionList(accountId));
}

QFuture<BrokerResult<PositionsByAccount>> SimBroker::allPositions()
{
    if (!m_open)
        return ready<PositionsByAccount>(unexpected(notOpen()));
    QHash<QString, QList<Position>> out;
    for (const QString &id : m_ledger.accountIds())
        out.insert(id, positionList(id));
    return ready<PositionsByAccount>(PositionsByAccount(std::move(out)));
}

// ---- transfers -----------------------------------------------------------------------------------

QFuture<BrokerResult<QList<Transfer>>> SimBroker::transfers(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Transfer>>(unexpected(*e));
    return ready<QList<Transfer>>(m_ledger.transfers(accountId));
}

QFuture<BrokerResult<Transfer>> SimBroker::createTransfer(const QString &accountId,
                                                          const TransferRequest &request)
{
    if (auto e = checkAccount(accountId))
        return ready<Transfer>(unexpected(*e));
    if (auto valid = SimOrderRules::validateTransfer(request); !valid)
        return ready<Transfer>(unexpected(valid.error()));
    if (auto e = checkTransferBank(accountId, request))
        return ready<Transfer>(unexpected(*e));
    if (request.direction == TransferDirection::Outgoing) {
        const Decimal available = availableCash(accountId);
        if (request.amount > available)
            return ready<Transfer>(unexpected(
                insufficientBuyingPower(u"insufficient withdrawable cash"_s, request.amount, available)));
    }

    const Timestamp now = this->now();
    TransferRow row;
    row.seq = m_nextSeq++;
    Transfer &t = row.transfer;
    t.id = newUuid();
    t.relationshipId = request.relationshipId;
    t.accountId = accountId;
    t.type = TransferType::Ach;
    t.status = TransferStatus::Queued;
    t.currency = u"USD"_s;
    t.amount = request.amount;
    t.requestedAmount = request.amount;
    t.fee = Decimal();
    t.feePaymentMethod = request.feePaymentMethod.isEmpty() ? u"invoice"_s : request.feePaymentMethod;
    t.direction = request.direction;
    t.createdAt = now;
    t.updatedAt = now;
    t.expiresAt = Timestamp::fromNanos(now.nanos() + 7 * kNanosPerDay);
    SimBrokerStore::Changes changes;
    changes.transfers.append(row);
    if (auto c = commit(changes); !c)
        return ready<Transfer>(unexpected(c.error()));
    qCDebug(lcSimBroker) << "queued transfer" << t.id << request.amount.toString();
    scheduleSettlement(t);
    Q_EMIT accountChanged(accountId);
    return ready<Transfer>(t);
}

void SimBroker::scheduleSettlement(const Transfer &transfer)
{
    const qint64 elapsedMs = (now().nanos() - transfer.createdAt.nanos()) / 1'000'000;
    const qint64 delayMs = std::clamp<qint64>(m_settleDelayMs - elapsedMs, 0, m_settleDelayMs);
    QTimer::singleShot(std::chrono::milliseconds(delayMs), this,
                       [this, id = transfer.id] { settleTransfer(id); });
}

void SimBroker::settleTransfer(const QString &transferId)
{
    const TransferRow *found = m_ledger.transfer(transferId);
    if (!found || isTerminal(found->transfer.status))
        return;
    TransferRow row = *found;
    AccountRow account = *m_ledger.account(row.transfer.accountId);
    if (row.transfer.direction == TransferDirection::Incoming)
        account.cash += row.transfer.amount;
    else
        account.cash -= row.transfer.amount;
    row.transfer.status = TransferStatus::Complete;
    row.transfer.updatedAt = now();
    SimBrokerStore::Changes changes;
    changes.accounts.append(account);
    changes.transfers.append(row);
    if (auto c = commit(changes); !c) {
        qCWarning(lcSimBroker) << "transfer" << transferId << "stays queued:" << c.error().message;
        return;
    }
    qCDebug(lcSimBroker) << "settled transfer" << transferId;
    recordEquity({account.id});
    Q_EMIT accountChanged(account.id);
}

// ---- assets --------------------------------------------------------------------------------------

QFuture<BrokerResult<QList<Asset>>> SimBroker::assets()
{
    QList<Asset> out;
    out.reserve(m_rules.catalog().size());
    for (const AssetCatalog::Entry &e : m_rules.catalog().entries())
        out.append(e.asset);
    return ready<QList<Asset>>(std::move(out));
}

QFuture<BrokerResult<Asset>> SimBroker::asset(const QString &symbolOrId)
{
    if (const AssetCatalog::Entry *e = m_rules.findAsset(symbolOrId))
        return ready<Asset>(e->asset);
    return ready<Asset>(unexpected(notFound(u"asset %1 not found"_s.arg(symbolOrId))));
}

// ---- activities and history ---------------------------------------------------------------------

QList<Activity> SimBroker::activityList(const QString &accountId) const
{
    QList<Activity> all;
    for (const Order &o : m_ledger.allOrders(accountId)) {
        if (o.filledAt && o.filledQty.isPositive())
            all.append(SimAccountData::fillActivity(accountId, o));
    }
    for (const Transfer &t : m_ledger.transfers(accountId)) {
        if (auto a = SimAccountData::transferActivity(t))
            all.append(std::move(*a));
    }
    return all;
}

// An empty account id: the activities of every account (as Alpaca's Broker API without account_id).
QFuture<BrokerResult<QList<Activity>>> SimBroker::activityPage(const QString &accountId,
                                                               const ActivityQuery &query)
{
    if (accountId.isEmpty())
        return m_open ? ready(SimAccountData::select(everyActivity(), query, false))
                      : ready<QList<Activity>>(unexpected(notOpen()));
    if (auto e = checkAccount(accountId))
        return ready<QList<Activity>>(unexpected(*e));
    return ready(SimAccountData::select(activityList(accountId), query, false));
}

QFuture<BrokerResult<QList<Activity>>> SimBroker::activities(const QString &accountId,
                                                             const ActivityQuery &query)
{
    if (accountId.isEmpty())
        return m_open ? ready(SimAccountData::select(everyActivity(), query, true))
                      : ready<QList<Activity>>(unexpected(notOpen()));
    if (auto e = checkAccount(accountId))
        return ready<QList<Activity>>(unexpected(*e));
    return ready(SimAccountData::select(activityList(accountId), query, true));
}

QList<Activity> SimBroker::everyActivity() const
{
    QList<Activity> all;
    for (const QString &id : m_ledger.accountIds())
        all.append(activityList(id));
    return all;
}

QFuture<BrokerResult<PortfolioHistory>> SimBroker::portfolioHistory(const QString &accountId,
                                                                    const PortfolioHistoryQuery &query)
{
    if (auto e = checkAccount(accountId))
        return ready<PortfolioHistory>(unexpected(*e));
    const auto range = SimAccountData::resolve(query, now());
    if (!range)
        return ready<PortfolioHistory>(unexpected(range.error()));
    const auto rows = m_store->equityPoints(accountId, range->start, range->end);
    if (!rows)
        return ready<PortfolioHistory>(
            unexpected(internal(u"cannot read the equity history: %1"_s.arg(rows.error()))));
    QList<SimAccountData::EquityPoint> points;
    points.reserve(rows->size());
    for (const SimBrokerStore::EquityRow &row : *rows)
        points.append({row.at, row.equity});
    return ready<PortfolioHistory>(
        SimAccountData::history(*range, points, m_ledger.transfers(accountId), query.cashflowTypes));
}

void SimBroker::setEquitySampleInterval(std::chrono::milliseconds interval)
{
    m_equityTimer.setInterval(std::max(interval, std::chrono::milliseconds(1)));
}

void SimBroker::recordEquity(const QStringList &accountIds)
{
    if (!m_open)
        return;
    const Timestamp at = now();
    QList<SimBrokerStore::EquityRow> rows;
    for (const QString &id : accountIds.isEmpty() ? m_ledger.accountIds() : accountIds) {
        const AccountRow *row = m_ledger.account(id);
        if (!row)
            continue;
        const auto valued = valuate(*row);
        if (!valued)
            continue; // no price yet for a holding: no point rather than a made-up one
        const auto last = m_lastEquity.constFind(id);
        if (last != m_lastEquity.cend() && *last == valued->equity)
            continue;
        rows.append({id, at, valued->equity});
    }
    if (auto stored = m_store->addEquityPoints(rows); !stored) {
        qCWarning(lcSimBroker) << "could not record equity:" << stored.error();
        return;
    }
    for (const SimBrokerStore::EquityRow &row : std::as_const(rows))
        m_lastEquity.insert(row.accountId, row.equity);
}

// ---- state ---------------------------------------------------------------------------------------

BrokerResult<Done> SimBroker::commit(const SimBrokerStore::Changes &changes)
{
    auto stored = m_store->commit(changes);
    if (!stored) {
        if (stored.error().duplicateClientOrderId)
            return unexpected(duplicateClientOrderId());
        return unexpected(
            internal(u"the simulated broker could not save its state: %1"_s.arg(stored.error().message)));
    }
    m_ledger.apply(changes);
    if (!changes.orders.isEmpty() || !changes.positions.isEmpty() || !changes.removedPositions.isEmpty())
        syncRegistry();
    return Done{};
}

void SimBroker::syncRegistry()
{
    if (!m_registry)
        return;
    m_registry->setHolderSymbols(kOrdersHolder.toString(), m_ledger.openOrderSymbols());
    m_registry->setHolderSymbols(kPositionsHolder.toString(), m_ledger.heldSymbols());
}

} // namespace clera
