#include "userrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns = u"id, email, password_hash, email_verified_at, role, created_at, disabled"_s;

UserRecord readUser(const QSqlQuery &q)
{
    UserRecord u;
    u.id = q.value(0).toString();
    u.email = q.value(1).toString();
    u.passwordHash = q.value(2).toString();
    u.emailVerifiedAt = optionalStoreTime(q.value(3));
    u.role = q.value(4).toString();
    u.createdAt = fromStoreTime(q.value(5));
    u.disabled = q.value(6).toBool();
    return u;
}

} // namespace

QString UserRepository::emailKey(const QString &email)
{
    return email.trimmed().toCaseFolded();
}

Expected<UserRecord, StoreError> UserRepository::create(const QString &email, const QString &passwordHash,
                                                        const QString &role, const QDateTime &now)
{
    UserRecord u;
    u.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    u.email = email.trimmed();
    u.passwordHash = passwordHash;
    u.role = role;
    u.createdAt = QDateTime::fromString(toStoreTime(now), Qt::ISODateWithMs).toUTC();
    auto q = m_db.exec(u"INSERT INTO users (id, email, email_key, password_hash, role, created_at, disabled) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)"_s,
                       {u.id, u.email, emailKey(email), passwordHash, role, toStoreTime(now), false});
    if (!q)
        return unexpected(q.error());
    return u;
}

Expected<std::optional<UserRecord>, StoreError> UserRepository::findOne(const QString &column,
                                                                        const QString &value) const
{
    auto q = m_db.exec(u"SELECT %1 FROM users WHERE %2 = ?"_s.arg(kColumns, column), {value});
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<UserRecord>();
    return std::optional<UserRecord>(readUser(*q));
}

Expected<std::optional<UserRecord>, StoreError> UserRepository::findById(const QString &id) const
{
    return findOne(u"id"_s, id);
}

Expected<std::optional<UserRecord>, StoreError> UserRepository::findByEmail(const QString &email) const
{
    return findOne(u"email_key"_s, emailKey(email));
}

Expected<QList<UserRecord>, StoreError> UserRepository::list(int limit, int offset) const
{
    auto q = m_db.exec(u"SELECT %1 FROM users ORDER BY created_at, id LIMIT ? OFFSET ?"_s.arg(kColumns),
                       {limit, offset});
    if (!q)
        return unexpected(q.error());
    QList<UserRecord> users;
    while (q->next())
        users.append(readUser(*q));
    return users;
}

Expected<qint64, StoreError> UserRepository::count() const
{
    auto q = m_db.exec(u"SELECT COUNT(*) FROM users"_s);
    if (!q)
        return unexpected(q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

namespace {

// A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally.
QString containsPattern(const QString &text)
{
    QString escaped = UserRepository::emailKey(text);
    escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
    return u'%' + escaped + u'%';
}

} // namespace

Expected<QList<UserRecord>, StoreError> UserRepository::search(const QString &emailContains, int limit,
                                                               int offset) const
{
    auto q = m_db.exec(u"SELECT %1 FROM users WHERE email_key LIKE ? ESCAPE '\\' "
                       "ORDER BY created_at, id LIMIT ? OFFSET ?"_s.arg(kColumns),
                       {containsPattern(emailContains), limit, offset});
    if (!q)
        return unexpected(q.error());
    QList<UserRecord> users;
    while (q->next())
        users.append(readUser(*q));
    return users;
}

Expected<qint64, StoreError> UserRepository::countMatching(const QString &emailContains) const
{
    auto q = m_db.exec(u"SELECT COUNT(*) FROM users WHERE email_key LIKE ? ESCAPE '\\'"_s,
                       {containsPattern(emailContains)});
    if (!q)
        return unexpected(q.error());
    return q->next() ? q->value(0).toLongLong() : 0;
}

Expected<Done, StoreError> UserRepository::updateOne(const QString &assignment, const QVariant &value,
                                                     const QString &id)
{
    auto q = m_db.exec(u"UPDATE users SET %1 = ? WHERE id = ?"_s.arg(assignment), {value, id});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() != 1)
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no such user"_s});
    return Done{};
}

Expected<Done, StoreError> UserRepository::setPasswordHash(const QString &id, const QString &hash)
{
    return updateOne(u"password_hash"_s, hash, id);
}

Expected<Done, StoreError> UserRepository::markEmailVerified(const QString &id, const QDateTime &at)
{
    return updateOne(u"email_verified_at"_s, toStoreTime(at), id);
}

Expected<Done, StoreError> UserRepository::setRole(const QString &id, const QString &role)
{
    return updateOne(u"role"_s, role, id);
}

Expected<Done, StoreError> UserRepository::setDisabled(const QString &id, bool disabled)
{
    return updateOne(u"disabled"_s, disabled, id);
}

Expected<bool, StoreError> UserRepository::replacePasswordHash(const QString &id, const QString &expected,
                                                               const QString &hash)
{
    auto q = m_db.exec(u"UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?"_s,
                       {hash, id, expected});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected() == 1;
}

Expected<bool, StoreError> UserRepository::disableKeepingAnOperator(const QString &id)
{
    const auto found = findById(id);
    if (!found)
        return unexpected(found.error());
    if (!found->has_value())
        return unexpected(StoreError{StoreError::Kind::NotFound, u"no such user"_s});
    // On PostgreSQL (READ COMMITTED, possibly several api processes) two operators disabling each other at
    // once would each still see the other enabled: lock the enabled operators first, so the second waits
    // for the first to commit and its statement below then sees the change. Callers run this inside a
    // transaction; SQLite serialises writers anyway.
    if (m_db.engine() == Database::Engine::Postgres) {
        if (auto locked = m_db.exec(u"SELECT id FROM users WHERE role = 'operator' AND disabled = ? FOR UPDATE"_s,
                                    {false});
            !locked)
            return unexpected(locked.error());
    }
    // One statement, so the check and the change see the same rows.
    auto q = m_db.exec(u"UPDATE users SET disabled = ? WHERE id = ? AND (role <> 'operator' OR EXISTS "
                       "(SELECT 1 FROM users AS other WHERE other.role = 'operator' AND other.disabled = ? "
                       "AND other.id <> ?))"_s,
                       {true, id, false, id});
    if (!q)
        return unexpected(q.error());
    return q->numRowsAffected() == 1;
}

} // namespace clera
