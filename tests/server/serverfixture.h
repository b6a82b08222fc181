#pragma once

// What the server tests share: a configuration for an in-process server on free ports, start options
// with a cheap password hasher, tokens for the demo users, finished broker futures, an HTTP client and
// a recording WebSocket client.

#include "core/auth/jwt.h"
#include "core/auth/passwordhashertestaccess.h"
#include "core/broker/broker.h"
#include "core/config/config.h"
#include "core/marketdata/simfeed.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/databaseurl.h"
#include "core/store/fieldcipher.h"
#include "core/store/scratchdatabase.h"
#include "core/store/userrepository.h"
#include "server/demoseeder.h"
#include "server/serverroot.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <algorithm>
#include <memory>

namespace clera::test {

using namespace Qt::StringLiterals;

// SimBroker futures are finished when returned.
template <typename T> T ready(const QFuture<BrokerResult<T>> &future)
{
    if (!future.isFinished() || !future.result())
        qFatal("broker call failed");
    return *future.result();
}

inline Expected<Config, QString> configFor(const QString &dataDir, QStringList extra = {})
{
    QCommandLineParser parser;
    Config::addOptions(parser, Config::Server);
    QStringList args{u"tst_server_e2e"_s,
                     u"--data-dir"_s,
                     dataDir,
                     u"--api-host"_s,
                     u"127.0.0.1"_s,
                     u"--api-port"_s,
                     u"0"_s,
                     u"--ws-host"_s,
                     u"127.0.0.1"_s,
                     u"--ws-port"_s,
                     u"0"_s,
                     u"--min-update-interval"_s,
                     u"0"_s,
                     u"--recalculation-interval"_s,
                     u"0"_s};
    args += extra;
    if (!parser.parse(args))
        return unexpected(parser.errorText());
    return Config::resolve(parser, Config::Server, QProcessEnvironment());
}

// Start options for tests: demo data as asked, the feed stepped by hand, cheap Argon2id.
inline ServerRoot::Options options(bool demo)
{
    ServerRoot::Options o;
    o.demo = demo;
    o.startFeed = false;
    o.passwordHasher = PasswordHasherTestAccess::cheap();
    return o;
}

// CLERA_DB_URL text for a scratch store: the SQLite path, or a libpq keyword string.
inline QString databaseUrlText(const DatabaseUrl &url)
{
    if (url.engine == DatabaseUrl::Engine::Sqlite)
        return url.path;
    QStringList parts{u"dbname="_s + url.database};
    if (!url.host.isEmpty())
        parts.append(u"host="_s + url.host);
    if (url.port)
        parts.append(u"port="_s + QString::number(*url.port));
    if (!url.user.isEmpty())
        parts.append(u"user="_s + url.user);
    if (!url.password.isEmpty())
        parts.append(u"password="_s + url.password);
    parts += url.options;
    return parts.join(u' ');
}

// The data key for servers on a PostgreSQL store (which needs one configured): one per test program, so a
// restarted server reads what the one before it wrote.
inline QString sharedDataKey()
{
    static const QString key = FieldCipher::generateBase64Key();
    return key;
}

// The JWT secret for servers on a PostgreSQL store (which needs one configured), likewise: a restarted
// server accepts the tokens of the one before it.
inline QString sharedJwtSecret()
{
    static const QString secret = FieldCipher::generateBase64Key();
    return secret;
}

// Sets what a server on a PostgreSQL store needs configured (the data key and the JWT secret).
inline void setSharedStoreKeys(Config &config)
{
    config.set(u"CLERA_DATA_KEY"_s, sharedDataKey(), u"environment"_s);
    config.set(u"CLERA_JWT_SECRET"_s, sharedJwtSecret(), u"environment"_s);
}

// A started server for `config`; null (with a warning) when it cannot start.
inline std::unique_ptr<ServerRoot> startRoot(const Config &config, const ServerRoot::Options &options)
{
    auto root = std::make_unique<ServerRoot>(config);
    const auto started = root->start(options);
    if (!started) {
        qWarning() << started.error().message;
        return nullptr;
    }
    return root;
}

// A server with the demo data on the store at `databaseUrl` (CLERA_DB_URL text), its simulated market
// stopped so values move only when a test says so; null (with a warning) when it cannot start.
inline std::unique_ptr<ServerRoot> startDemoServer(const QString &dataDir, const QString &databaseUrl)
{
    auto config = configFor(dataDir);
    if (!config) {
        qWarning() << config.error();
        return nullptr;
    }
    config->set(u"CLERA_DB_URL"_s, databaseUrl, u"environment"_s);
    if (!databaseUrl.endsWith(u".sqlite"_s))
        setSharedStoreKeys(*config);
    auto root = startRoot(*config, options(true));
    if (root)
        root->simFeed()->stop();
    return root;
}

// The same on the default store (SQLite in `dataDir`), with the simulated market running.
inline std::unique_ptr<ServerRoot> startDemoServer(const QString &dataDir)
{
    const auto config = configFor(dataDir);
    if (!config) {
        qWarning() << config.error();
        return nullptr;
    }
    return startRoot(*config, options(true));
}

// A server on Alpaca's Broker API, played by the fakes, without demo data.
struct AlpacaServer
{
    // Every member has a default, so a designated initializer names only what it sets.
    QUrl brokerUrl = {}; // --alpaca-broker-api-url
    QString keyId = {};  // the Broker API keys
    QString secret = {};
    QStringList arguments = {}; // more command-line options: --feed, the events and data URLs …
    QHash<QString, QString> environment = {}; // settings as if from the environment (CLERA_DATA_KEY …)
    bool startFeed = false;
};

// Null (with a warning) when it cannot start.
inline std::unique_ptr<ServerRoot> startAlpacaServer(const QString &dataDir, const AlpacaServer &alpaca)
{
    auto config = configFor(dataDir, QStringList{u"--broker"_s, u"alpaca"_s, u"--alpaca-broker-api-url"_s,
                                                 alpaca.brokerUrl.toString()} +
                                         alpaca.arguments);
    if (!config) {
        qWarning() << config.error();
        return nullptr;
    }
    config->set(u"BROKER_API_KEY"_s, alpaca.keyId, u"environment"_s);
    config->set(u"BROKER_SECRET_KEY"_s, alpaca.secret, u"environment"_s);
    for (auto it = alpaca.environment.cbegin(); it != alpaca.environment.cend(); ++it)
        config->set(it.key(), it.value(), u"environment"_s);
    ServerRoot::Options o = options(false);
    o.startFeed = alpaca.startFeed;
    return startRoot(*config, o);
}

// The store id of a demo user ("demo-alice"); the name itself for anyone else.
inline QString userId(const ServerRoot &root, const QString &name)
{
    const QString email = DemoSeeder::emailOf(name);
    if (email.isEmpty())
        return name;
    const auto user = root.users().findByEmail(email);
    return user && user->has_value() ? (*user)->id : name;
}

// An access token for a user (demo name or id) signed with the server's key.
inline QString tokenFor(const ServerRoot &root, const QString &name, Role role,
                        std::chrono::seconds ttl = std::chrono::minutes(10),
                        std::optional<qint64> now = std::nullopt)
{
    return root.jwt().issue(userId(root, name), role, ttl, now);
}

// ws://…/ws/portfolio/<account>?token=… for a user of the server's store.
inline QUrl portfolioUrl(const ServerRoot &root, const QString &userId, Role role, const QString &accountId)
{
    const QString token = root.jwt().issue(userId, role, std::chrono::minutes(5));
    QUrl url(u"ws://127.0.0.1:%1/ws/portfolio/%2"_s.arg(root.webSocketPort()).arg(accountId));
    url.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
    return url;
}

// Tokens ("code: …") of the mails to `to` in the outbox, oldest first; the files are removed, so the
// next call sees only newer mails.
inline QStringList takeMailCodes(const QString &outbox, const QString &to)
{
    static const QRegularExpression code(u"code: ([A-Za-z0-9_-]{43})"_s);
    QStringList codes;
    QDir dir(outbox);
    const QStringList files = dir.entryList({u"*.eml"_s}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(file.readAll());
        if (!text.contains(u"\r\nTo: "_s + to + u"\r\n"_s))
            continue;
        file.close();
        QFile::remove(dir.filePath(name));
        codes.append(code.match(text).captured(1));
    }
    return codes;
}

struct HttpResult
{
    int status = 0;
    QByteArray contentType;
    QHash<QByteArray, QByteArray> headers;
    QJsonDocument body;

