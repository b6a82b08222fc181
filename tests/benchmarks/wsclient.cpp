#include "wsclient.h"

#include <QCryptographicHash>

#include <cerrno>
#include <cstring>
#include <random>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace clera::bench {

namespace {

constexpr size_t kMaxHandshakeBytes = 16 * 1024;
constexpr quint64 kMaxMessageBytes = 64 * 1024 * 1024;
constexpr std::string_view kRawValue = "\"raw_value\":";

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

// One thread: its share of the connections on one epoll instance, level-triggered.
class LeanClients::Worker
{
public:
    Worker(LeanClients &owner, int handshakesInFlight, quint64 seed)
        : m_owner(owner), m_maxInFlight(std::max(1, handshakesInFlight)), m_rng(seed)
    {}

    ~Worker() { stop(); }

    void add(const ClientTarget &target)
    {
        Conn c;
        c.target = target;
        m_conns.push_back(std::move(c));
    }

    void start()
    {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll < 0) {
            m_owner.fail(u"epoll_create1: "_s + errnoText(errno));
            return;
        }
        m_thread = std::thread([this] { run(); });
    }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        for (Conn &c : m_conns) {
            if (c.fd >= 0)
                ::close(c.fd);
            c.fd = -1;
        }
        if (m_epoll >= 0)
            ::close(m_epoll);
        m_epoll = -1;
    }

