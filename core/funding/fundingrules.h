#pragma once

#include "core/domain/decimal.h"
#include "core/funding/fundingerror.h"

#include <QString>

namespace clera {

// The checks made before a bank link or a transfer reaches the broker.
namespace FundingRules {

inline constexpr int kMinTransferDollars = 1;
inline constexpr int kMaxTransferDollars = 50'000;

// Nine digits whose ABA checksum holds: 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
[[nodiscard]] bool isValidRoutingNumber(const QString &routingNumber);
// 4 to 17 digits (what US banks and Alpaca accept).
[[nodiscard]] bool isValidAccountNumber(const QString &accountNumber);
// A plain decimal string ("250", "250.5", "250.50"; no sign, exponent or third fractional digit) from
// $1 to $50,000 inclusive, parsed exactly.
[[nodiscard]] FundingResult<Decimal> transferAmount(const QString &text);

} // namespace FundingRules

} // namespace clera
