#include "stockquote.h"

namespace clera {

Expected<StockQuote, DecodeError> StockQuote::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    StockQuote q;
    q.time = r.timestamp(u"t");
    q.askExchange = r.optString(u"ax");
    q.askPrice = r.decimal(u"ap");
    q.askSize = r.optDecimal(u"as").value_or(Decimal());
    q.bidExchange = r.optString(u"bx");
    q.bidPrice = r.decimal(u"bp");
    q.bidSize = r.optDecimal(u"bs").value_or(Decimal());
    q.conditions = r.stringList(u"c");
    q.tape = r.optString(u"z");
    return r.finish(std::move(q));
}

} // namespace clera
