// The clera-server binary's one-shot commands, run as a process against a data folder: set-role makes
// the first operator of a server without demo data (audited), and token then signs for that role.
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/store/userrepository.h"
#include "server/serverroot.h"
#include "serverfixture.h"

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
        auto *p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"CLERA_DATA_DIR"_s, m_dir.path());
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
