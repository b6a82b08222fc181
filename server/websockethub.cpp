#include "websockethub.h"

#include "core/broker/broker.h"
#include "core/realtime/portfoliosource.h"
#include "core/store/brokerageaccountrepository.h"
#include "serverlog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray errorMessage(const QString &message, const QString &accountId = {})
{
    QJsonObject o{{u"type"_s, u"error"_s}, {u"message"_s, message}};
    if (!accountId.isEmpty())
        o.insert(u"account_id"_s, accountId);
    return compact(o);
}

// The token from ?token=…, else from an Authorization: Bearer header.
QString tokenOf(const ws::WsConnection *socket)
{
    const QString fromQuery = socket->request().queryItem(u"token"_s);
    if (!fromQuery.isEmpty())
        return fromQuery;
    const QByteArray header = socket->request().header("authorization");
    if (header.startsWith("Bearer "))
        return QString::fromLatin1(header.mid(7).trimmed());
    return {};
}

// The JSON of a frame built by ws::textFrame: what follows the 2, 4 or 10 header bytes.
QByteArrayView payloadOf(const QByteArray &frame)
{
    const quint8 length7 = quint8(frame.at(1)) & 0x7F;
    return QByteArrayView(frame).sliced(length7 < 126 ? 2 : length7 == 126 ? 4 : 10);
}

} // namespace

WebSocketHub::WebSocketHub(AuthService *auth, Broker *broker, BrokerageAccountRepository *accounts,
                           PortfolioSource *source, Options options, QObject *parent)
    : QObject(parent), m_auth(auth), m_broker(broker), m_accounts(accounts), m_source(source),
      m_options(std::move(options)),
      // Browsers send Origin; when origins are configured, a page from elsewhere cannot connect (403).
      m_server(ws::WsConnection::Options{.allowedOrigins = m_options.allowedOrigins,
                                         .handshakeTimeoutMs = 10'000,
                                         .closeTimeoutMs = 5'000,
                                         .maxMessageBytes = kMaxMessageBytes},
               m_options.limits)
{
    // Accept errors (EMFILE, …) are logged and recovered from by the WsServer itself.
    connect(&m_server, &ws::WsServer::clientConnected, this, &WebSocketHub::onNewConnection);
    connect(m_source, &PortfolioSource::portfolioUpdated, this, &WebSocketHub::onPortfolioUpdated);
    m_clock.start();
    m_flush.setSingleShot(true);
    m_flush.setTimerType(Qt::PreciseTimer);
    connect(&m_flush, &QTimer::timeout, this, &WebSocketHub::flush);
    connect(&m_revalidate, &QTimer::timeout, this, &WebSocketHub::revalidateAll);
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, &WebSocketHub::closeExpired);
    if (m_options.revalidateIntervalMs > 0)
        m_revalidate.start(m_options.revalidateIntervalMs);
    const int threads = m_options.sendThreads > 0 ? m_options.sendThreads
                                                  : std::min(4, std::max(1, QThread::idealThreadCount()));
    if (threads > 1)
        m_sendPool = std::make_unique<ws::SendPool>(threads);
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
    // Connections still in their handshake belong to the server: dropped, never handed to the hub.
    const QList<Socket *> handshaking = m_server.findChildren<Socket *>(Qt::FindDirectChildrenOnly);
    for (Socket *socket : handshaking) {
        socket->disconnect(&m_server);
        socket->abort();
        socket->deleteLater();
    }
    const QList<Socket *> sockets = m_clients.keys();
    for (Socket *socket : sockets) {
        socket->disconnect(this);
        connect(socket, &Socket::disconnected, socket, &QObject::deleteLater);
        socket->close(ws::CloseCode::GoingAway, u"server shutting down"_s);
    }
    const bool hadClients = m_authenticated > 0;
    m_clients.clear();
    m_accountIndex.clear();
    m_watched.clear();
    m_freeSlots.clear();
    m_changedAccounts.clear();
    m_dirty.clear();
    m_expiries.clear();
    m_expiry.stop();
    m_authenticated = 0;
    if (hadClients)
        Q_EMIT connectionCountChanged(0);
}

