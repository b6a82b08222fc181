// SimBroker's orders: validation, placing, fills at the feed's prices, cancellation, the list and
// the market clock (sessions, day orders expiring at the close).

#include "simbroker.h"

#include <QLoggingCategory>
#include <QSet>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcSimBroker, "clera.broker")

using namespace simerror;

constexpr int kQtyDigits = 9;

template <typename T> QFuture<BrokerResult<T>> ready(BrokerResult<T> result)
{
    return QtFuture::makeReadyFuture(std::move(result));
}

QString newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool crosses(const Order &o, Decimal price)
{
    if (o.type != OrderType::Limit || !o.limitPrice)
        return false;
    return o.side == OrderSide::Buy ? price <= *o.limitPrice : price >= *o.limitPrice;
}

} // namespace

// ---- orders --------------------------------------------------------------------------------------

QFuture<BrokerResult<Order>> SimBroker::submitOrder(const QString &accountId, const OrderRequest &request)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    auto valid = m_rules.validate(request);
    if (!valid) {
        qCDebug(lcSimBroker) << "order rejected:" << valid.error().message;
        return ready<Order>(unexpected(valid.error()));
    }
    if (m_ledger.orderByClientOrderId(accountId, valid->request.clientOrderId))
        return ready<Order>(unexpected(duplicateClientOrderId()));
    return ready(placeOrder(accountId, *valid));
}

BrokerResult<Order> SimBroker::placeOrder(const QString &accountId, const SimOrderRules::ValidOrder &valid)
{
    const OrderRequest &r = valid.request;
    const Asset &asset = valid.asset->asset;
    const auto price = lastPrice(asset.symbol);
    if (r.type == OrderType::Market && !price)
        return unexpected(unavailable(
            u"no price for %1 yet; the simulated market cannot fill a market order"_s.arg(asset.symbol)));

    Decimal qty;
    if (r.qty) {
        qty = *r.qty;
    } else {
        const auto exact = r.notional->checkedDiv(*price);
        if (!exact)
            return unexpected(invalid(u"notional is out of range"_s));
        qty = exact->truncated(kQtyDigits);
        if (qty.isZero())
            return unexpected(invalid(
                u"notional %1 buys less than 0.000000001 %2"_s.arg(r.notional->toString(), asset.symbol)));
    }

    // A limit buy is checked and reserved at its limit price, the most it can cost.
    const auto cost = qty.checkedMul(r.type == OrderType::Limit ? *r.limitPrice : *price);
    if (!cost)
        return unexpected(invalid(u"qty is too large"_s));
    if (r.side == OrderSide::Buy) {
        const Decimal available = availableCash(accountId);
        if (*cost > available)
            return unexpected(insufficientBuyingPower(u"insufficient buying power"_s, *cost, available));
    } else {
        const Decimal held = m_ledger.position(accountId, asset.symbol).value_or(PositionRow{}).qty;
        const Decimal available = held - m_ledger.heldForOrders(accountId, asset.symbol);
        if (qty > available)
            return unexpected(insufficientQty(qty, available));
    }

    const Timestamp now = this->now();
    OrderRow row;
    row.accountId = accountId;
    row.seq = m_nextSeq++;
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
    const bool open = o.status == OrderStatus::New;
    qCDebug(lcSimBroker) << "limit order" << o.id << o.symbol << (open ? "open" : "canceled");
    Q_EMIT orderUpdated(accountId, o);
    if (open) {
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
    AccountRow account = *m_ledger.account(accountId);
    PositionRow position = m_ledger.position(accountId, o.symbol)
                               .value_or(PositionRow{accountId, o.symbol, o.assetId, {}, {}, {}});

    const auto amount = qty.checkedMul(price);
    if (!amount)
        return unexpected(invalid(u"qty is too large"_s));
    // Cash settles in whole cents (fractional shares make sub-cent amounts); the position keeps the
    // exact cost basis.
    const Decimal cashAmount = amount->rounded(2, RoundingMode::HalfEven);
    SimBrokerStore::Changes changes;
    if (o.side == OrderSide::Buy) {
        account.cash -= cashAmount;
        position.qty += qty;
        position.costBasis += *amount;
        position.avgEntryPrice = position.costBasis / position.qty;
        changes.positions.append(position);
    } else {
        if (qty > position.qty)
            return unexpected(
                internal(u"sell of %1 %2 exceeds the position"_s.arg(qty.toString(), o.symbol)));
        account.cash += cashAmount;
        position.qty -= qty;
        if (position.qty.isZero()) {
            changes.removedPositions.append(position);
        } else {
            // A sale leaves the average entry price alone and shrinks the cost basis in proportion.
            position.costBasis = position.avgEntryPrice * position.qty;
            changes.positions.append(position);
        }
    }

    const Timestamp now = this->now();
    o.status = OrderStatus::Filled;
    o.filledQty = qty;
    o.filledAvgPrice = price;
    o.filledAt = now;
    o.updatedAt = now;
    changes.accounts.append(account);
    changes.orders.append(row);
    if (auto c = commit(changes); !c)
        return unexpected(c.error());

    qCDebug(lcSimBroker).noquote() << "filled" << (o.side == OrderSide::Buy ? "buy" : "sell")
                                   << qty.toString() << o.symbol << "@" << price.toString() << "for account"
                                   << accountId;
    recordEquity({accountId});
    Q_EMIT orderUpdated(accountId, o);
    Q_EMIT positionsChanged(accountId);
    Q_EMIT accountChanged(accountId);
    return o;
}

Timestamp SimBroker::sessionCloseAfter(Timestamp at)
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    // Without the time-zone database, US Eastern standard time is the better guess than UTC.
    const QTimeZone zone = newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
    const QDateTime local = at.toDateTime().toTimeZone(zone);
    QDate day = local.date();
    const auto closeOn = [&zone](QDate d) { return QDateTime(d, QTime(16, 0), zone); };
    if (day.dayOfWeek() <= 5 && local < closeOn(day))
        return Timestamp::fromDateTime(closeOn(day));
    do {
        day = day.addDays(1);
    } while (day.dayOfWeek() > 5);
    return Timestamp::fromDateTime(closeOn(day));
}

