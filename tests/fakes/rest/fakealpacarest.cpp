#include "fakealpacarest.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr int kRateLimit = 200;

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    default:
        return QByteArrayLiteral("OTHER");
    }
}

FakeAlpacaBook::Reply methodNotAllowed()
{
    return FakeAlpacaBook::error(405, 40510000, u"method not allowed"_s);
}

FakeAlpacaBook::Reply notFound()
{
    return FakeAlpacaBook::error(404, 40410000, u"endpoint not found"_s);
}

FakeAlpacaBook::Reply unauthorized()
{
    return FakeAlpacaBook::error(401, 40110000, u"request is not authorized"_s);
}

} // namespace

QByteArray FakeAlpacaRest::RecordedRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FakeAlpacaRest::FakeAlpacaRest(QObject *parent) : QObject(parent)
{
    m_server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        dispatch(request, std::move(responder));
    });
}

FakeAlpacaRest::~FakeAlpacaRest() = default;

quint16 FakeAlpacaRest::listen(quint16 port)
{
    m_port = m_server.listen(QHostAddress::LocalHost, port);
    return m_port;
}

QUrl FakeAlpacaRest::baseUrl() const
{
    QUrl url;
    url.setScheme(u"http"_s);
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_port);
    return url;
}

QString FakeAlpacaRest::seedAccount(Decimal cash)
{
    const QString id = m_book.createAccount(cash);
    if (m_tradingAccountId.isEmpty())
        m_tradingAccountId = id;
    return id;
}

QList<FakeAlpacaRest::RecordedRequest> FakeAlpacaRest::requests(const QByteArray &method,
                                                                const QString &pathContains) const
{
    QList<RecordedRequest> out;
    for (const RecordedRequest &r : m_requests) {
        if ((method.isEmpty() || r.method == method) && r.path.contains(pathContains))
            out.append(r);
    }
    return out;
}

std::optional<FakeFault> FakeAlpacaRest::takeFault(const QByteArray &method, const QString &path)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        FakeFault &f = m_faults[i];
        if ((!f.method.isEmpty() && f.method != method) || !path.contains(f.pathContains))
            continue;
        FakeFault taken = f;
        if (--f.count <= 0)
            m_faults.removeAt(i);
        return taken;
    }
    return std::nullopt;
}

bool FakeAlpacaRest::authorized(const QHttpServerRequest &request, bool brokerApi) const
{
    if (brokerApi) {
        const QByteArray expected = "Basic " + (m_broker.keyId + u':' + m_broker.secret).toUtf8().toBase64();
        return request.value(QByteArrayLiteral("Authorization")) == expected;
    }
    return request.value(QByteArrayLiteral("APCA-API-KEY-ID")) == m_trading.keyId.toUtf8() &&
           request.value(QByteArrayLiteral("APCA-API-SECRET-KEY")) == m_trading.secret.toUtf8();
}

void FakeAlpacaRest::dispatch(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    RecordedRequest recorded{methodName(request.method()), request.url().path(), request.query(),
                             request.headers(), request.body()};
    m_requests.append(recorded);

    const std::optional<FakeFault> fault = takeFault(recorded.method, recorded.path);
    if (fault && fault->kind == FakeFault::Kind::Respond && !fault->rawBody.isEmpty()) {
        QHttpServerResponse(QByteArrayLiteral("text/html"), fault->rawBody,
                            QHttpServerResponse::StatusCode(fault->status))
            .write(std::move(responder));
        return;
    }
    if (fault && fault->kind == FakeFault::Kind::Respond) {
        QJsonValue body = fault->body;
        if (body.isUndefined() || body.isNull()) {
            body = fault->status == 429
                       ? QJsonObject{{u"code"_s, 42910000}, {u"message"_s, u"rate limit exceeded"_s}}
                       : QJsonObject{{u"code"_s, qint64(fault->status) * 100000},
                                     {u"message"_s, u"injected failure"_s}};
        }
        write({fault->status, body}, std::move(responder), &*fault);
        return;
    }

    const bool brokerApi = recorded.path.startsWith(u"/v1/");
    if (!brokerApi && !recorded.path.startsWith(u"/v2/")) {
        write(notFound(), std::move(responder));
        return;
    }
    if (!authorized(request, brokerApi)) {
        write(unauthorized(), std::move(responder));
        return;
    }
    const Reply reply = route(recorded.method, recorded.path, recorded.query, recorded.body);

    if (fault && fault->kind == FakeFault::Kind::DropAfterProcess) {
        m_held.append(std::make_shared<QHttpServerResponder>(std::move(responder)));
        return;
    }
    if (fault && fault->kind == FakeFault::Kind::Delay) {
        auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
        m_held.append(held);
        QPointer<QTcpSocket> socket = held->socket();
        QTimer::singleShot(fault->delayMs, this, [this, held, socket, reply] {
            m_held.removeAll(held);
            if (socket && socket->state() == QAbstractSocket::ConnectedState)
                write(reply, std::move(*held));
        });
        return;
    }
    write(reply, std::move(responder));
}

