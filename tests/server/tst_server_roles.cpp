#include "core/auth/jwt.h"
#include "core/bus/redisbus.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/busportfoliosource.h"
#include "core/realtime/buswire.h"
#include "core/realtime/holdingscollector.h"
#include "core/realtime/portfoliocalculator.h"
#include "core/realtime/pricepublisher.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "serverfixture.h"
#include "support/redisserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;

namespace {

// The latest raw_value per account a client received, flattening batched frames.
QHash<QString, QString> latestValues(const test::WsClient &client)
{
    QHash<QString, QString> out;
    auto take = [&out](const QJsonObject &u) {
        out.insert(u.value(u"account_id"_s).toString(), u.value(u"raw_value"_s).toString());
    };
    for (const QJsonObject &m : client.messages) {
        if (m.value(u"type"_s).toString() == u"portfolio_update")
            take(m);
        else if (m.value(u"type"_s).toString() == u"portfolio_updates")
            for (const QJsonValue &u : m.value(u"updates"_s).toArray())
                take(u.toObject());
    }
    return out;
}

QSet<QString> toSet(const QStringList &list)
{
    return QSet<QString>(list.cbegin(), list.cend());
}

int updateCount(const test::WsClient &client)
{
    int n = 0;
    for (const QJsonObject &m : client.messages) {
        if (m.value(u"type"_s).toString() == u"portfolio_update")
            ++n;
        else if (m.value(u"type"_s).toString() == u"portfolio_updates")
            n += int(m.value(u"updates"_s).toArray().size());
    }
    return n;
}

template <typename T> std::optional<T> await(QFuture<BusResult<T>> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 5000) || !future.result())
        return std::nullopt;
    return *future.result();
}

} // namespace

// The scale-out roles in one test process, each a ServerRoot with its own RedisBus connection to a
// real redis-server (a faithful model of separate processes: they share nothing but Redis and the data
// folder, as separate processes share Redis and the database), plus the real binary in two roles.
class TestServerRoles : public QObject
{
    Q_OBJECT

private:
    test::RedisServer m_redis;
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_api, m_collector, m_marketData, m_standby, m_calculator, m_ws1, m_ws2;
    std::unique_ptr<RedisBus> m_probe; // the test's own look into Redis
    QString m_alice, m_bob;

    [[nodiscard]] QStringList redisArgs() const
    {
        return {u"--redis-url"_s, u"unix://"_s + m_redis.socketPath(), u"--leader-lock-period"_s,
                u"1"_s,           u"--symbol-collection-interval"_s,   u"1"_s};
    }

    std::unique_ptr<ServerRoot> startRole(ServerRole role, bool demo = false)
    {
        const auto config = test::configFor(m_dir.path(), redisArgs());
        if (!config)
            qFatal("bad config: %s", qPrintable(config.error()));
        auto root = std::make_unique<ServerRoot>(*config);
        ServerRoot::Options options = test::options(demo);
        options.role = role;
        const auto started = root->start(options);
        if (!started)
            qFatal("cannot start %s: %s", qPrintable(toString(role)), qPrintable(started.error().message));
        return root;
    }

    [[nodiscard]] QString token(const QString &user, Role role) const
    {
        return test::tokenFor(*m_api, user, role);
    }

    [[nodiscard]] static QUrl multiUrl(quint16 port, const QString &token)
    {
        QUrl u(u"ws://127.0.0.1:%1/ws"_s.arg(port));
        u.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
        return u;
    }

    [[nodiscard]] static QUrl singleUrl(quint16 port, const QString &account, const QString &token)
    {
        QUrl u(u"ws://127.0.0.1:%1/ws/portfolio/%2"_s.arg(port).arg(account));
        u.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
        return u;
    }

