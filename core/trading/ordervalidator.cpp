#include "ordervalidator.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Unexpected<TradingError> invalid(const QString &message)
{
    return unexpected(TradingError{TradingError::Kind::Invalid, u"invalid_order"_s, message});
}

bool positive(const std::optional<Decimal> &value)
{
    return !value || value->sign() > 0;
}

} // namespace

Expected<Done, TradingError> OrderValidator::check(const OrderRequest &r)
{
    if (r.symbol.trimmed().isEmpty())
        return invalid(u"symbol is required"_s);
    if (r.side == OrderSide::Unknown)
        return invalid(u"side must be buy or sell"_s);
    if (r.type == OrderType::Unknown)
        return invalid(u"type must be market, limit, stop, stop_limit or trailing_stop"_s);
    if (r.timeInForce == TimeInForce::Unknown)
        return invalid(u"time_in_force must be day, gtc, opg, cls, ioc or fok"_s);
    if (r.qty.has_value() == r.notional.has_value())
        return invalid(u"give exactly one of qty and notional"_s);
    for (const auto &[name, value] :
         {std::pair{u"qty"_s, r.qty}, std::pair{u"notional"_s, r.notional},
          std::pair{u"limit_price"_s, r.limitPrice}, std::pair{u"stop_price"_s, r.stopPrice},
          std::pair{u"trail_price"_s, r.trailPrice}, std::pair{u"trail_percent"_s, r.trailPercent},
          std::pair{u"take_profit_limit_price"_s, r.takeProfitLimitPrice},
          std::pair{u"stop_loss_stop_price"_s, r.stopLossStopPrice},
          std::pair{u"stop_loss_limit_price"_s, r.stopLossLimitPrice}}) {
        if (!positive(value))
            return invalid(name + u" must be greater than zero"_s);
    }
    const bool needsLimit = r.type == OrderType::Limit || r.type == OrderType::StopLimit;
    const bool needsStop = r.type == OrderType::Stop || r.type == OrderType::StopLimit;
    if (needsLimit && !r.limitPrice)
        return invalid(u"limit_price is required for %1 orders"_s.arg(toWire(r.type)));
    if (!needsLimit && r.limitPrice)
        return invalid(u"limit_price is only for limit and stop_limit orders"_s);
    if (needsStop && !r.stopPrice)
        return invalid(u"stop_price is required for %1 orders"_s.arg(toWire(r.type)));
    if (!needsStop && r.stopPrice)
        return invalid(u"stop_price is only for stop and stop_limit orders"_s);
    if (r.type == OrderType::TrailingStop) {
        if (r.trailPrice.has_value() == r.trailPercent.has_value())
            return invalid(u"trailing_stop orders need exactly one of trail_price and trail_percent"_s);
    } else if (r.trailPrice || r.trailPercent) {
        return invalid(u"trail_price and trail_percent are only for trailing_stop orders"_s);
    }
    const bool fractional = r.qty && r.qty->rounded(0) != *r.qty;
    if ((fractional || r.notional) && r.timeInForce != TimeInForce::Day)
        return invalid(u"fractional and notional orders must be time_in_force day"_s);
    if (r.extendedHours && (r.type != OrderType::Limit || r.timeInForce != TimeInForce::Day))
        return invalid(u"extended_hours is only for limit orders with time_in_force day"_s);
    switch (r.orderClass) {
    case OrderClass::Simple:
        if (r.takeProfitLimitPrice || r.stopLossStopPrice || r.stopLossLimitPrice)
            return invalid(u"take_profit and stop_loss are only for bracket orders"_s);
        break;
    case OrderClass::Bracket:
        if (!r.takeProfitLimitPrice || !r.stopLossStopPrice)
            return invalid(u"bracket orders need take_profit.limit_price and stop_loss.stop_price"_s);
        if (r.notional || fractional)
            return invalid(u"bracket orders need a whole-share qty"_s);
        if (r.timeInForce != TimeInForce::Day && r.timeInForce != TimeInForce::Gtc)
            return invalid(u"bracket orders must be time_in_force day or gtc"_s);
        if (r.side == OrderSide::Buy && *r.takeProfitLimitPrice <= *r.stopLossStopPrice)
            return invalid(u"a buy bracket's take_profit must be above its stop_loss"_s);
        if (r.side == OrderSide::Sell && *r.takeProfitLimitPrice >= *r.stopLossStopPrice)
            return invalid(u"a sell bracket's take_profit must be below its stop_loss"_s);
        break;
    default:
        return invalid(u"order_class must be simple or bracket"_s);
    }
    return Done{};
}

} // namespace clera
