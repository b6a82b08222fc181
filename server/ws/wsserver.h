#pragma once

#include "wsconnection.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>

namespace clera::ws {

// Accepts TCP connections and keeps the descriptors itself (incomingConnection), so each becomes a
// WsConnection rather than a QTcpSocket. clientConnected is emitted once a connection's upgrade was
// accepted; the receiver takes it over (parent, disconnected). Connections whose handshake fails or
// times out are answered and deleted here.
// Limits: past maxConnections live connections (handed over ones included, until they are destroyed),
// or past maxHandshakesPerAddress connections from one address still in their handshake, a new
// descriptor is closed at once. When accept() itself fails (EMFILE, ENFILE, ENOBUFS, …) QTcpServer
// stops accepting; it is resumed after acceptRetryMs rather than never.
// Accepted descriptors get TCP keepalive (60 s idle, 10 s apart, 3 probes) and TCP_USER_TIMEOUT, so a
// peer that vanished without a FIN or RST is found and closed.
class WsServer : public QTcpServer
{
    Q_OBJECT
public:
    struct Limits
    {
        int maxConnections = 20'000;
        // High enough for clients behind one NAT or load balancer connecting at once (a benchmark of 5,000
        // clients from one address had 1,774 closed at 64); low enough that one address cannot hold every slot.
        int maxHandshakesPerAddress = 1024;
        int acceptRetryMs = 250;
    };
    static constexpr int kKeepAliveIdleS = 60;
    static constexpr int kKeepAliveIntervalS = 10;
    static constexpr int kKeepAliveCount = 3;
    static constexpr int kUserTimeoutMs = 30'000;

    explicit WsServer(WsConnection::Options options, QObject *parent = nullptr);
    WsServer(WsConnection::Options options, Limits limits, QObject *parent = nullptr);

    // Live connections (in the handshake or handed over), and those in their handshake.
    [[nodiscard]] int connectionCount() const { return m_connections; }
    [[nodiscard]] int handshakeCount() const { return int(m_handshaking.size()); }
    // Since start: descriptors closed at once because of a limit, and accept() failures.
    [[nodiscard]] qint64 refusedCount() const { return m_refused; }
    [[nodiscard]] qint64 acceptErrorCount() const { return m_acceptErrors; }
    // What acceptError does (public so that a test can drive it): pause, then resume after acceptRetryMs.
    void onAcceptError(QAbstractSocket::SocketError error);

Q_SIGNALS:
    void clientConnected(clera::ws::WsConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void refuse(int descriptor, const QString &why);
    void handshakeOver(QObject *connection);

    WsConnection::Options m_options;
    Limits m_limits;
    int m_connections = 0;
    QHash<QObject *, QHostAddress> m_handshaking; // connection → its peer, while in the handshake
    QHash<QHostAddress, int> m_handshakesPerAddress;
    qint64 m_refused = 0;
    qint64 m_acceptErrors = 0;
    QElapsedTimer m_lastRefusalLog;
    QElapsedTimer m_lastAcceptErrorLog;
    bool m_resumeScheduled = false;
};

} // namespace clera::ws
