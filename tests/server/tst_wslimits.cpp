#include "rawwsclient.h"
#include "server/ws/wsprotocol.h"
#include "server/ws/wsserver.h"

#include <QPointer>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::test;

// The limits of the server transport (server/ws) over real sockets: connection caps, recovery from a
// failed accept(), TCP keepalive on accepted descriptors, and back-pressure on what a connection queues.
namespace {

// A WsServer that keeps the connections it hands over, and answers "blast <n> <bytes>" with n frames.
class Server : public QObject
{
public:
    ws::WsServer server;
    QList<QPointer<ws::WsConnection>> connections;
    int disconnects = 0;
    int sendBuffer = 0; // SO_SNDBUF for accepted connections, 0: the system's

    explicit Server(ws::WsConnection::Options options = {}, ws::WsServer::Limits limits = {})
        : server(std::move(options), limits)
    {
        QObject::connect(&server, &ws::WsServer::clientConnected, this, [this](ws::WsConnection *c) {
            c->setParent(this);
            connections.append(c);
            if (sendBuffer > 0)
                ::setsockopt(c->socketDescriptor(), SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
            QObject::connect(c, &ws::WsConnection::textMessageReceived, this, [c](const QByteArray &message) {
                const QList<QByteArray> words = message.split(' ');
                if (words.value(0) != "blast")
                    return;
                for (int i = 0; i < words.value(1).toInt(); ++i)
                    c->sendFrame(ws::textFrame(QByteArray(words.value(2).toInt(), 'b')));
            });
            QObject::connect(c, &ws::WsConnection::disconnected, this, [this, c] {
                ++disconnects;
                c->deleteLater();
            });
        });
        if (!server.listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen");
    }
    [[nodiscard]] quint16 port() const { return server.serverPort(); }
};

ws::WsServer::Limits limits(int maxConnections, int maxHandshakesPerAddress, int acceptRetryMs = 250)
{
    ws::WsServer::Limits out;
    out.maxConnections = maxConnections;
    out.maxHandshakesPerAddress = maxHandshakesPerAddress;
    out.acceptRetryMs = acceptRetryMs;
    return out;
}

ws::WsConnection::Options queueLimits(qint64 high, qint64 low, qint64 max)
{
    ws::WsConnection::Options out;
    out.highWaterBytes = high;
    out.lowWaterBytes = low;
    out.maxQueuedBytes = max;
    return out;
}

// Connects and expects the server to close the connection at once, without a byte (a refused descriptor).
bool refusedOnConnect(RawClient &client, quint16 port)
{
    client.socket.connectToHost(QHostAddress::LocalHost, port);
    return client.waitClosed() && client.in.isEmpty() &&
           client.socket.error() == QAbstractSocket::RemoteHostClosedError;
}

} // namespace

class TestWsLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectionsPastTheCapAreClosed()
    {
        Server server({}, limits(3, 64));
        RawClient a, b, c;
        QVERIFY(a.upgrade(server.port()));
        QVERIFY(b.upgrade(server.port()));
        QVERIFY(c.open(server.port())); // still in its handshake: counts too
        QTRY_COMPARE(server.server.connectionCount(), 3);
        QCOMPARE(server.server.handshakeCount(), 1);

        RawClient refused;
        QVERIFY(refusedOnConnect(refused, server.port()));
        QCOMPARE(server.server.refusedCount(), 1);

        // A handed-over connection counts until it is gone; then there is room again.
        a.send(closeFrame(1000));
        QVERIFY(a.waitClosed());
        QTRY_COMPARE(server.server.connectionCount(), 2);
        RawClient later;
        QVERIFY(later.upgrade(server.port()));
        QTRY_COMPARE(server.server.connectionCount(), 3);
        QCOMPARE(server.connections.size(), 3);
        QCOMPARE(server.server.refusedCount(), 1);
    }

