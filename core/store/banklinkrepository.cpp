#include "banklinkrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns =
    u"id, user_id, account_id, relationship_id, method, owner_name, account_type, "
    "account_last4, routing_number, nickname, status, created_at, updated_at, removed_at"_s;

BankLinkRecord linkFrom(const QSqlQuery &q)
{
    BankLinkRecord l;
    l.id = q.value(0).toString();
    l.userId = q.value(1).toString();
    l.accountId = q.value(2).toString();
    l.relationshipId = q.value(3).toString();
    l.method = q.value(4).toString();
    l.ownerName = q.value(5).toString();
    l.accountType = q.value(6).toString();
    l.accountLast4 = q.value(7).toString();
    l.routingNumber = q.value(8).toString();
    l.nickname = q.value(9).toString();
    l.status = q.value(10).toString();
    l.createdAt = fromStoreTime(q.value(11));
    l.updatedAt = fromStoreTime(q.value(12));
    l.removedAt = optionalStoreTime(q.value(13));
    return l;
}

} // namespace

Expected<BankLinkRecord, StoreError> BankLinkRepository::add(const BankLinkRecord &l)
{
    if (l.accountLast4.size() > 4)
        return unexpected(
            StoreError{StoreError::Kind::Invalid, u"only the last four digits may be stored"_s});
    auto q = m_db.exec(
        u"INSERT INTO bank_links (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(kColumns),
        {l.id, l.userId, l.accountId, l.relationshipId, l.method, bindText(l.ownerName),
         bindText(l.accountType), bindText(l.accountLast4), bindText(l.routingNumber), bindText(l.nickname),
         bindText(l.status), toStoreTime(l.createdAt), toStoreTime(l.updatedAt), bindStoreTime(l.removedAt)});
    if (!q)
        return unexpected(q.error());
    const auto stored = byId(l.accountId, l.id);
    if (!stored)
        return unexpected(stored.error());
    if (!*stored)
        return unexpected(StoreError{StoreError::Kind::Query, u"the new bank link is missing"_s});
    return **stored;
}

Expected<std::optional<BankLinkRecord>, StoreError> BankLinkRepository::one(const QString &where,
                                                                            const QVariantList &binds) const
{
    auto q = m_db.exec(u"SELECT %1 FROM bank_links WHERE %2"_s.arg(kColumns, where), binds);
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<BankLinkRecord>();
    return std::optional<BankLinkRecord>(linkFrom(*q));
}

Expected<std::optional<BankLinkRecord>, StoreError> BankLinkRepository::byId(const QString &accountId,
                                                                             const QString &id) const
{
    return one(u"account_id = ? AND id = ?"_s, {accountId, id});
}

Expected<std::optional<BankLinkRecord>, StoreError>
BankLinkRepository::byRelationshipId(const QString &relationshipId) const
{
    return one(u"relationship_id = ?"_s, {relationshipId});
}

Expected<QList<BankLinkRecord>, StoreError> BankLinkRepository::activeOf(const QString &accountId) const
{
    auto q = m_db.exec(u"SELECT %1 FROM bank_links WHERE account_id = ? AND removed_at IS NULL "
                       "ORDER BY created_at, id"_s.arg(kColumns),
                       {accountId});
    if (!q)
        return unexpected(q.error());
    QList<BankLinkRecord> out;
    while (q->next())
        out.append(linkFrom(*q));
    return out;
}

Expected<Done, StoreError> BankLinkRepository::setStatus(const QString &id, const QString &status,
                                                         const QDateTime &now)
{
    auto q = m_db.exec(u"UPDATE bank_links SET status = ?, updated_at = ? WHERE id = ?"_s,
                       {status, toStoreTime(now), id});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() == 0)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no bank link "_s + id});
    return Done{};
}

Expected<Done, StoreError> BankLinkRepository::markRemoved(const QString &id, const QDateTime &now)
{
    auto q = m_db.exec(
        u"UPDATE bank_links SET removed_at = ?, updated_at = ? WHERE id = ? AND removed_at IS NULL"_s,
        {toStoreTime(now), toStoreTime(now), id});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() == 0)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no active bank link "_s + id});
    return Done{};
}

} // namespace clera
