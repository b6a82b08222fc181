#include "asset.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

Expected<Asset, DecodeError> Asset::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Asset a;
    a.id = r.string(u"id");
    a.assetClass = r.string(u"class");
    a.exchange = r.optString(u"exchange");
    a.symbol = r.string(u"symbol");
    a.name = r.optString(u"name");
    a.status = r.string(u"status");
    a.tradable = r.boolean(u"tradable");
    // Older and crypto payloads omit some flags; absent means the conservative "no".
    a.marginable = r.optBoolean(u"marginable").value_or(false);
    a.shortable = r.optBoolean(u"shortable").value_or(false);
    a.easyToBorrow = r.optBoolean(u"easy_to_borrow").value_or(false);
    a.fractionable = r.optBoolean(u"fractionable").value_or(false);
    a.maintenanceMarginRequirement = r.optDecimal(u"maintenance_margin_requirement");
    a.minOrderSize = r.optDecimal(u"min_order_size");
    a.minTradeIncrement = r.optDecimal(u"min_trade_increment");
    a.priceIncrement = r.optDecimal(u"price_increment");
    a.attributes = r.stringList(u"attributes");
    return r.finish(std::move(a));
}

QJsonObject Asset::toJson() const
{
    return QJsonObject{
        {u"id"_s, id},
        {u"class"_s, assetClass},
        {u"exchange"_s, exchange},
        {u"symbol"_s, symbol},
        {u"name"_s, name},
        {u"status"_s, status},
        {u"tradable"_s, tradable},
        {u"marginable"_s, marginable},
        {u"shortable"_s, shortable},
        {u"easy_to_borrow"_s, easyToBorrow},
        {u"fractionable"_s, fractionable},
        {u"maintenance_margin_requirement"_s, jsonDecimal(maintenanceMarginRequirement)},
        {u"min_order_size"_s, jsonDecimal(minOrderSize)},
        {u"min_trade_increment"_s, jsonDecimal(minTradeIncrement)},
        {u"price_increment"_s, jsonDecimal(priceIncrement)},
        {u"attributes"_s, QJsonArray::fromStringList(attributes)},
    };
}

} // namespace clera
