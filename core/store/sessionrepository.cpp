#include "sessionrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns =
    u"id, user_id, family_id, token_hash, created_at, expires_at, revoked_at, replaced_by, ip, user_agent"_s;

SessionRecord readSession(const QSqlQuery &q)
{
    SessionRecord s;
    s.id = q.value(0).toString();
    s.userId = q.value(1).toString();
    s.familyId = q.value(2).toString();
    s.tokenHash = q.value(3).toString();
    s.createdAt = fromStoreTime(q.value(4));
    s.expiresAt = fromStoreTime(q.value(5));
    s.revokedAt = optionalStoreTime(q.value(6));
    s.replacedBy = q.value(7).toString();
    s.ip = q.value(8).toString();
    s.userAgent = q.value(9).toString();
    return s;
}

} // namespace

Expected<Done, StoreError> SessionRepository::create(const SessionRecord &s)
{
    auto q = m_db.exec(u"INSERT INTO sessions (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s.arg(kColumns),
                       {s.id, s.userId, s.familyId, s.tokenHash, toStoreTime(s.createdAt),
                        toStoreTime(s.expiresAt), bindStoreTime(s.revokedAt), bindNullableText(s.replacedBy),
                        bindText(s.ip), bindText(s.userAgent)});
    if (!q)
        return unexpected(q.error());
    return Done{};
}

Expected<std::optional<SessionRecord>, StoreError> SessionRepository::findOne(const QString &column,
                                                                              const QString &value) const
{
    auto q = m_db.exec(u"SELECT %1 FROM sessions WHERE %2 = ?"_s.arg(kColumns, column), {value});
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(readSession(*q));
}

Expected<std::optional<SessionRecord>, StoreError> SessionRepository::findById(const QString &id) const
{
    return findOne(u"id"_s, id);
}

Expected<std::optional<SessionRecord>, StoreError>
SessionRepository::findByTokenHash(const QString &hash) const
{
    return findOne(u"token_hash"_s, hash);
}

Expected<QList<SessionRecord>, StoreError>
SessionRepository::listForUser(const QString &userId, bool activeOnly, const QDateTime &now) const
{
    const QString filter =
        activeOnly ? u" AND revoked_at IS NULL AND replaced_by IS NULL AND expires_at > ?"_s : QString();
    QVariantList binds{userId};
    if (activeOnly)
        binds.append(toStoreTime(now));
    auto q = m_db.exec(
        u"SELECT %1 FROM sessions WHERE user_id = ?%2 ORDER BY created_at DESC, id"_s.arg(kColumns, filter),
        binds);
    if (!q)
        return unexpected(q.error());
    QList<SessionRecord> sessions;
    while (q->next())
        sessions.append(readSession(*q));
    return sessions;
}

Expected<qint64, StoreError> SessionRepository::countActive(const QDateTime &now) const
{
    auto q = m_db.exec(u"SELECT COUNT(*) FROM sessions "
                       "WHERE revoked_at IS NULL AND replaced_by IS NULL AND expires_at > ?"_s,
                       {toStoreTime(now)});
    if (!q)
        return unexpected(q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

Expected<bool, StoreError> SessionRepository::markReplaced(const QString &id, const QString &replacementId,
                                                           const QDateTime &at)
{
    auto q = m_db.exec(u"UPDATE sessions SET replaced_by = ?, revoked_at = ? "
                       "WHERE id = ? AND replaced_by IS NULL AND revoked_at IS NULL"_s,
                       {replacementId, toStoreTime(at), id});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected() == 1;
}

Expected<int, StoreError> SessionRepository::revokeWhere(const QString &column, const QString &value,
                                                         const QDateTime &at)
{
    auto q =
        m_db.exec(u"UPDATE sessions SET revoked_at = ? WHERE %1 = ? AND revoked_at IS NULL"_s.arg(column),
                  {toStoreTime(at), value});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected();
}

Expected<int, StoreError> SessionRepository::purgeExpired(const QDateTime &before)
{
    auto q = m_db.exec(u"DELETE FROM sessions WHERE expires_at < ?"_s, {toStoreTime(before)});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected();
}

Expected<int, StoreError> SessionRepository::revoke(const QString &id, const QDateTime &at)
{
    return revokeWhere(u"id"_s, id, at);
}

Expected<int, StoreError> SessionRepository::revokeFamily(const QString &familyId, const QDateTime &at)
{
    return revokeWhere(u"family_id"_s, familyId, at);
}

Expected<int, StoreError> SessionRepository::revokeAllForUser(const QString &userId, const QDateTime &at)
{
    return revokeWhere(u"user_id"_s, userId, at);
}

} // namespace clera
