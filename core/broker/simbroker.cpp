#include "simbroker.h"

#include "core/realtime/symbolregistry.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimer>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcSimBroker, "clera.broker")

// Alpaca's error codes (first three digits mirror the HTTP status; validation keeps 400… under 422).
constexpr qint64 kValidationCode = 40010001;
constexpr qint64 kForbiddenCode = 40310000;
constexpr qint64 kNotFoundCode = 40410000;
constexpr qint64 kUnprocessableCode = 42210000;
constexpr int kMaxClientOrderIdLength = 128;
constexpr int kQtyDigits = 9;
constexpr int kCashDigits = 2;
constexpr std::int64_t kNanosPerDay = 86'400'000'000'000LL;

BrokerError invalid(const QString &message, qint64 code = kValidationCode)
{
    return {BrokerError::Kind::InvalidRequest, message, 422, code};
}
BrokerError notTradable(const QString &message) { return {BrokerError::Kind::NotTradable, message, 422, kValidationCode}; }
BrokerError notFound(const QString &message) { return {BrokerError::Kind::NotFound, message, 404, kNotFoundCode}; }
BrokerError unavailable(const QString &message) { return {BrokerError::Kind::Unavailable, message, 503, 0}; }
BrokerError internal(const QString &message) { return {BrokerError::Kind::Internal, message, 500, 0}; }
BrokerError insufficientBuyingPower(const QString &what, Decimal required, Decimal available)
{
    return {BrokerError::Kind::InsufficientBuyingPower,
            u"%1 (required: %2, available: %3)"_s.arg(what, required.toString(), available.toString()), 403,
            kForbiddenCode};
}
BrokerError duplicateClientOrderId()
{
    return {BrokerError::Kind::DuplicateClientOrderId, u"client_order_id must be unique"_s, 422, kValidationCode};
}

template<typename T>
QFuture<BrokerResult<T>> ready(BrokerResult<T> result)
{
    return QtFuture::makeReadyFuture(std::move(result));
}

QString newUuid() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

bool isOpenStatus(OrderStatus s)
{
    switch (s) {
    case OrderStatus::Filled:
    case OrderStatus::Canceled:
    case OrderStatus::Expired:
    case OrderStatus::Rejected:
    case OrderStatus::Replaced:
    case OrderStatus::DoneForDay:
        return false;
    default:
        return true;
    }
}

bool isPending(TransferStatus s)
{
    switch (s) {
    case TransferStatus::Complete:
    case TransferStatus::Settled:
    case TransferStatus::Rejected:
    case TransferStatus::Canceled:
    case TransferStatus::Returned:
    case TransferStatus::Expired:
        return false;
    default:
        return true;
    }
}

bool crosses(const Order &o, Decimal price)
{
    if (o.type != OrderType::Limit || !o.limitPrice)
        return false;
    return o.side == OrderSide::Buy ? price <= *o.limitPrice : price >= *o.limitPrice;
}

QString typeName(OrderType t)
{
    switch (t) {
    case OrderType::Market: return u"market"_s;
    case OrderType::Limit: return u"limit"_s;
    case OrderType::Stop: return u"stop"_s;
    case OrderType::StopLimit: return u"stop_limit"_s;
    case OrderType::TrailingStop: return u"trailing_stop"_s;
    case OrderType::Unknown: break;
    }
    return u"unknown"_s;
}

QString className(OrderClass c)
{
    switch (c) {
    case OrderClass::Bracket: return u"bracket"_s;
    case OrderClass::Oco: return u"oco"_s;
    case OrderClass::Oto: return u"oto"_s;
    case OrderClass::Mleg: return u"mleg"_s;
    case OrderClass::Simple: return u"simple"_s;
    case OrderClass::Unknown: break;
    }
    return u"unknown"_s;
}

} // namespace

struct SimBroker::ValidOrder
{
    const AssetCatalog::Entry *asset = nullptr;
    OrderRequest request; // client_order_id filled in
};

