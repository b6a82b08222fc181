#include "tradingerror.h"

using namespace Qt::StringLiterals;

namespace clera {

TradingError TradingError::fromBroker(const BrokerError &error)
{
    using B = BrokerError::Kind;
    const QString message = error.message.isEmpty() ? error.kindName() : error.message;
    switch (error.kind) {
    case B::InvalidRequest:
        return {Kind::Rejected, u"invalid_order"_s, message};
    case B::InsufficientBuyingPower:
        return {Kind::Forbidden, u"insufficient_buying_power"_s, message};
    case B::InsufficientQty:
        return {Kind::Forbidden, u"insufficient_qty"_s, message};
    case B::MarketClosed:
        return {Kind::Rejected, u"market_closed"_s, message};
    case B::NotTradable:
        return {Kind::Rejected, u"not_tradable"_s, message};
    case B::NotFound:
        return {Kind::NotFound, u"not_found"_s, message};
    case B::DuplicateClientOrderId:
        return {Kind::Conflict, u"duplicate_client_order_id"_s, message};
    case B::Conflict:
        return {Kind::Conflict, u"conflict"_s, message};
    case B::Forbidden:
    case B::Unauthorized:
        return {Kind::Forbidden, u"broker_forbidden"_s, message};
    case B::RateLimited:
        return {Kind::Unavailable, u"broker_rate_limited"_s, message};
    case B::EmailAlreadyRegistered:
    case B::AchRelationshipExists:
    case B::TransferLimit:
        return {Kind::Rejected, u"rejected"_s, message};
    case B::Unavailable:
    case B::Network:
    case B::Decode:
    case B::Internal:
        break;
    }
    return {Kind::Unavailable, u"broker_unavailable"_s, message};
}

TradingError TradingError::fromRecordedRefusal(const QString &code, const QString &message)
{
    Kind kind = Kind::Rejected;
    if (code == u"insufficient_buying_power" || code == u"insufficient_qty" || code == u"broker_forbidden")
        kind = Kind::Forbidden;
    else if (code == u"duplicate_client_order_id" || code == u"conflict")
        kind = Kind::Conflict;
    else if (code == u"not_found")
        kind = Kind::NotFound;
    return {kind, code, message};
}

TradingError TradingError::fromStore(const StoreError &error)
{
    return {Kind::Internal, u"internal_error"_s, u"the order store failed: "_s + error.kindName()};
}

} // namespace clera
