#include "database.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QThread>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcDatabase, "clera.store")

namespace clera {

namespace {

Unexpected<StoreError> failure(StoreError::Kind kind, const QString &message)
{
    return unexpected(StoreError{kind, message});
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

Database::Database(Engine engine, QString connectionName, QString description)
    : m_engine(engine), m_connectionName(std::move(connectionName)), m_description(std::move(description))
{}

Database::~Database()
{
    if (!m_db.isValid())
        return;
    if (m_depth > 0)
        m_db.rollback();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Expected<std::unique_ptr<Database>, StoreError> Database::open(const QString &location,
                                                               const QList<Migration> &migrations)
{
    const auto url = DatabaseUrl::parse(location);
    if (!url)
        return unexpected(url.error());
    return open(*url, migrations);
}

Expected<std::unique_ptr<Database>, StoreError> Database::open(const DatabaseUrl &url,
                                                               const QList<Migration> &migrations)
{
    static QAtomicInteger<quint64> counter;
    const QString name = u"clera.store.%1"_s.arg(counter.fetchAndAddRelaxed(1));
    std::unique_ptr<Database> db(new Database(url.engine, name, url.redacted()));
    if (auto connected = db->connect(url); !connected)
        return unexpected(connected.error());
    if (auto migrated = db->migrate(migrations); !migrated)
        return unexpected(migrated.error());
    return db;
}

Expected<Done, StoreError> Database::connect(const DatabaseUrl &url)
{
    if (m_engine == Engine::Sqlite) {
        if (!QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
            return failure(StoreError::Kind::Unavailable,
                           u"the Qt SQLite driver (QSQLITE) is not installed"_s);
        const QFileInfo file(url.path);
        if (!QDir().mkpath(file.absolutePath()))
            return failure(StoreError::Kind::Unavailable, u"cannot create the folder of %1"_s.arg(url.path));
        m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        m_db.setDatabaseName(url.path);
        m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
    } else {
        if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
            return failure(StoreError::Kind::Unavailable,
                           u"the Qt PostgreSQL driver (QPSQL, package libqt6sql6-psql) is not installed"_s);
        m_db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_connectionName);
        m_db.setHostName(url.host);
        if (url.port)
            m_db.setPort(*url.port);
        m_db.setUserName(url.user);
        m_db.setPassword(url.password);
        m_db.setDatabaseName(url.database);
        m_db.setConnectOptions(url.options.join(u';'));
    }
    if (auto opened = openConnection(); !opened)
        return opened;
    if (m_engine == Engine::Sqlite)
        QFile::setPermissions(url.path, QFile::ReadOwner | QFile::WriteOwner);
    return Done{};
}

Expected<Done, StoreError> Database::openConnection() const
{
    if (!m_db.open())
        return failure(StoreError::Kind::Unavailable,
                       u"cannot open %1: %2"_s.arg(m_description, m_db.lastError().text()));
    const QStringList setup = m_engine == Engine::Sqlite
                                  ? QStringList{u"PRAGMA foreign_keys = ON"_s, u"PRAGMA journal_mode = WAL"_s,
                                                u"PRAGMA synchronous = NORMAL"_s}
                                  : QStringList{u"SET client_min_messages = warning"_s};
    for (const QString &statement : setup) {
        QSqlQuery q(m_db);
        // Switching a new SQLite file to WAL needs an exclusive lock, and SQLite reports BUSY at once
        // (without its busy handler) while another connection creates the same file; the race lasts
        // only for that first creation, so wait it out here, bounded like the busy timeout.
        bool ok = q.exec(statement);
        for (int attempt = 0;
             !ok && m_engine == Engine::Sqlite && attempt < 250 && q.lastError().nativeErrorCode() == u"5";
             ++attempt) {
            QThread::msleep(20);
            ok = q.exec(statement);
        }
        if (!ok)
            return failure(StoreError::Kind::Unavailable,
                           u"cannot configure %1: %2"_s.arg(m_description, q.lastError().text()));
    }
    return Done{};
}

bool Database::ping() const
{
    QSqlQuery q(m_db);
    return m_db.isOpen() && q.exec(u"SELECT 1"_s) && q.next();
}

Expected<QSqlQuery, StoreError> Database::exec(const QString &sql, const QVariantList &binds) const
{
    auto result = execOnce(sql, binds);
    if (result || m_engine != Engine::Postgres || m_depth > 0 || ping())
        return result;
    // The server dropped the connection (restart, fail-over, idle kill): reconnect. Reads are run
    // again; a write may or may not have been applied, so its caller gets the error.
    qCWarning(lcDatabase) << "lost the connection to" << m_description << "- reconnecting";
    m_db.close();
    if (auto reopened = openConnection(); !reopened)
        return unexpected(reopened.error());
    if (!sql.trimmed().startsWith(u"SELECT"_s, Qt::CaseInsensitive))
        return unexpected(
            StoreError{StoreError::Kind::Unavailable,
                       u"the database connection was lost during a write; it was reconnected"_s});
    return execOnce(sql, binds);
}

Expected<QSqlQuery, StoreError> Database::execOnce(const QString &sql, const QVariantList &binds) const
{
    QSqlQuery q(m_db);
    if (binds.isEmpty()) {
        // PostgreSQL cannot PREPARE DDL, LOCK or SAVEPOINT statements.
        if (!q.exec(sql))
            return unexpected(failed(q, u"query"_s));
        return q;
    }
    if (!q.prepare(sql))
        return unexpected(failed(q, u"prepare"_s));
    for (const QVariant &value : binds)
        q.addBindValue(value);
    if (!q.exec())
        return unexpected(failed(q, u"query"_s));
    return q;
}

// PostgreSQL refuses to DEALLOCATE a prepared statement inside an aborted transaction, so a failed
// query is kept until the transaction has been rolled back, and freed then.
StoreError Database::failed(const QSqlQuery &query, const QString &what) const
{
    StoreError error = errorOf(query, what);
    if (m_engine == Engine::Postgres && m_depth > 0)
        m_failedInTransaction.push_back(query);
    return error;
}

StoreError Database::errorOf(const QSqlQuery &query, const QString &what) const
{
    const QSqlError error = query.lastError();
    const QString code = error.nativeErrorCode();
    // SQLite: 19 SQLITE_CONSTRAINT and its extended codes (2067 unique, 787 foreign key, 1555 primary
    // key); PostgreSQL: class 23 integrity constraint violation.
    const bool conflict = m_engine == Engine::Sqlite
                              ? (code == u"19" || code == u"2067" || code == u"787" || code == u"1555")
                              : (code.startsWith(u"23"_s));
    const bool appendOnly = error.text().contains(u"append-only"_s);
    return {conflict || appendOnly ? StoreError::Kind::Conflict : StoreError::Kind::Query,
            u"%1 failed: %2"_s.arg(what, error.text())};
}

Expected<Done, StoreError> Database::begin()
{
    if (m_depth == 0) {
        if (!m_db.transaction())
            return failure(StoreError::Kind::Query,
                           u"cannot start a transaction: "_s + m_db.lastError().text());
    } else if (auto sp = exec(u"SAVEPOINT sp%1"_s.arg(m_depth)); !sp) {
        return unexpected(sp.error());
    }
    ++m_depth;
    return Done{};
}

Expected<Done, StoreError> Database::commit()
{
    if (m_depth <= 0)
        return failure(StoreError::Kind::Query, u"commit without a transaction"_s);
    if (m_depth == 1) {
        if (!m_db.commit())
            return failure(StoreError::Kind::Query, u"cannot commit: "_s + m_db.lastError().text());
    } else if (auto released = exec(u"RELEASE SAVEPOINT sp%1"_s.arg(m_depth - 1)); !released) {
        return unexpected(released.error());
    }
    --m_depth;
    return Done{};
}

void Database::rollback()
{
    if (m_depth <= 0)
        return;
    --m_depth;
    if (m_depth == 0) {
        if (!m_db.rollback())
            qCWarning(lcDatabase) << "rollback failed:" << m_db.lastError().text();
    } else if (auto undone = exec(u"ROLLBACK TO SAVEPOINT sp%1"_s.arg(m_depth)); !undone) {
        qCWarning(lcDatabase) << "rollback to savepoint failed:" << undone.error().message;
    } else {
        (void)exec(u"RELEASE SAVEPOINT sp%1"_s.arg(m_depth));
    }
    m_failedInTransaction.clear();
}

Expected<QList<int>, StoreError> Database::appliedVersions() const
{
    auto q = exec(u"SELECT version FROM schema_migrations ORDER BY version"_s);
    if (!q)
        return unexpected(q.error());
    QList<int> versions;
    while (q->next())
        versions.append(q->value(0).toInt());
    return versions;
}

Expected<int, StoreError> Database::schemaVersion() const
{
    const auto versions = appliedVersions();
    if (!versions)
        return unexpected(versions.error());
    return versions->isEmpty() ? 0 : versions->last();
}

Expected<Done, StoreError> Database::migrate(const QList<Migration> &migrations)
{
    if (m_engine != Engine::Postgres)
        return migrateLocked(migrations);
    // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin on PostgreSQL: serialize whole
    // migration runs of every process on this database with a session advisory lock.
    constexpr qint64 kMigrationLock = 0x636c657261; // "clera"
    if (auto locked = exec(u"SELECT pg_advisory_lock(%1)"_s.arg(kMigrationLock)); !locked)
        return failure(StoreError::Kind::Migration, locked.error().message);
    auto result = migrateLocked(migrations);
    if (auto unlocked = exec(u"SELECT pg_advisory_unlock(%1)"_s.arg(kMigrationLock)); !unlocked)
        qCWarning(lcDatabase) << "cannot release the migration lock:" << unlocked.error().message;
    return result;
}

Expected<Done, StoreError> Database::migrateLocked(const QList<Migration> &migrations)
{
    if (auto created =
            exec(u"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)"_s);
        !created)
        return failure(StoreError::Kind::Migration, created.error().message);
    const auto applied = appliedVersions();
    if (!applied)
        return failure(StoreError::Kind::Migration, applied.error().message);
    const int known = migrations.isEmpty() ? 0 : migrations.last().version;
    if (!applied->isEmpty() && applied->last() > known)
        return failure(StoreError::Kind::Migration,
                       u"%1 has schema version %2, newer than this program knows (%3)"_s.arg(m_description)
                           .arg(applied->last())
                           .arg(known));
    for (const Migration &step : migrations) {
        if (applied->contains(step.version))
            continue;
        if (auto done = applyStep(step); !done)
            return done;
    }
    return Done{};
}

Expected<Done, StoreError> Database::applyStep(const Migration &step)
{
    const QString bigId = m_engine == Engine::Sqlite ? u"INTEGER PRIMARY KEY AUTOINCREMENT"_s
                                                     : u"BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"_s;
    auto result = transaction([&]() -> Expected<bool, StoreError> {
        // Two processes starting together: the second waits here for the first's commit, then sees the
        // step applied. SQLite takes its write lock with the first writing statement, so write first.
        const QString lock = m_engine == Engine::Postgres
                                 ? u"LOCK TABLE schema_migrations IN EXCLUSIVE MODE"_s
                                 : u"DELETE FROM schema_migrations WHERE 1 = 0"_s;
        if (auto locked = exec(lock); !locked)
            return unexpected(locked.error());
        {
            // Scoped: a prepared statement still alive when a later step fails could not be freed.
            auto already = exec(u"SELECT 1 FROM schema_migrations WHERE version = ?"_s, {step.version});
            if (!already)
                return unexpected(already.error());
            if (already->next())
                return false;
        }
        QStringList statements = step.statements;
        statements += m_engine == Engine::Sqlite ? step.sqliteOnly : step.postgresOnly;
        for (QString statement : std::as_const(statements)) {
            statement.replace(u"{{bigid}}"_s, bigId);
            QSqlQuery q(m_db);
            if (!q.exec(statement))
                return unexpected(failed(q, u"migration %1"_s.arg(step.version)));
        }
        if (auto recorded =
                exec(u"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"_s,
                     {step.version, step.name, nowText()});
            !recorded)
            return unexpected(recorded.error());
        return true;
    });
    if (!result)
        return failure(
            StoreError::Kind::Migration,
            u"migration %1 (%2) failed: %3"_s.arg(step.version).arg(step.name, result.error().message));
    if (*result)
        qCInfo(lcDatabase) << "applied migration" << step.version << step.name;
    return Done{};
}

} // namespace clera
