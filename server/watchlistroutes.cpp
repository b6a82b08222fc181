#include "watchlistroutes.h"

#include "core/marketdata/assetcatalog.h"
#include "jsonresponse.h"
#include "serverlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

QJsonObject toJson(const WatchlistRecord &w)
{
    return {{u"id"_s, w.id},
            {u"name"_s, w.name},
            {u"symbols"_s, QJsonArray::fromStringList(w.symbols)},
            {u"created_at"_s, w.createdAt.toUTC().toString(Qt::ISODateWithMs)},
            {u"updated_at"_s, w.updatedAt.toUTC().toString(Qt::ISODateWithMs)}};
}

QHttpServerResponse failure(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::Invalid:
        return errorResponse(Status::BadRequest, u"invalid_watchlist"_s, error.message);
    case StoreError::Kind::Conflict:
        return errorResponse(Status::Conflict, u"watchlist_exists"_s, error.message);
    case StoreError::Kind::NotFound:
        return errorResponse(Status::NotFound, u"not_found"_s, error.message);
    default:
        break;
    }
    qCWarning(lcServer) << "watchlist store failed:" << error.kindName() << error.message;
    return errorResponse(Status::InternalServerError, u"internal_error"_s, u"watchlists unavailable"_s);
}

QHttpServerResponse answer(const Expected<WatchlistRecord, StoreError> &result, Status status = Status::Ok)
{
    if (!result)
        return failure(result.error());
    return jsonResponse(toJson(*result), status);
}

QHttpServerResponse unknownSymbol(const QString &message)
{
    return errorResponse(Status::UnprocessableEntity, u"unknown_symbol"_s, message);
}

QString watchlistOf(const RequestContext &c)
{
    return c.path.value(u"watchlist_id"_s);
}

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

RouteSpec spec(Method method, const QString &suffix, const QString &operationId, const QString &summary)
{
    RouteSpec s;
    s.method = method;
    s.path = u"/api/v1/watchlists"_s + suffix;
    s.operationId = operationId;
    s.summary = summary;
    s.tag = u"watchlists"_s;
    s.bearer = true;
    s.responseSchema = u"Watchlist"_s;
    return s;
}

const qsizetype kSymbolListLength = WatchlistRepository::kMaxSymbols * 12;

} // namespace

WatchlistRoutes::WatchlistRoutes(Database &db, const AssetCatalog &catalog, QObject *parent)
    : QObject(parent), m_watchlists(db), m_catalog(catalog)
{}

Expected<QStringList, QString> WatchlistRoutes::symbolsFrom(const QString &text) const
{
    const QStringList symbols = WatchlistRepository::normalizedSymbols(text.split(u','));
    QStringList unknown;
    for (const QString &s : symbols) {
        if (!m_catalog.find(s))
            unknown.append(s);
    }
    if (!unknown.isEmpty())
        return unexpected(u"not a tradable asset: %1"_s.arg(unknown.join(u", "_s)));
    return symbols;
}

void WatchlistRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec s = spec(Method::Get, {}, u"watchlists"_s, u"The caller's watchlists, oldest first"_s);
        s.responseSchema = u"WatchlistList"_s;
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto lists = m_watchlists.listOf(c.user.userId);
            if (!lists)
                return ready(failure(lists.error()));
            QJsonArray out;
            for (const WatchlistRecord &w : *lists)
                out.append(toJson(w));
            return ready(jsonResponse(out));
        });
    }
    {
        RouteSpec s = spec(Method::Post, {}, u"createWatchlist"_s,
                           u"A new watchlist; names are unique per user ignoring case"_s);
        s.body = {{u"name"_s, u"1-64 characters"_s, true, 256},
                  {u"symbols"_s, u"Comma-separated symbols, e.g. \"AAPL,MSFT\" (at most 200)"_s, false,
                   kSymbolListLength}};
        s.status = 201;
        s.errors = {409, 422};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto symbols = symbolsFrom(c.body.value(u"symbols"_s).toString());
            if (!symbols)
                return ready(unknownSymbol(symbols.error()));
            return ready(answer(
                m_watchlists.create(c.user.userId, c.body.value(u"name"_s).toString(), *symbols, now()),
                Status::Created));
        });
    }
    {
        RouteSpec s =
            spec(Method::Get, u"/{watchlist_id}"_s, u"watchlist"_s, u"One of the caller's watchlists"_s);
        s.errors = {404};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            return ready(answer(m_watchlists.find(c.user.userId, watchlistOf(c))));
        });
    }
    {
        RouteSpec s = spec(Method::Put, u"/{watchlist_id}"_s, u"updateWatchlist"_s,
                           u"Rename it and/or replace its symbols (at least one of name and symbols; an "
                           "empty symbols string empties the list)"_s);
        s.body = {{u"name"_s, u"1-64 characters"_s, false, 256},
                  {u"symbols"_s, u"Comma-separated symbols replacing the list"_s, false, kSymbolListLength}};
        s.errors = {404, 409, 422};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            std::optional<QString> name;
            std::optional<QStringList> symbols;
            if (c.body.contains(u"name"_s))
                name = c.body.value(u"name"_s).toString();
            if (c.body.contains(u"symbols"_s)) {
                const auto parsed = symbolsFrom(c.body.value(u"symbols"_s).toString());
                if (!parsed)
                    return ready(unknownSymbol(parsed.error()));
                symbols = *parsed;
            }
            if (!name && !symbols)
                return ready(errorResponse(Status::BadRequest, u"invalid_watchlist"_s,
                                           u"give a name, symbols or both"_s));
            return ready(answer(m_watchlists.update(c.user.userId, watchlistOf(c), name, symbols, now())));
        });
    }
    {
        RouteSpec s =
            spec(Method::Delete, u"/{watchlist_id}"_s, u"deleteWatchlist"_s, u"Delete a watchlist"_s);
        s.status = 204;
        s.responseSchema.clear();
        s.errors = {404};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto removed = m_watchlists.remove(c.user.userId, watchlistOf(c));
            if (!removed)
                return ready(failure(removed.error()));
            return ready(QHttpServerResponse(Status::NoContent));
        });
    }
    {
        RouteSpec s = spec(Method::Post, u"/{watchlist_id}/symbols"_s, u"addWatchlistSymbols"_s,
                           u"Append symbols not on the list yet; answers the watchlist"_s);
        s.body = {{u"symbol"_s, u"A symbol, or several comma-separated"_s, true, kSymbolListLength}};
        s.errors = {404, 422};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            const auto symbols = symbolsFrom(c.body.value(u"symbol"_s).toString());
            if (!symbols)
                return ready(unknownSymbol(symbols.error()));
            if (symbols->isEmpty())
                return ready(
                    errorResponse(Status::BadRequest, u"invalid_watchlist"_s, u"symbol must not be empty"_s));
            return ready(answer(m_watchlists.addSymbols(c.user.userId, watchlistOf(c), *symbols, now())));
        });
    }
    {
        RouteSpec s = spec(Method::Delete, u"/{watchlist_id}/symbols/{symbol}"_s, u"removeWatchlistSymbol"_s,
                           u"Take a symbol off the list; answers the watchlist"_s);
        s.errors = {404};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            return ready(answer(
                m_watchlists.removeSymbol(c.user.userId, watchlistOf(c), c.path.value(u"symbol"_s), now())));
        });
    }
}

} // namespace clera
