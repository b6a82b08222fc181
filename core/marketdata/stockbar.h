#pragma once

#include "core/domain/decimal.h"
#include "core/domain/jsonreader.h"
#include "core/domain/timestamp.h"

namespace clera {

// One OHLCV bar of Alpaca's market-data API: `t` window start, `o h l c` prices, `v` volume,
// `n` trade count, `vw` volume-weighted average price. Prices arrive as JSON numbers and are kept as
// the shortest decimal that round-trips them, so "404.3" stays 404.3.
struct StockBar
{
    Timestamp time;
    Decimal open;
    Decimal high;
    Decimal low;
    Decimal close;
    qint64 volume = 0;
    qint64 tradeCount = 0;
    std::optional<Decimal> vwap;

    [[nodiscard]] static Expected<StockBar, DecodeError> fromJson(const QJsonObject &json,
                                                                  const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const; // Alpaca's shape, numbers as JSON numbers

    friend bool operator==(const StockBar &, const StockBar &) = default;
};

} // namespace clera
