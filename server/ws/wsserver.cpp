#include "wsserver.h"

#include "server/serverlog.h"

#include <QTimer>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace clera::ws {

namespace {

constexpr qint64 kRefusalLogIntervalMs = 1'000; // refusals and accept errors: one line a second at most

void setKeepAlive(int fd)
{
    const int one = 1;
    const int idle = WsServer::kKeepAliveIdleS;
    const int interval = WsServer::kKeepAliveIntervalS;
    const int count = WsServer::kKeepAliveCount;
    const unsigned userTimeout = WsServer::kUserTimeoutMs;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    // Unacknowledged data older than this ends the connection (a peer gone while we have data for it).
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &userTimeout, sizeof userTimeout);
}

} // namespace

WsServer::WsServer(WsConnection::Options options, QObject *parent)
    : WsServer(std::move(options), Limits{}, parent)
{}

WsServer::WsServer(WsConnection::Options options, Limits limits, QObject *parent)
    : QTcpServer(parent), m_options(std::move(options)), m_limits(limits)
{
    setListenBacklogSize(1024); // thousands of clients may connect at once
    connect(this, &QTcpServer::acceptError, this, &WsServer::onAcceptError);
}

void WsServer::onAcceptError(QAbstractSocket::SocketError error)
{
    ++m_acceptErrors;
    // QTcpServer has paused accepting (EMFILE and the like): without resuming it never accepts again.
    pauseAccepting();
    if (m_resumeScheduled)
        return;
    m_resumeScheduled = true;
    if (!m_lastAcceptErrorLog.isValid() || m_lastAcceptErrorLog.elapsed() >= kRefusalLogIntervalMs) {
        qCWarning(lcServer).noquote()
            << u"WebSocket accept failed (%1, %2; %3 since start): accepting again in %4 ms"_s.arg(int(error))
                   .arg(errorString())
                   .arg(m_acceptErrors)
                   .arg(m_limits.acceptRetryMs);
        m_lastAcceptErrorLog.start();
    }
    QTimer::singleShot(m_limits.acceptRetryMs, this, [this] {
        m_resumeScheduled = false;
        if (isListening())
            resumeAccepting();
    });
}

void WsServer::refuse(int descriptor, const QString &why)
{
    ::close(descriptor);
    ++m_refused;
    if (!m_lastRefusalLog.isValid() || m_lastRefusalLog.elapsed() >= kRefusalLogIntervalMs) {
        qCWarning(lcServer).noquote()
            << u"WebSocket connection refused: %1 (%2 refused since start)"_s.arg(why).arg(m_refused);
        m_lastRefusalLog.start();
    }
}

void WsServer::handshakeOver(QObject *connection)
{
    const auto it = m_handshaking.constFind(connection);
    if (it == m_handshaking.cend())
        return;
    const auto count = m_handshakesPerAddress.find(*it);
    if (count != m_handshakesPerAddress.end() && --*count <= 0)
        m_handshakesPerAddress.erase(count);
    m_handshaking.erase(it);
}

void WsServer::incomingConnection(qintptr descriptor)
{
    const int fd = int(descriptor);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    QHostAddress peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        peer = QHostAddress(reinterpret_cast<const sockaddr *>(&address));
    if (m_connections >= m_limits.maxConnections) {
        refuse(fd, u"%1 connections open (the limit)"_s.arg(m_connections));
        return;
    }
    if (m_handshakesPerAddress.value(peer) >= m_limits.maxHandshakesPerAddress) {
        refuse(fd, u"%1 handshakes from %2 in progress (the limit)"_s.arg(m_limits.maxHandshakesPerAddress)
                       .arg(peer.toString()));
        return;
    }
    setKeepAlive(fd);
    auto *connection = new WsConnection(fd, peer, m_options, this);
    ++m_connections;
    m_handshaking.insert(connection, peer);
    ++m_handshakesPerAddress[peer];
    // Counted until destroyed, whoever owns it by then.
    connect(connection, &QObject::destroyed, this, [this](QObject *object) {
        handshakeOver(object);
        --m_connections;
    });
    auto upgraded = std::make_shared<QMetaObject::Connection>();
    auto dropped = std::make_shared<QMetaObject::Connection>();
    *upgraded = connect(connection, &WsConnection::connected, this, [this, connection, upgraded, dropped] {
        disconnect(*upgraded);
        disconnect(*dropped);
        handshakeOver(connection);
        Q_EMIT clientConnected(connection);
    });
    *dropped =
        connect(connection, &WsConnection::disconnected, this, [connection] { connection->deleteLater(); });
}

} // namespace clera::ws
