#pragma once

#include "wsconnection.h"

#include <QTcpServer>

namespace clera::ws {

// Accepts TCP connections and keeps the descriptors itself (incomingConnection), so each becomes a
// WsConnection rather than a QTcpSocket. clientConnected is emitted once a connection's upgrade was
// accepted; the receiver takes it over (parent, disconnected). Connections whose handshake fails or
// times out are answered and deleted here.
class WsServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit WsServer(WsConnection::Options options, QObject *parent = nullptr);

Q_SIGNALS:
    void clientConnected(clera::ws::WsConnection *connection);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    WsConnection::Options m_options;
};

} // namespace clera::ws