Timestamp SimBroker::sessionCloseBefore(Timestamp at)
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    const QTimeZone zone = newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
    QDate day = at.toDateTime().toTimeZone(zone).date();
    do {
        day = day.addDays(-1);
    } while (day.dayOfWeek() > 5);
    return Timestamp::fromDateTime(QDateTime(day, QTime(16, 0), zone));
}

MarketClock SimBroker::clockAt(Timestamp at)
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    const QTimeZone zone = newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
    const QDateTime local = at.toDateTime().toTimeZone(zone);
    const auto weekday = [](QDate d) { return d.dayOfWeek() <= 5; };
    const auto openOn = [&zone](QDate d) { return QDateTime(d, QTime(9, 30), zone); };
    MarketClock c;
    c.timestamp = at;
    c.timestampOffsetSeconds = zone.offsetFromUtc(local);
    const QDate today = local.date();
    c.isOpen = weekday(today) && local >= openOn(today) && local < QDateTime(today, QTime(16, 0), zone);
    QDate openDay = today;
    if (!weekday(openDay) || local >= openOn(openDay)) {
        do {
            openDay = openDay.addDays(1);
        } while (!weekday(openDay));
    }
    const QDateTime nextOpen = openOn(openDay);
    c.nextOpen = Timestamp::fromDateTime(nextOpen);
    c.nextOpenOffsetSeconds = zone.offsetFromUtc(nextOpen);
    c.nextClose = sessionCloseAfter(at);
    c.nextCloseOffsetSeconds = zone.offsetFromUtc(c.nextClose.toDateTime());
    return c;
}

QFuture<BrokerResult<MarketClock>> SimBroker::clock()
{
    if (!m_open)
        return ready<MarketClock>(unexpected(notOpen()));
    return ready<MarketClock>(clockAt(now()));
}

