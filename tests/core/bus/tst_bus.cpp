#include "core/bus/leaderlock.h"
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

template <typename T> T await(QFuture<BusResult<T>> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 5000))
        qFatal("a bus call never finished");
    const auto r = future.result();
    if (!r)
        qFatal("a bus call failed: %s", qPrintable(r.error()));
    return *r;
}

// The operations every bus has, with the same answers from LocalBus and RedisBus.
void checkOperations(Bus &bus)
{
    using namespace std::chrono_literals;
    // Lock primitives: set-if-absent, compare-and-expire, compare-and-delete.
    QVERIFY(await(bus.setIfAbsent("lock:x", "me", 200ms)));
    QVERIFY(!await(bus.setIfAbsent("lock:x", "you", 200ms)));
    QCOMPARE(read(bus, "lock:x"), std::optional<QByteArray>("me"));
    QVERIFY(!await(bus.expireIfEquals("lock:x", "you", 10s)));
    QVERIFY(await(bus.expireIfEquals("lock:x", "me", 10s)));
    QTest::qWait(300); // past the first expiry: the renewal held
    QCOMPARE(read(bus, "lock:x"), std::optional<QByteArray>("me"));
    QVERIFY(!await(bus.removeIfEquals("lock:x", "you")));
    QVERIFY(await(bus.removeIfEquals("lock:x", "me")));
    QCOMPARE(read(bus, "lock:x"), std::optional<QByteArray>());
    QVERIFY(!await(bus.expireIfEquals("lock:x", "me", 10s))); // gone: nothing to renew
    QVERIFY(await(bus.setIfAbsent("lock:x", "you", 100ms)));
    bool taken = false; // after the expiry (not QTRY_VERIFY: it evaluates a true expression twice)
    QVERIFY(QTest::qWaitFor([&] { return taken = await(bus.setIfAbsent("lock:x", "me", 1s)); }, 3000));
    QVERIFY(taken);

    // Multi-get keeps the order and reports missing keys.
    bus.setValue("price:A", "1.5", 0ms);
    bus.setValue("price:B", QByteArray("\0two", 4), 0ms);
    const auto many = await(bus.values({"price:B", "price:none", "price:A"}));
    QCOMPARE(many.size(), 3);
    QCOMPARE(many[0], std::optional<QByteArray>(QByteArray("\0two", 4)));
    QCOMPARE(many[1], std::optional<QByteArray>());
    QCOMPARE(many[2], std::optional<QByteArray>("1.5"));
    QVERIFY(await(bus.values({})).isEmpty());
    bus.remove("price:A");
    QCOMPARE(read(bus, "price:A"), std::optional<QByteArray>());

    // Sets.
    bus.addMembers("symbols", {"AAPL", "MSFT", "SPY"});
    bus.addMembers("symbols", {"AAPL"});
    bus.removeMembers("symbols", {"MSFT", "NONE"});
    auto members = await(bus.members("symbols"));
    std::sort(members.begin(), members.end());
    QCOMPARE(members, (QList<QByteArray>{"AAPL", "SPY"}));
    QVERIFY(await(bus.members("nothing")).isEmpty());
    bus.remove("symbols");
    QVERIFY(await(bus.members("symbols")).isEmpty());
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
    void localBusOperations() { checkOperations(m_local); }
    void redisOperations();
    void redisCallsFailWhileDown();
    void leaderLockHandsOverWhenTheLeaderDies();
    void leaderLockReleaseHandsOverAtOnce();

private:
    LocalBus m_local;
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

void TestBus::redisOperations()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisBus bus(overSocket(server));
    bus.start();
    QTRY_COMPARE(bus.status(), Bus::Status::Connected);
    checkOperations(bus);
}

void TestBus::redisCallsFailWhileDown()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    RedisBus bus(overSocket(server));
    bus.start();
    QTRY_COMPARE(bus.status(), Bus::Status::Connected);
    server.stop();
    QTRY_COMPARE(bus.status(), Bus::Status::Disconnected);
    for (auto future : {bus.setIfAbsent("k", "v", 1000ms), bus.expireIfEquals("k", "v", 1000ms),
                        bus.removeIfEquals("k", "v")}) {
        QTRY_VERIFY(future.isFinished());
        QVERIFY(!future.result());
        QVERIFY(future.result().error().contains(u"not connected"_s));
    }
    auto members = bus.members("s");
    QTRY_VERIFY(members.isFinished());
    QVERIFY(!members.result());
    const quint64 dropped = bus.dropped();
    bus.addMembers("s", {"a"});
    bus.remove("k");
    QCOMPARE(bus.dropped(), dropped + 2);
}

void TestBus::leaderLockHandsOverWhenTheLeaderDies()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    constexpr auto period = 600ms;
    auto busA = std::make_unique<RedisBus>(overSocket(server));
    RedisBus busB(overSocket(server));
    auto a = std::make_unique<LeaderLock>(busA.get(), "lock:market-data", period);
    LeaderLock b(&busB, "lock:market-data", period);
    busA->start();
    a->start();
    QTRY_VERIFY(a->isLeader());
    busB.start();
    b.start();
    QTRY_COMPARE(busB.status(), Bus::Status::Connected);
    QTest::qWait(int(2 * period.count())); // renewals keep the standby out
    QVERIFY(a->isLeader());
    QVERIFY(!b.isLeader());
    QCOMPARE(read(busB, "lock:market-data"), std::optional<QByteArray>(a->id()));

    // The leader dies without releasing: the standby takes over within two lock periods.
    QSignalSpy took(&b, &LeaderLock::leadershipChanged);
    QElapsedTimer clock;
    clock.start();
    a.reset();
    busA.reset();
    QVERIFY(took.wait(int(3 * period.count())));
    QVERIFY(b.isLeader());
    QVERIFY2(clock.elapsed() < 2 * period.count(), qPrintable(QString::number(clock.elapsed())));
}

void TestBus::leaderLockReleaseHandsOverAtOnce()
{
    test::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    constexpr auto period = 30s; // far longer than the test: only the release can hand over
    auto busA = std::make_unique<RedisBus>(overSocket(server));
    RedisBus busB(overSocket(server));
    LeaderLock a(busA.get(), "lock:market-data", period);
    busA->start();
    a.start();
    QTRY_VERIFY(a.isLeader());
    // B's attempts run every period/3 (10 s): retry by hand through a fresh lock per attempt instead.
    busB.start();
    QTRY_COMPARE(busB.status(), Bus::Status::Connected);
    QVERIFY(!await(busB.setIfAbsent("lock:market-data", "b", period)));
    a.release(); // then the bus is destroyed at once: the release must still reach Redis
    QVERIFY(!a.isLeader());
    busA.reset();
    QTRY_COMPARE(read(busB, "lock:market-data"), std::optional<QByteArray>());
    LeaderLock b(&busB, "lock:market-data", period);
    b.start();
    QTRY_VERIFY(b.isLeader());
}

QTEST_GUILESS_MAIN(TestBus)
#include "tst_bus.moc"
