#include "core/auth/jwt.h"
#include "core/config/config.h"
#include "core/store/accountdirectory.h"
#include "jwtsecret.h"
#include "serverroot.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitSetting = 2;

int g_signalFds[2] = {-1, -1};

void out(const QString &line)
{
    std::fputs(qPrintable(line + u'\n'), stdout);
    std::fflush(stdout);
}

void err(const QString &line)
{
    std::fputs(qPrintable(u"clera-server: "_s + line + u'\n'), stderr);
}

void jsonLogHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const char *const levels[] = {"debug", "warning", "critical", "fatal", "info"};
    const QJsonObject line{
        {u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {u"level"_s, QString::fromLatin1(levels[qBound(0, int(type), 4)])},
        {u"category"_s, QString::fromLatin1(context.category ? context.category : "default")},
        {u"message"_s, message},
    };
    std::fputs(QJsonDocument(line).toJson(QJsonDocument::Compact).append('\n').constData(), stderr);
}

// SIGINT/SIGTERM end the event loop through a socket pair, so the databases close cleanly.
void installSignalHandlers(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFds[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        notifier->setEnabled(false);
        char c = 0;
        [[maybe_unused]] const auto n = ::read(g_signalFds[1], &c, 1);
        QCoreApplication::quit();
    });
    const auto handler = [](int) {
        const char c = 1;
        [[maybe_unused]] const auto n = ::write(g_signalFds[0], &c, 1);
    };
    std::signal(SIGINT, handler);
    std::signal(SIGTERM, handler);
}

int printToken(const QCommandLineParser &parser, const Config &config, const QString &userId)
{
    std::optional<Role> role;
    if (parser.isSet(u"role"_s)) {
        role = roleFromString(parser.value(u"role"_s));
        if (!role) {
            err(u"--role must be user or operator"_s);
            return kExitSetting;
        }
    }
    const auto ttl = config.integer(u"CLERA_TOKEN_TTL"_s, 1, 366LL * 24 * 3600);
    if (!ttl) {
        err(ttl.error());
        return kExitSetting;
    }
    const auto dataDir = config.dataDir();
    if (!dataDir) {
        err(dataDir.error());
        return kExitRuntime;
    }
    const auto secret = JwtSecret::resolve(config.value(u"CLERA_JWT_SECRET"_s), *dataDir);
    if (!secret) {
        err(secret.error());
        return config.isSet(u"CLERA_JWT_SECRET"_s) ? kExitSetting : kExitRuntime;
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
    out(Jwt(secret->key).issue(userId, role.value_or(Role::User), std::chrono::seconds(*ttl)));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"clera-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CLERA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Clera server: REST API and live portfolio WebSocket over the embedded simulated broker and "
        u"market.\n\n"
        "Commands:\n"
        "  (none)              run the server\n"
        "  token <user_id>     print an access token (JWT) for a user and exit; the role is the user's\n"
        "                      recorded role unless --role is given; lifetime CLERA_TOKEN_TTL\n\n"
        "Every setting can also come from the environment or a config file (--config / CLERA_CONFIG)."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Config::addOptions(parser, Config::Server);
    parser.addOption(QCommandLineOption(
        u"demo"_s, u"Seed (idempotently) the demo users demo-alice and demo-bob with funded "
                   "accounts and positions, and the operator demo-operator"_s));
    parser.addOption(
        QCommandLineOption(u"role"_s, u"token command: role of the token (user|operator)"_s, u"role"_s));
    parser.addPositionalArgument(u"command"_s, u"Optional command: token <user_id>"_s,
                                 u"[token <user_id>]"_s);

    if (!parser.parse(QCoreApplication::arguments())) {
        err(parser.errorText());
        return kExitSetting;
    }
    if (parser.isSet(u"help"_s))
        parser.showHelp(0);
    if (parser.isSet(u"version"_s))
        parser.showVersion();

    const auto config = Config::resolve(parser, Config::Server);
    if (!config) {
        err(config.error());
        return kExitSetting;
    }
    const QString logFormat = config->value(u"CLERA_LOG_FORMAT"_s);
    if (logFormat == u"json")
        qInstallMessageHandler(jsonLogHandler);
    else if (logFormat != u"text") {
        err(u"CLERA_LOG_FORMAT must be text or json (got '%1')"_s.arg(logFormat));
        return kExitSetting;
    }

    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        if (positional.first() == u"token" && positional.size() == 2 && !positional[1].isEmpty())
            return printToken(parser, *config, positional[1]);
        err(u"unknown command '%1'; usage: clera-server [options] | clera-server token <user_id> [--role r]"_s
                .arg(positional.join(u' ')));
        return kExitSetting;
    }
    if (parser.isSet(u"role"_s)) {
        err(u"--role only applies to the token command"_s);
        return kExitSetting;
    }

    ServerRoot root(*config);
    const auto started = root.start({parser.isSet(u"demo"_s), true});
    if (!started) {
        err(started.error().message);
        return started.error().exitCode();
    }
    const QStringList banner = root.banner();
    for (const QString &line : banner)
        out(line);
    installSignalHandlers(app);
    return app.exec();
}