private:
    enum class State : quint8 { Idle, Connecting, Handshake, Open, Done };

    struct Conn
    {
        ClientTarget target;
        int fd = -1;
        State state = State::Idle;
        bool seen = false;
        bool wantWrite = false;
        QByteArray expectedAccept;
        std::string in;      // received bytes not parsed yet
        std::string out;     // bytes not written yet
        std::string message; // a fragmented message being assembled
        bool fragmented = false;
    };

    void run()
    {
        std::vector<epoll_event> events(512);
        while (!m_stop.load(std::memory_order_relaxed) && !m_failed) {
            openMore();
            const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), 20);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                m_owner.fail(u"epoll_wait: "_s + errnoText(errno));
                return;
            }
            for (int i = 0; i < n && !m_failed; ++i) {
                Conn &c = m_conns[events[size_t(i)].data.u32];
                const quint32 ev = events[size_t(i)].events;
                if (c.state == State::Connecting) {
                    connected(c);
                    continue;
                }
                if ((ev & EPOLLOUT) && !c.out.empty())
                    writeOut(c);
                if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    readIn(c);
            }
            flushCounters();
        }
    }

    void flushCounters()
    {
        if (m_updates) {
            m_owner.updates.fetch_add(m_updates, std::memory_order_relaxed);
            m_updates = 0;
        }
        if (m_messages) {
            m_owner.messages.fetch_add(m_messages, std::memory_order_relaxed);
            m_messages = 0;
        }
    }

    void openMore()
    {
        while (m_next < m_conns.size() && m_inFlight < m_maxInFlight) {
            const auto index = quint32(m_next++);
            Conn &c = m_conns[index];
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c.fd < 0) {
                fail(u"socket: "_s + errnoText(errno));
                return;
            }
            const int one = 1;
            ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(c.target.port);
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ++m_inFlight;
            c.state = State::Connecting;
            epoll_event ev{};
            ev.events = EPOLLOUT;
            ev.data.u32 = index;
            if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
                fail(u"epoll_ctl: "_s + errnoText(errno));
                return;
            }
            if (::connect(c.fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 &&
                errno != EINPROGRESS) {
                end(c, u"connect: "_s + errnoText(errno));
            }
        }
    }

    void connected(Conn &c)
    {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
            error = errno;
        if (error != 0) {
            end(c, u"connect: "_s + errnoText(error));
            return;
        }
        c.state = State::Handshake;
        QByteArray key(16, Qt::Uninitialized);
        for (char &b : key)
            b = char(m_rng());
        key = key.toBase64();
        c.expectedAccept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                    QCryptographicHash::Sha1)
                               .toBase64();
        const QByteArray request =
            "GET " + c.target.resource + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(c.target.port) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
            "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        c.out.assign(request.constData(), size_t(request.size()));
        setInterest(c, true);
        writeOut(c);
    }

    void setInterest(Conn &c, bool write)
    {
        if (c.fd < 0)
            return;
        epoll_event ev{};
        ev.events = EPOLLIN | (write ? EPOLLOUT : 0u);
        ev.data.u32 = quint32(&c - m_conns.data());
        ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.wantWrite = write;
    }

    void writeOut(Conn &c)
    {
        while (!c.out.empty() && c.fd >= 0) {
            const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                end(c, u"send: "_s + errnoText(errno));
                return;
            }
            c.out.erase(0, size_t(n));
        }
        if (c.fd >= 0 && c.wantWrite != !c.out.empty())
            setInterest(c, !c.out.empty());
    }

    void readIn(Conn &c)
    {
        if (c.fd < 0)
            return;
        const ssize_t n = ::recv(c.fd, m_buffer, sizeof m_buffer, 0);
        if (n == 0) {
            end(c, c.state == State::Open ? u"connection closed without a close frame"_s
                                          : u"connection closed during the handshake"_s);
            return;
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                end(c, u"recv: "_s + errnoText(errno));
            return;
        }
        if (c.in.empty()) {
            const size_t used = consume(c, m_buffer, size_t(n));
            if (c.fd >= 0 && used < size_t(n))
                c.in.assign(m_buffer + used, size_t(n) - used);
        } else {
            c.in.append(m_buffer, size_t(n));
            const size_t used = consume(c, c.in.data(), c.in.size());
            if (c.fd >= 0)
                c.in.erase(0, used);
        }
    }

    // Parses what it can of data; returns how many bytes it used.
    size_t consume(Conn &c, const char *data, size_t size)
    {
        size_t at = 0;
        if (c.state == State::Handshake) {
            const std::string_view text(data, size);
            const size_t end = text.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (size > kMaxHandshakeBytes)
                    fail(u"the handshake answer has no end within %1 bytes"_s.arg(kMaxHandshakeBytes));
                return 0;
            }
            if (!handshakeAccepted(c, text.substr(0, end)))
                return 0;
            c.state = State::Open;
            m_owner.connected.fetch_add(1, std::memory_order_relaxed);
            at = end + 4;
        }
        while (c.fd >= 0 && c.state == State::Open) {
            const auto *p = reinterpret_cast<const quint8 *>(data + at);
            const size_t left = size - at;
            if (left < 2)
                break;
            const bool fin = p[0] & 0x80;
            const quint8 opcode = p[0] & 0x0F;
            if (p[0] & 0x70) {
                fail(u"a server frame has reserved bits set (0x%1)"_s.arg(int(p[0]), 2, 16, QChar(u'0')));
                return at;
            }
            if (p[1] & 0x80) {
                fail(u"a server frame is masked"_s);
                return at;
            }
            quint64 length = p[1] & 0x7F;
            size_t header = 2;
            if (length == 126) {
                if (left < 4)
                    break;
                length = (quint64(p[2]) << 8) | p[3];
                header = 4;
            } else if (length == 127) {
                if (left < 10)
                    break;
                length = 0;
                for (int i = 0; i < 8; ++i)
                    length = (length << 8) | p[2 + i];
                header = 10;
            }
            if (length > kMaxMessageBytes) {
                fail(u"a server frame announces %1 bytes"_s.arg(length));
                return at;
            }
            if (left < header + length)
                break;
            const char *payload = data + at + header;
            at += header + size_t(length);
            if (!frame(c, fin, opcode, payload, size_t(length)))
                return at;
        }
        return at;
    }

    bool handshakeAccepted(Conn &c, std::string_view head)
    {
        const size_t lineEnd = head.find("\r\n");
        const std::string_view status = head.substr(0, lineEnd);
        if (!status.starts_with("HTTP/1.1 101 ")) {
            fail(u"the handshake was answered '%1' instead of 101"_s.arg(
                QString::fromLatin1(status.data(), qsizetype(status.size()))));
            return false;
        }
        QByteArray accept;
        size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
        while (pos < head.size()) {
            size_t next = head.find("\r\n", pos);
            if (next == std::string_view::npos)
                next = head.size();
            const QByteArray line = QByteArray(head.data() + pos, qsizetype(next - pos));
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 &&
                line.left(colon).trimmed().compare("sec-websocket-accept", Qt::CaseInsensitive) == 0)
                accept = line.mid(colon + 1).trimmed();
            pos = next + 2;
        }
        if (accept != c.expectedAccept) {
            fail(u"the handshake's Sec-WebSocket-Accept is '%1', expected '%2'"_s.arg(
                QString::fromLatin1(accept), QString::fromLatin1(c.expectedAccept)));
            return false;
        }
        return true;
    }

    bool frame(Conn &c, bool fin, quint8 opcode, const char *payload, size_t length)
    {
        switch (opcode) {
        case Text:
            if (c.fragmented) {
                fail(u"a text frame arrived inside a fragmented message"_s);
                return false;
            }
            if (fin) {
                text(c, payload, length);
            } else {
                c.fragmented = true;
                c.message.assign(payload, length);
            }
            return true;
        case Continuation:
            if (!c.fragmented) {
                fail(u"a continuation frame arrived outside a fragmented message"_s);
                return false;
            }
            c.message.append(payload, length);
            if (fin) {
                c.fragmented = false;
                text(c, c.message.data(), c.message.size());
                c.message.clear();
            }
            return true;
        case Ping:
        case Pong:
        case Close:
            if (!fin || length > 125) {
                fail(u"a control frame (opcode %1) is fragmented or longer than 125 bytes"_s.arg(opcode));
                return false;
            }
            if (opcode == Ping) {
                send(c, Pong, payload, length);
            } else if (opcode == Close) {
                const int code = length >= 2 ? (quint8(payload[0]) << 8) | quint8(payload[1]) : 1005;
                const QString reason =
                    length > 2 ? QString::fromUtf8(payload + 2, qsizetype(length - 2)) : QString();
                send(c, Close, payload, std::min<size_t>(length, 2));
                end(c, u"%1 %2"_s.arg(code).arg(reason));
                return false;
            }
            return true;
        case Binary:
            fail(u"the server sent a binary frame"_s);
            return false;
        default:
            fail(u"the server sent a frame with the unknown opcode %1"_s.arg(opcode));
            return false;
        }
    }

    // Counts the updates of one text message; a probe client turns its value into a latency.
    void text(Conn &c, const char *data, size_t size)
    {
        const std::string_view message(data, size);
        int count = 0;
        for (size_t at = message.find(kRawValue); at != std::string_view::npos;
             at = message.find(kRawValue, at + kRawValue.size())) {
            ++count;
            if (c.target.probe && m_owner.measuring.load(std::memory_order_relaxed))
                probe(message.substr(at + kRawValue.size()));
        }
        if (count == 0)
            return;
        if (!c.seen) {
            c.seen = true;
            --m_inFlight;
            m_owner.withValue.fetch_add(1, std::memory_order_relaxed);
        }
        if (m_owner.measuring.load(std::memory_order_relaxed)) {
            m_updates += quint64(count);
            ++m_messages;
        }
    }

    void probe(std::string_view rest)
    {
        const qint64 now = monotonicNanos();
        if (rest.empty() || rest.front() != '"')
            return; // null: no value yet
        const size_t close = rest.find('"', 1);
        if (close == std::string_view::npos)
            return;
        const auto value = Decimal::parse(QString::fromLatin1(rest.data() + 1, qsizetype(close - 1)));
        if (!value)
            return;
        const qint64 sent = m_owner.m_clock.sentAt(probeSeqOf(*value));
        if (sent != 0)
            m_owner.addLatency(now - sent);
    }

    // A client frame: FIN, masked with a fresh key.
    void send(Conn &c, quint8 opcode, const char *payload, size_t length)
    {
        std::string frame;
        frame.reserve(6 + length);
        frame.push_back(char(0x80 | opcode));
        frame.push_back(char(0x80 | length)); // control frames only: length <= 125
        const quint32 maskKey = quint32(m_rng());
        char mask[4];
        std::memcpy(mask, &maskKey, 4);
        frame.append(mask, 4);
        for (size_t i = 0; i < length; ++i)
            frame.push_back(char(payload[i] ^ mask[i % 4]));
        c.out += frame;
        writeOut(c);
    }

    // The connection is over (closed by the server, refused or reset): counted, and the reason noted.
    void end(Conn &c, const QString &why)
    {
        if (c.fd < 0)
            return;
        if (!c.seen)
            --m_inFlight;
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        ::close(c.fd);
        c.fd = -1;
        c.state = State::Done;
        c.in.clear();
        c.out.clear();
        m_owner.closed.fetch_add(1, std::memory_order_relaxed);
        m_owner.noteClose(why);
    }

    void fail(const QString &message)
    {
        m_failed = true;
        m_owner.fail(message);
    }

    LeanClients &m_owner;
    const int m_maxInFlight;
    std::mt19937_64 m_rng;
    std::vector<Conn> m_conns;
    size_t m_next = 0;
    int m_inFlight = 0;
    int m_epoll = -1;
    bool m_failed = false;
    quint64 m_updates = 0;
    quint64 m_messages = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    char m_buffer[64 * 1024];
};

