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
        out.append({q->value(0).toString(), q->value(1).toString(), q->value(2).toString(),
                    fromStoreTime(q->value(3))});
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
