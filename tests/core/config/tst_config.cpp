#include "core/config/backendselection.h"
#include "core/config/config.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

Expected<Config, QString> resolve(const QStringList &args, const QProcessEnvironment &env,
                                  Config::Scope scope = Config::Server)
{
    QCommandLineParser parser;
    Config::addOptions(parser, scope);
    if (!parser.parse(QStringList{u"prog"_s} + args))
        return unexpected(parser.errorText());
    return Config::resolve(parser, scope, env);
}

QString writeFile(const QTemporaryDir &dir, const QByteArray &content)
{
    const QString path = dir.filePath(u"clera.conf"_s);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write config file");
    f.write(content);
    return path;
}

} // namespace

class TestConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void precedence();
    void configFileFromEnvironment();
    void configFileErrors_data();
    void configFileErrors();
    void seconds_data();
    void seconds();
    void ports_data();
    void ports();
    void scopeLimitsOptions();
    void secretsAreNotAcceptedOnTheCommandLine();
    void secretsAreNotDescribed();
    void existingDataDirKeepsItsPermissions();
    void backendSelection_data();
    void backendSelection();
    void streamStaleTimeout();
    void dataDirIsCreatedPrivate();
    void everySettingIsInTheReadme();
};

void TestConfig::defaults()
{
    const auto c = resolve({}, QProcessEnvironment());
    QVERIFY(c);
    QCOMPARE(c->value(u"CLERA_API_PORT"_s), u"8000"_s);
    QCOMPARE(c->value(u"WEBSOCKET_PORT"_s), u"8001"_s);
    QCOMPARE(c->value(u"MIN_UPDATE_INTERVAL"_s), u"2"_s);
    QCOMPARE(c->value(u"RECALCULATION_INTERVAL"_s), u"30"_s);
    QCOMPARE(c->source(u"CLERA_API_PORT"_s), u"default"_s);
    QVERIFY(!c->isSet(u"CLERA_JWT_SECRET"_s));
}

void TestConfig::precedence()
{
    QTemporaryDir dir;
    const QString file =
        writeFile(dir, "# comment\nCLERA_API_PORT=7000\nWEBSOCKET_PORT = 7001\nMIN_UPDATE_INTERVAL=\"5\"\n");
    QProcessEnvironment env;
    env.insert(u"WEBSOCKET_PORT"_s, u"9001"_s);
    env.insert(u"MIN_UPDATE_INTERVAL"_s, u"3"_s);
    const auto c = resolve({u"--config"_s, file, u"--min-update-interval"_s, u"0.5"_s}, env);
    QVERIFY2(c, qPrintable(c ? QString() : c.error()));
    QCOMPARE(c->value(u"CLERA_API_PORT"_s), u"7000"_s); // file over default
    QCOMPARE(c->source(u"CLERA_API_PORT"_s), u"config file"_s);
    QCOMPARE(c->value(u"WEBSOCKET_PORT"_s), u"9001"_s); // environment over file
    QCOMPARE(c->source(u"WEBSOCKET_PORT"_s), u"environment"_s);
    QCOMPARE(c->value(u"MIN_UPDATE_INTERVAL"_s), u"0.5"_s); // command line over all
    QCOMPARE(c->source(u"MIN_UPDATE_INTERVAL"_s), u"command line"_s);
}

void TestConfig::configFileFromEnvironment()
{
    QTemporaryDir dir;
    QProcessEnvironment env;
    env.insert(u"CLERA_CONFIG"_s, writeFile(dir, "CLERA_SIM_SEED=42\n"));
    const auto c = resolve({}, env);
    QVERIFY(c);
    QCOMPARE(c->value(u"CLERA_SIM_SEED"_s), u"42"_s);
}

void TestConfig::configFileErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::addRow("no equals sign") << QByteArray("CLERA_API_PORT 8000\n") << u":1: expected NAME=value"_s;
    QTest::addRow("unknown name") << QByteArray("\nCLERA_API_PRT=8000\n")
                                  << u":2: unknown setting CLERA_API_PRT"_s;
    QTest::addRow("empty name") << QByteArray("=8000\n") << u":1: expected NAME=value"_s;
}

void TestConfig::configFileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const auto c = resolve({u"--config"_s, writeFile(dir, content)}, QProcessEnvironment());
    QVERIFY(!c);
    QVERIFY2(c.error().contains(expected), qPrintable(c.error()));

    const auto missing = resolve({u"--config"_s, dir.filePath(u"nope.conf"_s)}, QProcessEnvironment());
    QVERIFY(!missing);
    QVERIFY(missing.error().contains(u"cannot read config file"_s));
}

void TestConfig::seconds_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms"); // -1: rejected
    QTest::addRow("whole") << u"2"_s << qint64(2000);
    QTest::addRow("fraction") << u"0.25"_s << qint64(250);
    QTest::addRow("zero") << u"0"_s << qint64(0);
    QTest::addRow("sub-millisecond rounds") << u"0.0004"_s << qint64(0);
    QTest::addRow("negative") << u"-1"_s << qint64(-1);
    QTest::addRow("words") << u"two"_s << qint64(-1);
    QTest::addRow("unit suffix") << u"2s"_s << qint64(-1);
    QTest::addRow("empty") << QString() << qint64(-1);
    QTest::addRow("200 days (beyond int64 nanoseconds)") << u"17280000"_s << qint64(17'280'000'000);
}