void FakeAlpacaRest::write(const Reply &reply, QHttpServerResponder &&responder, const FakeFault *fault)
{
    const auto status = QHttpServerResponse::StatusCode(reply.status);
    QHttpServerResponse response =
        reply.body.isUndefined()
            ? QHttpServerResponse(status)
            : (reply.body.isArray() ? QHttpServerResponse(reply.body.toArray(), status)
                                    : QHttpServerResponse(reply.body.toObject(), status));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 windowEnd = now - now % 60 + 60;
    m_rateLimitRemaining = m_rateLimitRemaining > 0 ? m_rateLimitRemaining - 1 : kRateLimit;
    response.addHeader(QByteArrayLiteral("X-RateLimit-Limit"), QByteArray::number(kRateLimit));
    response.addHeader(QByteArrayLiteral("X-RateLimit-Remaining"),
                       QByteArray::number(reply.status == 429 ? 0 : m_rateLimitRemaining));
    qint64 reset = windowEnd;
    if (fault && fault->rateLimitResetSeconds >= 0)
        reset = now + fault->rateLimitResetSeconds;
    response.addHeader(QByteArrayLiteral("X-RateLimit-Reset"), QByteArray::number(reset));
    if (fault && fault->retryAfterSeconds >= 0)
        response.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(fault->retryAfterSeconds));
    response.write(std::move(responder));
}

void FakeAlpacaRest::scheduleTransfer(const QString &accountId, const Reply &created)
{
    if (created.status != 200)
        return;
    const QString transferId = created.body.toObject().value(u"id").toString();
    QTimer::singleShot(m_transferDelayMs, this,
                       [this, accountId, transferId] { m_book.completeTransfer(accountId, transferId); });
}

FakeAlpacaRest::Reply FakeAlpacaRest::route(const QByteArray &method, const QString &path,
                                            const QUrlQuery &query, const QByteArray &rawBody)
{
    QJsonObject body;
    const bool bodyless = rawBody.isEmpty() && path.endsWith(u"/actions/close"); // Alpaca's close has no body
    if ((method == "POST" || method == "PATCH") && !bodyless) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(rawBody, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject())
            return FakeAlpacaBook::error(400, 40010000, u"request body format is invalid"_s);
        body = doc.object();
    }
    const QStringList s = path.split(u'/', Qt::SkipEmptyParts);
    if (auto handled = m_onboarding.route(method, s, query, body))
        return *handled;
    if (auto reply = m_accountData.route(method, s, query, m_tradingAccountId))
        return *reply;
    if (s.value(0) == u"v2") {
        if (s.value(1) == u"assets")
            return routeAssets(method, s.mid(2), query);
        if (m_tradingAccountId.isEmpty())
            return unauthorized();
        return routeTrading(method, m_tradingAccountId, s.mid(1), query, body);
    }

    // /v1
    if (s.value(1) == u"assets")
        return routeAssets(method, s.mid(2), query);
    if (s.value(1) == u"trading" && s.value(2) == u"accounts" && s.size() >= 5)
        return routeTrading(method, s.at(3), s.mid(4), query, body);
    if (s.value(1) != u"accounts")
        return notFound();
    if (s.size() == 2) {
        if (method == "GET")
            return m_book.listAccounts();
        if (method == "POST")
            return m_book.createAccount(body);
        return methodNotAllowed();
    }
    if (s.size() == 3 && s.at(2) == u"positions")
        return method == "GET" ? m_book.allPositions() : methodNotAllowed();
    const QString accountId = s.at(2);
    if (s.size() == 3)
        return method == "GET" ? m_book.accountSummary(accountId) : methodNotAllowed();
    if (s.size() == 4 && s.at(3) == u"transfers") {
        if (method == "GET")
            return m_book.transfers(accountId, query);
        if (method == "POST") {
            Reply created = m_book.createTransfer(accountId, body);
            scheduleTransfer(accountId, created);
            return created;
        }
        return methodNotAllowed();
    }
    return notFound();
}

FakeAlpacaRest::Reply FakeAlpacaRest::routeTrading(const QByteArray &method, const QString &accountId,
                                                   const QStringList &rest, const QUrlQuery &query,
                                                   const QJsonObject &body)
{
    const QString head = rest.value(0);
    if (head == u"account" && rest.size() == 1)
        return method == "GET" ? m_book.tradingAccount(accountId) : methodNotAllowed();
    if (head == u"positions" && rest.size() == 1)
        return method == "GET" ? m_book.positions(accountId) : methodNotAllowed();
    if (head == u"orders:by_client_order_id" && rest.size() == 1) {
        if (method != "GET")
            return methodNotAllowed();
        return m_book.orderByClientOrderId(accountId,
                                           query.queryItemValue(u"client_order_id"_s, QUrl::FullyDecoded));
    }
    if (head != u"orders")
        return notFound();
    if (rest.size() == 1) {
        if (method == "GET")
            return m_book.orders(accountId, query);
        if (method == "POST")
            return m_book.submitOrder(accountId, body);
        return methodNotAllowed();
    }
    if (rest.size() == 2) {
        if (method == "GET")
            return m_book.order(accountId, rest.at(1));
        if (method == "DELETE")
            return m_book.cancelOrder(accountId, rest.at(1));
        return methodNotAllowed();
    }
    return notFound();
}

FakeAlpacaRest::Reply FakeAlpacaRest::routeAssets(const QByteArray &method, const QStringList &rest,
                                                  const QUrlQuery &query)
{
    if (method != "GET")
        return methodNotAllowed();
    if (rest.isEmpty())
        return m_book.assets(query);
    if (rest.size() == 1)
        return m_book.asset(rest.at(0));
    return notFound();
}

} // namespace clera::fake
