#include "simaccountdata.h"

#include <QSet>
#include <QTimeZone>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000LL;
constexpr std::int64_t kNanosPerDay = 86'400LL * kNanosPerSecond;
constexpr qint64 kIntradayLimitDays = 30;
constexpr int kPercentDigits = 6;
const QString kIdTimeFormat = u"yyyyMMddHHmmsszzz"_s;

BrokerError refused(const QString &message)
{
    return {BrokerError::Kind::InvalidRequest, message, 0, 0};
}

// Activity dates are market dates (New York), as at Alpaca.
QDate marketDate(Timestamp at)
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    const QTimeZone zone = newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
    return at.toDateTime().toTimeZone(zone).date();
}

QString activityId(Timestamp at, const QString &uuid)
{
    return at.toDateTime().toUTC().toString(kIdTimeFormat) + u"::"_s + uuid;
}

std::int64_t floorTo(std::int64_t nanos, std::int64_t step)
{
    const std::int64_t q = nanos / step;
    return (nanos % step < 0 ? q - 1 : q) * step;
}

Timestamp settledAt(const Transfer &t)
{
    return t.updatedAt.value_or(t.createdAt);
}

bool isIntraday(PortfolioHistoryQuery::Timeframe t)
{
    using T = PortfolioHistoryQuery::Timeframe;
    return t != T::Default && t != T::OneDay;
}

} // namespace

Activity SimAccountData::fillActivity(const QString &accountId, const Order &order)
{
    const Timestamp at = order.filledAt.value_or(order.updatedAt.value_or(order.createdAt));
    Activity a;
    a.id = activityId(at, order.id);
    a.accountId = accountId;
    a.activityType = ActivityType::Fill;
    a.activityTypeWire = toWire(ActivityType::Fill);
    a.transactionTime = at;
    a.fillType = FillType::Fill;
    a.price = order.filledAvgPrice;
    a.side = order.side;
    a.qty = order.filledQty;
    a.cumQty = order.filledQty;
    a.leavesQty = Decimal();
    a.symbol = order.symbol;
    a.orderId = order.id;
    a.orderStatus = order.status;
    return a;
}

std::optional<Activity> SimAccountData::transferActivity(const Transfer &transfer)
{
    if (transfer.status != TransferStatus::Complete)
        return std::nullopt;
    const bool deposit = transfer.direction == TransferDirection::Incoming;
    const Timestamp at = settledAt(transfer);
    Activity a;
    a.id = activityId(at, transfer.id);
    a.accountId = transfer.accountId;
    a.activityType = deposit ? ActivityType::Csd : ActivityType::Csw;
    a.activityTypeWire = toWire(a.activityType);
    a.date = marketDate(at);
    a.netAmount = deposit ? transfer.amount : Decimal() - transfer.amount;
    a.description = deposit ? u"ACH deposit"_s : u"ACH withdrawal"_s;
    a.status = ActivityStatus::Executed;
    return a;
}

Timestamp SimAccountData::timeOf(const Activity &activity)
{
    if (activity.transactionTime)
        return *activity.transactionTime;
    QDateTime at = QDateTime::fromString(activity.id.section(u"::"_s, 0, 0), kIdTimeFormat);
    at.setTimeZone(QTimeZone::utc());
    return Timestamp::fromDateTime(at);
}

BrokerResult<QList<Activity>> SimAccountData::select(QList<Activity> all, const ActivityQuery &query,
                                                     bool allPages)
{
    if (const auto q = query.toUrlQuery(); !q)
        return unexpected(refused(q.error().toString()));
    const QSet<QString> types(query.activityTypes.cbegin(), query.activityTypes.cend());
    const auto wanted = [&](const Activity &a) {
        if (!types.isEmpty() && !types.contains(a.activityTypeWire))
            return false;
        const Timestamp at = timeOf(a);
        if (query.date && marketDate(at) != *query.date)
            return false;
        if (query.after && !(at > *query.after))
            return false;
        if (query.until && !(at < *query.until))
            return false;
        if (!query.pageToken.isEmpty())
            return query.newestFirst ? a.id < query.pageToken : a.id > query.pageToken;
        return true;
    };
    all.removeIf([&](const Activity &a) { return !wanted(a); });
    std::sort(all.begin(), all.end(), [&](const Activity &a, const Activity &b) {
        return query.newestFirst ? a.id > b.id : a.id < b.id;
    });
    if (!allPages && all.size() > query.pageSize)
        all.resize(query.pageSize);
    return all;
}

std::int64_t SimAccountData::windowNanos(PortfolioHistoryQuery::Timeframe timeframe)
{
    using T = PortfolioHistoryQuery::Timeframe;
    switch (timeframe) {
    case T::OneMinute:
        return 60 * kNanosPerSecond;
    case T::FiveMinutes:
        return 300 * kNanosPerSecond;
    case T::FifteenMinutes:
        return 900 * kNanosPerSecond;
    case T::OneHour:
        return 3600 * kNanosPerSecond;
    case T::Default:
    case T::OneDay:
        break;
    }
    return kNanosPerDay;
}

