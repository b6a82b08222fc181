#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QHash>
#include <QHttpServer>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

class QHttpServerRequest;
class QHttpServerResponse;

namespace clera::fake {

// Alpaca's market-data REST API on a local port (reference §5.0), with APCA headers (or Basic, as
// Broker API sandbox keys use):
//   GET /v2/stocks/snapshots?symbols=A,B          bare map of symbol → snapshot
//   GET /v2/stocks/trades/latest?symbols=A,B      {"trades":{"A":Trade}}
//   GET /v2/stocks/quotes/latest?symbols=A,B      {"quotes":{"A":Quote}}
//   GET /v2/stocks/bars?symbols=A,B&timeframe=…   {"bars":{"A":[Bar…]},"next_page_token":…}
//   GET /v2/stocks/{symbol}/bars?timeframe=…      {"bars":[Bar…],"symbol":"A","next_page_token":…}
// Symbols without data are absent. Bars are generated deterministically (see setBarSeries), sorted by
// symbol then time; `limit` (default 1000, 1–10000) counts across symbols and the opaque base64
// next_page_token continues where the page stopped. A timeframe outside the SDKs' list answers 422
// {"code":42210000,"message":"invalid timeframe"}; a query parameter the endpoint does not know
// answers 400 "unexpected parameter(s): …".
class FakeAlpacaData : public QObject
{
    Q_OBJECT
public:
    explicit FakeAlpacaData(QObject *parent = nullptr);

    [[nodiscard]] quint16 listen(); // 0 on failure
    [[nodiscard]] QUrl baseUrl() const;
    void setCredentials(const QString &keyId, const QString &secret);

    void setSnapshot(const QString &symbol, Decimal lastTrade, Decimal previousClose);
    void setLatestTrade(const QString &symbol, Decimal price, qint64 size, Timestamp time);
    void setLatestQuote(const QString &symbol, Decimal bid, Decimal ask, Timestamp time);
    // `count` bars from 2026-01-05T14:30:00Z, one per timeframe step. Bar i: o = firstOpen + i × 0.01,
    // h = o + 0.5, l = o − 0.25, c = o + 0.13, vw = o + 0.071, v = 1000 + i, n = 10 + i.
    void setBarSeries(const QString &symbol, int count, Decimal firstOpen);
    [[nodiscard]] static Timestamp firstBarTime();

    // The next `count` requests (any endpoint) answer with this HTTP status (500, 429 …).
    void failNext(int count, int status)
    {
        m_failures = count;
        m_failureStatus = status;
    }
    // The next `count` requests are answered with exactly this body (a malformed upstream).
    void respondNextWith(const QByteArray &body, int status = 200, int count = 1)
    {
        m_rawBody = body;
        m_rawStatus = status;
        m_rawCount = count;
    }
    // Every bars page carries a fresh next_page_token, even past the data (a broken upstream).
    void setEndlessPaging(bool endless) { m_endless = endless; }

    [[nodiscard]] int snapshotRequests() const { return m_requests; }
    [[nodiscard]] QList<QStringList> requestedSymbols() const { return m_requested; }
    [[nodiscard]] int barRequests() const { return int(m_barQueries.size()); }
    [[nodiscard]] const QList<QUrlQuery> &barQueries() const { return m_barQueries; }
    // "apca" or "basic": how the last authorized request authenticated.
    [[nodiscard]] QString lastAuthScheme() const { return m_lastAuth; }

    // The SDKs' list, strict: [1-59]Min|T, [1-23]Hour|H, 1Day|D, 1Week|W, [1,2,3,6,12]Month|M.
    [[nodiscard]] static bool isValidTimeframe(const QString &timeframe);

private:
    struct Snapshot
    {
        Decimal lastTrade;
        Decimal previousClose;
    };
    struct Trade
    {
        Decimal price;
        qint64 size = 0;
        Timestamp time;
    };
    struct Quote
    {
        Decimal bid;
        Decimal ask;
        Timestamp time;
    };
    struct Series
    {
        int count = 0;
        Decimal firstOpen;
    };

    [[nodiscard]] std::optional<QHttpServerResponse> gate(const QHttpServerRequest &request,
                                                          const QStringList &allowedParameters);
    [[nodiscard]] QHttpServerResponse snapshots(const QUrlQuery &query);
    [[nodiscard]] QHttpServerResponse latest(const QUrlQuery &query, bool trades) const;
    [[nodiscard]] QHttpServerResponse bars(const QUrlQuery &query, const QString &singleSymbol);

    QHttpServer m_server;
    quint16 m_port = 0;
    QString m_keyId = QStringLiteral("data-key");
    QString m_secret = QStringLiteral("data-secret");
    QHash<QString, Snapshot> m_snapshots;
    QHash<QString, Trade> m_trades;
    QHash<QString, Quote> m_quotes;
    QHash<QString, Series> m_series;
    int m_failures = 0;
    int m_failureStatus = 500;
    QByteArray m_rawBody;
    int m_rawStatus = 200;
    int m_rawCount = 0;
    bool m_endless = false;
    int m_requests = 0;
    QList<QStringList> m_requested;
    QList<QUrlQuery> m_barQueries;
    QString m_lastAuth;
};

} // namespace clera::fake
