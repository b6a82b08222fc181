#pragma once

#include "core/domain/decimal.h"
#include "core/domain/jsonreader.h"
#include "core/domain/timestamp.h"

namespace clera {

// One NBBO/IEX quote of Alpaca's market-data API: `t` time, `ax ap as` ask exchange, price and size,
// `bx bp bs` the bid's, `c` conditions, `z` tape. A price of 0 means that side has no quote.
struct StockQuote
{
    Timestamp time;
    QString askExchange;
    Decimal askPrice;
    Decimal askSize;
    QString bidExchange;
    Decimal bidPrice;
    Decimal bidSize;
    QStringList conditions;
    QString tape;

    [[nodiscard]] static Expected<StockQuote, DecodeError> fromJson(const QJsonObject &json,
                                                                    const QString &path = {});
};

} // namespace clera
