#pragma once

#include "core/domain/expected.h"

#include <QMetaType>
#include <QString>

#include <variant>

namespace clera {

// A broker failure the UI can explain. Alpaca's own code and message are kept when there is one.
struct BrokerError
{
    enum class Kind {
        InvalidRequest,          // 400/422 validation
        Unauthorized,            // bad keys, or (Broker API) a foreign account id
        Forbidden,               // 403 not covered below
        NotFound,
        Conflict,                // 409
        EmailAlreadyRegistered,  // 409 on an account application: the email has an account already
        AchRelationshipExists,   // 409 on a new ACH relationship: the account has an active one
        DuplicateClientOrderId,
        InsufficientBuyingPower,
        InsufficientQty,
        MarketClosed,
        NotTradable,             // unknown, inactive or non-fractionable asset
        TransferLimit,           // e.g. one ACH transfer per day
        RateLimited,             // 429
        Unavailable,             // 5xx, timeouts, service down
        Network,
        Decode,                  // upstream sent JSON we cannot trust
        Internal,
    };
    Kind kind = Kind::Internal;
    QString message;
    int httpStatus = 0;
    qint64 code = 0; // Alpaca's 8-digit code, 0 when none

    [[nodiscard]] QString kindName() const;
};

using Done = std::monostate;

template<typename T>
using BrokerResult = Expected<T, BrokerError>;

} // namespace clera

Q_DECLARE_METATYPE(clera::BrokerError)
