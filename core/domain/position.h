#pragma once

#include "decimal.h"
#include "jsonreader.h"

#include <QList>
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

// One of today's fills of a position's symbol, for intradayBasis().
struct DayFill
{
    bool buy = true;
    Decimal qty;   // > 0
    Decimal price; // the fill price
};

// The day basis of a long position's remaining shares, from which unrealized_intraday_pl is measured
// (unrealized_intraday_pl = qty × current price − day basis): the previous close for shares held then,
// the fill price for shares bought today. Sells consume the shares held at the close first, then
// today's buys in fill order (first in, first out). fills: today's, oldest first. nullopt when they
// do not add up to qty (more sold than was held).
[[nodiscard]] std::optional<Decimal> intradayBasis(Decimal qty, Decimal previousClose, const QList<DayFill> &fills);

[[nodiscard]] QString toWire(PositionSide side);
// "long" | "short"; nullopt for anything else.
[[nodiscard]] std::optional<PositionSide> positionSideFromWire(QStringView s);

} // namespace clera
