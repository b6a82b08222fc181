#include "fundingerror.h"

using namespace Qt::StringLiterals;

namespace clera {

FundingError FundingError::fromBroker(const BrokerError &error)
{
    using B = BrokerError::Kind;
    const QString message = error.message.isEmpty() ? error.kindName() : error.message;
    switch (error.kind) {
    case B::InvalidRequest:
    case B::NotTradable:
    case B::MarketClosed:
        return {Kind::Rejected, u"broker_rejected"_s, message};
    case B::TransferLimit:
        return {Kind::Rejected, u"daily_transfer_limit"_s,
                u"the broker allows one transfer per account per day: "_s + message};
    case B::InsufficientBuyingPower:
    case B::InsufficientQty:
        return {Kind::Forbidden, u"insufficient_funds"_s, message};
    case B::NotFound:
        return {Kind::NotFound, u"not_found"_s, message};
    case B::AchRelationshipExists:
        return {Kind::Conflict, u"bank_link_exists"_s,
                u"this account already has an active bank link; remove it before linking another"_s};
    case B::Conflict:
    case B::DuplicateClientOrderId:
    case B::EmailAlreadyRegistered:
        return {Kind::Conflict, u"conflict"_s, message};
    case B::Forbidden:
    case B::Unauthorized:
        return {Kind::Forbidden, u"broker_forbidden"_s, message};
    case B::RateLimited:
        return {Kind::Unavailable, u"broker_rate_limited"_s, message};
    case B::Unavailable:
    case B::Network:
    case B::Decode:
    case B::Internal:
        break;
    }
    return {Kind::Unavailable, u"broker_unavailable"_s, message};
}

FundingError FundingError::fromStore(const StoreError &error)
{
    return {Kind::Internal, u"internal_error"_s, u"the funding store failed: "_s + error.kindName()};
}

FundingError FundingError::fromRecordedRefusal(const QString &code, const QString &message)
{
    Kind kind = Kind::Rejected;
    if (code == u"insufficient_funds" || code == u"broker_forbidden")
        kind = Kind::Forbidden;
    else if (code == u"conflict" || code == u"bank_link_exists")
        kind = Kind::Conflict;
    else if (code == u"not_found")
        kind = Kind::NotFound;
    else if (code == u"not_sent")
        kind = Kind::Unavailable;
    return {kind, code, message};
}

} // namespace clera
