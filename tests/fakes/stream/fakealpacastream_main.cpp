// fake-alpaca-stream: the fake market-data stream as a program, so clera-server and the desktop app can
// be pointed at it (ALPACA_DATA_STREAM_URL=ws://127.0.0.1:<port>/v2/iex).

#include "fakes/stream/fakealpacastream.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::StringLiterals;
using clera::fake::FakeAlpacaStream;

namespace {

bool toInt(const QString &text, int min, int &out)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < min)
        return false;
    out = v;
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"fake-alpaca-stream"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"A local Alpaca market-data WebSocket for tests and demos."_s);
    parser.addHelpOption();
    const QCommandLineOption host(u"host"_s, u"Listen address."_s, u"address"_s, u"127.0.0.1"_s);
    const QCommandLineOption port(u"port"_s, u"Port (0 picks a free one)."_s, u"port"_s, u"0"_s);
    const QCommandLineOption key(u"key"_s, u"Accepted key id."_s, u"key"_s, u"fake-key"_s);
    const QCommandLineOption secret(u"secret"_s, u"Accepted secret."_s, u"secret"_s, u"fake-secret"_s);
    const QCommandLineOption rate(u"rate"_s, u"Trades per second over the subscribed symbols."_s, u"n"_s, u"20"_s);
    const QCommandLineOption limit(u"symbol-limit"_s, u"Symbols per session (405 above)."_s, u"n"_s, u"30"_s);
    const QCommandLineOption authTimeout(u"auth-timeout"_s, u"Milliseconds to authenticate (404 after)."_s,
                                         u"ms"_s, u"10000"_s);
    parser.addOptions({host, port, key, secret, rate, limit, authTimeout});
    parser.process(app);

    QTextStream err(stderr);
    FakeAlpacaStream::Options options;
    options.keyId = parser.value(key);
    options.secret = parser.value(secret);
    int portValue = 0;
    int rateValue = 0;
    if (!toInt(parser.value(port), 0, portValue) || portValue > 65535 || !toInt(parser.value(rate), 0, rateValue)
        || !toInt(parser.value(limit), 1, options.symbolLimit)
        || !toInt(parser.value(authTimeout), 1, options.authTimeoutMs)) {
        err << "fake-alpaca-stream: --port, --rate, --symbol-limit and --auth-timeout take non-negative integers\n";
        return 2;
    }
    const QHostAddress address(parser.value(host));
    if (address.isNull()) {
        err << "fake-alpaca-stream: bad --host " << parser.value(host) << '\n';
        return 2;
    }

    FakeAlpacaStream fake(options);
    if (!fake.listen(address, quint16(portValue))) {
        err << "fake-alpaca-stream: cannot listen on " << address.toString() << ':' << portValue << ": "
            << fake.errorString() << '\n';
        return 1;
    }
    fake.setTradeRate(rateValue);
    QTextStream(stdout) << "fake-alpaca-stream listening on ws://" << address.toString() << ':' << fake.port()
                        << "/v2/iex (key " << options.keyId << ", " << rateValue << " trades/s)" << Qt::endl;
    return QCoreApplication::exec();
}
