#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/account.h"
#include "core/domain/achrelationship.h"
#include "core/domain/decimal.h"
#include "core/domain/order.h"
#include "core/domain/timestamp.h"
#include "core/domain/transfer.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace clera {

// SQLite persistence of the simulated broker: accounts, positions, orders, transfers and ACH
// relationships (only the bank account number's last four digits) as explicit
// columns (decimals and timestamps as canonical TEXT), under a versioned schema. Every commit() is one
// transaction, so a fill changes order, position and cash together or not at all. Equity points (the
// source of portfolio history) are kept beside them and read on demand, not loaded into memory.
class SimBrokerStore
{
public:
    static constexpr int kSchemaVersion = 3;

    struct AccountRow
    {
        QString id;
        QString accountNumber;
        QString label;
        AccountStatus status = AccountStatus::Active;
        QString currency;
        Decimal cash;
        Timestamp createdAt;
    };
    struct PositionRow
    {
        QString accountId;
        QString symbol;
        QString assetId;
        Decimal qty;
        Decimal avgEntryPrice;
        Decimal costBasis;
    };
    struct OrderRow
    {
        QString accountId;
        qint64 seq = 0; // submission order, stable across restarts
        Order order;
    };
    struct TransferRow
    {
        qint64 seq = 0;
        Transfer transfer;
    };
    struct Snapshot
    {
        QList<AccountRow> accounts; // by creation
        QList<PositionRow> positions;
        QList<OrderRow> orders;       // by seq
        QList<TransferRow> transfers; // by seq
        QList<AchRelationship> relationships; // by creation; bank_account_number is never stored
    };
    // Rows to insert or update, and positions to delete, in one transaction.
    struct Changes
    {
        QList<AccountRow> accounts;
        QList<PositionRow> positions;
        QList<PositionRow> removedPositions; // by (accountId, symbol)
        QList<OrderRow> orders;
        QList<TransferRow> transfers;
        QList<AchRelationship> relationships; // inserted or updated (status, updated_at)
        QStringList removedRelationships;     // by id
    };
    // An account's equity (cash + positions at the prices of the moment) observed at `at`.
    struct EquityRow
    {
        QString accountId;
        Timestamp at;
        Decimal equity;
    };
    struct Error
    {
        QString message;
        bool duplicateClientOrderId = false; // the UNIQUE (account_id, client_order_id) index refused a row
    };

    explicit SimBrokerStore(QString databasePath);
    ~SimBrokerStore();
    SimBrokerStore(const SimBrokerStore &) = delete;
    SimBrokerStore &operator=(const SimBrokerStore &) = delete;

    // Opens or creates the file (WAL journal, foreign keys on) and brings the schema to kSchemaVersion.
    [[nodiscard]] Expected<Done, QString> open();
    [[nodiscard]] bool isOpen() const { return m_db.isOpen(); }
    [[nodiscard]] const QString &path() const { return m_path; }

    [[nodiscard]] Expected<Snapshot, QString> load() const;
    [[nodiscard]] Expected<Done, Error> commit(const Changes &changes);

    // Appends equity points in one transaction (a point at an instant already recorded replaces it).
    [[nodiscard]] Expected<Done, QString> addEquityPoints(const QList<EquityRow> &rows);
    // The account's points with at <= `until`, oldest first: the last one before `from` (the value
    // carried into the range) and every one from `from` on.
    [[nodiscard]] Expected<QList<EquityRow>, QString> equityPoints(const QString &accountId, Timestamp from,
                                                                   Timestamp until) const;

private:
    [[nodiscard]] Expected<Done, QString> migrate();
    [[nodiscard]] Expected<Done, Error> write(const Changes &changes);

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
};

} // namespace clera