void WebSocketHub::onNewConnection(Socket *socket)
{
    static const QRegularExpression singlePath(u"^/ws/portfolio/([A-Za-z0-9._-]{1,128})/?$"_s);
    socket->setParent(this);
    connect(socket, &Socket::disconnected, this, [this, socket] { onDisconnected(socket); });
    connect(socket, &Socket::textMessageReceived, this,
            [this, socket](const QByteArray &message) { onTextMessage(socket, message); });
    connect(socket, &Socket::binaryMessageReceived, this, [socket](const QByteArray &) {
        socket->sendText(errorMessage(u"binary messages are not supported"_s));
    });
    Client &client = m_clients[socket];

    const QString path = socket->request().path;
    const QString token = tokenOf(socket);
    if (path == u"/ws" || path == u"/ws/") {
        client.multi = true;
        if (!token.isEmpty()) {
            authenticate(socket, token);
        } else {
            QTimer::singleShot(m_options.authTimeoutMs, socket, [this, socket] {
                const auto it = m_clients.constFind(socket);
                if (it != m_clients.cend() && !it->authenticated)
                    reject(socket, ws::CloseCode::PolicyViolated, u"authentication timeout"_s);
            });
        }
        return;
    }
    const auto match = singlePath.match(path);
    if (!match.hasMatch()) {
        reject(socket, ws::CloseCode::PolicyViolated,
               u"unknown path; use /ws/portfolio/{account_id}?token=<JWT> or /ws"_s);
        return;
    }
    if (token.isEmpty()) {
        reject(socket, ws::CloseCode::PolicyViolated, u"missing token"_s);
        return;
    }
    authenticate(socket, token);
    if (!m_clients.value(socket).authenticated)
        return;
    const QPointer<Socket> guard(socket);
    watch(socket, match.captured(1), [this, guard](Watch outcome, const QString &reason) {
        if (guard && outcome != Watch::Ok)
            reject(guard,
                   outcome == Watch::Internal ? ws::CloseCode::BadOperation : ws::CloseCode::PolicyViolated,
                   reason);
    });
}

void WebSocketHub::authenticate(Socket *socket, const QString &token)
{
    const auto claims = m_auth->verifyAccessToken(token);
    if (!claims) {
        reject(socket, ws::CloseCode::PolicyViolated, u"invalid token: "_s + claims.error().message);
        return;
    }
    const auto user = m_auth->authenticate(token);
    if (!user) {
        if (user.error().kind == AuthError::Kind::InvalidToken)
            reject(socket, ws::CloseCode::PolicyViolated, u"invalid token: "_s + user.error().message);
        else
            reject(socket, ws::CloseCode::BadOperation, u"internal error"_s);
        return;
    }
    Client &client = m_clients[socket];
    client.authenticated = true;
    client.token = token;
    client.user = *user;
    ++m_authenticated;
    Q_EMIT connectionCountChanged(m_authenticated);
    closeWhenExpired(socket, claims->expiresAt);
    if (client.multi)
        socket->sendText(compact(QJsonObject{
            {u"type"_s, u"authenticated"_s}, {u"user"_s, user->userId}, {u"role"_s, toString(user->role)}}));
}

bool WebSocketHub::revalidate(Socket *socket)
{
    const auto it = m_clients.constFind(socket);
    if (it == m_clients.cend() || !it->authenticated)
        return false;
    const auto user = m_auth->authenticate(it->token);
    if (!user && user.error().kind != AuthError::Kind::InvalidToken)
        return true; // the store is unreachable: keep the client rather than drop everyone
    if (!user) {
        reject(socket, ws::CloseCode::PolicyViolated, u"access revoked"_s);
        return false;
    }
    if (user->role != it->user.role) {
        reject(socket, ws::CloseCode::PolicyViolated, u"role changed; connect again"_s);
        return false;
    }
    return true;
}

void WebSocketHub::revalidateAll()
{
    const QList<Socket *> sockets = m_clients.keys();
    for (Socket *socket : sockets) {
        if (m_clients.value(socket).authenticated)
            (void)revalidate(socket);
    }
}

void WebSocketHub::watch(Socket *socket, const QString &accountId,
                         std::function<void(Watch, const QString &)> done)
{
    const Client &client = m_clients[socket];
    if (client.accounts.contains(accountId))
        return done(Watch::Ok, {});
    if (client.accounts.size() >= kMaxAccountsPerClient)
        return done(Watch::Refused, u"at most %1 accounts per connection"_s.arg(kMaxAccountsPerClient));
    if (client.user.role != Role::Operator) {
        const auto owner = m_accounts->ownerOf(accountId);
        if (!owner) {
            qCWarning(lcServer) << "brokerage accounts unavailable:" << owner.error().message;
            return done(Watch::Internal, u"internal error"_s);
        }
        if (*owner != client.user.userId)
            return done(Watch::Refused, u"not allowed to watch this account"_s);
    }
    const QPointer<Socket> guard(socket);
    m_broker->account(accountId).then(
        this, [this, guard, accountId, done](const BrokerResult<Account> &account) {
            if (!guard || !guard->isOpen() || !m_clients.contains(guard))
                return;
            if (!account) {
                if (account.error().kind == BrokerError::Kind::NotFound)
                    return done(Watch::Refused, u"unknown account"_s);
                qCWarning(lcServer) << "cannot check account" << accountId << account.error().message;
                return done(Watch::Internal, u"internal error"_s);
            }
            Client &client = m_clients[guard];
            const int index = intern(accountId);
            if (!client.accounts.contains(accountId)) {
                client.accounts.insert(accountId);
                m_watched[size_t(index)].watchers.append(guard);
            }
            qCInfo(lcServer) << "WebSocket client watching account" << accountId;
            if (const auto latest = m_source->latest(accountId)) {
                markChanged(index, *latest);
                queue(guard, index);
            }
            m_source->watch(accountId);
            done(Watch::Ok, {});
        });
}

