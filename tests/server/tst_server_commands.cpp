// The clera-server binary's one-shot commands, run as a process against a data folder: set-role makes
// the first operator of a server without demo data (audited), and token then signs for that role.
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/store/userrepository.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestServerCommands : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_userId;

    [[nodiscard]] QProcess *run(const QStringList &args)
    {
        return runWith(args, {{u"CLERA_DATA_DIR"_s, m_dir.path()}});
    }

    // clera-server with these variables set (an empty value unsets one) and no CLERA_ settings of the
    // caller's.
    [[nodiscard]] QProcess *runWith(const QStringList &args, const QHash<QString, QString> &variables)
    {
        auto *p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &name : env.keys()) {
            if (name.startsWith(u"CLERA_"_s))
                env.remove(name);
        }
        for (auto it = variables.cbegin(); it != variables.cend(); ++it) {
            if (it.value().isEmpty())
                env.remove(it.key());
            else
                env.insert(it.key(), it.value());
        }
        p->setProcessEnvironment(env);
        p->start(QString::fromUtf8(CLERA_SERVER_PROGRAM), args);
        if (!p->waitForFinished(20000))
            qWarning("clera-server did not finish");
        return p;
    }

    [[nodiscard]] QString storedRole() const
    {
        auto config = test::configFor(m_dir.path());
        auto db = Database::open(ServerRoot::storeLocation(*config, m_dir.path()));
        if (!db)
            return {};
        const auto user = UserRepository(**db).findById(m_userId);
        return user && user->has_value() ? (*user)->role : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const auto config = test::configFor(m_dir.path());
        QVERIFY(config);
        ServerRoot root(*config);
        QVERIFY(root.start(test::options(false)));
        const auto user = root.users().create(u"admin@example.com"_s, u"$argon2id$unused"_s, u"user"_s,
                                              QDateTime::currentDateTimeUtc());
        QVERIFY(user);
        m_userId = user->id;
    }

    void setRoleMakesAnOperator()
    {
        QProcess *refused = run({u"token"_s, u"admin@example.com"_s, u"--role"_s, u"operator"_s});
        QCOMPARE(refused->exitCode(), 2); // not an operator yet

        QProcess *set = run({u"set-role"_s, u"admin@example.com"_s, u"operator"_s});
        QVERIFY2(set->exitCode() == 0, set->readAllStandardError().constData());
        QVERIFY(QString::fromUtf8(set->readAllStandardOutput()).contains(u"user → operator"_s));
        QCOMPARE(storedRole(), u"operator"_s);

        const auto config = test::configFor(m_dir.path());
        auto db = Database::open(ServerRoot::storeLocation(*config, m_dir.path()));
        QVERIFY(db);
        AuditFilter filter;
        filter.action = u"user.set_role"_s;
        const auto entries = AuditLog(**db).query(filter);
        QVERIFY(entries);
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().actor, u"cli"_s);
        QCOMPARE(entries->first().subject, m_userId);

        QProcess *token = run({u"token"_s, u"admin@example.com"_s, u"--role"_s, u"operator"_s});
        QCOMPARE(token->exitCode(), 0);
        QVERIFY(token->readAllStandardOutput().trimmed().count('.') == 2); // a JWT
    }

    // token, watch and set-role work on a store a server made: pointed at a folder without one (or at
    // none, the default folder of a user who never ran the server) they say so and create nothing.
    void commandsNeedAnExistingStore_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("token") << QStringList{u"token"_s, u"demo-alice"_s};
        QTest::newRow("watch") << QStringList{u"watch"_s, u"demo-alice"_s};
        QTest::newRow("set-role") << QStringList{u"set-role"_s, u"admin@example.com"_s, u"operator"_s};
    }

    void commandsNeedAnExistingStore()
    {
        QFETCH(QStringList, args);
        QTemporaryDir scratch;
        QVERIFY(scratch.isValid());

        // An empty data folder: no store, no key, nothing written into it.
        QProcess *empty = runWith(args, {{u"CLERA_DATA_DIR"_s, scratch.path()}});
        QCOMPARE(empty->exitCode(), 2);
        const QString said = QString::fromUtf8(empty->readAllStandardError());
        QVERIFY2(said.contains(u"no store at "_s + QDir(scratch.path()).filePath(u"store.sqlite"_s)),
                 qPrintable(said));
        QVERIFY(QDir(scratch.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));

        // CLERA_DATA_DIR unset: the default folder under XDG_DATA_HOME, which is not there, stays so.
        const QString home = scratch.filePath(u"home"_s);
        QProcess *unset = runWith(args, {{u"HOME"_s, home}, {u"XDG_DATA_HOME"_s, home + u"/.local/share"_s}});
        QCOMPARE(unset->exitCode(), 2);
        const QString unsetSaid = QString::fromUtf8(unset->readAllStandardError());
        QVERIFY2(unsetSaid.contains(u"no data folder at "_s + home + u"/.local/share/clera"_s),
                 qPrintable(unsetSaid));
        QVERIFY(!QFileInfo::exists(home));
    }

    // A store whose server's key is not where the command looks: a key made here would sign tokens the
    // server refuses, so the command stops instead.
    void tokenNeedsTheServersSecret()
    {
        QTemporaryDir copy;
        QVERIFY(copy.isValid());
        QVERIFY(
            QFile::copy(QDir(m_dir.path()).filePath(u"store.sqlite"_s), copy.filePath(u"store.sqlite"_s)));
        QProcess *refused =
            runWith({u"token"_s, u"admin@example.com"_s}, {{u"CLERA_DATA_DIR"_s, copy.path()}});
        QCOMPARE(refused->exitCode(), 2);
        QVERIFY(QString::fromUtf8(refused->readAllStandardError()).contains(u"CLERA_JWT_SECRET"_s));
        QVERIFY(!QFileInfo::exists(copy.filePath(u"jwt-secret"_s)));

        QProcess *given =
            runWith({u"token"_s, u"admin@example.com"_s},
                    {{u"CLERA_DATA_DIR"_s, copy.path()}, {u"CLERA_JWT_SECRET"_s, QString(40, u'k')}});
        QVERIFY2(given->exitCode() == 0, given->readAllStandardError().constData());
        QCOMPARE(given->readAllStandardOutput().trimmed().count('.'), 2);
    }

    void badUsesChangeNothing()
    {
        QCOMPARE(run({u"set-role"_s, u"admin@example.com"_s, u"admiral"_s})->exitCode(), 2);
        QCOMPARE(run({u"set-role"_s, u"nobody@example.com"_s, u"user"_s})->exitCode(), 2);
        QCOMPARE(run({u"set-role"_s, u"admin@example.com"_s})->exitCode(), 2);
        QCOMPARE(storedRole(), u"operator"_s);
    }
};

QTEST_GUILESS_MAIN(TestServerCommands)
#include "tst_server_commands.moc"
