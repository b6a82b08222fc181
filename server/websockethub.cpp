#include "websockethub.h"

#include "core/auth/jwt.h"
#include "core/broker/broker.h"
#include "core/realtime/portfoliotracker.h"
#include "core/store/accountdirectory.h"
#include "serverlog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString errorMessage(const QString &message)
{
    return compact(QJsonObject{{u"type"_s, u"error"_s}, {u"message"_s, message}});
}

// The token from ?token=…, else from an Authorization: Bearer header.
QString tokenOf(const QWebSocket *socket)
{
    const QString fromQuery = QUrlQuery(socket->requestUrl()).queryItemValue(u"token"_s, QUrl::FullyDecoded);
    if (!fromQuery.isEmpty())
        return fromQuery;
    const QByteArray header = socket->request().rawHeader(QByteArrayLiteral("Authorization"));
    if (header.startsWith("Bearer "))
        return QString::fromLatin1(header.mid(7).trimmed());
    return {};
}

} // namespace

WebSocketHub::WebSocketHub(const Jwt *jwt, Broker *broker, AccountDirectory *directory,
                           PortfolioTracker *tracker, QObject *parent)
    : QObject(parent), m_jwt(jwt), m_broker(broker), m_directory(directory), m_tracker(tracker),
      m_server(u"clera-server"_s, QWebSocketServer::NonSecureMode)
{
    m_server.setHandshakeTimeout(std::chrono::seconds(10));
    connect(&m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::onNewConnection);
    connect(&m_server, &QWebSocketServer::acceptError, this, [](QAbstractSocket::SocketError error) {
        qCWarning(lcServer) << "WebSocket accept error" << error;
    });
    connect(m_tracker, &PortfolioTracker::portfolioUpdated, this, &WebSocketHub::onPortfolioUpdated);
}

WebSocketHub::~WebSocketHub()
{
    shutdown();
}

Expected<quint16, QString> WebSocketHub::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server.listen(address, port))
        return unexpected(u"cannot listen for WebSocket clients on %1:%2: %3"_s.arg(address.toString())
                              .arg(port)
                              .arg(m_server.errorString()));
    return m_server.serverPort();
}

void WebSocketHub::shutdown()
{
    m_server.close();
    const QList<QWebSocket *> sockets = findChildren<QWebSocket *>(Qt::FindDirectChildrenOnly);
    for (QWebSocket *socket : sockets) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
    }
    const bool hadClients = !m_accountOf.isEmpty();
    m_watchers.clear();
    m_accountOf.clear();
    if (hadClients)
        Q_EMIT connectionCountChanged(0);
}

void WebSocketHub::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { onDisconnected(socket); });
        authorize(socket);
    }
}

void WebSocketHub::authorize(QWebSocket *socket)
{
    static const QRegularExpression pathPattern(u"^/ws/portfolio/([A-Za-z0-9._-]{1,128})/?$"_s);
    const auto match = pathPattern.match(socket->requestUrl().path());
    if (!match.hasMatch()) {
        reject(socket, QWebSocketProtocol::CloseCodePolicyViolated,
               u"unknown path; use /ws/portfolio/{account_id}?token=<JWT>"_s);
        return;
    }
    const QString accountId = match.captured(1);
    const QString token = tokenOf(socket);
    if (token.isEmpty()) {
        reject(socket, QWebSocketProtocol::CloseCodePolicyViolated, u"missing token"_s);
        return;
    }
    const auto claims = m_jwt->verify(token);
    if (!claims) {
        reject(socket, QWebSocketProtocol::CloseCodePolicyViolated,
               u"invalid token: "_s + claims.error().message);
        return;
    }
    if (claims->role == Role::User) {
        const auto owner = m_directory->ownerOf(accountId);
        if (!owner) {
            qCWarning(lcServer) << "account directory failed:" << owner.error();
            reject(socket, QWebSocketProtocol::CloseCodeBadOperation, u"internal error"_s);
            return;
        }
        if (*owner != claims->subject) {
            reject(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                   u"not allowed to watch this account"_s);
            return;
        }
    }
    checkAccount(socket, accountId, claims->expiresAt);
}

