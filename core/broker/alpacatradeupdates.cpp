#include "alpacatradeupdates.h"

#include "core/broker/alpacarestbroker.h"
#include "core/net/redaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'f', 1);
}

} // namespace

QUrl AlpacaTradeUpdates::paperUrl()
{
    return QUrl(u"wss://paper-api.alpaca.markets/stream"_s);
}

QUrl AlpacaTradeUpdates::liveUrl()
{
    return QUrl(u"wss://api.alpaca.markets/stream"_s);
}

AlpacaTradeUpdates::AlpacaTradeUpdates(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_reconnectTimer(new QTimer(this)),
      m_pingTimer(new QTimer(this)), m_staleTimer(new QTimer(this)), m_handshakeTimer(new QTimer(this))
{
    m_options.reconnectBaseMs = std::max(1, m_options.reconnectBaseMs);
    m_options.reconnectMaxMs = std::max(m_options.reconnectBaseMs, m_options.reconnectMaxMs);
    m_options.jitter = std::clamp(m_options.jitter, 0.0, 1.0);

    m_reconnectTimer->setSingleShot(true);
    m_staleTimer->setSingleShot(true);
    m_handshakeTimer->setSingleShot(true);
    m_pingTimer->setInterval(std::max(1, m_options.pingIntervalMs));
    m_staleTimer->setInterval(std::max(1, m_options.staleAfterMs));
    m_handshakeTimer->setInterval(std::max(1, m_options.handshakeTimeoutMs));

    connect(m_reconnectTimer, &QTimer::timeout, this, &AlpacaTradeUpdates::openSocket);
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->ping();
    });
    connect(m_staleTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcAlpaca) << "trade updates: no frame and no pong for" << m_options.staleAfterMs
                            << "ms; reconnecting";
        closeSocket();
        retryLater(u"connection silent for %1 s"_s.arg(seconds(m_options.staleAfterMs)));
    });
    connect(m_handshakeTimer, &QTimer::timeout, this, [this] {
        const bool connected = m_phase != Phase::Connecting;
        qCWarning(lcAlpaca) << "trade updates:" << (connected ? "not listening" : "not connected") << "within"
                            << m_options.handshakeTimeoutMs << "ms; reconnecting";
        closeSocket();
        retryLater(connected ? u"authentication timed out"_s : u"connect timed out"_s);
    });
    m_statusMessage = u"Alpaca trade updates stopped"_s;
}

AlpacaTradeUpdates::~AlpacaTradeUpdates()
{
    closeSocket();
}

bool AlpacaTradeUpdates::isReconnectPending() const
{
    return m_reconnectTimer->isActive();
}

void AlpacaTradeUpdates::start()
{
    if (m_running)
        return;
    m_running = true;
    m_failures = 0;
    m_connectAttempts = 0;
    openSocket();
}

void AlpacaTradeUpdates::stop()
{
    m_running = false;
    m_reconnectTimer->stop();
    closeSocket();
    setStatus(Status::Stopped, u"Alpaca trade updates stopped"_s);
}

void AlpacaTradeUpdates::openSocket()
{
    if (!m_running)
        return;
    closeSocket();
    ++m_connectAttempts;
    m_phase = Phase::Connecting;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &AlpacaTradeUpdates::onConnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this,
            [this](const QString &text) { onFrame(text.toUtf8()); });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &AlpacaTradeUpdates::onFrame);
    connect(m_socket, &QWebSocket::pong, this, [this] { noteActivity(); });
    connect(m_socket, &QWebSocket::disconnected, this, &AlpacaTradeUpdates::onDisconnected);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &AlpacaTradeUpdates::onSocketError);
    qCInfo(lcAlpaca).noquote() << u"trade updates: connecting to %1, attempt %2"_s.arg(
        redact::url(m_options.url), QString::number(m_connectAttempts));
    setStatus(Status::Connecting, u"Connecting to %1"_s.arg(m_options.url.host()));
    m_handshakeTimer->start();
    m_socket->open(m_options.url);
}

void AlpacaTradeUpdates::onConnected()
{
    m_phase = Phase::Authenticating;
    m_pingTimer->start();
    noteActivity();
    setStatus(Status::Connecting, u"Authenticating with %1"_s.arg(m_options.url.host()));
    send({{u"action"_s, u"authenticate"_s},
          {u"data"_s, QJsonObject{{u"key_id"_s, m_options.keyId}, {u"secret_key"_s, m_options.secret}}}});
}

