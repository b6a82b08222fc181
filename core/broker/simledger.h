#pragma once

#include "core/broker/broker.h"
#include "core/broker/simbrokerstore.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QStringList>

namespace clera {

// The simulated broker's books in memory, always equal to what the store last committed: accounts,
// positions, orders and transfers, plus the figures trading derives from them (cash promised to open
// buys and withdrawals, qty held by open sells). Changes arrive only through apply().
class SimLedger
{
public:
    using AccountRow = SimBrokerStore::AccountRow;
    using PositionRow = SimBrokerStore::PositionRow;
    using OrderRow = SimBrokerStore::OrderRow;
    using TransferRow = SimBrokerStore::TransferRow;

    [[nodiscard]] static bool isOpen(OrderStatus status);

    void apply(const SimBrokerStore::Changes &changes);

    [[nodiscard]] const QStringList &accountIds() const { return m_accountIds; } // creation order
    [[nodiscard]] const AccountRow *account(const QString &accountId) const;
    [[nodiscard]] qsizetype accountCount() const { return m_accounts.size(); }
    [[nodiscard]] QSet<QString> accountNumbers() const;

    // Sorted by symbol.
    [[nodiscard]] QList<PositionRow> positions(const QString &accountId) const;
    [[nodiscard]] std::optional<PositionRow> position(const QString &accountId, const QString &symbol) const;
    [[nodiscard]] QSet<QString> heldSymbols() const;

    [[nodiscard]] const OrderRow *order(const QString &orderId) const;
    [[nodiscard]] const OrderRow *orderByClientOrderId(const QString &accountId,
                                                       const QString &clientOrderId) const;
    [[nodiscard]] QList<Order> orders(const QString &accountId, const OrderQuery &query) const;
    // Every order of the account in submission order (no limit, any status).
    [[nodiscard]] QList<Order> allOrders(const QString &accountId) const;
    [[nodiscard]] qsizetype orderCount() const { return m_orders.size(); }
    // Open orders, oldest first.
    [[nodiscard]] QList<OrderRow> openOrders() const;
    [[nodiscard]] qsizetype openOrderCount() const { return m_openOrders.size(); }
    [[nodiscard]] QSet<QString> openOrderSymbols() const;

    [[nodiscard]] const TransferRow *transfer(const QString &transferId) const;
    [[nodiscard]] QList<Transfer> transfers(const QString &accountId) const; // creation order
    [[nodiscard]] QList<Transfer> pendingTransfers() const;
    [[nodiscard]] qsizetype transferCount() const { return m_transfers.size(); }
    [[nodiscard]] Decimal pendingTransferAmount(const QString &accountId, TransferDirection direction) const;

    // Cash promised to open limit buys (qty × limit price) and to queued withdrawals.
    [[nodiscard]] Decimal reservedCash(const QString &accountId) const;
    // Qty of a position promised to open sell orders.
    [[nodiscard]] Decimal heldForOrders(const QString &accountId, const QString &symbol) const;
    // Highest order or transfer sequence number in the books (0 when empty).
    [[nodiscard]] qint64 maxSeq() const { return m_maxSeq; }

private:
    QHash<QString, AccountRow> m_accounts;
    QStringList m_accountIds;
    QHash<QString, QMap<QString, PositionRow>> m_positions;   // account → symbol → position
    QHash<QString, OrderRow> m_orders;                        // by order id
    QHash<QString, QStringList> m_orderIdsByAccount;          // submission order
    QHash<QString, QHash<QString, QString>> m_clientOrderIds; // account → client_order_id → order id
    QMap<qint64, QString> m_openOrders;                       // seq → order id
    QHash<QString, TransferRow> m_transfers;                  // by transfer id
    QHash<QString, QStringList> m_transferIdsByAccount;       // creation order
    qint64 m_maxSeq = 0;
};

} // namespace clera