void WebSocketHub::checkAccount(QWebSocket *socket, const QString &accountId, qint64 expiresAt)
{
    QPointer<QWebSocket> guard(socket);
    m_broker->account(accountId).then(this, [this, guard, accountId, expiresAt](const BrokerResult<Account> &account) {
        if (!guard || guard->state() != QAbstractSocket::ConnectedState)
            return;
        if (!account) {
            if (account.error().kind == BrokerError::Kind::NotFound) {
                reject(guard, QWebSocketProtocol::CloseCodePolicyViolated, u"unknown account"_s);
            } else {
                qCWarning(lcServer) << "cannot check account" << accountId << account.error().message;
                reject(guard, QWebSocketProtocol::CloseCodeBadOperation, u"internal error"_s);
            }
            return;
        }
        admit(guard, accountId);
        closeWhenExpired(guard, expiresAt);
    });
}

void WebSocketHub::closeWhenExpired(QWebSocket *socket, qint64 expiresAt)
{
    // Timers take int milliseconds: a token valid for longer is checked again once a day.
    constexpr qint64 kDayMs = 24 * 3600 * 1000;
    const qint64 left = expiresAt * 1000 - QDateTime::currentMSecsSinceEpoch();
    if (left <= 0) {
        reject(socket, QWebSocketProtocol::CloseCodePolicyViolated, u"token expired"_s);
        return;
    }
    QTimer::singleShot(int(std::min(left, kDayMs)), socket,
                       [this, socket, expiresAt] { closeWhenExpired(socket, expiresAt); });
}

void WebSocketHub::reject(QWebSocket *socket, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    qCInfo(lcServer).noquote() << u"WebSocket client from %1 rejected (%2): %3"_s
                                      .arg(socket->peerAddress().toString())
                                      .arg(int(code))
                                      .arg(reason);
    socket->close(code, reason.left(120));
}

void WebSocketHub::admit(QWebSocket *socket, const QString &accountId)
{
    m_watchers[accountId].append(socket);
    m_accountOf.insert(socket, accountId);
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &message) { onTextMessage(socket, message); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [socket](const QByteArray &) {
        socket->sendTextMessage(errorMessage(u"binary messages are not supported"_s));
    });
    qCInfo(lcServer) << "WebSocket client watching account" << accountId << "(" << connectionCount()
                     << "connections )";
    Q_EMIT connectionCountChanged(connectionCount());

    if (const auto latest = m_tracker->latest(accountId))
        socket->sendTextMessage(compact(latest->toJson()));
    m_tracker->track(accountId);
}

void WebSocketHub::onTextMessage(QWebSocket *socket, const QString &message)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(message.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        socket->sendTextMessage(errorMessage(u"message must be a JSON object"_s));
        return;
    }
    const QString type = doc.object().value(u"type"_s).toString();
    if (type == u"heartbeat") {
        socket->sendTextMessage(compact(
            QJsonObject{{u"type"_s, u"heartbeat_ack"_s}, {u"timestamp"_s, Timestamp::now().toString()}}));
        return;
    }
    socket->sendTextMessage(errorMessage(u"unknown message type '%1'"_s.arg(type.left(64))));
}

void WebSocketHub::onDisconnected(QWebSocket *socket)
{
    const auto it = m_accountOf.constFind(socket);
    if (it != m_accountOf.cend()) {
        const QString accountId = *it;
        m_accountOf.erase(it);
        auto watchers = m_watchers.find(accountId);
        if (watchers != m_watchers.end()) {
            watchers->removeOne(socket);
            if (watchers->isEmpty())
                m_watchers.erase(watchers);
        }
        qCInfo(lcServer) << "WebSocket client left account" << accountId << "(" << connectionCount()
                         << "connections )";
        Q_EMIT connectionCountChanged(connectionCount());
    }
    socket->deleteLater();
}

void WebSocketHub::onPortfolioUpdated(const PortfolioUpdate &update)
{
    const auto it = m_watchers.constFind(update.accountId);
    if (it == m_watchers.cend() || it->isEmpty())
        return;
    const QString text = compact(update.toJson());
    for (QWebSocket *socket : *it)
        socket->sendTextMessage(text);
}

} // namespace clera
