// fake-alpaca-rest: FakeAlpacaRest as a program, for demos of the server and the desktop app, with the
// Broker API's SSE event streams (FakeAlpacaEvents) and the Trading API's trade_updates WebSocket
// (FakeTradeUpdates) beside it on their own free ports.
#include "fakealpacaevents.h"
#include "fakealpacarest.h"
#include "fakes/data/fakealpacadata.h"
#include "faketradeupdates.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

using namespace Qt::StringLiterals;
using clera::Decimal;
using clera::fake::FakeAlpacaData;
using clera::fake::FakeAlpacaEvents;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeTradeUpdates;

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
    FakeAlpacaEvents events(broker.keyId, broker.secret);
    if (events.listen() == 0) {
        err << "fake-alpaca-rest: cannot listen for the event streams\n";
        return 1;
    }
    fake.onboarding().attachEvents(&events);
    FakeTradeUpdates tradeUpdates(fake);
    if (!tradeUpdates.listen()) {
        err << "fake-alpaca-rest: cannot listen for trade_updates\n";
        return 1;
    }
    // Market-data REST with a snapshot per listed stock (the previous close 1% under the last price).
    FakeAlpacaData data;
    if (data.listen() == 0) {
        err << "fake-alpaca-rest: cannot listen for market data\n";
        return 1;
    }
    data.setCredentials(broker.keyId, broker.secret);
    for (const QJsonValue &asset : fake.book().assets({}).body.toArray()) {
        const QString symbol = asset.toObject().value(u"symbol"_s).toString();
        const Decimal last = fake.book().lastPrice(symbol);
        data.setSnapshot(symbol, last, (last * Decimal::parse(u"0.99"_s).value()).rounded(2));
    }
    QTextStream out(stdout);
    out << "fake Alpaca REST on " << fake.baseUrl().toString() << '\n'
        << "ALPACA_BROKER_API_URL=" << fake.baseUrl().toString() << '\n'
        << "ALPACA_TRADING_API_URL=" << fake.baseUrl().toString() << '\n'
        << "ALPACA_BROKER_EVENTS_URL=" << events.baseUrl().toString() << '\n'
        << "ALPACA_TRADING_STREAM_URL=" << tradeUpdates.url().toString() << '\n'
        << "ALPACA_DATA_API_URL=" << data.baseUrl().toString() << " (broker keys, HTTP Basic)\n"
        << "broker key id " << broker.keyId << ", trading key id " << trading.keyId
        << " (secrets: the --*-secret options or FakeAlpacaRest's defaults)\n";
    for (int i = 0; i < count; ++i)
        out << "account " << fake.seedAccount(*amount) << (i == 0 ? " (Trading API account)" : "") << '\n';
    out.flush();
    return app.exec();
}
