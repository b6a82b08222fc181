#include "stocktrade.h"

namespace clera {

Expected<StockTrade, DecodeError> StockTrade::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    StockTrade t;
    t.time = r.timestamp(u"t");
    t.exchange = r.optString(u"x");
    t.price = r.decimal(u"p");
    t.size = r.optDecimal(u"s").value_or(Decimal());
    t.conditions = r.stringList(u"c");
    t.id = r.optInteger(u"i").value_or(0);
    t.tape = r.optString(u"z");
    return r.finish(std::move(t));
}

} // namespace clera
