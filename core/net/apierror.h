#pragma once

#include <QJsonObject>
#include <QString>

#include <chrono>
#include <optional>

namespace clera {

// Why a REST call failed. Alpaca's `code` and `message` are kept when the body carries them; a body
// that is not JSON (a proxy's HTML page) keeps its first bytes as the message.
struct ApiError
{
    enum class Kind {
        Timeout, // no answer within the transfer timeout
        Network, // connection refused, reset, DNS, TLS …
        Http,    // the server answered with a non-2xx status
        Decode,  // a 2xx answer whose body is not the JSON expected
    };
    Kind kind = Kind::Network;
    int httpStatus = 0;
    qint64 code = 0; // Alpaca's 8-digit code, 0 when none
    QString message;
    QJsonObject body; // the whole error object (Alpaca adds e.g. buying_power, cost_basis)
    // From Retry-After or X-RateLimit-Reset on a 429.
    std::optional<std::chrono::milliseconds> retryAfter;

    // The request may have been processed: timeouts, network failures and 5xx.
    [[nodiscard]] bool isAmbiguous() const;
    [[nodiscard]] QString kindName() const;
    [[nodiscard]] QString toString() const;

    [[nodiscard]] static ApiError fromHttp(int status, const QByteArray &body);
};

} // namespace clera
