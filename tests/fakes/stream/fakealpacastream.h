#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <QSet>
#include <QStringList>
#include <QUrl>

class QTcpServer;
class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace clera::fake {

class StreamRelay;

// A local Alpaca market-data stream (reference §5): the same control and error messages byte for
// byte, one authenticated session per key (406), a symbol limit (405), an auth deadline (404), and
// batched trade/quote frames with 0–9 fractional digits in their time stamps. Tests publish data and
// inject faults (dropped, silent or refused connections, any error code).
class FakeAlpacaStream : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString keyId = QStringLiteral("fake-key");
        QString secret = QStringLiteral("fake-secret");
        int authTimeoutMs = 10'000;
        int symbolLimit = 30;    // distinct symbols over trades and quotes per session
        int connectionLimit = 1; // authenticated sessions per key
        quint32 seed = 1;        // of the rate generator
    };
    struct Trade
    {
        QString symbol;
        Decimal price;
        Timestamp time;
    };

    explicit FakeAlpacaStream(QObject *parent = nullptr);
    explicit FakeAlpacaStream(Options options, QObject *parent = nullptr);
    ~FakeAlpacaStream() override;

    [[nodiscard]] bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    [[nodiscard]] quint16 port() const;
    [[nodiscard]] QUrl url(const QString &path = QStringLiteral("/v2/iex")) const;
    [[nodiscard]] QString errorString() const { return m_error; }
    [[nodiscard]] Options &options() { return m_options; }

    // TCP connections accepted since listen(), including refused ones.
    [[nodiscard]] int connectionCount() const { return m_connectionCount; }
    [[nodiscard]] int sessionCount() const;
    [[nodiscard]] int authenticatedCount() const;
    // Union over authenticated sessions, sorted.
    [[nodiscard]] QStringList subscribedTrades() const;
    [[nodiscard]] QStringList subscribedQuotes() const;
    // Text of every client message, in order of arrival.
    [[nodiscard]] const QStringList &receivedMessages() const { return m_received; }

    // One frame per authenticated session, holding the trades of the symbols it subscribed.
    void publishTrades(const QList<Trade> &trades);
    void publishQuote(const QString &symbol, Decimal bid, Decimal ask, Timestamp time);
    // Any text, as is, to every authenticated session.
    void publishRaw(const QString &frame);
    // Random-walk trades over the subscribed symbols; 0 stops.
    void setTradeRate(int tradesPerSecond);
    [[nodiscard]] qint64 tradesPublished() const { return m_tradesPublished; }

    // Faults.
    void dropAll();                          // reset every connection
    void setSilent(bool silent);             // open connections deliver nothing either way, pings unanswered
    void setRefuseConnections(bool refuse);  // accept and reset at once
    void setHandshakeStatus(int httpStatus); // answer the WebSocket upgrade with this HTTP status (0: normal)
    void sendError(int code, bool close = true); // to every session
    void setAuthError(int code);                 // answer every auth with this code (0: normal)
    void setIgnoreAuth(bool ignore); // never answer auth: the auth deadline (404) ends the session

    [[nodiscard]] static QString errorMessage(int code);
    // RFC 3339 in UTC with exactly `digits` fractional digits (0–9), truncating.
    [[nodiscard]] static QString formatTime(Timestamp time, int digits);

Q_SIGNALS:
    void sessionOpened();
    void sessionAuthenticated();
    void subscriptionChanged();

private:
    struct Session
    {
        bool authenticated = false;
        QString key;
        QHash<QString, QSet<QString>> channels;
        QTimer *authTimer = nullptr;
    };

    void onInnerConnection();
    void onMessage(QWebSocket *socket, const QString &text);
    void handleAuth(QWebSocket *socket, Session &session, const QJsonObject &request);
    void handleSubscription(QWebSocket *socket, Session &session, const QJsonObject &request, bool add);
    void sendErrorTo(QWebSocket *socket, int code, bool close);
    void sendSubscriptionState(QWebSocket *socket, const Session &session);
    void generate();
    void rejectHandshake(QTcpSocket *socket);
    [[nodiscard]] QString nextTime(Timestamp time);
    [[nodiscard]] QStringList unionOf(const QString &channel) const;

    Options m_options;
    QTcpServer *m_tcp = nullptr;
    QWebSocketServer *m_inner = nullptr;
    QList<StreamRelay *> m_relays;
    QHash<QWebSocket *, Session> m_sessions;
    QTimer *m_rateTimer = nullptr;
    int m_rate = 0;
    double m_rateCarry = 0;
    QHash<QString, qint64> m_walkCents;
    qsizetype m_walkNext = 0;
    QRandomGenerator m_random;
    qint64 m_tradeId = 0;
    qint64 m_tradesPublished = 0;
    int m_digitCycle = 0;
    int m_connectionCount = 0;
    int m_authError = 0;
    bool m_ignoreAuth = false;
    bool m_refuse = false;
    int m_handshakeStatus = 0;
    QStringList m_received;
    QString m_error;
};

} // namespace clera::fake
