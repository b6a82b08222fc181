#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"
#include "core/net/restclient.h"

#include <QHash>
#include <QObject>

#include <optional>

namespace clera {

// Alpaca's market-data REST API (reference §5.0), the part the live valuation needs: snapshots, for
// the previous session's close and the latest trade. Symbols are asked for in batches; symbols Alpaca
// has no data for are simply absent from the result.
class AlpacaMarketData : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl baseUrl; // https://data.alpaca.markets (or a fake)
        RestClient::Auth auth = RestClient::Auth::ApcaHeaders; // Basic for Broker API sandbox keys
        QString keyId;
        QString secret;
        QString feed = QStringLiteral("iex");
        std::chrono::milliseconds timeout{10'000};
        RetryPolicy retry;
        int batchSize = 100; // symbols per request
    };
    struct Snapshot
    {
        std::optional<Decimal> latestTradePrice;
        std::optional<Timestamp> latestTradeTime;
        std::optional<Decimal> previousClose; // prevDailyBar.c
    };
    using Snapshots = QHash<QString, Snapshot>;

    explicit AlpacaMarketData(Options options, QObject *parent = nullptr);

    [[nodiscard]] QFuture<Expected<Snapshots, ApiError>> snapshots(const QStringList &symbols);
    // Decodes one `GET /v2/stocks/snapshots` body (a bare map of symbol → snapshot).
    [[nodiscard]] static Expected<Snapshots, ApiError> decodeSnapshots(const QJsonDocument &json);

private:
    Options m_options;
    RestClient *m_rest;
};

} // namespace clera
