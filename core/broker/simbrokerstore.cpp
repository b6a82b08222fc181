#include "simbrokerstore.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

#include <optional>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcSimStore, "clera.broker")

QVariant nullText()
{
    return QVariant(QMetaType::fromType<QString>());
}
QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? nullText() : QVariant(s);
}
QVariant decimalOrNull(const std::optional<Decimal> &d)
{
    return d ? QVariant(d->toString()) : nullText();
}
QVariant timeOrNull(const std::optional<Timestamp> &t)
{
    return t ? QVariant(t->toString()) : nullText();
}

// Reads one row by column name; the first bad value is kept and later reads return defaults.
class RowReader
{
public:
    RowReader(const QSqlQuery &query, QString table) : m_query(query), m_table(std::move(table)) {}

    [[nodiscard]] bool ok() const { return m_error.isEmpty(); }
    [[nodiscard]] const QString &error() const { return m_error; }

    QString text(const QString &column) { return m_query.value(column).toString(); }
    qint64 integer(const QString &column) { return m_query.value(column).toLongLong(); }
    Decimal decimal(const QString &column) { return optDecimal(column).value_or(Decimal()); }
    std::optional<Decimal> optDecimal(const QString &column)
    {
        const QVariant v = m_query.value(column);
        if (v.isNull())
            return std::nullopt;
        auto d = Decimal::parse(v.toString());
        if (!d) {
            fail(column, d.error());
            return std::nullopt;
        }
        return *d;
    }
    Timestamp time(const QString &column) { return optTime(column).value_or(Timestamp()); }
    std::optional<Timestamp> optTime(const QString &column)
    {
        const QVariant v = m_query.value(column);
        if (v.isNull())
            return std::nullopt;
        auto t = Timestamp::parse(v.toString());
        if (!t) {
            fail(column, t.error());
            return std::nullopt;
        }
        return *t;
    }
    // Enums are stored as Alpaca's wire words, read back with the domain's own conversions.
    template <typename E> E enumValue(const QString &column, E (*fromWire)(QStringView), E unknown)
    {
        const QString t = text(column);
        const E v = fromWire(t);
        if (v == unknown)
            fail(column, u"unknown value '%1'"_s.arg(t));
        return v;
    }

private:
    void fail(const QString &column, const QString &message)
    {
        if (m_error.isEmpty())
            m_error = u"%1.%2: %3"_s.arg(m_table, column, message);
    }

    const QSqlQuery &m_query;
    QString m_table;
    QString m_error;
};

