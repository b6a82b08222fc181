#include "alpacamarketfakes.h"
#include "core/auth/jwt.h"
#include "core/marketdata/marketfeed.h"
#include "fakes/rest/fakealpacaevents.h"
#include "fakes/rest/fakealpacarest.h"
#include "server/serverroot.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
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

// clera-server on Alpaca's Broker API and market-data stream, both played by the local fakes: the
// account is valued from streamed trades, and keeps being valued after the stream drops.
class TestServerAlpaca : public QObject, protected test::AlpacaMarketFakes
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;
    QString m_account;
    QString m_operatorId;
    Decimal m_cash;

    [[nodiscard]] QUrl watchUrl() const
    {
        return test::portfolioUrl(*m_root, m_operatorId, Role::Operator, m_account);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(listenFakes());
        const auto credentials = m_rest.brokerCredentials();
        m_data.setSnapshot(u"AAPL"_s, dec("200.5"), dec("195"));
        m_data.setSnapshot(u"MSFT"_s, dec("401"), dec("390"));

        // An account at the fake broker holding two symbols bought at the fake's prices.
        m_account = m_rest.seedAccount(dec("10000"));
        m_rest.book().setLastPrice(u"AAPL"_s, dec("200"));
        m_rest.book().setLastPrice(u"MSFT"_s, dec("400"));
        for (const auto &[symbol, qty] : {std::pair{u"AAPL"_s, u"3"_s}, std::pair{u"MSFT"_s, u"1.5"_s}}) {
            const auto reply =
                m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, symbol},
                                                                 {u"qty"_s, qty},
                                                                 {u"side"_s, u"buy"_s},
                                                                 {u"type"_s, u"market"_s},
                                                                 {u"time_in_force"_s, u"day"_s}});
            QCOMPARE(reply.status, 200);
        }
        m_cash = m_rest.book().cash(m_account).value();
        QCOMPARE(m_cash, dec("8800")); // 10000 − 3 × 200 − 1.5 × 400

        m_root =
            test::startAlpacaServer(m_dir.path(), alpacaServer({u"--alpaca-stream-stale-timeout"_s, u"1.5"_s,
                                                                u"--recalculation-interval"_s, u"1"_s}));
        QVERIFY(m_root);
        // In broker mode there are no demo users: an operator is a user of the store with that role.
        const auto op = m_root->users().create(u"ops@example.com"_s, u"$argon2id$unused"_s, u"operator"_s,
                                               QDateTime::currentDateTimeUtc());
        QVERIFY(op);
        m_operatorId = op->id;
        QVERIFY(m_root->banner().join(u'\n').contains(u"broker alpaca (http://127.0.0.1"_s));
        QVERIFY(!m_root->banner().join(u'\n').contains(credentials.secret));
    }

    void cleanupTestCase()
    {
        m_root.reset();
        m_stream.reset();
    }

    void heldSymbolsAreSubscribedOnce()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades(), (QStringList{u"AAPL"_s, u"MSFT"_s}), 10000);
        QCOMPARE(m_stream->authenticatedCount(), 1);
        QCOMPARE(m_root->feed()->name(), u"alpaca"_s);
    }

    void valueFollowsStreamedTrades()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades().size(), 2, 10000);
        m_stream->publishTrades(
            {{u"AAPL"_s, dec("201.37"), Timestamp::now()}, {u"MSFT"_s, dec("399.5"), Timestamp::now()}});
        const Decimal expected = m_cash + dec("3") * dec("201.37") + dec("1.5") * dec("399.5");
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(), expected.toString(), 5000);
        // Today's return: the shares were bought today (the fake's fills), so they are measured from their
        // fill prices, not from the previous close of the market-data snapshots (195 and 390).
        const Decimal today =
            dec("3") * (dec("201.37") - dec("200")) + dec("1.5") * (dec("399.5") - dec("400"));
        QTRY_COMPARE(client.last().value(u"raw_return"_s).toString(), today.toString());
        QVERIFY(m_data.snapshotRequests() >= 1);
    }

    void assetSearchFollowsTheBroker()
    {
        // The broker's list (AAPL, MSFT, SPY, BRK.A; its crypto pair left out) replaces the curated one,
        // and is kept in the data folder for the next start.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_dir.filePath(u"assets-alpaca.json"_s)), 10000);
        QNetworkAccessManager http;
        const auto search = [&](const QString &q) {
            QNetworkRequest request(
                QUrl(u"http://127.0.0.1:%1/api/v1/assets?q=%2"_s.arg(m_root->restPort()).arg(q)));
            request.setRawHeader(
                "Authorization",
                "Bearer " +
                    m_root->jwt().issue(m_operatorId, Role::Operator, std::chrono::minutes(5)).toLatin1());
            QNetworkReply *reply = http.get(request);
            QSignalSpy finished(reply, &QNetworkReply::finished);
            [&] { QVERIFY(finished.wait(5000)); }();
            const QJsonArray items = QJsonDocument::fromJson(reply->readAll()).array();
            reply->deleteLater();
            QStringList symbols;
            for (const QJsonValue &item : items)
                symbols.append(item.toObject().value(u"symbol"_s).toString());
            return symbols;
        };
        QCOMPARE(search(u"BRK"_s), QStringList{u"BRK.A"_s});
        QCOMPARE(search(u"NVDA"_s), QStringList{}); // curated, but not at this broker
        QCOMPARE(search(u"BTC"_s), QStringList{});  // crypto is not a us_equity
        QCOMPARE(search(u""_s).size(), 4);
    }

    void valuationSurvivesAStreamDrop()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_VERIFY(!client.messages.isEmpty());
        QSignalSpy statuses(m_root->feed(), &MarketFeed::statusChanged);
        m_stream->dropAll();
        QTRY_VERIFY(!statuses.isEmpty()); // the drop was noticed …
        QVERIFY(statuses.first().first().value<MarketFeed::Status>() != MarketFeed::Status::Live);
        QTRY_COMPARE_WITH_TIMEOUT(m_root->feed()->status(), MarketFeed::Status::Live, 10000); // … and healed
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->authenticatedCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades().size(), 2, 10000); // resubscribed
        m_stream->publishTrades({{u"AAPL"_s, dec("190"), Timestamp::now()}});
        const Decimal expected = m_cash + dec("3") * dec("190") + dec("1.5") * dec("399.5");
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(), expected.toString(), 5000);
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState); // the client never noticed
    }

    void valuationSurvivesASilentStream()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_VERIFY(!client.messages.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_root->feed()->status(), MarketFeed::Status::Live, 10000);
        const int connections = m_stream->connectionCount();
        // The connection stays open but nothing flows either way, pings included (alpaca-py #740).
        m_stream->setSilent(true);
        m_stream->publishTrades({{u"AAPL"_s, dec("1"), Timestamp::now()}}); // lost in the silence
        // After ALPACA_STREAM_STALE_TIMEOUT (1.5 s here) the server gives up on it and reconnects.
        QTRY_VERIFY_WITH_TIMEOUT(m_stream->connectionCount() > connections, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_root->feed()->status(), MarketFeed::Status::Live, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades().size(), 2, 10000);
        m_stream->setSilent(false);
        QVERIFY(client.last().value(u"raw_value"_s).toString() !=
                (m_cash + dec("3") + dec("1.5") * dec("399.5")).toString());
        m_stream->publishTrades({{u"MSFT"_s, dec("402.25"), Timestamp::now()}});
        const Decimal expected = m_cash + dec("3") * dec("190") + dec("1.5") * dec("402.25");
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(), expected.toString(), 5000);
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    }

    void valuationSurvivesA429Storm()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_VERIFY(!client.messages.isEmpty());
        // Every Broker API call now answers 429 with Retry-After: the periodic reloads (every second
        // here) fail, but prices keep flowing from the stream.
        const qsizetype before = m_rest.requests().size();
        m_rest.injectFault(FakeFault::rateLimited(1, 100000));
        QTRY_VERIFY_WITH_TIMEOUT(m_rest.requests().size() >= before + 3, 10000);
        m_stream->publishTrades({{u"AAPL"_s, dec("205"), Timestamp::now()}});
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(),
                                  (m_cash + dec("3") * dec("205") + dec("1.5") * dec("402.25")).toString(),
                                  5000);

        // Meanwhile the account buys one more AAPL at the broker; once the storm ends, the next reload
        // brings the new cash and quantity in, valued at the streamed price.
        const auto reply = m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, u"AAPL"_s},
                                                                            {u"qty"_s, u"1"_s},
                                                                            {u"side"_s, u"buy"_s},
                                                                            {u"type"_s, u"market"_s},
                                                                            {u"time_in_force"_s, u"day"_s}});
        QCOMPARE(reply.status, 200);
        const Decimal cash = m_rest.book().cash(m_account).value();
        QCOMPARE(cash, m_cash - dec("200"));
        m_rest.clearFaults();
        const Decimal expected = cash + dec("4") * dec("205") + dec("1.5") * dec("402.25");
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(), expected.toString(), 15000);
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    }
};

