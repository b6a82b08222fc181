#include "portfoliohistoryquery.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr qint64 kIntradayLimitDays = 30;
constexpr qint64 kNanosPerDay = 86'400LL * 1'000'000'000LL;

QueryError invalid(const QString &parameter, const QString &message)
{
    return {QueryError::Kind::InvalidValue, parameter, message};
}

QueryError conflict(const QString &parameter, const QString &message)
{
    return {QueryError::Kind::Conflict, parameter, message};
}

bool isIntraday(PortfolioHistoryQuery::Timeframe t)
{
    using T = PortfolioHistoryQuery::Timeframe;
    return t == T::OneMinute || t == T::FiveMinutes || t == T::FifteenMinutes || t == T::OneHour;
}

} // namespace

QString PortfolioHistoryQuery::toWire(Timeframe t)
{
    switch (t) {
    case Timeframe::Default:
        return {};
    case Timeframe::OneMinute:
        return u"1Min"_s;
    case Timeframe::FiveMinutes:
        return u"5Min"_s;
    case Timeframe::FifteenMinutes:
        return u"15Min"_s;
    case Timeframe::OneHour:
        return u"1H"_s;
    case Timeframe::OneDay:
        return u"1D"_s;
    }
    return {};
}

std::optional<PortfolioHistoryQuery::Timeframe> PortfolioHistoryQuery::timeframeFromWire(QStringView s)
{
    for (Timeframe t : {Timeframe::OneMinute, Timeframe::FiveMinutes, Timeframe::FifteenMinutes,
                        Timeframe::OneHour, Timeframe::OneDay}) {
        if (s == toWire(t))
            return t;
    }
    return std::nullopt;
}

Expected<QString, QueryError> PortfolioHistoryQuery::normalizedPeriod(const QString &period)
{
    const auto bad = [&] {
        return unexpected(invalid(u"period"_s, u"'%1' is not <count><D|W|M|A>"_s.arg(period)));
    };
    if (period.size() < 2 || period.size() > 7)
        return bad();
    QChar unit = period.back();
    const QStringView count = QStringView(period).chopped(1);
    for (QChar c : count) {
        if (c < u'0' || c > u'9')
            return bad();
    }
    if (count.toLongLong() <= 0)
        return bad();
    if (unit == u'Y')
        unit = u'A'; // Alpaca's unit for years is A; Y is refused upstream
    if (unit != u'D' && unit != u'W' && unit != u'M' && unit != u'A')
        return bad();
    return QString(count.toString() + unit);
}

qint64 PortfolioHistoryQuery::periodDays(const QString &normalizedPeriod)
{
    const qint64 count = QStringView(normalizedPeriod).chopped(1).toLongLong();
    switch (normalizedPeriod.isEmpty() ? u'M' : normalizedPeriod.back().unicode()) {
    case u'W':
        return count * 7;
    case u'M':
        return count * 30;
    case u'A':
        return count * 365;
    default:
        return count;
    }
}

Expected<QUrlQuery, QueryError> PortfolioHistoryQuery::toUrlQuery() const
{
    QString normalized;
    if (!period.isEmpty()) {
        auto p = normalizedPeriod(period);
        if (!p)
            return unexpected(p.error());
        normalized = *p;
    }
    if (!normalized.isEmpty() && start && end)
        return unexpected(conflict(u"period"_s, u"only two of start, end and period may be combined"_s));
    if (start && end && *start > *end)
        return unexpected(invalid(u"start"_s, u"is after end"_s));
    if (isIntraday(timeframe)) {
        qint64 days = 0;
        if (!normalized.isEmpty())
            days = periodDays(normalized);
        else if (start && end)
            days = (end->nanos() - start->nanos() + kNanosPerDay - 1) / kNanosPerDay;
        if (days > kIntradayLimitDays)
            return unexpected(
                conflict(u"timeframe"_s, u"%1 covers more than %2 days; only 1D is accepted"_s
                                             .arg(normalized.isEmpty() ? u"start..end"_s : normalized)
                                             .arg(kIntradayLimitDays)));
    }
    if (extendedHours.value_or(false) && timeframe == Timeframe::OneDay)
        return unexpected(conflict(u"extended_hours"_s, u"applies to intraday timeframes only"_s));

    QUrlQuery q;
    if (!normalized.isEmpty())
        q.addQueryItem(u"period"_s, normalized);
    if (timeframe != Timeframe::Default)
        q.addQueryItem(u"timeframe"_s, toWire(timeframe));
    if (dateEnd)
        q.addQueryItem(u"date_end"_s, dateEnd->toString(Qt::ISODate));
    if (start)
        q.addQueryItem(u"start"_s, start->toString());
    if (end)
        q.addQueryItem(u"end"_s, end->toString());
    if (extendedHours)
        q.addQueryItem(u"extended_hours"_s, *extendedHours ? u"true"_s : u"false"_s);
    switch (intradayReporting) {
    case IntradayReporting::Default:
        break;
    case IntradayReporting::MarketHours:
        q.addQueryItem(u"intraday_reporting"_s, u"market_hours"_s);
        break;
    case IntradayReporting::ExtendedHours:
        q.addQueryItem(u"intraday_reporting"_s, u"extended_hours"_s);
        break;
    case IntradayReporting::Continuous:
        q.addQueryItem(u"intraday_reporting"_s, u"continuous"_s);
        break;
    }
    switch (pnlReset) {
    case PnlReset::Default:
        break;
    case PnlReset::PerDay:
        q.addQueryItem(u"pnl_reset"_s, u"per_day"_s);
        break;
    case PnlReset::NoReset:
        q.addQueryItem(u"pnl_reset"_s, u"no_reset"_s);
        break;
    }
    if (!cashflowTypes.isEmpty())
        q.addQueryItem(u"cashflow_types"_s, cashflowTypes.join(u','));
    return q;
}

} // namespace clera
