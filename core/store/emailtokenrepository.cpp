#include "emailtokenrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

QString toString(EmailTokenPurpose purpose)
{
    return purpose == EmailTokenPurpose::VerifyEmail ? u"verify_email"_s : u"reset_password"_s;
}

Expected<Done, StoreError> EmailTokenRepository::create(const EmailTokenRecord &t)
{
    auto q = m_db.exec(
        u"INSERT INTO email_tokens (id, user_id, purpose, token_hash, created_at, expires_at, used_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
        {t.id, t.userId, toString(t.purpose), t.tokenHash, toStoreTime(t.createdAt), toStoreTime(t.expiresAt),
         bindStoreTime(t.usedAt)});
    if (!q)
        return unexpected(q.error());
    return Done{};
}

Expected<std::optional<EmailTokenRecord>, StoreError>
EmailTokenRepository::findByHash(const QString &hash, EmailTokenPurpose purpose) const
{
    auto q = m_db.exec(u"SELECT id, user_id, token_hash, created_at, expires_at, used_at FROM email_tokens "
                       "WHERE token_hash = ? AND purpose = ?"_s,
                       {hash, toString(purpose)});
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<EmailTokenRecord>();
    EmailTokenRecord t;
    t.id = q->value(0).toString();
    t.userId = q->value(1).toString();
    t.purpose = purpose;
    t.tokenHash = q->value(2).toString();
    t.createdAt = fromStoreTime(q->value(3));
    t.expiresAt = fromStoreTime(q->value(4));
    t.usedAt = optionalStoreTime(q->value(5));
    return std::optional<EmailTokenRecord>(t);
}

Expected<bool, StoreError> EmailTokenRepository::consume(const QString &id, const QDateTime &at)
{
    auto q = m_db.exec(u"UPDATE email_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL"_s,
                       {toStoreTime(at), id});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected() == 1;
}

Expected<int, StoreError> EmailTokenRepository::invalidateAll(const QString &userId,
                                                              EmailTokenPurpose purpose, const QDateTime &at)
{
    auto q = m_db.exec(
        u"UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL"_s,
        {toStoreTime(at), userId, toString(purpose)});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected();
}

Expected<int, StoreError> EmailTokenRepository::purgeExpired(const QDateTime &before)
{
    auto q = m_db.exec(u"DELETE FROM email_tokens WHERE expires_at < ?"_s, {toStoreTime(before)});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected();
}

} // namespace clera
