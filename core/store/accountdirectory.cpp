#include "accountdirectory.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcStore, "clera.store")

namespace clera {

namespace {

// Each entry moves the schema one version up; applied in one transaction with the version bump.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> all = {
        {
            u"CREATE TABLE account_owners (account_id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, "
            "created_at TEXT NOT NULL)"_s,
            u"CREATE INDEX account_owners_by_user ON account_owners (user_id)"_s,
            u"CREATE TABLE users (user_id TEXT PRIMARY KEY NOT NULL, "
            "role TEXT NOT NULL CHECK (role IN ('user', 'operator')))"_s,
        },
    };
    return all;
}

QString describe(const QSqlQuery &q)
{
    return q.lastError().text();
}

Unexpected<QString> notOpen()
{
    return unexpected(u"account directory is not open"_s);
}

} // namespace

AccountDirectory::AccountDirectory(QString databasePath) : m_path(std::move(databasePath))
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = u"clera.accountdirectory.%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

AccountDirectory::~AccountDirectory()
{
    if (!m_db.isValid())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Expected<Done, QString> AccountDirectory::open()
{
    if (m_open)
        return Done{};
    if (!m_db.isValid())
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    m_db.setDatabaseName(m_path);
    m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    if (!m_db.open())
        return unexpected(u"cannot open %1: %2"_s.arg(m_path, m_db.lastError().text()));
    QSqlQuery q(m_db);
    if (!q.exec(u"PRAGMA journal_mode=WAL"_s) || !q.exec(u"PRAGMA synchronous=NORMAL"_s)) {
        const QString error = describe(q);
        m_db.close();
        return unexpected(u"cannot configure %1: %2"_s.arg(m_path, error));
    }
    if (auto migrated = migrate(); !migrated) {
        m_db.close();
        return migrated;
    }
    m_open = true;
    return Done{};
}

Expected<Done, QString> AccountDirectory::migrate()
{
    QSqlQuery q(m_db);
    if (!q.exec(u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s))
        return unexpected(u"cannot create schema_version: "_s + describe(q));
    if (!q.exec(u"SELECT version FROM schema_version"_s))
        return unexpected(u"cannot read schema_version: "_s + describe(q));
    int version = q.next() ? q.value(0).toInt() : 0;
    if (version > int(migrations().size()))
        return unexpected(
            u"%1 has schema version %2, newer than this program (%3)"_s.arg(m_path).arg(version).arg(
                migrations().size()));
    for (; version < int(migrations().size()); ++version) {
        if (!m_db.transaction())
            return unexpected(u"cannot start a transaction: "_s + m_db.lastError().text());
        for (const QString &statement : migrations()[version]) {
            if (!q.exec(statement)) {
                const QString error = describe(q);
                m_db.rollback();
                return unexpected(u"migration to version %1 failed: %2"_s.arg(version + 1).arg(error));
            }
        }
        q.prepare(version > 0 ? u"UPDATE schema_version SET version = ?"_s
                              : u"INSERT INTO schema_version (version) VALUES (?)"_s);
        q.addBindValue(version + 1);
        if (!q.exec() || !m_db.commit()) {
            const QString error = describe(q);
            m_db.rollback();
            return unexpected(u"cannot record schema version %1: %2"_s.arg(version + 1).arg(error));
        }
        qCInfo(lcStore) << "account directory migrated to schema version" << version + 1;
    }
    return Done{};
}

bool AccountDirectory::ping() const
{
    if (!m_open)
        return false;
    QSqlQuery q(m_db);
    return q.exec(u"SELECT 1"_s) && q.next();
}

Expected<int, QString> AccountDirectory::schemaVersion() const
{
    if (!m_open)
        return notOpen();
    QSqlQuery q(m_db);
    if (!q.exec(u"SELECT version FROM schema_version"_s) || !q.next())
        return unexpected(u"cannot read schema_version: "_s + describe(q));
    return q.value(0).toInt();
}

Expected<Done, QString> AccountDirectory::addOwner(const QString &userId, const QString &accountId)
{
    if (!m_open)
        return notOpen();
    if (userId.isEmpty() || accountId.isEmpty())
        return unexpected(u"user and account ids must not be empty"_s);
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO account_owners (account_id, user_id, created_at) VALUES (?, ?, ?) "
              "ON CONFLICT (account_id) DO NOTHING"_s);
    q.addBindValue(accountId);
    q.addBindValue(userId);
    q.addBindValue(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    if (!q.exec())
        return unexpected(u"cannot record the owner of %1: %2"_s.arg(accountId, describe(q)));
    const auto owner = ownerOf(accountId);
    if (!owner)
        return unexpected(owner.error());
    if (*owner != userId)
        return unexpected(u"account %1 already has another owner"_s.arg(accountId));
    return Done{};
}

Expected<QStringList, QString> AccountDirectory::accountsOf(const QString &userId) const
{
    if (!m_open)
        return notOpen();
    QSqlQuery q(m_db);
    q.prepare(u"SELECT account_id FROM account_owners WHERE user_id = ? ORDER BY rowid"_s);
    q.addBindValue(userId);
    if (!q.exec())
        return unexpected(u"cannot list the accounts of a user: "_s + describe(q));
    QStringList ids;
    while (q.next())
        ids.append(q.value(0).toString());
    return ids;
}

Expected<QString, QString> AccountDirectory::ownerOf(const QString &accountId) const
{
    if (!m_open)
        return notOpen();
    QSqlQuery q(m_db);
    q.prepare(u"SELECT user_id FROM account_owners WHERE account_id = ?"_s);
    q.addBindValue(accountId);
    if (!q.exec())
        return unexpected(u"cannot look up the owner of %1: %2"_s.arg(accountId, describe(q)));
    return q.next() ? q.value(0).toString() : QString();
}

bool AccountDirectory::owns(const QString &userId, const QString &accountId) const
{
    const auto owner = ownerOf(accountId);
    return owner && !owner->isEmpty() && *owner == userId;
}

Expected<Done, QString> AccountDirectory::setUserRole(const QString &userId, const QString &role)
{
    if (!m_open)
        return notOpen();
    if (userId.isEmpty())
        return unexpected(u"user id must not be empty"_s);
    QSqlQuery q(m_db);
    q.prepare(
        u"INSERT INTO users (user_id, role) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET role = excluded.role"_s);
    q.addBindValue(userId);
    q.addBindValue(role);
    if (!q.exec())
        return unexpected(u"cannot record the role of %1: %2"_s.arg(userId, describe(q)));
    return Done{};
}

Expected<QString, QString> AccountDirectory::userRole(const QString &userId) const
{
    if (!m_open)
        return notOpen();
    QSqlQuery q(m_db);
    q.prepare(u"SELECT role FROM users WHERE user_id = ?"_s);
    q.addBindValue(userId);
    if (!q.exec())
        return unexpected(u"cannot look up the role of %1: %2"_s.arg(userId, describe(q)));
    return q.next() ? q.value(0).toString() : QString();
}

} // namespace clera
