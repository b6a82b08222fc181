#pragma once

#include "core/domain/decimal.h"
#include "core/domain/jsonreader.h"
#include "core/domain/order.h"
#include "core/domain/timestamp.h"

#include <QMetaType>

#include <optional>

namespace clera {

// One trade event about an order, as the Trading API's trade_updates WebSocket (reference §6.1) and the
// Broker API's trade SSE stream (§3.13) both send it: the event name, the full order, and for fills
// the execution's price and qty and the position after it. A part that does not decode (the order,
// a decimal) is left empty and described in `problem`, so a fill still moves the positions.
struct TradeUpdate
{
    QString event; // new, fill, partial_fill, canceled, expired, replaced, rejected, …
    std::optional<Order> order;
    QString accountId; // Broker API events only
    QString executionId;
    std::optional<Timestamp> timestamp;
    std::optional<Decimal> price;       // fill, partial_fill
    std::optional<Decimal> qty;         // fill, partial_fill
    std::optional<Decimal> positionQty; // fill, partial_fill; negative for shorts
    QString problem;

    // Events that change shares or cash: fill, partial_fill, trade_bust, trade_correct.
    [[nodiscard]] static bool movesPositions(QStringView event);
    [[nodiscard]] bool movesPositions() const { return movesPositions(event); }

    // Fails only when `event` is missing: everything else is best effort (see `problem`).
    [[nodiscard]] static Expected<TradeUpdate, DecodeError> fromJson(const QJsonObject &data,
                                                                     const QString &path = {});
};

} // namespace clera

Q_DECLARE_METATYPE(clera::TradeUpdate)
