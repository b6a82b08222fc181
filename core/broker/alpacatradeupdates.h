#pragma once

#include "core/broker/tradeupdate.h"

#include <QAbstractSocket>
#include <QElapsedTimer>
#include <QObject>
#include <QUrl>

class QTimer;
class QWebSocket;

namespace clera {

// The Trading API's order stream (reference §6.1): wss://[paper-]api.alpaca.markets/stream. Connects,
// authenticates with {"action":"authenticate"}, listens to trade_updates and emits every update.
// Frames are read as UTF-8 JSON whether they come as text or binary (the paper server sends binary).
// A lost or silent connection is replaced with exponential backoff and jitter; "unauthorized" stops it
// with status Unauthorized instead of retrying. The stream has no replay: after every reconnect it
// emits reconnected() so the owner reloads orders and positions over REST. The secret is never logged.
class AlpacaTradeUpdates : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Stopped,
        Connecting,   // opening the socket, authenticating, asking to listen
        Listening,    // updates flow
        Reconnecting, // waiting for the next attempt
        Unauthorized, // keys refused; start() tries again
        Failed,       // a refusal that retrying will not change (HTTP 4xx on the upgrade)
    };
    Q_ENUM(Status)

    struct Options
    {
        QUrl url; // paperUrl(), liveUrl() or a fake
        QString keyId;
        QString secret;
        int reconnectBaseMs = 1000; // first retry delay; doubles per consecutive failure
        int reconnectMaxMs = 60'000;
        double jitter = 0.2; // each delay is scaled by a random factor in [1 − jitter, 1 + jitter]
        int pingIntervalMs = 10'000;
        int staleAfterMs = 30'000;       // no frame and no pong for this long: reconnect
        int handshakeTimeoutMs = 15'000; // from open() until the listening ack
        int stableAfterMs = 10'000;      // a session listening this long resets the backoff
    };

    [[nodiscard]] static QUrl paperUrl();
    [[nodiscard]] static QUrl liveUrl();

    explicit AlpacaTradeUpdates(Options options, QObject *parent = nullptr);
    ~AlpacaTradeUpdates() override;

    [[nodiscard]] Status status() const { return m_status; }
    [[nodiscard]] QString statusMessage() const { return m_statusMessage; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] int connectAttempts() const { return m_connectAttempts; } // since start()
    [[nodiscard]] bool isReconnectPending() const;
    [[nodiscard]] int lastReconnectDelayMs() const { return m_lastReconnectDelayMs; }
    [[nodiscard]] const Options &options() const { return m_options; }

public Q_SLOTS:
    void start();
    void stop();

Q_SIGNALS:
    void tradeUpdate(const clera::TradeUpdate &update);
    // Listening again after a lost or failed connection: updates in between are gone.
    void reconnected();
    void statusChanged(clera::AlpacaTradeUpdates::Status status);

private:
    enum class Phase { Idle, Connecting, Authenticating, Listening };

    void openSocket();
    void onConnected();
    void onFrame(const QByteArray &utf8);
    void onAuthorization(const QJsonObject &data);
    void onListening(const QJsonObject &data);
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void closeSocket();
    void retryLater(const QString &reason);
    void fail(Status status, const QString &reason);
    void send(const QJsonObject &message);
    void noteActivity();
    void setStatus(Status status, const QString &message);

    Options m_options;
    QWebSocket *m_socket = nullptr;
    QTimer *m_reconnectTimer;
    QTimer *m_pingTimer;
    QTimer *m_staleTimer;
    QTimer *m_handshakeTimer;
    Phase m_phase = Phase::Idle;
    bool m_running = false;
    int m_connectAttempts = 0;
    int m_failures = 0;
    int m_lastReconnectDelayMs = 0;
    QElapsedTimer m_listeningFor;
    Status m_status = Status::Stopped;
    QString m_statusMessage;
};

} // namespace clera
