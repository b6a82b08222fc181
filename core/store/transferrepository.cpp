#include "transferrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns = u"id, user_id, account_id, idempotency_key, link_id, relationship_id, direction, "
                         "amount, state, broker_transfer_id, status, error_code, error_message, created_at, "
                         "updated_at"_s;

TransferRecord::State stateFrom(const QString &text)
{
    if (text == u"submitted")
        return TransferRecord::State::Submitted;
    if (text == u"rejected")
        return TransferRecord::State::Rejected;
    if (text == u"unknown")
        return TransferRecord::State::Unknown;
    if (text == u"not_sent")
        return TransferRecord::State::NotSent;
    return TransferRecord::State::Pending;
}

TransferRecord transferFrom(const QSqlQuery &q)
{
    TransferRecord t;
    t.id = q.value(0).toString();
    t.userId = q.value(1).toString();
    t.accountId = q.value(2).toString();
    t.idempotencyKey = q.value(3).toString();
    t.linkId = q.value(4).toString();
    t.relationshipId = q.value(5).toString();
    t.direction = transferDirectionFromWire(q.value(6).toString());
    t.amount = Decimal::parse(q.value(7).toString()).valueOr(Decimal());
    t.state = stateFrom(q.value(8).toString());
    t.brokerTransferId = q.value(9).toString();
    t.status = transferStatusFromWire(q.value(10).toString());
    t.errorCode = q.value(11).toString();
    t.errorMessage = q.value(12).toString();
    t.createdAt = fromStoreTime(q.value(13));
    t.updatedAt = fromStoreTime(q.value(14));
    return t;
}

} // namespace

bool failedOrCanceled(TransferStatus s)
{
    return s == TransferStatus::Rejected || s == TransferStatus::Canceled || s == TransferStatus::Returned ||
           s == TransferStatus::Expired;
}

bool TransferRecord::countsTowardDailyLimit() const
{
    return state == State::Pending || state == State::Unknown ||
           (state == State::Submitted && !failedOrCanceled(status));
}

QString toString(TransferRecord::State state)
{
    switch (state) {
    case TransferRecord::State::Pending:
        return u"pending"_s;
    case TransferRecord::State::Submitted:
        return u"submitted"_s;
    case TransferRecord::State::Rejected:
        return u"rejected"_s;
    case TransferRecord::State::NotSent:
        return u"not_sent"_s;
    case TransferRecord::State::Unknown:
        break;
    }
    return u"unknown"_s;
}

Expected<TransferRecord, StoreError> TransferRepository::add(const TransferRecord &t)
{
    auto q = m_db.exec(
        u"INSERT INTO transfers (%1, daily_slot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(
            kColumns),
        {t.id, t.userId, t.accountId, t.idempotencyKey, t.linkId, t.relationshipId, toWire(t.direction),
         t.amount.toString(), toString(t.state), bindNullableText(t.brokerTransferId), toWire(t.status),
         bindNullableText(t.errorCode), bindNullableText(t.errorMessage), toStoreTime(t.createdAt),
         toStoreTime(t.updatedAt),
         bindNullableText(t.limitDay.isValid() && t.countsTowardDailyLimit() ? t.limitDay.toString(Qt::ISODate)
                                                                             : QString())});
    if (!q)
        return unexpected(q.error());
    const auto stored = byId(t.accountId, t.id);
    if (!stored)
        return unexpected(stored.error());
    if (!*stored)
        return unexpected(StoreError{StoreError::Kind::Query, u"the new transfer is missing"_s});
    return **stored;
}

Expected<Done, StoreError> TransferRepository::settle(const QString &id, TransferRecord::State state,
                                                      const QString &brokerTransferId, TransferStatus status,
                                                      const QString &errorCode, const QString &errorMessage,
                                                      const QDateTime &now)
{
    TransferRecord after;
    after.state = state;
    after.status = status;
    // A transfer that stops counting gives its day back (a refused one does not use up the day).
    auto q = m_db.exec(u"UPDATE transfers SET state = ?, broker_transfer_id = ?, status = ?, error_code = ?, "
                       "error_message = ?, updated_at = ?, "
                       "daily_slot = CASE WHEN ? THEN daily_slot ELSE NULL END WHERE id = ?"_s,
                       {toString(state), bindNullableText(brokerTransferId), toWire(status),
                        bindNullableText(errorCode), bindNullableText(errorMessage), toStoreTime(now),
                        after.countsTowardDailyLimit(), id});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() == 0)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no transfer "_s + id});
    return Done{};
}

