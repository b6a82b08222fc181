#pragma once

#include "apierror.h"
#include "retrypolicy.h"

#include "core/domain/expected.h"

#include <QFuture>
#include <QJsonDocument>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace clera {

struct RestRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QString path; // appended to the base URL's path, e.g. "/v1/accounts"; segments percent-encoded

    QUrlQuery query;
    std::optional<QJsonDocument> body; // sent as application/json
    // false (order submission): only a 429 is retried, since it proves the request was not processed;
    // after a timeout, network error or 5xx the caller decides what to do.
    bool idempotent = true;
    // Longer than the client's timeout for an answer that takes long to prepare (all accounts' positions);
    // zero: the client's.
    std::chrono::milliseconds timeout{0};
    // The answer's bytes go to RestResponse::body unparsed: a caller that parses a very large answer
    // piece by piece (all accounts' positions) never holds it as one QJsonDocument.
    bool rawBody = false;

    [[nodiscard]] static RestRequest get(const QString &path, const QUrlQuery &query = {});
    [[nodiscard]] static RestRequest post(const QString &path, const QJsonDocument &body);
    [[nodiscard]] static RestRequest del(const QString &path);
    // One path segment, percent-encoded ("BTC/USD" → "BTC%2FUSD").
    [[nodiscard]] static QString segment(const QString &value);
};

struct RestResponse
{
    int status = 0;
    QJsonDocument json; // null for an empty body (204) and for RestRequest::rawBody
    QByteArray body;    // RestRequest::rawBody only
    int attempts = 1;
};

using RestResult = Expected<RestResponse, ApiError>;

// JSON over HTTP(S) with one base URL, one form of authentication, a per-request transfer timeout and
// the retry table of RetryPolicy. Never blocks: results arrive through futures finished on this
// object's thread. Logs (category clera.net) show redacted URLs only.
class RestClient : public QObject
{
    Q_OBJECT
public:
    enum class Auth {
        None,
        Basic,       // Broker API: Authorization: Basic base64(key:secret)
        ApcaHeaders, // Trading and market-data APIs: APCA-API-KEY-ID / APCA-API-SECRET-KEY
    };

    struct Options
    {
        QUrl baseUrl;
        Auth auth = Auth::None;
        QString keyId;
        QString secret;
        std::chrono::milliseconds timeout{10'000};
        RetryPolicy retry;
        QByteArray userAgent = QByteArrayLiteral("Clera");
    };

    explicit RestClient(Options options, QObject *parent = nullptr);
    ~RestClient() override;

    [[nodiscard]] const Options &options() const { return m_options; }
    [[nodiscard]] QFuture<RestResult> send(const RestRequest &request);

private:
    struct Call;
    void attempt(const std::shared_ptr<Call> &call);
    void finished(const std::shared_ptr<Call> &call, QNetworkReply *reply);
    [[nodiscard]] QUrl urlFor(const RestRequest &request) const;

    Options m_options;
    QByteArray m_authorization;
    QNetworkAccessManager *m_network = nullptr;
};

} // namespace clera
