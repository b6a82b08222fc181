#include "fakealpacastream.h"

#include "streamrelay.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtWebSockets/QWebSocket>
#include <QtWebSockets/QWebSocketServer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr int kRateTickMs = 50;

const QStringList &stockChannels()
{
    static const QStringList channels{u"trades"_s,    u"quotes"_s,   u"bars"_s,  u"updatedBars"_s,
                                      u"dailyBars"_s, u"statuses"_s, u"lulds"_s, u"imbalances"_s};
    return channels;
}

bool isOtherFeedChannel(const QString &key)
{
    return key == u"orderbooks" || key == u"news" || key == u"pricing";
}

QString jsonString(const QString &s)
{
    const QByteArray a = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

QString jsonList(const QSet<QString> &set)
{
    QStringList sorted(set.cbegin(), set.cend());
    sorted.sort();
    QStringList quoted;
    quoted.reserve(sorted.size());
    for (const QString &s : sorted)
        quoted.append(jsonString(s));
    return u'[' + quoted.join(u',') + u']';
}

bool subscribedTo(const QSet<QString> &set, const QString &symbol)
{
    return set.contains(symbol) || set.contains(u"*"_s);
}

} // namespace

FakeAlpacaStream::FakeAlpacaStream(QObject *parent) : FakeAlpacaStream(Options{}, parent) {}

FakeAlpacaStream::FakeAlpacaStream(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_tcp(new QTcpServer(this)),
      m_inner(new QWebSocketServer(u"fake-alpaca-stream"_s, QWebSocketServer::NonSecureMode, this)),
      m_rateTimer(new QTimer(this)), m_random(m_options.seed)
{
    connect(m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_tcp->nextPendingConnection()) {
            ++m_connectionCount;
            if (m_refuse) {
                socket->abort();
                socket->deleteLater();
                continue;
            }
            if (m_handshakeStatus != 0) {
                rejectHandshake(socket);
                continue;
            }
            auto *relay = new StreamRelay(socket, m_inner->serverPort(), this);
            m_relays.append(relay);
            connect(relay, &StreamRelay::finished, this, [this, relay] {
                m_relays.removeOne(relay);
                relay->deleteLater();
            });
        }
    });
    connect(m_inner, &QWebSocketServer::newConnection, this, &FakeAlpacaStream::onInnerConnection);
    m_rateTimer->setInterval(kRateTickMs);
    connect(m_rateTimer, &QTimer::timeout, this, &FakeAlpacaStream::generate);
}

FakeAlpacaStream::~FakeAlpacaStream()
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it)
        it.key()->disconnect(this);
}

bool FakeAlpacaStream::listen(const QHostAddress &address, quint16 port)
{
    if (!m_inner->listen(QHostAddress::LocalHost, 0)) {
        m_error = m_inner->errorString();
        return false;
    }
    if (!m_tcp->listen(address, port)) {
        m_error = m_tcp->errorString();
        return false;
    }
    return true;
}

quint16 FakeAlpacaStream::port() const
{
    return m_tcp->serverPort();
}

QUrl FakeAlpacaStream::url(const QString &path) const
{
    QUrl u;
    u.setScheme(u"ws"_s);
    u.setHost(u"127.0.0.1"_s);
    u.setPort(port());
    u.setPath(path);
    return u;
}

int FakeAlpacaStream::sessionCount() const
{
    return int(m_sessions.size());
}

int FakeAlpacaStream::authenticatedCount() const
{
    return int(std::count_if(m_sessions.cbegin(), m_sessions.cend(),
                             [](const Session &s) { return s.authenticated; }));
}

QStringList FakeAlpacaStream::unionOf(const QString &channel) const
{
    QSet<QString> all;
    for (const Session &s : m_sessions) {
        if (s.authenticated)
            all.unite(s.channels.value(channel));
    }
    QStringList out(all.cbegin(), all.cend());
    out.sort();
    return out;
}

QStringList FakeAlpacaStream::subscribedTrades() const
{
    return unionOf(u"trades"_s);
}

QStringList FakeAlpacaStream::subscribedQuotes() const
{
    return unionOf(u"quotes"_s);
}

