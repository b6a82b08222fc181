#include "order.h"

#include "wireenum_p.h"

#include <QJsonArray>

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr std::array<WireName<OrderSide>, 2> kSides{{
    {OrderSide::Buy, u"buy"},
    {OrderSide::Sell, u"sell"},
}};

constexpr std::array<WireName<OrderType>, 5> kTypes{{
    {OrderType::Market, u"market"},
    {OrderType::Limit, u"limit"},
    {OrderType::Stop, u"stop"},
    {OrderType::StopLimit, u"stop_limit"},
    {OrderType::TrailingStop, u"trailing_stop"},
}};

constexpr std::array<WireName<TimeInForce>, 6> kTimesInForce{{
    {TimeInForce::Day, u"day"},
    {TimeInForce::Gtc, u"gtc"},
    {TimeInForce::Opg, u"opg"},
    {TimeInForce::Cls, u"cls"},
    {TimeInForce::Ioc, u"ioc"},
    {TimeInForce::Fok, u"fok"},
}};

constexpr std::array<WireName<OrderClass>, 5> kClasses{{
    {OrderClass::Simple, u"simple"},
    {OrderClass::Bracket, u"bracket"},
    {OrderClass::Oco, u"oco"},
    {OrderClass::Oto, u"oto"},
    {OrderClass::Mleg, u"mleg"},
}};

constexpr std::array<WireName<OrderStatus>, 17> kStatuses{{
    {OrderStatus::New, u"new"},
    {OrderStatus::PartiallyFilled, u"partially_filled"},
    {OrderStatus::Filled, u"filled"},
    {OrderStatus::DoneForDay, u"done_for_day"},
    {OrderStatus::Canceled, u"canceled"},
    {OrderStatus::Expired, u"expired"},
    {OrderStatus::Replaced, u"replaced"},
    {OrderStatus::PendingCancel, u"pending_cancel"},
    {OrderStatus::PendingReplace, u"pending_replace"},
    {OrderStatus::Accepted, u"accepted"},
    {OrderStatus::PendingNew, u"pending_new"},
    {OrderStatus::AcceptedForBidding, u"accepted_for_bidding"},
    {OrderStatus::Stopped, u"stopped"},
    {OrderStatus::Rejected, u"rejected"},
    {OrderStatus::Suspended, u"suspended"},
    {OrderStatus::Calculated, u"calculated"},
    {OrderStatus::Held, u"held"},
}};

constexpr QStringView kUnknown = u"unknown";

void insertIfPresent(QJsonObject &json, const QString &key, const std::optional<Decimal> &value)
{
    if (value)
        json.insert(key, value->toString());
}

} // namespace

QString toWire(OrderSide v)
{
    return detail::wireName(kSides, v, kUnknown);
}
QString toWire(OrderType v)
{
    return detail::wireName(kTypes, v, kUnknown);
}
QString toWire(TimeInForce v)
{
    return detail::wireName(kTimesInForce, v, kUnknown);
}
QString toWire(OrderClass v)
{
    return detail::wireName(kClasses, v, kUnknown);
}
QString toWire(OrderStatus v)
{
    return detail::wireName(kStatuses, v, kUnknown);
}

OrderSide orderSideFromWire(QStringView s)
{
    return detail::enumFromWire(kSides, s, OrderSide::Unknown);
}
OrderType orderTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kTypes, s, OrderType::Unknown);
}

TimeInForce timeInForceFromWire(QStringView s)
{
    return detail::enumFromWire(kTimesInForce, s, TimeInForce::Unknown);
}

OrderClass orderClassFromWire(QStringView s)
{
    if (s.isEmpty())
        return OrderClass::Simple;
    return detail::enumFromWire(kClasses, s, OrderClass::Unknown);
}

OrderStatus orderStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kStatuses, s, OrderStatus::Unknown);
}

bool isTerminal(OrderStatus s)
{
    switch (s) {
    case OrderStatus::Filled:
    case OrderStatus::Canceled:
    case OrderStatus::Expired:
    case OrderStatus::Rejected:
    case OrderStatus::Replaced:
        return true;
    default:
        return false;
    }
}

