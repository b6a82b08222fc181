#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace clera::fake {

// Alpaca's server-sent-event streams on a local port (reference §3.13), on a plain TCP server so the
// response can stay open: GET <path> with Basic auth answers 200 text/event-stream and one `data:` line
// per event, `:heartbeat` comments, and replays the events after ?since_id= / ?since_ulid=.
class FakeAlpacaEvents : public QObject
{
    Q_OBJECT
public:
    explicit FakeAlpacaEvents(QString keyId, QString secret, QObject *parent = nullptr);

    [[nodiscard]] quint16 listen(); // 0 on failure
    [[nodiscard]] QUrl baseUrl() const;

    // Appends an event to `path`'s history (with increasing event_id and event_ulid) and sends it to
    // every client of that path. Returns its ulid.
    QString publish(const QString &path, QJsonObject event);
    void sendComment(const QString &text);
    void dropAll();
    [[nodiscard]] int clientCount() const { return int(m_clients.size()); }
    [[nodiscard]] QStringList requestedTargets() const { return m_targets; } // path?query of each GET

private:
    struct Client
    {
        QTcpSocket *socket;
        QString path;
    };
    struct Stored
    {
        QString path;
        QJsonObject event;
    };

    void onConnection();
    void onRequest(QTcpSocket *socket);
    static void send(QTcpSocket *socket, const QJsonObject &event);

    QTcpServer m_server;
    QString m_keyId;
    QString m_secret;
    QList<Client> m_clients;
    QList<Stored> m_history;
    QStringList m_targets;
    qint64 m_nextId = 1000;
};

} // namespace clera::fake
