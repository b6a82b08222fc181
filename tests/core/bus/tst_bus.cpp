#include "core/bus/localbus.h"
#include "core/bus/redisbus.h"
#include "support/redisserver.h"

#include <QSignalSpy>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

RedisOptions overSocket(const test::RedisServer &server)
{
    RedisOptions o;
    o.unixSocket = server.socketPath();
    o.reconnectMin = 20ms;
    o.reconnectMax = 200ms;
    return o;
}

std::optional<QByteArray> read(Bus &bus, const QByteArray &key)
{
    auto future = bus.value(key);
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 5000))
        qFatal("value() never finished");
    const auto r = future.result();
    if (!r)
        qFatal("value() failed: %s", qPrintable(r.error()));
    return *r;
}

} // namespace

// LocalBus, and RedisBus against a real redis-server started by the test.
class TestBus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void localBusDeliversOnTheNextTurn();
    void localBusValuesExpire();
    void redisUrls_data();
    void redisUrls();
    void redisPublishSubscribe();
    void redisValuesAndTtl();
    void redisPasswordAndDatabase();
    void redisWrongPasswordIsReported();
    void redisRestartIsSurvived();
    void redisAbsentIsReportedNotFatal();
};

void TestBus::localBusDeliversOnTheNextTurn()
{
    LocalBus bus;
    QSignalSpy spy(&bus, &Bus::message);
    bus.subscribe("prices");
    bus.publish("prices", "AAPL 187.31");
    bus.publish("other", "ignored");
    QCOMPARE(spy.count(), 0); // never re-entrant
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toByteArray(), QByteArray("prices"));
    QCOMPARE(spy.at(0).at(1).toByteArray(), QByteArray("AAPL 187.31"));
    bus.unsubscribe("prices");
    bus.publish("prices", "again");
    QVERIFY(!spy.wait(100));
}

void TestBus::localBusValuesExpire()
{
    LocalBus bus;
    bus.setValue("price:AAPL", "187.31", 50ms);
    bus.setValue("forever", "1", 0ms);
    QCOMPARE(read(bus, "price:AAPL"), std::optional<QByteArray>("187.31"));
    QTRY_COMPARE(read(bus, "price:AAPL"), std::optional<QByteArray>());
    QCOMPARE(read(bus, "forever"), std::optional<QByteArray>("1"));
    QCOMPARE(read(bus, "missing"), std::optional<QByteArray>());
}

void TestBus::redisUrls_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("described"); // empty: rejected
    QTest::addRow("host") << u"redis://cache.internal"_s << u"redis cache.internal:6379 db 0"_s;
    QTest::addRow("port and db") << u"redis://10.1.2.3:6380/4"_s << u"redis 10.1.2.3:6380 db 4"_s;
    QTest::addRow("password") << u"redis://:s3cr%40t@h:1/2"_s << u"redis h:1 db 2 (password set)"_s;
    QTest::addRow("unix socket") << u"unix:///run/redis.sock?db=3"_s << u"redis /run/redis.sock db 3"_s;
    QTest::addRow("bad scheme") << u"http://h"_s << QString();
    QTest::addRow("db out of range") << u"redis://h/16"_s << QString();
    QTest::addRow("no host") << u"redis:///0"_s << QString();
}

void TestBus::redisUrls()
{
    QFETCH(QString, url);
    QFETCH(QString, described);
    const auto o = RedisOptions::fromUrl(url);
    if (described.isEmpty()) {
        QVERIFY(!o);
        QVERIFY(o.error().startsWith(u"REDIS_URL"_s));
        return;
    }
    QVERIFY2(o, qPrintable(o ? QString() : o.error()));
    QCOMPARE(o->describe(), described);
    if (url.contains(u"s3cr"_s))
        QCOMPARE(o->password, u"s3cr@t"_s);
}

void TestBus::redisPublishSubscribe()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisBus publisher(overSocket(server));
    RedisOptions tcp;
    tcp.port = server.port();
    RedisBus subscriber(tcp); // one over the socket, one over TCP
    QSignalSpy messages(&subscriber, &Bus::message);
    subscriber.subscribe("prices");
    publisher.start();
    subscriber.start();
    QTRY_COMPARE(publisher.status(), Bus::Status::Connected);
    QTRY_COMPARE(subscriber.status(), Bus::Status::Connected);
    const QByteArray binary("AAPL\0187.31", 11);
    publisher.publish("prices", binary);
    publisher.publish("elsewhere", "not for us");
    QTRY_COMPARE(messages.count(), 1);
    QCOMPARE(messages.at(0).at(1).toByteArray(), binary);

    subscriber.subscribe("portfolio:acct-1"); // subscribing while connected
    QTest::qWait(50);
    publisher.publish("portfolio:acct-1", "{}");
    QTRY_COMPARE(messages.count(), 2);
    subscriber.unsubscribe("prices");
    QTest::qWait(50);
    publisher.publish("prices", "after unsubscribe");
    publisher.publish("portfolio:acct-1", "still here");
    QTRY_COMPARE(messages.count(), 3);
    QCOMPARE(messages.at(2).at(1).toByteArray(), QByteArray("still here"));
}

