#include "app/approot.h"
#include "app/portfoliomodel.h"
#include "app/positionsmodel.h"
#include "core/config/config.h"
#include "fakes/data/fakealpacadata.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/faketradeupdates.h"
#include "fakes/stream/fakealpacastream.h"

#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

namespace {

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

} // namespace

// The desktop app on the user's own Alpaca account (Trading API keys), with the Trading API, the
// market-data stream and the data API played by local fakes: it shows that account, valued from
// streamed trades, and never trades for the user.
class TestAppAlpaca : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FakeAlpacaRest m_rest;
    FakeAlpacaData m_data;
    std::unique_ptr<FakeAlpacaStream> m_stream;
    std::unique_ptr<FakeTradeUpdates> m_updates;
    QString m_account;

    [[nodiscard]] Expected<AppRoot::Options, QString> options(const QStringList &extraEnv = {}) const
    {
        const auto keys = m_rest.tradingCredentials();
        QProcessEnvironment env;
        env.insert(u"CLERA_DATA_DIR"_s, m_dir.path());
        env.insert(u"APCA_API_KEY_ID"_s, keys.keyId);
        env.insert(u"APCA_API_SECRET"_s, keys.secret);
        env.insert(u"ALPACA_TRADING_API_URL"_s, m_rest.baseUrl().toString());
        env.insert(u"ALPACA_DATA_STREAM_URL"_s, m_stream->url().toString());
        env.insert(u"ALPACA_DATA_API_URL"_s, m_data.baseUrl().toString());
        env.insert(u"ALPACA_TRADING_STREAM_URL"_s, m_updates->url().toString());
        env.insert(u"MIN_UPDATE_INTERVAL"_s, u"0"_s);
        for (const QString &pair : extraEnv)
            env.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
        QCommandLineParser parser;
        Config::addOptions(parser, Config::App);
        if (!parser.parse({u"clera"_s}))
            return unexpected(parser.errorText());
        const auto config = Config::resolve(parser, Config::App, env);
        if (!config)
            return unexpected(config.error());
        return AppRoot::optionsFrom(*config);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_rest.listen() != 0);
        const auto keys = m_rest.tradingCredentials();
        FakeAlpacaStream::Options streamOptions;
        streamOptions.keyId = keys.keyId;
        streamOptions.secret = keys.secret;
        m_stream = std::make_unique<FakeAlpacaStream>(streamOptions);
        QVERIFY(m_stream->listen());
        QVERIFY(m_data.listen() != 0);
        m_updates = std::make_unique<FakeTradeUpdates>(m_rest);
        QVERIFY(m_updates->listen());
        m_data.setCredentials(keys.keyId, keys.secret);
        m_data.setSnapshot(u"AAPL"_s, dec("201"), dec("198"));

        m_account = m_rest.seedAccount(dec("5000"));
        m_rest.setTradingAccountId(m_account);
        m_rest.book().setLastPrice(u"AAPL"_s, dec("200"));
        const auto bought = m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, u"AAPL"_s},
                                                                             {u"qty"_s, u"4"_s},
                                                                             {u"side"_s, u"buy"_s},
                                                                             {u"type"_s, u"market"_s},
                                                                             {u"time_in_force"_s, u"day"_s}});
        QCOMPARE(bought.status, 200);
    }

    void tradingKeysSelectTheOwnAccount()
    {
        const auto o = options();
        QVERIFY2(o, qPrintable(o ? QString() : o.error()));
        QCOMPARE(o->backend.broker, BackendSelection::BrokerKind::AlpacaTrading);
        QCOMPARE(o->backend.feed, BackendSelection::FeedKind::Alpaca);
        const auto simulatedPrices = options({u"CLERA_FEED=sim"_s});
        QVERIFY(!simulatedPrices);
        QVERIFY(simulatedPrices.error().contains(u"simulated prices for real holdings"_s));
        const auto brokerApi =
            options({u"CLERA_BROKER=alpaca"_s, u"BROKER_API_KEY=k"_s, u"BROKER_SECRET_KEY=s"_s});
        QVERIFY(!brokerApi);
    }

    void showsTheAlpacaAccountValuedFromTheStream()
    {
        const auto o = options();
        QVERIFY(o);
        AppRoot root(*o);
        QVERIFY(root.start());
        QTRY_COMPARE_WITH_TIMEOUT(root.accountId(), m_account, 10000);
        QCOMPARE(root.simBroker(), nullptr);
        QCOMPARE(root.portfolio()->modeText(), u"Alpaca paper trading"_s); // ALPACA_SANDBOX defaults to paper
        QCOMPARE(root.portfolio()->accountNotice(), u"Alpaca paper account — not real money"_s);
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades(), QStringList{u"AAPL"_s}, 10000);

        m_stream->publishTrades({{u"AAPL"_s, dec("203.25"), Timestamp::now()}});
        const Decimal cash = m_rest.book().cash(m_account).value();
        QCOMPARE(cash, dec("4200"));
        QTRY_COMPARE_WITH_TIMEOUT(root.portfolio()->lastUpdate().value_or(PortfolioUpdate{}).totalValue,
                                  std::optional<Decimal>(cash + dec("4") * dec("203.25")), 10000);
        // The 4 AAPL were bought today at 200 (the fake's fill, a FILL activity of today): measured from
        // that fill price, not from the previous close (198).
        QTRY_COMPARE(root.portfolio()->lastUpdate()->todayReturn,
                     std::optional<Decimal>(dec("4") * (dec("203.25") - dec("200"))));
        QTRY_COMPARE(root.positions()->rowCount(), 1);

        // Never trades for the user: no starter portfolio on Alpaca.
        QCOMPARE(m_rest.book().orderCount(m_account), 1);
        QCOMPARE(m_rest.requests("POST", u"/orders"_s).size(), 0);
    }

    void fillsMadeElsewhereShowAtOnce()
    {
        // A recalculation far away: only the trade_updates stream can tell the app about the fill below
        // (with ALPACA_TRADING_STREAM_URL pointed at nothing, this test fails).
        const auto o = options({u"RECALCULATION_INTERVAL=3600"_s});
        QVERIFY(o);
        AppRoot root(*o);
        QVERIFY(root.start());
        QTRY_COMPARE_WITH_TIMEOUT(root.accountId(), m_account, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_updates->listeningCount(), 1, 10000);
        QTRY_COMPARE(root.positions()->rowCount(), 1);

        // The user buys MSFT on Alpaca's own site: the fill arrives over trade_updates, the app reloads
        // the account and subscribes the new symbol.
        m_rest.book().setLastPrice(u"MSFT"_s, dec("400"));
        const auto bought = m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, u"MSFT"_s},
                                                                             {u"qty"_s, u"2"_s},
                                                                             {u"side"_s, u"buy"_s},
                                                                             {u"type"_s, u"market"_s},
                                                                             {u"time_in_force"_s, u"day"_s}});
        QCOMPARE(bought.status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(root.positions()->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades(), (QStringList{u"AAPL"_s, u"MSFT"_s}), 10000);
        m_stream->publishTrades(
            {{u"AAPL"_s, dec("203.25"), Timestamp::now()}, {u"MSFT"_s, dec("401.5"), Timestamp::now()}});
        const Decimal cash = m_rest.book().cash(m_account).value();
        QTRY_COMPARE_WITH_TIMEOUT(
            root.portfolio()->lastUpdate().value_or(PortfolioUpdate{}).totalValue,
            std::optional<Decimal>(cash + dec("4") * dec("203.25") + dec("2") * dec("401.5")), 10000);
        QCOMPARE(m_rest.requests("POST", u"/orders"_s).size(), 0); // still never trades for the user
    }
};

QTEST_GUILESS_MAIN(TestAppAlpaca)
#include "tst_app_alpaca.moc"