void TestConfig::seconds()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QProcessEnvironment env;
    env.insert(u"MIN_UPDATE_INTERVAL"_s, text);
    const auto c = resolve({}, env);
    QVERIFY(c);
    const auto v = c->seconds(u"MIN_UPDATE_INTERVAL"_s);
    if (ms < 0) {
        QVERIFY(!v);
        QVERIFY(v.error().startsWith(u"MIN_UPDATE_INTERVAL must be"_s));
    } else {
        QVERIFY(v);
        QCOMPARE(v->count(), ms);
    }
}

void TestConfig::ports_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("port"); // -1: rejected
    QTest::addRow("default-like") << u"8000"_s << 8000;
    QTest::addRow("any free") << u"0"_s << 0;
    QTest::addRow("max") << u"65535"_s << 65535;
    QTest::addRow("too big") << u"65536"_s << -1;
    QTest::addRow("negative") << u"-1"_s << -1;
    QTest::addRow("text") << u"http"_s << -1;
}

void TestConfig::ports()
{
    QFETCH(QString, text);
    QFETCH(int, port);
    const auto c = resolve({u"--api-port"_s, text}, QProcessEnvironment());
    QVERIFY(c);
    const auto p = c->port(u"CLERA_API_PORT"_s);
    if (port < 0) {
        QVERIFY(!p);
        QVERIFY(p.error().contains(u"CLERA_API_PORT"_s));
    } else {
        QCOMPARE(int(p.value()), port);
    }
}

void TestConfig::scopeLimitsOptions()
{
    // The desktop app has no REST port option; the server has no such app-only surprises either.
    QCommandLineParser parser;
    Config::addOptions(parser, Config::App);
    QVERIFY(!parser.parse({u"clera"_s, u"--api-port"_s, u"1"_s}));
    const auto c = resolve({u"--min-update-interval"_s, u"1"_s}, QProcessEnvironment(), Config::App);
    QVERIFY(c);
    QVERIFY(c->value(u"CLERA_API_PORT"_s).isEmpty());
}

void TestConfig::secretsAreNotAcceptedOnTheCommandLine()
{
    QCommandLineParser parser;
    Config::addOptions(parser, Config::Server);
    QVERIFY(!parser.parse({u"clera-server"_s, u"--jwt-secret"_s, u"0123456789abcdef0123456789abcdef"_s}));
}

void TestConfig::secretsAreNotDescribed()
{
    QProcessEnvironment env;
    env.insert(u"CLERA_JWT_SECRET"_s, u"super-secret-value-that-must-not-leak"_s);
    const auto c = resolve({}, env);
    QVERIFY(c);
    const QString text = c->describe(Config::Server).join(u'\n');
    QVERIFY(!text.contains(u"super-secret"_s));
    QVERIFY(text.contains(u"CLERA_JWT_SECRET=(set) (environment)"_s));
}

void TestConfig::dataDirIsCreatedPrivate()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"nested/data"_s);
    QProcessEnvironment env;
    env.insert(u"CLERA_DATA_DIR"_s, target);
    const auto c = resolve({}, env);
    QVERIFY(c);
    const auto d = c->dataDir();
    QVERIFY(d);
    QCOMPARE(*d, target);
    QCOMPARE(QFile::permissions(target) &
                 (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
             QFile::Permissions());
}

void TestConfig::existingDataDirKeepsItsPermissions()
{
    QTemporaryDir dir;
    const auto shared = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                        QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther;
    QVERIFY(QFile::setPermissions(dir.path(), shared));
    QProcessEnvironment env;
    env.insert(u"CLERA_DATA_DIR"_s, dir.path());
    const auto c = resolve({}, env);
    QVERIFY(c);
    QVERIFY(c->dataDir());
    QCOMPARE(QFile::permissions(dir.path()) & shared, shared);
}

