#include "wsconnection.h"

#include "sendpool.h"
#include "server/serverlog.h"

#include <QSocketNotifier>

#include <algorithm>
#include <limits>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace clera::ws {

namespace {

constexpr int kLingerMs = 1'000; // after a refused handshake, for the client to read the answer
constexpr int kMaxIovecs = 64;
constexpr int kReadRounds = 8; // reads per notification, then the other connections get a turn

quint64 bigEndian(const char *p, int bytes)
{
    quint64 value = 0;
    for (int i = 0; i < bytes; ++i)
        value = (value << 8) | quint8(p[i]);
    return value;
}

void unmask(char *data, qsizetype size, const char *key)
{
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(data[i] ^ key[i & 3]);
}

} // namespace

WsConnection::WsConnection(int descriptor, const QHostAddress &peer, Options options, QObject *parent)
    : QObject(parent), m_fd(descriptor), m_peer(peer), m_options(std::move(options))
{
    const int flags = ::fcntl(m_fd, F_GETFL);
    ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
    const int one = 1;
    // Each flush writes one complete frame: send it now rather than wait for the previous one's ACK.
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_readNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &WsConnection::onReadable);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &WsConnection::onTimeout);
    m_timer.start(m_options.handshakeTimeoutMs);
}

WsConnection::~WsConnection()
{
    delete m_readNotifier;
    delete m_writeNotifier;
    if (m_fd >= 0)
        ::close(m_fd);
}

void WsConnection::sendFrame(const QByteArray &frame)
{
    if (m_state == State::Open)
        write(frame);
}

void WsConnection::close(CloseCode code, const QString &reason)
{
    if (m_state == State::Handshake) {
        abort();
        return;
    }
    if (m_state != State::Open)
        return;
    m_state = State::Closing;
    m_closeSent = true;
    m_message.clear();
    m_messageOpcode = Opcode::Continuation;
    write(frame(Opcode::Close, closePayload(code, reason)));
    if (m_state == State::Closing)
        m_timer.start(m_options.closeTimeoutMs);
}

void WsConnection::abort()
{
    finish();
}

void WsConnection::onReadable()
{
    char buffer[64 * 1024];
    for (int round = 0; round < kReadRounds && m_fd >= 0; ++round) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n > 0) {
            if (!m_lingering)
                m_in.append(buffer, n);
            if (size_t(n) < sizeof buffer)
                break;
            continue;
        }
        if (n == 0) { // the peer shut down its side: whatever came before still counts
            process();
            finish();
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
        qCDebug(lcServer) << "WebSocket read from" << m_peer << "failed:" << strerror(errno);
        finish(); // ECONNRESET and the like
        return;
    }
    process();
}

void WsConnection::process()
{
    if (m_lingering || m_fd < 0)
        return;
    if (m_state == State::Handshake)
        processHandshake();
    if (m_state == State::Open || m_state == State::Closing)
        processFrames();
}

void WsConnection::processHandshake()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0 && m_in.size() <= kMaxHandshakeBytes)
        return; // not all of it yet
    const HandshakeResult result =
        end < 0
            ? HandshakeResult{431, httpError(431, "request head too large"), u"request head too large"_s, {}}
            : answerHandshake(QByteArrayView(m_in).first(end + 4), m_options.allowedOrigins);
    if (result.status != 101) {
        qCInfo(lcServer).noquote() << u"WebSocket handshake from %1 refused (%2): %3"_s.arg(m_peer.toString())
                                          .arg(result.status)
                                          .arg(result.problem);
        // Answer, shut our side down once the answer is out, and drain until the client closes.
        m_lingering = true;
        m_state = State::Closing;
        m_in.clear();
        m_closeWhenFlushed = true;
        m_timer.start(kLingerMs);
        write(result.response);
        if (m_fd >= 0 && m_queue.isEmpty())
            ::shutdown(m_fd, SHUT_WR);
        return;
    }
    m_request = result.request;
    m_in.remove(0, end + 4);
    m_timer.stop();
    m_state = State::Open;
    write(result.response);
    if (m_state == State::Open)
        Q_EMIT connected();
}

