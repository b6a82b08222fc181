#include "simledger.h"

#include <algorithm>

namespace clera {

bool SimLedger::isOpen(OrderStatus status)
{
    switch (status) {
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

void SimLedger::apply(const SimBrokerStore::Changes &changes)
{
    for (const AccountRow &a : changes.accounts) {
        if (!m_accounts.contains(a.id))
            m_accountIds.append(a.id);
        m_accounts.insert(a.id, a);
    }
    for (const PositionRow &p : changes.removedPositions) {
        const auto it = m_positions.find(p.accountId);
        if (it == m_positions.end())
            continue;
        it->remove(p.symbol);
        if (it->isEmpty())
            m_positions.erase(it);
    }
    for (const PositionRow &p : changes.positions)
        m_positions[p.accountId].insert(p.symbol, p);
    for (const OrderRow &row : changes.orders) {
        if (!m_orders.contains(row.order.id)) {
            m_orderIdsByAccount[row.accountId].append(row.order.id);
            m_clientOrderIds[row.accountId].insert(row.order.clientOrderId, row.order.id);
        }
        m_orders.insert(row.order.id, row);
        if (isOpen(row.order.status))
            m_openOrders.insert(row.seq, row.order.id);
        else
            m_openOrders.remove(row.seq);
        m_maxSeq = std::max(m_maxSeq, row.seq);
    }
    for (const TransferRow &row : changes.transfers) {
        if (!m_transfers.contains(row.transfer.id))
            m_transferIdsByAccount[row.transfer.accountId].append(row.transfer.id);
        m_transfers.insert(row.transfer.id, row);
        m_maxSeq = std::max(m_maxSeq, row.seq);
    }
}

const SimLedger::AccountRow *SimLedger::account(const QString &accountId) const
{
    const auto it = m_accounts.constFind(accountId);
    return it == m_accounts.cend() ? nullptr : &*it;
}

QSet<QString> SimLedger::accountNumbers() const
{
    QSet<QString> out;
    for (const AccountRow &a : m_accounts)
        out.insert(a.accountNumber);
    return out;
}

QList<SimLedger::PositionRow> SimLedger::positions(const QString &accountId) const
{
    return m_positions.value(accountId).values();
}

std::optional<SimLedger::PositionRow> SimLedger::position(const QString &accountId,
                                                          const QString &symbol) const
{
    const auto byAccount = m_positions.constFind(accountId);
    if (byAccount == m_positions.cend())
        return std::nullopt;
    const auto it = byAccount->constFind(symbol);
    return it == byAccount->cend() ? std::nullopt : std::optional<PositionRow>(*it);
}

QSet<QString> SimLedger::heldSymbols() const
{
    QSet<QString> out;
    for (const auto &byAccount : m_positions) {
        for (auto it = byAccount.cbegin(); it != byAccount.cend(); ++it)
            out.insert(it.key());
    }
    return out;
}

const SimLedger::OrderRow *SimLedger::order(const QString &orderId) const
{
    const auto it = m_orders.constFind(orderId);
    return it == m_orders.cend() ? nullptr : &*it;
}

const SimLedger::OrderRow *SimLedger::orderByClientOrderId(const QString &accountId,
                                                           const QString &clientOrderId) const
{
    const auto byAccount = m_clientOrderIds.constFind(accountId);
    if (byAccount == m_clientOrderIds.cend())
        return nullptr;
    const auto it = byAccount->constFind(clientOrderId);
    return it == byAccount->cend() ? nullptr : order(*it);
}

QList<Order> SimLedger::orders(const QString &accountId, const OrderQuery &query) const
{
    const qsizetype limit = query.limit <= 0 ? 50 : std::min(query.limit, 500); // Alpaca's default and cap
    QSet<QString> symbols;
    for (const QString &s : query.symbols)
        symbols.insert(s.trimmed().toUpper());

    QList<Order> out;
    const auto visit = [&](const QString &id) {
        const Order &o = m_orders.constFind(id)->order;
        const bool open = isOpen(o.status);
        if ((query.status == OrderQuery::Status::Open && !open) ||
            (query.status == OrderQuery::Status::Closed && open))
            return;
        if (!symbols.isEmpty() && !symbols.contains(o.symbol))
            return;
        out.append(o);
    };
    const QStringList ids = m_orderIdsByAccount.value(accountId);
    if (query.newestFirst) {
        for (auto it = ids.crbegin(); it != ids.crend() && out.size() < limit; ++it)
            visit(*it);
    } else {
        for (auto it = ids.cbegin(); it != ids.cend() && out.size() < limit; ++it)
            visit(*it);
    }
    return out;
}

QList<Order> SimLedger::allOrders(const QString &accountId) const
{
    QList<Order> out;
    const QStringList ids = m_orderIdsByAccount.value(accountId);
    out.reserve(ids.size());
    for (const QString &id : ids)
        out.append(m_orders.constFind(id)->order);
    return out;
}

QList<SimLedger::OrderRow> SimLedger::openOrders() const
{
    QList<OrderRow> out;
    out.reserve(m_openOrders.size());
    for (const QString &id : m_openOrders)
        out.append(*m_orders.constFind(id));
    return out;
}

QSet<QString> SimLedger::openOrderSymbols() const
{
    QSet<QString> out;
    for (const QString &id : m_openOrders)
        out.insert(m_orders.constFind(id)->order.symbol);
    return out;
}

const SimLedger::TransferRow *SimLedger::transfer(const QString &transferId) const
{
    const auto it = m_transfers.constFind(transferId);
    return it == m_transfers.cend() ? nullptr : &*it;
}

QList<Transfer> SimLedger::transfers(const QString &accountId) const
{
    QList<Transfer> out;
    for (const QString &id : m_transferIdsByAccount.value(accountId))
        out.append(m_transfers.constFind(id)->transfer);
    return out;
}

QList<Transfer> SimLedger::pendingTransfers() const
{
    QList<Transfer> out;
    for (const TransferRow &row : m_transfers) {
        if (!isTerminal(row.transfer.status))
            out.append(row.transfer);
    }
    return out;
}

Decimal SimLedger::pendingTransferAmount(const QString &accountId, TransferDirection direction) const
{
    Decimal sum;
    for (const QString &id : m_transferIdsByAccount.value(accountId)) {
        const Transfer &t = m_transfers.constFind(id)->transfer;
        if (t.direction == direction && !isTerminal(t.status))
            sum += t.amount;
    }
    return sum;
}

Decimal SimLedger::reservedCash(const QString &accountId) const
{
    Decimal reserved = pendingTransferAmount(accountId, TransferDirection::Outgoing);
    for (const QString &id : m_openOrders) {
        const OrderRow &row = *m_orders.constFind(id);
        const Order &o = row.order;
        if (row.accountId == accountId && o.side == OrderSide::Buy && o.qty && o.limitPrice)
            reserved += (*o.qty - o.filledQty) * *o.limitPrice;
    }
    return reserved;
}

Decimal SimLedger::heldForOrders(const QString &accountId, const QString &symbol) const
{
    Decimal held;
    for (const QString &id : m_openOrders) {
        const OrderRow &row = *m_orders.constFind(id);
        const Order &o = row.order;
        if (row.accountId == accountId && o.side == OrderSide::Sell && o.symbol == symbol && o.qty)
            held += *o.qty - o.filledQty;
    }
    return held;
}

} // namespace clera
