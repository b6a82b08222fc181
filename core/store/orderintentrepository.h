#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

// An order as it was asked for, stored with its client_order_id before the broker sees it, so a
// crash between the two can be reconciled without ever sending the order twice.
struct OrderIntent
{
    enum class State { Pending, Submitted, Rejected, Unknown };

    qint64 id = 0;
    QString userId;
    QString accountId;
    QString clientOrderId;
    QString idempotencyKey; // the client's retry key; empty when none was given
    QJsonObject request;    // the OrderRequest as Alpaca's body, with client_order_id
    State state = State::Pending;
    QString brokerOrderId;
    QString errorCode;
    QString errorMessage;
    QDateTime createdAt;
    QDateTime updatedAt;
};

[[nodiscard]] QString toString(OrderIntent::State state);

// The order_intents table.
class OrderIntentRepository
{
public:
    explicit OrderIntentRepository(Database &db) : m_db(db) {}

    // Stores a new intent (its id is assigned); Conflict when the client_order_id or the account's
    // idempotency key is taken.
    [[nodiscard]] Expected<OrderIntent, StoreError> add(OrderIntent intent);
    // Records the outcome of a submission.
    [[nodiscard]] Expected<Done, StoreError> update(const QString &clientOrderId, OrderIntent::State state,
                                                    const QString &brokerOrderId, const QString &errorCode,
                                                    const QString &errorMessage, const QDateTime &now);
    [[nodiscard]] Expected<std::optional<OrderIntent>, StoreError> byIdempotencyKey(const QString &accountId,
                                                                                    const QString &key) const;
    [[nodiscard]] Expected<std::optional<OrderIntent>, StoreError> byClientOrderId(const QString &id) const;
    // Intents whose outcome is not known (pending or unknown), oldest first.
    [[nodiscard]] Expected<QList<OrderIntent>, StoreError> unresolved() const;

private:
    [[nodiscard]] Expected<std::optional<OrderIntent>, StoreError> one(const QString &where,
                                                                       const QVariantList &binds) const;

    Database &m_db;
};

} // namespace clera
