#include "app/desktopsecrets.h"
#include "app/keychainsecretstore.h"
#include "core/config/backendselection.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

Config configWith(const QProcessEnvironment &env)
{
    QCommandLineParser parser;
    Config::addOptions(parser, Config::App);
    if (!parser.parse({u"clera"_s}))
        qFatal("parse");
    return *Config::resolve(parser, Config::App, env);
}

template <typename T> T wait(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        qFatal("future never finished");
    return future.result();
}

} // namespace

// The desktop's Alpaca keys: from the environment when set there, else from the secret store. With
// CLERA_TEST_REAL_KEYCHAIN=1 (set by the ctest entry that runs this under dbus-run-session with an
// unlocked gnome-keyring) the same checks run against the real OS keychain.
class TestDesktopSecrets : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SecretStore> store()
    {
        if (qEnvironmentVariable("CLERA_TEST_REAL_KEYCHAIN") == u"1")
            return std::make_unique<KeychainSecretStore>(u"Clera test %1"_s.arg(QCoreApplication::applicationPid()));
        return std::make_unique<MemorySecretStore>();
    }

private Q_SLOTS:
    void storedKeysSelectTheOwnAccount()
    {
        auto secrets = store();
        QVERIFY(wait(DesktopSecrets::storeAlpacaKeys(*secrets, u"PKKEY"_s, u"sekret"_s)));
        const Config config = wait(DesktopSecrets::withStoredKeys(*secrets, configWith(QProcessEnvironment())));
        QCOMPARE(config.value(u"APCA_API_KEY_ID"_s), u"PKKEY"_s);
        QCOMPARE(config.source(u"APCA_API_SECRET"_s), u"keychain"_s);
        const auto selection = BackendSelection::from(config, Config::App);
        QVERIFY(selection);
        QCOMPARE(selection->broker, BackendSelection::BrokerKind::AlpacaTrading);
        QVERIFY(!config.describe(Config::App).join(u'\n').contains(u"sekret"_s));

        QVERIFY(wait(DesktopSecrets::forgetAlpacaKeys(*secrets)));
        const Config forgotten = wait(DesktopSecrets::withStoredKeys(*secrets, configWith(QProcessEnvironment())));
        QVERIFY(!forgotten.isSet(u"APCA_API_KEY_ID"_s));
        QCOMPARE(BackendSelection::from(forgotten, Config::App)->broker, BackendSelection::BrokerKind::Sim);
    }

    void environmentKeysWin()
    {
        auto secrets = store();
        QVERIFY(wait(DesktopSecrets::storeAlpacaKeys(*secrets, u"FROMSTORE"_s, u"s1"_s)));
        QProcessEnvironment env;
        env.insert(u"APCA_API_KEY_ID"_s, u"FROMENV"_s);
        env.insert(u"APCA_API_SECRET"_s, u"s2"_s);
        const Config config = wait(DesktopSecrets::withStoredKeys(*secrets, configWith(env)));
        QCOMPARE(config.value(u"APCA_API_KEY_ID"_s), u"FROMENV"_s);
        QVERIFY(wait(DesktopSecrets::forgetAlpacaKeys(*secrets)));
    }

    void aHalfStoredPairIsNotUsed()
    {
        auto secrets = store();
        QVERIFY(wait(secrets->write(DesktopSecrets::kAlpacaKeyId.toString(), u"ONLYKEY"_s)));
        const Config config = wait(DesktopSecrets::withStoredKeys(*secrets, configWith(QProcessEnvironment())));
        QVERIFY(!config.isSet(u"APCA_API_KEY_ID"_s));
        QVERIFY(wait(DesktopSecrets::forgetAlpacaKeys(*secrets)));
    }

    void anUnreadableStoreIsReportedAndLeavesTheSimulation()
    {
        MemorySecretStore broken;
        broken.setFailure(u"keychain locked"_s);
        QString warning;
        const Config config = wait(DesktopSecrets::withStoredKeys(broken, configWith(QProcessEnvironment()), &warning));
        QCOMPARE(warning, u"keychain locked"_s);
        QCOMPARE(BackendSelection::from(config, Config::App)->broker, BackendSelection::BrokerKind::Sim);
    }
};

QTEST_GUILESS_MAIN(TestDesktopSecrets)
#include "tst_desktopsecrets.moc"
