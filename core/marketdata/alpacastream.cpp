#include "alpacastream.h"

#include "core/marketdata/marketdatalog.h"
#include "core/marketdata/streamprotocol.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimer>
#include <QtWebSockets/QWebSocket>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

enum class ErrorAction { Log, Degrade, Retry, Fail };

ErrorAction actionFor(int code)
{
    switch (code) {
    case 405:
        return ErrorAction::Degrade;
    case 404: // auth timeout
    case 406: // another session with this key is still open (often our own, not yet reaped)
    case 407:
    case 500:
        return ErrorAction::Retry;
    case 402:
    case 408:
    case 409:
    case 410:
    case 411:
        return ErrorAction::Fail;
    default:
        return ErrorAction::Log;
    }
}

QString describeError(int code, const QString &text)
{
    const QString known = streamErrorDescription(code);
    const QString what = text.isEmpty() ? (known.isEmpty() ? u"unknown error"_s : known) : text;
    return u"%1 (%2)"_s.arg(what).arg(code);
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0, 'f', 1);
}

} // namespace

AlpacaStream::AlpacaStream(Options options, QObject *parent)
    : MarketFeed(parent), m_options(std::move(options)), m_reconnectTimer(new QTimer(this)),
      m_pingTimer(new QTimer(this)), m_staleTimer(new QTimer(this)), m_authTimer(new QTimer(this))
{
    m_options.batchSize = std::max(1, m_options.batchSize);
    m_options.reconnectBaseMs = std::max(1, m_options.reconnectBaseMs);
    m_options.reconnectMaxMs = std::max(m_options.reconnectBaseMs, m_options.reconnectMaxMs);
    m_options.jitter = std::clamp(m_options.jitter, 0.0, 1.0);

    m_reconnectTimer->setSingleShot(true);
    m_staleTimer->setSingleShot(true);
    m_authTimer->setSingleShot(true);
    m_pingTimer->setInterval(std::max(1, m_options.pingIntervalMs));
    m_staleTimer->setInterval(std::max(1, m_options.staleAfterMs));
    m_authTimer->setInterval(std::max(1, m_options.authTimeoutMs));

    connect(m_reconnectTimer, &QTimer::timeout, this, &AlpacaStream::openSocket);
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->ping();
    });
    connect(m_staleTimer, &QTimer::timeout, this, &AlpacaStream::onStale);
    connect(m_authTimer, &QTimer::timeout, this, &AlpacaStream::onAuthTimeout);

    m_statusMessage = u"Alpaca market data stopped"_s;
}

AlpacaStream::~AlpacaStream()
{
    closeSocket();
}

QUrl AlpacaStream::feedUrl(const QString &feed, bool sandbox)
{
    QUrl url;
    url.setScheme(u"wss"_s);
    url.setHost(sandbox ? u"stream.data.sandbox.alpaca.markets"_s : u"stream.data.alpaca.markets"_s);
    url.setPath(u"/v2/"_s + feed);
    return url;
}

QString AlpacaStream::name() const
{
    return u"alpaca"_s;
}

void AlpacaStream::subscribe(const QStringList &symbols)
{
    QStringList added;
    for (const QString &s : symbols) {
        if (s.isEmpty() || m_wanted.contains(s))
            continue;
        m_wanted.insert(s);
        added.append(s);
    }
    if (added.isEmpty())
        return;
    if (m_phase == Phase::Authenticated)
        sendSubscription(true, added);
    // Otherwise the whole set is subscribed after the next authentication.
}

void AlpacaStream::unsubscribe(const QStringList &symbols)
{
    QStringList removed;
    for (const QString &s : symbols) {
        if (m_wanted.remove(s))
            removed.append(s);
    }
    if (removed.isEmpty())
        return;
    if (m_phase == Phase::Authenticated)
        sendSubscription(false, removed);
}

QStringList AlpacaStream::subscriptions() const
{
    QStringList out(m_wanted.cbegin(), m_wanted.cend());
    out.sort();
    return out;
}

QStringList AlpacaStream::confirmedSubscriptions() const
{
    QStringList out(m_confirmed.cbegin(), m_confirmed.cend());
    out.sort();
    return out;
}

std::optional<Decimal> AlpacaStream::lastPrice(const QString &symbol) const
{
    const auto it = m_lastPrice.constFind(symbol);
    if (it == m_lastPrice.cend())
        return std::nullopt;
    return *it;
}

