#pragma once

#include "core/domain/decimal.h"
#include "core/domain/jsonreader.h"
#include "core/domain/timestamp.h"

namespace clera {

// One trade print of Alpaca's market-data API: `t` time, `x` exchange, `p` price, `s` size,
// `c` conditions, `i` trade id, `z` tape.
struct StockTrade
{
    Timestamp time;
    QString exchange;
    Decimal price;
    Decimal size;
    QStringList conditions;
    qint64 id = 0;
    QString tape;

    [[nodiscard]] static Expected<StockTrade, DecodeError> fromJson(const QJsonObject &json,
                                                                    const QString &path = {});
};

} // namespace clera
