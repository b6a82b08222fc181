#include "core/broker/alpacatradeupdates.h"
#include "core/broker/alpacatrading.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/faketradeupdates.h"
#include "fakes/rest/futurewait.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeTradeUpdates;

namespace {

Decimal dec(const char *text)
{
    return Decimal::parse(QString::fromLatin1(text)).value();
}

const QByteArray kFill = R"({"event":"fill","execution_id":"a9e1b6c2-0d4f-4e3a-b7c8-1f2e3d4c5b6a",
    "timestamp":"2026-01-06T15:10:44.918273645Z","price":"404.21","qty":"2","position_qty":"4.5",
    "order":{"id":"c0ffee00-1234-4abc-9def-0123456789ab","client_order_id":"app-1",
    "created_at":"2026-01-06T14:31:02.51874Z","status":"filled","symbol":"MSFT","qty":"2","filled_qty":"2",
    "filled_avg_price":"404.21","side":"buy","type":"limit","order_type":"limit","limit_price":"405",
    "time_in_force":"day","order_class":"","extended_hours":false}})";

QStringList g_logged;
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void enableBrokerDebug(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrcmp(category->categoryName(), "clera.broker") == 0 ||
        qstrcmp(category->categoryName(), "clera.net") == 0)
        category->setEnabled(QtDebugMsg, true);
}

void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_logged.append(message);
}

} // namespace

