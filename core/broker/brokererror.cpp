#include "brokererror.h"

using namespace Qt::StringLiterals;

namespace clera {

QString BrokerError::kindName() const
{
    switch (kind) {
    case Kind::InvalidRequest: return u"invalid_request"_s;
    case Kind::Unauthorized: return u"unauthorized"_s;
    case Kind::Forbidden: return u"forbidden"_s;
    case Kind::NotFound: return u"not_found"_s;
    case Kind::Conflict: return u"conflict"_s;
    case Kind::EmailAlreadyRegistered: return u"email_already_registered"_s;
    case Kind::AchRelationshipExists: return u"ach_relationship_exists"_s;
    case Kind::DuplicateClientOrderId: return u"duplicate_client_order_id"_s;
    case Kind::InsufficientBuyingPower: return u"insufficient_buying_power"_s;
    case Kind::InsufficientQty: return u"insufficient_qty"_s;
    case Kind::MarketClosed: return u"market_closed"_s;
    case Kind::NotTradable: return u"not_tradable"_s;
    case Kind::TransferLimit: return u"transfer_limit"_s;
    case Kind::RateLimited: return u"rate_limited"_s;
    case Kind::Unavailable: return u"unavailable"_s;
    case Kind::Network: return u"network"_s;
    case Kind::Decode: return u"decode"_s;
    case Kind::Internal: return u"internal"_s;
    }
    return u"internal"_s;
}

} // namespace clera