    [[nodiscard]] QString errorCode() const
    {
        return body.object().value(u"error"_s).toObject().value(u"code"_s).toString();
    }
};

// A blocking-by-signal HTTP client for the in-process server.
class Http
{
public:
    explicit Http(quint16 port = 0) : m_port(port) {}
    void setPort(quint16 port) { m_port = port; }

    HttpResult send(const QByteArray &method, const QString &pathAndQuery, const QString &bearer = {},
                    const QByteArray &body = {}, const QByteArray &contentType = "application/json")
    {
        QNetworkRequest request(QUrl(u"http://127.0.0.1:%1%2"_s.arg(m_port).arg(pathAndQuery)));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer.toLatin1());
        if (!body.isEmpty() && !contentType.isEmpty())
            request.setRawHeader("Content-Type", contentType);
        request.setRawHeader("User-Agent", "clera-tests");
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(10000))
            return {};
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.contentType = reply->rawHeader("Content-Type");
        const auto pairs = reply->rawHeaderPairs();
        for (const auto &[name, value] : pairs)
            r.headers.insert(name.toLower(), value);
        r.body = QJsonDocument::fromJson(reply->readAll());
        return r;
    }
    HttpResult get(const QString &path, const QString &bearer = {}) { return send("GET", path, bearer); }
    HttpResult post(const QString &path, const QJsonObject &body = {}, const QString &bearer = {})
    {
        return send("POST", path, bearer, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

private:
    QNetworkAccessManager m_nam;
    quint16 m_port = 0;
};

// What a test of the demo server over a scratch store (SQLite, or PostgreSQL under pg_virtualenv) keeps
// from init() to cleanup(). Derive the test class from QObject and this; in init() call
// CLERA_SCRATCH_INIT(m_scratch) then QVERIFY(startServer()), in cleanup() stopServer().
class DemoServerTest
{
protected:
    ScratchDatabase m_scratch;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ServerRoot> m_root;
    Http m_http;
    QString m_alice; // the demo users' brokerage accounts
    QString m_bob;

    // Starts the demo server on the scratch store, or restarts it on the same data folder (made on the
    // first call) after m_root.reset().
    [[nodiscard]] bool startServer()
    {
        if (!m_dir)
            m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return false;
        m_root = startDemoServer(m_dir->path(), databaseUrlText(m_scratch.url()));
        if (!m_root)
            return false;
        m_http.setPort(m_root->restPort());
        m_alice = accountOf(u"demo-alice"_s);
        m_bob = accountOf(u"demo-bob"_s);
        return !m_alice.isEmpty() && !m_bob.isEmpty();
    }

    void stopServer()
    {
        m_root.reset();
        m_dir.reset();
        m_scratch.drop();
    }

    // The first brokerage account of a user (demo name or id).
    [[nodiscard]] QString accountOf(const QString &name) const
    {
        const QStringList ids =
            m_root->brokerageAccounts().accountsOf(userId(*m_root, name)).valueOr(QStringList());
        return ids.isEmpty() ? QString() : ids.first();
    }

    [[nodiscard]] QString token(const QString &name, Role role = Role::User) const
    {
        return tokenFor(*m_root, name, role);
    }

    // A configuration for another server on the scratch store, its data folder at `dataDir`, with nothing
    // else configured (a PostgreSQL store also needs CLERA_DATA_KEY and CLERA_JWT_SECRET).
    [[nodiscard]] Expected<Config, QString> scratchStoreConfig(const QString &dataDir,
                                                               const QStringList &arguments = {}) const
    {
        auto config = configFor(dataDir, arguments);
        if (config)
            config->set(u"CLERA_DB_URL"_s, databaseUrlText(m_scratch.url()), u"environment"_s);
        return config;
    }

    // A server with `config` does not start: a setting error (exit code 2) that names `setting`.
    static void verifyRefusedFor(const Config &config, const QString &setting)
    {
        ServerRoot root(config);
        const auto started = root.start(options(false));
        QVERIFY(!started);
        QCOMPARE(started.error().exitCode(), 2);
        QVERIFY2(started.error().message.contains(setting), qPrintable(started.error().message));
    }

    // The answer is the error shape with this status and code, and a message.
    static void verifyError(const HttpResult &r, int status, const QString &code)
    {
        QCOMPARE(r.status, status);
        QVERIFY2(r.contentType.startsWith("application/json"), r.contentType.constData());
        QCOMPARE(r.errorCode(), code);
        QVERIFY(!r.body.object().value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
    }
};

class WsClient : public QObject
{
public:
    WsClient()
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
    }
    ~WsClient() override { socket.abort(); }

    [[nodiscard]] bool open(const QUrl &url)
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(5000);
    }
    [[nodiscard]] QJsonObject last() const { return messages.isEmpty() ? QJsonObject() : messages.last(); }
    [[nodiscard]] int count(const QString &type) const
    {
        return int(std::count_if(messages.cbegin(), messages.cend(), [&type](const QJsonObject &m) {
            return m.value(u"type"_s).toString() == type;
        }));
    }

    QWebSocket socket;
    QList<QJsonObject> messages;
};

} // namespace clera::test