Expected<OrderRequest, DecodeError> OrderRequest::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    OrderRequest o;
    o.symbol = r.string(u"symbol");
    o.qty = r.optDecimal(u"qty");
    o.notional = r.optDecimal(u"notional");
    o.side = orderSideFromWire(r.string(u"side"));
    o.type = orderTypeFromWire(r.string(u"type"));
    o.timeInForce = timeInForceFromWire(r.string(u"time_in_force"));
    o.limitPrice = r.optDecimal(u"limit_price");
    o.stopPrice = r.optDecimal(u"stop_price");
    o.trailPrice = r.optDecimal(u"trail_price");
    o.trailPercent = r.optDecimal(u"trail_percent");
    o.extendedHours = r.optBoolean(u"extended_hours").value_or(false);
    o.clientOrderId = r.optString(u"client_order_id");
    o.orderClass = orderClassFromWire(r.optString(u"order_class"));
    if (const auto takeProfit = r.optObject(u"take_profit")) {
        JsonReader tp(*takeProfit, r.pathOf(u"take_profit"));
        o.takeProfitLimitPrice = tp.decimal(u"limit_price");
        if (tp.error())
            r.fail(*tp.error());
    }
    if (const auto stopLoss = r.optObject(u"stop_loss")) {
        JsonReader sl(*stopLoss, r.pathOf(u"stop_loss"));
        o.stopLossStopPrice = sl.decimal(u"stop_price");
        o.stopLossLimitPrice = sl.optDecimal(u"limit_price");
        if (sl.error())
            r.fail(*sl.error());
    }
    return r.finish(std::move(o));
}

QJsonObject OrderRequest::toJson() const
{
    QJsonObject json{
        {u"symbol"_s, symbol},
        {u"side"_s, toWire(side)},
        {u"type"_s, toWire(type)},
        {u"time_in_force"_s, toWire(timeInForce)},
    };
    insertIfPresent(json, u"qty"_s, qty);
    insertIfPresent(json, u"notional"_s, notional);
    insertIfPresent(json, u"limit_price"_s, limitPrice);
    insertIfPresent(json, u"stop_price"_s, stopPrice);
    insertIfPresent(json, u"trail_price"_s, trailPrice);
    insertIfPresent(json, u"trail_percent"_s, trailPercent);
    if (extendedHours)
        json.insert(u"extended_hours"_s, true);
    if (!clientOrderId.isEmpty())
        json.insert(u"client_order_id"_s, clientOrderId);
    if (orderClass != OrderClass::Simple)
        json.insert(u"order_class"_s, toWire(orderClass));
    if (takeProfitLimitPrice)
        json.insert(u"take_profit"_s, QJsonObject{{u"limit_price"_s, takeProfitLimitPrice->toString()}});
    if (stopLossStopPrice || stopLossLimitPrice) {
        QJsonObject stopLoss;
        insertIfPresent(stopLoss, u"stop_price"_s, stopLossStopPrice);
        insertIfPresent(stopLoss, u"limit_price"_s, stopLossLimitPrice);
        json.insert(u"stop_loss"_s, stopLoss);
    }
    return json;
}

