#include "alpacaerror.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

BrokerError::Kind kindOf(const ApiError &e)
{
    using Kind = BrokerError::Kind;
    switch (e.kind) {
    case ApiError::Kind::Timeout:
        return Kind::Unavailable;
    case ApiError::Kind::Network:
        return Kind::Network;
    case ApiError::Kind::Decode:
        return Kind::Decode;
    case ApiError::Kind::Http:
        break;
    }
    const QString m = e.message.toLower();
    const int s = e.httpStatus;
    if (s == 401)
        return Kind::Unauthorized;
    if (s == 403) {
        if (m.contains(u"insufficient buying power"))
            return Kind::InsufficientBuyingPower;
        if (m.contains(u"insufficient qty"))
            return Kind::InsufficientQty;
        if (m.contains(u"market") && m.contains(u"closed"))
            return Kind::MarketClosed;
        return Kind::Forbidden;
    }
    if (s == 404)
        return Kind::NotFound;
    if (s == 409)
        return Kind::Conflict;
    if (s == 429)
        return Kind::RateLimited;
    if (s >= 500)
        return Kind::Unavailable;
    if (s == 400 || s == 422) {
        if (m.contains(u"client_order_id must be unique"))
            return Kind::DuplicateClientOrderId;
        if (m.contains(u"market") && m.contains(u"closed"))
            return Kind::MarketClosed;
        if (m.contains(u"not fractionable") || m.contains(u"not tradable") || m.contains(u"not active") ||
            (m.contains(u"asset") && m.contains(u"not found")))
            return Kind::NotTradable;
        if (m.contains(u"transfer") && m.contains(u"limit"))
            return Kind::TransferLimit;
        return Kind::InvalidRequest;
    }
    return s >= 400 && s < 500 ? Kind::InvalidRequest : Kind::Internal;
}

} // namespace

BrokerError brokerErrorFrom(const ApiError &error)
{
    BrokerError out;
    out.kind = kindOf(error);
    out.httpStatus = error.httpStatus;
    out.code = error.code;
    out.message = error.message.isEmpty() ? error.toString() : error.message;
    return out;
}

} // namespace clera
