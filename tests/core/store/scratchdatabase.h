#pragma once

#include "core/store/databaseurl.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A throwaway store for one test: a SQLite file in a temporary folder, or a fresh PostgreSQL database
// created on the server named by CLERA_TEST_PG_URL or, failing that, by libpq's PGHOST/PGPORT/PGUSER/
// PGDATABASE (what `pg_virtualenv` exports), and dropped afterwards.
class ScratchDatabase
{
public:
    static QString skipReason()
    {
        return QStringLiteral("PostgreSQL not configured: run under `pg_virtualenv sh -c 'ctest …'` or set "
                              "CLERA_TEST_PG_URL");
    }

    static bool postgresConfigured()
    {
        const auto env = QProcessEnvironment::systemEnvironment();
        return env.contains(QStringLiteral("CLERA_TEST_PG_URL")) || env.contains(QStringLiteral("PGHOST")) ||
               env.contains(QStringLiteral("PGPORT"));
    }

    // Adds the "sqlite" and "postgresql" rows for initTestCase_data().
    static void addEngineRows()
    {
        QTest::addColumn<QString>("engine");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    ~ScratchDatabase() { drop(); }

    // Empty on success; otherwise why it failed.
    QString create(const QString &engine)
    {
        if (engine == QStringLiteral("sqlite")) {
            m_dir = std::make_unique<QTemporaryDir>();
            if (!m_dir->isValid())
                return QStringLiteral("no temporary folder");
            m_url = {};
            m_url.path = m_dir->filePath(QStringLiteral("store.sqlite"));
            return {};
        }
        const QString admin =
            QProcessEnvironment::systemEnvironment().value(QStringLiteral("CLERA_TEST_PG_URL"));
        if (admin.isEmpty()) {
            m_admin = {};
            m_admin.engine = clera::DatabaseUrl::Engine::Postgres;
        } else {
            const auto parsed = clera::DatabaseUrl::parse(admin);
            if (!parsed)
                return parsed.error().message;
            m_admin = *parsed;
        }
        static QAtomicInteger<int> counter;
        m_name = QStringLiteral("clera_test_%1_%2")
                     .arg(QCoreApplication::applicationPid())
                     .arg(counter.fetchAndAddRelaxed(1));
        if (QString error = adminExec(QStringLiteral("CREATE DATABASE ") + m_name); !error.isEmpty()) {
            m_name.clear();
            return error;
        }
        m_url = m_admin;
        m_url.database = m_name;
        return {};
    }

    [[nodiscard]] const clera::DatabaseUrl &url() const { return m_url; }

    void drop()
    {
        if (!m_name.isEmpty())
            (void)adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
        m_name.clear();
        m_dir.reset();
    }

private:
    QString adminExec(const QString &sql)
    {
        const QString connection = QStringLiteral("clera.test.admin");
        QString error;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
            db.setHostName(m_admin.host);
            if (m_admin.port)
                db.setPort(*m_admin.port);
            db.setUserName(m_admin.user);
            db.setPassword(m_admin.password);
            db.setDatabaseName(m_admin.database);
            db.setConnectOptions(m_admin.options.join(u';'));
            if (!db.open()) {
                error = db.lastError().text();
            } else {
                QSqlQuery q(db);
                if (!q.exec(sql))
                    error = q.lastError().text();
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return error;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    clera::DatabaseUrl m_admin;
    clera::DatabaseUrl m_url;
    QString m_name;
};

// In a test class with `ScratchDatabase m_scratch`: creates the store for the current engine row, or
// skips the PostgreSQL row when no server is configured.
#define CLERA_SCRATCH_INIT(scratch)                                                                          \
    do {                                                                                                     \
        QFETCH_GLOBAL(QString, engine);                                                                      \
        if (engine == QStringLiteral("postgresql") && !ScratchDatabase::postgresConfigured())                \
            QSKIP(qPrintable(ScratchDatabase::skipReason()));                                                \
        const QString scratchError = (scratch).create(engine);                                               \
        QVERIFY2(scratchError.isEmpty(), qPrintable(scratchError));                                          \
    } while (false)