std::optional<Decimal> AlpacaStream::previousClose(const QString &symbol) const
{
    const auto it = m_previousClose.constFind(symbol);
    if (it == m_previousClose.cend())
        return std::nullopt;
    return *it;
}

void AlpacaStream::setPreviousCloses(const QHash<QString, Decimal> &closes)
{
    for (auto it = closes.cbegin(); it != closes.cend(); ++it) {
        const auto old = m_previousClose.constFind(it.key());
        if (old != m_previousClose.cend() && *old == it.value())
            continue;
        m_previousClose.insert(it.key(), it.value());
        Q_EMIT previousCloseChanged(it.key());
    }
}

bool AlpacaStream::isReconnectPending() const
{
    return m_reconnectTimer->isActive();
}

void AlpacaStream::start()
{
    if (m_running)
        return;
    m_running = true;
    m_failures = 0;
    m_connectAttempts = 0;
    openSocket();
}

void AlpacaStream::stop()
{
    m_running = false;
    m_reconnectTimer->stop();
    closeSocket();
    setStatus(Status::Disconnected, u"Alpaca market data stopped"_s);
}

void AlpacaStream::openSocket()
{
    if (!m_running)
        return;
    closeSocket();
    ++m_connectAttempts;
    m_phase = Phase::Connecting;
    m_symbolLimitHit = false;
    m_subscriptionConfirmed = false;
    m_note.clear();
    m_confirmed.clear();

    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &AlpacaStream::onConnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &AlpacaStream::onTextMessage);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        noteActivity();
        qCDebug(lcMarketData) << "ignoring a binary frame of" << data.size() << "bytes";
    });
    connect(m_socket, &QWebSocket::pong, this, [this] { noteActivity(); });
    connect(m_socket, &QWebSocket::disconnected, this, &AlpacaStream::onDisconnected);
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            &AlpacaStream::onSocketError);

    qCInfo(lcMarketData).noquote() << "connecting to" << m_options.url.toDisplayString(QUrl::RemoveUserInfo)
                                   << "attempt" << m_connectAttempts;
    setStatus(Status::Connecting, u"Connecting to %1"_s.arg(m_options.url.host()));
    m_authTimer->start();
    m_socket->open(m_options.url);
}

void AlpacaStream::onConnected()
{
    m_phase = Phase::Authenticating;
    m_pingTimer->start();
    noteActivity();
    setStatus(Status::Connecting, u"Authenticating with %1"_s.arg(m_options.url.host()));
}

void AlpacaStream::onTextMessage(const QString &text)
{
    noteActivity();
    // Trade frames (the bulk of the traffic) are decoded straight from the text; the rest by the full
    // parser, which also words the problems.
    std::optional<StreamFrame> trades = parseTradeFrame(text, m_symbolTexts);
    const StreamFrame frame = trades ? std::move(*trades) : parseStreamFrame(text.toUtf8());
    for (const QString &problem : frame.problems)
        qCWarning(lcMarketData).noquote() << "malformed stream message:" << problem;

    QList<Tick> batch;
    QStringList firstTrades;
    for (const StreamMessage &m : frame.messages) {
        switch (m.kind) {
        case StreamMessage::Kind::Trade:
            if (!m_wanted.contains(m.symbol))
                break;
            if (!m_traded.contains(m.symbol)) {
                m_traded.insert(m.symbol);
                firstTrades.append(m.symbol);
            }
            m_lastPrice.insert(m.symbol, m.price);
            batch.append(Tick{m.symbol, m.price, m.time});
            break;
        case StreamMessage::Kind::Quote: {
            if (!m_wanted.contains(m.symbol) || m_traded.contains(m.symbol))
                break;
            if (!m.bid.isPositive() || !m.ask.isPositive() || m.ask < m.bid)
                break;
            const Decimal mid = (m.bid + m.ask) / Decimal(2);
            m_lastPrice.insert(m.symbol, mid);
            batch.append(Tick{m.symbol, mid, m.time});
            break;
        }
        case StreamMessage::Kind::Other:
            qCDebug(lcMarketData).noquote() << "ignoring stream message of type" << m.type;
            break;
        default:
            handleControl(m);
            break;
        }
        if (!m_socket)
            break; // an error message closed the connection; the rest of the frame is moot
    }
    if (!frame.problems.isEmpty() && m_phase == Phase::Authenticated) {
        m_note = u"ignored a malformed message"_s;
        updateLiveStatus();
    }
    // Quotes only stood in until the first trade; they are the bulk of the traffic.
    if (m_options.quotes && m_phase == Phase::Authenticated)
        dropQuotes(firstTrades);
    if (!batch.isEmpty())
        Q_EMIT ticks(batch);
}