void WsConnection::processFrames()
{
    qsizetype pos = 0;
    // Paused (too much queued): the rest waits in m_in until the queue drains (applyBackPressure).
    while (m_fd >= 0 && !m_lingering && !m_readPaused &&
           (m_state == State::Open || m_state == State::Closing)) {
        if (m_skip > 0) {
            const qsizetype take = qsizetype(std::min<qint64>(m_skip, m_in.size() - pos));
            pos += take;
            m_skip -= take;
            if (m_skip > 0)
                break;
            continue;
        }
        const qsizetype available = m_in.size() - pos;
        if (available < 2)
            break;
        const char *head = m_in.constData() + pos;
        const bool fin = quint8(head[0]) & 0x80;
        const bool reserved = quint8(head[0]) & 0x70;
        const auto opcode = Opcode(quint8(head[0]) & 0x0F);
        const bool masked = quint8(head[1]) & 0x80;
        const quint8 length7 = quint8(head[1]) & 0x7F;
        const int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
        const qsizetype headerSize = 2 + extended + (masked ? 4 : 0);
        if (available < headerSize)
            break;
        const quint64 length = extended ? bigEndian(head + 2, extended) : length7;
        const bool control = quint8(opcode) & 0x8;
        const bool known = opcode == Opcode::Continuation || opcode == Opcode::Text ||
                           opcode == Opcode::Binary || opcode == Opcode::Close || opcode == Opcode::Ping ||
                           opcode == Opcode::Pong;
        const bool absurd = length > quint64(std::numeric_limits<qint64>::max());

        if (m_state == State::Closing) {
            // Only the peer's close frame matters now; anything we cannot step over ends it.
            if (!known || absurd || (control && length > kMaxControlPayload)) {
                finish();
                return;
            }
            if (opcode == Opcode::Close) {
                finish();
                return;
            }
            pos += headerSize;
            m_skip = qint64(length);
            continue;
        }

        // Open: the rules of RFC 6455 5.2–5.5. A failure sends a close frame and stops parsing.
        if (reserved) {
            fail(CloseCode::ProtocolError, u"reserved bits set"_s);
            continue;
        }
        if (!known) {
            fail(CloseCode::ProtocolError, u"unknown opcode"_s);
            continue;
        }
        if (!masked) {
            fail(CloseCode::ProtocolError, u"client frames must be masked"_s);
            continue;
        }
        if (absurd) {
            fail(CloseCode::ProtocolError, u"bad frame length"_s);
            continue;
        }
        if ((length7 == 126 && length < 126) || (length7 == 127 && length <= 0xFFFF)) {
            fail(CloseCode::ProtocolError, u"frame length not in its shortest form"_s); // RFC 6455 5.2
            continue;
        }
        if (control && (!fin || length > kMaxControlPayload)) {
            fail(CloseCode::ProtocolError, u"control frames are short and not fragmented"_s);
            continue;
        }
        if (!control) {
            const bool inMessage = m_messageOpcode != Opcode::Continuation;
            if (opcode == Opcode::Continuation && !inMessage) {
                fail(CloseCode::ProtocolError, u"continuation frame outside a message"_s);
                continue;
            }
            if (opcode != Opcode::Continuation && inMessage) {
                fail(CloseCode::ProtocolError, u"new message inside a fragmented one"_s);
                continue;
            }
            if (length + quint64(m_message.size()) > quint64(m_options.maxMessageBytes)) {
                fail(CloseCode::TooMuchData, u"message too big"_s);
                continue;
            }
        }
        if (quint64(available - headerSize) < length)
            break; // wait for the rest of the payload
        const char *key = head + 2 + extended;
        const char *payload = head + headerSize;
        pos += headerSize + qsizetype(length);
        if (control) {
            QByteArray data(payload, qsizetype(length));
            unmask(data.data(), data.size(), key);
            handleControl(opcode, std::move(data));
            continue;
        }
        if (opcode != Opcode::Continuation)
            m_messageOpcode = opcode;
        const qsizetype before = m_message.size();
        m_message.append(payload, qsizetype(length));
        unmask(m_message.data() + before, qsizetype(length), key);
        if (fin) {
            const Opcode type = m_messageOpcode;
            QByteArray message = std::move(m_message);
            m_message = QByteArray();
            m_messageOpcode = Opcode::Continuation;
            handleMessage(type, std::move(message));
        }
    }
    if (m_lingering)
        m_in.clear();
    else if (m_fd >= 0)
        m_in.remove(0, pos);
    if (m_in.isEmpty() && m_in.capacity() > 4096)
        m_in = QByteArray(); // a large message once does not keep its buffer on an idle connection
}

