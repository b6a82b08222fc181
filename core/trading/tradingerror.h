#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QString>

namespace clera {

// Why an order operation failed, with a stable machine code for REST clients (e.g.
// "insufficient_buying_power") and a message that is safe to show.
struct TradingError
{
    enum class Kind {
        Invalid,     // the request breaks a pre-trade rule (400)
        Rejected,    // the broker refused it for a business reason (422)
        Forbidden,   // e.g. insufficient buying power (403)
        NotFound,    // 404
        Conflict,    // duplicate client order id, idempotency key reused (409)
        Unavailable, // reconciling, or the broker cannot be reached (503/502)
        Internal,
    };
    Kind kind = Kind::Internal;
    QString code;
    QString message;

    [[nodiscard]] static TradingError fromBroker(const BrokerError &error);
    [[nodiscard]] static TradingError fromStore(const StoreError &error);
    // A refusal recorded earlier by its code (a replayed idempotent request answers as the first did).
    [[nodiscard]] static TradingError fromRecordedRefusal(const QString &code, const QString &message);
};

template <typename T> using TradingResult = Expected<T, TradingError>;

} // namespace clera
