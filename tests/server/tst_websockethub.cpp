#include "core/auth/jwt.h"
#include "core/broker/simbroker.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/portfoliotracker.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "serverfixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

// The multi-account /ws endpoint, per-client coalescing and the handshake checks of WebSocketHub,
// on an in-process server with the demo data and a feed the test steps by hand.
class TestWebSocketHub : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;
    QString m_alice;
    QString m_bob;

    [[nodiscard]] QString token(const QString &user, Role role) const
    {
        return test::tokenFor(*m_root, user, role);
    }
    [[nodiscard]] QUrl url(quint16 port, const QString &token = {}) const
    {
        QUrl u(u"ws://127.0.0.1:%1/ws"_s.arg(port));
        if (!token.isEmpty())
            u.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
        return u;
    }
    static void send(test::WsClient &client, const QJsonObject &message)
    {
        client.socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    static QJsonObject subscribe(const QStringList &ids)
    {
        return {{u"type"_s, u"subscribe"_s}, {u"account_ids"_s, QJsonArray::fromStringList(ids)}};
    }
    // Every portfolio update the client received, flattening batched frames.
    static QList<QJsonObject> updates(const test::WsClient &client)
    {
        QList<QJsonObject> out;
        for (const QJsonObject &m : client.messages) {
            if (m.value(u"type"_s).toString() == u"portfolio_update")
                out.append(m);
            else if (m.value(u"type"_s).toString() == u"portfolio_updates")
                for (const QJsonValue &u : m.value(u"updates"_s).toArray())
                    out.append(u.toObject());
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = test::startDemoServer(m_dir.path());
        QVERIFY(m_root);
        m_alice = m_root->demoAccounts().at(0);
        m_bob = m_root->demoAccounts().at(1);
        m_root->simFeed()->stop();
    }

    void cleanupTestCase() { m_root.reset(); }

    void operatorWatchesSeveralAccountsOnOneConnection()
    {
        test::WsClient client;
        QVERIFY(client.open(url(m_root->webSocketPort(), token(u"demo-operator"_s, Role::Operator))));
        QTRY_COMPARE(client.count(u"authenticated"_s), 1);
        send(client, subscribe({m_alice, m_bob}));
        QTRY_COMPARE(client.count(u"subscribed"_s), 2);
        QTRY_VERIFY(updates(client).size() >= 2); // the last known value of each
        QSet<QString> seen;
        for (const QJsonObject &u : updates(client))
            seen.insert(u.value(u"account_id"_s).toString());
        QCOMPARE(seen, (QSet<QString>{m_alice, m_bob}));
        QCOMPARE(m_root->hub()->watcherCount(m_alice), 1);
        QCOMPARE(m_root->hub()->watcherCount(m_bob), 1);
    }

    void updatesOfOneTurnAreCoalescedIntoOneFrame()
    {
        test::WsClient client;
        QVERIFY(client.open(url(m_root->webSocketPort(), token(u"demo-operator"_s, Role::Operator))));
        send(client, subscribe({m_alice, m_bob}));
        QTRY_COMPARE(client.count(u"subscribed"_s), 2);
        QTRY_VERIFY(updates(client).size() >= 2);
        bool batched = false;
        for (int attempt = 0; attempt < 20 && !batched; ++attempt) {
            client.messages.clear();
            for (int i = 0; i < 5; ++i) // several steps in one event-loop turn
                m_root->simFeed()->step();
            QTRY_VERIFY(!client.messages.isEmpty());
            QTest::qWait(20);
            for (const QJsonObject &m : std::as_const(client.messages)) {
                if (m.value(u"type"_s).toString() != u"portfolio_updates")
                    continue;
                const QJsonArray list = m.value(u"updates"_s).toArray();
                QSet<QString> accounts;
                for (const QJsonValue &u : list)
                    accounts.insert(u.toObject().value(u"account_id"_s).toString());
                QCOMPARE(accounts.size(), list.size()); // the latest per account, never two of one
                batched = true;
            }
            // Five steps in one turn never produce more than one frame per account.
            QVERIFY(updates(client).size() <= 2);
        }
        QVERIFY2(batched, "both accounts never changed in the same turn");
    }

    // WEBSOCKET_FLUSH_INTERVAL: a client gets at most one write per interval, carrying the latest value.
    void flushIntervalPacesWritesAndKeepsTheLatest()
    {
        WebSocketHub::Options options;
        options.flushIntervalMs = 300;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        test::WsClient client;
        QVERIFY(client.open(url(*port, token(u"demo-operator"_s, Role::Operator))));
        send(client, subscribe({m_alice}));
        QTRY_COMPARE(client.count(u"subscribed"_s), 1);
        QTRY_VERIFY(!updates(client).isEmpty());
        QTest::qWait(350);
        client.messages.clear();

        QElapsedTimer elapsed;
        elapsed.start();
        int steps = 0;
        while (elapsed.elapsed() < 1500) { // a step every 10 ms, each in its own event-loop turn
            m_root->simFeed()->step();
            ++steps;
            QTest::qWait(10);
        }
        QTest::qWait(400); // the last interval's write
        const qint64 window = elapsed.elapsed();
        const QList<QJsonObject> received = updates(client);
        QVERIFY2(steps > 50, qPrintable(u"only %1 steps"_s.arg(steps)));
        QVERIFY2(received.size() >= 2 && received.size() <= window / 300 + 1,
                 qPrintable(u"%1 updates in %2 ms"_s.arg(received.size()).arg(window)));
        const auto latest = m_root->tracker()->latest(m_alice);
        QVERIFY(latest && latest->totalValue);
        QCOMPARE(received.last().value(u"raw_value"_s).toString(), latest->totalValue->toString());
    }

    void userMayOnlySubscribeOwnAccounts()
    {
        test::WsClient client;
        QVERIFY(client.open(url(m_root->webSocketPort(), token(u"demo-alice"_s, Role::User))));
        send(client, subscribe({m_alice, m_bob, u"no-such-account"_s}));
        QTRY_COMPARE(client.count(u"subscribed"_s), 1);
        QTRY_COMPARE(client.count(u"error"_s), 2);
        QStringList refused;
        for (const QJsonObject &m : std::as_const(client.messages))
            if (m.value(u"type"_s).toString() == u"error")
                refused.append(m.value(u"account_id"_s).toString());
        std::sort(refused.begin(), refused.end());
        QStringList expected{m_bob, u"no-such-account"_s};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(refused, expected);
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState); // refusals do not close
        for (const QJsonObject &u : updates(client))
            QCOMPARE(u.value(u"account_id"_s).toString(), m_alice);
    }

    void authenticateWithTheFirstMessage()
    {
        test::WsClient client;
        QVERIFY(client.open(url(m_root->webSocketPort())));
        send(client, subscribe({m_alice}));
        QTRY_COMPARE(client.count(u"error"_s), 1);
        QVERIFY(client.last().value(u"message"_s).toString().startsWith(u"authenticate first"_s));
        send(client, {{u"type"_s, u"auth"_s}, {u"token"_s, token(u"demo-alice"_s, Role::User)}});
        QTRY_COMPARE(client.count(u"authenticated"_s), 1);
        send(client, subscribe({m_alice}));
        QTRY_COMPARE(client.count(u"subscribed"_s), 1);
        send(client, {{u"type"_s, u"unsubscribe"_s}, {u"account_ids"_s, QJsonArray{m_alice}}});
        QTRY_COMPARE(client.count(u"unsubscribed"_s), 1);
        QTRY_COMPARE(m_root->hub()->watcherCount(m_alice), 0);
    }

    void badFirstMessageTokenCloses()
    {
        test::WsClient client;
        QVERIFY(client.open(url(m_root->webSocketPort())));
        send(client, {{u"type"_s, u"auth"_s}, {u"token"_s, u"garbage"_s}});
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void unauthenticatedClientTimesOut()
    {
        WebSocketHub::Options options;
        options.authTimeoutMs = 150;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        test::WsClient client;
        QVERIFY(client.open(url(*port)));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(client.socket.closeReason(), u"authentication timeout"_s);
    }

    void originsAreCheckedWhenConfigured()
    {
        WebSocketHub::Options options;
        options.allowedOrigins = {u"https://app.example.com"_s};
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QUrl target = url(*port, token(u"demo-alice"_s, Role::User));

        QWebSocket foreign(u"https://evil.example"_s);
        QSignalSpy foreignConnected(&foreign, &QWebSocket::connected);
        QSignalSpy foreignDisconnected(&foreign, &QWebSocket::disconnected);
        foreign.open(target);
        QTRY_VERIFY(foreignDisconnected.count() > 0 || foreign.state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(foreignConnected.count(), 0);

        QWebSocket allowed(u"https://app.example.com"_s);
        QSignalSpy allowedConnected(&allowed, &QWebSocket::connected);
        allowed.open(target);
        QVERIFY(allowedConnected.wait(5000));

        test::WsClient native; // no Origin header: not a browser, not affected
        QVERIFY(native.open(target));
        QTRY_COMPARE(native.count(u"authenticated"_s), 1);
    }
};

QTEST_GUILESS_MAIN(TestWebSocketHub)
#include "tst_websockethub.moc"