void WsConnection::handleControl(Opcode opcode, QByteArray payload)
{
    if (opcode == Opcode::Ping) {
        write(frame(Opcode::Pong, payload));
        return;
    }
    if (opcode != Opcode::Close)
        return; // an unsolicited pong
    // The peer closes: answer with its code (or the reason it is wrong), then close the descriptor.
    QByteArray answer;
    if (payload.size() == 1) {
        answer = closePayload(CloseCode::ProtocolError, u"bad close frame"_s);
    } else if (payload.size() >= 2) {
        const auto code = quint16(bigEndian(payload.constData(), 2));
        if (!isValidCloseCode(code))
            answer = closePayload(CloseCode::ProtocolError, u"bad close code"_s);
        else if (!isValidUtf8(QByteArrayView(payload).sliced(2)))
            answer = closePayload(CloseCode::WrongDatatype, u"close reason is not UTF-8"_s);
        else
            answer = payload.first(2);
    }
    m_state = State::Closing;
    m_closeSent = true;
    m_closeWhenFlushed = true;
    write(frame(Opcode::Close, answer));
    if (m_fd >= 0 && m_queue.isEmpty())
        finish();
    else if (m_fd >= 0)
        m_timer.start(m_options.closeTimeoutMs);
}

void WsConnection::handleMessage(Opcode opcode, QByteArray payload)
{
    if (opcode == Opcode::Text) {
        if (!isValidUtf8(payload)) {
            fail(CloseCode::WrongDatatype, u"text is not UTF-8"_s);
            return;
        }
        Q_EMIT textMessageReceived(payload);
    } else {
        Q_EMIT binaryMessageReceived(payload);
    }
}

void WsConnection::fail(CloseCode code, const QString &reason)
{
    qCDebug(lcServer).noquote()
        << u"WebSocket client %1 failed (%2): %3"_s.arg(m_peer.toString()).arg(int(code)).arg(reason);
    close(code, reason);
    if (m_state != State::Closing)
        return;
    // What follows cannot be trusted to be framed: shut our side once the close frame is out (the peer
    // reads it, then the end of the stream) and drop its bytes until it closes or the timeout.
    m_lingering = true;
    m_closeWhenFlushed = true;
    m_in.clear();
    if (m_queue.isEmpty())
        ::shutdown(m_fd, SHUT_WR);
}

void WsConnection::write(const QByteArray &bytes)
{
    if (m_fd < 0 || bytes.isEmpty())
        return;
    if (m_queue.isEmpty()) {
        SendPool::Item item{.fd = m_fd, .data = bytes.constData(), .size = bytes.size()};
        SendPool::send(item);
        completeSend(bytes, item.sent, item.error);
        return;
    }
    m_queuedBytes += bytes.size();
    m_queue.append(bytes); // shared, not copied
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(true);
    applyBackPressure();
}