void SimBroker::expireDayOrders()
{
    if (!m_open || m_ledger.openOrderCount() == 0)
        return;
    const Timestamp current = now();
    SimBrokerStore::Changes changes;
    for (OrderRow row : m_ledger.openOrders()) {
        if (row.order.timeInForce != TimeInForce::Day)
            continue;
        const Timestamp close = sessionCloseAfter(row.order.submittedAt.value_or(row.order.createdAt));
        if (close > current)
            continue;
        row.order.status = OrderStatus::Expired;
        row.order.expiredAt = close;
        row.order.updatedAt = current;
        changes.orders.append(row);
    }
    if (changes.orders.isEmpty())
        return;
    if (auto c = commit(changes); !c) {
        qCWarning(lcSimBroker) << "could not expire DAY orders:" << c.error().message;
        return;
    }
    QSet<QString> accounts;
    for (const OrderRow &row : std::as_const(changes.orders)) {
        qCDebug(lcSimBroker) << "expired DAY order" << row.order.id << "at the session close";
        Q_EMIT orderUpdated(row.accountId, row.order);
        accounts.insert(row.accountId);
    }
    for (const QString &accountId : std::as_const(accounts)) {
        Q_EMIT accountChanged(accountId);
        Q_EMIT positionsChanged(accountId);
    }
}

void SimBroker::onTicks(const QList<Tick> &batch)
{
    if (!m_open || m_ledger.openOrderCount() == 0)
        return;
    for (const Tick &tick : batch) {
        if (!tick.price.isPositive())
            continue;
        QStringList crossed;
        for (const OrderRow &row : m_ledger.openOrders()) {
            if (row.order.symbol == tick.symbol && crosses(row.order, tick.price))
                crossed.append(row.order.id);
        }
        for (const QString &id : std::as_const(crossed)) {
            // A slot reacting to an earlier fill may have canceled this order meanwhile.
            const OrderRow *row = m_ledger.order(id);
            if (!row || !SimLedger::isOpen(row->order.status) || !row->order.qty)
                continue;
            const Decimal remaining = *row->order.qty - row->order.filledQty;
            if (auto filled = fill(*row, remaining, tick.price); !filled)
                qCWarning(lcSimBroker) << "could not fill limit order" << id << ":" << filled.error().message;
        }
    }
}

QFuture<BrokerResult<QList<Order>>> SimBroker::orders(const QString &accountId, const OrderQuery &query)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<Order>>(unexpected(*e));
    return ready<QList<Order>>(m_ledger.orders(accountId, query));
}

QFuture<BrokerResult<Order>> SimBroker::order(const QString &accountId, const QString &orderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    const OrderRow *row = m_ledger.order(orderId);
    if (!row || row->accountId != accountId)
        return ready<Order>(unexpected(notFound(u"order not found"_s)));
    return ready<Order>(row->order);
}

QFuture<BrokerResult<Order>> SimBroker::orderByClientOrderId(const QString &accountId,
                                                             const QString &clientOrderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Order>(unexpected(*e));
    const OrderRow *row = m_ledger.orderByClientOrderId(accountId, clientOrderId);
    if (!row)
        return ready<Order>(unexpected(notFound(u"order not found"_s)));
    return ready<Order>(row->order);
}

QFuture<BrokerResult<Done>> SimBroker::cancelOrder(const QString &accountId, const QString &orderId)
{
    if (auto e = checkAccount(accountId))
        return ready<Done>(unexpected(*e));
    const OrderRow *found = m_ledger.order(orderId);
    if (!found || found->accountId != accountId)
        return ready<Done>(unexpected(notFound(u"order not found"_s)));
    if (!SimLedger::isOpen(found->order.status))
        return ready<Done>(unexpected(invalid(u"order is not cancelable"_s, kUnprocessableCode)));

    OrderRow row = *found;
    const Timestamp now = this->now();
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

} // namespace clera
