#include "core/realtime/portfoliotracker.h"
#include "rawwsclient.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "server/ws/wsprotocol.h"
#include "server/ws/wsserver.h"
#include "serverfixture.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>

#include <optional>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::test;

// The server side of RFC 6455 (server/ws) checked byte by byte: a raw QTcpSocket writes requests and
// frames by hand (rawwsclient.h) against a real WsServer on a real socket (an echo handler) and against
// the hub.
namespace {

// A WsServer that echoes text messages, answers "blast <n> <bytes>" with n numbered frames and
// "close" with a close frame of its own, and counts what the transport reports.
class EchoServer : public QObject
{
public:
    ws::WsServer server;
    QList<QPointer<ws::WsConnection>> connections;
    int disconnects = 0;
    int binaries = 0;
    qint64 mostQueued = 0;
    int sendBuffer = 0; // SO_SNDBUF for accepted connections, 0: the system's

    explicit EchoServer(ws::WsConnection::Options options = {}) : server(std::move(options))
    {
        QObject::connect(&server, &ws::WsServer::clientConnected, this, [this](ws::WsConnection *c) {
            c->setParent(this);
            connections.append(c);
            if (sendBuffer > 0)
                ::setsockopt(c->socketDescriptor(), SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
            QObject::connect(c, &ws::WsConnection::textMessageReceived, this,
                             [this, c](const QByteArray &message) { onText(c, message); });
            QObject::connect(c, &ws::WsConnection::binaryMessageReceived, this,
                             [this](const QByteArray &) { ++binaries; });
            QObject::connect(c, &ws::WsConnection::disconnected, this, [this, c] {
                ++disconnects;
                c->deleteLater();
            });
        });
        if (!server.listen(QHostAddress::LocalHost, 0))
            qFatal("cannot listen");
    }
    [[nodiscard]] quint16 port() const { return server.serverPort(); }

    static QByteArray numbered(int i, int bytes)
    {
        QByteArray payload = QByteArray::number(i).rightJustified(8, '0') + ':';
        while (payload.size() < bytes)
            payload.append(char('a' + (i + payload.size()) % 26));
        payload.truncate(bytes);
        return payload;
    }

private:
    void onText(ws::WsConnection *c, const QByteArray &message)
    {
        if (message.startsWith("blast ")) {
            const QList<QByteArray> words = message.split(' ');
            const int count = words.value(1).toInt();
            const int bytes = words.value(2).toInt();
            for (int i = 0; i < count; ++i) {
                c->sendFrame(ws::textFrame(numbered(i, bytes)));
                mostQueued = std::max(mostQueued, c->bytesToWrite());
            }
            return;
        }
        if (message == "close") {
            c->close(ws::CloseCode::PolicyViolated, u"bye from the server"_s);
            return;
        }
        c->sendText(message);
    }
};

} // namespace

class TestWsProtocol : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;