void TestConfig::backendSelection_data()
{
    QTest::addColumn<QStringList>("env");   // NAME=value pairs
    QTest::addColumn<QString>("described"); // or "error: <start of message>"
    QTest::addRow("nothing: the simulation") << QStringList{} << u"broker sim, feed sim"_s;
    QTest::addRow("broker keys: Broker API sandbox and its data host")
        << QStringList{u"BROKER_API_KEY=k"_s, u"BROKER_SECRET_KEY=s"_s}
        << u"broker alpaca (https://broker-api.sandbox.alpaca.markets), feed alpaca "
           u"(wss://stream.data.sandbox.alpaca.markets/v2/iex)"_s;
    QTest::addRow("trading keys: live data host, simulated broker unless asked")
        << QStringList{u"APCA_API_KEY_ID=k"_s, u"APCA_API_SECRET=s"_s}
        << u"broker sim, feed alpaca (wss://stream.data.alpaca.markets/v2/iex)"_s;
    QTest::addRow("trading api explicitly, production")
        << QStringList{u"CLERA_BROKER=alpaca-trading"_s, u"APCA_API_KEY_ID=k"_s, u"APCA_API_SECRET=s"_s,
                       u"ALPACA_SANDBOX=false"_s, u"ALPACA_DATA_FEED=sip"_s}
        << u"broker alpaca-trading (https://api.alpaca.markets), feed alpaca (wss://stream.data.alpaca.markets/v2/sip)"_s;
    QTest::addRow("urls overridden (a local fake)")
        << QStringList{u"BROKER_API_KEY=k"_s, u"BROKER_SECRET_KEY=s"_s,
                       u"ALPACA_BROKER_API_URL=http://127.0.0.1:9000"_s,
                       u"ALPACA_DATA_STREAM_URL=ws://127.0.0.1:9001/v2/test"_s}
        << u"broker alpaca (http://127.0.0.1:9000), feed alpaca (ws://127.0.0.1:9001/v2/test)"_s;
    QTest::addRow("keys but the simulation asked for")
        << QStringList{u"CLERA_BROKER=sim"_s, u"CLERA_FEED=sim"_s, u"BROKER_API_KEY=k"_s,
                       u"BROKER_SECRET_KEY=s"_s}
        << u"broker sim, feed sim"_s;
    QTest::addRow("alpaca without keys")
        << QStringList{u"CLERA_BROKER=alpaca"_s} << u"error: CLERA_BROKER=alpaca needs BROKER_API_KEY"_s;
    QTest::addRow("feed without keys")
        << QStringList{u"CLERA_FEED=alpaca"_s} << u"error: CLERA_FEED=alpaca needs"_s;
    QTest::addRow("unknown broker") << QStringList{u"CLERA_BROKER=ibkr"_s}
                                    << u"error: CLERA_BROKER must be"_s;
    QTest::addRow("bad sandbox flag")
        << QStringList{u"ALPACA_SANDBOX=maybe"_s} << u"error: ALPACA_SANDBOX must be"_s;
    QTest::addRow("bad url") << QStringList{u"ALPACA_TRADING_API_URL=ftp://x"_s}
                             << u"error: ALPACA_TRADING_API_URL must be"_s;
    QTest::addRow("bad data feed") << QStringList{u"ALPACA_DATA_FEED=otc"_s}
                                   << u"error: ALPACA_DATA_FEED must be"_s;
    QTest::addRow("stale timeout below a second") << QStringList{u"ALPACA_STREAM_STALE_TIMEOUT=0.5"_s}
                                                  << u"error: ALPACA_STREAM_STALE_TIMEOUT must be at least"_s;
    QTest::addRow("stale timeout not a number") << QStringList{u"ALPACA_STREAM_STALE_TIMEOUT=soon"_s}
                                                << u"error: ALPACA_STREAM_STALE_TIMEOUT must be a number"_s;
}

void TestConfig::backendSelection()
{
    QFETCH(QStringList, env);
    QFETCH(QString, described);
    QProcessEnvironment e;
    for (const QString &pair : std::as_const(env))
        e.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    const auto config = resolve({}, e);
    QVERIFY(config);
    const auto selection = BackendSelection::from(*config);
    if (described.startsWith(u"error: "_s)) {
        QVERIFY(!selection);
        QVERIFY2(selection.error().startsWith(described.mid(7)), qPrintable(selection.error()));
        return;
    }
    QVERIFY2(selection, qPrintable(selection ? QString() : selection.error()));
    QCOMPARE(selection->describe(), described);
    QVERIFY(!selection->describe().contains(u"=s"_s)); // never the secret
}

void TestConfig::streamStaleTimeout()
{
    QProcessEnvironment e;
    const auto defaults = BackendSelection::from(*resolve({}, e));
    QVERIFY(defaults);
    QCOMPARE(defaults->streamStaleAfter, std::chrono::milliseconds(30000));
    e.insert(u"ALPACA_STREAM_STALE_TIMEOUT"_s, u"2.5"_s);
    const auto set = BackendSelection::from(*resolve({}, e));
    QVERIFY(set);
    QCOMPARE(set->streamStaleAfter, std::chrono::milliseconds(2500));
}

// The README's configuration table lists every setting with its flag, so a new one is documented.
void TestConfig::everySettingIsInTheReadme()
{
    const QString source = qEnvironmentVariable("CLERA_SOURCE_DIR");
    if (source.isEmpty())
        QSKIP("CLERA_SOURCE_DIR not set (run through ctest)");
    QFile readme(source + u"/README.md"_s);
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(readme.readAll());
    for (const Config::Setting &s : Config::settings()) {
        QVERIFY2(text.contains(u'`' + s.name + u'`'), qPrintable(s.name));
        if (!s.flag.isEmpty())
            QVERIFY2(text.contains(u"`--"_s + s.flag + u'`'), qPrintable(s.flag));
    }
}

QTEST_GUILESS_MAIN(TestConfig)
#include "tst_config.moc"