void FakeAlpacaStream::onInnerConnection()
{
    while (QWebSocket *socket = m_inner->nextPendingConnection()) {
        socket->setParent(this);
        Session &session = m_sessions[socket];
        session.authTimer = new QTimer(socket);
        session.authTimer->setSingleShot(true);
        connect(session.authTimer, &QTimer::timeout, socket,
                [this, socket] { sendErrorTo(socket, 404, true); });
        session.authTimer->start(m_options.authTimeoutMs);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onMessage(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this,
                [this, socket] { sendErrorTo(socket, 400, false); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            const bool wasSubscribed = m_sessions.value(socket).authenticated;
            m_sessions.remove(socket);
            socket->deleteLater();
            if (wasSubscribed)
                Q_EMIT subscriptionChanged();
        });
        socket->sendTextMessage(u"[{\"T\":\"success\",\"msg\":\"connected\"}]"_s);
        Q_EMIT sessionOpened();
    }
}

void FakeAlpacaStream::onMessage(QWebSocket *socket, const QString &text)
{
    m_received.append(text);
    const auto it = m_sessions.find(socket);
    if (it == m_sessions.end())
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    const QJsonObject request = doc.object();
    const QString action = request.value("action"_L1).toString();
    if (!doc.isObject() || action.isEmpty()) {
        sendErrorTo(socket, 400, false);
        return;
    }
    if (action == u"auth")
        handleAuth(socket, *it, request);
    else if (action == u"subscribe" || action == u"unsubscribe")
        handleSubscription(socket, *it, request, action == u"subscribe");
    else
        sendErrorTo(socket, 400, false);
}

void FakeAlpacaStream::handleAuth(QWebSocket *socket, Session &session, const QJsonObject &request)
{
    if (m_ignoreAuth)
        return;
    if (session.authenticated) {
        sendErrorTo(socket, 403, false);
        return;
    }
    if (m_authError != 0) {
        sendErrorTo(socket, m_authError, true);
        return;
    }
    const QString key = request.value("key"_L1).toString();
    if (key != m_options.keyId || request.value("secret"_L1).toString() != m_options.secret) {
        sendErrorTo(socket, 402, true);
        return;
    }
    const auto sameKey = std::count_if(m_sessions.cbegin(), m_sessions.cend(),
                                       [&key](const Session &s) { return s.authenticated && s.key == key; });
    if (sameKey >= m_options.connectionLimit) {
        sendErrorTo(socket, 406, true);
        return;
    }
    session.authTimer->stop();
    session.authenticated = true;
    session.key = key;
    socket->sendTextMessage(u"[{\"T\":\"success\",\"msg\":\"authenticated\"}]"_s);
    Q_EMIT sessionAuthenticated();
}

void FakeAlpacaStream::handleSubscription(QWebSocket *socket, Session &session, const QJsonObject &request,
                                          bool add)
{
    if (!session.authenticated) {
        sendErrorTo(socket, 401, false);
        return;
    }
    QHash<QString, QSet<QString>> changes;
    for (auto it = request.constBegin(); it != request.constEnd(); ++it) {
        if (it.key() == u"action")
            continue;
        if (isOtherFeedChannel(it.key())) {
            sendErrorTo(socket, 410, false);
            return;
        }
        if (!stockChannels().contains(it.key()) || !it.value().isArray()) {
            sendErrorTo(socket, 400, false);
            return;
        }
        QSet<QString> &symbols = changes[it.key()];
        for (const QJsonValue &v : it.value().toArray()) {
            if (!v.isString() || v.toString().isEmpty()) {
                sendErrorTo(socket, 400, false);
                return;
            }
            symbols.insert(v.toString());
        }
    }
    if (changes.isEmpty()) {
        sendErrorTo(socket, 400, false);
        return;
    }
    QHash<QString, QSet<QString>> next = session.channels;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        if (add)
            next[it.key()].unite(it.value());
        else
            next[it.key()].subtract(it.value());
    }
    const QSet<QString> counted = next.value(u"trades"_s) + next.value(u"quotes"_s);
    if (add && counted.size() > m_options.symbolLimit) {
        sendErrorTo(socket, 405, false);
        return;
    }
    session.channels = next;
    sendSubscriptionState(socket, session);
    Q_EMIT subscriptionChanged();
}