void AlpacaTradeUpdates::send(const QJsonObject &message)
{
    if (m_socket)
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void AlpacaTradeUpdates::onFrame(const QByteArray &utf8)
{
    noteActivity();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (!doc.isObject()) {
        qCWarning(lcAlpaca) << "trade updates: ignoring a frame of" << utf8.size()
                            << "bytes that is not a JSON object:" << error.errorString();
        return;
    }
    const QJsonObject message = doc.object();
    const QString stream = message.value(u"stream").toString();
    const QJsonObject data = message.value(u"data").toObject();
    if (stream == u"authorization")
        return onAuthorization(data);
    if (stream == u"listening")
        return onListening(data);
    if (stream != u"trade_updates") {
        qCDebug(lcAlpaca).noquote() << "trade updates: ignoring stream" << stream;
        return;
    }
    auto update = TradeUpdate::fromJson(data, u"trade_updates"_s);
    if (!update) {
        qCWarning(lcAlpaca).noquote() << "trade updates: ignoring an update:" << update.error().toString();
        return;
    }
    if (!update->problem.isEmpty())
        qCWarning(lcAlpaca).noquote() << "trade updates: partly undecodable update:" << update->problem;
    Q_EMIT tradeUpdate(*update);
}

void AlpacaTradeUpdates::onAuthorization(const QJsonObject &data)
{
    const QString status = data.value(u"status").toString();
    if (status == u"authorized") {
        if (data.value(u"action").toString() == u"authenticate")
            send({{u"action"_s, u"listen"_s},
                  {u"data"_s, QJsonObject{{u"streams"_s, QJsonArray{u"trade_updates"_s}}}}});
        return;
    }
    QString why = data.value(u"message").toString();
    if (why.isEmpty())
        why = u"%1 was refused"_s.arg(data.value(u"action").toString(u"authentication"_s));
    qCWarning(lcAlpaca).noquote() << u"trade updates: unauthorized (%1); not retrying"_s.arg(why);
    fail(Status::Unauthorized,
         u"Alpaca trade updates: unauthorized (%1); check the Trading API keys"_s.arg(why));
}

void AlpacaTradeUpdates::onListening(const QJsonObject &data)
{
    const QJsonArray streams = data.value(u"streams").toArray();
    if (!streams.contains(u"trade_updates"_s)) {
        qCWarning(lcAlpaca) << "trade updates: the server is not listening to trade_updates";
        return;
    }
    m_handshakeTimer->stop();
    m_phase = Phase::Listening;
    m_listeningFor.start();
    setStatus(Status::Listening, u"Listening to trade updates on %1"_s.arg(m_options.url.host()));
    if (m_connectAttempts > 1) {
        qCInfo(lcAlpaca) << "trade updates: listening again after" << m_connectAttempts
                         << "attempts; updates in between must be reloaded";
        Q_EMIT reconnected();
    }
}

void AlpacaTradeUpdates::onDisconnected()
{
    const QString reason =
        m_socket && !m_socket->errorString().isEmpty() ? m_socket->errorString() : u"connection closed"_s;
    qCWarning(lcAlpaca).noquote() << "trade updates: disconnected:" << reason;
    closeSocket();
    retryLater(reason);
}

void AlpacaTradeUpdates::onSocketError(QAbstractSocket::SocketError error)
{
    qCDebug(lcAlpaca) << "trade updates: socket error" << error;
    if (!m_socket)
        return;
    // Qt 6.4 reports a refused upgrade only in the error text.
    static const QRegularExpression httpStatus(u"http status code: (\\d{3})"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = httpStatus.match(m_socket->errorString());
    if (match.hasMatch()) {
        const int status = match.captured(1).toInt();
        if (status == 401 || status == 403)
            return fail(Status::Unauthorized,
                        u"Alpaca trade updates: connection refused with HTTP %1"_s.arg(status));
        if (status >= 400 && status < 500 && status != 429)
            return fail(Status::Failed,
                        u"Alpaca trade updates: connection refused with HTTP %1"_s.arg(status));
        closeSocket();
        return retryLater(u"HTTP %1"_s.arg(status));
    }
    // A refused connection may not be followed by disconnected().
    if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        const QString reason = m_socket->errorString();
        closeSocket();
        retryLater(reason);
    }
}

void AlpacaTradeUpdates::closeSocket()
{
    m_pingTimer->stop();
    m_staleTimer->stop();
    m_handshakeTimer->stop();
    if (m_phase == Phase::Listening && m_listeningFor.isValid() &&
        m_listeningFor.elapsed() >= m_options.stableAfterMs)
        m_failures = 0;
    m_phase = Phase::Idle;
    m_listeningFor.invalidate();
    if (!m_socket)
        return;
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    // abort(), not close(): Alpaca tolerates one trade_updates connection per account, and a close
    // handshake with a silent server would keep the old one open.
    socket->abort();
    socket->deleteLater();
}

void AlpacaTradeUpdates::retryLater(const QString &reason)
{
    if (!m_running || m_reconnectTimer->isActive())
        return;
    const double exponential = m_options.reconnectBaseMs * std::pow(2.0, std::min(m_failures, 30));
    const double capped = std::min<double>(exponential, m_options.reconnectMaxMs);
    const double factor = 1.0 + m_options.jitter * (2.0 * QRandomGenerator::global()->generateDouble() - 1.0);
    m_lastReconnectDelayMs = std::max(1, int(std::lround(capped * factor)));
    ++m_failures;
    m_reconnectTimer->start(m_lastReconnectDelayMs);
    qCInfo(lcAlpaca).noquote()
        << u"trade updates: reconnecting in %1 ms: %2"_s.arg(m_lastReconnectDelayMs).arg(reason);
    setStatus(Status::Reconnecting,
              u"Reconnecting in %1 s (%2)"_s.arg(seconds(m_lastReconnectDelayMs), reason));
}

void AlpacaTradeUpdates::fail(Status status, const QString &reason)
{
    m_running = false;
    m_reconnectTimer->stop();
    closeSocket();
    setStatus(status, reason);
}

void AlpacaTradeUpdates::noteActivity()
{
    if (m_socket)
        m_staleTimer->start();
}

void AlpacaTradeUpdates::setStatus(Status status, const QString &message)
{
    if (status == m_status && message == m_statusMessage)
        return;
    m_status = status;
    m_statusMessage = message;
    qCInfo(lcAlpaca).noquote() << "trade updates:" << message;
    Q_EMIT statusChanged(m_status);
}

} // namespace clera
