#include "commands.h"
#include "core/config/config.h"
#include "core/domain/heap.h"
#include "serverlog.h"
#include "serverroot.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/resource.h>
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

// One descriptor per WebSocket client: the soft limit (often 1024) goes up to the hard one.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    const rlim_t before = limit.rlim_cur;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            limit.rlim_cur = before;
    }
    const auto figure = [](rlim_t value) {
        return value == RLIM_INFINITY ? u"unlimited"_s : QString::number(quint64(value));
    };
    qCInfo(lcServer).noquote() << u"open file limit: %1 (was %2, hard limit %3)"_s.arg(
        figure(limit.rlim_cur), figure(before), figure(limit.rlim_max));
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own UNIX event dispatcher instead of glib's: glib keeps socket notifiers in a list, so every
    // WebSocket write costs more the more clients are connected (docs/performance.md: +60 % updates/s).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    configureHeapForLongRuns(); // before anything is allocated (core/domain/heap.h)
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"clera-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(CLERA_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Clera server: REST API and live portfolio WebSocket over the embedded simulated broker and "
        u"market.\n\n"
        "Commands:\n"
        "  (none)              run the server; --role picks what this process does:\n"
        "                      all (default: everything in one process, no Redis), or one scale-out role\n"
        "                      over Redis (REDIS_URL or REDIS_HOST): api, websocket, market-data,\n"
        "                      collector, calculator\n"
        "  token <user>        print an access token (JWT) for a user of the store (user id, email or demo\n"
        "                      name such as demo-alice) and exit; it carries the user's recorded role;\n"
        "                      lifetime CLERA_TOKEN_TTL\n"
        "  watch <user>        connect to the running server's WebSocket as the user and print every\n"
        "                      message (--account to pick one, --count to stop after n updates)\n"
        "  set-role <user> <r>  give a user of the store the role user or operator (audited; e.g. the first\n"
        "                      operator of a server without demo data)\n\n"
        "Every setting can also come from the environment or a config file (--config / CLERA_CONFIG)."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Config::addOptions(parser, Config::Server);
    parser.addOption(QCommandLineOption(
        u"demo"_s,
        u"Seed (idempotently) the demo users demo-alice and demo-bob with funded "
        "accounts and positions, and the operator demo-operator (password clera-demo-password)"_s));
    parser.addOption(QCommandLineOption(
        u"role"_s,
        u"Server: the role of this process (%1, default all); token command: fail unless the user has this "
        "role (user|operator)"_s.arg(serverRoleNames()),
        u"role"_s));
    parser.addOption(QCommandLineOption(u"account"_s, u"watch command: account to watch"_s, u"id"_s));
    parser.addOption(QCommandLineOption(
        u"count"_s, u"watch command: stop after n portfolio updates (0: never)"_s, u"n"_s));
    parser.addPositionalArgument(u"command"_s, u"Optional command: token <user_id> | watch <user_id>"_s,
                                 u"[token|watch <user_id>]"_s);

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
            return ServerCommands::printToken(parser, *config, positional[1]);
        if (positional.first() == u"watch" && positional.size() == 2 && !positional[1].isEmpty())
            return ServerCommands::watch(parser, *config, positional[1]);
        if (positional.first() == u"set-role" && positional.size() == 3 && !positional[1].isEmpty())
            return ServerCommands::setRole(*config, positional[1], positional[2]);
        err(u"unknown command '%1'; usage: clera-server [options] | clera-server token|watch <user> | "
            "clera-server set-role <user> user|operator"_s.arg(positional.join(u' ')));
        return kExitSetting;
    }
    if (parser.isSet(u"account"_s) || parser.isSet(u"count"_s)) {
        err(u"--account and --count only apply to the watch command"_s);
        return kExitSetting;
    }
    const auto role = serverRoleFromString(parser.isSet(u"role"_s) ? parser.value(u"role"_s) : u"all"_s);
    if (!role) {
        err(u"--role must be one of %1 (got '%2')"_s.arg(serverRoleNames(), parser.value(u"role"_s)));
        return kExitSetting;
    }

    raiseDescriptorLimit();
    ServerRoot root(*config);
    ServerRoot::Options options;
    options.demo = parser.isSet(u"demo"_s);
    options.role = *role;
    const auto started = root.start(options);
    if (!started) {
        err(started.error().message);
        return started.error().exitCode();
    }
    const QStringList banner = root.banner();
    for (const QString &line : banner)
        out(line);
    installSignalHandlers(app);
    const int code = app.exec();
    root.shutdown();
    return code;
}