Expected<Done, StoreError> TransferRepository::setStatus(const QString &id, TransferStatus status,
                                                         const QDateTime &now)
{
    // Pending and unknown transfers count whatever the status says (the broker may have them).
    auto q = m_db.exec(u"UPDATE transfers SET status = ?, updated_at = ?, daily_slot = CASE WHEN state IN "
                       "('pending', 'unknown') OR NOT ? THEN daily_slot ELSE NULL END WHERE id = ?"_s,
                       {toWire(status), toStoreTime(now), failedOrCanceled(status), id});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() == 0)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no transfer "_s + id});
    return Done{};
}

Expected<std::optional<TransferRecord>, StoreError> TransferRepository::holderOfDay(const QString &accountId,
                                                                                    const QDate &day) const
{
    return one(u"account_id = ? AND daily_slot = ?"_s, {accountId, day.toString(Qt::ISODate)});
}

Expected<std::optional<TransferRecord>, StoreError> TransferRepository::one(const QString &where,
                                                                            const QVariantList &binds) const
{
    auto q = m_db.exec(u"SELECT %1 FROM transfers WHERE %2"_s.arg(kColumns, where), binds);
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<TransferRecord>();
    return std::optional<TransferRecord>(transferFrom(*q));
}

Expected<QList<TransferRecord>, StoreError> TransferRepository::many(const QString &where,
                                                                     const QVariantList &binds) const
{
    auto q = m_db.exec(u"SELECT %1 FROM transfers WHERE %2"_s.arg(kColumns, where), binds);
    if (!q)
        return unexpected(q.error());
    QList<TransferRecord> out;
    while (q->next())
        out.append(transferFrom(*q));
    return out;
}

Expected<std::optional<TransferRecord>, StoreError> TransferRepository::byId(const QString &accountId,
                                                                             const QString &id) const
{
    return one(u"account_id = ? AND id = ?"_s, {accountId, id});
}

Expected<std::optional<TransferRecord>, StoreError>
TransferRepository::byIdempotencyKey(const QString &accountId, const QString &key) const
{
    return one(u"account_id = ? AND idempotency_key = ?"_s, {accountId, key});
}

Expected<std::optional<TransferRecord>, StoreError>
TransferRepository::byBrokerTransferId(const QString &brokerTransferId) const
{
    return one(u"broker_transfer_id = ?"_s, {brokerTransferId});
}

Expected<QList<TransferRecord>, StoreError> TransferRepository::ofAccount(const QString &accountId,
                                                                          const QDateTime &since) const
{
    if (since.isValid())
        return many(u"account_id = ? AND created_at >= ? ORDER BY created_at DESC, id"_s,
                    {accountId, toStoreTime(since)});
    return many(u"account_id = ? ORDER BY created_at DESC, id"_s, {accountId});
}

Expected<QStringList, StoreError> TransferRepository::accountsWithOpenTransfers() const
{
    auto q = m_db.exec(
        u"SELECT DISTINCT account_id FROM transfers WHERE state = 'submitted' AND status NOT IN "
        "('COMPLETE', 'SETTLED', 'REJECTED', 'CANCELED', 'RETURNED', 'EXPIRED') ORDER BY account_id"_s);
    if (!q)
        return unexpected(q.error());
    QStringList out;
    while (q->next())
        out.append(q->value(0).toString());
    return out;
}

Expected<QList<TransferRecord>, StoreError> TransferRepository::unresolved() const
{
    return many(u"state IN ('pending', 'unknown') ORDER BY created_at, id"_s, {});
}

} // namespace clera
