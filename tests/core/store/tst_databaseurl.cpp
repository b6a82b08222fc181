#include "core/store/databaseurl.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestDatabaseUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("postgres");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QStringList>("options");

        QTest::addRow("file") << u"/var/lib/clera/clera.sqlite"_s << false << u"/var/lib/clera/clera.sqlite"_s
                              << QString() << -1 << QString() << QString() << QString() << QStringList();
        QTest::addRow("sqlite url") << u"sqlite:///tmp/x.sqlite"_s << false << u"/tmp/x.sqlite"_s << QString()
                                    << -1 << QString() << QString() << QString() << QStringList();
        QTest::addRow("url") << u"postgresql://clera:s%40cret@db.internal:5433/clera?sslmode=require"_s
                             << true << QString() << u"db.internal"_s << 5433 << u"clera"_s << u"s@cret"_s
                             << u"clera"_s << QStringList{u"sslmode=require"_s};
        QTest::addRow("postgres scheme")
            << u"postgres://localhost/app"_s << true << QString() << u"localhost"_s << -1 << QString()
            << QString() << u"app"_s << QStringList();
        QTest::addRow("keywords")
            << u"host=/run/postgresql port=5432 dbname=clera user=me password='a b\\'c' "
               "connect_timeout=5"_s
            << true << QString() << u"/run/postgresql"_s << 5432 << u"me"_s << u"a b'c"_s << u"clera"_s
            << QStringList{u"connect_timeout=5"_s};
    }

    void parses()
    {
        QFETCH(QString, text);
        QFETCH(bool, postgres);
        QFETCH(QString, path);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, user);
        QFETCH(QString, password);
        QFETCH(QString, database);
        QFETCH(QStringList, options);
        const auto url = DatabaseUrl::parse(text);
        QVERIFY2(url, qPrintable(url ? QString() : url.error().message));
        QCOMPARE(url->engine == DatabaseUrl::Engine::Postgres, postgres);
        QCOMPARE(url->path, path);
        QCOMPARE(url->host, host);
        QCOMPARE(url->port.value_or(-1), port);
        QCOMPARE(url->user, user);
        QCOMPARE(url->password, password);
        QCOMPARE(url->database, database);
        QCOMPARE(url->options, options);
        if (!password.isEmpty())
            QVERIFY(!url->redacted().contains(password));
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addRow("empty") << u"  "_s;
        QTest::addRow("mysql") << u"mysql://host/db"_s;
        QTest::addRow("bad port") << u"host=x port=99999"_s;
        QTest::addRow("open quote") << u"host=x password='abc"_s;
    }

    void rejects()
    {
        QFETCH(QString, text);
        const auto url = DatabaseUrl::parse(text);
        QVERIFY(!url);
        QCOMPARE(url.error().kind, StoreError::Kind::Invalid);
    }
};

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
