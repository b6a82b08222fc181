#include "core/store/accountdirectory.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

class TestAccountDirectory : public QObject
{
    Q_OBJECT

private:
    QString dbPath() const { return m_dir->filePath(u"directory.sqlite"_s); }

    std::unique_ptr<QTemporaryDir> m_dir;

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void notOpenFails()
    {
        AccountDirectory d(dbPath());
        QVERIFY(!d.isOpen());
        QVERIFY(!d.addOwner(u"u"_s, u"a"_s));
        QVERIFY(!d.accountsOf(u"u"_s));
        QVERIFY(!d.ping());
    }

    void persistsAcrossReopen()
    {
        {
            AccountDirectory d(dbPath());
            const auto opened = d.open();
            QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
            QVERIFY(d.ping());
            QCOMPARE(d.schemaVersion().valueOr(0), AccountDirectory::kSchemaVersion);
            QVERIFY(d.addOwner(u"alice"_s, u"acc-1"_s));
            QVERIFY(d.addOwner(u"alice"_s, u"acc-2"_s));
            QVERIFY(d.addOwner(u"bob"_s, u"acc-3"_s));
            QVERIFY(d.setUserRole(u"alice"_s, u"user"_s));
            QVERIFY(d.setUserRole(u"ops"_s, u"operator"_s));
        }
        AccountDirectory d(dbPath());
        QVERIFY(d.open());
        QCOMPARE(d.schemaVersion().valueOr(0), AccountDirectory::kSchemaVersion);
        QCOMPARE(d.accountsOf(u"alice"_s).valueOr(QStringList()), (QStringList{u"acc-1"_s, u"acc-2"_s}));
        QCOMPARE(d.accountsOf(u"bob"_s).valueOr(QStringList()), QStringList{u"acc-3"_s});
        QCOMPARE(d.ownerOf(u"acc-3"_s).valueOr(QString()), u"bob"_s);
        QCOMPARE(d.userRole(u"ops"_s).valueOr(QString()), u"operator"_s);
        QCOMPARE(d.userRole(u"alice"_s).valueOr(QString()), u"user"_s);
        QCOMPARE(d.userRole(u"nobody"_s).valueOr(u"x"_s), QString());
    }

    void usersAreIsolated()
    {
        AccountDirectory d(dbPath());
        QVERIFY(d.open());
        QVERIFY(d.addOwner(u"alice"_s, u"acc-a"_s));
        QVERIFY(d.addOwner(u"bob"_s, u"acc-b"_s));
        QVERIFY(d.owns(u"alice"_s, u"acc-a"_s));
        QVERIFY(!d.owns(u"alice"_s, u"acc-b"_s));
        QVERIFY(!d.owns(u"bob"_s, u"acc-a"_s));
        QVERIFY(!d.owns(u"carol"_s, u"acc-a"_s));
        QVERIFY(!d.owns(u"alice"_s, u"unknown"_s));
        QCOMPARE(d.accountsOf(u"carol"_s).valueOr(QStringList{u"x"_s}), QStringList());
        QCOMPARE(d.ownerOf(u"unknown"_s).valueOr(u"x"_s), QString());
    }

    void ownershipIsExclusiveAndIdempotent()
    {
        AccountDirectory d(dbPath());
        QVERIFY(d.open());
        QVERIFY(d.addOwner(u"alice"_s, u"acc-a"_s));
        QVERIFY(d.addOwner(u"alice"_s, u"acc-a"_s));
        QCOMPARE(d.accountsOf(u"alice"_s).valueOr(QStringList()), QStringList{u"acc-a"_s});
        const auto stolen = d.addOwner(u"bob"_s, u"acc-a"_s);
        QVERIFY(!stolen);
        QVERIFY(stolen.error().contains(u"another owner"_s));
        QCOMPARE(d.ownerOf(u"acc-a"_s).valueOr(QString()), u"alice"_s);
        QVERIFY(!d.addOwner(QString(), u"acc-x"_s));
    }

    void rejectsUnknownRole()
    {
        AccountDirectory d(dbPath());
        QVERIFY(d.open());
        QVERIFY(!d.setUserRole(u"alice"_s, u"admin"_s));
        QVERIFY(d.setUserRole(u"alice"_s, u"user"_s));
        QVERIFY(d.setUserRole(u"alice"_s, u"operator"_s));
        QCOMPARE(d.userRole(u"alice"_s).valueOr(QString()), u"operator"_s);
    }

    void usesWalAndTwoInstancesCoexist()
    {
        AccountDirectory first(dbPath());
        AccountDirectory second(dbPath());
        QVERIFY(first.open());
        QVERIFY(second.open());
        QVERIFY(first.addOwner(u"alice"_s, u"acc-a"_s));
        QVERIFY(second.owns(u"alice"_s, u"acc-a"_s));
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
            db.setDatabaseName(dbPath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
            QCOMPARE(q.value(0).toString(), u"wal"_s);
        }
        QSqlDatabase::removeDatabase(u"probe"_s);
    }

    void refusesNewerSchema()
    {
        {
            AccountDirectory d(dbPath());
            QVERIFY(d.open());
        }
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bump"_s);
            db.setDatabaseName(dbPath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"UPDATE schema_version SET version = 99"_s));
        }
        QSqlDatabase::removeDatabase(u"bump"_s);
        AccountDirectory d(dbPath());
        const auto opened = d.open();
        QVERIFY(!opened);
        QVERIFY(opened.error().contains(u"newer"_s));
    }
};

QTEST_GUILESS_MAIN(TestAccountDirectory)
#include "tst_accountdirectory.moc"