void WebSocketHub::unwatch(Socket *socket, const QString &accountId)
{
    Client &client = m_clients[socket];
    if (!client.accounts.remove(accountId))
        return;
    const int index = m_accountIndex.value(accountId, -1);
    if (index < 0)
        return;
    dropPending(client, index);
    QList<Socket *> &watchers = m_watched[size_t(index)].watchers;
    watchers.removeOne(socket);
    if (watchers.isEmpty()) {
        release(index);
        m_source->unwatch(accountId);
    }
}

int WebSocketHub::intern(const QString &accountId)
{
    const auto it = m_accountIndex.constFind(accountId);
    if (it != m_accountIndex.cend())
        return *it;
    int index;
    if (!m_freeSlots.empty()) {
        index = m_freeSlots.back();
        m_freeSlots.pop_back();
    } else {
        index = int(m_watched.size());
        m_watched.emplace_back();
    }
    m_watched[size_t(index)].id = accountId;
    m_accountIndex.insert(accountId, index);
    return index;
}

void WebSocketHub::release(int account)
{
    WatchedAccount &slot = m_watched[size_t(account)];
    m_accountIndex.remove(slot.id);
    if (slot.changed)
        std::erase(m_changedAccounts, account);
    slot = WatchedAccount{};
    m_freeSlots.push_back(account);
}

void WebSocketHub::markChanged(int account, const PortfolioUpdate &update)
{
    // Kept, not serialised: a newer update before the flush replaces it.
    std::optional<PortfolioUpdate> &changed = m_watched[size_t(account)].changed;
    if (!changed)
        m_changedAccounts.push_back(account);
    changed = update;
}

void WebSocketHub::subscribeMany(Socket *socket, const QStringList &accountIds)
{
    // The role and ownership decided below are the store's now, not the token's.
    if (!revalidate(socket))
        return;
    const QPointer<Socket> guard(socket);
    for (const QString &accountId : accountIds) {
        watch(socket, accountId, [guard, accountId](Watch outcome, const QString &reason) {
            if (!guard)
                return;
            guard->sendText(outcome == Watch::Ok ? compact(QJsonObject{{u"type"_s, u"subscribed"_s},
                                                                       {u"account_id"_s, accountId}})
                                                 : errorMessage(reason, accountId));
        });
    }
}

void WebSocketHub::onTextMessage(Socket *socket, const QByteArray &message)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(message, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        socket->sendText(errorMessage(u"message must be a JSON object"_s));
        return;
    }
    const QJsonObject object = doc.object();
    const QString type = object.value(u"type"_s).toString();
    if (type == u"heartbeat") {
        socket->sendText(compact(
            QJsonObject{{u"type"_s, u"heartbeat_ack"_s}, {u"timestamp"_s, Timestamp::now().toString()}}));
        return;
    }
    if (!it->multi) {
        socket->sendText(errorMessage(u"unknown message type '%1'"_s.arg(type.left(64))));
        return;
    }
    if (type == u"auth") {
        if (it->authenticated)
            socket->sendText(errorMessage(u"already authenticated"_s));
        else
            authenticate(socket, object.value(u"token"_s).toString());
        return;
    }
    if (!it->authenticated) {
        socket->sendText(errorMessage(u"authenticate first: {\"type\":\"auth\",\"token\":…}"_s));
        return;
    }
    if (type == u"subscribe" || type == u"unsubscribe") {
        const QJsonValue ids = object.value(u"account_ids"_s);
        QStringList accountIds;
        bool valid = ids.isArray() && ids.toArray().size() <= kMaxAccountsPerClient;
        for (const QJsonValue &id : ids.toArray()) {
            valid = valid && id.isString() && !id.toString().isEmpty() && id.toString().size() <= 128;
            accountIds.append(id.toString());
        }
        if (!valid) {
            socket->sendText(errorMessage(u"account_ids must be an array of account ids"_s));
            return;
        }
        if (type == u"subscribe") {
            subscribeMany(socket, accountIds);
        } else {
            for (const QString &id : std::as_const(accountIds))
                unwatch(socket, id);
            socket->sendText(compact(QJsonObject{
                {u"type"_s, u"unsubscribed"_s}, {u"account_ids"_s, QJsonArray::fromStringList(accountIds)}}));
        }
        return;
    }
    socket->sendText(errorMessage(u"unknown message type '%1'"_s.arg(type.left(64))));
}