LeanClients::LeanClients(const ProbeClock &clock, Options options) : m_clock(clock), m_options(options) {}

LeanClients::~LeanClients()
{
    stop();
}

void LeanClients::start(const std::vector<ClientTarget> &targets)
{
    const int threads = std::max(1, m_options.threads);
    for (int i = 0; i < threads; ++i)
        m_workers.push_back(
            std::make_unique<Worker>(*this, m_options.handshakesInFlight / threads, quint64(1000 + i)));
    for (size_t i = 0; i < targets.size(); ++i)
        m_workers[i % size_t(threads)]->add(targets[i]);
    for (auto &worker : m_workers)
        worker->start();
}

void LeanClients::stop()
{
    for (auto &worker : m_workers)
        worker->stop();
    m_workers.clear();
}

std::vector<qint64> LeanClients::takeLatencies()
{
    const std::lock_guard lock(m_mutex);
    return std::exchange(m_latencies, {});
}

QString LeanClients::failure() const
{
    const std::lock_guard lock(m_mutex);
    return m_failure;
}

QString LeanClients::closeSummary() const
{
    const std::lock_guard lock(m_mutex);
    QStringList parts;
    for (const auto &[why, count] : m_closes)
        parts.append(u"%1 ×%2"_s.arg(why).arg(count));
    return parts.join(u", "_s);
}

void LeanClients::fail(const QString &message)
{
    const std::lock_guard lock(m_mutex);
    if (m_failure.isEmpty())
        m_failure = message;
}

void LeanClients::noteClose(const QString &why)
{
    const std::lock_guard lock(m_mutex);
    ++m_closes[why.left(80)];
}

void LeanClients::addLatency(qint64 nanos)
{
    const std::lock_guard lock(m_mutex);
    m_latencies.push_back(nanos);
}

} // namespace clera::bench
