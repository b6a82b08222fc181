#include "core/store/database.h"
#include "core/store/scratchdatabase.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <future>

#include <stdexcept>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

QString errorText(const StoreError &e)
{
    return e.kindName() + u": "_s + e.message;
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Database> openStore(const QList<Migration> &migrations = storeMigrations())
    {
        auto db = Database::open(m_scratch.url(), migrations);
        if (!db) {
            qWarning() << errorText(db.error());
            return nullptr;
        }
        return std::move(db).value();
    }

    qint64 count(Database &db, const QString &table)
    {
        auto q = db.exec(u"SELECT COUNT(*) FROM "_s + table);
        if (!q || !q->next())
            return -1;
        return q->value(0).toLongLong();
    }

    Expected<Done, StoreError> insertUser(Database &db, const QString &id, const QString &email)
    {
        auto q = db.exec(
            u"INSERT INTO users (id, email, email_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)"_s,
            {id, email, email.toLower(), u"x"_s, u"2026-01-01T00:00:00.000Z"_s});
        if (!q)
            return unexpected(q.error());
        return Done{};
    }

    static QList<Migration> withExtra(const Migration &extra)
    {
        QList<Migration> list = storeMigrations();
        list.append(extra);
        return list;
    }

    ScratchDatabase m_scratch;

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init() { CLERA_SCRATCH_INIT(m_scratch); }
    void cleanup() { m_scratch.drop(); }

    void opensAndMigrates()
    {
        auto db = openStore();
        QVERIFY(db);
        QVERIFY(db->ping());
        QCOMPARE(db->schemaVersion().valueOr(-1), storeMigrations().last().version);
        QList<int> expected;
        for (const Migration &m : storeMigrations())
            expected.append(m.version);
        QCOMPARE(db->appliedVersions().valueOr(QList<int>()), expected);
        for (const QString &table : {u"users"_s, u"sessions"_s, u"email_tokens"_s, u"audit_log"_s})
            QCOMPARE(count(*db, table), 0);
    }

    void migrationsAreIdempotent()
    {
        {
            auto db = openStore();
            QVERIFY(db);
            QVERIFY(insertUser(*db, u"u1"_s, u"a@example.com"_s));
            QVERIFY(db->migrate(storeMigrations()));
        }
        auto again = openStore();
        QVERIFY(again);
        QCOMPARE(count(*again, u"schema_migrations"_s), qint64(storeMigrations().size()));
        QCOMPARE(count(*again, u"users"_s), 1);
    }

    void laterMigrationAppliesOnReopen()
    {
        QVERIFY(openStore());
        auto db = openStore(withExtra({100, u"extra"_s, {u"CREATE TABLE extra (x TEXT)"_s}, {}, {}}));
        QVERIFY(db);
        QCOMPARE(db->schemaVersion().valueOr(-1), 100);
        QVERIFY(db->exec(u"INSERT INTO extra (x) VALUES ('a')"_s));
    }

    void failedMigrationLeavesNothing()
    {
        const Migration bad{100,
                            u"bad"_s,
                            {u"CREATE TABLE extra (x TEXT)"_s, u"INSERT INTO extra (x) VALUES ('a')"_s,
                             u"INSERT INTO missing_table (x) VALUES (1)"_s},
                            {},
                            {}};
        auto failed = Database::open(m_scratch.url(), withExtra(bad));
        QVERIFY(!failed);
        QCOMPARE(failed.error().kind, StoreError::Kind::Migration);
        auto db = openStore();
        QVERIFY(db);
        QCOMPARE(db->schemaVersion().valueOr(-1), storeMigrations().last().version);
        QVERIFY(!db->exec(u"SELECT x FROM extra"_s));
    }

    void newerSchemaIsRefused()
    {
        QVERIFY(openStore(withExtra({100, u"future"_s, {u"CREATE TABLE future (x TEXT)"_s}, {}, {}})));
        auto older = Database::open(m_scratch.url(), storeMigrations());
        QVERIFY(!older);
        QCOMPARE(older.error().kind, StoreError::Kind::Migration);
    }

    void transactionCommitsOrRollsBack()
    {
        auto db = openStore();
        QVERIFY(db);
        auto failed = db->transaction([&]() -> Expected<Done, StoreError> {
            if (auto r = insertUser(*db, u"u1"_s, u"a@example.com"_s); !r)
                return r;
            if (auto r = insertUser(*db, u"u2"_s, u"b@example.com"_s); !r)
                return r;
            return unexpected(StoreError{StoreError::Kind::Invalid, u"changed my mind"_s});
        });
        QVERIFY(!failed);
        QCOMPARE(failed.error().message, u"changed my mind"_s);
        QCOMPARE(count(*db, u"users"_s), 0);
        QVERIFY(!db->inTransaction());

        auto conflicting = db->transaction([&]() -> Expected<Done, StoreError> {
            if (auto r = insertUser(*db, u"u1"_s, u"a@example.com"_s); !r)
                return r;
            return insertUser(*db, u"u2"_s, u"A@example.com"_s);
        });
        QVERIFY(!conflicting);
        QCOMPARE(conflicting.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(count(*db, u"users"_s), 0);

        auto ok = db->transaction([&]() -> Expected<int, StoreError> {
            if (auto r = insertUser(*db, u"u1"_s, u"a@example.com"_s); !r)
                return unexpected(r.error());
            return 7;
        });
        QCOMPARE(ok.valueOr(0), 7);
        QCOMPARE(count(*db, u"users"_s), 1);
    }

    void nestedTransactionUsesSavepoints()
    {
        auto db = openStore();
        QVERIFY(db);
        auto outer = db->transaction([&]() -> Expected<Done, StoreError> {
            if (auto r = insertUser(*db, u"u1"_s, u"a@example.com"_s); !r)
                return r;
            auto inner = db->transaction([&]() -> Expected<Done, StoreError> {
                if (auto r = insertUser(*db, u"u2"_s, u"b@example.com"_s); !r)
                    return r;
                return insertUser(*db, u"u3"_s, u"A@EXAMPLE.com"_s);
            });
            if (inner)
                return unexpected(StoreError{StoreError::Kind::Invalid, u"inner should have failed"_s});
            return insertUser(*db, u"u4"_s, u"d@example.com"_s);
        });
        QVERIFY2(outer, qPrintable(outer ? QString() : errorText(outer.error())));
        auto q = db->exec(u"SELECT id FROM users ORDER BY id"_s);
        QVERIFY(q);
        QStringList ids;
        while (q->next())
            ids.append(q->value(0).toString());
        QCOMPARE(ids, (QStringList{u"u1"_s, u"u4"_s}));
    }

    void exceptionRollsBack()
    {
        auto db = openStore();
        QVERIFY(db);
        bool caught = false;
        try {
            (void)db->transaction([&]() -> Expected<Done, StoreError> {
                (void)insertUser(*db, u"u1"_s, u"a@example.com"_s);
                throw std::runtime_error("boom");
            });
        } catch (const std::runtime_error &) {
            caught = true;
        }
        QVERIFY(caught);
        QVERIFY(!db->inTransaction());
        QCOMPARE(count(*db, u"users"_s), 0);
    }

    void foreignKeysAreEnforced()
    {
        auto db = openStore();
        QVERIFY(db);
        auto q =
            db->exec(u"INSERT INTO sessions (id, user_id, family_id, token_hash, created_at, expires_at) "
                     "VALUES ('s', 'nobody', 'f', 'h', 't', 't')"_s);
        QVERIFY(!q);
        QCOMPARE(q.error().kind, StoreError::Kind::Conflict);
    }

    void auditLogRejectsUpdateAndDelete()
    {
        auto db = openStore();
        QVERIFY(db);
        QVERIFY(
            db->exec(u"INSERT INTO audit_log (at, actor, action, result) VALUES ('t', 'a', 'x', 'ok')"_s));
        QVERIFY(!db->exec(u"UPDATE audit_log SET result = 'denied'"_s));
        QVERIFY(!db->exec(u"DELETE FROM audit_log"_s));
        QCOMPARE(count(*db, u"audit_log"_s), 1);
    }

    void concurrentStartsMigrateOnce()
    {
        const DatabaseUrl url = m_scratch.url();
        const auto openIn = [url] {
            auto db = Database::open(url);
            return db ? QString() : db.error().message;
        };
        auto a = std::async(std::launch::async, openIn);
        auto b = std::async(std::launch::async, openIn);
        QCOMPARE(a.get(), QString());
        QCOMPARE(b.get(), QString());
        auto db = openStore();
        QVERIFY(db);
        QCOMPARE(count(*db, u"schema_migrations"_s), qint64(storeMigrations().size()));
    }

    void sqliteFileIsPrivate()
    {
        QFETCH_GLOBAL(QString, engine);
        if (engine != u"sqlite")
            QSKIP("SQLite only");
        QVERIFY(openStore());
        QCOMPARE(QFile::permissions(m_scratch.url().path) & 0x7077, QFile::ReadOwner | QFile::WriteOwner);
    }

    void reconnectsAfterTheServerDropsTheConnection()
    {
        QFETCH_GLOBAL(QString, engine);
        if (engine != u"postgresql")
            QSKIP("PostgreSQL only");
        auto db = openStore();
        auto killer = openStore();
        QVERIFY(db && killer);
        const auto killOther = [&] {
            auto pid = db->exec(u"SELECT pg_backend_pid()"_s);
            QVERIFY(pid && pid->next());
            auto killed = killer->exec(u"SELECT pg_terminate_backend(?)"_s, {pid->value(0).toInt()});
            QVERIFY(killed && killed->next() && killed->value(0).toBool());
        };
        killOther();
        QCOMPARE(count(*db, u"users"_s), 0);
        killOther();
        const auto write = insertUser(*db, u"u1"_s, u"a@example.com"_s);
        QVERIFY(!write);
        QCOMPARE(write.error().kind, StoreError::Kind::Unavailable);
        QVERIFY(insertUser(*db, u"u1"_s, u"a@example.com"_s));
        QCOMPARE(count(*db, u"users"_s), 1);
    }

    // Installations before brokerage_accounts kept a separate AccountDirectory file (clera.sqlite) with
    // its own `users` table; the server no longer reads it. Pointed at such a file by mistake, the store
    // fails cleanly with a migration error and leaves its data intact.
    void legacyAccountDirectoryFileIsRefusedIntact()
    {
        QFETCH_GLOBAL(QString, engine);
        if (engine != u"sqlite")
            QSKIP("SQLite only");
        const auto legacy = [this](const QStringList &statements) {
            QStringList answers;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"legacy"_s);
                db.setDatabaseName(m_scratch.url().path);
                if (db.open()) {
                    for (const QString &sql : statements) {
                        QSqlQuery q(db);
                        if (q.exec(sql) && q.next())
                            answers.append(q.value(0).toString());
                    }
                }
                db.close();
            }
            QSqlDatabase::removeDatabase(u"legacy"_s);
            return answers;
        };
        legacy({u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s,
                u"INSERT INTO schema_version VALUES (1)"_s,
                u"CREATE TABLE account_owners (account_id TEXT PRIMARY KEY NOT NULL, user_id TEXT NOT NULL, "
                "created_at TEXT NOT NULL)"_s,
                u"CREATE TABLE users (user_id TEXT PRIMARY KEY NOT NULL, role TEXT NOT NULL)"_s,
                u"INSERT INTO users VALUES ('alice', 'user')"_s});
        auto db = Database::open(m_scratch.url());
        QVERIFY(!db);
        QCOMPARE(db.error().kind, StoreError::Kind::Migration);
        QCOMPARE(legacy({u"SELECT role FROM users WHERE user_id = 'alice'"_s}), QStringList{u"user"_s});
    }

    void separateInstancesHaveSeparateConnections()
    {
        auto a = openStore();
        auto b = openStore();
        QVERIFY(a && b);
        QVERIFY(insertUser(*a, u"u1"_s, u"a@example.com"_s));
        QCOMPARE(count(*b, u"users"_s), 1);
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
