#pragma once

#include "core/domain/expected.h"
#include "core/realtime/portfolioupdate.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QWebSocketProtocol>
#include <QWebSocketServer>

class QWebSocket;

namespace clera {

class AccountDirectory;
class Broker;
class Jwt;
class PortfolioTracker;
struct TokenClaims;

// Live portfolio values over WebSocket: ws://host:port/ws/portfolio/{account_id}?token=<JWT>.
// A user may watch the accounts the directory says they own, an operator any account the broker
// knows. Clients are indexed by account, so an update is serialised once and costs O(watchers).
class WebSocketHub : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxMessageBytes = 64 * 1024;
    static constexpr QStringView kPathPrefix = u"/ws/portfolio/";

    WebSocketHub(const Jwt *jwt, Broker *broker, AccountDirectory *directory, PortfolioTracker *tracker,
                 QObject *parent = nullptr);
    ~WebSocketHub() override;

    [[nodiscard]] Expected<quint16, QString> listen(const QHostAddress &address, quint16 port);
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    // Authorised clients currently connected.
    [[nodiscard]] int connectionCount() const { return int(m_accountOf.size()); }
    [[nodiscard]] int watcherCount(const QString &accountId) const
    {
        return int(m_watchers.value(accountId).size());
    }
    // Closes every client (1001 going away) and stops listening.
    void shutdown();

Q_SIGNALS:
    void connectionCountChanged(int count);

private:
    void onNewConnection();
    void authorize(QWebSocket *socket);
    void checkAccount(QWebSocket *socket, const QString &accountId, qint64 expiresAt);
    // Closes the connection with 1008 when its token expires.
    void closeWhenExpired(QWebSocket *socket, qint64 expiresAt);
    void admit(QWebSocket *socket, const QString &accountId);
    void reject(QWebSocket *socket, QWebSocketProtocol::CloseCode code, const QString &reason);
    void onTextMessage(QWebSocket *socket, const QString &message);
    void onDisconnected(QWebSocket *socket);
    void onPortfolioUpdated(const clera::PortfolioUpdate &update);

    const Jwt *m_jwt;
    Broker *m_broker;
    AccountDirectory *m_directory;
    PortfolioTracker *m_tracker;
    QWebSocketServer m_server;
    QHash<QString, QList<QWebSocket *>> m_watchers; // account → its clients
    QHash<QWebSocket *, QString> m_accountOf;       // authorised client → account
};

} // namespace clera
