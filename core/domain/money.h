#pragma once

#include "decimal.h"

#include <QString>

namespace clera {

// Display formatting for US dollars, rounded half-up to cents: "$12,345.67", "-$5.00".
[[nodiscard]] QString formatUsd(Decimal amount);
// With an explicit sign: "+$12.34", "-$3.10", "$0.00" for zero.
[[nodiscard]] QString formatSignedUsd(Decimal amount);
// A fraction as a percentage with two digits: 0.001 → "0.10%", -0.0234 → "-2.34%".
[[nodiscard]] QString formatPercent(Decimal fraction, bool withPlusSign = false);

} // namespace clera
