#include "fakeaccountdata.h"

#include "core/domain/portfoliohistory.h"
#include "core/domain/transfer.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr qint64 kUnprocessable = 42210000;
constexpr qint64 kNanosPerSecond = 1'000'000'000;
constexpr qint64 kNanosPerDay = 86'400 * kNanosPerSecond;
constexpr int kMaxPageSize = 100;
constexpr qsizetype kMaxPoints = 20'000;

FakeAlpacaBook::Reply unprocessable(const QString &message)
{
    return FakeAlpacaBook::error(422, kUnprocessable, message);
}

QDate nthWeekday(int year, int month, int weekday, int n)
{
    QDate d(year, month, 1);
    while (d.dayOfWeek() != weekday)
        d = d.addDays(1);
    return d.addDays(7 * (n - 1));
}

bool isHoliday(const QDate &d)
{
    return (d.month() == 1 && d.day() == 1) || (d.month() == 7 && d.day() == 4) ||
           (d.month() == 12 && d.day() == 25);
}

bool isEarlyClose(const QDate &d)
{
    const QDate thanksgiving = nthWeekday(d.year(), 11, Qt::Thursday, 4);
    return (d.month() == 7 && d.day() == 3) || d == thanksgiving.addDays(1) ||
           (d.month() == 12 && d.day() == 24);
}

// "<YYYYMMDDHHMMSSmmm>::<uuid>", Alpaca's activity id; stable for the same source object.
QString activityId(Timestamp t, const QString &sourceId)
{
    const QString stamp = t.toDateTime().toString(u"yyyyMMddHHmmsszzz"_s);
    return stamp + u"::" + QUuid::createUuidV5(QUuid(), sourceId).toString(QUuid::WithoutBraces);
}

// A YYYY-MM-DD date (its start, UTC) or an RFC 3339 time.
std::optional<Timestamp> parseBound(const QString &text)
{
    if (auto d = parseIsoDate(text))
        return Timestamp::fromNanos((d->toJulianDay() - QDate(1970, 1, 1).toJulianDay()) * kNanosPerDay);
    if (auto t = Timestamp::parse(text))
        return *t;
    return std::nullopt;
}

Timestamp occurredAt(const Activity &a)
{
    if (a.transactionTime)
        return *a.transactionTime;
    return FakeAccountData::newYorkTime(a.date.value_or(QDate(1970, 1, 1)), QTime(0, 0));
}

} // namespace

FakeAccountData::FakeAccountData(const FakeAlpacaBook &book) : m_book(book) {}

Timestamp FakeAccountData::now() const
{
    return m_now.value_or(Timestamp::now());
}

int FakeAccountData::newYorkOffsetSeconds(const QDate &date)
{
    const QDate dstStart = nthWeekday(date.year(), 3, Qt::Sunday, 2);
    const QDate dstEnd = nthWeekday(date.year(), 11, Qt::Sunday, 1);
    return date >= dstStart && date < dstEnd ? -4 * 3600 : -5 * 3600;
}

Timestamp FakeAccountData::newYorkTime(const QDate &date, const QTime &time)
{
    const qint64 days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    const qint64 secs = days * 86'400 + time.msecsSinceStartOfDay() / 1000 - newYorkOffsetSeconds(date);
    return Timestamp::fromNanos(secs * kNanosPerSecond);
}

QDate FakeAccountData::newYorkDate(Timestamp t)
{
    const QDate utc = t.toDateTime().date();
    // The offset of the UTC date is right except within hours of a DST switch, at night.
    const qint64 localMs = t.msecs() + qint64(newYorkOffsetSeconds(utc)) * 1000;
    return QDateTime::fromMSecsSinceEpoch(localMs, Qt::UTC).date();
}

QList<CalendarDay> FakeAccountData::sessions(const QDate &from, const QDate &to)
{
    QList<CalendarDay> out;
    for (QDate d = from; d.isValid() && d <= to; d = d.addDays(1)) {
        if (d.dayOfWeek() > Qt::Friday || isHoliday(d))
            continue;
        CalendarDay day;
        day.date = d;
        day.open = QTime(9, 30);
        day.close = isEarlyClose(d) ? QTime(13, 0) : QTime(16, 0);
        day.sessionOpen = QTime(4, 0);
        day.sessionClose = isEarlyClose(d) ? QTime(17, 0) : QTime(20, 0);
        out.append(day);
    }
    return out;
}

