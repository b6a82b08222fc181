#include "position.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

std::optional<Decimal> intradayBasis(Decimal qty, Decimal previousClose, const QList<DayFill> &fills)
{
    Decimal net;
    for (const DayFill &f : fills)
        net += f.buy ? f.qty : -f.qty;
    struct Lot
    {
        Decimal qty;
        Decimal price;
    };
    QList<Lot> lots;
    const Decimal closeQty = qty - net;
    if (closeQty.isNegative())
        return std::nullopt;
    if (closeQty.isPositive())
        lots.append({closeQty, previousClose});
    qsizetype front = 0;
    for (const DayFill &f : fills) {
        if (f.buy) {
            lots.append({f.qty, f.price});
            continue;
        }
        Decimal left = f.qty;
        while (left.isPositive() && front < lots.size()) {
            Lot &lot = lots[front];
            const Decimal take = std::min(lot.qty, left);
            lot.qty -= take;
            left -= take;
            if (lot.qty.isZero())
                ++front;
        }
        if (left.isPositive())
            return std::nullopt;
    }
    Decimal basis;
    for (qsizetype i = front; i < lots.size(); ++i) {
        const auto value = lots[i].qty.checkedMul(lots[i].price);
        if (!value)
            return std::nullopt;
        basis += *value;
    }
    return basis;
}

QString toWire(PositionSide side)
{
    return side == PositionSide::Short ? u"short"_s : u"long"_s;
}

std::optional<PositionSide> positionSideFromWire(QStringView s)
{
    if (s.compare(u"long", Qt::CaseInsensitive) == 0)
        return PositionSide::Long;
    if (s.compare(u"short", Qt::CaseInsensitive) == 0)
        return PositionSide::Short;
    return std::nullopt;
}

Expected<Position, DecodeError> Position::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Position p;
    p.assetId = r.string(u"asset_id");
    p.symbol = r.string(u"symbol");
    p.exchange = r.optString(u"exchange");
    if (r.has(u"asset_class"))
        p.assetClass = r.string(u"asset_class");
    p.assetMarginable = r.optBoolean(u"asset_marginable");
    p.qty = r.decimal(u"qty");
    p.qtyAvailable = r.optDecimal(u"qty_available");
    p.avgEntryPrice = r.decimal(u"avg_entry_price");
    const QString side = r.string(u"side");
    if (r.ok()) {
        // PositionSide has no Unknown; Alpaca signs qty (negative for shorts), so the sign decides.
        p.side = positionSideFromWire(side).value_or(p.qty.isNegative() ? PositionSide::Short
                                                                        : PositionSide::Long);
    }
    p.marketValue = r.optDecimal(u"market_value");
    p.costBasis = r.decimal(u"cost_basis");
    p.unrealizedPl = r.optDecimal(u"unrealized_pl");
    p.unrealizedPlpc = r.optDecimal(u"unrealized_plpc");
    p.unrealizedIntradayPl = r.optDecimal(u"unrealized_intraday_pl");
    p.unrealizedIntradayPlpc = r.optDecimal(u"unrealized_intraday_plpc");
    p.currentPrice = r.optDecimal(u"current_price");
    p.lastdayPrice = r.optDecimal(u"lastday_price");
    p.changeToday = r.optDecimal(u"change_today");
    return r.finish(std::move(p));
}

QJsonObject Position::toJson() const
{
    return QJsonObject{
        {u"asset_id"_s, assetId},
        {u"symbol"_s, symbol},
        {u"exchange"_s, exchange},
        {u"asset_class"_s, assetClass},
        {u"asset_marginable"_s,
         assetMarginable ? QJsonValue(*assetMarginable) : QJsonValue(QJsonValue::Null)},
        {u"qty"_s, qty.toString()},
        {u"qty_available"_s, jsonDecimal(qtyAvailable)},
        {u"avg_entry_price"_s, avgEntryPrice.toString()},
        {u"side"_s, toWire(side)},
        {u"market_value"_s, jsonDecimal(marketValue)},
        {u"cost_basis"_s, costBasis.toString()},
        {u"unrealized_pl"_s, jsonDecimal(unrealizedPl)},
        {u"unrealized_plpc"_s, jsonDecimal(unrealizedPlpc)},
        {u"unrealized_intraday_pl"_s, jsonDecimal(unrealizedIntradayPl)},
        {u"unrealized_intraday_plpc"_s, jsonDecimal(unrealizedIntradayPlpc)},
        {u"current_price"_s, jsonDecimal(currentPrice)},
        {u"lastday_price"_s, jsonDecimal(lastdayPrice)},
        {u"change_today"_s, jsonDecimal(changeToday)},
    };
}

} // namespace clera
