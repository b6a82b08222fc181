#pragma once

#include "httprouter.h"
#include "jsonresponse.h"

#include <QHttpServerResponse>

#include <functional>
#include <optional>

namespace clera {

class BrokerageAccountRepository;

// Who may use a brokerage account through the routes under /api/v1/accounts/{account_id}: its owner for
// everything; an operator reads every account but acts (trades, moves money) only on their own; anyone
// else is told the account does not exist (404), so account ids cannot be probed.
class AccountAccess
{
public:
    enum class Use { Read, Act };
    // Called with the refusal's code ("forbidden" or "account_not_found") when an Act is refused, so the
    // service can audit-log the attempt.
    using RefusalLog = std::function<void(const QString &code)>;

    explicit AccountAccess(BrokerageAccountRepository &accounts) : m_accounts(accounts) {}

    // No answer when the context's user may use the account this way; else the 403/404/500 to send.
    // `operatorMessage` says what operators may not do (the 403's message).
    [[nodiscard]] std::optional<QHttpServerResponse> check(const RequestContext &context, Use use,
                                                           const QString &operatorMessage = {},
                                                           const RefusalLog &logRefusal = {}) const;

    // The account id of a route under path().
    [[nodiscard]] static QString accountOf(const RequestContext &context);
    // "/api/v1/accounts/{account_id}" followed by `suffix` ("/orders"): where the account's routes live.
    [[nodiscard]] static QString path(const QString &suffix = {});
    // A bearer route at path(suffix) that may answer 404 (no such account), 502 and 503.
    [[nodiscard]] static RouteSpec routeSpec(QHttpServerRequest::Method method, const QString &suffix,
                                             const QString &operationId, const QString &summary,
                                             const QString &tag);

private:
    BrokerageAccountRepository &m_accounts;
};

// The REST answer for a service error with the shared kinds (TradingError, FundingError): Invalid 400,
// Rejected 422, Forbidden 403, NotFound 404, Conflict 409, Unavailable 502 (503 while reconciling, 429 when
// the broker rate-limits), Internal 500 without details.
template <typename Error> [[nodiscard]] QHttpServerResponse serviceFailure(const Error &error)
{
    using Status = QHttpServerResponse::StatusCode;
    using K = typename Error::Kind;
    switch (error.kind) {
    case K::Invalid:
        return errorResponse(Status::BadRequest, error.code, error.message);
    case K::Rejected:
        return errorResponse(Status::UnprocessableEntity, error.code, error.message);
    case K::Forbidden:
        return errorResponse(Status::Forbidden, error.code, error.message);
    case K::NotFound:
        return errorResponse(Status::NotFound, error.code, error.message);
    case K::Conflict:
        return errorResponse(Status::Conflict, error.code, error.message);
    case K::Unavailable:
        if (error.code == QLatin1StringView("broker_rate_limited"))
            return errorResponse(Status::TooManyRequests, error.code, error.message);
        return errorResponse(error.code == QLatin1StringView("reconciling") ? Status::ServiceUnavailable
                                                                            : Status::BadGateway,
                             error.code, error.message);
    case K::Internal:
        break;
    }
    return errorResponse(Status::InternalServerError, QStringLiteral("internal_error"),
                         QStringLiteral("internal error"));
}

} // namespace clera