BrokerResult<SimAccountData::Range> SimAccountData::resolve(const PortfolioHistoryQuery &query, Timestamp now)
{
    using T = PortfolioHistoryQuery::Timeframe;
    if (const auto q = query.toUrlQuery(); !q)
        return unexpected(refused(q.error().toString()));
    const QString period =
        query.period.isEmpty() ? QString() : PortfolioHistoryQuery::normalizedPeriod(query.period).value();
    const std::int64_t periodNanos =
        PortfolioHistoryQuery::periodDays(period.isEmpty() ? u"1M"_s : period) * kNanosPerDay;

    Range r;
    if (query.end) {
        r.end = *query.end;
    } else if (query.dateEnd) {
        const QDateTime nextDay(query.dateEnd->addDays(1), QTime(0, 0), QTimeZone::utc());
        r.end = Timestamp::fromNanos(Timestamp::fromDateTime(nextDay).nanos() - 1);
    } else if (query.start && !period.isEmpty()) {
        r.end = Timestamp::fromNanos(query.start->nanos() + periodNanos);
    } else {
        r.end = now;
    }
    if (r.end > now)
        r.end = now;
    r.start = query.start ? *query.start : Timestamp::fromNanos(r.end.nanos() - periodNanos);

    const std::int64_t span = std::max<std::int64_t>(0, r.end.nanos() - r.start.nanos());
    r.timeframe = query.timeframe;
    if (r.timeframe == T::Default)
        r.timeframe = span < 7 * kNanosPerDay    ? T::OneMinute
                      : span < 30 * kNanosPerDay ? T::FifteenMinutes
                                                 : T::OneDay;
    // The query alone cannot tell the span when only start is given.
    if (isIntraday(r.timeframe) && span > kIntradayLimitDays * kNanosPerDay)
        return unexpected(refused(u"timeframe: %1 covers more than %2 days; only 1D is accepted"_s
                                      .arg(PortfolioHistoryQuery::toWire(r.timeframe))
                                      .arg(kIntradayLimitDays)));
    return r;
}

PortfolioHistory SimAccountData::history(const Range &range, const QList<EquityPoint> &points,
                                         const QList<Transfer> &transfers, const QStringList &cashflowTypes)
{
    PortfolioHistory h;
    h.timeframe = PortfolioHistoryQuery::toWire(range.timeframe);
    if (range.start > range.end)
        return h;

    QList<Transfer> settled;
    for (const Transfer &t : transfers) {
        if (t.status == TransferStatus::Complete)
            settled.append(t);
    }
    std::sort(settled.begin(), settled.end(),
              [](const Transfer &a, const Transfer &b) { return settledAt(a) < settledAt(b); });
    const auto signedAmount = [](const Transfer &t) {
        return t.direction == TransferDirection::Incoming ? t.amount : Decimal() - t.amount;
    };

    QStringList flowTypes;
    for (const QString &type : cashflowTypes)
        flowTypes.append(type.trimmed().toUpper());
    for (const QString &type : std::as_const(flowTypes))
        h.cashflow.insert(type, {});

    const std::int64_t step = windowNanos(range.timeframe);
    qsizetype next = 0;
    std::optional<Decimal> current;
    std::optional<Timestamp> baseAt;
    Decimal base, netFlows, deposits;
    qsizetype flowIndex = 0;
    for (std::int64_t t = floorTo(range.start.nanos(), step); t <= range.end.nanos(); t += step) {
        const Timestamp windowEnd = Timestamp::fromNanos(std::min(t + step - 1, range.end.nanos()));
        while (next < points.size() && points.at(next).at <= windowEnd)
            current = points.at(next++).equity;
        if (!current)
            continue;

        PortfolioHistory::Point p;
        p.timestamp = Timestamp::fromNanos(t);
        p.equity = *current;
        if (!baseAt) {
            baseAt = windowEnd;
            base = *current;
            h.baseValue = base;
            h.baseValueAsOf = p.timestamp.toDateTime().toUTC().date();
            while (flowIndex < settled.size() && settledAt(settled.at(flowIndex)) <= windowEnd)
                ++flowIndex;
        }
        while (flowIndex < settled.size() && settledAt(settled.at(flowIndex)) <= windowEnd) {
            const Transfer &f = settled.at(flowIndex++);
            netFlows += signedAmount(f);
            if (f.direction == TransferDirection::Incoming)
                deposits += f.amount;
        }
        p.profitLoss = *current - base - netFlows;
        const Decimal invested = base + deposits;
        if (invested.isPositive())
            if (const auto pct = p.profitLoss.checkedDiv(invested))
                p.profitLossPct = pct->rounded(kPercentDigits);
        h.points.append(p);

        for (const QString &type : std::as_const(flowTypes)) {
            Decimal sum;
            for (const Transfer &f : std::as_const(settled)) {
                const Timestamp at = settledAt(f);
                if (at.nanos() < t || at > windowEnd)
                    continue;
                const bool deposit = f.direction == TransferDirection::Incoming;
                if ((deposit && type == u"CSD") || (!deposit && type == u"CSW"))
                    sum += signedAmount(f);
            }
            h.cashflow[type].append(sum);
        }
    }
    return h;
}

} // namespace clera
