#pragma once

#include "core/broker/brokererror.h"
#include "core/net/apierror.h"

namespace clera {

// Alpaca's answers as BrokerError kinds, keeping Alpaca's HTTP status, code and message:
// 401 → Unauthorized; 403 "insufficient buying power" / "insufficient qty" → InsufficientBuyingPower /
// InsufficientQty, other 403 → Forbidden; 404 → NotFound; 409 → Conflict; 422 "client_order_id must
// be unique" → DuplicateClientOrderId, asset problems → NotTradable, other 400/422 → InvalidRequest;
// 429 → RateLimited; 5xx and timeouts → Unavailable; connection failures → Network; bad JSON → Decode.
[[nodiscard]] BrokerError brokerErrorFrom(const ApiError &error);

} // namespace clera