    void handshakesPerAddressAreCapped()
    {
        Server server({}, limits(100, 2));
        RawClient slow1, slow2, slow3;
        QVERIFY(slow1.open(server.port()));
        QVERIFY(slow2.open(server.port()));
        QTRY_COMPARE(server.server.handshakeCount(), 2);
        QVERIFY(refusedOnConnect(slow3, server.port())); // a third one from 127.0.0.1 mid-handshake
        QCOMPARE(server.server.refusedCount(), 1);
        // Once one has upgraded, another may connect; upgraded connections are not in this count.
        slow1.send(upgradeRequest());
        QVERIFY(slow1.responseHead().startsWith("HTTP/1.1 101 "));
        QTRY_COMPARE(server.server.handshakeCount(), 1);
        RawClient next;
        QVERIFY(next.upgrade(server.port()));
        QCOMPARE(server.server.handshakeCount(), 1);
        QCOMPARE(server.server.connectionCount(), 3);
    }

    // accept() fails with EMFILE (the descriptor limit lowered in this process): QTcpServer pauses, and
    // the WsServer accepts again once descriptors are available.
    void acceptResumesAfterEmfile()
    {
        Server server({}, limits(100, 64, 100));
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_NOFILE, &saved), 0);
        // A soft limit just above the highest descriptor, and every free one below it taken: no
        // descriptor left but the one given back for the client's socket.
        QList<int> fillers{::socket(AF_INET, SOCK_STREAM, 0)};
        QVERIFY(fillers.first() >= 0);
        auto restore = qScopeGuard([&] { // also when a check below fails
            for (const int fd : std::as_const(fillers))
                ::close(fd);
            fillers.clear();
            ::setrlimit(RLIMIT_NOFILE, &saved);
        });
        rlimit low = saved;
        low.rlim_cur = rlim_t(fillers.first() + 1);
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &low), 0);
        for (int fd; (fd = ::socket(AF_INET, SOCK_STREAM, 0)) >= 0;)
            fillers.append(fd);
        QCOMPARE(errno, EMFILE);
        ::close(fillers.takeFirst());
        RawClient client;
        client.socket.connectToHost(QHostAddress::LocalHost, server.port());
        // TCP completes in the kernel's backlog; accept() then fails with EMFILE.
        QTRY_VERIFY(server.server.acceptErrorCount() > 0);
        QCOMPARE(server.server.connectionCount(), 0);
        // Descriptors again: the pending connection is accepted without anyone calling resumeAccepting.
        restore.dismiss();
        for (const int fd : std::as_const(fillers))
            ::close(fd);
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &saved), 0);
        client.send(upgradeRequest());
        QVERIFY(client.responseHead().startsWith("HTTP/1.1 101 "));
        RawClient later;
        QVERIFY(later.upgrade(server.port()));
        QCOMPARE(server.connections.size(), 2);
    }

    void acceptedDescriptorsHaveKeepAlive()
    {
        Server server;
        RawClient client;
        QVERIFY(client.upgrade(server.port()));
        QTRY_COMPARE(server.connections.size(), 1);
        const int fd = server.connections.first()->socketDescriptor();
        const auto option = [fd](int level, int name) {
            int value = -1;
            socklen_t size = sizeof value;
            return ::getsockopt(fd, level, name, &value, &size) == 0 ? value : -1;
        };
        QCOMPARE(option(SOL_SOCKET, SO_KEEPALIVE), 1);
        QCOMPARE(option(IPPROTO_TCP, TCP_KEEPIDLE), ws::WsServer::kKeepAliveIdleS);
        QCOMPARE(option(IPPROTO_TCP, TCP_KEEPINTVL), ws::WsServer::kKeepAliveIntervalS);
        QCOMPARE(option(IPPROTO_TCP, TCP_KEEPCNT), ws::WsServer::kKeepAliveCount);
        QCOMPARE(option(IPPROTO_TCP, TCP_USER_TIMEOUT), ws::WsServer::kUserTimeoutMs);
    }

    // A client that sends pings and never reads: past the high-water mark the server stops reading it,
    // so its queue of pongs stays bounded; once the client reads, every ping is answered.
    void pingFloodFromANonReaderIsBounded()
    {
        constexpr qint64 kHigh = 64 * 1024;
        Server server(queueLimits(kHigh, 16 * 1024, 1024 * 1024));
        server.sendBuffer = 4096;
        RawClient client;
        client.socket.setReadBufferSize(4096);
        QVERIFY(client.upgrade(server.port()));
        QTRY_COMPARE(server.connections.size(), 1);
        ws::WsConnection *connection = server.connections.first();
        // Keep the client from reading: whatever the kernel holds for it stays there.
        client.socket.setReadBufferSize(1);
        constexpr int kPings = 20'000; // 2.5 MB of pings, 2.5 MB of pongs
        const QByteArray payload(125, 'p');
        const QByteArray ping = clientFrame(0x89, payload);
        QByteArray flood;
        for (int i = 0; i < kPings; ++i)
            flood += ping;
        client.socket.write(flood);
        qint64 mostQueued = 0;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, [&] {
            if (connection)
                mostQueued = std::max(mostQueued, connection->bytesToWrite());
        });
        sampler.start(1);
        QTRY_VERIFY(connection->isReadPaused());
        QTest::qWait(300); // the flood goes on: nothing more is read
        QVERIFY(connection->isReadPaused());
        QVERIFY(connection->isOpen());
        QVERIFY2(connection->bytesToWrite() <= kHigh + 1024,
                 qPrintable(QString::number(connection->bytesToWrite())));
        QVERIFY2(mostQueued <= kHigh + 1024, qPrintable(QString::number(mostQueued)));
        int unread = 0; // pings the kernel holds for the server, which it does not read
        QCOMPARE(::ioctl(connection->socketDescriptor(), FIONREAD, &unread), 0);
        QVERIFY2(unread > 0, qPrintable(QString::number(unread)));

        // The client reads again: every ping gets its pong, in order, and nothing else comes.
        client.socket.setReadBufferSize(0);
        for (int i = 0; i < kPings; ++i) {
            const auto frame = client.next(10'000);
            QVERIFY2(frame, qPrintable(u"pong %1 missing"_s.arg(i)));
            QCOMPARE(frame->opcode, quint8(0xA));
            QCOMPARE(frame->payload, payload);
        }
        QVERIFY(!connection->isReadPaused());
        QVERIFY2(mostQueued <= kHigh + 1024, qPrintable(QString::number(mostQueued)));
        QCOMPARE(server.disconnects, 0);
    }

    // Whatever the source, past maxQueuedBytes the queue is dropped and the client closed with 1008.
    void pastTheHardCapTheClientIsClosed()
    {
        constexpr qint64 kCap = 256 * 1024;
        Server server(queueLimits(64 * 1024, 16 * 1024, kCap));
        server.sendBuffer = 4096;
        RawClient client;
        client.socket.setReadBufferSize(4096);
        QVERIFY(client.upgrade(server.port()));
        QTRY_COMPARE(server.connections.size(), 1);
        QPointer<ws::WsConnection> connection = server.connections.first();
        client.socket.setReadBufferSize(1);
        client.send(text("blast 100 10000")); // 1 MB for a client that does not read
        QTRY_VERIFY(connection->state() != ws::WsConnection::State::Open);
        QVERIFY2(connection->bytesToWrite() < 2 * 10'000,
                 qPrintable(QString::number(connection->bytesToWrite()))); // dropped, not kept

        // When the client reads: some whole frames, then the close frame.
        client.socket.setReadBufferSize(0);
        int frames = 0;
        for (;;) {
            const auto frame = client.next();
            QVERIFY(frame);
            if (frame->opcode == 0x8) {
                QCOMPARE(frame->closeCode(), quint16(1008));
                QCOMPARE(frame->payload.mid(2), QByteArray("client too slow"));
                break;
            }
            QCOMPARE(frame->opcode, quint8(0x1));
            QCOMPARE(frame->payload, QByteArray(10'000, 'b'));
            ++frames;
        }
        QVERIFY(frames < 100);
        QVERIFY(client.waitClosed());
        QTRY_COMPARE(server.disconnects, 1);
    }
};

QTEST_GUILESS_MAIN(TestWsLimits)
#include "tst_wslimits.moc"