MarketClock FakeAccountData::clock() const
{
    const Timestamp t = now();
    const QDate today = newYorkDate(t);
    MarketClock c;
    c.timestamp = t;
    c.timestampOffsetSeconds = newYorkOffsetSeconds(today);
    bool haveOpen = false;
    bool haveClose = false;
    for (const CalendarDay &day : sessions(today, today.addDays(14))) {
        const Timestamp open = newYorkTime(day.date, day.open);
        const Timestamp close = newYorkTime(day.date, day.close);
        if (open <= t && t < close)
            c.isOpen = true;
        if (!haveOpen && open > t) {
            c.nextOpen = open;
            c.nextOpenOffsetSeconds = newYorkOffsetSeconds(day.date);
            haveOpen = true;
        }
        if (!haveClose && close > t) {
            c.nextClose = close;
            c.nextCloseOffsetSeconds = newYorkOffsetSeconds(day.date);
            haveClose = true;
        }
    }
    return c;
}

QStringList FakeAccountData::accountIds() const
{
    QStringList ids;
    const QJsonArray accounts = m_book.listAccounts().body.toArray();
    for (const QJsonValue &a : accounts)
        ids.append(a.toObject().value(u"id").toString());
    return ids;
}

QList<Activity> FakeAccountData::activitiesOf(const QString &accountId) const
{
    QList<Activity> out;
    for (const Order &o : m_book.ordersOf(accountId)) {
        if (!o.filledAt || o.filledQty.isZero())
            continue;
        Activity a;
        a.id = activityId(*o.filledAt, o.id);
        a.accountId = accountId;
        a.activityType = ActivityType::Fill;
        a.activityTypeWire = u"FILL"_s;
        a.transactionTime = o.filledAt;
        a.fillType = o.status == OrderStatus::Filled ? FillType::Fill : FillType::PartialFill;
        a.price = o.filledAvgPrice;
        a.qty = o.filledQty;
        a.side = o.side;
        a.symbol = o.symbol;
        a.leavesQty = o.qty ? *o.qty - o.filledQty : Decimal();
        a.orderId = o.id;
        a.cumQty = o.filledQty;
        a.orderStatus = o.status;
        out.append(a);
    }
    const auto transfers = decodeArray<Transfer>(m_book.transfers(accountId).body);
    for (const Transfer &t : transfers.valueOr(QList<Transfer>{})) {
        if (t.status != TransferStatus::Complete)
            continue;
        const Timestamp at = t.updatedAt.value_or(t.createdAt);
        const bool in = t.direction == TransferDirection::Incoming;
        Activity a;
        a.id = activityId(at, t.id);
        a.accountId = accountId;
        a.activityType = in ? ActivityType::Csd : ActivityType::Csw;
        a.activityTypeWire = toWire(a.activityType);
        a.date = newYorkDate(at);
        a.netAmount = in ? t.amount : -t.amount;
        a.description = in ? u"ACH deposit"_s : u"ACH withdrawal"_s;
        a.status = ActivityStatus::Executed;
        out.append(a);
    }
    std::sort(out.begin(), out.end(), [](const Activity &a, const Activity &b) { return a.id < b.id; });
    return out;
}

std::optional<FakeAccountData::Reply> FakeAccountData::route(const QByteArray &method, const QStringList &s,
                                                             const QUrlQuery &query,
                                                             const QString &tradingAccountId) const
{
    const bool v1 = s.value(0) == u"v1";
    const bool v2 = s.value(0) == u"v2";
    enum class Endpoint { None, History, Activities, Clock, Calendar } endpoint = Endpoint::None;
    QString accountId;
    QString pathType;
    if (v1 && s.size() == 7 && s.at(1) == u"trading" && s.at(2) == u"accounts" && s.at(4) == u"account" &&
        s.at(5) == u"portfolio" && s.at(6) == u"history") {
        endpoint = Endpoint::History;
        accountId = s.at(3);
    } else if (v2 && s.size() == 4 && s.at(1) == u"account" && s.at(2) == u"portfolio" &&
               s.at(3) == u"history") {
        endpoint = Endpoint::History;
        accountId = tradingAccountId;
    } else if (((v1 && s.value(1) == u"accounts") || (v2 && s.value(1) == u"account")) &&
               s.value(2) == u"activities" && (s.size() == 3 || s.size() == 4)) {
        endpoint = Endpoint::Activities;
        pathType = s.value(3);
        accountId = v1 ? query.queryItemValue(u"account_id"_s, QUrl::FullyDecoded) : tradingAccountId;
    } else if ((v1 || v2) && s.size() == 2 && s.at(1) == u"clock") {
        endpoint = Endpoint::Clock;
    } else if ((v1 || v2) && s.size() == 2 && s.at(1) == u"calendar") {
        endpoint = Endpoint::Calendar;
    }
    if (endpoint == Endpoint::None)
        return std::nullopt;
    if (method != "GET")
        return FakeAlpacaBook::error(405, 40510000, u"method not allowed"_s);
    if (v2 && (endpoint == Endpoint::History || endpoint == Endpoint::Activities) && accountId.isEmpty())
        return FakeAlpacaBook::error(401, 40110000, u"request is not authorized"_s);

    switch (endpoint) {
    case Endpoint::History:
        return portfolioHistory(accountId, query);
    case Endpoint::Activities: {
        if (!accountId.isEmpty() && !m_book.hasAccount(accountId))
            return FakeAlpacaBook::error(401, 40110000, u"request is not authorized"_s);
        return activities(accountId.isEmpty() ? accountIds() : QStringList{accountId}, pathType, query);
    }
    case Endpoint::Clock:
        return Reply{200, clock().toJson()};
    case Endpoint::Calendar:
        return calendar(query);
    case Endpoint::None:
        break;
    }
    return std::nullopt;
}