// Each step brings the schema from version i to i + 1.
// clang-format off
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {{
        u"CREATE TABLE accounts ("
        "  id TEXT PRIMARY KEY,"
        "  account_number TEXT NOT NULL UNIQUE,"
        "  label TEXT NOT NULL DEFAULT '',"
        "  status TEXT NOT NULL,"
        "  currency TEXT NOT NULL,"
        "  cash TEXT NOT NULL,"
        "  created_at TEXT NOT NULL)"_s,
        u"CREATE TABLE positions ("
        "  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        "  symbol TEXT NOT NULL,"
        "  asset_id TEXT NOT NULL,"
        "  qty TEXT NOT NULL,"
        "  avg_entry_price TEXT NOT NULL,"
        "  cost_basis TEXT NOT NULL,"
        "  PRIMARY KEY (account_id, symbol))"_s,
        u"CREATE TABLE orders ("
        "  id TEXT PRIMARY KEY,"
        "  seq INTEGER NOT NULL UNIQUE,"
        "  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        "  client_order_id TEXT NOT NULL,"
        "  symbol TEXT NOT NULL,"
        "  asset_id TEXT NOT NULL,"
        "  asset_class TEXT NOT NULL,"
        "  side TEXT NOT NULL,"
        "  type TEXT NOT NULL,"
        "  time_in_force TEXT NOT NULL,"
        "  order_class TEXT NOT NULL,"
        "  status TEXT NOT NULL,"
        "  qty TEXT,"
        "  notional TEXT,"
        "  limit_price TEXT,"
        "  filled_qty TEXT NOT NULL,"
        "  filled_avg_price TEXT,"
        "  extended_hours INTEGER NOT NULL,"
        "  position_intent TEXT,"
        "  created_at TEXT NOT NULL,"
        "  updated_at TEXT,"
        "  submitted_at TEXT,"
        "  filled_at TEXT,"
        "  canceled_at TEXT,"
        "  expired_at TEXT,"
        "  failed_at TEXT)"_s,
        u"CREATE UNIQUE INDEX orders_client_order_id ON orders(account_id, client_order_id)"_s,
        u"CREATE INDEX orders_account_seq ON orders(account_id, seq)"_s,
        u"CREATE TABLE transfers ("
        "  id TEXT PRIMARY KEY,"
        "  seq INTEGER NOT NULL UNIQUE,"
        "  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        "  type TEXT NOT NULL,"
        "  direction TEXT NOT NULL,"
        "  status TEXT NOT NULL,"
        "  relationship_id TEXT,"
        "  currency TEXT NOT NULL,"
        "  reason TEXT,"
        "  amount TEXT NOT NULL,"
        "  requested_amount TEXT,"
        "  fee TEXT,"
        "  fee_payment_method TEXT,"
        "  created_at TEXT NOT NULL,"
        "  updated_at TEXT,"
        "  expires_at TEXT)"_s,
    }, {
        u"CREATE TABLE ach_relationships ("
        "  id TEXT PRIMARY KEY,"
        "  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        "  status TEXT NOT NULL,"
        "  account_owner_name TEXT NOT NULL,"
        "  bank_account_type TEXT,"
        "  account_mask TEXT CHECK (LENGTH(account_mask) <= 4),"
        "  bank_routing_number TEXT,"
        "  nickname TEXT,"
        "  approval_method TEXT NOT NULL,"
        "  created_at TEXT NOT NULL,"
        "  updated_at TEXT)"_s,
        u"CREATE INDEX ach_relationships_account ON ach_relationships(account_id)"_s,
    },
    {
        u"CREATE TABLE equity_points ("
        "  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
        "  at_ns INTEGER NOT NULL,"
        "  equity TEXT NOT NULL,"
        "  PRIMARY KEY (account_id, at_ns))"_s,
    }};
    return steps;
}
// clang-format on

QString describe(const QSqlError &e)
{
    return e.text().isEmpty() ? u"unknown SQL error"_s : e.text();
}

} // namespace

