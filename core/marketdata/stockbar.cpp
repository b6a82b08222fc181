#include "stockbar.h"

using namespace Qt::StringLiterals;

namespace clera {

Expected<StockBar, DecodeError> StockBar::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    StockBar b;
    b.time = r.timestamp(u"t");
    b.open = r.decimal(u"o");
    b.high = r.decimal(u"h");
    b.low = r.decimal(u"l");
    b.close = r.decimal(u"c");
    b.volume = r.optInteger(u"v").value_or(0);
    b.tradeCount = r.optInteger(u"n").value_or(0);
    b.vwap = r.optDecimal(u"vw");
    return r.finish(std::move(b));
}

QJsonObject StockBar::toJson() const
{
    QJsonObject o{{u"t"_s, time.toString()}, {u"o"_s, open.toDouble()},  {u"h"_s, high.toDouble()},
                  {u"l"_s, low.toDouble()},  {u"c"_s, close.toDouble()}, {u"v"_s, volume},
                  {u"n"_s, tradeCount}};
    if (vwap)
        o.insert(u"vw"_s, vwap->toDouble());
    return o;
}

} // namespace clera
