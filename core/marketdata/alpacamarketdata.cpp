#include "alpacamarketdata.h"

#include "core/domain/jsonreader.h"
#include "core/marketdata/marketdatalog.h"
#include "core/marketdata/timeframe.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPromise>
#include <QSet>

#include <memory>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

ApiError decodeError(const QString &message)
{
    ApiError e;
    e.kind = ApiError::Kind::Decode;
    e.message = message;
    return e;
}

MarketDataError decodeFailure(const QString &message)
{
    return MarketDataError::fromApi(decodeError(message));
}

QString adjustmentName(AlpacaMarketData::Adjustment a)
{
    switch (a) {
    case AlpacaMarketData::Adjustment::Raw:
        return u"raw"_s;
    case AlpacaMarketData::Adjustment::Split:
        return u"split"_s;
    case AlpacaMarketData::Adjustment::Dividend:
        return u"dividend"_s;
    case AlpacaMarketData::Adjustment::SpinOff:
        return u"spin-off"_s;
    case AlpacaMarketData::Adjustment::All:
        return u"all"_s;
    }
    return u"raw"_s;
}

// {"<key>": {"A": {…}, "B": {…}}}: one object per symbol; symbols without data are absent (or null).
template <typename T>
Expected<QHash<QString, T>, MarketDataError> decodeLatestMap(const QJsonDocument &json, const QString &key)
{
    const QJsonValue map = json.object().value(key);
    if (!json.isObject() || !(map.isObject() || map.isNull()))
        return unexpected(decodeFailure(u"%1: expected an object of symbol → %1"_s.arg(key)));
    QHash<QString, T> out;
    const QJsonObject bySymbol = map.toObject();
    for (auto it = bySymbol.constBegin(); it != bySymbol.constEnd(); ++it) {
        if (it.value().isNull())
            continue;
        auto item = decodeObject<T>(it.value(), key + u'.' + it.key());
        if (!item)
            return unexpected(decodeFailure(item.error().toString()));
        out.insert(it.key(), std::move(item).value());
    }
    return out;
}

Expected<QList<StockBar>, DecodeError> decodeBarList(const QJsonValue &value, const QString &path)
{
    if (value.isNull())
        return QList<StockBar>{};
    return decodeArray<StockBar>(value, path);
}

} // namespace

struct AlpacaMarketData::BarsFetch
{
    QPromise<Result<Bars>> promise;
    QString path;
    QString symbol; // single-symbol endpoint
    QUrlQuery query;
    int limit = 0;
    int pageSize = 10'000;
    int received = 0;
    int pages = 0;
    QString pageToken;
    QSet<QString> seenTokens;
    Bars merged;

    void finish(Result<Bars> result)
    {
        promise.addResult(std::move(result));
        promise.finish();
    }
};

AlpacaMarketData::AlpacaMarketData(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)),
      m_rest(new RestClient(RestClient::Options{m_options.baseUrl, m_options.auth, m_options.keyId,
                                                m_options.secret, m_options.timeout, m_options.retry,
                                                QByteArrayLiteral("Clera")},
                            this))
{}

Expected<AlpacaMarketData::Snapshots, ApiError> AlpacaMarketData::decodeSnapshots(const QJsonDocument &json)
{
    if (!json.isObject())
        return unexpected(decodeError(u"snapshots: expected an object of symbol → snapshot"_s));
    Snapshots out;
    const QJsonObject root = json.object();
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        if (it.value().isNull())
            continue; // no data for this symbol
        if (!it.value().isObject())
            return unexpected(decodeError(u"snapshots.%1: expected an object"_s.arg(it.key())));
        JsonReader r(it.value().toObject(), u"snapshots."_s + it.key());
        Snapshot s;
        if (const auto trade = r.optObject(u"latestTrade")) {
            JsonReader t(*trade, r.pathOf(u"latestTrade"));
            s.latestTradePrice = t.decimal(u"p");
            s.latestTradeTime = t.timestamp(u"t");
            if (!t.ok())
                r.fail(*t.error());
        }
        if (const auto bar = r.optObject(u"prevDailyBar")) {
            JsonReader b(*bar, r.pathOf(u"prevDailyBar"));
            s.previousClose = b.decimal(u"c");
            if (!b.ok())
                r.fail(*b.error());
        }
        if (!r.ok())
            return unexpected(decodeError(r.error()->toString()));
        out.insert(it.key(), s);
    }
    return out;
}