SimBroker::SimBroker(MarketFeed *feed, const AssetCatalog &catalog, SymbolRegistry *registry,
                     const QString &databasePath, QObject *parent)
    : Broker(parent)
    , m_feed(feed)
    , m_catalog(catalog)
    , m_registry(registry)
    , m_store(std::make_unique<SimBrokerStore>(databasePath))
{
    for (const AssetCatalog::Entry &e : m_catalog.entries())
        m_symbolByAssetId.insert(e.asset.id, e.asset.symbol);
    if (m_feed)
        connect(m_feed, &MarketFeed::ticks, this, &SimBroker::onTicks);
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
        return unexpected(u"cannot read simulated broker database %1: %2"_s.arg(m_store->path(), snapshot.error()));

    SimBrokerStore::Changes restored;
    restored.accounts = snapshot->accounts;
    restored.positions = snapshot->positions;
    restored.orders = snapshot->orders;
    restored.transfers = snapshot->transfers;
    for (const OrderRow &o : std::as_const(restored.orders))
        m_nextSeq = std::max(m_nextSeq, o.seq + 1);
    for (const TransferRow &t : std::as_const(restored.transfers))
        m_nextSeq = std::max(m_nextSeq, t.seq + 1);
    apply(restored);
    m_open = true;

    for (const TransferRow &t : std::as_const(restored.transfers)) {
        if (isPending(t.transfer.status))
            scheduleSettlement(t.transfer);
    }
    qCDebug(lcSimBroker).nospace() << "simulated broker opened " << m_store->path() << ": " << m_accounts.size()
                                  << " accounts, " << m_orders.size() << " orders (" << m_openOrders.size()
                                  << " open), " << m_transfers.size() << " transfers";
    return Done{};
}

QString SimBroker::name() const { return u"sim"_s; }

BrokerResult<Account> SimBroker::createAccount(Decimal initialCash, const QString &label)
{
    if (!m_open)
        return unexpected(unavailable(u"the simulated broker is not open"_s));
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
    row.createdAt = Timestamp::now();
    SimBrokerStore::Changes changes;
    changes.accounts.append(row);
    if (auto c = commit(changes); !c)
        return unexpected(c.error());
    qCDebug(lcSimBroker) << "created account" << row.id << row.accountNumber << "with cash" << initialCash.toString();
    Q_EMIT accountChanged(row.id);
    return valuate(row);
}