void WebSocketHub::closeWhenExpired(Socket *socket, qint64 expiresAt)
{
    const qint64 expiresAtMs = expiresAt * 1000;
    if (expiresAtMs <= QDateTime::currentMSecsSinceEpoch()) {
        reject(socket, ws::CloseCode::PolicyViolated, u"token expired"_s);
        return;
    }
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    forgetExpiry(socket, *it);
    it->expiresAtMs = expiresAtMs;
    m_expiries.emplace(expiresAtMs, socket);
    armExpiryTimer();
}

void WebSocketHub::forgetExpiry(Socket *socket, const Client &client)
{
    if (client.expiresAtMs < 0)
        return;
    auto [first, last] = m_expiries.equal_range(client.expiresAtMs);
    for (auto it = first; it != last; ++it) {
        if (it->second == socket) {
            m_expiries.erase(it);
            break;
        }
    }
}

void WebSocketHub::armExpiryTimer()
{
    if (m_expiries.empty()) {
        m_expiry.stop();
        return;
    }
    // Timers take int milliseconds: a token valid for longer is looked at again once a day.
    constexpr qint64 kDayMs = 24 * 3600 * 1000;
    const qint64 left = m_expiries.begin()->first - QDateTime::currentMSecsSinceEpoch();
    m_expiry.start(int(std::clamp<qint64>(left, 0, kDayMs)));
}

void WebSocketHub::closeExpired()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<Socket *> expired;
    while (!m_expiries.empty() && m_expiries.begin()->first <= now) {
        Socket *socket = m_expiries.begin()->second;
        m_expiries.erase(m_expiries.begin());
        if (const auto it = m_clients.find(socket); it != m_clients.end())
            it->expiresAtMs = -1;
        expired.append(socket);
    }
    for (Socket *socket : std::as_const(expired))
        reject(socket, ws::CloseCode::PolicyViolated, u"token expired"_s);
    armExpiryTimer();
}

void WebSocketHub::reject(Socket *socket, ws::CloseCode code, const QString &reason)
{
    qCInfo(lcServer).noquote() << u"WebSocket client from %1 closed (%2): %3"_s
                                      .arg(socket->peerAddress().toString())
                                      .arg(int(code))
                                      .arg(reason);
    socket->close(code, reason);
}

void WebSocketHub::onDisconnected(Socket *socket)
{
    const auto it = m_clients.find(socket);
    if (it != m_clients.end()) {
        const QSet<QString> accounts = it->accounts;
        for (const QString &accountId : accounts)
            unwatch(socket, accountId);
        const bool counted = it->authenticated;
        forgetExpiry(socket, *it);
        m_clients.erase(it);
        m_dirty.remove(socket);
        if (counted) {
            --m_authenticated;
            Q_EMIT connectionCountChanged(m_authenticated);
        }
    }
    socket->deleteLater();
}

void WebSocketHub::onPortfolioUpdated(const PortfolioUpdate &update)
{
    // The one QString lookup of an update; indexes from here on.
    const int index = m_accountIndex.value(update.accountId, -1);
    if (index < 0 || m_watched[size_t(index)].watchers.isEmpty())
        return;
    markChanged(index, update);
    for (Socket *socket : std::as_const(m_watched[size_t(index)].watchers))
        queue(socket, index);
}

void WebSocketHub::queue(Socket *socket, int account)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    Client &client = *it;
    // An account already pending is written once, with its latest value.
    if (!client.multi) {
        if (client.pending.isEmpty())
            client.pending.append(account);
    } else if (!client.pendingSet.contains(account)) {
        client.pendingSet.insert(account);
        client.pending.append(account);
    }
    m_dirty.insert(socket);
    if (!m_flush.isActive()) {
        const qint64 wait = m_lastFlushMs + m_options.flushIntervalMs - m_clock.elapsed();
        m_flush.start(int(std::clamp<qint64>(wait, 0, m_options.flushIntervalMs)));
    }
}