FakeAccountData::Reply FakeAccountData::activities(const QStringList &accountIds, const QString &pathType,
                                                   const QUrlQuery &query) const
{
    const auto value = [&](const QString &key) { return query.queryItemValue(key, QUrl::FullyDecoded); };
    QStringList types = value(u"activity_types"_s).split(u',', Qt::SkipEmptyParts);
    if (!pathType.isEmpty())
        types = {pathType};
    const QString dateText = value(u"date"_s);
    std::optional<QDate> date;
    if (!dateText.isEmpty()) {
        auto d = parseIsoDate(dateText);
        if (!d)
            return unprocessable(u"invalid date"_s);
        date = *d;
    }
    std::optional<Timestamp> after, until;
    for (const auto &[key, bound] : {std::pair{u"after"_s, &after}, std::pair{u"until"_s, &until}}) {
        const QString text = value(key);
        if (text.isEmpty())
            continue;
        *bound = parseBound(text);
        if (!*bound)
            return unprocessable(u"invalid %1"_s.arg(key));
    }
    if (date && (after || until))
        return unprocessable(u"date cannot be combined with after or until"_s);
    const QString direction = value(u"direction"_s).isEmpty() ? u"desc"_s : value(u"direction"_s);
    if (direction != u"asc" && direction != u"desc")
        return unprocessable(u"invalid direction"_s);
    int pageSize = kMaxPageSize;
    if (query.hasQueryItem(u"page_size"_s)) {
        bool ok = false;
        pageSize = value(u"page_size"_s).toInt(&ok);
        if (!ok || pageSize < 1)
            return unprocessable(u"invalid page_size"_s);
        pageSize = std::min(pageSize, kMaxPageSize);
    }

    QList<Activity> all;
    for (const QString &id : accountIds)
        all.append(activitiesOf(id));
    QList<Activity> matching;
    for (const Activity &a : std::as_const(all)) {
        const Timestamp at = occurredAt(a);
        if (!types.isEmpty() && !types.contains(a.activityTypeWire))
            continue;
        if (date && (a.date ? *a.date : newYorkDate(at)) != *date)
            continue;
        if ((after && !(at > *after)) || (until && !(at < *until)))
            continue;
        matching.append(a);
    }
    const bool desc = direction == u"desc";
    std::sort(matching.begin(), matching.end(),
              [desc](const Activity &a, const Activity &b) { return desc ? a.id > b.id : a.id < b.id; });

    qsizetype first = 0;
    const QString token = value(u"page_token"_s);
    if (!token.isEmpty()) {
        const auto it = std::find_if(matching.cbegin(), matching.cend(),
                                     [&token](const Activity &a) { return a.id == token; });
        if (it == matching.cend())
            return unprocessable(u"invalid page_token"_s);
        first = (it - matching.cbegin()) + 1;
    }
    QJsonArray page;
    for (qsizetype i = first; i < matching.size() && page.size() < pageSize; ++i)
        page.append(matching.at(i).toJson());
    return {200, page};
}

FakeAccountData::Reply FakeAccountData::calendar(const QUrlQuery &query) const
{
    const QDate today = newYorkDate(now());
    QDate from = today;
    QDate to = today.addDays(30);
    for (const auto &[key, bound] : {std::pair{u"start"_s, &from}, std::pair{u"end"_s, &to}}) {
        const QString text = query.queryItemValue(key);
        if (text.isEmpty())
            continue;
        auto d = parseIsoDate(text);
        if (!d)
            return FakeAlpacaBook::error(400, 40010001, u"invalid %1: %2"_s.arg(key, text));
        *bound = *d;
    }
    if (from.daysTo(to) > 3660)
        return unprocessable(u"range too large"_s);
    QJsonArray out;
    for (const CalendarDay &day : sessions(from, to))
        out.append(day.toJson());
    return {200, out};
}