SimBrokerStore::SimBrokerStore(QString databasePath)
    : m_path(std::move(databasePath)),
      m_connectionName(u"clera.simbroker."_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

SimBrokerStore::~SimBrokerStore()
{
    if (!m_db.isValid())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Expected<Done, QString> SimBrokerStore::open()
{
    if (m_db.isOpen())
        return Done{};
    if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return unexpected(u"the Qt SQLite driver (QSQLITE) is not installed"_s);
    if (!m_db.isValid()) {
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        m_db.setDatabaseName(m_path);
    }
    const auto fail = [this](const QString &what, const QSqlError &e) {
        const QString message =
            u"cannot open simulated broker database %1: %2: %3"_s.arg(m_path, what, describe(e));
        m_db.close();
        return unexpected(message);
    };
    if (!m_db.open())
        return fail(u"open"_s, m_db.lastError());

    QSqlQuery q(m_db);
    if (!q.exec(u"PRAGMA journal_mode=WAL"_s))
        return fail(u"journal_mode"_s, q.lastError());
    if (q.next() && q.value(0).toString().compare(u"wal"_s, Qt::CaseInsensitive) != 0)
        qCWarning(lcSimStore) << "SQLite refused WAL mode for" << m_path << "; journal mode is"
                              << q.value(0).toString();
    q.finish();
    if (!q.exec(u"PRAGMA foreign_keys=ON"_s))
        return fail(u"foreign_keys"_s, q.lastError());
    if (auto m = migrate(); !m) {
        m_db.close();
        return unexpected(u"cannot open simulated broker database %1: %2"_s.arg(m_path, m.error()));
    }
    qCDebug(lcSimStore) << "opened" << m_path;
    return Done{};
}

Expected<Done, QString> SimBrokerStore::migrate()
{
    QSqlQuery q(m_db);
    if (!q.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s))
        return unexpected(describe(q.lastError()));
    if (!q.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_version"_s) || !q.next())
        return unexpected(describe(q.lastError()));
    const int current = q.value(0).toInt();
    q.finish();
    if (current > kSchemaVersion)
        return unexpected(u"schema version %1 is newer than this build understands (%2)"_s.arg(current).arg(
            kSchemaVersion));

    const QList<QStringList> &steps = migrations();
    for (int version = current + 1; version <= kSchemaVersion; ++version) {
        if (!m_db.transaction())
            return unexpected(describe(m_db.lastError()));
        QStringList statements = steps.at(version - 1);
        statements.append(u"INSERT INTO schema_version (version) VALUES (%1)"_s.arg(version));
        for (const QString &sql : std::as_const(statements)) {
            if (!q.exec(sql)) {
                const QString message =
                    u"migration to schema %1 failed: %2"_s.arg(version).arg(describe(q.lastError()));
                m_db.rollback();
                return unexpected(message);
            }
        }
        if (!m_db.commit())
            return unexpected(describe(m_db.lastError()));
        qCDebug(lcSimStore) << "migrated" << m_path << "to schema" << version;
    }
    return Done{};
}

Expected<SimBrokerStore::Snapshot, QString> SimBrokerStore::load() const
{
    if (!m_db.isOpen())
        return unexpected(u"database is not open"_s);
    Snapshot snap;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);

    if (!q.exec(u"SELECT * FROM accounts ORDER BY rowid"_s))
        return unexpected(describe(q.lastError()));
    while (q.next()) {
        RowReader r(q, u"accounts"_s);
        AccountRow a;
        a.id = r.text(u"id"_s);
        a.accountNumber = r.text(u"account_number"_s);
        a.label = r.text(u"label"_s);
        a.status = r.enumValue(u"status"_s, accountStatusFromWire, AccountStatus::Unknown);
        a.currency = r.text(u"currency"_s);
        a.cash = r.decimal(u"cash"_s);
        a.createdAt = r.time(u"created_at"_s);
        if (!r.ok())
            return unexpected(r.error());
        snap.accounts.append(std::move(a));
    }

    if (!q.exec(u"SELECT * FROM positions ORDER BY account_id, symbol"_s))
        return unexpected(describe(q.lastError()));
    while (q.next()) {
        RowReader r(q, u"positions"_s);
        PositionRow p;
        p.accountId = r.text(u"account_id"_s);
        p.symbol = r.text(u"symbol"_s);
        p.assetId = r.text(u"asset_id"_s);
        p.qty = r.decimal(u"qty"_s);
        p.avgEntryPrice = r.decimal(u"avg_entry_price"_s);
        p.costBasis = r.decimal(u"cost_basis"_s);
        if (!r.ok())
            return unexpected(r.error());
        snap.positions.append(std::move(p));
    }

    if (!q.exec(u"SELECT * FROM orders ORDER BY seq"_s))
        return unexpected(describe(q.lastError()));
    while (q.next()) {
        RowReader r(q, u"orders"_s);
        OrderRow row;
        row.accountId = r.text(u"account_id"_s);
        row.seq = r.integer(u"seq"_s);
        Order &o = row.order;
        o.id = r.text(u"id"_s);
        o.clientOrderId = r.text(u"client_order_id"_s);
        o.symbol = r.text(u"symbol"_s);
        o.assetId = r.text(u"asset_id"_s);
        o.assetClass = r.text(u"asset_class"_s);
        o.side = r.enumValue(u"side"_s, orderSideFromWire, OrderSide::Unknown);
        o.type = r.enumValue(u"type"_s, orderTypeFromWire, OrderType::Unknown);
        o.timeInForce = r.enumValue(u"time_in_force"_s, timeInForceFromWire, TimeInForce::Unknown);
        o.orderClass = r.enumValue(u"order_class"_s, orderClassFromWire, OrderClass::Unknown);
        o.status = r.enumValue(u"status"_s, orderStatusFromWire, OrderStatus::Unknown);
        o.qty = r.optDecimal(u"qty"_s);
        o.notional = r.optDecimal(u"notional"_s);
        o.limitPrice = r.optDecimal(u"limit_price"_s);
        o.filledQty = r.decimal(u"filled_qty"_s);
        o.filledAvgPrice = r.optDecimal(u"filled_avg_price"_s);
        o.extendedHours = r.integer(u"extended_hours"_s) != 0;
        o.positionIntent = r.text(u"position_intent"_s);
        o.createdAt = r.time(u"created_at"_s);
        o.updatedAt = r.optTime(u"updated_at"_s);
        o.submittedAt = r.optTime(u"submitted_at"_s);
        o.filledAt = r.optTime(u"filled_at"_s);
        o.canceledAt = r.optTime(u"canceled_at"_s);
        o.expiredAt = r.optTime(u"expired_at"_s);
        o.failedAt = r.optTime(u"failed_at"_s);
        o.commission = Decimal();
        if (!r.ok())
            return unexpected(r.error());
        snap.orders.append(std::move(row));
    }

    if (!q.exec(u"SELECT * FROM transfers ORDER BY seq"_s))
        return unexpected(describe(q.lastError()));
    while (q.next()) {
        RowReader r(q, u"transfers"_s);
        TransferRow row;
        row.seq = r.integer(u"seq"_s);
        Transfer &t = row.transfer;
        t.id = r.text(u"id"_s);
        t.accountId = r.text(u"account_id"_s);
        t.type = r.enumValue(u"type"_s, transferTypeFromWire, TransferType::Unknown);
        t.direction = r.enumValue(u"direction"_s, transferDirectionFromWire, TransferDirection::Unknown);
        t.status = r.enumValue(u"status"_s, transferStatusFromWire, TransferStatus::Unknown);
        t.relationshipId = r.text(u"relationship_id"_s);
        t.currency = r.text(u"currency"_s);
        t.reason = r.text(u"reason"_s);
        t.amount = r.decimal(u"amount"_s);
        t.requestedAmount = r.optDecimal(u"requested_amount"_s);
        t.fee = r.optDecimal(u"fee"_s);
        t.feePaymentMethod = r.text(u"fee_payment_method"_s);
        t.createdAt = r.time(u"created_at"_s);
        t.updatedAt = r.optTime(u"updated_at"_s);
        t.expiresAt = r.optTime(u"expires_at"_s);
        if (!r.ok())
            return unexpected(r.error());
        snap.transfers.append(std::move(row));
    }

    if (!q.exec(u"SELECT * FROM ach_relationships ORDER BY rowid"_s))
        return unexpected(describe(q.lastError()));
    while (q.next()) {
        RowReader r(q, u"ach_relationships"_s);
        AchRelationship a;
        a.id = r.text(u"id"_s);
        a.accountId = r.text(u"account_id"_s);
        a.status = achRelationshipStatusFromWire(r.text(u"status"_s));
        a.accountOwnerName = r.text(u"account_owner_name"_s);
        const QString type = r.text(u"bank_account_type"_s);
        if (!type.isEmpty())
            a.bankAccountType = bankAccountTypeFromWire(type);
        a.accountMask = r.text(u"account_mask"_s);
        a.bankRoutingNumber = r.text(u"bank_routing_number"_s);
        a.nickname = r.text(u"nickname"_s);
        a.approvalMethod = r.text(u"approval_method"_s);
        a.createdAt = r.time(u"created_at"_s);
        a.updatedAt = r.optTime(u"updated_at"_s);
        if (!r.ok())
            return unexpected(r.error());
        snap.relationships.append(std::move(a));
    }
    return snap;
}

Expected<Done, SimBrokerStore::Error> SimBrokerStore::commit(const Changes &changes)
{
    if (!m_db.isOpen())
        return unexpected(Error{u"database is not open"_s, false});
    if (!m_db.transaction())
        return unexpected(Error{describe(m_db.lastError()), false});
    auto written = write(changes);
    if (!written) {
        m_db.rollback();
        qCWarning(lcSimStore) << "rolled back:" << written.error().message;
        return written;
    }
    if (!m_db.commit()) {
        const QString message = describe(m_db.lastError());
        m_db.rollback();
        qCWarning(lcSimStore) << "commit failed:" << message;
        return unexpected(Error{message, false});
    }
    return Done{};
}

Expected<Done, SimBrokerStore::Error> SimBrokerStore::write(const Changes &changes)
{
    QSqlQuery q(m_db);
    const auto run = [&q]() -> Expected<Done, Error> {
        if (q.exec())
            return Done{};
        const QSqlError e = q.lastError();
        return unexpected(Error{describe(e), e.databaseText().contains(u"client_order_id"_s)});
    };

    for (const AccountRow &a : changes.accounts) {
        q.prepare(u"INSERT INTO accounts (id, account_number, label, status, currency, cash, created_at) "
                  "VALUES (?, ?, COALESCE(?, ''), ?, ?, ?, ?) "
                  "ON CONFLICT(id) DO UPDATE SET label = excluded.label, status = excluded.status, "
                  "cash = excluded.cash"_s);
        q.addBindValue(a.id);
        q.addBindValue(a.accountNumber);
        q.addBindValue(a.label);
        q.addBindValue(toWire(a.status));
        q.addBindValue(a.currency);
        q.addBindValue(a.cash.toString());
        q.addBindValue(a.createdAt.toString());
        if (auto r = run(); !r)
            return r;
    }

    for (const PositionRow &p : changes.removedPositions) {
        q.prepare(u"DELETE FROM positions WHERE account_id = ? AND symbol = ?"_s);
        q.addBindValue(p.accountId);
        q.addBindValue(p.symbol);
        if (auto r = run(); !r)
            return r;
    }
    for (const PositionRow &p : changes.positions) {
        q.prepare(
            u"INSERT INTO positions (account_id, symbol, asset_id, qty, avg_entry_price, cost_basis) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(account_id, symbol) DO UPDATE SET asset_id = excluded.asset_id, qty = excluded.qty, "
            "avg_entry_price = excluded.avg_entry_price, cost_basis = excluded.cost_basis"_s);
        q.addBindValue(p.accountId);
        q.addBindValue(p.symbol);
        q.addBindValue(p.assetId);
        q.addBindValue(p.qty.toString());
        q.addBindValue(p.avgEntryPrice.toString());
        q.addBindValue(p.costBasis.toString());
        if (auto r = run(); !r)
            return r;
    }

    for (const OrderRow &row : changes.orders) {
        const Order &o = row.order;
        q.prepare(
            u"INSERT INTO orders (id, seq, account_id, client_order_id, symbol, asset_id, asset_class, side, "
            "type, time_in_force, order_class, status, qty, notional, limit_price, filled_qty, "
            "filled_avg_price, extended_hours, position_intent, created_at, updated_at, submitted_at, "
            "filled_at, canceled_at, expired_at, failed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET status = excluded.status, filled_qty = excluded.filled_qty, "
            "filled_avg_price = excluded.filled_avg_price, updated_at = excluded.updated_at, "
            "filled_at = excluded.filled_at, canceled_at = excluded.canceled_at, "
            "expired_at = excluded.expired_at, failed_at = excluded.failed_at"_s);
        q.addBindValue(o.id);
        q.addBindValue(row.seq);
        q.addBindValue(row.accountId);
        q.addBindValue(o.clientOrderId);
        q.addBindValue(o.symbol);
        q.addBindValue(o.assetId);
        q.addBindValue(o.assetClass);
        q.addBindValue(toWire(o.side));
        q.addBindValue(toWire(o.type));
        q.addBindValue(toWire(o.timeInForce));
        q.addBindValue(toWire(o.orderClass));
        q.addBindValue(toWire(o.status));
        q.addBindValue(decimalOrNull(o.qty));
        q.addBindValue(decimalOrNull(o.notional));
        q.addBindValue(decimalOrNull(o.limitPrice));
        q.addBindValue(o.filledQty.toString());
        q.addBindValue(decimalOrNull(o.filledAvgPrice));
        q.addBindValue(o.extendedHours ? 1 : 0);
        q.addBindValue(textOrNull(o.positionIntent));
        q.addBindValue(o.createdAt.toString());
        q.addBindValue(timeOrNull(o.updatedAt));
        q.addBindValue(timeOrNull(o.submittedAt));
        q.addBindValue(timeOrNull(o.filledAt));
        q.addBindValue(timeOrNull(o.canceledAt));
        q.addBindValue(timeOrNull(o.expiredAt));
        q.addBindValue(timeOrNull(o.failedAt));
        if (auto r = run(); !r)
            return r;
    }

    for (const TransferRow &row : changes.transfers) {
        const Transfer &t = row.transfer;
        q.prepare(
            u"INSERT INTO transfers (id, seq, account_id, type, direction, status, relationship_id, "
            u"currency, "
            "reason, amount, requested_amount, fee, fee_payment_method, created_at, updated_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET status = excluded.status, reason = excluded.reason, "
            "updated_at = excluded.updated_at"_s);
        q.addBindValue(t.id);
        q.addBindValue(row.seq);
        q.addBindValue(t.accountId);
        q.addBindValue(toWire(t.type));
        q.addBindValue(toWire(t.direction));
        q.addBindValue(toWire(t.status));
        q.addBindValue(textOrNull(t.relationshipId));
        q.addBindValue(t.currency);
        q.addBindValue(textOrNull(t.reason));
        q.addBindValue(t.amount.toString());
        q.addBindValue(decimalOrNull(t.requestedAmount));
        q.addBindValue(decimalOrNull(t.fee));
        q.addBindValue(textOrNull(t.feePaymentMethod));
        q.addBindValue(t.createdAt.toString());
        q.addBindValue(timeOrNull(t.updatedAt));
        q.addBindValue(timeOrNull(t.expiresAt));
        if (auto r = run(); !r)
            return r;
    }

    for (const AchRelationship &a : changes.relationships) {
        q.prepare(u"INSERT INTO ach_relationships (id, account_id, status, account_owner_name, "
                  "bank_account_type, account_mask, bank_routing_number, nickname, approval_method, created_at, "
                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT(id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at"_s);
        q.addBindValue(a.id);
        q.addBindValue(a.accountId);
        q.addBindValue(toWire(a.status));
        q.addBindValue(a.accountOwnerName);
        q.addBindValue(a.bankAccountType ? QVariant(toWire(*a.bankAccountType)) : QVariant(QMetaType(QMetaType::QString)));
        q.addBindValue(textOrNull(a.accountMask.right(4)));
        q.addBindValue(textOrNull(a.bankRoutingNumber));
        q.addBindValue(textOrNull(a.nickname));
        q.addBindValue(a.approvalMethod);
        q.addBindValue(a.createdAt.toString());
        q.addBindValue(timeOrNull(a.updatedAt));
        if (auto r = run(); !r)
            return r;
    }
    for (const QString &id : changes.removedRelationships) {
        q.prepare(u"DELETE FROM ach_relationships WHERE id = ?"_s);
        q.addBindValue(id);
        if (auto r = run(); !r)
            return r;
    }
    return Done{};
}

Expected<Done, QString> SimBrokerStore::addEquityPoints(const QList<EquityRow> &rows)
{
    if (!m_db.isOpen())
        return unexpected(u"database is not open"_s);
    if (rows.isEmpty())
        return Done{};
    if (!m_db.transaction())
        return unexpected(describe(m_db.lastError()));
    QSqlQuery q(m_db);
    for (const EquityRow &row : rows) {
        q.prepare(u"INSERT INTO equity_points (account_id, at_ns, equity) VALUES (?, ?, ?) "
                  "ON CONFLICT(account_id, at_ns) DO UPDATE SET equity = excluded.equity"_s);
        q.addBindValue(row.accountId);
        q.addBindValue(qint64(row.at.nanos()));
        q.addBindValue(row.equity.toString());
        if (!q.exec()) {
            const QString message = describe(q.lastError());
            m_db.rollback();
            return unexpected(message);
        }
    }
    if (!m_db.commit()) {
        const QString message = describe(m_db.lastError());
        m_db.rollback();
        return unexpected(message);
    }
    return Done{};
}

Expected<QList<SimBrokerStore::EquityRow>, QString>
SimBrokerStore::equityPoints(const QString &accountId, Timestamp from, Timestamp until) const
{
    if (!m_db.isOpen())
        return unexpected(u"database is not open"_s);
    // Instants are integer nanoseconds here (not RFC 3339 text, whose trimmed fractions do not sort).
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT at_ns, equity FROM ("
              "  SELECT at_ns, equity FROM (SELECT at_ns, equity FROM equity_points "
              "                             WHERE account_id = ? AND at_ns < ? ORDER BY at_ns DESC LIMIT 1) "
              "  UNION ALL "
              "  SELECT at_ns, equity FROM equity_points WHERE account_id = ? AND at_ns >= ? AND at_ns <= ?) "
              "ORDER BY at_ns"_s);
    q.addBindValue(accountId);
    q.addBindValue(qint64(from.nanos()));
    q.addBindValue(accountId);
    q.addBindValue(qint64(from.nanos()));
    q.addBindValue(qint64(until.nanos()));
    if (!q.exec())
        return unexpected(describe(q.lastError()));
    QList<EquityRow> out;
    while (q.next()) {
        RowReader r(q, u"equity_points"_s);
        EquityRow row;
        row.accountId = accountId;
        row.at = Timestamp::fromNanos(r.integer(u"at_ns"_s));
        row.equity = r.decimal(u"equity"_s);
        if (!r.ok())
            return unexpected(r.error());
        out.append(std::move(row));
    }
    return out;
}

} // namespace clera