    // The close code of the next frame, which must be a close frame, and the server then closes TCP.
    static void expectClose(RawClient &client, quint16 code)
    {
        const auto frame = client.next();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0x8));
        QVERIFY(!frame->masked);
        QCOMPARE(frame->closeCode(), code);
        client.send(closeFrame(code)); // the client answers; the server closes the connection
        QVERIFY(client.waitClosed());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = test::startDemoServer(m_dir.path());
        QVERIFY(m_root);
        m_root->simFeed()->stop();
    }

    void cleanupTestCase() { m_root.reset(); }

    void frameEncoding()
    {
        QCOMPARE(ws::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QCOMPARE(ws::textFrame("Hello"), QByteArray("\x81\x05Hello"));
        const QByteArray medium(300, 'm');
        QCOMPARE(ws::textFrame(medium), QByteArray("\x81\x7e\x01\x2c", 4) + medium);
        const QByteArray large(70'000, 'l');
        QCOMPARE(ws::textFrame(large).left(10), QByteArray("\x81\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
        QCOMPARE(ws::textFrame(large).size(), 70'010);
        // A close reason is cut to 123 bytes on a character boundary (ä is two bytes).
        const QByteArray payload = ws::closePayload(ws::CloseCode::PolicyViolated, QString(100, u'ä'));
        QCOMPARE(payload.left(2), QByteArray("\x03\xf0", 2));
        QCOMPARE(payload.size(), 2 + 122);
        QVERIFY(ws::isValidUtf8(payload.mid(2)));
    }

    void utf8Validation_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ascii") << QByteArray("plain text, long enough for the 8-byte path") << true;
        QTest::newRow("two, three, four bytes")
            << QByteArray("\xc3\xa4 \xe2\x82\xac \xf0\x9f\x98\x80") << true;
        QTest::newRow("U+10FFFF") << QByteArray("\xf4\x8f\xbf\xbf") << true;
        QTest::newRow("overlong /") << QByteArray("\xc0\xaf") << false;
        QTest::newRow("overlong three bytes") << QByteArray("\xe0\x80\xaf") << false;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
        QTest::newRow("truncated") << QByteArray("abc\xe2\x82") << false;
        QTest::newRow("lone continuation") << QByteArray("abcdefgh\x80") << false;
        QTest::newRow("0xff") << QByteArray("\xff") << false;
    }
    void utf8Validation()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, valid);
        QCOMPARE(ws::isValidUtf8(bytes), valid);
    }

    void handshakeIsAccepted()
    {
        EchoServer echo;
        QPointer<ws::WsConnection> accepted;
        connect(&echo.server, &ws::WsServer::clientConnected, this,
                [&](ws::WsConnection *c) { accepted = c; });
        RawClient client;
        QVERIFY(client.open(echo.port()));
        // Header names in any case, Connection and Upgrade as token lists, the token percent-encoded.
        client.send("GET /ws/portfolio/acc%2D1?token=a%2Bb.c&x=1 HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                    "UPGRADE: WebSocket\r\nconnection: keep-alive, Upgrade\r\n"
                    "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nSEC-WEBSOCKET-VERSION: 13\r\n"
                    "Authorization: Bearer abc\r\n\r\n");
        const QByteArray head = client.responseHead();
        QVERIFY2(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head.constData());
        QVERIFY(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(head.contains("\r\nUpgrade: websocket\r\n"));
        QVERIFY(head.contains("\r\nConnection: Upgrade\r\n"));
        QTRY_VERIFY(accepted);
        QCOMPARE(accepted->request().path, u"/ws/portfolio/acc-1"_s);
        QCOMPARE(accepted->request().queryItem(u"token"_s), u"a+b.c"_s);
        QCOMPARE(accepted->request().header("authorization"), QByteArray("Bearer abc"));
        QCOMPARE(accepted->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(accepted->isOpen());

        client.send(text("hello"));
        const auto frame = client.next();
        QVERIFY(frame);
        QVERIFY(frame->fin);
        QVERIFY(!frame->masked); // server frames are never masked
        QCOMPARE(frame->opcode, quint8(0x1));
        QCOMPARE(frame->payload, QByteArray("hello"));
    }

    void handshakeRefusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        const QByteArray common = "Host: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        QTest::newRow("POST") << ("POST /chat HTTP/1.1\r\n" + common + key +
                                  "Sec-WebSocket-Version: 13\r\n\r\n")
                              << 400;
        QTest::newRow("HTTP/1.0") << ("GET /chat HTTP/1.0\r\n" + common + key +
                                      "Sec-WebSocket-Version: 13\r\n\r\n")
                                  << 400;
        QTest::newRow("no Host")
            << QByteArray("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + key +
                          "Sec-WebSocket-Version: 13\r\n\r\n")
            << 400;
        QTest::newRow("no Upgrade") << QByteArray("GET /chat HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n" +
                                                  key + "Sec-WebSocket-Version: 13\r\n\r\n")
                                    << 400;
        QTest::newRow("Connection: close")
            << QByteArray("GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: close\r\n" +
                          key + "Sec-WebSocket-Version: 13\r\n\r\n")
            << 400;
        QTest::newRow("short key") << ("GET /chat HTTP/1.1\r\n" + common +
                                       "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n")
                                   << 400;
        QTest::newRow("no key") << ("GET /chat HTTP/1.1\r\n" + common + "Sec-WebSocket-Version: 13\r\n\r\n")
                                << 400;
        QTest::newRow("absolute target")
            << ("GET http://h/chat HTTP/1.1\r\n" + common + key + "Sec-WebSocket-Version: 13\r\n\r\n") << 400;
        QTest::newRow("folded header")
            << ("GET /chat HTTP/1.1\r\n" + common + key + " folded\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << 400;
        QTest::newRow("garbage") << QByteArray("hello there\r\n\r\n") << 400;
        QTest::newRow("version 8") << ("GET /chat HTTP/1.1\r\n" + common + key +
                                       "Sec-WebSocket-Version: 8\r\n\r\n")
                                   << 426;
        QTest::newRow("9 KiB of headers")
            << ("GET /chat HTTP/1.1\r\n" + common + key + "X-Pad: " + QByteArray(9 * 1024, 'p') +
                "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << 431;
    }
    void handshakeRefusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        EchoServer echo;
        int upgraded = 0;
        connect(&echo.server, &ws::WsServer::clientConnected, this, [&] { ++upgraded; });
        RawClient client;
        QVERIFY(client.open(echo.port()));
        client.send(request);
        const QByteArray head = client.responseHead();
        QVERIFY2(head.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
                 head.constData());
        QVERIFY(head.contains("\r\nContent-Length: "));
        if (status == 426)
            QVERIFY(head.contains("\r\nSec-WebSocket-Version: 13\r\n"));
        QVERIFY(client.waitClosed());  // the server hangs up after its answer
        QVERIFY(!client.in.isEmpty()); // a short body saying why
        QCOMPARE(upgraded, 0);
    }

    void originIsCheckedWhenConfigured()
    {
        ws::WsConnection::Options options;
        options.allowedOrigins = {u"https://app.example.com"_s};
        EchoServer echo(options);
        RawClient foreign;
        QVERIFY(foreign.open(echo.port()));
        foreign.send(upgradeRequest("/chat", "Origin: https://evil.example\r\n"));
        QVERIFY(foreign.responseHead().startsWith("HTTP/1.1 403 "));
        QVERIFY(foreign.waitClosed());

        RawClient allowed, native;
        QVERIFY(allowed.upgrade(echo.port(), "/chat", "Origin: https://app.example.com\r\n"));
        QVERIFY(native.upgrade(echo.port())); // no Origin: not a browser
    }

    void handshakeTimesOut()
    {
        ws::WsConnection::Options options;
        options.handshakeTimeoutMs = 200;
        EchoServer echo(options);
        RawClient client;
        QVERIFY(client.open(echo.port()));
        client.send("GET /chat HTTP/1.1\r\nHost: h\r\n"); // and nothing more
        QElapsedTimer clock;
        clock.start();
        QVERIFY(client.waitClosed(3000));
        QVERIFY(clock.elapsed() >= 150);
        QVERIFY(client.in.isEmpty());
    }

    void protocolErrorsClose1002_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("unmasked text") << clientFrame(0x81, "hello", false);
        QTest::newRow("RSV1") << clientFrame(0xC1, "hello");
        QTest::newRow("opcode 3") << clientFrame(0x83, "hello");
        QTest::newRow("opcode 0xB") << clientFrame(0x8B, "hello");
        QTest::newRow("continuation first") << clientFrame(0x80, "hello");
        QTest::newRow("text inside a fragmented text") << (text("a", false) + text("b"));
        QTest::newRow("ping of 126 bytes") << clientFrame(0x89, QByteArray(126, 'p'));
        QTest::newRow("fragmented ping") << clientFrame(0x09, "p");
        QTest::newRow("close of 1 byte") << clientFrame(0x88, "x");
        QTest::newRow("close code 1005") << closeFrame(1005);
        QTest::newRow("close code 999") << closeFrame(999);
        // RFC 6455 5.2: the length in the fewest bytes. A masked text frame with a longer form than needed.
        const auto longForm = [](int lengthBytes, qsizetype size) -> QByteArray {
            QByteArray out("\x81");
            out.append(char(0x80 | (lengthBytes == 2 ? 126 : 127)));
            for (int shift = (lengthBytes - 1) * 8; shift >= 0; shift -= 8)
                out.append(char((quint64(size) >> shift) & 0xFF));
            return out + QByteArray(4, '\0') + QByteArray(size, 'a'); // a zero mask key: plain text
        };
        QTest::newRow("5 bytes in the 16-bit form") << longForm(2, 5);
        QTest::newRow("125 bytes in the 16-bit form") << longForm(2, 125);
        QTest::newRow("200 bytes in the 64-bit form") << longForm(8, 200);
        QTest::newRow("65535 bytes in the 64-bit form") << longForm(8, 65535);
    }
    void protocolErrorsClose1002()
    {
        QFETCH(QByteArray, bytes);
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        client.send(bytes);
        const auto frame = client.next();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0x8));
        QCOMPARE(frame->closeCode(), quint16(1002));
        client.send(closeFrame(1002));
        QVERIFY(client.waitClosed());
        QTRY_COMPARE(echo.disconnects, 1);
    }

    void fragmentedTextIsReassembled()
    {
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        const QByteArray message = "Hello, w\xc3\xb6rld";
        // "ö" split across two fragments; a ping between fragments is answered at once.
        client.send(text("Hel", false));
        client.send(clientFrame(0x89, "between"));
        client.send(clientFrame(0x00, "lo, w\xc3"));
        client.send(clientFrame(0x80, "\xb6rld"));
        const auto pong = client.next();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(0xA));
        QCOMPARE(pong->payload, QByteArray("between"));
        const auto echoed = client.next();
        QVERIFY(echoed);
        QCOMPARE(echoed->opcode, quint8(0x1));
        QCOMPARE(echoed->payload, message);
        // Frames split anywhere by TCP are put together too: one byte at a time.
        for (const char c : text("bytewise"))
            client.send(QByteArray(1, c));
        const auto bytewise = client.next();
        QVERIFY(bytewise);
        QCOMPARE(bytewise->payload, QByteArray("bytewise"));
        // A 16-bit length message.
        const QByteArray medium(1000, 'x');
        client.send(text(medium));
        QCOMPARE(client.next()->payload, medium);
    }

    void invalidUtf8Closes1007()
    {
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        client.send(text("fine"));
        QCOMPARE(client.next()->payload, QByteArray("fine"));
        client.send(text("bad \xed\xa0\x80 surrogate"));
        expectClose(client, 1007);
    }

    void oversizedMessageCloses1009()
    {
        ws::WsConnection::Options options;
        options.maxMessageBytes = 64 * 1024;
        EchoServer echo(options);
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        client.send(text(QByteArray(64 * 1024, 'x'))); // exactly the limit passes
        const auto echoed = client.next();
        QVERIFY(echoed);
        QCOMPARE(echoed->payload.size(), 64 * 1024);
        // Two fragments of 40 KiB: the message is too big even though each frame is not.
        client.send(text(QByteArray(40 * 1024, 'a'), false));
        client.send(clientFrame(0x80, QByteArray(40 * 1024, 'b')));
        expectClose(client, 1009);

        // Refused on the header: the payload is not waited for.
        RawClient eager;
        QVERIFY(eager.upgrade(echo.port()));
        QByteArray header = text(QByteArray(64 * 1024 + 1, 'y')).left(14);
        eager.send(header);
        expectClose(eager, 1009);
    }

    void pingGetsPongWithTheSamePayload()
    {
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        const QByteArray payload = EchoServer::numbered(7, 125);
        client.send(clientFrame(0x89, payload));
        const auto pong = client.next();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(0xA));
        QVERIFY(pong->fin);
        QCOMPARE(pong->payload, payload);
        client.send(clientFrame(0x8A, "unsolicited")); // a pong is ignored
        client.send(text("still open"));
        QCOMPARE(client.next()->payload, QByteArray("still open"));
    }

    void binaryMessagesReachTheReceiver()
    {
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        client.send(clientFrame(0x82, QByteArray("\x00\xff\x80", 3))); // not UTF-8: fine for binary
        QTRY_COMPARE(echo.binaries, 1);
        QCOMPARE(echo.connections.first()->state(), ws::WsConnection::State::Open);
    }

    void closeIsEchoed()
    {
        EchoServer echo;
        RawClient client;
        QVERIFY(client.upgrade(echo.port()));
        client.send(closeFrame(1000, "bye"));
        const auto frame = client.next();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0x8));
        QCOMPARE(frame->payload, QByteArray("\x03\xe8", 2)); // the code, echoed
        QVERIFY(client.waitClosed()); // the server closes TCP after the close handshake
        QTRY_COMPARE(echo.disconnects, 1);
        QTest::qWait(50);
        QCOMPARE(echo.disconnects, 1); // once
    }

    void serverCloseWaitsForThePeer()
    {
        ws::WsConnection::Options options;
        options.closeTimeoutMs = 400;
        EchoServer echo(options);
        RawClient answering, silent;
        QVERIFY(answering.upgrade(echo.port()));
        QVERIFY(silent.upgrade(echo.port()));
        for (RawClient *client : {&answering, &silent}) {
            client->send(text("close"));
            const auto frame = client->next();
            QVERIFY(frame);
            QCOMPARE(frame->opcode, quint8(0x8));
            QCOMPARE(frame->closeCode(), quint16(1008));
            QCOMPARE(frame->payload.mid(2), QByteArray("bye from the server"));
        }
        // Messages after the close frame are not answered.
        answering.send(text("late"));
        QTest::qWait(100);
        QCOMPARE(answering.socket.state(), QAbstractSocket::ConnectedState);
        answering.send(closeFrame(1008));
        QVERIFY(answering.waitClosed(300));   // at once on the answer
        QCOMPARE(answering.in, QByteArray()); // nothing after the close frame
        QVERIFY(silent.waitClosed(2000));     // after closeTimeoutMs
        QTRY_COMPARE(echo.disconnects, 2);
    }

    // A small send buffer on the server and a client that reads slowly: most frames are queued, and
    // every byte still arrives, in order.
    void partialWritesDeliverEveryByteInOrder()
    {
        EchoServer echo;
        echo.sendBuffer = 4096;
        RawClient client;
        client.socket.setReadBufferSize(4096);
        QVERIFY(client.upgrade(echo.port()));
        constexpr int kFrames = 300;
        constexpr int kBytes = 7001; // frames straddle the kernel's chunks
        client.send(text("blast " + QByteArray::number(kFrames) + ' ' + QByteArray::number(kBytes)));
        QTRY_VERIFY(echo.mostQueued > 0);
        QVERIFY2(echo.mostQueued > kFrames * kBytes / 2, qPrintable(QString::number(echo.mostQueued)));
        ws::WsConnection *server = echo.connections.first();
        QVERIFY(server->bytesToWrite() > 0);
        for (int i = 0; i < kFrames; ++i) {
            const auto frame = client.next(10'000);
            QVERIFY2(frame, qPrintable(u"frame %1 missing"_s.arg(i)));
            QCOMPARE(frame->opcode, quint8(0x1));
            QCOMPARE(frame->payload, EchoServer::numbered(i, kBytes));
            if (i % 50 == 0)
                QTest::qWait(20); // a slow reader
        }
        QTRY_COMPARE(server->bytesToWrite(), 0);
        client.send(text("after"));
        QCOMPARE(client.next()->payload, QByteArray("after"));
    }

    // The peer resets while the server still has a queue: the writes fail quietly, one disconnected.
    void peerResetWhileQueued()
    {
        EchoServer echo;
        echo.sendBuffer = 4096;
        RawClient client;
        client.socket.setReadBufferSize(4096);
        QVERIFY(client.upgrade(echo.port()));
        client.send(text("blast 200 10000"));
        QTRY_VERIFY(echo.mostQueued > 0);
        client.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        client.socket.abort(); // unread data: the kernel answers with a reset
        QTRY_COMPARE(echo.disconnects, 1);
        QTest::qWait(50);
        QCOMPARE(echo.disconnects, 1);
    }

    // The hub over the same transport, spoken to by hand: the update frame and the binary reply.
    void hubSpeaksTheProtocol()
    {
        const QString account = m_root->demoAccounts().at(0);
        const QByteArray token =
            QUrl::toPercentEncoding(test::tokenFor(*m_root, u"demo-alice"_s, Role::User));
        RawClient client;
        QVERIFY(
            client.upgrade(m_root->webSocketPort(), "/ws/portfolio/" + account.toUtf8() + "?token=" + token));
        QTRY_COMPARE(m_root->hub()->watcherCount(account), 1);
        const auto update = client.next();
        QVERIFY(update);
        QVERIFY(update->fin && !update->masked);
        QCOMPARE(update->opcode, quint8(0x1));
        const QJsonObject value = QJsonDocument::fromJson(update->payload).object();
        QCOMPARE(value.value(u"type"_s).toString(), u"portfolio_update"_s);
        QCOMPARE(value.value(u"account_id"_s).toString(), account);

        client.send(clientFrame(0x82, "bin"));
        const auto reply = client.next();
        QVERIFY(reply);
        QCOMPARE(reply->opcode, quint8(0x1));
        QCOMPARE(QJsonDocument::fromJson(reply->payload).object().value(u"message"_s).toString(),
                 u"binary messages are not supported"_s);

        // /ws with the token in an Authorization header.
        RawClient multi;
        QVERIFY(multi.upgrade(m_root->webSocketPort(), "/ws", "Authorization: Bearer " + token + "\r\n"));
        const auto authenticated = multi.next();
        QVERIFY(authenticated);
        QCOMPARE(QJsonDocument::fromJson(authenticated->payload).object().value(u"type"_s).toString(),
                 u"authenticated"_s);

        client.send(closeFrame(1000));
        QVERIFY(client.waitClosed());
        QTRY_COMPARE(m_root->hub()->watcherCount(account), 0);
    }

    // shutdown() drops connections still in their handshake and closes the open ones with 1001.
    void hubShutdownClosesEveryConnection()
    {
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         {});
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        RawClient halfway, open;
        QVERIFY(halfway.open(*port));
        halfway.send("GET /ws HTTP/1.1\r\nHost: h\r\n");
        QVERIFY(open.upgrade(*port, "/ws"));
        QTest::qWait(50);
        hub.shutdown();
        QVERIFY(halfway.waitClosed());
        QVERIFY(halfway.in.isEmpty());
        const auto frame = open.next();
        QVERIFY(frame);
        QCOMPARE(frame->opcode, quint8(0x8));
        QCOMPARE(frame->closeCode(), quint16(1001));
        open.send(closeFrame(1001));
        QVERIFY(open.waitClosed());
    }

    void hubRefusesAForeignOrigin()
    {
        WebSocketHub::Options options;
        options.allowedOrigins = {u"https://app.example.com"_s};
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        RawClient foreign;
        QVERIFY(foreign.open(*port));
        foreign.send(upgradeRequest("/ws", "Origin: https://evil.example\r\n"));
        QVERIFY(foreign.responseHead().startsWith("HTTP/1.1 403 "));
        QVERIFY(foreign.waitClosed());
    }
};

QTEST_GUILESS_MAIN(TestWsProtocol)
#include "tst_wsprotocol.moc"