FakeAccountData::Reply FakeAccountData::portfolioHistory(const QString &accountId,
                                                         const QUrlQuery &query) const
{
    const Reply account = m_book.tradingAccount(accountId);
    if (account.status != 200)
        return account;
    const Decimal equity =
        Decimal::parse(account.body.toObject().value(u"equity").toString()).valueOr(Decimal());

    const QString period = query.queryItemValue(u"period"_s);
    const QString timeframeText = query.queryItemValue(u"timeframe"_s);
    const QString startText = query.queryItemValue(u"start"_s);
    const QString endText = query.queryItemValue(u"end"_s);
    const QString dateEndText = query.queryItemValue(u"date_end"_s);

    qint64 periodDays = 30;
    if (!period.isEmpty()) {
        const QChar unit = period.back();
        bool ok = false;
        const qint64 count = QStringView(period).chopped(1).toLongLong(&ok);
        if (!ok || count <= 0 || count > 100'000)
            return unprocessable(u"invalid period"_s);
        switch (unit.unicode()) {
        case u'D':
            periodDays = count;
            break;
        case u'W':
            periodDays = count * 7;
            break;
        case u'M':
            periodDays = count * 30;
            break;
        case u'A':
            periodDays = count * 365;
            break;
        default:
            return unprocessable(u"invalid period unit %1"_s.arg(unit));
        }
    }
    if (!period.isEmpty() && !startText.isEmpty() && !endText.isEmpty())
        return unprocessable(u"only two of start, end and period may be specified"_s);
    std::optional<Timestamp> start, end;
    if (!startText.isEmpty() && !(start = parseBound(startText)))
        return unprocessable(u"invalid start"_s);
    if (!endText.isEmpty() && !(end = parseBound(endText)))
        return unprocessable(u"invalid end"_s);
    if (!dateEndText.isEmpty()) {
        auto d = parseIsoDate(dateEndText);
        if (!d)
            return unprocessable(u"invalid date_end"_s);
        if (!end)
            end = newYorkTime(*d, QTime(16, 0));
    }
    const Timestamp to = end.value_or(now());
    const Timestamp from = start.value_or(Timestamp::fromNanos(to.nanos() - periodDays * kNanosPerDay));
    if (from > to)
        return unprocessable(u"start is after end"_s);
    const qint64 spanDays = (to.nanos() - from.nanos() + kNanosPerDay - 1) / kNanosPerDay;

    QString timeframe = timeframeText;
    if (timeframe.isEmpty())
        timeframe = spanDays < 7 ? u"1Min"_s : (spanDays < 30 ? u"15Min"_s : u"1D"_s);
    const QHash<QString, int> stepMinutes{
        {u"1Min"_s, 1}, {u"5Min"_s, 5}, {u"15Min"_s, 15}, {u"1H"_s, 60}, {u"1D"_s, 0}};
    if (!stepMinutes.contains(timeframe))
        return unprocessable(u"invalid timeframe"_s);
    const int step = stepMinutes.value(timeframe);
    if (step > 0 && spanDays > 30)
        return unprocessable(u"timeframe %1 is not allowed for periods over 30 days"_s.arg(timeframe));

    QList<Timestamp> stamps;
    for (const CalendarDay &day : sessions(newYorkDate(from), newYorkDate(to))) {
        if (step == 0) {
            stamps.append(newYorkTime(day.date, QTime(0, 0)));
            continue;
        }
        for (QTime t = day.open; t < day.close && stamps.size() < kMaxPoints; t = t.addSecs(step * 60)) {
            const Timestamp at = newYorkTime(day.date, t);
            if (at >= from && at <= to)
                stamps.append(at);
        }
    }

    PortfolioHistory h;
    h.timeframe = timeframe;
    const qsizetype n = stamps.size();
    const Decimal cents = Decimal::fromCents(25);
    for (qsizetype i = 0; i < n; ++i) {
        PortfolioHistory::Point p;
        p.timestamp = stamps.at(i);
        // Deterministic small swings that end at the account's equity.
        p.equity = equity - Decimal(int((n - 1 - i) % 10)) * cents;
        h.points.append(p);
    }
    const Decimal base = n > 0 ? h.points.constFirst().equity : equity;
    for (PortfolioHistory::Point &p : h.points) {
        p.profitLoss = p.equity - base;
        if (!m_noBaseValue && !base.isZero())
            p.profitLossPct = (p.profitLoss / base).rounded(6);
    }
    if (!m_noBaseValue) {
        h.baseValue = base;
        h.baseValueAsOf = newYorkDate(from);
    }
    return {200, h.toJson()};
}

} // namespace clera::fake
