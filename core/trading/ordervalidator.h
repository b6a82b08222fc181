#pragma once

#include "core/domain/order.h"
#include "core/trading/tradingerror.h"

namespace clera {

// Pre-trade checks on the shape of an order, before anything is stored or sent: the rules Alpaca
// enforces itself, checked here so a user sees a clear message and no intent is recorded for an order
// that cannot succeed.
class OrderValidator
{
public:
    [[nodiscard]] static Expected<Done, TradingError> check(const OrderRequest &request);
};

} // namespace clera
