#include "restclient.h"

#include "redaction.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace clera {

namespace {
Q_LOGGING_CATEGORY(lcNet, "clera.net")
}

struct RestClient::Call
{
    RestRequest request;
    QPromise<RestResult> promise;
    int attempt = 0;
    QElapsedTimer elapsed;
    // The answer so far, read as it arrives: QNetworkReply would otherwise buffer all of it in small
    // chunks and readAll() would copy it once more at the end (twice a large answer's size, in pieces
    // the heap keeps).
    QByteArray received;
};

RestRequest RestRequest::get(const QString &path, const QUrlQuery &query)
{
    RestRequest r;
    r.path = path;
    r.query = query;
    return r;
}

RestRequest RestRequest::post(const QString &path, const QJsonDocument &body)
{
    RestRequest r;
    r.method = QByteArrayLiteral("POST");
    r.path = path;
    r.body = body;
    return r;
}

RestRequest RestRequest::del(const QString &path)
{
    RestRequest r;
    r.method = QByteArrayLiteral("DELETE");
    r.path = path;
    return r;
}

QString RestRequest::segment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

RestClient::RestClient(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_network(new QNetworkAccessManager(this))
{
    if (m_options.auth == Auth::Basic)
        m_authorization = "Basic " + (m_options.keyId + u':' + m_options.secret).toUtf8().toBase64();
    // Alpaca never redirects; following one could send credentials elsewhere.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

RestClient::~RestClient() = default;

QUrl RestClient::urlFor(const RestRequest &request) const
{
    QUrl url = m_options.baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + request.path, QUrl::TolerantMode);
    if (!request.query.isEmpty())
        url.setQuery(request.query);
    return url;
}

QFuture<RestResult> RestClient::send(const RestRequest &request)
{
    auto call = std::make_shared<Call>();
    call->request = request;
    call->promise.start();
    call->elapsed.start();
    QFuture<RestResult> future = call->promise.future();
    attempt(call);
    return future;
}

void RestClient::attempt(const std::shared_ptr<Call> &call)
{
    ++call->attempt;
    const RestRequest &r = call->request;
    QNetworkRequest request(urlFor(r));
    request.setTransferTimeout(int(std::max(r.timeout, m_options.timeout).count()));
    request.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    request.setRawHeader(QByteArrayLiteral("User-Agent"), m_options.userAgent);
    switch (m_options.auth) {
    case Auth::None:
        break;
    case Auth::Basic:
        request.setRawHeader(QByteArrayLiteral("Authorization"), m_authorization);
        break;
    case Auth::ApcaHeaders:
        request.setRawHeader(QByteArrayLiteral("APCA-API-KEY-ID"), m_options.keyId.toUtf8());
        request.setRawHeader(QByteArrayLiteral("APCA-API-SECRET-KEY"), m_options.secret.toUtf8());
        break;
    }
    QByteArray body;
    if (r.body) {
        body = r.body->toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    qCDebug(lcNet).noquote() << r.method << redact::url(request.url()) << "attempt" << call->attempt;
    QNetworkReply *reply = r.body ? m_network->sendCustomRequest(request, r.method, body)
                                  : m_network->sendCustomRequest(request, r.method);
    call->received.clear();
    connect(reply, &QNetworkReply::readyRead, this, [call, reply] {
        if (call->received.isEmpty()) {
            const qint64 announced = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
            if (announced > 0 && announced < (qint64(1) << 31))
                call->received.reserve(qsizetype(announced));
        }
        call->received.append(reply->readAll());
    });
    connect(reply, &QNetworkReply::finished, this, [this, call, reply] { finished(call, reply); });
}

void RestClient::finished(const std::shared_ptr<Call> &call, QNetworkReply *reply)
{
    reply->deleteLater();
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    QByteArray payload = std::exchange(call->received, {});
    if (reply->isOpen())
        payload.append(reply->readAll());
    const QString where = QString::fromLatin1(call->request.method) + u' ' + redact::url(reply->url());

    std::optional<ApiError> error;
    RestResponse response;
    if (status == 0) {
        ApiError e;
        const auto code = reply->error();
        // setTransferTimeout aborts the reply, which reports OperationCanceledError.
        e.kind = code == QNetworkReply::OperationCanceledError || code == QNetworkReply::TimeoutError
                     ? ApiError::Kind::Timeout
                     : ApiError::Kind::Network;
        const auto timeout = std::max(call->request.timeout, m_options.timeout);
        e.message = e.kind == ApiError::Kind::Timeout ? u"no answer within %1 ms"_s.arg(timeout.count())
                                                      : reply->errorString();
        error = e;
    } else if (status < 200 || status >= 300) {
        ApiError e = ApiError::fromHttp(status, payload);
        if (status == 429)
            e.retryAfter = RetryPolicy::serverDelay(reply->rawHeader(QByteArrayLiteral("Retry-After")),
                                                    reply->rawHeader(QByteArrayLiteral("X-RateLimit-Reset")));
        error = e;
    } else {
        response.status = status;
        response.attempts = call->attempt;
        if (call->request.rawBody) {
            response.body = std::move(payload);
        } else if (!payload.trimmed().isEmpty()) {
            QJsonParseError parseError;
            response.json = QJsonDocument::fromJson(payload, &parseError);
            if (parseError.error != QJsonParseError::NoError) {
                ApiError e;
                e.kind = ApiError::Kind::Decode;
                e.httpStatus = status;
                e.message =
                    u"invalid JSON at offset %1: %2"_s.arg(parseError.offset).arg(parseError.errorString());
                qCWarning(lcNet).noquote() << where << "answered" << status << "with" << e.message;
                error = e;
            }
        }
    }

    if (!error) {
        qCDebug(lcNet).noquote() << where << status << "in" << call->elapsed.elapsed() << "ms";
        call->promise.addResult(RestResult(std::move(response)));
        call->promise.finish();
        return;
    }

    const auto delay = m_options.retry.delayBefore(call->attempt + 1, *error, call->request.idempotent);
    if (delay) {
        qCInfo(lcNet).noquote() << where + u" failed (" + error->toString() + u"), retry" << call->attempt + 1
                                << "in" << delay->count() << "ms";
        QTimer::singleShot(*delay, this, [this, call] { attempt(call); });
        return;
    }
    qCWarning(lcNet).noquote() << where << "failed after" << call->attempt
                               << "attempt(s):" << error->toString();
    call->promise.addResult(RestResult(unexpected(std::move(*error))));
    call->promise.finish();
}

} // namespace clera
