#include "fakealpacaevents.h"

#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera::fake {

FakeAlpacaEvents::FakeAlpacaEvents(QString keyId, QString secret, QObject *parent)
    : QObject(parent), m_keyId(std::move(keyId)), m_secret(std::move(secret))
{
    connect(&m_server, &QTcpServer::newConnection, this, &FakeAlpacaEvents::onConnection);
}

quint16 FakeAlpacaEvents::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0) ? m_server.serverPort() : 0;
}

QUrl FakeAlpacaEvents::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()));
}

void FakeAlpacaEvents::onConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onRequest(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_clients.removeIf([socket](const Client &c) { return c.socket == socket; });
            socket->deleteLater();
        });
    }
}

void FakeAlpacaEvents::onRequest(QTcpSocket *socket)
{
    const QByteArray head = socket->peek(64 * 1024);
    if (!head.contains("\r\n\r\n"))
        return; // not all of the request yet
    socket->readAll();
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    QByteArray authorization;
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("authorization:"))
            authorization = line.mid(14).trimmed();
    }
    if (requestLine.size() < 2 || requestLine[0] != "GET") {
        socket->write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
        return;
    }
    if (authorization != "Basic " + (m_keyId + u':' + m_secret).toUtf8().toBase64()) {
        const QByteArray body = R"({"code":40110000,"message":"request is not authorized"})";
        socket->write("HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
        return;
    }
    const QUrl target(QString::fromLatin1(requestLine[1]));
    m_targets.append(QString::fromLatin1(requestLine[1]));
    const QUrlQuery query(target);
    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                  "Connection: close\r\n\r\n");
    const QString path = target.path();
    m_clients.append({socket, path});
    // Replay what came after the cursor, as Alpaca does when a since-cursor is given.
    const QString sinceUlid = query.queryItemValue(u"since_ulid"_s);
    const QString sinceId = query.queryItemValue(u"since_id"_s);
    if (!sinceUlid.isEmpty() || !sinceId.isEmpty()) {
        for (const Stored &s : std::as_const(m_history)) {
            if (s.path != path)
                continue;
            const bool after = !sinceUlid.isEmpty() ? s.event.value(u"event_ulid"_s).toString() > sinceUlid
                                                    : s.event.value(u"event_id"_s).toInteger() > sinceId.toLongLong();
            if (after)
                send(socket, s.event);
        }
    }
    socket->write(":heartbeat\n\n");
}

void FakeAlpacaEvents::send(QTcpSocket *socket, const QJsonObject &event)
{
    socket->write("data: " + QJsonDocument(event).toJson(QJsonDocument::Compact) + "\n\n");
}

QString FakeAlpacaEvents::publish(const QString &path, QJsonObject event)
{
    const qint64 id = m_nextId++;
    // A ULID-like, lexicographically increasing id (26 characters, Crockford base32 alphabet).
    const QString ulid = u"01JGZK7T3Q8W5D2F9X%1"_s.arg(id, 8, 10, QLatin1Char('0'));
    event.insert(u"event_id"_s, id);
    event.insert(u"event_ulid"_s, ulid);
    m_history.append({path, event});
    for (const Client &c : std::as_const(m_clients)) {
        if (c.path == path)
            send(c.socket, event);
    }
    return ulid;
}

void FakeAlpacaEvents::sendComment(const QString &text)
{
    for (const Client &c : std::as_const(m_clients))
        c.socket->write(": " + text.toUtf8() + "\n\n");
}

void FakeAlpacaEvents::dropAll()
{
    const QList<Client> clients = m_clients;
    m_clients.clear();
    for (const Client &c : clients)
        c.socket->abort();
}

} // namespace clera::fake
