#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace clera {

// One of Alpaca's server-sent-event streams (reference §3.13): account status, transfer status or
// trade events. A long-lived GET with Basic auth and `Accept: text/event-stream`; each `data:` line is
// one JSON event, `:` lines are comments (a "dropped N messages" comment is logged). It remembers the
// last event id and, after a disconnect, reconnects with backoff and jitter asking for the events since
// that id, so nothing is lost; an event at or before the last id is not delivered twice.
class AlpacaEventStream : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl baseUrl; // the Broker API host
        QString path; // /v1/events/accounts/status, /v1/events/transfers/status, /v2/events/trades
        QString keyId;
        QString secret;
        // The event field that orders events and the query parameter that resumes after it: v1 streams
        // carry an int event_id and a ULID event_ulid (since_ulid); v2 streams a ULID event_id (since_id).
        QString idField = QStringLiteral("event_ulid");
        QString sinceParameter = QStringLiteral("since_ulid");
        int reconnectBaseMs = 1000;
        int reconnectMaxMs = 30'000;
    };

    explicit AlpacaEventStream(Options options, QObject *parent = nullptr);
    ~AlpacaEventStream() override;

    void start();
    void stop();
    [[nodiscard]] bool isConnected() const { return m_connected; }
    // The id of the last event delivered; set it (from storage) before start() to resume there.
    [[nodiscard]] QString lastEventId() const { return m_lastId; }
    void setLastEventId(const QString &id) { m_lastId = id; }
    [[nodiscard]] int connectAttempts() const { return m_attempts; }

Q_SIGNALS:
    void event(const QJsonObject &data);
    void connectedChanged(bool connected);

private:
    void open();
    void onReadyRead();
    void onFinished();
    void dispatch(const QByteArray &data);
    void scheduleReconnect(const QString &reason);
    [[nodiscard]] bool isNewer(const QString &id) const;

    Options m_options;
    QNetworkAccessManager *m_network;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_buffer;    // bytes not yet split into lines
    QByteArray m_eventData; // data lines of the event being read
    QString m_lastId;
    QTimer m_reconnect;
    int m_failures = 0;
    int m_attempts = 0;
    bool m_running = false;
    bool m_connected = false;
};

} // namespace clera
