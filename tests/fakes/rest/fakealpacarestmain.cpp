// fake-alpaca-rest: FakeAlpacaRest as a program, for demos of the server and the desktop app.
#include "fakealpacarest.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using namespace Qt::StringLiterals;
using clera::Decimal;
using clera::fake::FakeAlpacaRest;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Alpaca Broker (/v1) and Trading (/v2) REST APIs on 127.0.0.1, in memory"_s);
    parser.addHelpOption();
    const QCommandLineOption port(u"port"_s, u"Port (0 picks a free one)."_s, u"port"_s, u"0"_s);
    const QCommandLineOption accounts(u"accounts"_s, u"Funded accounts to create."_s, u"n"_s, u"2"_s);
    const QCommandLineOption cash(u"cash"_s, u"Cash of each account."_s, u"amount"_s, u"10000"_s);
    const QCommandLineOption brokerKey(u"broker-key"_s, u"Broker API key id."_s, u"key"_s);
    const QCommandLineOption brokerSecret(u"broker-secret"_s, u"Broker API secret."_s, u"secret"_s);
    const QCommandLineOption tradingKey(u"trading-key"_s, u"Trading API key id."_s, u"key"_s);
    const QCommandLineOption tradingSecret(u"trading-secret"_s, u"Trading API secret."_s, u"secret"_s);
    parser.addOptions({port, accounts, cash, brokerKey, brokerSecret, tradingKey, tradingSecret});
    parser.process(app);

    QTextStream err(stderr);
    bool portOk = false;
    const uint portValue = parser.value(port).toUInt(&portOk);
    bool countOk = false;
    const int count = parser.value(accounts).toInt(&countOk);
    const auto amount = Decimal::parse(parser.value(cash));
    if (!portOk || portValue > 65535 || !countOk || count < 0 || !amount) {
        err << "fake-alpaca-rest: --port must be 0-65535, --accounts a count, --cash a decimal\n";
        return 2;
    }

    FakeAlpacaRest fake;
    FakeAlpacaRest::Credentials broker = fake.brokerCredentials();
    FakeAlpacaRest::Credentials trading = fake.tradingCredentials();
    if (parser.isSet(brokerKey))
        broker.keyId = parser.value(brokerKey);
    if (parser.isSet(brokerSecret))
        broker.secret = parser.value(brokerSecret);
    if (parser.isSet(tradingKey))
        trading.keyId = parser.value(tradingKey);
    if (parser.isSet(tradingSecret))
        trading.secret = parser.value(tradingSecret);
    fake.setBrokerCredentials(broker);
    fake.setTradingCredentials(trading);
    if (fake.listen(quint16(portValue)) == 0) {
        err << "fake-alpaca-rest: cannot listen on 127.0.0.1:" << portValue << '\n';
        return 1;
    }
    QTextStream out(stdout);
    out << "fake Alpaca REST on " << fake.baseUrl().toString() << '\n'
        << "broker key id " << broker.keyId << ", trading key id " << trading.keyId
        << " (secrets: the --*-secret options or FakeAlpacaRest's defaults)\n";
    for (int i = 0; i < count; ++i)
        out << "account " << fake.seedAccount(*amount) << (i == 0 ? " (Trading API account)" : "") << '\n';
    out.flush();
    return app.exec();
}
