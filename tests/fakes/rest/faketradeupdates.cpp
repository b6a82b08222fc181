#include "faketradeupdates.h"

#include "fakealpacarest.h"
#include "fakes/stream/streamrelay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

QJsonObject authorization(const QString &action, bool authorized)
{
    QJsonObject data{{u"action"_s, action}, {u"status"_s, authorized ? u"authorized"_s : u"unauthorized"_s}};
    if (!authorized && action == u"authenticate")
        data.insert(u"message"_s, u"access key verification failed"_s);
    return {{u"stream"_s, u"authorization"_s}, {u"data"_s, data}};
}

} // namespace

FakeTradeUpdates::FakeTradeUpdates(FakeAlpacaRest &rest, QObject *parent)
    : QObject(parent), m_rest(rest), m_tcp(new QTcpServer(this)),
      m_inner(new QWebSocketServer(u"fake-trade-updates"_s, QWebSocketServer::NonSecureMode, this))
{
    connect(m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
            ++m_connectionCount;
            m_connectionTimes.append(m_clock.elapsed());
            auto *relay = new StreamRelay(socket, m_inner->serverPort(), this);
            m_relays.append(relay);
            connect(relay, &StreamRelay::finished, this, [this, relay] {
                m_relays.removeOne(relay);
                relay->deleteLater();
            });
        }
    });
    connect(m_inner, &QWebSocketServer::newConnection, this, &FakeTradeUpdates::onInnerConnection);
    m_rest.book().setOrderObserver([this](const FakeAlpacaBook::OrderEvent &e) { onOrderEvent(e); });
}

FakeTradeUpdates::~FakeTradeUpdates()
{
    m_rest.book().setOrderObserver({});
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it)
        it.key()->disconnect(this);
}

bool FakeTradeUpdates::listen()
{
    m_clock.start();
    return m_inner->listen(QHostAddress::LocalHost, 0) && m_tcp->listen(QHostAddress::LocalHost, 0);
}

QUrl FakeTradeUpdates::url() const
{
    QUrl u;
    u.setScheme(u"ws"_s);
    u.setHost(u"127.0.0.1"_s);
    u.setPort(m_tcp->serverPort());
    u.setPath(u"/stream"_s);
    return u;
}

int FakeTradeUpdates::listeningCount() const
{
    return int(
        std::count_if(m_sessions.cbegin(), m_sessions.cend(), [](const Session &s) { return s.listening; }));
}

void FakeTradeUpdates::onInnerConnection()
{
    while (QWebSocket *socket = m_inner->nextPendingConnection()) {
        socket->setParent(this);
        m_sessions.insert(socket, Session{});
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onMessage(socket, text.toUtf8()); });
        connect(socket, &QWebSocket::binaryMessageReceived, this,
                [this, socket](const QByteArray &data) { onMessage(socket, data); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            m_sessions.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeTradeUpdates::onMessage(QWebSocket *socket, const QByteArray &utf8)
{
    auto session = m_sessions.find(socket);
    if (session == m_sessions.end())
        return;
    const QJsonObject request = QJsonDocument::fromJson(utf8).object();
    const QString action = request.value(u"action"_s).toString();
    const QJsonObject data = request.value(u"data"_s).toObject();
    if (action == u"authenticate") {
        const auto &expected = m_rest.tradingCredentials();
        session->authenticated = data.value(u"key_id"_s).toString() == expected.keyId &&
                                 data.value(u"secret_key"_s).toString() == expected.secret;
        if (!session->authenticated)
            ++m_authFailures;
        sendTo(socket, authorization(action, session->authenticated));
        return;
    }
    if (action == u"listen") {
        if (!session->authenticated) {
            sendTo(socket, authorization(action, false));
            return;
        }
        QJsonArray streams;
        const QJsonArray wanted = data.value(u"streams"_s).toArray();
        if (wanted.contains(u"trade_updates"_s))
            streams.append(u"trade_updates"_s);
        session->listening = !streams.isEmpty();
        sendTo(socket, {{u"stream"_s, u"listening"_s}, {u"data"_s, QJsonObject{{u"streams"_s, streams}}}});
        if (session->listening)
            Q_EMIT sessionListening();
        return;
    }
    sendTo(socket,
           {{u"stream"_s, u"error"_s}, {u"data"_s, QJsonObject{{u"error_message"_s, u"invalid action"_s}}}});
}

void FakeTradeUpdates::sendTo(QWebSocket *socket, const QJsonObject &message)
{
    const QByteArray bytes = QJsonDocument(message).toJson(QJsonDocument::Compact);
    if (m_binary)
        socket->sendBinaryMessage(bytes);
    else
        socket->sendTextMessage(QString::fromUtf8(bytes));
}

void FakeTradeUpdates::publish(const QJsonObject &data)
{
    const QJsonObject message{{u"stream"_s, u"trade_updates"_s}, {u"data"_s, data}};
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->listening)
            sendTo(it.key(), message);
    }
}

void FakeTradeUpdates::publishRaw(const QByteArray &frame)
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it)
        it.key()->sendTextMessage(QString::fromUtf8(frame));
}

void FakeTradeUpdates::onOrderEvent(const FakeAlpacaBook::OrderEvent &e)
{
    if (e.accountId != m_rest.tradingAccountId())
        return;
    const Timestamp at = e.order.updatedAt.value_or(Timestamp::now());
    QJsonObject data{{u"event"_s, e.event}, {u"timestamp"_s, at.toString()}, {u"order"_s, e.order.toJson()}};
    if (e.price) {
        data.insert(u"execution_id"_s, QUuid::createUuid().toString(QUuid::WithoutBraces));
        data.insert(u"price"_s, e.price->toString());
        data.insert(u"qty"_s, e.qty.value_or(Decimal()).toString());
        data.insert(u"position_qty"_s, e.positionQty.value_or(Decimal()).toString());
    }
    publish(data);
}

void FakeTradeUpdates::dropAll()
{
    const QList<StreamRelay *> relays = m_relays;
    for (StreamRelay *relay : relays)
        relay->abort();
}

void FakeTradeUpdates::setSilent(bool silent)
{
    for (StreamRelay *relay : std::as_const(m_relays))
        relay->setSilent(silent);
}

} // namespace clera::fake
