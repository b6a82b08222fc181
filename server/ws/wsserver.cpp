#include "wsserver.h"

#include <sys/socket.h>

namespace clera::ws {

WsServer::WsServer(WsConnection::Options options, QObject *parent)
    : QTcpServer(parent), m_options(std::move(options))
{
    setListenBacklogSize(1024); // thousands of clients may connect at once
}

void WsServer::incomingConnection(qintptr descriptor)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    QHostAddress peer;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
        peer = QHostAddress(reinterpret_cast<const sockaddr *>(&address));
    auto *connection = new WsConnection(int(descriptor), peer, m_options, this);
    connect(connection, &WsConnection::connected, this, [this, connection] {
        connection->disconnect(this);
        Q_EMIT clientConnected(connection);
    });
    connect(connection, &WsConnection::disconnected, this, [connection] { connection->deleteLater(); });
}

} // namespace clera::ws