void WebSocketHub::dropPending(Client &client, int account)
{
    client.pending.removeOne(account);
    client.pendingSet.remove(account);
}

QByteArray WebSocketHub::batchFrame(const Client &client) const
{
    static constexpr QByteArrayView kHead = "{\"type\":\"portfolio_updates\",\"updates\":[";
    static constexpr QByteArrayView kTail = "]}";
    qsizetype length = kHead.size() + kTail.size();
    int found = 0;
    for (const int account : client.pending) {
        if (const QByteArray &frame = m_watched[size_t(account)].frame; !frame.isEmpty()) {
            length += payloadOf(frame).size() + (found > 0 ? 1 : 0);
            ++found;
        }
    }
    if (found == 0)
        return {};
    QByteArray out;
    out.reserve(ws::frameHeaderSize(length) + length);
    ws::appendFrameHeader(out, ws::Opcode::Text, length);
    out.append(kHead);
    bool first = true;
    for (const int account : client.pending) {
        if (const QByteArray &frame = m_watched[size_t(account)].frame; !frame.isEmpty()) {
            if (!first)
                out.append(',');
            out.append(payloadOf(frame));
            first = false;
        }
    }
    out.append(kTail);
    return out;
}

void WebSocketHub::flush()
{
    m_lastFlushMs = m_clock.elapsed();
    // Each changed account serialised once, into a complete text frame that every single-account
    // client watching it gets as is (the same QByteArray: no copy per client).
    for (const int account : m_changedAccounts) {
        WatchedAccount &slot = m_watched[size_t(account)];
        slot.frame = ws::textFrame(slot.changed->toJsonBytes());
        slot.changed.reset();
    }
    m_changedAccounts.clear();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<Socket *> dirty = m_dirty.values();
    for (Socket *socket : dirty) {
        const auto it = m_clients.find(socket);
        if (it == m_clients.end() || !socket->isOpen()) {
            m_dirty.remove(socket);
            continue;
        }
        Client &client = *it;
        if (socket->bytesToWrite() > kMaxBufferedBytes) {
            // Keep only the latest value per account until the client catches up, or give up on it.
            if (client.slowSinceMs < 0)
                client.slowSinceMs = now;
            else if (now - client.slowSinceMs > m_options.slowClientCloseMs)
                reject(socket, ws::CloseCode::PolicyViolated, u"client too slow"_s);
            continue;
        }
        client.slowSinceMs = -1;
        // One write(2) per client per flush, straight from the shared bytes; only what the kernel
        // does not take stays queued on the connection. With send threads, the writes to connections
        // with nothing queued are collected and made together after this loop.
        const bool direct = m_sendPool && socket->directDescriptor() >= 0;
        if (client.pending.size() == 1) {
            if (const QByteArray &frame = m_watched[size_t(client.pending.first())].frame; !frame.isEmpty()) {
                if (direct)
                    m_direct.push_back({socket, frame});
                else
                    socket->sendFrame(frame);
            }
        } else if (!client.pending.isEmpty()) {
            if (QByteArray batch = batchFrame(client); !batch.isEmpty()) {
                if (direct)
                    m_direct.push_back({socket, std::move(batch)});
                else
                    socket->sendFrame(batch);
            }
        }
        m_updatesSent += client.pending.size();
        ++m_framesWritten;
        client.pending.clear(); // keeps its capacity: no allocation for the next update
        client.pendingSet.clear();
        m_dirty.remove(socket);
    }
    sendDirect();
    if (!m_dirty.isEmpty()) // slow clients: look again soon
        m_flush.start(100);
}

void WebSocketHub::sendDirect()
{
    if (m_direct.empty())
        return;
    m_directItems.clear();
    m_directItems.reserve(m_direct.size());
    for (const DirectWrite &write : m_direct)
        m_directItems.push_back({.fd = write.socket->directDescriptor(),
                                 .data = write.frame.constData(),
                                 .size = write.frame.size()});
    // Only descriptors and bytes go to the other threads; this thread waits for them (doing a slice
    // itself), so no connection changes or closes its descriptor meanwhile.
    if (qsizetype(m_directItems.size()) >= m_options.parallelSendMinimum) {
        m_sendPool->run(m_directItems);
        ++m_parallelFlushes;
    } else {
        for (ws::SendPool::Item &item : m_directItems)
            ws::SendPool::send(item);
    }
    for (size_t i = 0; i < m_direct.size(); ++i)
        m_direct[i].socket->completeSend(m_direct[i].frame, m_directItems[i].sent, m_directItems[i].error);
    m_direct.clear(); // keeps its capacity; releases the batch frames
}

} // namespace clera
