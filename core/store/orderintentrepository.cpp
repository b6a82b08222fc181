#include "orderintentrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns = u"id, user_id, account_id, client_order_id, idempotency_key, request, state, "
                         "broker_order_id, error_code, error_message, created_at, updated_at"_s;

OrderIntent::State stateFrom(const QString &text)
{
    if (text == u"submitted")
        return OrderIntent::State::Submitted;
    if (text == u"rejected")
        return OrderIntent::State::Rejected;
    if (text == u"unknown")
        return OrderIntent::State::Unknown;
    return OrderIntent::State::Pending;
}

OrderIntent intentFrom(const QSqlQuery &q)
{
    OrderIntent i;
    i.id = q.value(0).toLongLong();
    i.userId = q.value(1).toString();
    i.accountId = q.value(2).toString();
    i.clientOrderId = q.value(3).toString();
    i.idempotencyKey = q.value(4).toString();
    i.request = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
    i.state = stateFrom(q.value(6).toString());
    i.brokerOrderId = q.value(7).toString();
    i.errorCode = q.value(8).toString();
    i.errorMessage = q.value(9).toString();
    i.createdAt = fromStoreTime(q.value(10));
    i.updatedAt = fromStoreTime(q.value(11));
    return i;
}

} // namespace

QString toString(OrderIntent::State state)
{
    switch (state) {
    case OrderIntent::State::Pending:
        return u"pending"_s;
    case OrderIntent::State::Submitted:
        return u"submitted"_s;
    case OrderIntent::State::Rejected:
        return u"rejected"_s;
    case OrderIntent::State::Unknown:
        break;
    }
    return u"unknown"_s;
}

Expected<OrderIntent, StoreError> OrderIntentRepository::add(OrderIntent intent)
{
    auto q = m_db.exec(
        u"INSERT INTO order_intents (user_id, account_id, client_order_id, idempotency_key, request, state, "
        "broker_order_id, error_code, error_message, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
        {intent.userId, intent.accountId, intent.clientOrderId, bindNullableText(intent.idempotencyKey),
         QString::fromUtf8(QJsonDocument(intent.request).toJson(QJsonDocument::Compact)),
         toString(intent.state), bindNullableText(intent.brokerOrderId), bindNullableText(intent.errorCode),
         bindNullableText(intent.errorMessage), toStoreTime(intent.createdAt),
         toStoreTime(intent.updatedAt)});
    if (!q)
        return unexpected(q.error());
    const auto stored = byClientOrderId(intent.clientOrderId);
    if (!stored)
        return unexpected(stored.error());
    if (!*stored)
        return unexpected(StoreError{StoreError::Kind::Query, u"the new order intent is missing"_s});
    return **stored;
}

Expected<Done, StoreError> OrderIntentRepository::update(const QString &clientOrderId,
                                                         OrderIntent::State state,
                                                         const QString &brokerOrderId,
                                                         const QString &errorCode,
                                                         const QString &errorMessage, const QDateTime &now)
{
    auto q = m_db.exec(u"UPDATE order_intents SET state = ?, broker_order_id = ?, error_code = ?, "
                       "error_message = ?, updated_at = ? WHERE client_order_id = ?"_s,
                       {toString(state), bindNullableText(brokerOrderId), bindNullableText(errorCode),
                        bindNullableText(errorMessage), toStoreTime(now), clientOrderId});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() == 0)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no order intent "_s + clientOrderId});
    return Done{};
}

Expected<std::optional<OrderIntent>, StoreError> OrderIntentRepository::one(const QString &where,
                                                                            const QVariantList &binds) const
{
    auto q = m_db.exec(u"SELECT %1 FROM order_intents WHERE %2"_s.arg(kColumns, where), binds);
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<OrderIntent>();
    return std::optional<OrderIntent>(intentFrom(*q));
}

Expected<std::optional<OrderIntent>, StoreError>
OrderIntentRepository::byIdempotencyKey(const QString &accountId, const QString &key) const
{
    return one(u"account_id = ? AND idempotency_key = ?"_s, {accountId, key});
}

Expected<std::optional<OrderIntent>, StoreError>
OrderIntentRepository::byClientOrderId(const QString &id) const
{
    return one(u"client_order_id = ?"_s, {id});
}

Expected<QList<OrderIntent>, StoreError> OrderIntentRepository::unresolved() const
{
    auto q = m_db.exec(
        u"SELECT %1 FROM order_intents WHERE state IN ('pending', 'unknown') ORDER BY id"_s.arg(kColumns));
    if (!q)
        return unexpected(q.error());
    QList<OrderIntent> out;
    while (q->next())
        out.append(intentFrom(*q));
    return out;
}

} // namespace clera
