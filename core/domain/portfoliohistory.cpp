#include "portfoliohistory.h"

#include <QMetaType>

#include <limits>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr double kMillisThreshold = 1e12;

bool isExactInteger(const QJsonValue &v)
{
    return v.toVariant().typeId() == QMetaType::LongLong;
}

// A JSON number or decimal string; null → nullopt. See the precision note in the header.
Expected<std::optional<Decimal>, DecodeError> numberAt(const QJsonValue &v, const QString &path)
{
    if (v.isNull())
        return std::optional<Decimal>();
    Expected<Decimal, QString> d = unexpected(u"must be a number"_s);
    if (v.isString())
        d = Decimal::parse(v.toString());
    else if (isExactInteger(v))
        d = Decimal::fromUnits(v.toInteger()); // every int64 is below Decimal's 1e19 limit
    else if (v.isDouble())
        d = Decimal::fromDouble(v.toDouble());
    if (!d)
        return unexpected(DecodeError{path, d.error()});
    return std::optional<Decimal>(*d);
}

Expected<Timestamp, DecodeError> epochAt(const QJsonValue &v, const QString &path)
{
    qint64 n = 0;
    if (isExactInteger(v)) {
        n = v.toInteger();
    } else if (v.isDouble()) {
        const double d = v.toDouble();
        if (!(d >= 0 && d < 9e15) || d != double(qint64(d)))
            return unexpected(DecodeError{path, u"must be whole epoch seconds"_s});
        n = qint64(d);
    } else {
        return unexpected(DecodeError{path, u"must be an epoch number"_s});
    }
    if (n < 0)
        return unexpected(DecodeError{path, u"must not be negative"_s});
    // Seconds until the year 33658; anything larger is milliseconds.
    const qint64 ms = double(n) > kMillisThreshold ? n : n * 1000;
    if (ms > std::numeric_limits<std::int64_t>::max() / 1'000'000)
        return unexpected(DecodeError{path, u"is out of range"_s});
    return Timestamp::fromNanos(ms * 1'000'000);
}

QJsonValue wireNumber(Decimal d)
{
    if (d.fractionalDigits() == 0 && d.abs() < Decimal::fromUnits(1'000'000'000'000'000LL))
        return QJsonValue(qint64(d.raw() / Decimal::kOne));
    return QJsonValue(d.toDouble());
}

QJsonValue wireNumber(const std::optional<Decimal> &d)
{
    return d ? wireNumber(*d) : QJsonValue(QJsonValue::Null);
}

} // namespace

Expected<PortfolioHistory, DecodeError> PortfolioHistory::fromJson(const QJsonObject &json,
                                                                   const QString &path)
{
    JsonReader r(json, path);
    PortfolioHistory h;
    const auto arrayOf = [&](QStringView key) {
        if (!r.has(key))
            r.fail(key, json.contains(key) ? u"must not be null"_s : u"is missing"_s);
        return r.optArray(key);
    };
    const QJsonArray timestamps = arrayOf(u"timestamp");
    const QJsonArray equity = arrayOf(u"equity");
    const QJsonArray profitLoss = arrayOf(u"profit_loss");
    const QJsonArray profitLossPct = arrayOf(u"profit_loss_pct");
    h.baseValue = r.optDecimal(u"base_value");
    h.baseValueAsOf = r.optDate(u"base_value_asof");
    h.timeframe = r.optString(u"timeframe");
    const std::optional<QJsonObject> cashflow = r.optObject(u"cashflow");
    if (!r.ok())
        return unexpected(*r.error());

    const qsizetype n = timestamps.size();
    const auto sameLength = [&](QStringView key, qsizetype size) -> std::optional<DecodeError> {
        if (size == n)
            return std::nullopt;
        return DecodeError{r.pathOf(key), u"has %1 entries, timestamp has %2"_s.arg(size).arg(n)};
    };
    for (const auto &[key, size] :
         {std::pair{u"equity"_s, equity.size()}, std::pair{u"profit_loss"_s, profitLoss.size()},
          std::pair{u"profit_loss_pct"_s, profitLossPct.size()}}) {
        if (auto mismatch = sameLength(key, size))
            return unexpected(*mismatch);
    }

    h.points.reserve(n);
    for (qsizetype i = 0; i < n; ++i) {
        const QString index = u'[' + QString::number(i) + u']';
        Point p;
        auto time = epochAt(timestamps.at(i), r.pathOf(u"timestamp") + index);
        if (!time)
            return unexpected(time.error());
        p.timestamp = *time;
        auto e = numberAt(equity.at(i), r.pathOf(u"equity") + index);
        if (!e)
            return unexpected(e.error());
        auto pl = numberAt(profitLoss.at(i), r.pathOf(u"profit_loss") + index);
        if (!pl)
            return unexpected(pl.error());
        auto pct = numberAt(profitLossPct.at(i), r.pathOf(u"profit_loss_pct") + index);
        if (!pct)
            return unexpected(pct.error());
        if (!*e)
            return unexpected(DecodeError{r.pathOf(u"equity") + index, u"must not be null"_s});
        if (!*pl)
            return unexpected(DecodeError{r.pathOf(u"profit_loss") + index, u"must not be null"_s});
        p.equity = **e;
        p.profitLoss = **pl;
        p.profitLossPct = *pct;
        h.points.append(p);
    }

    if (cashflow) {
        for (auto it = cashflow->begin(); it != cashflow->end(); ++it) {
            const QString key = r.pathOf(u"cashflow") + u'.' + it.key();
            if (!it.value().isArray())
                return unexpected(DecodeError{key, u"must be an array"_s});
            const QJsonArray values = it.value().toArray();
            if (values.size() != n)
                return unexpected(
                    DecodeError{key, u"has %1 entries, timestamp has %2"_s.arg(values.size()).arg(n)});
            QList<Decimal> flows;
            flows.reserve(n);
            for (qsizetype i = 0; i < n; ++i) {
                auto v = numberAt(values.at(i), key + u'[' + QString::number(i) + u']');
                if (!v)
                    return unexpected(v.error());
                flows.append(v->value_or(Decimal()));
            }
            h.cashflow.insert(it.key(), flows);
        }
    }
    return h;
}

QJsonObject PortfolioHistory::toJson() const
{
    QJsonArray timestamps, equity, profitLoss, profitLossPct;
    for (const Point &p : points) {
        timestamps.append(qint64(p.timestamp.nanos() / 1'000'000'000));
        equity.append(wireNumber(p.equity));
        profitLoss.append(wireNumber(p.profitLoss));
        profitLossPct.append(wireNumber(p.profitLossPct));
    }
    QJsonObject json{
        {u"timestamp"_s, timestamps},
        {u"equity"_s, equity},
        {u"profit_loss"_s, profitLoss},
        {u"profit_loss_pct"_s, profitLossPct},
        {u"base_value"_s, wireNumber(baseValue)},
        {u"base_value_asof"_s,
         baseValueAsOf ? QJsonValue(baseValueAsOf->toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null)},
        {u"timeframe"_s, timeframe},
    };
    if (!cashflow.isEmpty()) {
        QJsonObject flows;
        for (auto it = cashflow.begin(); it != cashflow.end(); ++it) {
            QJsonArray values;
            for (const Decimal &d : it.value())
                values.append(wireNumber(d));
            flows.insert(it.key(), values);
        }
        json.insert(u"cashflow"_s, flows);
    }
    return json;
}

} // namespace clera
