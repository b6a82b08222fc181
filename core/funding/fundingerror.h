#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QString>

namespace clera {

// Why a funding operation failed, with a stable machine code for REST clients (e.g.
// "daily_transfer_limit") and a plain message that is safe to show.
struct FundingError
{
    enum class Kind {
        Invalid,     // the request breaks a rule checked before the broker (400)
        Rejected,    // the broker or the per-day rule refused it (422)
        Forbidden,   // e.g. insufficient withdrawable cash (403)
        NotFound,    // 404
        Conflict,    // an active bank link exists, idempotency key reused (409)
        Unavailable, // reconciling (503), the broker cannot be reached or its answer was lost (502)
        Internal,
    };
    Kind kind = Kind::Internal;
    QString code;
    QString message;

    [[nodiscard]] static FundingError fromBroker(const BrokerError &error);
    [[nodiscard]] static FundingError fromStore(const StoreError &error);
    // A refusal recorded earlier by its code (a replayed request answers as the first did).
    [[nodiscard]] static FundingError fromRecordedRefusal(const QString &code, const QString &message);
};

template <typename T> using FundingResult = Expected<T, FundingError>;

} // namespace clera
