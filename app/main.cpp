#include "approot.h"
#include "desktopsecrets.h"
#include "keychainsecretstore.h"
#include "mainwindowloader.h"
#include "portfoliomodel.h"
#include "qmlplugins.h"

#include "core/config/config.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Long enough for a few ticks and one throttled update after the first (MIN_UPDATE_INTERVAL is 2 s).
constexpr int kScreenshotSettleMs = 2500;
constexpr int kScreenshotTimeoutMs = 30000;

void fatal(const QString &message)
{
    std::fprintf(stderr, "clera: %s\n", qPrintable(message));
}

// Saves a PNG of the window once the first portfolio figures (or an error) are shown and a few ticks
// have rendered, then quits: exit code 0 when saved, 1 otherwise.
void scheduleScreenshot(QApplication &app, QQuickWindow *window, clera::PortfolioModel *portfolio, const QString &file)
{
    auto *settle = new QTimer(&app);
    settle->setSingleShot(true);
    settle->setInterval(kScreenshotSettleMs);
    QObject::connect(settle, &QTimer::timeout, window, [window, file] {
        const QImage image = window->grabWindow();
        if (image.isNull() || !image.save(file, "PNG")) {
            fatal(u"could not save a screenshot to %1"_s.arg(file));
            QCoreApplication::exit(1);
            return;
        }
        std::printf("clera: screenshot saved to %s (%dx%d)\n", qPrintable(file), image.width(), image.height());
        QCoreApplication::exit(0);
    });
    const auto armWhenShown = [settle, portfolio] {
        if (!portfolio->loading() && !settle->isActive())
            settle->start();
    };
    QObject::connect(portfolio, &clera::PortfolioModel::loadingChanged, settle, armWhenShown);
    armWhenShown();
    QTimer::singleShot(kScreenshotTimeoutMs, &app, [] {
        fatal(u"timed out waiting for the first portfolio update; no screenshot taken"_s);
        QCoreApplication::exit(1);
    });
}

// QApplication needs a display before the command line is parsed: without one, let --help/--version
// print and --screenshot render offscreen instead of failing in the platform plugin.
void useOffscreenWithoutDisplay(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || qEnvironmentVariableIsSet("DISPLAY")
        || qEnvironmentVariableIsSet("WAYLAND_DISPLAY"))
        return;
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version"
            || arg == "--screenshot" || arg.startsWith("--screenshot=") || arg == "--set-alpaca-keys"
            || arg == "--forget-alpaca-keys") {
            qputenv("QT_QPA_PLATFORM", "offscreen");
            return;
        }
    }
}

} // namespace

int main(int argc, char *argv[])
{
    useOffscreenWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"clera"_s);
    QApplication::setApplicationDisplayName(u"Clera"_s);
    QApplication::setOrganizationName(u"Clera"_s);
    QApplication::setApplicationVersion(QStringLiteral(CLERA_VERSION));
    QApplication::setDesktopFileName(u"clera"_s);
    QQuickStyle::setStyle(u"Basic"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Clera desktop: your portfolio, live. Runs a simulated market and a paper "
                                     u"account out of the box."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(u"screenshot"_s,
                                        u"Save a PNG of the window once the portfolio is shown, then exit"_s,
                                        u"file"_s);
    parser.addOption(screenshot);
    const QCommandLineOption setKeys(u"set-alpaca-keys"_s,
                                     u"Read an Alpaca Trading API key id and secret (two lines on standard input) "
                                     u"into the OS keychain, then exit. With them, clera shows your Alpaca account"_s);
    const QCommandLineOption forgetKeys(u"forget-alpaca-keys"_s, u"Remove the Alpaca keys from the OS keychain, then exit"_s);
    parser.addOptions({setKeys, forgetKeys});
    clera::Config::addOptions(parser, clera::Config::App);
    parser.process(app);

    const auto config = clera::Config::resolve(parser, clera::Config::App);
    if (!config) {
        fatal(config.error());
        return 1;
    }
    clera::KeychainSecretStore keychain(clera::DesktopSecrets::kService.toString());
    if (parser.isSet(setKeys) || parser.isSet(forgetKeys)) {
        QFuture<clera::SecretStore::WriteResult> done;
        if (parser.isSet(setKeys)) {
            QTextStream in(stdin);
            const QString keyId = in.readLine().trimmed();
            const QString secret = in.readLine().trimmed();
            if (keyId.isEmpty() || secret.isEmpty()) {
                fatal(u"expected the key id and the secret on two lines of standard input"_s);
                return 2;
            }
            done = clera::DesktopSecrets::storeAlpacaKeys(keychain, keyId, secret);
        } else {
            done = clera::DesktopSecrets::forgetAlpacaKeys(keychain);
        }
        done.then(&app, [](const clera::SecretStore::WriteResult &r) {
            if (!r)
                fatal(r.error());
            else
                std::printf("clera: done\n");
            QCoreApplication::exit(r ? 0 : 1);
        });
        return app.exec();
    }

    // Keys in the keychain (unless the environment sets them) select the user's own Alpaca account.
    std::unique_ptr<clera::AppRoot> root;
    std::unique_ptr<QQmlApplicationEngine> engine;
    auto keychainWarning = std::make_shared<QString>();
    clera::DesktopSecrets::withStoredKeys(keychain, *config, keychainWarning.get())
        .then(&app, [&, keychainWarning](const clera::Config &resolved) {
            if (!keychainWarning->isEmpty())
                fatal(u"cannot read the keychain (%1); running the simulation"_s.arg(*keychainWarning));
            const auto options = clera::AppRoot::optionsFrom(resolved);
            if (!options) {
                fatal(options.error());
                QCoreApplication::exit(1);
                return;
            }
            root = std::make_unique<clera::AppRoot>(*options);
            if (const auto started = root->start(); !started) {
                fatal(started.error());
                QCoreApplication::exit(1);
                return;
            }
            engine = std::make_unique<QQmlApplicationEngine>();
            QString error;
            QQuickWindow *window = clera::MainWindowLoader::load(*engine, *root, &error);
            if (!window) {
                fatal(error);
                QCoreApplication::exit(1);
                return;
            }
            if (parser.isSet(screenshot))
                scheduleScreenshot(app, window, root->portfolio(), parser.value(screenshot));
        });
    const int rc = app.exec();
    engine.reset(); // the QML engine before the models it binds to
    root.reset();
    return rc;
}