void WsConnection::completeSend(const QByteArray &bytes, qsizetype sent, int error)
{
    if (m_fd < 0)
        return;
    if (error != 0) {
        qCDebug(lcServer) << "WebSocket write to" << m_peer << "failed:" << strerror(error);
        finish(); // EPIPE, ECONNRESET
        return;
    }
    if (sent >= bytes.size())
        return;
    Q_ASSERT(m_queue.isEmpty());
    m_queueOffset = sent;
    m_queuedBytes = bytes.size() - sent;
    m_queue.append(bytes); // shared, not copied
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &WsConnection::onWritable);
    }
    m_writeNotifier->setEnabled(true);
    applyBackPressure();
}

void WsConnection::applyBackPressure()
{
    if (m_fd < 0)
        return;
    if (m_queuedBytes > m_options.maxQueuedBytes && !m_closeSent && m_state == State::Open) {
        qCInfo(lcServer).noquote() << u"WebSocket client %1 too slow: %2 bytes queued, closing"_s
                                          .arg(m_peer.toString())
                                          .arg(m_queuedBytes);
        // Drop what was queued, except the rest of a frame the kernel took a part of (the stream must
        // stay framed for the close frame that follows).
        if (m_queueOffset > 0) {
            const QByteArray partial = m_queue.first();
            m_queue = {partial};
            m_queuedBytes = partial.size() - m_queueOffset;
        } else {
            m_queue.clear();
            m_queuedBytes = 0;
        }
        fail(CloseCode::PolicyViolated, u"client too slow"_s);
        return;
    }
    const bool pause = m_queuedBytes > m_options.highWaterBytes ||
                       (m_readPaused && m_queuedBytes >= m_options.lowWaterBytes);
    if (pause == m_readPaused || !m_readNotifier)
        return;
    m_readPaused = pause;
    m_readNotifier->setEnabled(!pause);
    if (!pause) // what was read before the pause and not parsed yet
        QMetaObject::invokeMethod(
            this, [this] { process(); }, Qt::QueuedConnection);
}

void WsConnection::onWritable()
{
    flushQueue();
}

void WsConnection::flushQueue()
{
    while (m_fd >= 0 && !m_queue.isEmpty()) {
        iovec parts[kMaxIovecs];
        int count = 0;
        for (qsizetype i = 0; i < m_queue.size() && count < kMaxIovecs; ++i, ++count) {
            const QByteArray &chunk = m_queue.at(i);
            const qsizetype skip = i == 0 ? m_queueOffset : 0;
            parts[count].iov_base = const_cast<char *>(chunk.constData() + skip);
            parts[count].iov_len = size_t(chunk.size() - skip);
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        ssize_t n = ::sendmsg(m_fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            qCDebug(lcServer) << "WebSocket write to" << m_peer << "failed:" << strerror(errno);
            finish();
            return;
        }
        m_queuedBytes -= n;
        while (n > 0) {
            const qsizetype left = m_queue.first().size() - m_queueOffset;
            if (n >= left) {
                n -= left;
                m_queue.removeFirst();
                m_queueOffset = 0;
            } else {
                m_queueOffset += n;
                n = 0;
            }
        }
    }
    if (m_fd < 0)
        return;
    m_writeNotifier->setEnabled(!m_queue.isEmpty());
    applyBackPressure();
    if (m_fd < 0)
        return;
    if (m_queue.isEmpty() && m_closeWhenFlushed) {
        if (m_lingering)
            ::shutdown(m_fd, SHUT_WR);
        else
            finish();
    }
}

void WsConnection::onTimeout()
{
    if (m_state == State::Handshake)
        qCInfo(lcServer) << "WebSocket handshake from" << m_peer << "timed out";
    finish();
}

void WsConnection::finish()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_timer.stop();
    // Disabled before the descriptor goes; deleted later (this may run inside their own signal).
    for (QSocketNotifier *notifier : {m_readNotifier, m_writeNotifier}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    m_readNotifier = nullptr;
    m_writeNotifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_queue.clear();
    m_queueOffset = 0;
    m_queuedBytes = 0;
    m_message.clear();
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT disconnected(); }, Qt::QueuedConnection);
}

} // namespace clera::ws
