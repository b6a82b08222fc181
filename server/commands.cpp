#include "commands.h"

#include "core/auth/jwt.h"
#include "core/config/config.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/databaseurl.h"
#include "core/store/userrepository.h"
#include "demoseeder.h"
#include "jwtsecret.h"
#include "serverroot.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUrlQuery>
#include <QWebSocket>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace clera::ServerCommands {

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitSetting = 2;

void out(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

void err(const QString &line)
{
    std::fputs(qPrintable(u"clera-server: "_s + line + u'\n'), stderr);
}

struct Minted
{
    QString token;
    UserRecord user;
    QStringList accounts;
};

// Where the server keeps its data: the data folder and the store in it (or at CLERA_DB_URL).
struct Installation
{
    QString dataDir;
    QString store;
    bool postgres = false;
};

// The server's data folder and store, which must be there already: the commands work on what a server
// made, and never make an empty store (or folder, or key) somewhere the server does not look.
Expected<Installation, int> existingInstallation(const Config &config)
{
    // The folder Config::dataDir() would use, without creating it.
    QString dir = config.value(u"CLERA_DATA_DIR"_s);
    if (dir.isEmpty()) {
        const QString userData = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        if (!userData.isEmpty())
            dir = userData + u"/clera"_s;
    }
    if (dir.isEmpty() || !QFileInfo(dir).isDir()) {
        err(u"no data folder at %1: run clera-server once, or set CLERA_DATA_DIR to the server's data "
            "folder"_s.arg(dir.isEmpty() ? u"(no user data folder known)"_s : dir));
        return unexpected(kExitSetting);
    }
    Installation found{QDir(dir).absolutePath(), {}, false};
    found.store = ServerRoot::storeLocation(config, found.dataDir);
    const auto url = DatabaseUrl::parse(found.store);
    if (!url) {
        err(u"CLERA_DB_URL: "_s + url.error().message);
        return unexpected(kExitSetting);
    }
    found.postgres = url->engine == DatabaseUrl::Engine::Postgres;
    if (!found.postgres && !QFileInfo::exists(url->path)) {
        err(u"no store at %1: run clera-server once with this data folder, or set CLERA_DATA_DIR (or "
            "CLERA_DB_URL) as the server has it"_s.arg(url->path));
        return unexpected(kExitSetting);
    }
    return found;
}

// The user named on the command line: a user id, a demo name (demo-alice) or an email address.
Expected<Minted, int> lookUp(const Installation &installation, const QString &name)
{
    auto db = Database::open(installation.store);
    if (!db) {
        err(u"cannot open the store: "_s + db.error().message);
        return unexpected(kExitRuntime);
    }
    UserRepository users(**db);
    const QString email = DemoSeeder::emailOf(name);
    const auto found = !email.isEmpty()      ? users.findByEmail(email)
                       : name.contains(u'@') ? users.findByEmail(name)
                                             : users.findById(name);
    if (!found) {
        err(u"cannot look up %1: %2"_s.arg(name, found.error().message));
        return unexpected(kExitRuntime);
    }
    if (!found->has_value()) {
        err(u"%1 is not a user of this server (give a user id or email address; start once with --demo for "
            "the demo users)"_s.arg(name));
        return unexpected(kExitSetting);
    }
    if ((*found)->disabled) {
        err(u"%1 is disabled"_s.arg(name));
        return unexpected(kExitSetting);
    }
    const auto accounts = BrokerageAccountRepository(**db).accountsOf((*found)->id);
    if (!accounts) {
        err(u"cannot read the accounts of %1: %2"_s.arg(name, accounts.error().message));
        return unexpected(kExitRuntime);
    }
    return Minted{{}, **found, *accounts};
}

// A token for the user signed with this installation's key, carrying the user's recorded role (the
// server checks the role against the store anyway).
Expected<Minted, int> mint(const QCommandLineParser &parser, const Config &config, const QString &name)
{
    std::optional<Role> role;
    if (parser.isSet(u"role"_s)) {
        role = roleFromString(parser.value(u"role"_s));
        if (!role) {
            err(u"--role must be user or operator"_s);
            return unexpected(kExitSetting);
        }
    }
    const auto ttl = config.integer(u"CLERA_TOKEN_TTL"_s, 1, 366LL * 24 * 3600);
    if (!ttl) {
        err(ttl.error());
        return unexpected(kExitSetting);
    }
    const auto installation = existingInstallation(config);
    if (!installation)
        return unexpected(installation.error());
    if (installation->postgres && !config.isSet(u"CLERA_JWT_SECRET"_s)) {
        err(JwtSecret::requiredMessage());
        return unexpected(kExitSetting);
    }
    // The server's secret: one generated here would sign tokens the server refuses.
    const auto secret = JwtSecret::resolve(config.value(u"CLERA_JWT_SECRET"_s), installation->dataDir,
                                           JwtSecret::IfMissing::Refuse);
    if (!secret) {
        err(secret.error());
        const bool missing =
            !QFileInfo::exists(QDir(installation->dataDir).filePath(JwtSecret::kFileName.toString()));
        return unexpected(config.isSet(u"CLERA_JWT_SECRET"_s) || missing ? kExitSetting : kExitRuntime);
    }
    auto minted = lookUp(*installation, name);
    if (!minted)
        return minted;
    const Role recorded = roleFromString(minted->user.role).value_or(Role::User);
    if (role && *role != recorded) {
        err(u"%1 has the role %2 in the store; roles change through an operator, not --role"_s.arg(
            name, minted->user.role));
        return unexpected(kExitSetting);
    }
    minted->token = Jwt(secret->key).issue(minted->user.id, recorded, std::chrono::seconds(*ttl));
    return minted;
}

} // namespace

