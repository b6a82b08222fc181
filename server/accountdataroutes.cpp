#include "accountdataroutes.h"

#include "core/broker/broker.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketfeed.h"
#include "jsonresponse.h"
#include "serverlog.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

constexpr int kDefaultPageSize = 50;
constexpr qsizetype kMaxTokenLength = 200;

QHttpServerResponse invalidQuery(const QString &message)
{
    return errorResponse(Status::BadRequest, u"invalid_query"_s, message);
}

QJsonValue exact(const std::optional<Decimal> &d)
{
    return d ? QJsonValue(d->toString()) : QJsonValue(QJsonValue::Null);
}

QString item(const QUrlQuery &query, const QString &name)
{
    return query.queryItemValue(name, QUrl::FullyDecoded).trimmed();
}

QStringList typeList(const QString &text)
{
    QStringList out;
    for (const QString &t : text.split(u',', Qt::SkipEmptyParts)) {
        if (const QString type = t.trimmed().toUpper(); !type.isEmpty())
            out.append(type);
    }
    return out;
}

// An optional instant parameter: nullopt when absent; an error message when malformed.
Expected<std::optional<Timestamp>, QString> instant(const QUrlQuery &query, const QString &name)
{
    const QString text = item(query, name);
    if (text.isEmpty())
        return std::optional<Timestamp>();
    const auto parsed = Timestamp::parse(text);
    if (!parsed)
        return unexpected(u"%1 must be an RFC 3339 time like 2026-03-02T14:30:00Z"_s.arg(name));
    return std::optional<Timestamp>(*parsed);
}

Expected<std::optional<QDate>, QString> day(const QUrlQuery &query, const QString &name)
{
    const QString text = item(query, name);
    if (text.isEmpty())
        return std::optional<QDate>();
    const auto parsed = parseIsoDate(text);
    if (!parsed)
        return unexpected(u"%1 must be a date like 2026-03-02"_s.arg(name));
    return std::optional<QDate>(*parsed);
}

Expected<ActivityQuery, QString> activityQueryFrom(const QUrlQuery &query)
{
    ActivityQuery q;
    q.pageSize = kDefaultPageSize;
    q.activityTypes = typeList(item(query, u"activity_types"_s));
    const auto date = day(query, u"date"_s);
    const auto after = instant(query, u"after"_s);
    const auto until = instant(query, u"until"_s);
    if (!date)
        return unexpected(date.error());
    if (!after)
        return unexpected(after.error());
    if (!until)
        return unexpected(until.error());
    q.date = *date;
    q.after = *after;
    q.until = *until;
    const QString direction = item(query, u"direction"_s);
    if (direction == u"asc")
        q.newestFirst = false;
    else if (!direction.isEmpty() && direction != u"desc")
        return unexpected(u"direction must be asc or desc"_s);
    if (query.hasQueryItem(u"page_size"_s)) {
        bool ok = false;
        q.pageSize = item(query, u"page_size"_s).toInt(&ok);
        if (!ok)
            return unexpected(
                u"page_size must be a whole number from 1 to %1"_s.arg(ActivityQuery::kMaxPageSize));
    }
    q.pageToken = item(query, u"page_token"_s);
    if (q.pageToken.size() > kMaxTokenLength)
        return unexpected(u"page_token is too long"_s);
    if (const auto checked = q.toUrlQuery(); !checked)
        return unexpected(checked.error().toString());
    return q;
}

Expected<PortfolioHistoryQuery, QString> historyQueryFrom(const QUrlQuery &query)
{
    using Q = PortfolioHistoryQuery;
    Q q;
    q.period = item(query, u"period"_s);
    if (const QString tf = item(query, u"timeframe"_s); !tf.isEmpty()) {
        const auto parsed = Q::timeframeFromWire(tf);
        if (!parsed)
            return unexpected(u"timeframe must be 1Min, 5Min, 15Min, 1H or 1D"_s);
        q.timeframe = *parsed;
    }
    const auto start = instant(query, u"start"_s);
    const auto end = instant(query, u"end"_s);
    const auto dateEnd = day(query, u"date_end"_s);
    if (!start)
        return unexpected(start.error());
    if (!end)
        return unexpected(end.error());
    if (!dateEnd)
        return unexpected(dateEnd.error());
    q.start = *start;
    q.end = *end;
    q.dateEnd = *dateEnd;
    if (const QString extended = item(query, u"extended_hours"_s); !extended.isEmpty()) {
        if (extended != u"true" && extended != u"false")
            return unexpected(u"extended_hours must be true or false"_s);
        q.extendedHours = extended == u"true";
    }
    const QString reporting = item(query, u"intraday_reporting"_s);
    if (reporting == u"market_hours")
        q.intradayReporting = Q::IntradayReporting::MarketHours;
    else if (reporting == u"extended_hours")
        q.intradayReporting = Q::IntradayReporting::ExtendedHours;
    else if (reporting == u"continuous")
        q.intradayReporting = Q::IntradayReporting::Continuous;
    else if (!reporting.isEmpty())
        return unexpected(u"intraday_reporting must be market_hours, extended_hours or continuous"_s);
    const QString reset = item(query, u"pnl_reset"_s);
    if (reset == u"per_day")
        q.pnlReset = Q::PnlReset::PerDay;
    else if (reset == u"no_reset")
        q.pnlReset = Q::PnlReset::NoReset;
    else if (!reset.isEmpty())
        return unexpected(u"pnl_reset must be per_day or no_reset"_s);
    q.cashflowTypes = typeList(item(query, u"cashflow_types"_s));
    if (const auto checked = q.toUrlQuery(); !checked)
        return unexpected(checked.error().toString());
    return q;
}

