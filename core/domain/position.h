#pragma once

#include "decimal.h"
#include "jsonreader.h"

#include <QString>

#include <optional>

namespace clera {

enum class PositionSide { Long, Short };

// An open position in one asset (Alpaca Position object; every decimal is a string on the wire).
struct Position
{
    QString assetId;
    QString symbol;
    QString exchange;
    QString assetClass = QStringLiteral("us_equity");
    std::optional<bool> assetMarginable;
    Decimal qty;                           // signed as Alpaca sends it: negative for shorts
    std::optional<Decimal> qtyAvailable;   // not held by open orders
    Decimal avgEntryPrice;
    PositionSide side = PositionSide::Long;
    std::optional<Decimal> marketValue;
    Decimal costBasis;
    std::optional<Decimal> unrealizedPl;
    std::optional<Decimal> unrealizedPlpc; // fraction: 0.2 = 20 %
    std::optional<Decimal> unrealizedIntradayPl;
    std::optional<Decimal> unrealizedIntradayPlpc;
    std::optional<Decimal> currentPrice;
    std::optional<Decimal> lastdayPrice;   // previous close
    std::optional<Decimal> changeToday;    // fraction

    [[nodiscard]] static Expected<Position, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Position &, const Position &) = default;
};

[[nodiscard]] QString toWire(PositionSide side);
// "long" | "short"; nullopt for anything else.
[[nodiscard]] std::optional<PositionSide> positionSideFromWire(QStringView s);

} // namespace clera