QString SimBroker::newAccountNumber() const
{
    QSet<QString> used;
    for (const AccountRow &a : m_accounts)
        used.insert(a.accountNumber);
    QString number;
    do {
        number = QString::number(QRandomGenerator::global()->bounded(100'000'000, 1'000'000'000));
    } while (used.contains(number));
    return number;
}

std::optional<BrokerError> SimBroker::checkAccount(const QString &accountId) const
{
    if (!m_open)
        return unavailable(u"the simulated broker is not open"_s);
    if (!m_accounts.contains(accountId))
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

Decimal SimBroker::reservedCash(const QString &accountId) const
{
    Decimal reserved;
    for (const QString &id : m_openOrders) {
        const OrderRow &row = *m_orders.constFind(id);
        if (row.accountId == accountId && row.order.side == OrderSide::Buy && row.order.qty && row.order.limitPrice)
            reserved += (*row.order.qty - row.order.filledQty) * *row.order.limitPrice;
    }
    for (const QString &id : m_transferIdsByAccount.value(accountId)) {
        const Transfer &t = m_transfers.constFind(id)->transfer;
        if (t.direction == TransferDirection::Outgoing && isPending(t.status))
            reserved += t.amount;
    }
    return reserved;
}

Decimal SimBroker::heldForOrders(const QString &accountId, const QString &symbol) const
{
    Decimal held;
    for (const QString &id : m_openOrders) {
        const OrderRow &row = *m_orders.constFind(id);
        if (row.accountId == accountId && row.order.side == OrderSide::Sell && row.order.symbol == symbol
            && row.order.qty)
            held += *row.order.qty - row.order.filledQty;
    }
    return held;
}

BrokerResult<Account> SimBroker::valuate(const AccountRow &row) const
{
    // last_equity values today's holdings at the previous close; cash flows during the day (fills,
    // transfers) are ignored, so "today's change" includes them. A symbol without a previous close is
    // valued at its last price (no change today) rather than failing the account.
    Decimal longValue, lastLongValue, pendingIn, pendingOut;
    for (const PositionRow &p : m_positions.value(row.id)) {
        const auto price = lastPrice(p.symbol);
        if (!price)
            return unexpected(unavailable(
                u"no price for %1 yet; cannot value account %2"_s.arg(p.symbol, row.accountNumber)));
        const Decimal previous = m_feed ? m_feed->previousClose(p.symbol).value_or(*price) : *price;
        const auto value = p.qty.checkedMul(*price);
        const auto lastValue = p.qty.checkedMul(previous);
        if (!value || !lastValue)
            return unexpected(internal(u"position value of %1 is out of range"_s.arg(p.symbol)));
        longValue += *value;
        lastLongValue += *lastValue;
    }
    for (const QString &id : m_transferIdsByAccount.value(row.id)) {
        const Transfer &t = m_transfers.constFind(id)->transfer;
        if (isPending(t.status))
            (t.direction == TransferDirection::Incoming ? pendingIn : pendingOut) += t.amount;
    }
    const Decimal available = row.cash - reservedCash(row.id);

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
    a.pendingTransferIn = pendingIn;
    a.pendingTransferOut = pendingOut;
    a.multiplier = Decimal(1);
    a.tradingBlocked = false;
    a.transfersBlocked = false;
    a.accountBlocked = false;
    a.tradeSuspendedByUser = false;
    a.shortingEnabled = false;
    a.createdAt = row.createdAt;
    return a;
}

QList<Position> SimBroker::positionList(const QString &accountId) const
{
    QList<Position> out;
    for (const PositionRow &row : m_positions.value(accountId)) {
        Position p;
        p.assetId = row.assetId;
        p.symbol = row.symbol;
        if (const AssetCatalog::Entry *e = m_catalog.find(row.symbol)) {
            p.exchange = e->asset.exchange;
            p.assetClass = e->asset.assetClass;
            p.assetMarginable = e->asset.marginable;
        }
        p.qty = row.qty;
        p.qtyAvailable = row.qty - heldForOrders(accountId, row.symbol);
        p.avgEntryPrice = row.avgEntryPrice;
        p.side = PositionSide::Long;
        p.costBasis = row.costBasis;
        const auto price = lastPrice(row.symbol);
        if (price) {
            p.currentPrice = price;
            p.marketValue = row.qty.checkedMul(*price);
            if (p.marketValue) {
                p.unrealizedPl = *p.marketValue - row.costBasis;
                p.unrealizedPlpc = p.unrealizedPl->checkedDiv(row.costBasis);
            }
            const auto previous = m_feed ? m_feed->previousClose(row.symbol) : std::nullopt;
            if (previous && previous->isPositive()) {
                p.lastdayPrice = previous;
                p.changeToday = (*price - *previous).checkedDiv(*previous);
                p.unrealizedIntradayPl = row.qty.checkedMul(*price - *previous);
                p.unrealizedIntradayPlpc = p.changeToday;
            }
        }
        out.append(std::move(p));
    }
    return out;
}

QFuture<BrokerResult<QList<Account>>> SimBroker::accounts()
{
    if (!m_open)
        return ready<QList<Account>>(unexpected(unavailable(u"the simulated broker is not open"_s)));
    QList<Account> out;
    for (const QString &id : std::as_const(m_accountIds)) {
        auto a = valuate(m_accounts[id]);
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
    return ready(valuate(m_accounts[accountId]));
}

QFuture<BrokerResult<QList<Position>>> SimBroker::positions(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Position>>(unexpected(*e));
    return ready<QList<Position>>(positionList(accountId));
}

QFuture<BrokerResult<QHash<QString, QList<Position>>>> SimBroker::allPositions()
{
    using Result = QHash<QString, QList<Position>>;
    if (!m_open)
        return ready<Result>(unexpected(unavailable(u"the simulated broker is not open"_s)));
    Result out;
    for (const QString &id : std::as_const(m_accountIds))
        out.insert(id, positionList(id));
    return ready<Result>(std::move(out));
}

// ---- orders --------------------------------------------------------------------------------------

const AssetCatalog::Entry *SimBroker::findAsset(const QString &symbolOrId) const
{
    if (const AssetCatalog::Entry *e = m_catalog.find(symbolOrId))
        return e;
    const auto it = m_symbolByAssetId.constFind(symbolOrId.toLower());
    return it == m_symbolByAssetId.cend() ? nullptr : m_catalog.find(*it);
}

BrokerResult<SimBroker::ValidOrder> SimBroker::validate(const OrderRequest &request) const
{
    const OrderRequest &r = request;
    if (r.orderClass != OrderClass::Simple)
        return unexpected(invalid(u"order_class %1 is not supported by the simulated broker"_s.arg(className(r.orderClass))));
    if (r.type == OrderType::Unknown)
        return unexpected(invalid(u"invalid order type"_s));
    if (r.type != OrderType::Market && r.type != OrderType::Limit)
        return unexpected(invalid(u"%1 orders are not supported by the simulated broker"_s.arg(typeName(r.type))));
    if (r.side == OrderSide::Unknown)
        return unexpected(invalid(u"side must be buy or sell"_s));
    if (r.timeInForce == TimeInForce::Unknown)
        return unexpected(invalid(u"invalid time_in_force"_s));
    if (r.timeInForce == TimeInForce::Opg || r.timeInForce == TimeInForce::Cls)
        return unexpected(invalid(u"opening and closing auction orders are not supported by the simulated broker"_s));

    if (r.qty && r.notional)
        return unexpected(invalid(u"only one of qty or notional may be specified"_s));
    if (!r.qty && !r.notional)
        return unexpected(invalid(u"qty or notional is required"_s));
    if (r.qty) {
        if (!r.qty->isPositive())
            return unexpected(invalid(u"qty must be > 0"_s));
        if (r.qty->fractionalDigits() > kQtyDigits)
            return unexpected(invalid(u"qty must have at most 9 decimal places"_s));
    }
    if (r.notional) {
        if (r.type != OrderType::Market)
            return unexpected(invalid(u"notional orders must be market orders"_s));
        if (*r.notional < Decimal(1))
            return unexpected(invalid(u"notional must be at least 1"_s));
        if (r.notional->fractionalDigits() > kCashDigits)
            return unexpected(invalid(u"notional must have at most 2 decimal places"_s));
    }
    if (r.type == OrderType::Limit) {
        if (!r.limitPrice)
            return unexpected(invalid(u"limit_price is required for limit orders"_s));
        if (!r.limitPrice->isPositive())
            return unexpected(invalid(u"limit_price must be > 0"_s));
        const int allowed = *r.limitPrice >= Decimal(1) ? 2 : 4;
        if (r.limitPrice->fractionalDigits() > allowed)
            return unexpected(invalid(u"invalid limit_price %1. sub-penny increment does not fulfill minimum pricing "
                                      "criteria"_s.arg(r.limitPrice->toString()),
                                      kUnprocessableCode));
    }
    if (r.extendedHours && r.type != OrderType::Limit)
        return unexpected(invalid(u"only type=\"limit\" is allowed for extended hours orders"_s));
    if (r.extendedHours && r.timeInForce != TimeInForce::Day)
        return unexpected(invalid(u"extended hours order must be DAY limit orders"_s));
    if (r.clientOrderId.size() > kMaxClientOrderIdLength)
        return unexpected(invalid(u"client_order_id must be no more than 128 characters"_s));

    const AssetCatalog::Entry *entry = findAsset(r.symbol.trimmed());
    if (!entry)
        return unexpected(notTradable(u"asset \"%1\" not found"_s.arg(r.symbol)));
    if (!entry->asset.tradable || entry->asset.status != u"active")
        return unexpected(notTradable(u"asset %1 is not tradable"_s.arg(entry->asset.symbol)));
    const bool fractional = r.notional || r.qty->fractionalDigits() > 0;
    if (fractional && r.timeInForce != TimeInForce::Day)
        return unexpected(invalid(u"fractional orders must be DAY orders"_s));
    if (fractional && !entry->asset.fractionable)
        return unexpected(notTradable(u"requested asset %1 is not fractionable"_s.arg(entry->asset.symbol)));

    ValidOrder valid{entry, r};
    valid.request.symbol = entry->asset.symbol;
    if (valid.request.clientOrderId.isEmpty())
        valid.request.clientOrderId = newUuid();
    return valid;
}

QFuture<BrokerResult<Order>> SimBroker::submitOrder(const QString &accountId, const OrderRequest &request)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    auto valid = validate(request);
    if (!valid) {
        qCDebug(lcSimBroker) << "order rejected:" << valid.error().message;
        return ready<Order>(unexpected(valid.error()));
    }
    if (m_clientOrderIds.value(accountId).contains(valid->request.clientOrderId))
        return ready<Order>(unexpected(duplicateClientOrderId()));
    return ready(placeOrder(accountId, *valid));
}

BrokerResult<Order> SimBroker::placeOrder(const QString &accountId, const ValidOrder &valid)
{
    const OrderRequest &r = valid.request;
    const Asset &asset = valid.asset->asset;
    const Timestamp now = Timestamp::now();

    OrderRow row;
    row.accountId = accountId;
    Order &o = row.order;
    o.id = newUuid();
    o.clientOrderId = r.clientOrderId;
    o.createdAt = now;
    o.updatedAt = now;
    o.submittedAt = now;
    o.assetId = asset.id;
    o.symbol = asset.symbol;
    o.assetClass = asset.assetClass;
    o.qty = r.qty;
    o.notional = r.notional;
    o.type = r.type;
    o.side = r.side;
    o.timeInForce = r.timeInForce;
    o.orderClass = OrderClass::Simple;
    o.extendedHours = r.extendedHours;
    o.positionIntent = r.side == OrderSide::Buy ? u"buy_to_open"_s : u"sell_to_close"_s;
    o.commission = Decimal();
    o.status = OrderStatus::New;
    if (r.type == OrderType::Limit)
        o.limitPrice = r.limitPrice;

    const auto price = lastPrice(asset.symbol);
    if (r.type == OrderType::Market && !price)
        return unexpected(unavailable(u"no price for %1 yet; the simulated market cannot fill a market order"_s.arg(asset.symbol)));

    Decimal qty;
    if (r.qty) {
        qty = *r.qty;
    } else {
        const auto exact = r.notional->checkedDiv(*price);
        if (!exact)
            return unexpected(invalid(u"notional is out of range"_s));
        qty = exact->truncated(kQtyDigits);
        if (qty.isZero())
            return unexpected(invalid(u"notional %1 buys less than 0.000000001 shares of %2"_s.arg(r.notional->toString(), asset.symbol)));
    }

    // Buys are checked against cash not already promised to open buy orders or withdrawals; a limit
    // buy reserves qty × limit_price, the most it can cost.
    const Decimal referencePrice = r.type == OrderType::Limit ? *r.limitPrice : *price;
    const auto cost = qty.checkedMul(referencePrice);
    if (!cost)
        return unexpected(invalid(u"qty is too large"_s));
    if (r.side == OrderSide::Buy) {
        const Decimal available = m_accounts[accountId].cash - reservedCash(accountId);
        if (*cost > available)
            return unexpected(insufficientBuyingPower(u"insufficient buying power"_s, *cost, available));
    } else {
        const PositionRow position = m_positions.value(accountId).value(asset.symbol);
        const Decimal available = position.qty - heldForOrders(accountId, asset.symbol);
        if (qty > available)
            return unexpected(BrokerError{BrokerError::Kind::InsufficientQty,
                                          u"insufficient qty available for order (requested: %1, available: %2)"_s.arg(
                                              qty.toString(), available.toString()),
                                          403, kForbiddenCode});
    }

    row.seq = nextSeq();
    if (r.type == OrderType::Market || (price && crosses(o, *price)))
        return fill(std::move(row), qty, *price);

    if (r.timeInForce == TimeInForce::Ioc || r.timeInForce == TimeInForce::Fok) {
        o.status = OrderStatus::Canceled;
        o.canceledAt = now;
    }
    SimBrokerStore::Changes changes;
    changes.orders.append(row);
    if (auto c = commit(changes); !c)
        return unexpected(c.error());
    qCDebug(lcSimBroker) << "limit order" << o.id << o.symbol << "is" << (o.status == OrderStatus::New ? "open" : "canceled");
    Q_EMIT orderUpdated(accountId, o);
    if (o.status == OrderStatus::New) {
        Q_EMIT accountChanged(accountId);
        if (o.side == OrderSide::Sell)
            Q_EMIT positionsChanged(accountId);
    }
    return o;
}

BrokerResult<Order> SimBroker::fill(OrderRow row, Decimal qty, Decimal price)
{
    const QString accountId = row.accountId;
    Order &o = row.order;
    AccountRow account = m_accounts.value(accountId);
    PositionRow position = m_positions.value(accountId).value(o.symbol);
    position.accountId = accountId;
    position.symbol = o.symbol;
    position.assetId = o.assetId;

    const auto amount = qty.checkedMul(price);
    if (!amount)
        return unexpected(invalid(u"qty is too large"_s));
    SimBrokerStore::Changes changes;
    if (o.side == OrderSide::Buy) {
        account.cash -= *amount;
        position.qty += qty;
        position.costBasis += *amount;
        position.avgEntryPrice = position.costBasis / position.qty;
        changes.positions.append(position);
    } else {
        if (qty > position.qty)
            return unexpected(internal(u"sell of %1 %2 exceeds the position"_s.arg(qty.toString(), o.symbol)));
        account.cash += *amount;
        position.qty -= qty;
        if (position.qty.isZero()) {
            changes.removedPositions.append(position);
        } else {
            // Cost basis shrinks in proportion; the average entry price is unchanged by a sale.
            position.costBasis = position.avgEntryPrice * position.qty;
            changes.positions.append(position);
        }
    }

    const Timestamp now = Timestamp::now();
    o.status = OrderStatus::Filled;
    o.filledQty = qty;
    o.filledAvgPrice = price;
    o.filledAt = now;
    o.updatedAt = now;
    changes.accounts.append(account);
    changes.orders.append(row);
    if (auto c = commit(changes); !c)
        return unexpected(c.error());

    qCDebug(lcSimBroker).noquote() << "filled" << (o.side == OrderSide::Buy ? "buy" : "sell") << qty.toString()
                                   << o.symbol << "@" << price.toString() << "for account" << accountId;
    Q_EMIT orderUpdated(accountId, o);
    Q_EMIT positionsChanged(accountId);
    Q_EMIT accountChanged(accountId);
    return o;
}

void SimBroker::onTicks(const QList<Tick> &batch)
{
    if (!m_open || m_openOrders.isEmpty())
        return;
    for (const Tick &tick : batch) {
        if (!tick.price.isPositive())
            continue;
        QList<QString> crossed;
        for (const QString &id : std::as_const(m_openOrders)) {
            const Order &o = m_orders.constFind(id)->order;
            if (o.symbol == tick.symbol && crosses(o, tick.price))
                crossed.append(id);
        }
        for (const QString &id : std::as_const(crossed)) {
            // A slot reacting to an earlier fill may have canceled this order meanwhile.
            const auto it = m_orders.constFind(id);
            if (it == m_orders.cend() || !isOpenStatus(it->order.status) || !it->order.qty)
                continue;
            const OrderRow row = *it;
            auto filled = fill(row, *row.order.qty - row.order.filledQty, tick.price);
            if (!filled)
                qCWarning(lcSimBroker) << "could not fill limit order" << id << ":" << filled.error().message;
        }
    }
}

QFuture<BrokerResult<QList<Order>>> SimBroker::orders(const QString &accountId, const OrderQuery &query)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Order>>(unexpected(*e));
    const int limit = query.limit <= 0 ? 50 : std::min(query.limit, 500);
    QSet<QString> symbols;
    for (const QString &s : query.symbols)
        symbols.insert(s.trimmed().toUpper());

    const QList<QString> ids = m_orderIdsByAccount.value(accountId);
    QList<Order> out;
    const auto visit = [&](const QString &id) {
        const Order &o = m_orders.constFind(id)->order;
        const bool open = isOpenStatus(o.status);
        if ((query.status == OrderQuery::Status::Open && !open) || (query.status == OrderQuery::Status::Closed && open))
            return;
        if (!symbols.isEmpty() && !symbols.contains(o.symbol))
            return;
        out.append(o);
    };
    if (query.newestFirst) {
        for (auto it = ids.crbegin(); it != ids.crend() && out.size() < limit; ++it)
            visit(*it);
    } else {
        for (auto it = ids.cbegin(); it != ids.cend() && out.size() < limit; ++it)
            visit(*it);
    }
    return ready<QList<Order>>(std::move(out));
}

QFuture<BrokerResult<Order>> SimBroker::order(const QString &accountId, const QString &orderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    const auto it = m_orders.constFind(orderId);
    if (it == m_orders.cend() || it->accountId != accountId)
        return ready<Order>(unexpected(notFound(u"order not found"_s)));
    return ready<Order>(it->order);
}

QFuture<BrokerResult<Order>> SimBroker::orderByClientOrderId(const QString &accountId, const QString &clientOrderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    const QString id = m_clientOrderIds.value(accountId).value(clientOrderId);
    if (id.isEmpty())
        return ready<Order>(unexpected(notFound(u"order not found"_s)));
    return ready<Order>(m_orders.constFind(id)->order);
}

QFuture<BrokerResult<Done>> SimBroker::cancelOrder(const QString &accountId, const QString &orderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Done>(unexpected(*e));
    const auto it = m_orders.constFind(orderId);
    if (it == m_orders.cend() || it->accountId != accountId)
        return ready<Done>(unexpected(notFound(u"order not found"_s)));
    if (!isOpenStatus(it->order.status))
        return ready<Done>(unexpected(invalid(u"order is not cancelable"_s, kUnprocessableCode)));

    OrderRow row = *it;
    const Timestamp now = Timestamp::now();
    row.order.status = OrderStatus::Canceled;
    row.order.canceledAt = now;
    row.order.updatedAt = now;
    SimBrokerStore::Changes changes;
    changes.orders.append(row);
    if (auto c = commit(changes); !c)
        return ready<Done>(unexpected(c.error()));
    qCDebug(lcSimBroker) << "canceled order" << orderId;
    Q_EMIT orderUpdated(accountId, row.order);
    Q_EMIT accountChanged(accountId);
    if (row.order.side == OrderSide::Sell)
        Q_EMIT positionsChanged(accountId);
    return ready<Done>(Done{});
}

// ---- transfers -----------------------------------------------------------------------------------

QFuture<BrokerResult<QList<Transfer>>> SimBroker::transfers(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Transfer>>(unexpected(*e));
    QList<Transfer> out;
    for (const QString &id : m_transferIdsByAccount.value(accountId))
        out.append(m_transfers.constFind(id)->transfer);
    return ready<QList<Transfer>>(std::move(out));
}

QFuture<BrokerResult<Transfer>> SimBroker::createTransfer(const QString &accountId, const TransferRequest &request)
{
    if (auto e = checkAccount(accountId))
        return ready<Transfer>(unexpected(*e));
    if (request.transferType == TransferType::Wire)
        return ready<Transfer>(unexpected(invalid(u"wire transfers are not supported by the simulated broker"_s)));
    if (request.transferType != TransferType::Ach)
        return ready<Transfer>(unexpected(invalid(u"invalid transfer_type"_s)));
    if (request.direction != TransferDirection::Incoming && request.direction != TransferDirection::Outgoing)
        return ready<Transfer>(unexpected(invalid(u"direction must be INCOMING or OUTGOING"_s)));
    if (!request.amount.isPositive())
        return ready<Transfer>(unexpected(invalid(u"amount must be > 0"_s)));
    if (request.amount.fractionalDigits() > kCashDigits)
        return ready<Transfer>(unexpected(invalid(u"amount must have at most 2 decimal places"_s)));
    if (request.direction == TransferDirection::Outgoing) {
        const Decimal available = m_accounts[accountId].cash - reservedCash(accountId);
        if (request.amount > available)
            return ready<Transfer>(unexpected(
                insufficientBuyingPower(u"insufficient withdrawable cash"_s, request.amount, available)));
    }

    const Timestamp now = Timestamp::now();
    TransferRow row;
    row.seq = nextSeq();
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
    const qint64 elapsedMs = (Timestamp::now().nanos() - transfer.createdAt.nanos()) / 1'000'000;
    const auto delay = std::clamp<qint64>(m_settleDelayMs - elapsedMs, 0, m_settleDelayMs);
    QTimer::singleShot(std::chrono::milliseconds(delay), this, [this, id = transfer.id] { settleTransfer(id); });
}

void SimBroker::settleTransfer(const QString &transferId)
{
    const auto it = m_transfers.constFind(transferId);
    if (it == m_transfers.cend() || !isPending(it->transfer.status))
        return;
    TransferRow row = *it;
    AccountRow account = m_accounts.value(row.transfer.accountId);
    if (row.transfer.direction == TransferDirection::Incoming)
        account.cash += row.transfer.amount;
    else
        account.cash -= row.transfer.amount;
    row.transfer.status = TransferStatus::Complete;
    row.transfer.updatedAt = Timestamp::now();
    SimBrokerStore::Changes changes;
    changes.accounts.append(account);
    changes.transfers.append(row);
    if (auto c = commit(changes); !c) {
        qCWarning(lcSimBroker) << "transfer" << transferId << "stays queued:" << c.error().message;
        return;
    }
    qCDebug(lcSimBroker) << "settled transfer" << transferId;
    Q_EMIT accountChanged(account.id);
}

// ---- assets --------------------------------------------------------------------------------------

QFuture<BrokerResult<QList<Asset>>> SimBroker::assets()
{
    QList<Asset> out;
    out.reserve(m_catalog.size());
    for (const AssetCatalog::Entry &e : m_catalog.entries())
        out.append(e.asset);
    return ready<QList<Asset>>(std::move(out));
}

QFuture<BrokerResult<Asset>> SimBroker::asset(const QString &symbolOrId)
{
    if (const AssetCatalog::Entry *e = findAsset(symbolOrId.trimmed()))
        return ready<Asset>(e->asset);
    return ready<Asset>(unexpected(notFound(u"asset %1 not found"_s.arg(symbolOrId))));
}

// ---- state ---------------------------------------------------------------------------------------

BrokerResult<Done> SimBroker::commit(const SimBrokerStore::Changes &changes)
{
    auto stored = m_store->commit(changes);
    if (!stored) {
        if (stored.error().duplicateClientOrderId)
            return unexpected(duplicateClientOrderId());
        return unexpected(internal(u"the simulated broker could not save its state: %1"_s.arg(stored.error().message)));
    }
    apply(changes);
    return Done{};
}

void SimBroker::apply(const SimBrokerStore::Changes &changes)
{
    for (const AccountRow &a : changes.accounts) {
        if (!m_accounts.contains(a.id))
            m_accountIds.append(a.id);
        m_accounts.insert(a.id, a);
    }
    for (const PositionRow &p : changes.removedPositions) {
        auto it = m_positions.find(p.accountId);
        if (it != m_positions.end()) {
            it->remove(p.symbol);
            if (it->isEmpty())
                m_positions.erase(it);
        }
    }
    for (const PositionRow &p : changes.positions)
        m_positions[p.accountId].insert(p.symbol, p);
    for (const OrderRow &row : changes.orders) {
        if (!m_orders.contains(row.order.id)) {
            m_orderIdsByAccount[row.accountId].append(row.order.id);
            m_clientOrderIds[row.accountId].insert(row.order.clientOrderId, row.order.id);
        }
        m_orders.insert(row.order.id, row);
        if (isOpenStatus(row.order.status))
            m_openOrders.insert(row.seq, row.order.id);
        else
            m_openOrders.remove(row.seq);
    }
    for (const TransferRow &row : changes.transfers) {
        if (!m_transfers.contains(row.transfer.id))
            m_transferIdsByAccount[row.transfer.accountId].append(row.transfer.id);
        m_transfers.insert(row.transfer.id, row);
    }
    if (!changes.orders.isEmpty() || !changes.positions.isEmpty() || !changes.removedPositions.isEmpty())
        syncRegistry();
}

void SimBroker::syncRegistry()
{
    if (!m_registry)
        return;
    QSet<QString> orderSymbols;
    for (const QString &id : std::as_const(m_openOrders))
        orderSymbols.insert(m_orders.constFind(id)->order.symbol);
    QSet<QString> heldSymbols;
    for (const auto &byAccount : std::as_const(m_positions)) {
        for (auto it = byAccount.cbegin(); it != byAccount.cend(); ++it)
            heldSymbols.insert(it.key());
    }
    m_registry->setHolderSymbols(kOrdersHolder.toString(), orderSymbols);
    m_registry->setHolderSymbols(kPositionsHolder.toString(), heldSymbols);
}

} // namespace clera