void FakeAlpacaStream::sendSubscriptionState(QWebSocket *socket, const Session &session)
{
    const auto list = [&session](const QString &channel) {
        return jsonList(session.channels.value(channel));
    };
    const QString trades = list(u"trades"_s);
    const QString text = u"[{\"T\":\"subscription\",\"trades\":"_s + trades + u",\"quotes\":"_s +
                         list(u"quotes"_s) + u",\"bars\":"_s + list(u"bars"_s) + u",\"updatedBars\":"_s +
                         list(u"updatedBars"_s) + u",\"dailyBars\":"_s + list(u"dailyBars"_s) +
                         u",\"statuses\":"_s + list(u"statuses"_s) + u",\"lulds\":"_s + list(u"lulds"_s) +
                         u",\"corrections\":"_s + trades + u",\"cancelErrors\":"_s + trades + u"}]"_s;
    socket->sendTextMessage(text);
}

QString FakeAlpacaStream::errorMessage(int code)
{
    switch (code) {
    case 400:
        return u"invalid syntax"_s;
    case 401:
        return u"not authenticated"_s;
    case 402:
        return u"auth failed"_s;
    case 403:
        return u"already authenticated"_s;
    case 404:
        return u"auth timeout"_s;
    case 405:
        return u"symbol limit exceeded"_s;
    case 406:
        return u"connection limit exceeded"_s;
    case 407:
        return u"slow client"_s;
    case 408:
        return u"v2 not enabled"_s;
    case 409:
        return u"insufficient subscription"_s;
    case 410:
        return u"invalid subscribe action for this feed"_s;
    case 411:
        return u"insufficient scope"_s;
    case 500:
        return u"internal error"_s;
    default:
        return u"error"_s;
    }
}

void FakeAlpacaStream::sendErrorTo(QWebSocket *socket, int code, bool close)
{
    socket->sendTextMessage(
        u"[{\"T\":\"error\",\"code\":%1,\"msg\":%2}]"_s.arg(code).arg(jsonString(errorMessage(code))));
    if (close)
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, errorMessage(code));
}

void FakeAlpacaStream::sendError(int code, bool close)
{
    const QList<QWebSocket *> sockets = m_sessions.keys();
    for (QWebSocket *socket : sockets)
        sendErrorTo(socket, code, close);
}

void FakeAlpacaStream::setAuthError(int code)
{
    m_authError = code;
}

void FakeAlpacaStream::setIgnoreAuth(bool ignore)
{
    m_ignoreAuth = ignore;
}

QString FakeAlpacaStream::formatTime(Timestamp time, int digits)
{
    constexpr qint64 kNanos = 1'000'000'000;
    const qint64 nanos = time.nanos();
    const qint64 secs = nanos / kNanos - (nanos % kNanos < 0 ? 1 : 0);
    const qint64 frac = nanos - secs * kNanos;
    QString out = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ss"_s);
    digits = std::clamp(digits, 0, 9);
    if (digits > 0)
        out += u'.' + u"%1"_s.arg(frac, 9, 10, QChar(u'0')).left(digits);
    return out + u'Z';
}

QString FakeAlpacaStream::nextTime(Timestamp time)
{
    // Never fewer digits than the value needs, so the instant is kept exactly; otherwise cycle 0–9.
    qint64 frac = time.nanos() % 1'000'000'000;
    if (frac < 0)
        frac += 1'000'000'000;
    int needed = 0;
    if (frac != 0) {
        needed = 9;
        while (frac % 10 == 0) {
            frac /= 10;
            --needed;
        }
    }
    const int digits = std::max(needed, m_digitCycle);
    m_digitCycle = (m_digitCycle + 1) % 10;
    return formatTime(time, digits);
}