QFuture<Expected<AlpacaMarketData::Snapshots, ApiError>>
AlpacaMarketData::snapshots(const QStringList &symbols)
{
    using Result = Expected<Snapshots, ApiError>;
    struct Gather
    {
        QPromise<Result> promise;
        Snapshots merged;
        int outstanding = 0;
        bool failed = false;
    };
    auto gather = std::make_shared<Gather>();
    gather->promise.start();
    QFuture<Result> future = gather->promise.future();
    if (symbols.isEmpty()) {
        gather->promise.addResult(Result(Snapshots{}));
        gather->promise.finish();
        return future;
    }
    const int batch = std::max(1, m_options.batchSize);
    gather->outstanding = int((symbols.size() + batch - 1) / batch);
    for (qsizetype i = 0; i < symbols.size(); i += batch) {
        QUrlQuery query;
        query.addQueryItem(u"symbols"_s, symbols.mid(i, batch).join(u','));
        query.addQueryItem(u"feed"_s, m_options.feed);
        m_rest->send(RestRequest::get(u"/v2/stocks/snapshots"_s, query))
            .then(this, [gather](const RestResult &r) {
                if (gather->failed)
                    return;
                auto decoded = r ? decodeSnapshots(r->json) : Result(unexpected(r.error()));
                if (!decoded) {
                    gather->failed = true;
                    gather->promise.addResult(Result(unexpected(decoded.error())));
                    gather->promise.finish();
                    return;
                }
                gather->merged.insert(*decoded);
                if (--gather->outstanding == 0) {
                    gather->promise.addResult(Result(gather->merged));
                    gather->promise.finish();
                }
            });
    }
    return future;
}

AlpacaMarketData::Result<AlpacaMarketData::LatestTrades>
AlpacaMarketData::decodeLatestTrades(const QJsonDocument &json)
{
    return decodeLatestMap<StockTrade>(json, u"trades"_s);
}

AlpacaMarketData::Result<AlpacaMarketData::LatestQuotes>
AlpacaMarketData::decodeLatestQuotes(const QJsonDocument &json)
{
    return decodeLatestMap<StockQuote>(json, u"quotes"_s);
}

AlpacaMarketData::Result<AlpacaMarketData::Bars>
AlpacaMarketData::decodeBarsPage(const QJsonDocument &json, const QString &symbol, QString *nextPageToken)
{
    if (!json.isObject())
        return unexpected(decodeFailure(u"bars: expected an object"_s));
    const QJsonObject root = json.object();
    const QJsonValue token = root.value(u"next_page_token");
    if (!(token.isString() || token.isNull() || token.isUndefined()))
        return unexpected(decodeFailure(u"bars.next_page_token: expected a string or null"_s));
    Bars out;
    const QJsonValue bars = root.value(u"bars");
    if (!symbol.isEmpty()) {
        auto list = decodeBarList(bars, u"bars"_s);
        if (!list)
            return unexpected(decodeFailure(list.error().toString()));
        if (!list->isEmpty())
            out.insert(symbol, std::move(list).value());
    } else {
        if (!(bars.isObject() || bars.isNull()))
            return unexpected(decodeFailure(u"bars: expected an object of symbol → bars"_s));
        const QJsonObject bySymbol = bars.toObject();
        for (auto it = bySymbol.constBegin(); it != bySymbol.constEnd(); ++it) {
            auto list = decodeBarList(it.value(), u"bars."_s + it.key());
            if (!list)
                return unexpected(decodeFailure(list.error().toString()));
            if (!list->isEmpty())
                out.insert(it.key(), std::move(list).value());
        }
    }
    if (nextPageToken)
        *nextPageToken = token.toString();
    return out;
}