QJsonObject historyJson(const PortfolioHistory &h)
{
    QJsonArray points;
    for (const PortfolioHistory::Point &p : h.points)
        points.append(QJsonObject{{u"timestamp"_s, p.timestamp.toString()},
                                  {u"equity"_s, p.equity.toString()},
                                  {u"profit_loss"_s, p.profitLoss.toString()},
                                  {u"profit_loss_pct"_s, exact(p.profitLossPct)}});
    QJsonObject cashflow;
    for (auto it = h.cashflow.cbegin(); it != h.cashflow.cend(); ++it) {
        QJsonArray values;
        for (const Decimal &d : it.value())
            values.append(d.toString());
        cashflow.insert(it.key(), values);
    }
    return {{u"timeframe"_s, h.timeframe},
            {u"base_value"_s, exact(h.baseValue)},
            {u"base_value_asof"_s, h.baseValueAsOf ? QJsonValue(h.baseValueAsOf->toString(Qt::ISODate))
                                                   : QJsonValue(QJsonValue::Null)},
            {u"points"_s, points},
            {u"cashflow"_s, cashflow}};
}

RouteSpec spec(Method method, const QString &path, const QString &operationId, const QString &summary,
               const QString &tag)
{
    RouteSpec s;
    s.method = method;
    s.path = path;
    s.operationId = operationId;
    s.summary = summary;
    s.tag = tag;
    s.bearer = true;
    s.errors = {400, 404, 429, 502};
    return s;
}

} // namespace

AccountDataRoutes::AccountDataRoutes(Broker &broker, BrokerageAccountRepository &accounts,
                                     const AssetCatalog *catalog, const MarketFeed *feed, QObject *parent)
    : QObject(parent), m_broker(broker), m_access(accounts), m_catalog(catalog), m_feed(feed)
{}

QHttpServerResponse AccountDataRoutes::failure(const BrokerError &error)
{
    using K = BrokerError::Kind;
    switch (error.kind) {
    case K::InvalidRequest:
        return invalidQuery(error.message);
    case K::NotFound:
        return errorResponse(Status::NotFound, u"not_found"_s, error.message);
    case K::RateLimited:
        return errorResponse(Status::TooManyRequests, u"broker_rate_limited"_s, error.message);
    default:
        break;
    }
    qCWarning(lcServer) << "broker read failed:" << error.kindName() << error.message;
    return errorResponse(Status::BadGateway, u"broker_error"_s,
                         u"the broker could not answer: "_s + error.message);
}

std::optional<QHttpServerResponse> AccountDataRoutes::refuse(const RequestContext &c) const
{
    return m_access.check(c, AccountAccess::Use::Read);
}

void AccountDataRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec s = spec(Method::Get, AccountAccess::path(u"/activities"_s), u"accountActivities"_s,
                           u"One page of the account's activities, newest first: trades (FILL) and cash "
                           "movements (CSD, CSW …). ?activity_types=FILL,CSD ?date=YYYY-MM-DD or "
                           "?after=/?until=RFC 3339 ?direction=desc|asc ?page_size=1-100 (default 50) "
                           "?page_token=<next_page_token>"_s,
                           u"portfolio"_s);
        s.responseSchema = u"ActivityPage"_s;
        router.add(s,
                   [this](const QHttpServerRequest &r, const RequestContext &c) { return activities(r, c); });
    }
    {
        RouteSpec s =
            spec(Method::Get, AccountAccess::path(u"/history"_s), u"portfolioHistory"_s,
                 u"The account's equity over time, one point per window. ?period=<n>D|W|M|A "
                 "?timeframe=1Min|5Min|15Min|1H|1D ?start=/?end=RFC 3339 ?date_end=YYYY-MM-DD "
                 "?extended_hours=true|false ?intraday_reporting= ?pnl_reset= ?cashflow_types=CSD,CSW"_s,
                 u"portfolio"_s);
        s.responseSchema = u"PortfolioHistory"_s;
        router.add(s, [this](const QHttpServerRequest &r, const RequestContext &c) { return history(r, c); });
    }
    {
        RouteSpec s = spec(Method::Get, u"/api/v1/assets/{symbol}"_s, u"assetProfile"_s,
                           u"Company profile from the broker's asset data (name, exchange, class, "
                           "tradable, fractionable, shortable, marginable, easy_to_borrow, attributes), "
                           "the catalog's type and sector when known, and the feed's last price (null when "
                           "the feed has none)"_s,
                           u"market"_s);
        s.responseSchema = u"AssetProfile"_s;
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) { return profile(c); });
    }
}

QFuture<QHttpServerResponse> AccountDataRoutes::activities(const QHttpServerRequest &request,
                                                           const RequestContext &c)
{
    if (auto refused = refuse(c))
        return ready(std::move(*refused));
    const auto query = activityQueryFrom(request.query());
    if (!query)
        return ready(invalidQuery(query.error()));
    const int pageSize = query->pageSize;
    return m_broker.activityPage(AccountAccess::accountOf(c), *query)
        .then(this, [pageSize](const BrokerResult<QList<Activity>> &page) {
            if (!page)
                return failure(page.error());
            QJsonArray out;
            for (const Activity &a : *page)
                out.append(a.toJson());
            // A full page may have a successor; an empty next page is the (cheap) end of the list.
            const bool full = page->size() >= pageSize && !page->isEmpty();
            return jsonResponse(QJsonObject{{u"activities"_s, out},
                                            {u"next_page_token"_s, full ? QJsonValue(page->constLast().id)
                                                                        : QJsonValue(QJsonValue::Null)}});
        });
}

QFuture<QHttpServerResponse> AccountDataRoutes::history(const QHttpServerRequest &request,
                                                        const RequestContext &c)
{
    if (auto refused = refuse(c))
        return ready(std::move(*refused));
    const auto query = historyQueryFrom(request.query());
    if (!query)
        return ready(invalidQuery(query.error()));
    return m_broker.portfolioHistory(AccountAccess::accountOf(c), *query)
        .then(this, [](const BrokerResult<PortfolioHistory> &h) {
            if (!h)
                return failure(h.error());
            return jsonResponse(historyJson(*h));
        });
}

QFuture<QHttpServerResponse> AccountDataRoutes::profile(const RequestContext &c)
{
    static const QRegularExpression symbolPattern(u"^[A-Z0-9][A-Z0-9./-]{0,31}$"_s);
    const QString symbol = c.path.value(u"symbol"_s).trimmed().toUpper();
    if (!symbolPattern.match(symbol).hasMatch())
        return ready(errorResponse(Status::BadRequest, u"invalid_symbol"_s,
                                   u"a symbol is 1-32 letters, digits, '.', '/' or '-'"_s));
    return m_broker.asset(symbol).then(this, [this, symbol](const BrokerResult<Asset> &asset) {
        if (!asset) {
            if (asset.error().kind == BrokerError::Kind::NotFound)
                return errorResponse(Status::NotFound, u"asset_not_found"_s, u"no asset %1"_s.arg(symbol));
            return failure(asset.error());
        }
        QJsonObject out = asset->toJson();
        const AssetCatalog::Entry *entry = m_catalog ? m_catalog->find(asset->symbol) : nullptr;
        out.insert(u"type"_s,
                   entry && !entry->type.isEmpty() ? QJsonValue(entry->type) : QJsonValue(QJsonValue::Null));
        out.insert(u"sector"_s, entry && !entry->sector.isEmpty() ? QJsonValue(entry->sector)
                                                                  : QJsonValue(QJsonValue::Null));
        // Only what the feed has seen: a missing price stays null rather than a reference price.
        const auto last = m_feed ? m_feed->lastPrice(asset->symbol) : std::nullopt;
        const auto previous = m_feed ? m_feed->previousClose(asset->symbol) : std::nullopt;
        out.insert(u"last_price"_s,
                   last && last->isPositive() ? QJsonValue(last->toString()) : QJsonValue(QJsonValue::Null));
        out.insert(u"previous_close"_s, previous && previous->isPositive() ? QJsonValue(previous->toString())
                                                                           : QJsonValue(QJsonValue::Null));
        return jsonResponse(out);
    });
}

} // namespace clera