    static void subscribe(test::WsClient &client, const QStringList &ids)
    {
        client.socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(QJsonObject{{u"type"_s, u"subscribe"_s},
                                                        {u"account_ids"_s, QJsonArray::fromStringList(ids)}})
                                  .toJson(QJsonDocument::Compact)));
    }

    // cash + Σ qty × price, from what Redis holds now (holdings:<id>, price:<SYM>).
    [[nodiscard]] std::optional<Decimal> valueInRedis(const QString &accountId)
    {
        const auto stored = await(m_probe->value(BusWire::holdingsKey(accountId)));
        if (!stored || !*stored)
            return std::nullopt;
        const auto holdings = BusWire::decodeHoldings(**stored);
        if (!holdings)
            return std::nullopt;
        Decimal total = holdings->cash;
        for (const auto &p : holdings->positions) {
            const auto price = await(m_probe->value(BusWire::priceKey(p.symbol)));
            if (!price || !*price)
                return std::nullopt;
            const auto entry = BusWire::decodeEntry(p.symbol, **price);
            if (!entry)
                return std::nullopt;
            total += p.qty * entry->price.rounded(9);
        }
        return total;
    }

    // True once the client's latest value of the account equals what Redis says it should be.
    // What the client last got for the account and what Redis holds, for a failure's message.
    [[nodiscard]] QByteArray disagreement(const test::WsClient &client, const QString &accountId)
    {
        const auto stored = valueInRedis(accountId);
        return (u"client: %1, value:<id> in Redis: %2"_s.arg(latestValues(client).value(accountId, u"none"_s),
                                                           stored ? stored->toString() : u"none"_s))
            .toUtf8();
    }

    [[nodiscard]] bool agrees(const test::WsClient &client, const QString &accountId)
    {
        const auto expected = valueInRedis(accountId);
        const auto got = Decimal::parse(latestValues(client).value(accountId));
        return expected && got && *got == *expected;
    }

    // Steps the leading feed until every client has seen `more` new updates.
    void stepUntilFresh(ServerRoot &leader, const QList<test::WsClient *> &clients, int more = 2)
    {
        QList<int> before;
        for (const test::WsClient *c : clients)
            before.append(updateCount(*c));
        QVERIFY(QTest::qWaitFor(
            [&] {
                leader.simFeed()->step();
                QTest::qWait(50);
                for (qsizetype i = 0; i < clients.size(); ++i)
                    if (updateCount(*clients[i]) < before[i] + more)
                        return false;
                return true;
            },
            15000));
    }

    // The calculator's last value of the account as Redis holds it (value:<id>).
    [[nodiscard]] std::optional<PortfolioUpdate> storedUpdate(const QString &accountId)
    {
        const auto stored = await(m_probe->value(BusWire::valueKey(accountId)));
        if (!stored || !*stored)
            return std::nullopt;
        const auto update = BusWire::decodeUpdate(**stored);
        return update ? std::optional<PortfolioUpdate>(*update) : std::nullopt;
    }

    // GET /api/v1/accounts from the api role: each listed account's object by id.
    [[nodiscard]] QHash<QString, QJsonObject> apiAccounts(const QString &bearer, int *status = nullptr)
    {
        test::Http http(m_api->restPort());
        const auto r = http.get(u"/api/v1/accounts"_s, bearer);
        if (status)
            *status = r.status;
        QHash<QString, QJsonObject> out;
        for (const QJsonValue &a : r.body.array())
            out.insert(a[u"id"_s].toString(), a.toObject());
        return out;
    }

    [[nodiscard]] QJsonObject health(quint16 port)
    {
        QNetworkAccessManager nam;
        std::unique_ptr<QNetworkReply> reply(
            nam.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1/health"_s.arg(port)))));
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 5000))
            return {};
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
        RedisOptions probe;
        probe.unixSocket = m_redis.socketPath();
        probe.reconnectMax = 500ms;
        m_probe = std::make_unique<RedisBus>(probe);
        m_probe->start();
        m_api = startRole(ServerRole::Api, true); // seeds the demo users into the shared data folder
        m_alice = m_api->demoAccounts().at(0);
        m_bob = m_api->demoAccounts().at(1);
        m_collector = startRole(ServerRole::Collector);
        m_marketData = startRole(ServerRole::MarketData);
        m_calculator = startRole(ServerRole::Calculator);
        m_ws1 = startRole(ServerRole::WebSocket);
        m_ws2 = startRole(ServerRole::WebSocket);
        QTRY_VERIFY(m_marketData->publisher()->isLeader());
    }

    void cleanupTestCase()
    {
        m_ws1.reset();
        m_ws2.reset();
        m_calculator.reset();
        m_standby.reset();
        m_marketData.reset();
        m_collector.reset();
        m_api.reset();
    }

    void settingsAreChecked()
    {
        const auto noRedis = test::configFor(m_dir.path());
        QVERIFY(noRedis);
        ServerRoot root(*noRedis);
        ServerRoot::Options options = test::options(false);
        options.role = ServerRole::Calculator;
        const auto started = root.start(options);
        QVERIFY(!started);
        QCOMPARE(started.error().exitCode(), 2);
        QVERIFY(started.error().message.contains(u"REDIS_URL"_s));
        QCOMPARE(serverRoleFromString(u"market-data"), std::optional<ServerRole>(ServerRole::MarketData));
        QCOMPARE(serverRoleFromString(u"bogus"), std::optional<ServerRole>());
    }

    void scaleOutSettings_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("described"); // empty: refused
        QTest::addRow("url") << QStringList{u"--redis-url"_s, u"redis://:pw@cache:6380/3"_s}
                             << u"redis cache:6380 db 3 (password set)"_s;
        QTest::addRow("host port db") << QStringList{u"--redis-host"_s, u"10.0.0.5"_s,   u"--redis-port"_s,
                                                     u"7000"_s,         u"--redis-db"_s, u"2"_s}
                                      << u"redis 10.0.0.5:7000 db 2"_s;
        QTest::addRow("url wins") << QStringList{u"--redis-url"_s, u"unix:///run/r.sock"_s, u"--redis-host"_s,
                                                 u"elsewhere"_s}
                                  << u"redis /run/r.sock db 0"_s;
        QTest::addRow("none") << QStringList{} << QString();
        QTest::addRow("bad url") << QStringList{u"--redis-url"_s, u"http://x"_s} << QString();
        QTest::addRow("bad db") << QStringList{u"--redis-host"_s, u"h"_s, u"--redis-db"_s, u"16"_s}
                                << QString();
        QTest::addRow("bad ttl") << QStringList{u"--redis-host"_s, u"h"_s, u"--price-ttl"_s, u"0"_s}
                                 << QString();
        QTest::addRow("bad lock") << QStringList{u"--redis-host"_s, u"h"_s, u"--leader-lock-period"_s, u"x"_s}
                                  << QString();
    }

    void scaleOutSettings()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, described);
        const auto config = test::configFor(m_dir.path(), args);
        QVERIFY(config);
        const auto settings = ScaleOutSettings::from(*config);
        if (described.isEmpty()) {
            QVERIFY(!settings);
            return;
        }
        QVERIFY2(settings, qPrintable(settings ? QString() : settings.error()));
        QCOMPARE(settings->redis.describe(), described);
        QCOMPARE(settings->priceTtl, 3600s);
        QCOMPARE(settings->symbolCollectionInterval, 300s);
        QCOMPARE(settings->lockPeriod, 10s);
    }

    void marketDataSubscribesExactlyTheUnion()
    {
        QTRY_VERIFY(!m_collector->collector()->symbols().isEmpty());
        const QSet<QString> held = m_collector->collector()->symbols();
        QTRY_COMPARE(toSet(m_marketData->feed()->subscriptions()), held);
        const auto members = await(m_probe->members(BusWire::kSymbolsKey));
        QVERIFY(members);
        QCOMPARE(members->size(), held.size());
        // Only the market-data role runs a feed; elsewhere a SimFeed only prices the simulated broker.
        QVERIFY(m_api->simFeed() && !m_api->simFeed()->isRunning());
        QVERIFY(m_ws1->simFeed() && !m_ws1->simFeed()->isRunning());
        QCOMPARE(m_calculator->feed(), nullptr);
    }

    void clientsOnTwoInstancesGetValuesFromRedis()
    {
        test::WsClient operatorOn1, aliceOn2;
        QVERIFY(
            operatorOn1.open(multiUrl(m_ws1->webSocketPort(), token(u"demo-operator"_s, Role::Operator))));
        subscribe(operatorOn1, {m_alice, m_bob});
        QVERIFY(
            aliceOn2.open(singleUrl(m_ws2->webSocketPort(), m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_COMPARE(operatorOn1.count(u"subscribed"_s), 2);
        // Each instance subscribes only the accounts its clients watch.
        QTRY_COMPARE(m_ws1->portfolioSource()->watchedCount(), 2);
        QTRY_COMPARE(m_ws2->portfolioSource()->watchedCount(), 1);

        stepUntilFresh(*m_marketData, {&operatorOn1, &aliceOn2});
        QTRY_VERIFY2_WITH_TIMEOUT(agrees(operatorOn1, m_alice), disagreement(operatorOn1, m_alice).constData(),
                                  10000);
        QTRY_VERIFY(agrees(operatorOn1, m_bob));
        QTRY_VERIFY(agrees(aliceOn2, m_alice));
        QVERIFY(!latestValues(aliceOn2).contains(m_bob));

        // The last watcher leaving unsubscribes the instance.
        aliceOn2.socket.close();
        QTRY_COMPARE(m_ws2->portfolioSource()->watchedCount(), 0);
    }

    // The api role has no tracker: GET /api/v1/accounts reads the calculator's value:<id> keys (one MGET).
    void apiRoleListsLiveValuesFromRedis()
    {
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_marketData->simFeed()->step();
                QTest::qWait(50);
                return storedUpdate(m_alice) && storedUpdate(m_bob);
            },
            15000));
        QTest::qWait(2500); // more than MIN_UPDATE_INTERVAL: the last step's values are stored, none follows
        const auto alice = storedUpdate(m_alice);
        QVERIFY(alice && alice->totalValue);
        QVERIFY2(alice->todayReturn && alice->todayReturnPercent,
                 QJsonDocument::fromJson(alice->toJsonBytes()).toJson(QJsonDocument::Compact).constData());

        int status = 0;
        const auto aliceSees = apiAccounts(token(u"demo-alice"_s, Role::User), &status);
        QCOMPARE(status, 200);
        QCOMPARE(aliceSees.size(), 1); // her own account only
        const QJsonObject a = aliceSees.value(m_alice);
        QCOMPARE(a[u"total_value"_s].toString(), alice->totalValue->toString());
        QCOMPARE(a[u"today_return"_s].toString(), alice->todayReturn->toString());
        QCOMPARE(a[u"today_return_percent"_s].toString(), alice->todayReturnPercent->rounded(4).toString());
        QCOMPARE(a[u"value_unavailable_reason"_s], QJsonValue(QJsonValue::Null));
        QVERIFY(Decimal::parse(a[u"total_value"_s].toString()).valueOr(Decimal()) > Decimal());

        // A key the calculator has not written (or that expired): null values and why, never a number.
        m_probe->remove(BusWire::valueKey(m_bob));
        QTRY_VERIFY(!storedUpdate(m_bob));
        const QString operatorToken = token(u"demo-operator"_s, Role::Operator);
        auto seen = apiAccounts(operatorToken, &status);
        QCOMPARE(status, 200);
        QCOMPARE(seen.value(m_alice)[u"total_value"_s].toString(), alice->totalValue->toString());
        const QJsonObject bob = seen.value(m_bob);
        QCOMPARE(bob[u"id"_s].toString(), m_bob);
        QVERIFY(!bob[u"cash"_s].toString().isEmpty()); // the broker's part is there
        for (const QString &field : {u"total_value"_s, u"today_return"_s, u"today_return_percent"_s})
            QCOMPARE(bob[field], QJsonValue(QJsonValue::Null));
        QCOMPARE(bob[u"value_unavailable_reason"_s].toString(), u"no_value_yet"_s);

        // Something that is not a value of this account is not passed off as one.
        m_probe->setValue(BusWire::valueKey(m_bob), BusWire::encode(*alice), 60s);
        QTRY_VERIFY(storedUpdate(m_bob));
        seen = apiAccounts(operatorToken);
        QCOMPARE(seen.value(m_bob)[u"total_value"_s], QJsonValue(QJsonValue::Null));
        QCOMPARE(seen.value(m_bob)[u"value_unavailable_reason"_s].toString(), u"invalid_stored_value"_s);

        // The calculator writes it again on the next change.
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_marketData->simFeed()->step();
                QTest::qWait(50);
                const auto b = storedUpdate(m_bob);
                return b && b->accountId == m_bob;
            },
            15000));
        QTRY_VERIFY(!apiAccounts(operatorToken).value(m_bob)[u"total_value"_s].isNull());
    }

    void aStalledClientDoesNotHoldUpTheOthers()
    {
        // A client that completes the handshake and then never reads.
        QTcpSocket stalled;
        stalled.setReadBufferSize(1);
        stalled.connectToHost(QHostAddress::LocalHost, m_ws1->webSocketPort());
        QVERIFY(stalled.waitForConnected(5000));
        const QString tok = QString::fromLatin1(QUrl::toPercentEncoding(token(u"demo-alice"_s, Role::User)));
        stalled.write(u"GET /ws/portfolio/%1?token=%2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      u"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      u"Sec-WebSocket-Version: 13\r\n\r\n"_s.arg(m_alice, tok)
                          .toLatin1());
        QTRY_COMPARE(m_ws1->hub()->watcherCount(m_alice), 1);

        test::WsClient reader;
        QVERIFY(reader.open(singleUrl(m_ws1->webSocketPort(), m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_COMPARE(m_ws1->hub()->watcherCount(m_alice), 2);
        for (int round = 0; round < 5; ++round) {
            QElapsedTimer clock;
            clock.start();
            stepUntilFresh(*m_marketData, {&reader}, 1);
            QVERIFY2(clock.elapsed() < 5000, "the reading client was held up");
        }
        QTRY_VERIFY_WITH_TIMEOUT(agrees(reader, m_alice), 10000);
    }

    void marketDataLeaderDiesAndTheStandbyTakesOver()
    {
        m_standby = startRole(ServerRole::MarketData);
        QTest::qWait(1500); // more than a lock period: the leader keeps renewing
        QVERIFY(m_marketData->publisher()->isLeader());
        QVERIFY(!m_standby->publisher()->isLeader());
        QVERIFY(m_standby->feed()->subscriptions().isEmpty());
        const QJsonObject standbyHealth = health(m_standby->restPort());
        QCOMPARE(standbyHealth.value(u"role"_s).toObject().value(u"name"_s).toString(), u"market-data"_s);
        QCOMPARE(standbyHealth.value(u"role"_s).toObject().value(u"leader"_s).toBool(), false);
        QCOMPARE(standbyHealth.value(u"status"_s).toString(), u"ok"_s); // a stopped standby feed is fine

        test::WsClient client;
        QVERIFY(client.open(singleUrl(m_ws1->webSocketPort(), m_bob, token(u"demo-bob"_s, Role::User))));
        stepUntilFresh(*m_marketData, {&client}, 1);

        // Destroyed without shutdown(): the lock is not released, as when the process is killed.
        QSignalSpy took(m_standby->publisher(), &PricePublisher::leadershipChanged);
        QElapsedTimer clock;
        clock.start();
        m_marketData.reset();
        QVERIFY(took.wait(4000));
        QVERIFY(m_standby->publisher()->isLeader());
        QVERIFY2(clock.elapsed() < 2000, qPrintable(u"took %1 ms"_s.arg(clock.elapsed())));
        const QSet<QString> held = m_collector->collector()->symbols();
        QTRY_COMPARE(toSet(m_standby->feed()->subscriptions()), held);
        stepUntilFresh(*m_standby, {&client});
        QTRY_VERIFY_WITH_TIMEOUT(agrees(client, m_bob), 10000);
        std::swap(m_marketData, m_standby);
    }

    void redisRestartIsRecoveredWithoutRestartingAnyRole()
    {
        test::WsClient operatorOn1, aliceOn2;
        QVERIFY(
            operatorOn1.open(multiUrl(m_ws1->webSocketPort(), token(u"demo-operator"_s, Role::Operator))));
        subscribe(operatorOn1, {m_alice, m_bob});
        QVERIFY(
            aliceOn2.open(singleUrl(m_ws2->webSocketPort(), m_alice, token(u"demo-alice"_s, Role::User))));
        QTRY_COMPARE(operatorOn1.count(u"subscribed"_s), 2);
        stepUntilFresh(*m_marketData, {&operatorOn1, &aliceOn2}, 1);
        QSignalSpy closed1(&operatorOn1.socket, &QWebSocket::disconnected);
        QSignalSpy closed2(&aliceOn2.socket, &QWebSocket::disconnected);

        const QList<ServerRoot *> roles{m_collector.get(), m_marketData.get(), m_calculator.get(),
                                        m_ws1.get(),       m_ws2.get(),        m_api.get()};
        m_redis.stop();
        for (ServerRoot *r : roles)
            QTRY_COMPARE(r->bus()->status(), Bus::Status::Disconnected);
        QCOMPARE(health(m_calculator->restPort()).value(u"status"_s).toString(), u"degraded"_s);
        // The api role still lists the accounts, with null values and the reason.
        int status = 0;
        const auto listed = apiAccounts(token(u"demo-operator"_s, Role::Operator), &status);
        QCOMPARE(status, 200);
        QVERIFY(listed.contains(m_alice) && listed.contains(m_bob));
        for (const QJsonObject &account : listed) {
            QVERIFY(!account[u"cash"_s].toString().isEmpty());
            QCOMPARE(account[u"total_value"_s], QJsonValue(QJsonValue::Null));
            QCOMPARE(account[u"today_return"_s], QJsonValue(QJsonValue::Null));
            QCOMPARE(account[u"value_unavailable_reason"_s].toString(), u"live_values_unavailable"_s);
        }
        QCOMPARE(health(m_ws1->restPort())
                     .value(u"components"_s)
                     .toObject()
                     .value(u"bus"_s)
                     .toObject()
                     .value(u"status"_s),
                 QJsonValue(u"disconnected"_s));

        QVERIFY2(m_redis.start(), qPrintable(m_redis.error())); // empty: no persistence
        for (ServerRoot *r : roles)
            QTRY_COMPARE_WITH_TIMEOUT(r->bus()->status(), Bus::Status::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(m_marketData->publisher()->isLeader(), 5000);
        QTRY_COMPARE(health(m_calculator->restPort()).value(u"status"_s).toString(), u"ok"_s);

        // The collector published everything again, and fresh values reach the same sockets.
        QTRY_VERIFY_WITH_TIMEOUT(
            await(m_probe->members(BusWire::kSymbolsKey)).value_or(QList<QByteArray>()).size() > 0, 10000);
        stepUntilFresh(*m_marketData, {&operatorOn1, &aliceOn2}, 2);
        QTRY_VERIFY_WITH_TIMEOUT(agrees(operatorOn1, m_alice), 10000);
        QTRY_VERIFY(agrees(operatorOn1, m_bob));
        QTRY_VERIFY(agrees(aliceOn2, m_alice));
        QCOMPARE(closed1.count(), 0);
        QCOMPARE(closed2.count(), 0);
        QCOMPARE(operatorOn1.socket.state(), QAbstractSocket::ConnectedState);
    }

    void realBinaryInTwoRoles();
};

namespace {

struct Process
{
    QProcess process;
    QByteArray out;
    quint16 healthPort = 0;
};

} // namespace

// Two real clera-server processes in the market-data role over the test's Redis: one leads, one waits;
// killing the leader (no release) hands the lock over. Also the CLI's errors for bad roles.
void TestServerRoles::realBinaryInTwoRoles()
{
    const QString binary = QStringLiteral(CLERA_SERVER_BINARY);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"REDIS_URL"_s, u"unix://"_s + m_redis.socketPath());
    env.insert(u"CLERA_LEADER_LOCK_PERIOD"_s, u"1"_s);
    env.insert(u"CLERA_JWT_SECRET"_s, QString(40, u'k'));

    {
        QProcess bad;
        bad.setProcessEnvironment(env);
        bad.start(binary, {u"--role"_s, u"bogus"_s});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("--role must be one of"));
        QProcessEnvironment noRedis = env;
        noRedis.remove(u"REDIS_URL"_s);
        bad.setProcessEnvironment(noRedis);
        bad.start(binary, {u"--role"_s, u"collector"_s, u"--data-dir"_s, m_dir.filePath(u"bad"_s)});
        QVERIFY(bad.waitForFinished(10000));
        QCOMPARE(bad.exitCode(), 2);
    }

    // The in-process leader steps aside so that one of the processes leads.
    m_marketData->shutdown();
    m_marketData.reset();

    std::array<Process, 2> p;
    for (int i = 0; i < 2; ++i) {
        p[i].process.setProcessEnvironment(env);
        p[i].process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p[i].process.start(binary, {u"--role"_s, u"market-data"_s, u"--data-dir"_s,
                                    m_dir.filePath(u"process%1"_s.arg(i)), u"--api-host"_s, u"127.0.0.1"_s,
                                    u"--api-port"_s, u"0"_s});
        QVERIFY(p[i].process.waitForStarted(5000));
        QVERIFY(QTest::qWaitFor(
            [&] {
                p[i].out += p[i].process.readAllStandardOutput();
                const qsizetype at = p[i].out.indexOf("Health http://127.0.0.1:");
                if (at < 0)
                    return false;
                const QByteArray rest = p[i].out.mid(at + 24);
                p[i].healthPort = quint16(rest.left(rest.indexOf('\n')).toUInt());
                return true;
            },
            10000));
        QVERIFY(p[i].out.contains("Role: market-data"));
    }
    auto leaderOf = [&](int i) {
        return health(p[i].healthPort).value(u"role"_s).toObject().value(u"leader"_s).toBool();
    };
    QTRY_VERIFY_WITH_TIMEOUT(leaderOf(0) != leaderOf(1), 5000);
    const int leader = leaderOf(0) ? 0 : 1;
    const QJsonObject h = health(p[leader].healthPort);
    QCOMPARE(h.value(u"components"_s).toObject().value(u"bus"_s).toObject().value(u"status"_s).toString(),
             u"connected"_s);
    // The leader subscribed the collector's symbols.
    QTRY_VERIFY(health(p[leader].healthPort)
                    .value(u"components"_s)
                    .toObject()
                    .value(u"feed"_s)
                    .toObject()
                    .value(u"subscribed_symbols"_s)
                    .toInt() > 0);

    p[leader].process.kill(); // SIGKILL: no release
    QVERIFY(p[leader].process.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(leaderOf(1 - leader), 3000);

    // SIGTERM: an orderly exit with status 0 that releases the lock at once.
    p[1 - leader].process.terminate();
    QVERIFY(p[1 - leader].process.waitForFinished(5000));
    QCOMPARE(p[1 - leader].process.exitCode(), 0);
    QTRY_COMPARE(await(m_probe->value(BusWire::kMarketDataLock)).value_or(std::optional<QByteArray>("held")),
                 std::optional<QByteArray>());
}

QTEST_GUILESS_MAIN(TestServerRoles)
#include "tst_server_roles.moc"