void TestBus::redisValuesAndTtl()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisBus bus(overSocket(server));
    bus.start();
    QTRY_COMPARE(bus.status(), Bus::Status::Connected);
    bus.setValue("price:AAPL", "187.31", 300ms);
    bus.setValue("price:MSFT", "400", 0ms);
    QCOMPARE(read(bus, "price:AAPL"), std::optional<QByteArray>("187.31"));
    QCOMPARE(read(bus, "price:MSFT"), std::optional<QByteArray>("400"));
    QCOMPARE(read(bus, "price:NONE"), std::optional<QByteArray>());
    QTRY_COMPARE_WITH_TIMEOUT(read(bus, "price:AAPL"), std::optional<QByteArray>(), 3000);
    QCOMPARE(read(bus, "price:MSFT"), std::optional<QByteArray>("400"));
}

void TestBus::redisPasswordAndDatabase()
{
    test::RedisServer server(u"correct horse"_s);
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisOptions db3 = overSocket(server);
    db3.password = u"correct horse"_s;
    db3.db = 3;
    RedisOptions db0 = db3;
    db0.db = 0;
    RedisBus three(db3), zero(db0);
    three.start();
    zero.start();
    QTRY_COMPARE(three.status(), Bus::Status::Connected);
    QTRY_COMPARE(zero.status(), Bus::Status::Connected);
    QVERIFY(!three.statusMessage().contains(u"correct horse"_s));
    three.setValue("k", "in db 3", 0ms);
    QCOMPARE(read(three, "k"), std::optional<QByteArray>("in db 3"));
    QCOMPARE(read(zero, "k"), std::optional<QByteArray>());
}

void TestBus::redisWrongPasswordIsReported()
{
    test::RedisServer server(u"right"_s);
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisOptions o = overSocket(server);
    o.password = u"wrong"_s;
    RedisBus bus(o);
    bus.start();
    QTRY_VERIFY(bus.statusMessage().contains(u"refused the login"_s));
    QCOMPARE(bus.status(), Bus::Status::Disconnected);
    QVERIFY(!bus.statusMessage().contains(u"wrong"_s) || bus.statusMessage().contains(u"WRONGPASS"_s));
    const auto r = bus.value("k").result();
    QVERIFY(!r);
}

void TestBus::redisRestartIsSurvived()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisBus subscriber(overSocket(server)), publisher(overSocket(server));
    QSignalSpy messages(&subscriber, &Bus::message);
    QSignalSpy statuses(&subscriber, &Bus::statusChanged);
    subscriber.subscribe("prices");
    subscriber.start();
    publisher.start();
    QTRY_COMPARE(subscriber.status(), Bus::Status::Connected);
    QTRY_COMPARE(publisher.status(), Bus::Status::Connected);

    server.stop();
    QTRY_COMPARE(subscriber.status(), Bus::Status::Disconnected);
    QTRY_COMPARE(publisher.status(), Bus::Status::Disconnected);
    const quint64 droppedBefore = publisher.dropped();
    publisher.publish("prices", "lost while down");
    QCOMPARE(publisher.dropped(), droppedBefore + 1);

    QVERIFY2(server.start(), qPrintable(server.error()));
    QTRY_COMPARE_WITH_TIMEOUT(subscriber.status(), Bus::Status::Connected, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(publisher.status(), Bus::Status::Connected, 5000);
    publisher.publish("prices", "after restart");
    QTRY_COMPARE(messages.count(), 1); // resubscribed without being asked again
    QCOMPARE(messages.at(0).at(1).toByteArray(), QByteArray("after restart"));
}

void TestBus::redisAbsentIsReportedNotFatal()
{
    RedisOptions o;
    o.unixSocket = u"/nonexistent/redis.sock"_s;
    o.reconnectMin = 20ms;
    RedisBus bus(o);
    bus.start();
    QTRY_VERIFY(bus.statusMessage().contains(u"cannot connect"_s));
    QCOMPARE(bus.status(), Bus::Status::Disconnected);
    bus.publish("prices", "x");
    QCOMPARE(bus.dropped(), 1u);
}

QTEST_GUILESS_MAIN(TestBus)
#include "tst_bus.moc"