int setRole(const Config &config, const QString &user, const QString &role)
{
    if (!roleFromString(role)) {
        err(u"the role must be user or operator (got '%1')"_s.arg(role));
        return kExitSetting;
    }
    const auto installation = existingInstallation(config);
    if (!installation)
        return installation.error();
    const auto found = lookUp(*installation, user);
    if (!found)
        return found.error();
    auto db = Database::open(installation->store);
    if (!db) {
        err(u"cannot open the store: "_s + db.error().message);
        return kExitRuntime;
    }
    const QString previous = found->user.role;
    const auto changed = (*db)->transaction([&]() -> Expected<Done, StoreError> {
        if (auto set = UserRepository(**db).setRole(found->user.id, role); !set)
            return set;
        AuditEntry entry;
        entry.at = QDateTime::currentDateTimeUtc();
        entry.actor = u"cli"_s;
        entry.action = u"user.set_role"_s;
        entry.subject = found->user.id;
        entry.result = u"ok"_s;
        entry.details = QJsonObject{{u"from"_s, previous}, {u"to"_s, role}};
        if (auto logged = AuditLog(**db).append(entry); !logged)
            return unexpected(logged.error());
        return Done{};
    });
    if (!changed) {
        err(u"cannot change the role of %1: %2"_s.arg(user, changed.error().message));
        return kExitRuntime;
    }
    out(u"%1 (%2): %3 → %4"_s.arg(found->user.email, found->user.id, previous, role));
    return 0;
}

int printToken(const QCommandLineParser &parser, const Config &config, const QString &userId)
{
    const auto minted = mint(parser, config, userId);
    if (!minted)
        return minted.error();
    out(minted->token);
    return 0;
}

int watch(const QCommandLineParser &parser, const Config &config, const QString &userId)
{
    const auto port = config.port(u"WEBSOCKET_PORT"_s);
    if (!port || *port == 0) {
        err(port ? u"watch needs a fixed WEBSOCKET_PORT"_s : port.error());
        return kExitSetting;
    }
    bool countOk = true;
    const int count = parser.isSet(u"count"_s) ? parser.value(u"count"_s).toInt(&countOk) : 0;
    if (!countOk || count < 0) {
        err(u"--count must be a whole number ≥ 0"_s);
        return kExitSetting;
    }
    const auto minted = mint(parser, config, userId);
    if (!minted)
        return minted.error();

    QString accountId = parser.value(u"account"_s);
    if (accountId.isEmpty()) {
        if (minted->accounts.isEmpty()) {
            err(u"%1 owns no account here; pass --account <id> (operators may watch any)"_s.arg(userId));
            return kExitSetting;
        }
        accountId = minted->accounts.first();
    }
    QString host = config.value(u"WEBSOCKET_HOST"_s);
    if (host.isEmpty() || host == u"0.0.0.0" || host == u"::")
        host = u"127.0.0.1"_s;
    QUrl url;
    url.setScheme(u"ws"_s);
    url.setHost(host);
    url.setPort(*port);
    url.setPath(u"/ws/portfolio/"_s + accountId);
    url.setQuery(QUrlQuery{{u"token"_s, minted->token}});

    QWebSocket socket;
    int updates = 0;
    int exitCode = 0;
    QObject::connect(&socket, &QWebSocket::connected, &socket, [&] {
        err(u"watching account %1 on ws://%2:%3 (Ctrl+C to stop)"_s.arg(accountId, host).arg(*port));
    });
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket, [&](const QString &message) {
        out(message);
        const auto type = QJsonDocument::fromJson(message.toUtf8()).object().value(u"type").toString();
        if (type == u"portfolio_update" && count > 0 && ++updates >= count)
            socket.close();
    });
    QObject::connect(&socket, &QWebSocket::disconnected, &socket, [&] {
        if (socket.closeCode() != QWebSocketProtocol::CloseCodeNormal) {
            err(u"connection closed: %1 %2"_s.arg(int(socket.closeCode())).arg(socket.closeReason()));
            exitCode = kExitRuntime;
        }
        QCoreApplication::exit(exitCode);
    });
    QObject::connect(
        &socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &socket,
        [&](QAbstractSocket::SocketError) {
            err(u"cannot reach the server at %1:%2: %3 (is clera-server running?)"_s.arg(host).arg(*port).arg(
                socket.errorString()));
            exitCode = kExitRuntime;
            QCoreApplication::exit(exitCode);
        });
    socket.open(url);
    const int rc = QCoreApplication::exec();
    return exitCode != 0 ? exitCode : rc;
}

} // namespace clera::ServerCommands
