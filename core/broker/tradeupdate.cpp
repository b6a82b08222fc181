#include "tradeupdate.h"

using namespace Qt::StringLiterals;

namespace clera {

bool TradeUpdate::movesPositions(QStringView event)
{
    return event == u"fill" || event == u"partial_fill" || event == u"trade_bust" ||
           event == u"trade_correct";
}

Expected<TradeUpdate, DecodeError> TradeUpdate::fromJson(const QJsonObject &data, const QString &path)
{
    TradeUpdate u;
    JsonReader r(data, path);
    u.event = r.string(u"event");
    if (!r.ok())
        return unexpected(*r.error());
    u.accountId = r.optString(u"account_id");
    u.executionId = r.optString(u"execution_id");

    // Each optional part on its own reader: one bad field must not hide the others.
    const auto decimal = [&](QStringView key) -> std::optional<Decimal> {
        JsonReader field(data, path);
        auto d = field.optDecimal(key);
        if (!field.ok() && u.problem.isEmpty())
            u.problem = field.error()->toString();
        return d;
    };
    u.price = decimal(u"price");
    u.qty = decimal(u"qty");
    u.positionQty = decimal(u"position_qty");
    JsonReader time(data, path);
    u.timestamp = time.optTimestamp(u"timestamp");
    if (!time.ok() && u.problem.isEmpty())
        u.problem = time.error()->toString();

    const QString orderPath = path.isEmpty() ? u"order"_s : path + u".order"_s;
    auto order = decodeObject<Order>(data.value(u"order"), orderPath);
    if (order)
        u.order = std::move(order).value();
    else if (u.problem.isEmpty())
        u.problem = order.error().toString();
    return u;
}

} // namespace clera