class TestAlpacaTradeUpdates : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_rest = std::make_unique<FakeAlpacaRest>();
        QVERIFY(m_rest->listen() != 0);
        m_own = m_rest->seedAccount(Decimal(5000));
        m_other = m_rest->seedAccount(Decimal(5000));
        m_fake = std::make_unique<FakeTradeUpdates>(*m_rest);
        QVERIFY(m_fake->listen());
    }

    void cleanup()
    {
        m_fake.reset();
        m_rest.reset();
    }

    void authenticatesAndListens()
    {
        auto updates = stream();
        QSignalSpy reconnected(updates.get(), &AlpacaTradeUpdates::reconnected);
        updates->start();
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Listening);
        QCOMPARE(m_fake->listeningCount(), 1);
        QCOMPARE(updates->connectAttempts(), 1);
        QCOMPARE(reconnected.count(), 0); // the first session is not a reconnect
        updates->stop();
        QCOMPARE(updates->status(), AlpacaTradeUpdates::Status::Stopped);
    }

    void unauthorizedStopsInsteadOfLooping()
    {
        auto updates = stream(u"wrong-secret"_s);
        updates->start();
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Unauthorized);
        QVERIFY2(updates->statusMessage().contains(u"access key verification failed"_s),
                 qPrintable(updates->statusMessage()));
        QVERIFY(!updates->isRunning());
        QVERIFY(!updates->isReconnectPending()); // nothing left that could open another connection
        QCOMPARE(m_fake->connectionCount(), 1);
        QCOMPARE(m_fake->authFailures(), 1);
    }

    void listenBeforeAuthIsRefused()
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy frames(&client, &QWebSocket::binaryMessageReceived);
        client.open(m_fake->url());
        QVERIFY(connected.wait());
        client.sendTextMessage(uR"({"action":"listen","data":{"streams":["trade_updates"]}})"_s);
        QVERIFY(frames.wait());
        QCOMPARE(QJsonDocument::fromJson(frames.at(0).at(0).toByteArray()).object(),
                 QJsonDocument::fromJson(
                     R"({"stream":"authorization","data":{"action":"listen","status":"unauthorized"}})")
                     .object());
        QCOMPARE(m_fake->listeningCount(), 0);
    }

    void textAndBinaryFramesAreDecoded_data()
    {
        QTest::addColumn<bool>("binary");
        QTest::addRow("binary, as on paper") << true;
        QTest::addRow("text") << false;
    }

    void textAndBinaryFramesAreDecoded()
    {
        QFETCH(bool, binary);
        m_fake->setBinaryFrames(binary);
        auto updates = stream();
        QSignalSpy received(updates.get(), &AlpacaTradeUpdates::tradeUpdate);
        updates->start();
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Listening);
        m_fake->publishRaw("not json"); // ignored, the session stays
        m_fake->publish(QJsonDocument::fromJson(kFill).object());
        QTRY_COMPARE(received.count(), 1);
        const auto u = received.at(0).at(0).value<TradeUpdate>();
        QCOMPARE(u.event, u"fill"_s);
        QVERIFY(u.movesPositions());
        QCOMPARE(u.price, dec("404.21"));
        QCOMPARE(u.qty, dec("2"));
        QCOMPARE(u.positionQty, dec("4.5"));
        QCOMPARE(u.executionId, u"a9e1b6c2-0d4f-4e3a-b7c8-1f2e3d4c5b6a"_s);
        QCOMPARE(u.timestamp->toString(), u"2026-01-06T15:10:44.918273645Z"_s);
        QVERIFY(u.order);
        QCOMPARE(u.order->id, u"c0ffee00-1234-4abc-9def-0123456789ab"_s);
        QCOMPARE(u.order->status, OrderStatus::Filled);
        QCOMPARE(u.order->limitPrice, dec("405"));
        QVERIFY(u.problem.isEmpty());
        QCOMPARE(updates->status(), AlpacaTradeUpdates::Status::Listening);
    }

    void decoder_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<bool>("hasOrder");
        QTest::addColumn<bool>("moves");
        QTest::addRow("fill") << kFill << true << true << true;
        QTest::addRow("no event") << QByteArray(R"({"order":{}})") << false << false << false;
        QTest::addRow("bad order keeps the event")
            << QByteArray(R"({"event":"partial_fill","order":{"id":1}})") << true << false << true;
        QTest::addRow("canceled") << QByteArray(R"({"event":"canceled","order":null})") << true << false
                                  << false;
        QTest::addRow("bad price") << QByteArray(R"({"event":"fill","price":"x"})") << true << false << true;
    }

    void decoder()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, ok);
        QFETCH(bool, hasOrder);
        QFETCH(bool, moves);
        const auto u = TradeUpdate::fromJson(QJsonDocument::fromJson(json).object());
        QCOMPARE(u.hasValue(), ok);
        if (!u)
            return;
        QCOMPARE(u->order.has_value(), hasOrder);
        QCOMPARE(u->movesPositions(), moves);
        QCOMPARE(u->problem.isEmpty(), hasOrder);
    }

    void fillPlacedOverRestReachesAlpacaTrading()
    {
        auto watched = trading();
        QSignalSpy orders(watched.get(), &Broker::orderUpdated);
        QSignalSpy positions(watched.get(), &Broker::positionsChanged);
        QSignalSpy accounts(watched.get(), &Broker::accountChanged);
        watched->startTradeUpdates(m_fake->url(), quick());
        QTRY_COMPARE(watched->tradeUpdates()->status(), AlpacaTradeUpdates::Status::Listening);

        // Placed by another client, so only the stream can tell `watched`.
        auto placer = trading();
        OrderRequest market;
        market.symbol = u"AAPL"_s;
        market.qty = dec("3");
        QVERIFY(take(placer->submitOrder({}, market)));
        QTRY_COMPARE(positions.count(), 1);
        QCOMPARE(positions.at(0).at(0).toString(), m_own);
        QCOMPARE(accounts.count(), 1);
        QCOMPARE(orders.count(), 1);
        QCOMPARE(orders.at(0).at(0).toString(), m_own);
        const auto filled = orders.at(0).at(1).value<Order>();
        QCOMPARE(filled.status, OrderStatus::Filled);
        QCOMPARE(filled.filledQty, dec("3"));

        // A resting limit order, then its cancel: order updates, nothing moved.
        OrderRequest limit = market;
        limit.type = OrderType::Limit;
        limit.limitPrice = dec("1");
        const auto placed = take(placer->submitOrder({}, limit));
        QVERIFY(placed);
        QVERIFY(take(placer->cancelOrder({}, placed->id)));
        QTRY_COMPARE(orders.count(), 3);
        QCOMPARE(orders.at(1).at(1).value<Order>().status, OrderStatus::New);
        QCOMPARE(orders.at(2).at(1).value<Order>().status, OrderStatus::Canceled);
        QCOMPARE(positions.count(), 1);

        // Another account's fill is not the Trading API account's business.
        (void)m_rest->book().submitOrder(m_other, market.toJson());
        auto spy = QSignalSpy(watched->tradeUpdates(), &AlpacaTradeUpdates::tradeUpdate);
        (void)take(placer->submitOrder({}, market));
        QTRY_COMPARE(spy.count(), 1); // only our own second fill
        QCOMPARE(positions.count(), 2);
    }

    void dropReconnectsWithBackoffAndAsksForResync()
    {
        auto watched = trading();
        QSignalSpy positions(watched.get(), &Broker::positionsChanged);
        QSignalSpy accounts(watched.get(), &Broker::accountChanged);
        auto options = quick();
        options.reconnectBaseMs = 150;
        watched->startTradeUpdates(m_fake->url(), options);
        AlpacaTradeUpdates *updates = watched->tradeUpdates();
        QSignalSpy reconnected(updates, &AlpacaTradeUpdates::reconnected);
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Listening);

        m_fake->dropAll();
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Reconnecting);
        QCOMPARE(updates->lastReconnectDelayMs(), 150);
        QTRY_COMPARE(reconnected.count(), 1);
        QTRY_COMPARE(positions.count(), 1); // the owner reloads: nothing is replayed
        QCOMPARE(positions.at(0).at(0).toString(), m_own);
        QCOMPARE(accounts.count(), 1);

        // Dropped again before the session was stable: the delay doubles, no storm.
        m_fake->dropAll();
        QTRY_COMPARE(reconnected.count(), 2);
        QCOMPARE(updates->lastReconnectDelayMs(), 300);
        QCOMPARE(m_fake->connectionCount(), 3);
        const auto &times = m_fake->connectionTimes();
        // Measured from the previous connection, which is earlier than the drop; 10 % for coarse timers.
        QVERIFY2(times.at(1) - times.at(0) >= 135, qPrintable(QString::number(times.at(1) - times.at(0))));
        QVERIFY2(times.at(2) - times.at(1) >= 270, qPrintable(QString::number(times.at(2) - times.at(1))));
        QTRY_COMPARE(positions.count(), 2);
    }

    void refusedConnectionsBackOff()
    {
        auto options = quick();
        options.url = m_fake->url();
        options.url.setPort(1); // nothing listens there
        options.keyId = m_rest->tradingCredentials().keyId;
        options.secret = m_rest->tradingCredentials().secret;
        options.reconnectBaseMs = 20;
        options.reconnectMaxMs = 80;
        AlpacaTradeUpdates updates(options);
        updates.start();
        QTRY_VERIFY(updates.connectAttempts() >= 5);
        QCOMPARE(updates.lastReconnectDelayMs(), 80); // capped, still spaced out
        QCOMPARE(updates.status(), AlpacaTradeUpdates::Status::Reconnecting);
        updates.stop();
    }

    void silentConnectionIsDetected()
    {
        auto options = quick();
        options.pingIntervalMs = 50;
        options.staleAfterMs = 300;
        auto updates = stream({}, options);
        QSignalSpy reconnected(updates.get(), &AlpacaTradeUpdates::reconnected);
        QSignalSpy statuses(updates.get(), &AlpacaTradeUpdates::statusChanged);
        updates->start();
        QTRY_COMPARE(updates->status(), AlpacaTradeUpdates::Status::Listening);
        // Pings are answered: an idle but healthy connection outlives the staleness deadline.
        QVERIFY(!statuses.wait(2 * options.staleAfterMs));
        QCOMPARE(m_fake->connectionCount(), 1);
        m_fake->setSilent(true);
        QTRY_COMPARE(reconnected.count(), 1); // the new connection is not silent
        QCOMPARE(m_fake->connectionCount(), 2);
        QVERIFY(
            statuses.contains(QVariantList{QVariant::fromValue(AlpacaTradeUpdates::Status::Reconnecting)}));
    }

    void secretIsNeverLogged()
    {
        g_logged.clear();
        g_previousFilter = QLoggingCategory::installFilter(enableBrokerDebug);
        const QtMessageHandler previousHandler = qInstallMessageHandler(capture);
        {
            auto ok = stream();
            ok->start();
            QTRY_COMPARE(ok->status(), AlpacaTradeUpdates::Status::Listening);
            m_fake->dropAll();
            QTRY_COMPARE(ok->connectAttempts(), 2);
            QTRY_COMPARE(ok->status(), AlpacaTradeUpdates::Status::Listening);
            auto refused = stream(u"wrong-secret-123"_s);
            refused->start();
            QTRY_COMPARE(refused->status(), AlpacaTradeUpdates::Status::Unauthorized);
        }
        qInstallMessageHandler(previousHandler);
        QLoggingCategory::installFilter(g_previousFilter);

        QVERIFY(g_logged.size() >= 4);
        for (const QString &line : std::as_const(g_logged)) {
            QVERIFY2(!line.contains(m_rest->tradingCredentials().secret), qPrintable(line));
            QVERIFY2(!line.contains(u"wrong-secret-123"_s), qPrintable(line));
            QVERIFY2(!line.contains(m_rest->tradingCredentials().keyId), qPrintable(line));
        }
    }