// The Broker API's event streams drive the valuation: with no periodic recalculation at all, a fill
// made at the broker reaches the WebSocket as soon as its trade event arrives, also after the event
// stream dropped (it resumes from the last event id).
class TestServerAlpacaEvents : public QObject, protected test::AlpacaMarketFakes
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<FakeAlpacaEvents> m_events;
    std::unique_ptr<ServerRoot> m_root;
    QString m_account;
    QString m_operatorId;

    [[nodiscard]] QUrl watchUrl() const
    {
        return test::portfolioUrl(*m_root, m_operatorId, Role::Operator, m_account);
    }

    // Buys at the fake broker (as if placed elsewhere) and returns Alpaca's trade event for the fill.
    [[nodiscard]] QJsonObject buyElsewhere(const QString &symbol, const QString &qty)
    {
        const auto reply = m_rest.book().submitOrder(m_account, QJsonObject{{u"symbol"_s, symbol},
                                                                            {u"qty"_s, qty},
                                                                            {u"side"_s, u"buy"_s},
                                                                            {u"type"_s, u"market"_s},
                                                                            {u"time_in_force"_s, u"day"_s}});
        const QJsonObject order = reply.body.toObject();
        return {{u"account_id"_s, m_account},
                {u"at"_s, u"2026-01-06T15:10:44.918273Z"_s},
                {u"event"_s, u"fill"_s},
                {u"execution_id"_s, u"a9e1b6c2-0d4f-4e3a-b7c8-1f2e3d4c5b6a"_s},
                {u"price"_s, order.value(u"filled_avg_price"_s)},
                {u"qty"_s, qty},
                {u"timestamp"_s, u"2026-01-06T15:10:44.918273645Z"_s},
                {u"order"_s, order}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(listenFakes());
        const auto credentials = m_rest.brokerCredentials();
        m_events = std::make_unique<FakeAlpacaEvents>(credentials.keyId, credentials.secret);
        QVERIFY(m_events->listen() != 0);

        m_account = m_rest.seedAccount(dec("10000"));
        m_rest.book().setLastPrice(u"AAPL"_s, dec("200"));
        m_rest.book().setLastPrice(u"MSFT"_s, dec("400"));
        QCOMPARE(buyElsewhere(u"AAPL"_s, u"3"_s).value(u"order"_s).toObject().value(u"status"_s).toString(),
                 u"filled"_s);

        // RECALCULATION_INTERVAL 0 (configFor): never recalculates.
        m_root = test::startAlpacaServer(
            m_dir.path(), alpacaServer({u"--alpaca-broker-events-url"_s, m_events->baseUrl().toString()}));
        QVERIFY(m_root);
        const auto op = m_root->users().create(u"ops@example.com"_s, u"$argon2id$unused"_s, u"operator"_s,
                                               QDateTime::currentDateTimeUtc());
        QVERIFY(op);
        m_operatorId = op->id;
    }

    void cleanupTestCase()
    {
        m_root.reset();
        m_stream.reset();
        m_events.reset();
    }

    void followsEveryEventStream()
    {
        QTRY_COMPARE_WITH_TIMEOUT(m_events->clientCount(), 3, 10000);
        const QStringList targets = m_events->requestedTargets();
        for (const QString &path :
             {u"/v2/events/trades"_s, u"/v1/events/transfers/status"_s, u"/v1/events/accounts/status"_s})
            QVERIFY2(std::any_of(targets.cbegin(), targets.cend(),
                                 [&path](const QString &t) { return t.startsWith(path); }),
                     qPrintable(targets.join(u' ')));
    }

    void aFillEventRevaluesAtOnce()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_cash"_s).toString(), u"9400"_s, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_events->clientCount(), 3, 10000);

        const QJsonObject fill = buyElsewhere(u"MSFT"_s, u"2"_s);
        m_events->publish(u"/v2/events/trades"_s, fill);
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_cash"_s).toString(), u"8600"_s, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_stream->subscribedTrades(), (QStringList{u"AAPL"_s, u"MSFT"_s}), 10000);
        m_stream->publishTrades(
            {{u"AAPL"_s, dec("210"), Timestamp::now()}, {u"MSFT"_s, dec("390"), Timestamp::now()}});
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_value"_s).toString(),
                                  (dec("8600") + dec("3") * dec("210") + dec("2") * dec("390")).toString(),
                                  5000);
    }

    void eventsMissedDuringADropAreReplayed()
    {
        test::WsClient client;
        QVERIFY(client.open(watchUrl()));
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_cash"_s).toString(), u"8600"_s, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_events->clientCount(), 3, 10000);
        const qsizetype requestsBefore = m_events->requestedTargets().size();
        m_events->dropAll();
        // Published while nobody listens: only the resumed stream (since_id) can deliver it.
        m_events->publish(u"/v2/events/trades"_s, buyElsewhere(u"AAPL"_s, u"1"_s));
        QTRY_COMPARE_WITH_TIMEOUT(client.last().value(u"raw_cash"_s).toString(), u"8400"_s, 15000);
        const QStringList resumed = m_events->requestedTargets().mid(requestsBefore);
        QVERIFY2(std::any_of(resumed.cbegin(), resumed.cend(),
                             [](const QString &t) { return t.startsWith(u"/v2/events/trades?since_id="_s); }),
                 qPrintable(resumed.join(u' ')));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestServerAlpaca stream;
    TestServerAlpacaEvents events;
    return QTest::qExec(&stream, argc, argv) | QTest::qExec(&events, argc, argv);
}
#include "tst_server_alpaca.moc"
