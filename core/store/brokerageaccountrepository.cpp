#include "brokerageaccountrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

Expected<Done, StoreError> BrokerageAccountRepository::add(const QString &userId,
                                                           const QString &brokerAccountId,
                                                           const QString &broker, const QDateTime &now)
{
    // Looked up first so the common idempotent case does not abort a PostgreSQL transaction; the
    // unique key still decides races.
    const auto owner = ownerOf(brokerAccountId);
    if (!owner)
        return unexpected(owner.error());
    if (*owner == userId)
        return Done{};
    if (!owner->isEmpty())
        return unexpected(StoreError{StoreError::Kind::Conflict,
                                     u"account %1 already belongs to another user"_s.arg(brokerAccountId)});
    auto q = m_db.exec(u"INSERT INTO brokerage_accounts (user_id, broker_account_id, broker, created_at) "
                       "VALUES (?, ?, ?, ?)"_s,
                       {userId, brokerAccountId, broker, toStoreTime(now)});
    if (!q)
        return unexpected(q.error());
    return Done{};
}

Expected<QList<BrokerageAccountRecord>, StoreError>
BrokerageAccountRepository::recordsOf(const QString &userId) const
{
    auto q = m_db.exec(u"SELECT user_id, broker_account_id, broker, created_at FROM brokerage_accounts "
                       "WHERE user_id = ? ORDER BY id"_s,
                       {userId});
    if (!q)
        return unexpected(q.error());
    QList<BrokerageAccountRecord> out;
    while (q->next())
        out.append({q->value(0).toString(),
                    q->value(1).toString(),
                    q->value(2).toString(),
                    fromStoreTime(q->value(3)),
                    {}});
    return out;
}

Expected<QList<BrokerageAccountRecord>, StoreError> BrokerageAccountRepository::list(int limit,
                                                                                     int offset) const
{
    auto q = m_db.exec(u"SELECT a.user_id, a.broker_account_id, a.broker, a.created_at, u.email "
                       "FROM brokerage_accounts AS a JOIN users AS u ON u.id = a.user_id "
                       "ORDER BY a.id LIMIT ? OFFSET ?"_s,
                       {limit, offset});
    if (!q)
        return unexpected(q.error());
    QList<BrokerageAccountRecord> out;
    while (q->next())
        out.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                    fromStoreTime(q->value(3)), q->value(4).toString()});
    return out;
}

Expected<qint64, StoreError> BrokerageAccountRepository::count() const
{
    auto q = m_db.exec(u"SELECT COUNT(*) FROM brokerage_accounts"_s);
    if (!q)
        return unexpected(q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

Expected<QHash<QString, QList<BrokerageAccountRecord>>, StoreError>
BrokerageAccountRepository::recordsOfUsers(const QStringList &userIds) const
{
    QHash<QString, QList<BrokerageAccountRecord>> out;
    if (userIds.isEmpty())
        return out;
    QStringList marks;
    QVariantList binds;
    for (const QString &id : userIds) {
        marks.append(u"?"_s);
        binds.append(id);
    }
    auto q = m_db.exec(u"SELECT user_id, broker_account_id, broker, created_at FROM brokerage_accounts "
                       "WHERE user_id IN (%1) ORDER BY id"_s.arg(marks.join(u", "_s)),
                       binds);
    if (!q)
        return unexpected(q.error());
    while (q->next())
        out[q->value(0).toString()].append({q->value(0).toString(),
                                            q->value(1).toString(),
                                            q->value(2).toString(),
                                            fromStoreTime(q->value(3)),
                                            {}});
    return out;
}

Expected<QStringList, StoreError> BrokerageAccountRepository::accountsOf(const QString &userId) const
{
    const auto records = recordsOf(userId);
    if (!records)
        return unexpected(records.error());
    QStringList ids;
    for (const BrokerageAccountRecord &r : *records)
        ids.append(r.brokerAccountId);
    return ids;
}

Expected<QString, StoreError> BrokerageAccountRepository::ownerOf(const QString &brokerAccountId) const
{
    auto q =
        m_db.exec(u"SELECT user_id FROM brokerage_accounts WHERE broker_account_id = ?"_s, {brokerAccountId});
    if (!q)
        return unexpected(q.error());
    return q->next() ? q->value(0).toString() : QString();
}

} // namespace clera
