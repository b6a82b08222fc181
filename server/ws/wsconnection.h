#pragma once

#include "wsprotocol.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTimer>

class QSocketNotifier;

namespace clera::ws {

// One server-side WebSocket connection on a descriptor we own (non-blocking), RFC 6455, no extensions.
// Reads with ::read on a read notifier: first the HTTP upgrade (answered by answerHandshake), then client
// frames (masked, reassembled, text checked for UTF-8, control frames answered). Writes go straight to
// the descriptor (::send / ::sendmsg with MSG_NOSIGNAL); only what the kernel did not take is kept, as the
// callers' own QByteArrays (implicitly shared, never copied) plus an offset, and a write notifier is
// enabled only while that queue is non-empty.
// Nothing here refers to the hub, so a connection could live on any thread with its own event loop.
class WsConnection : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QStringList allowedOrigins; // empty: any
        int handshakeTimeoutMs = 10'000;
        int closeTimeoutMs = 5'000; // after our close frame, how long the peer has to answer it
        qint64 maxMessageBytes = 64 * 1024;
        // Back-pressure on what the kernel did not take: above highWaterBytes queued the connection stops
        // reading (so a client that sends pings but never reads cannot make us queue pongs) until the
        // queue falls below lowWaterBytes; above maxQueuedBytes, whatever queued it, the queue is
        // dropped and the connection fails with 1008 "client too slow".
        qint64 highWaterBytes = 1024 * 1024;
        qint64 lowWaterBytes = 256 * 1024;
        qint64 maxQueuedBytes = 4 * 1024 * 1024;
    };

    enum class State { Handshake, Open, Closing, Closed };

    WsConnection(int descriptor, const QHostAddress &peer, Options options, QObject *parent = nullptr);
    ~WsConnection() override;

    [[nodiscard]] State state() const { return m_state; }
    // Upgraded and no close frame sent or received: messages may be sent.
    [[nodiscard]] bool isOpen() const { return m_state == State::Open; }
    [[nodiscard]] const HandshakeRequest &request() const { return m_request; }
    [[nodiscard]] const QHostAddress &peerAddress() const { return m_peer; }
    [[nodiscard]] int socketDescriptor() const { return m_fd; }
    // Bytes handed to this connection that the kernel has not taken yet.
    [[nodiscard]] qint64 bytesToWrite() const { return m_queuedBytes; }
    // Reading is paused because too much is queued (Options::highWaterBytes).
    [[nodiscard]] bool isReadPaused() const { return m_readPaused; }

    // Sends a complete frame built by the caller (appendFrameHeader / frame): the same QByteArray may
    // go to any number of connections. Ignored unless open.
    void sendFrame(const QByteArray &frame);
    void sendText(QByteArrayView utf8) { sendFrame(textFrame(utf8)); }
    // For a caller that sends a frame's bytes itself (SendPool, possibly on another thread): the
    // descriptor while a frame may go straight to it (open, nothing queued), else -1 (use sendFrame).
    [[nodiscard]] int directDescriptor() const
    {
        return m_state == State::Open && m_queue.isEmpty() ? m_fd : -1;
    }
    // After `frame` was sent on directDescriptor() elsewhere, with nothing else written in between:
    // the kernel took `sent` bytes, `error` is the errno of a hard failure (0: none). Queues the rest
    // or fails the connection exactly as sendFrame would have.
    void completeSend(const QByteArray &frame, qsizetype sent, int error);
    // Sends a close frame; the descriptor is closed when the peer answers it or after closeTimeoutMs.
    void close(CloseCode code, const QString &reason = {});
    // Closes the descriptor now, without a close frame.
    void abort();

Q_SIGNALS:
    void connected(); // the upgrade was accepted
    void textMessageReceived(const QByteArray &utf8);
    void binaryMessageReceived(const QByteArray &data);
    // Once, on the next event-loop turn after the descriptor was closed (also when the handshake failed).
    void disconnected();

private:
    void onReadable();
    void onWritable();
    void process();
    void processHandshake();
    // Parses the frames in m_in; false when it must stop (closed or failed).
    void processFrames();
    void handleControl(Opcode opcode, QByteArray payload);
    void handleMessage(Opcode opcode, QByteArray payload);
    // Fails the connection (RFC 6455 7.1.7): a close frame with `code`, then no more parsing.
    void fail(CloseCode code, const QString &reason);
    void write(const QByteArray &bytes);
    void flushQueue();
    // After the queue changed: pause or resume reading, or fail past maxQueuedBytes.
    void applyBackPressure();
    void onTimeout();
    void finish();

    int m_fd;
    QHostAddress m_peer;
    Options m_options;
    State m_state = State::Handshake;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer m_timer; // handshake, close or linger timeout
    HandshakeRequest m_request;

    QByteArray m_in;   // received, not yet parsed
    qint64 m_skip = 0; // payload bytes still to discard (data frames while closing)
    Opcode m_messageOpcode = Opcode::Continuation; // Text/Binary while a fragmented message is open
    QByteArray m_message;                          // its payload so far

    QList<QByteArray> m_queue; // frames the kernel did not take yet, the first from m_queueOffset
    qsizetype m_queueOffset = 0;
    qint64 m_queuedBytes = 0;
    bool m_closeSent = false;
    bool m_closeWhenFlushed = false; // close the descriptor once the queue drains (close echoed)
    bool m_lingering = false; // refused handshake or failed connection: our side is done, draining to EOF
    bool m_processing = false;
    bool m_readPaused = false;
};

} // namespace clera::ws
