#pragma once

#include "fakealpacabook.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

class QTcpServer;
class QWebSocket;
class QWebSocketServer;

namespace clera::fake {

class FakeAlpacaRest;
class StreamRelay;

// The Trading API's trade_updates WebSocket (reference §6.1) on 127.0.0.1 and a free port, next to a
// FakeAlpacaRest: checks the Trading API keys like Alpaca ("access key verification failed"), refuses
// listen before auth, acknowledges listen, and publishes an update whenever the REST fake's book fills,
// accepts or cancels an order of the Trading API's own account. Frames go out binary (as the paper
// server sends them) or text. Faults: dropped and silent connections (below the WebSocket layer, so
// not even pings are answered).
class FakeTradeUpdates : public QObject
{
    Q_OBJECT
public:
    explicit FakeTradeUpdates(FakeAlpacaRest &rest, QObject *parent = nullptr);
    ~FakeTradeUpdates() override;

    [[nodiscard]] bool listen();    // false when a port cannot be bound
    [[nodiscard]] QUrl url() const; // ws://127.0.0.1:<port>/stream

    void setBinaryFrames(bool binary) { m_binary = binary; }
    // Sends {"stream":"trade_updates","data":data} to every listening session.
    void publish(const QJsonObject &data);
    // Any text, as is, to every session.
    void publishRaw(const QByteArray &frame);

    void dropAll();
    void setSilent(bool silent);

    [[nodiscard]] int connectionCount() const { return m_connectionCount; } // TCP connections accepted
    [[nodiscard]] int sessionCount() const { return int(m_sessions.size()); }
    [[nodiscard]] int listeningCount() const;
    [[nodiscard]] int authFailures() const { return m_authFailures; }
    // Milliseconds since listen() of each accepted connection.
    [[nodiscard]] const QList<qint64> &connectionTimes() const { return m_connectionTimes; }

Q_SIGNALS:
    void sessionListening();

private:
    struct Session
    {
        bool authenticated = false;
        bool listening = false;
    };

    void onInnerConnection();
    void onMessage(QWebSocket *socket, const QByteArray &utf8);
    void sendTo(QWebSocket *socket, const QJsonObject &message);
    void onOrderEvent(const FakeAlpacaBook::OrderEvent &event);

    FakeAlpacaRest &m_rest;
    QTcpServer *m_tcp;
    QWebSocketServer *m_inner;
    QList<StreamRelay *> m_relays;
    QHash<QWebSocket *, Session> m_sessions;
    bool m_binary = true;
    int m_connectionCount = 0;
    int m_authFailures = 0;
    QList<qint64> m_connectionTimes;
    QElapsedTimer m_clock;
};

} // namespace clera::fake