std::optional<MarketDataError> AlpacaMarketData::validate(const BarsRequest &request)
{
    if (!Timeframe::parse(request.timeframe))
        return MarketDataError::invalid(MarketDataError::Kind::InvalidTimeframe,
                                        u"invalid timeframe \"%1\" (expected e.g. 1Min, 15Min, 1Hour, 1Day, "
                                        "1Week, 1Month)"_s.arg(request.timeframe));
    if (request.limit < 0)
        return MarketDataError::invalid(MarketDataError::Kind::InvalidRequest, u"limit must be ≥ 0"_s);
    if (request.pageSize < 1 || request.pageSize > 10'000)
        return MarketDataError::invalid(MarketDataError::Kind::InvalidRequest,
                                        u"page size must be between 1 and 10000"_s);
    if (request.start && request.end && *request.end < *request.start)
        return MarketDataError::invalid(MarketDataError::Kind::InvalidRequest, u"end is before start"_s);
    return std::nullopt;
}

template <typename T>
QFuture<AlpacaMarketData::Result<QHash<QString, T>>>
AlpacaMarketData::latest(const QString &path, const QStringList &symbols,
                         Result<QHash<QString, T>> (*decode)(const QJsonDocument &))
{
    using Out = Result<QHash<QString, T>>;
    struct Gather
    {
        QPromise<Out> promise;
        QHash<QString, T> merged;
        int outstanding = 0;
        bool failed = false;
    };
    auto gather = std::make_shared<Gather>();
    gather->promise.start();
    QFuture<Out> future = gather->promise.future();
    if (symbols.isEmpty()) {
        gather->promise.addResult(Out(QHash<QString, T>{}));
        gather->promise.finish();
        return future;
    }
    const int batch = std::max(1, m_options.batchSize);
    gather->outstanding = int((symbols.size() + batch - 1) / batch);
    for (qsizetype i = 0; i < symbols.size(); i += batch) {
        QUrlQuery query;
        query.addQueryItem(u"symbols"_s, symbols.mid(i, batch).join(u','));
        query.addQueryItem(u"feed"_s, m_options.feed);
        m_rest->send(RestRequest::get(path, query)).then(this, [gather, decode](const RestResult &r) {
            if (gather->failed)
                return;
            Out decoded = r ? decode(r->json) : Out(unexpected(MarketDataError::fromApi(r.error())));
            if (!decoded) {
                gather->failed = true;
                gather->promise.addResult(Out(unexpected(decoded.error())));
                gather->promise.finish();
                return;
            }
            gather->merged.insert(*decoded);
            if (--gather->outstanding == 0) {
                gather->promise.addResult(Out(gather->merged));
                gather->promise.finish();
            }
        });
    }
    return future;
}

QFuture<AlpacaMarketData::Result<AlpacaMarketData::LatestTrades>>
AlpacaMarketData::latestTrades(const QStringList &symbols)
{
    return latest<StockTrade>(u"/v2/stocks/trades/latest"_s, symbols, &AlpacaMarketData::decodeLatestTrades);
}

QFuture<AlpacaMarketData::Result<AlpacaMarketData::LatestQuotes>>
AlpacaMarketData::latestQuotes(const QStringList &symbols)
{
    return latest<StockQuote>(u"/v2/stocks/quotes/latest"_s, symbols, &AlpacaMarketData::decodeLatestQuotes);
}

QFuture<AlpacaMarketData::Result<AlpacaMarketData::Bars>> AlpacaMarketData::bars(const BarsRequest &request)
{
    return fetchBars(u"/v2/stocks/bars"_s, {}, request);
}

QFuture<AlpacaMarketData::Result<QList<StockBar>>> AlpacaMarketData::bars(const QString &symbol,
                                                                          const BarsRequest &request)
{
    if (symbol.isEmpty()) {
        return QtFuture::makeReadyFuture(Result<QList<StockBar>>(unexpected(
            MarketDataError::invalid(MarketDataError::Kind::InvalidRequest, u"a symbol is required"_s))));
    }
    return fetchBars(u"/v2/stocks/"_s + RestRequest::segment(symbol) + u"/bars"_s, symbol, request)
        .then([symbol](const Result<Bars> &r) -> Result<QList<StockBar>> {
            if (!r)
                return unexpected(r.error());
            return r->value(symbol);
        });
}

QFuture<AlpacaMarketData::Result<AlpacaMarketData::Bars>>
AlpacaMarketData::fetchBars(const QString &path, const QString &symbol, const BarsRequest &request)
{
    auto fetch = std::make_shared<BarsFetch>();
    fetch->promise.start();
    QFuture<Result<Bars>> future = fetch->promise.future();
    if (auto invalid = validate(request)) {
        fetch->finish(unexpected(*invalid));
        return future;
    }
    if (symbol.isEmpty() && request.symbols.isEmpty()) {
        fetch->finish(Bars{});
        return future;
    }
    fetch->path = path;
    fetch->symbol = symbol;
    if (symbol.isEmpty())
        fetch->query.addQueryItem(u"symbols"_s, request.symbols.join(u','));
    fetch->query.addQueryItem(u"timeframe"_s, request.timeframe);
    if (request.start)
        fetch->query.addQueryItem(u"start"_s, request.start->toString());
    if (request.end)
        fetch->query.addQueryItem(u"end"_s, request.end->toString());
    fetch->query.addQueryItem(u"adjustment"_s, adjustmentName(request.adjustment));
    fetch->query.addQueryItem(u"feed"_s, request.feed.isEmpty() ? m_options.feed : request.feed);
    fetch->limit = request.limit;
    fetch->pageSize = request.pageSize;
    fetchBarsPage(fetch);
    return future;
}

void AlpacaMarketData::fetchBarsPage(const std::shared_ptr<BarsFetch> &fetch)
{
    if (fetch->pages >= std::max(1, m_options.maxPages)) {
        qCWarning(lcMarketData) << "bars: still paging after" << fetch->pages << "pages; giving up";
        return fetch->finish(unexpected(MarketDataError::invalid(
            MarketDataError::Kind::TooManyPages,
            u"more than %1 pages of bars; narrow the request"_s.arg(m_options.maxPages))));
    }
    QUrlQuery query = fetch->query;
    const int wanted =
        fetch->limit > 0 ? std::min(fetch->pageSize, fetch->limit - fetch->received) : fetch->pageSize;
    query.addQueryItem(u"limit"_s, QString::number(wanted));
    if (!fetch->pageToken.isEmpty())
        query.addQueryItem(u"page_token"_s, fetch->pageToken);
    ++fetch->pages;
    m_rest->send(RestRequest::get(fetch->path, query)).then(this, [this, fetch](const RestResult &r) {
        if (!r)
            return fetch->finish(unexpected(MarketDataError::fromApi(r.error())));
        QString next;
        auto page = decodeBarsPage(r->json, fetch->symbol, &next);
        if (!page)
            return fetch->finish(unexpected(page.error()));
        // Pages are sorted by symbol, then time: a symbol cut at a page boundary continues on the next.
        for (auto it = page->begin(); it != page->end(); ++it) {
            fetch->received += int(it->size());
            fetch->merged[it.key()].append(std::move(it.value()));
        }
        if (next.isEmpty() || (fetch->limit > 0 && fetch->received >= fetch->limit))
            return fetch->finish(std::move(fetch->merged));
        if (fetch->seenTokens.contains(next)) {
            qCWarning(lcMarketData) << "bars: next_page_token repeated itself; giving up";
            return fetch->finish(unexpected(MarketDataError::invalid(MarketDataError::Kind::TooManyPages,
                                                                     u"next_page_token repeated itself"_s)));
        }
        fetch->seenTokens.insert(next);
        fetch->pageToken = next;
        fetchBarsPage(fetch);
    });
}

} // namespace clera