private:
    static AlpacaTradeUpdates::Options quick()
    {
        AlpacaTradeUpdates::Options o;
        o.reconnectBaseMs = 50;
        o.reconnectMaxMs = 2000;
        o.jitter = 0;
        o.handshakeTimeoutMs = 3000;
        return o;
    }

    std::unique_ptr<AlpacaTradeUpdates> stream(const QString &secret = {},
                                               AlpacaTradeUpdates::Options o = quick()) const
    {
        o.url = m_fake->url();
        o.keyId = m_rest->tradingCredentials().keyId;
        o.secret = secret.isEmpty() ? m_rest->tradingCredentials().secret : secret;
        return std::make_unique<AlpacaTradeUpdates>(o);
    }

    std::unique_ptr<AlpacaTrading> trading() const
    {
        AlpacaOptions o;
        o.baseUrl = m_rest->baseUrl();
        o.keyId = m_rest->tradingCredentials().keyId;
        o.secret = m_rest->tradingCredentials().secret;
        o.timeout = 3000ms;
        return std::make_unique<AlpacaTrading>(o);
    }

    template <typename T> static T take(const QFuture<T> &f)
    {
        if (!fake::waitFor(f, 15'000))
            qFatal("broker call did not finish");
        return f.result();
    }

    std::unique_ptr<FakeAlpacaRest> m_rest;
    std::unique_ptr<FakeTradeUpdates> m_fake;
    QString m_own;
    QString m_other;
};

QTEST_GUILESS_MAIN(TestAlpacaTradeUpdates)
#include "tst_alpacatradeupdates.moc"