void AlpacaStream::handleControl(const StreamMessage &m)
{
    if (m.kind == StreamMessage::Kind::Error) {
        handleError(m.code, m.text);
        return;
    }
    if (m.kind == StreamMessage::Kind::Subscription) {
        m_confirmed = QSet<QString>(m.trades.cbegin(), m.trades.cend());
        m_subscriptionConfirmed = true;
        if (m_symbolLimitHit && std::all_of(m_wanted.cbegin(), m_wanted.cend(),
                                            [this](const QString &s) { return m_confirmed.contains(s); }))
            m_symbolLimitHit = false;
        updateLiveStatus();
        return;
    }
    if (m.text == u"connected") {
        if (m_socket)
            m_socket->sendTextMessage(
                QString::fromUtf8(streamAuthMessage(m_options.keyId, m_options.secret)));
        return;
    }
    if (m.text == u"authenticated") {
        m_authTimer->stop();
        m_phase = Phase::Authenticated;
        m_authenticatedFor.start();
        qCInfo(lcMarketData) << "authenticated; subscribing" << m_wanted.size() << "symbols";
        updateLiveStatus();
        if (!m_wanted.isEmpty())
            sendSubscription(true, subscriptions());
        return;
    }
    qCDebug(lcMarketData).noquote() << "ignoring success message" << m.text;
}

void AlpacaStream::handleError(int code, const QString &text)
{
    const QString described = describeError(code, text);
    switch (actionFor(code)) {
    case ErrorAction::Log:
        qCWarning(lcMarketData).noquote() << "stream error" << described;
        break;
    case ErrorAction::Degrade:
        qCWarning(lcMarketData).noquote() << "stream error" << described << "; subscriptions unchanged";
        m_symbolLimitHit = true;
        updateLiveStatus();
        break;
    case ErrorAction::Retry:
        qCWarning(lcMarketData).noquote() << "stream error" << described << "; reconnecting";
        closeSocket();
        retryLater(text.isEmpty() ? streamErrorDescription(code) : text);
        break;
    case ErrorAction::Fail:
        qCWarning(lcMarketData).noquote() << "stream error" << described << "; not retrying";
        fail(described);
        break;
    }
}

void AlpacaStream::sendSubscription(bool subscribe, const QStringList &symbols)
{
    if (!m_socket)
        return;
    for (qsizetype i = 0; i < symbols.size(); i += m_options.batchSize) {
        const QStringList batch = symbols.mid(i, m_options.batchSize);
        QStringList quotes;
        if (m_options.quotes) {
            for (const QString &s : batch) {
                if (!subscribe || !m_traded.contains(s))
                    quotes.append(s);
            }
        }
        m_socket->sendTextMessage(QString::fromUtf8(streamSubscriptionMessage(subscribe, batch, quotes)));
    }
}

void AlpacaStream::dropQuotes(const QStringList &symbols)
{
    if (!m_socket || symbols.isEmpty())
        return;
    for (qsizetype i = 0; i < symbols.size(); i += m_options.batchSize) {
        m_socket->sendTextMessage(
            QString::fromUtf8(streamSubscriptionMessage(false, {}, symbols.mid(i, m_options.batchSize))));
    }
}

void AlpacaStream::onDisconnected()
{
    const QString reason =
        m_socket && !m_socket->errorString().isEmpty() ? m_socket->errorString() : u"connection closed"_s;
    qCWarning(lcMarketData).noquote() << "stream disconnected:" << reason;
    closeSocket();
    retryLater(reason);
}

