#include "commands.h"

#include "core/auth/jwt.h"
#include "core/config/config.h"
#include "core/store/accountdirectory.h"
#include "jwtsecret.h"
#include "serverroot.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
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
    QString dataDir;
};

// A token for `userId` signed with this installation's key. The role is --role, else the user's
// recorded role, else user.
Expected<Minted, int> mint(const QCommandLineParser &parser, const Config &config, const QString &userId)
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
    const auto dataDir = config.dataDir();
    if (!dataDir) {
        err(dataDir.error());
        return unexpected(kExitRuntime);
    }
    const auto secret = JwtSecret::resolve(config.value(u"CLERA_JWT_SECRET"_s), *dataDir);
    if (!secret) {
        err(secret.error());
        return unexpected(config.isSet(u"CLERA_JWT_SECRET"_s) ? kExitSetting : kExitRuntime);
    }
    if (!role) {
        AccountDirectory directory(QDir(*dataDir).filePath(ServerRoot::kDirectoryDatabase.toString()));
        const auto known = directory.open() ? directory.userRole(userId) : Expected<QString, QString>();
        if (known && !known->isEmpty())
            role = roleFromString(*known);
        else
            err(u"note: %1 is not a known user (start once with --demo to seed demo users); issuing a user token"_s
                    .arg(userId));
    }
    return Minted{Jwt(secret->key).issue(userId, role.value_or(Role::User), std::chrono::seconds(*ttl)), *dataDir};
}

} // namespace

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
        AccountDirectory directory(QDir(minted->dataDir).filePath(ServerRoot::kDirectoryDatabase.toString()));
        const auto accounts = directory.open() ? directory.accountsOf(userId) : Expected<QStringList, QString>();
        if (!accounts || accounts->isEmpty()) {
            err(u"%1 owns no account here; pass --account <id> (operators may watch any)"_s.arg(userId));
            return kExitSetting;
        }
        accountId = accounts->first();
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
    QObject::connect(&socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &socket, [&](QAbstractSocket::SocketError) {
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