void FakeAlpacaStream::publishTrades(const QList<Trade> &trades)
{
    QStringList elements;
    QStringList symbols;
    elements.reserve(trades.size());
    for (const Trade &t : trades) {
        elements.append(
            u"{\"T\":\"t\",\"S\":%1,\"i\":%2,\"x\":\"V\",\"p\":%3,\"s\":100,\"c\":[\"@\"],\"z\":\"C\",\"t\":\"%4\"}"_s
                .arg(jsonString(t.symbol))
                .arg(++m_tradeId)
                .arg(t.price.toString(), nextTime(t.time)));
        symbols.append(t.symbol);
    }
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (!it->authenticated)
            continue;
        const QSet<QString> subscribed = it->channels.value(u"trades"_s);
        QStringList frame;
        for (qsizetype i = 0; i < elements.size(); ++i) {
            if (subscribedTo(subscribed, symbols.at(i)))
                frame.append(elements.at(i));
        }
        if (!frame.isEmpty()) {
            it.key()->sendTextMessage(u'[' + frame.join(u',') + u']');
            m_tradesPublished += frame.size();
        }
    }
}

void FakeAlpacaStream::publishQuote(const QString &symbol, Decimal bid, Decimal ask, Timestamp time)
{
    const QString text =
        u"[{\"T\":\"q\",\"S\":%1,\"bx\":\"V\",\"bp\":%2,\"bs\":200,\"ax\":\"V\",\"ap\":%3,\"as\":100,\"c\":[\"R\"],\"z\":\"C\",\"t\":\"%4\"}]"_s
            .arg(jsonString(symbol), bid.toString(), ask.toString(), nextTime(time));
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->authenticated && subscribedTo(it->channels.value(u"quotes"_s), symbol))
            it.key()->sendTextMessage(text);
    }
}

void FakeAlpacaStream::publishRaw(const QString &frame)
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->authenticated)
            it.key()->sendTextMessage(frame);
    }
}

void FakeAlpacaStream::setTradeRate(int tradesPerSecond)
{
    m_rate = std::max(0, tradesPerSecond);
    m_rateCarry = 0;
    if (m_rate > 0)
        m_rateTimer->start();
    else
        m_rateTimer->stop();
}

void FakeAlpacaStream::generate()
{
    const QStringList symbols = subscribedTrades();
    m_rateCarry += m_rate * kRateTickMs / 1000.0;
    const int count = int(m_rateCarry);
    m_rateCarry -= count;
    if (symbols.isEmpty() || count == 0)
        return;
    QList<Trade> trades;
    trades.reserve(count);
    const Timestamp now = Timestamp::now();
    for (int i = 0; i < count; ++i) {
        const QString &symbol = symbols.at(m_walkNext++ % symbols.size());
        auto it = m_walkCents.find(symbol);
        if (it == m_walkCents.end())
            it = m_walkCents.insert(symbol, 5'000 + qint64(qHash(symbol, 0) % 45'000));
        *it = std::max<qint64>(1, *it + m_random.bounded(-5, 6));
        trades.append(Trade{symbol, Decimal::fromCents(*it), now});
    }
    publishTrades(trades);
}

void FakeAlpacaStream::dropAll()
{
    const QList<StreamRelay *> relays = m_relays;
    for (StreamRelay *relay : relays)
        relay->abort();
}

void FakeAlpacaStream::setSilent(bool silent)
{
    for (StreamRelay *relay : std::as_const(m_relays))
        relay->setSilent(silent);
}

void FakeAlpacaStream::setHandshakeStatus(int httpStatus)
{
    m_handshakeStatus = httpStatus;
}

void FakeAlpacaStream::rejectHandshake(QTcpSocket *socket)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::readyRead, socket, [socket, status = m_handshakeStatus] {
        if (!socket->peek(64 * 1024).contains("\r\n\r\n"))
            return;
        socket->readAll();
        const QByteArray reason = status == 429   ? "Too Many Requests"
                                  : status >= 500 ? "Service Unavailable"
                                                  : "Unauthorized";
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        socket->disconnectFromHost();
    });
}

void FakeAlpacaStream::setRefuseConnections(bool refuse)
{
    m_refuse = refuse;
}

} // namespace clera::fake