Expected<Order, DecodeError> Order::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Order o;
    o.id = r.string(u"id");
    o.clientOrderId = r.string(u"client_order_id");
    o.createdAt = r.timestamp(u"created_at");
    o.updatedAt = r.optTimestamp(u"updated_at");
    o.submittedAt = r.optTimestamp(u"submitted_at");
    o.filledAt = r.optTimestamp(u"filled_at");
    o.expiredAt = r.optTimestamp(u"expired_at");
    o.canceledAt = r.optTimestamp(u"canceled_at");
    o.failedAt = r.optTimestamp(u"failed_at");
    o.replacedAt = r.optTimestamp(u"replaced_at");
    o.replacedBy = r.optString(u"replaced_by");
    o.replaces = r.optString(u"replaces");
    o.assetId = r.optString(u"asset_id");
    o.orderClass = orderClassFromWire(r.optString(u"order_class"));
    // A multi-leg parent carries neither symbol nor side; its legs do.
    const bool multiLeg = o.orderClass == OrderClass::Mleg;
    o.symbol = multiLeg ? r.optString(u"symbol") : r.string(u"symbol");
    if (r.has(u"asset_class"))
        o.assetClass = r.string(u"asset_class");
    o.notional = r.optDecimal(u"notional");
    o.qty = r.optDecimal(u"qty");
    o.filledQty = r.decimal(u"filled_qty");
    o.filledAvgPrice = r.optDecimal(u"filled_avg_price");
    // `order_type` is the deprecated duplicate of `type`; older payloads may carry only it.
    const bool onlyOrderType = !r.has(u"type") && r.has(u"order_type");
    o.type = orderTypeFromWire(r.string(onlyOrderType ? u"order_type" : u"type"));
    const QString side = multiLeg ? r.optString(u"side") : r.string(u"side");
    o.side = side.isEmpty() ? OrderSide::Unknown : orderSideFromWire(side);
    o.positionIntent = r.optString(u"position_intent");
    o.timeInForce = timeInForceFromWire(r.string(u"time_in_force"));
    o.limitPrice = r.optDecimal(u"limit_price");
    o.stopPrice = r.optDecimal(u"stop_price");
    o.status = orderStatusFromWire(r.string(u"status"));
    o.extendedHours = r.optBoolean(u"extended_hours").value_or(false);
    const QJsonArray legs = r.optArray(u"legs");
    o.legs.reserve(std::size_t(legs.size()));
    for (qsizetype i = 0; i < legs.size() && r.ok(); ++i) {
        auto leg = decodeObject<Order>(legs.at(i), r.pathOf(u"legs") + u'[' + QString::number(i) + u']');
        if (leg)
            o.legs.push_back(std::move(leg).value());
        else
            r.fail(leg.error());
    }
    o.trailPercent = r.optDecimal(u"trail_percent");
    o.trailPrice = r.optDecimal(u"trail_price");
    o.hwm = r.optDecimal(u"hwm");
    o.commission = r.optDecimal(u"commission");
    return r.finish(std::move(o));
}

QJsonObject Order::toJson() const
{
    QJsonValue legsJson(QJsonValue::Null);
    if (!legs.empty()) {
        QJsonArray array;
        for (const Order &leg : legs)
            array.append(leg.toJson());
        legsJson = array;
    }
    return QJsonObject{
        {u"id"_s, id},
        {u"client_order_id"_s, clientOrderId},
        {u"created_at"_s, createdAt.toString()},
        {u"updated_at"_s, jsonTimestamp(updatedAt)},
        {u"submitted_at"_s, jsonTimestamp(submittedAt)},
        {u"filled_at"_s, jsonTimestamp(filledAt)},
        {u"expired_at"_s, jsonTimestamp(expiredAt)},
        {u"canceled_at"_s, jsonTimestamp(canceledAt)},
        {u"failed_at"_s, jsonTimestamp(failedAt)},
        {u"replaced_at"_s, jsonTimestamp(replacedAt)},
        {u"replaced_by"_s, jsonString(replacedBy)},
        {u"replaces"_s, jsonString(replaces)},
        {u"asset_id"_s, jsonString(assetId)},
        {u"symbol"_s, symbol},
        {u"asset_class"_s, assetClass},
        {u"notional"_s, jsonDecimal(notional)},
        {u"qty"_s, jsonDecimal(qty)},
        {u"filled_qty"_s, filledQty.toString()},
        {u"filled_avg_price"_s, jsonDecimal(filledAvgPrice)},
        {u"order_class"_s, toWire(orderClass)},
        {u"order_type"_s, toWire(type)},
        {u"type"_s, toWire(type)},
        {u"side"_s, side == OrderSide::Unknown && orderClass == OrderClass::Mleg
                        ? QJsonValue(QJsonValue::Null)
                        : QJsonValue(toWire(side))},
        {u"position_intent"_s, jsonString(positionIntent)},
        {u"time_in_force"_s, toWire(timeInForce)},
        {u"limit_price"_s, jsonDecimal(limitPrice)},
        {u"stop_price"_s, jsonDecimal(stopPrice)},
        {u"status"_s, toWire(status)},
        {u"extended_hours"_s, extendedHours},
        {u"legs"_s, legsJson},
        {u"trail_percent"_s, jsonDecimal(trailPercent)},
        {u"trail_price"_s, jsonDecimal(trailPrice)},
        {u"hwm"_s, jsonDecimal(hwm)},
        {u"commission"_s, jsonDecimal(commission)},
    };
}

} // namespace clera