void AlpacaStream::onSocketError(QAbstractSocket::SocketError error)
{
    qCDebug(lcMarketData) << "socket error" << error;
    if (!m_socket)
        return;
    // Qt 6.4 reports a refused upgrade only in the error text. A 4xx other than 429 will not change
    // by retrying (wrong path, feed or credentials), as Alpaca's Go SDK also concludes.
    static const QRegularExpression httpStatus(u"http status code: (\\d{3})"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = httpStatus.match(m_socket->errorString());
    if (match.hasMatch()) {
        const int status = match.captured(1).toInt();
        if (status >= 400 && status < 500 && status != 429) {
            qCWarning(lcMarketData) << "WebSocket upgrade refused with HTTP" << status << "; not retrying";
            fail(u"connection refused with HTTP %1"_s.arg(status));
            return;
        }
        closeSocket();
        retryLater(u"HTTP %1"_s.arg(status));
        return;
    }
    // A refused connection may not be followed by disconnected().
    if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        const QString reason = m_socket->errorString();
        closeSocket();
        retryLater(reason);
    }
}

void AlpacaStream::onStale()
{
    qCWarning(lcMarketData) << "no message and no pong for" << m_options.staleAfterMs << "ms; reconnecting";
    closeSocket();
    retryLater(u"connection silent for %1 s"_s.arg(seconds(m_options.staleAfterMs)));
}

void AlpacaStream::onAuthTimeout()
{
    const bool connected = m_phase != Phase::Connecting;
    qCWarning(lcMarketData) << (connected ? "not authenticated" : "not connected") << "within"
                            << m_options.authTimeoutMs << "ms; reconnecting";
    closeSocket();
    retryLater(connected ? u"authentication timed out"_s : u"connect timed out"_s);
}

void AlpacaStream::closeSocket()
{
    m_pingTimer->stop();
    m_staleTimer->stop();
    m_authTimer->stop();
    if (m_phase == Phase::Authenticated && m_authenticatedFor.isValid() &&
        m_authenticatedFor.elapsed() >= m_options.stableAfterMs)
        m_failures = 0;
    m_phase = Phase::Idle;
    m_authenticatedFor.invalidate();
    if (!m_socket)
        return;
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    // abort(), not close(): a close handshake with a silent server would keep the old session open
    // on Alpaca's side, and the next one would be refused with 406.
    socket->abort();
    socket->deleteLater();
}

void AlpacaStream::retryLater(const QString &reason)
{
    if (!m_running || m_reconnectTimer->isActive())
        return;
    const double exponential = m_options.reconnectBaseMs * std::pow(2.0, std::min(m_failures, 30));
    const double capped = std::min<double>(exponential, m_options.reconnectMaxMs);
    const double factor = 1.0 + m_options.jitter * (2.0 * QRandomGenerator::global()->generateDouble() - 1.0);
    m_lastReconnectDelayMs = std::max(1, int(std::lround(capped * factor)));
    ++m_failures;
    m_reconnectTimer->start(m_lastReconnectDelayMs);
    qCInfo(lcMarketData).noquote() << "reconnecting in" << m_lastReconnectDelayMs << "ms:" << reason;
    setStatus(Status::Connecting,
              u"Reconnecting in %1 s (%2)"_s.arg(seconds(m_lastReconnectDelayMs), reason));
}

void AlpacaStream::fail(const QString &reason)
{
    m_running = false;
    m_reconnectTimer->stop();
    closeSocket();
    setStatus(Status::Disconnected, u"Alpaca market data stopped: %1"_s.arg(reason));
}

void AlpacaStream::noteActivity()
{
    if (m_socket)
        m_staleTimer->start();
}

void AlpacaStream::updateLiveStatus()
{
    if (m_phase != Phase::Authenticated)
        return;
    const qsizetype streaming = m_confirmed.size();
    QString message = u"Live — %1 symbol%2"_s.arg(streaming).arg(streaming == 1 ? u""_s : u"s"_s);
    if (!m_subscriptionConfirmed && !m_wanted.isEmpty())
        message = u"Live — subscribing %1 symbol%2"_s.arg(m_wanted.size())
                      .arg(m_wanted.size() == 1 ? u""_s : u"s"_s);
    if (m_symbolLimitHit) {
        message = u"Degraded — symbol limit exceeded (405): %1 of %2 symbols streaming"_s.arg(streaming).arg(
            m_wanted.size());
    }
    if (!m_note.isEmpty())
        message += u"; "_s + m_note;
    setStatus(m_symbolLimitHit ? Status::Degraded : Status::Live, message);
}

void AlpacaStream::setStatus(Status status, const QString &message)
{
    if (status == m_status && message == m_statusMessage)
        return;
    m_status = status;
    m_statusMessage = message;
    qCInfo(lcMarketData).noquote() << "alpaca stream:" << message;
    Q_EMIT statusChanged(m_status);
}

} // namespace clera
