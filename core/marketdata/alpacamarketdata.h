#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"
#include "core/marketdata/marketdataerror.h"
#include "core/marketdata/stockbar.h"
#include "core/marketdata/stockquote.h"
#include "core/marketdata/stocktrade.h"
#include "core/net/restclient.h"

#include <QHash>
#include <QObject>

#include <memory>
#include <optional>

namespace clera {

// Alpaca's market-data REST API (reference §5.0): snapshots (previous close and latest trade for the
// live valuation), latest trades and quotes, and historical bars. Symbols are asked for in batches;
// symbols Alpaca has no data for are simply absent from the result. Bars follow next_page_token until
// it is null, up to a page cap, merging the pages per symbol.
class AlpacaMarketData : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl baseUrl;                                          // https://data.alpaca.markets (or a fake)
        RestClient::Auth auth = RestClient::Auth::ApcaHeaders; // Basic for Broker API sandbox keys
        QString keyId;
        QString secret;
        QString feed = QStringLiteral("iex");
        std::chrono::milliseconds timeout{10'000};
        RetryPolicy retry;
        int batchSize = 100; // symbols per request (snapshots, latest trades and quotes)
        int maxPages = 1000; // bars: a next_page_token past this many pages is an error, not a loop
    };
    enum class Adjustment { Raw, Split, Dividend, SpinOff, All };
    struct BarsRequest
    {
        QStringList symbols;                        // ignored by the single-symbol bars()
        QString timeframe = QStringLiteral("1Day"); // as Alpaca spells it, see Timeframe
        std::optional<Timestamp> start; // inclusive; Alpaca's default: the start of the current day
        std::optional<Timestamp> end;   // inclusive; Alpaca's default: now
        int limit = 0;                  // bars in total over all symbols and pages; 0: no limit
        int pageSize = 10'000;          // bars per page over all symbols (Alpaca's `limit`, 1–10000)
        Adjustment adjustment = Adjustment::Raw;
        QString feed; // empty: Options::feed
    };
    struct Snapshot
    {
        std::optional<Decimal> latestTradePrice;
        std::optional<Timestamp> latestTradeTime;
        std::optional<Decimal> previousClose; // prevDailyBar.c
    };
    using Snapshots = QHash<QString, Snapshot>;
    using LatestTrades = QHash<QString, StockTrade>;
    using LatestQuotes = QHash<QString, StockQuote>;
    using Bars = QHash<QString, QList<StockBar>>; // per symbol, oldest first
    template <typename T> using Result = Expected<T, MarketDataError>;

    explicit AlpacaMarketData(Options options, QObject *parent = nullptr);

    [[nodiscard]] QFuture<Expected<Snapshots, ApiError>> snapshots(const QStringList &symbols);
    // Decodes one `GET /v2/stocks/snapshots` body (a bare map of symbol → snapshot).
    [[nodiscard]] static Expected<Snapshots, ApiError> decodeSnapshots(const QJsonDocument &json);

    // GET /v2/stocks/trades/latest and /v2/stocks/quotes/latest.
    [[nodiscard]] QFuture<Result<LatestTrades>> latestTrades(const QStringList &symbols);
    [[nodiscard]] QFuture<Result<LatestQuotes>> latestQuotes(const QStringList &symbols);
    // GET /v2/stocks/bars?symbols=… with every page merged.
    [[nodiscard]] QFuture<Result<Bars>> bars(const BarsRequest &request);
    // GET /v2/stocks/{symbol}/bars with every page merged.
    [[nodiscard]] QFuture<Result<QList<StockBar>>> bars(const QString &symbol, const BarsRequest &request);

    // Decoders of one response body; `next_page_token` is stored in `*nextPageToken` (empty for null).
    [[nodiscard]] static Result<LatestTrades> decodeLatestTrades(const QJsonDocument &json);
    [[nodiscard]] static Result<LatestQuotes> decodeLatestQuotes(const QJsonDocument &json);
    // Multi-symbol page ({"bars":{"A":[…]}}) or, with `symbol` set, single-symbol page ({"bars":[…]}).
    [[nodiscard]] static Result<Bars> decodeBarsPage(const QJsonDocument &json, const QString &symbol,
                                                     QString *nextPageToken);
    // Client-side checks of a bars request (timeframe spelling, limit and page size ranges).
    [[nodiscard]] static std::optional<MarketDataError> validate(const BarsRequest &request);

private:
    struct BarsFetch;
    template <typename T>
    [[nodiscard]] QFuture<Result<QHash<QString, T>>>
    latest(const QString &path, const QStringList &symbols,
           Result<QHash<QString, T>> (*decode)(const QJsonDocument &));
    [[nodiscard]] QFuture<Result<Bars>> fetchBars(const QString &path, const QString &symbol,
                                                  const BarsRequest &request);
    void fetchBarsPage(const std::shared_ptr<BarsFetch> &fetch);

    Options m_options;
    RestClient *m_rest;
};

} // namespace clera
