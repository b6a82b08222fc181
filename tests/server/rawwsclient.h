#pragma once

// A WebSocket client that writes requests and frames by hand (tst_wsprotocol): builds masked or unmasked
// client frames and parses server frames, waiting on the event loop (the server under test runs on the
// same thread).

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <optional>

namespace clera::test {

struct Frame
{
    bool fin = false;
    quint8 reserved = 0;
    quint8 opcode = 0;
    bool masked = false;
    QByteArray payload;

    [[nodiscard]] quint16 closeCode() const
    {
        return payload.size() >= 2 ? quint16((quint8(payload[0]) << 8) | quint8(payload[1])) : 0;
    }
};

// A client frame: masked unless told otherwise; `first` is the first byte (FIN, RSV, opcode).
inline QByteArray clientFrame(quint8 first, const QByteArray &payload, bool masked = true)
{
    static const char key[4] = {'\x37', '\xfa', '\x21', '\x3d'};
    QByteArray out;
    out.append(char(first));
    const char mask = masked ? char(0x80) : char(0);
    const qsizetype n = payload.size();
    if (n < 126) {
        out.append(char(mask | char(n)));
    } else if (n <= 0xFFFF) {
        out.append(char(mask | 126));
        out.append(char(n >> 8));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(mask | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(n) >> shift) & 0xFF));
    }
    if (!masked)
        return out + payload;
    out.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        out.append(char(payload[i] ^ key[i & 3]));
    return out;
}

inline QByteArray text(const QByteArray &payload, bool fin = true)
{
    return clientFrame(quint8((fin ? 0x80 : 0) | 0x1), payload);
}

inline QByteArray closeFrame(quint16 code, const QByteArray &reason = {})
{
    QByteArray payload;
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    return clientFrame(0x88, payload + reason);
}

inline QByteArray upgradeRequest(const QByteArray &target = "/chat", const QByteArray &extra = {},
                                 const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==")
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
           "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n" + extra + "\r\n";
}

// A client that writes raw bytes and parses what the server sends, waiting on the event loop (the
// server runs on the same thread).
class RawClient
{
public:
    QTcpSocket socket;
    QByteArray in;

    bool open(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return waitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; });
    }
    void send(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
    }
    template <typename Condition> bool waitFor(Condition condition, int timeoutMs = 5000)
    {
        QElapsedTimer clock;
        clock.start();
        while (!condition()) {
            if (clock.elapsed() > timeoutMs)
                return false;
            QTest::qWait(2);
            in += socket.readAll();
        }
        return true;
    }
    // The HTTP response head (through the blank line), or empty after the timeout.
    QByteArray responseHead()
    {
        if (!waitFor([this] { return in.contains("\r\n\r\n"); }))
            return {};
        const qsizetype end = in.indexOf("\r\n\r\n") + 4;
        const QByteArray head = in.left(end);
        in.remove(0, end);
        return head;
    }
    bool upgrade(quint16 port, const QByteArray &target = "/chat", const QByteArray &extra = {})
    {
        if (!open(port))
            return false;
        send(upgradeRequest(target, extra));
        return responseHead().startsWith("HTTP/1.1 101 ");
    }
    // The next complete frame, if one arrives in time.
    std::optional<Frame> next(int timeoutMs = 5000)
    {
        std::optional<Frame> frame;
        waitFor([&] { return (frame = parse()).has_value(); }, timeoutMs);
        return frame;
    }
    bool waitClosed(int timeoutMs = 5000)
    {
        return waitFor([this] { return socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }

private:
    std::optional<Frame> parse()
    {
        if (in.size() < 2)
            return std::nullopt;
        Frame f;
        const auto b0 = quint8(in[0]), b1 = quint8(in[1]);
        f.fin = b0 & 0x80;
        f.reserved = b0 & 0x70;
        f.opcode = b0 & 0x0F;
        f.masked = b1 & 0x80;
        quint64 length = b1 & 0x7F;
        qsizetype header = 2;
        if (length == 126 || length == 127) {
            const int bytes = length == 126 ? 2 : 8;
            if (in.size() < 2 + bytes)
                return std::nullopt;
            length = 0;
            for (int i = 0; i < bytes; ++i)
                length = (length << 8) | quint8(in[2 + i]);
            header += bytes;
        }
        header += f.masked ? 4 : 0;
        if (quint64(in.size() - header) < length || in.size() < header)
            return std::nullopt;
        f.payload = in.mid(header, qsizetype(length));
        in.remove(0, header + qsizetype(length));
        return f;
    }
};

} // namespace clera::test
