#pragma once

#include "core/marketdata/marketfeed.h"
#include "core/marketdata/streamprotocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QUrl>

#include <QAbstractSocket>

class QTimer;
class QWebSocket;

namespace clera {

struct StreamMessage;

// Alpaca's market-data WebSocket (wss://stream.data.alpaca.markets/v2/iex): authenticates, keeps the
// subscribed set (trades, and quotes for a midpoint until a symbol's first trade) across reconnects,
// reconnects with exponential backoff and jitter, and closes a connection that goes silent.
// Non-retryable errors (402, 408, 409, 410, 411, or the upgrade refused with HTTP 4xx other than 429)
// stop it with status Disconnected and the reason; start() tries again.
class AlpacaStream : public MarketFeed
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl url; // e.g. wss://stream.data.alpaca.markets/v2/iex
        QString keyId;
        QString secret;
        bool quotes = true;        // subscribe quotes too, for symbols that have not traded yet
        int batchSize = 200;       // symbols per subscribe/unsubscribe message
        int reconnectBaseMs = 500; // first retry delay; doubles per consecutive failure
        int reconnectMaxMs = 30'000;
        double jitter = 0.2; // each delay is scaled by a random factor in [1 − jitter, 1 + jitter]
        int pingIntervalMs = 10'000;
        int staleAfterMs = 30'000;  // no message and no pong for this long: reconnect
        int authTimeoutMs = 15'000; // from open() until "authenticated"
        int stableAfterMs = 10'000; // a session authenticated this long resets the backoff
    };

    explicit AlpacaStream(Options options, QObject *parent = nullptr);
    ~AlpacaStream() override;

    // wss://stream.data[.sandbox].alpaca.markets/v2/<feed>, feed one of iex, sip, delayed_sip, test.
    [[nodiscard]] static QUrl feedUrl(const QString &feed, bool sandbox = false);

    [[nodiscard]] QString name() const override;
    void subscribe(const QStringList &symbols) override;
    void unsubscribe(const QStringList &symbols) override;
    [[nodiscard]] QStringList subscriptions() const override; // sorted
    [[nodiscard]] std::optional<Decimal> lastPrice(const QString &symbol) const override;
    [[nodiscard]] std::optional<Decimal> previousClose(const QString &symbol) const override;
    [[nodiscard]] Status status() const override { return m_status; }
    [[nodiscard]] QString statusMessage() const override { return m_statusMessage; }

    // Previous closes from a snapshot; previousCloseChanged is emitted for every symbol whose value changed.
    void setPreviousCloses(const QHash<QString, Decimal> &closes);

    [[nodiscard]] const Options &options() const { return m_options; }
    // Symbols the server confirmed in its last "subscription" message (trades channel), sorted.
    [[nodiscard]] QStringList confirmedSubscriptions() const;
    // Connection attempts since start() (each open() counts).
    [[nodiscard]] int connectAttempts() const { return m_connectAttempts; }
    [[nodiscard]] bool isReconnectPending() const;
    // The delay chosen for the pending or latest reconnect.
    [[nodiscard]] int lastReconnectDelayMs() const { return m_lastReconnectDelayMs; }
    [[nodiscard]] bool isRunning() const { return m_running; }

public Q_SLOTS:
    void start();
    // Closes the connection and stops reconnecting; status becomes Disconnected. Prices are kept.
    void stop();

private:
    enum class Phase { Idle, Connecting, Authenticating, Authenticated };

    void openSocket();
    void onConnected();
    void onTextMessage(const QString &text);
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onStale();
    void onAuthTimeout();
    void handleControl(const StreamMessage &m);
    void handleError(int code, const QString &text);
    void sendSubscription(bool subscribe, const QStringList &symbols);
    void dropQuotes(const QStringList &symbols);
    void closeSocket();
    void retryLater(const QString &reason);
    void fail(const QString &reason);
    void noteActivity();
    void updateLiveStatus();
    void setStatus(Status status, const QString &message);

    Options m_options;
    QWebSocket *m_socket = nullptr;
    QTimer *m_reconnectTimer = nullptr;
    QTimer *m_pingTimer = nullptr;
    QTimer *m_staleTimer = nullptr;
    QTimer *m_authTimer = nullptr;
    Phase m_phase = Phase::Idle;
    bool m_running = false;
    int m_connectAttempts = 0;
    int m_failures = 0;
    int m_lastReconnectDelayMs = 0;
    QElapsedTimer m_authenticatedFor;
    bool m_symbolLimitHit = false;
    bool m_subscriptionConfirmed = false; // a "subscription" reply arrived on this connection
    QString m_note;                       // appended to the live status (e.g. a malformed frame was ignored)

    QSet<QString> m_wanted;
    QSet<QString> m_confirmed;
    QHash<QString, Decimal> m_lastPrice;
    SymbolTexts m_symbolTexts; // the trade fast path's symbol strings
    QSet<QString> m_traded;    // symbols with at least one trade: quotes no longer set their price
    QHash<QString, Decimal> m_previousClose;

    Status m_status = Status::Disconnected;
    QString m_statusMessage;
};

} // namespace clera
