#include "core/auth/jwt.h"
#include "core/broker/simbroker.h"
#include "core/marketdata/simfeed.h"
#include "core/store/brokerageaccountrepository.h"
#include "server/demoseeder.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

using test::HttpResult;

class TestServerE2E : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;
    test::Http m_http;
    QString m_alice;
    QString m_bob;

    [[nodiscard]] QString token(const QString &user, Role role) const
    {
        return test::tokenFor(*m_root, user, role);
    }
    [[nodiscard]] QUrl wsUrl(const QString &accountId, const QString &token) const
    {
        QUrl url(u"ws://127.0.0.1:%1/ws/portfolio/%2"_s.arg(m_root->webSocketPort()).arg(accountId));
        if (!token.isNull())
            url.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
        return url;
    }

    HttpResult http(const QString &pathAndQuery, const QString &bearer = {}, const QByteArray &method = "GET")
    {
        return m_http.send(method, pathAndQuery, bearer);
    }

    [[nodiscard]] Decimal expectedValue(const QString &accountId) const
    {
        Decimal total = test::ready(m_root->broker()->account(accountId)).cash;
        const QList<Position> positions = test::ready(m_root->broker()->positions(accountId));
        for (const Position &p : positions) {
            const auto price = m_root->feed()->lastPrice(p.symbol);
            if (!price)
                qFatal("no price");
            total += p.qty * *price;
        }
        return total;
    }

    static void verifyError(const HttpResult &r, int status, const QString &code)
    {
        QCOMPARE(r.status, status);
        QVERIFY2(r.contentType.startsWith("application/json"), r.contentType.constData());
        const QJsonObject error = r.body.object().value(u"error"_s).toObject();
        QCOMPARE(error.value(u"code"_s).toString(), code);
        QVERIFY(!error.value(u"message"_s).toString().isEmpty());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = test::startDemoServer(m_dir.path());
        QVERIFY(m_root);
        QVERIFY(m_root->restPort() != 0);
        m_http.setPort(m_root->restPort());
        QVERIFY(m_root->webSocketPort() != 0);
        QCOMPARE(m_root->demoAccounts().size(), 2);
        m_alice = m_root->demoAccounts().at(0);
        m_bob = m_root->demoAccounts().at(1);
        m_root->simFeed()->stop();
    }

    void cleanupTestCase() { m_root.reset(); }

    void demoSeedingBoughtWithMarketOrders()
    {
        BrokerageAccountRepository &accounts = m_root->brokerageAccounts();
        QCOMPARE(accounts.accountsOf(test::userId(*m_root, u"demo-alice"_s)).valueOr(QStringList()),
                 QStringList{m_alice});
        QCOMPARE(accounts.accountsOf(test::userId(*m_root, u"demo-bob"_s)).valueOr(QStringList()),
                 QStringList{m_bob});
        const auto op = m_root->users().findByEmail(u"operator@demo.clera.invalid"_s);
        QVERIFY(op && op->has_value());
        QCOMPARE((*op)->role, u"operator"_s);
        QVERIFY((*op)->emailVerifiedAt.has_value());
        QVERIFY(accounts.accountsOf((*op)->id)->isEmpty());
        const QList<Position> positions = test::ready(m_root->broker()->positions(m_alice));
        QCOMPARE(positions.size(), DemoSeeder::users().first().holdings.size());
        const Order order =
            test::ready(m_root->broker()->orderByClientOrderId(m_alice, u"demo-alice-AAPL"_s));
        QCOMPARE(order.status, OrderStatus::Filled);
        const Account account = test::ready(m_root->broker()->account(m_alice));
        QVERIFY(account.cash < Decimal(25000));
        QVERIFY(account.cash.isPositive());
    }

    void jwtSecretFileIsPrivate()
    {
        QFile secret(QDir(m_root->dataDir()).filePath(u"jwt-secret"_s));
        QVERIFY(secret.exists());
        QCOMPARE(secret.permissions() &
                     ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
                 QFileDevice::Permissions());
    }

    void firstMessageIsLastKnownValueThenLiveUpdates()
    {
        test::WsClient client;
        QVERIFY(client.open(wsUrl(m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_VERIFY(!client.messages.isEmpty());
        const QJsonObject first = client.messages.first();
        QCOMPARE(first.value(u"type"_s).toString(), u"portfolio_update"_s);
        QCOMPARE(first.value(u"account_id"_s).toString(), m_alice);
        QCOMPARE(first.value(u"raw_value"_s).toString(), expectedValue(m_alice).toString());
        QVERIFY(first.value(u"total_value"_s).toString().startsWith(u'$'));
        QVERIFY(first.contains(u"today_return"_s));
        QVERIFY(Timestamp::parse(first.value(u"timestamp"_s).toString()));

        QSet<QString> seen{first.value(u"raw_value"_s).toString()};
        for (int i = 0; i < 30; ++i) {
            m_root->simFeed()->step();
            const QString expected = expectedValue(m_alice).toString();
            QTRY_COMPARE(client.last().value(u"raw_value"_s).toString(), expected);
            seen.insert(expected);
        }
        QVERIFY2(seen.size() >= 3, "prices of alice's holdings should have moved");
        QCOMPARE(client.count(u"portfolio_update"_s), int(client.messages.size()));
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    }

    void connectionClosesWhenTheTokenExpires()
    {
        test::WsClient client;
        const QString shortLived =
            m_root->jwt().issue(test::userId(*m_root, u"demo-alice"_s), Role::User, std::chrono::seconds(2));
        QVERIFY(client.open(wsUrl(m_alice, shortLived)));
        QTRY_VERIFY(!client.messages.isEmpty()); // admitted and served while valid
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState, 5000);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(client.socket.closeReason(), u"token expired"_s);
    }

    void otherUsersAccountIsRefused()
    {
        test::WsClient client;
        QVERIFY(client.open(wsUrl(m_bob, token(u"demo-alice"_s, Role::User))));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(client.messages.isEmpty());
    }

    void badTokensAreRefused_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("accountId");
        QTest::addRow("garbage") << u"garbage"_s << QString();
        QTest::addRow("missing") << QString() << QString();
        QTest::addRow("expired") << u"expired"_s << QString();
        QTest::addRow("wrong key") << u"wrong key"_s << QString();
        QTest::addRow("unknown user") << u"stranger"_s << QString();
        QTest::addRow("unknown account (operator)") << u"operator"_s << u"no-such-account"_s;
        QTest::addRow("unknown account (user)") << u"user"_s << u"no-such-account"_s;
    }

    void badTokensAreRefused()
    {
        QFETCH(QString, token);
        QFETCH(QString, accountId);
        if (token == u"expired")
            token = m_root->jwt().issue(test::userId(*m_root, u"demo-alice"_s), Role::User,
                                        std::chrono::seconds(60), QDateTime::currentSecsSinceEpoch() - 3600);
        else if (token == u"wrong key")
            token = Jwt(QByteArray(32, 'k'))
                        .issue(test::userId(*m_root, u"demo-alice"_s), Role::User, std::chrono::minutes(5));
        else if (token == u"operator")
            token = this->token(u"demo-operator"_s, Role::Operator);
        else if (token == u"user")
            token = this->token(u"demo-alice"_s, Role::User);
        else if (token == u"stranger")
            token = this->token(u"stranger"_s, Role::Operator);
        test::WsClient client;
        QVERIFY(client.open(wsUrl(accountId.isEmpty() ? m_alice : accountId, token)));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(!client.socket.closeReason().isEmpty());
        QVERIFY(client.messages.isEmpty());
    }

    void unknownPathIsRefused()
    {
        test::WsClient client;
        QVERIFY(client.open(QUrl(u"ws://127.0.0.1:%1/ws/other?token=x"_s.arg(m_root->webSocketPort()))));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void operatorWatchesAnyAccount()
    {
        const QString op = token(u"demo-operator"_s, Role::Operator);
        test::WsClient alice;
        test::WsClient bob;
        QVERIFY(alice.open(wsUrl(m_alice, op)));
        QVERIFY(bob.open(wsUrl(m_bob, op)));
        QTRY_VERIFY(!alice.messages.isEmpty());
        QTRY_VERIFY(!bob.messages.isEmpty());
        QCOMPARE(alice.messages.first().value(u"account_id"_s).toString(), m_alice);
        QCOMPARE(bob.messages.first().value(u"account_id"_s).toString(), m_bob);
        QCOMPARE(bob.messages.first().value(u"raw_value"_s).toString(), expectedValue(m_bob).toString());
        QTRY_COMPARE(m_root->hub()->connectionCount(), 2);
        for (int i = 0; i < 10; ++i) {
            m_root->simFeed()->step();
            QTRY_COMPARE(bob.last().value(u"raw_value"_s).toString(), expectedValue(m_bob).toString());
        }
        QCOMPARE(alice.socket.state(), QAbstractSocket::ConnectedState);
    }

    void heartbeatAndBadMessages()
    {
        test::WsClient client;
        QVERIFY(client.open(wsUrl(m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_VERIFY(!client.messages.isEmpty());
        client.socket.sendTextMessage(u"{\"type\":\"heartbeat\"}"_s);
        QTRY_COMPARE(client.last().value(u"type"_s).toString(), u"heartbeat_ack"_s);
        QVERIFY(Timestamp::parse(client.last().value(u"timestamp"_s).toString()));

        client.socket.sendTextMessage(u"not json {"_s);
        QTRY_COMPARE(client.last().value(u"type"_s).toString(), u"error"_s);
        QVERIFY(!client.last().value(u"message"_s).toString().isEmpty());
        client.socket.sendTextMessage(u"{\"type\":\"dance\"}"_s);
        QTRY_COMPARE(client.count(u"error"_s), 2);
        client.socket.sendTextMessage(u"{\"type\":\"heartbeat\"}"_s);
        QTRY_COMPARE(client.count(u"heartbeat_ack"_s), 2);
        QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    }

    void oversizedMessageCloses1009()
    {
        test::WsClient client;
        QVERIFY(client.open(wsUrl(m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_VERIFY(!client.messages.isEmpty());
        client.socket.sendTextMessage(QString(int(WebSocketHub::kMaxMessageBytes) + 1, u'x'));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void health()
    {
        test::WsClient client;
        QVERIFY(client.open(wsUrl(m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_COMPARE(m_root->hub()->connectionCount(), 1);
        const HttpResult r = http(u"/health"_s);
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonObject o = r.body.object();
        // The test stopped the feed, so the server reports itself degraded.
        QCOMPARE(o.value(u"status"_s).toString(), u"degraded"_s);
        const QJsonObject components = o.value(u"components"_s).toObject();
        QCOMPARE(components.value(u"broker"_s).toObject().value(u"name"_s).toString(), u"sim"_s);
        QCOMPARE(components.value(u"broker"_s).toObject().value(u"status"_s).toString(), u"ok"_s);
        const QJsonObject feed = components.value(u"feed"_s).toObject();
        QCOMPARE(feed.value(u"name"_s).toString(), u"sim"_s);
        QCOMPARE(feed.value(u"status"_s).toString(), u"disconnected"_s);
        QVERIFY(!feed.value(u"message"_s).toString().isEmpty());
        QCOMPARE(feed.value(u"subscribed_symbols"_s).toInt(), 9);
        QCOMPARE(components.value(u"database"_s).toObject().value(u"status"_s).toString(), u"ok"_s);
        QCOMPARE(o.value(u"connections"_s).toObject().value(u"websocket"_s).toInt(), 1);
        QVERIFY(o.value(u"uptime_seconds"_s).isDouble());
        QVERIFY(!o.value(u"version"_s).toString().isEmpty());

        m_root->simFeed()->start();
        QCOMPARE(http(u"/health"_s).body.object().value(u"status"_s).toString(), u"ok"_s);
        m_root->simFeed()->stop();
    }

    void assets()
    {
        const QString t = token(u"demo-alice"_s, Role::User);
        const HttpResult r = http(u"/api/v1/assets?q=apple"_s, t);
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonArray list = r.body.array();
        QVERIFY(!list.isEmpty());
        QCOMPARE(list.first().toObject().value(u"symbol"_s).toString(), u"AAPL"_s);
        QCOMPARE(list.first().toObject().value(u"class"_s).toString(), u"us_equity"_s);
        QCOMPARE(http(u"/api/v1/assets?limit=3"_s, t).body.array().size(), 3);
        QCOMPARE(http(u"/api/v1/assets"_s, t).body.array().size(), 20);
        verifyError(http(u"/api/v1/assets?limit=abc"_s, t), 400, u"invalid_query"_s);
        verifyError(http(u"/api/v1/assets?limit=0"_s, t), 400, u"invalid_query"_s);
        verifyError(http(u"/api/v1/assets?limit=501"_s, t), 400, u"invalid_query"_s);
        verifyError(http(u"/api/v1/assets?q=apple"_s), 401, u"unauthorized"_s);
    }

    void accounts()
    {
        const HttpResult alice = http(u"/api/v1/accounts"_s, token(u"demo-alice"_s, Role::User));
        QCOMPARE(alice.status, 200);
        const QJsonArray own = alice.body.array();
        QCOMPARE(own.size(), 1);
        const QJsonObject a = own.first().toObject();
        QCOMPARE(a.value(u"id"_s).toString(), m_alice);
        QVERIFY(!a.value(u"account_number"_s).toString().isEmpty());
        QCOMPARE(a.value(u"status"_s).toString(), u"ACTIVE"_s);
        QCOMPARE(a.value(u"cash"_s).toString(),
                 test::ready(m_root->broker()->account(m_alice)).cash.toString());
        QCOMPARE(a.value(u"total_value"_s).toString(), expectedValue(m_alice).toString());
        QVERIFY(a.contains(u"today_return"_s));

        const QJsonArray bobs = http(u"/api/v1/accounts"_s, token(u"demo-bob"_s, Role::User)).body.array();
        QCOMPARE(bobs.size(), 1);
        QCOMPARE(bobs.first().toObject().value(u"id"_s).toString(), m_bob);

        // A well-signed token of someone the store does not know opens nothing.
        verifyError(http(u"/api/v1/accounts"_s, token(u"stranger"_s, Role::Operator)), 401,
                    u"unauthorized"_s);

        const HttpResult op = http(u"/api/v1/accounts"_s, token(u"demo-operator"_s, Role::Operator));
        QCOMPARE(op.status, 200);
        QStringList ids;
        for (const QJsonValue &v : op.body.array())
            ids.append(v.toObject().value(u"id"_s).toString());
        QVERIFY(ids.contains(m_alice));
        QVERIFY(ids.contains(m_bob));
    }

    void authErrors()
    {
        const HttpResult missing = http(u"/api/v1/accounts"_s);
        verifyError(missing, 401, u"unauthorized"_s);
        QVERIFY(missing.headers.value("www-authenticate").startsWith("Bearer"));
        verifyError(http(u"/api/v1/accounts"_s, u"garbage"_s), 401, u"unauthorized"_s);
        const QString expired =
            m_root->jwt().issue(test::userId(*m_root, u"demo-alice"_s), Role::User, std::chrono::seconds(60),
                                QDateTime::currentSecsSinceEpoch() - 3600);
        verifyError(http(u"/api/v1/accounts"_s, expired), 401, u"unauthorized"_s);
    }

    void routingErrors()
    {
        const HttpResult post = http(u"/health"_s, {}, "POST");
        verifyError(post, 405, u"method_not_allowed"_s);
        QCOMPARE(post.headers.value("allow"), QByteArray("GET"));
        verifyError(http(u"/api/v1/accounts"_s, token(u"demo-alice"_s, Role::User), "DELETE"), 405,
                    u"method_not_allowed"_s);
        verifyError(http(u"/nope"_s), 404, u"not_found"_s);
        verifyError(http(u"/api/v1/nope"_s), 404, u"not_found"_s);
    }

    void demoSeedingIsIdempotentAndSecretReused()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto config = test::configFor(dir.path());
        QVERIFY(config);
        QStringList firstAccounts;
        QString firstToken;
        QList<Position> firstPositions;
        {
            ServerRoot root(*config);
            QVERIFY(root.start(test::options(true)));
            firstAccounts = root.demoAccounts();
            firstPositions = test::ready(root.broker()->positions(firstAccounts.first()));
            firstToken = test::tokenFor(root, u"demo-alice"_s, Role::User, std::chrono::minutes(5));
        }
        ServerRoot root(*config);
        QVERIFY(root.start(test::options(true)));
        QCOMPARE(root.demoAccounts(), firstAccounts);
        QCOMPARE(test::ready(root.broker()->accounts()).size(), 2);
        QCOMPARE(test::ready(root.broker()->positions(firstAccounts.first())), firstPositions);
        QCOMPARE(root.users().count().valueOr(0), 3);
        QVERIFY(root.jwt().verify(firstToken));
        QVERIFY(root.auth().authenticate(firstToken));
    }

    void startErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        {
            const auto config =
                test::configFor(dir.path(), {u"--ws-port"_s, QString::number(m_root->restPort())});
            QVERIFY(config);
            ServerRoot root(*config);
            const auto started = root.start(test::options(false));
            QVERIFY(!started);
            QCOMPARE(started.error().exitCode(), 1);
            QVERIFY(started.error().message.contains(QString::number(m_root->restPort())));
        }
        {
            const auto config = test::configFor(dir.path(), {u"--api-port"_s, u"abc"_s});
            QVERIFY(config);
            ServerRoot root(*config);
            const auto started = root.start(test::options(false));
            QVERIFY(!started);
            QCOMPARE(started.error().exitCode(), 2);
            QVERIFY(started.error().message.contains(u"CLERA_API_PORT"_s));
        }
        {
            auto config = test::configFor(dir.path());
            QVERIFY(config);
            config->set(u"CLERA_JWT_SECRET"_s, u"short"_s, u"environment"_s);
            ServerRoot root(*config);
            const auto started = root.start(test::options(false));
            QVERIFY(!started);
            QCOMPARE(started.error().exitCode(), 2);
        }
        for (const auto &[name, value] : {std::pair{u"CLERA_DB_URL"_s, u"mysql://db/clera"_s},
                                          std::pair{u"CLERA_PUBLIC_URL"_s, u"ftp://example.com"_s},
                                          std::pair{u"CLERA_ACCESS_TOKEN_TTL"_s, u"0"_s}}) {
            auto config = test::configFor(dir.path());
            QVERIFY(config);
            config->set(name, value, u"environment"_s);
            ServerRoot root(*config);
            const auto started = root.start(test::options(false));
            QVERIFY(!started);
            QCOMPARE(started.error().exitCode(), 2);
            QVERIFY2(started.error().message.contains(name), qPrintable(started.error().message));
        }
        {
            // A store that cannot be opened (its folder is a file) is a runtime failure.
            QFile blocker(dir.filePath(u"not-a-folder"_s));
            QVERIFY(blocker.open(QIODevice::WriteOnly));
            blocker.close();
            auto config = test::configFor(dir.path());
            QVERIFY(config);
            config->set(u"CLERA_DB_URL"_s, dir.filePath(u"not-a-folder/store.sqlite"_s), u"environment"_s);
            ServerRoot root(*config);
            const auto started = root.start(test::options(false));
            QVERIFY(!started);
            QCOMPARE(started.error().exitCode(), 1);
            QVERIFY(started.error().message.contains(u"store"_s));
        }
    }
};

QTEST_GUILESS_MAIN(TestServerE2E)
#include "tst_server_e2e.moc"
