#pragma once

#include "core/domain/decimal.h"
#include "core/domain/expected.h"
#include "core/domain/timestamp.h"
#include "core/realtime/portfolioengine.h"
#include "core/realtime/portfolioupdate.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The keys, channels and payloads the scale-out roles exchange over the bus (docs/redis.md). Every
// amount is an exact decimal string; payloads are compact JSON.
namespace clera::BusWire {

inline constexpr char kAccountsKey[] = "accounts";     // set of account ids (collector)
inline constexpr char kSymbolsKey[] = "symbols";       // set of held symbols (collector)
inline constexpr char kSymbolsChannel[] = "symbols";   // {"added":[…],"removed":[…]}
inline constexpr char kHoldingsChannel[] = "holdings"; // an AccountHoldings
inline constexpr char kPricesChannel[] = "prices";     // a price frame
inline constexpr char kMarketDataLock[] = "lock:market-data";
inline constexpr char kWatchesChannel[] = "watches";   // a WatchMessage

[[nodiscard]] QByteArray holdingsKey(const QString &accountId);      // "holdings:<id>"
[[nodiscard]] QByteArray priceKey(const QString &symbol);            // "price:<SYM>"
[[nodiscard]] QByteArray valueKey(const QString &accountId);         // "value:<id>"
[[nodiscard]] QByteArray portfolioChannel(const QString &accountId); // "portfolio:<id>"
// The account id of a portfolio channel, or empty.
[[nodiscard]] QString accountOfChannel(const QByteArray &channel);

// One account's cash and positions as the collector read them; `removed` when the account is gone.
// positions carry the day basis of today's return (DayBook): closeQty where the symbol traded today
// (a symbol sold out today is a position with qty 0), and dayCash the net cash of today's trades;
// nullopt when unknown (a payload of a collector older than the field: today's return unknown).
struct AccountHoldings
{
    QString accountId;
    Decimal cash;
    QList<PortfolioEngine::Holding> positions;
    Timestamp collectedAt;
    bool removed = false;
    std::optional<Decimal> dayCash = std::nullopt;

    friend bool operator==(const AccountHoldings &a, const AccountHoldings &b)
    {
        if (a.accountId != b.accountId || a.cash != b.cash || a.removed != b.removed ||
            a.dayCash != b.dayCash || a.positions.size() != b.positions.size())
            return false;
        for (qsizetype i = 0; i < a.positions.size(); ++i)
            if (a.positions[i].symbol != b.positions[i].symbol || a.positions[i].qty != b.positions[i].qty
                || a.positions[i].closeQty != b.positions[i].closeQty)
                return false;
        return true; // collectedAt is not part of the content
    }
};
[[nodiscard]] QByteArray encode(const AccountHoldings &holdings);
[[nodiscard]] Expected<AccountHoldings, QString> decodeHoldings(const QByteArray &payload);

// A symbol's latest trade price and previous close: the value of price:<SYM> and an entry of a frame.
struct PriceEntry
{
    QString symbol;
    Decimal price;
    std::optional<Decimal> previousClose;
    Timestamp time;
};
[[nodiscard]] QByteArray encodeEntry(const PriceEntry &entry); // without the symbol (it is in the key)
[[nodiscard]] Expected<PriceEntry, QString> decodeEntry(const QString &symbol, const QByteArray &payload);
// One message per feed frame: {"prices":{"AAPL":{…entry…},…}}, a symbol once (its last entry).
[[nodiscard]] QByteArray encodeFrame(const QList<PriceEntry> &entries);
// The same from entries already encoded (encodeEntry), so that a trade is encoded once for both its
// price:<SYM> key and the frame. Both are written straight into bytes, byte for byte what QJsonDocument
// writes (keys in its order), without building QJsonObjects: the market-data leader does this 50,000
// times a second at full scale.
struct EncodedEntry
{
    QString symbol;
    QByteArray json;
};
[[nodiscard]] QByteArray encodeFrame(QList<EncodedEntry> entries);
[[nodiscard]] Expected<QList<PriceEntry>, QString> decodeFrame(const QByteArray &payload);

struct SymbolChange
{
    QStringList added;
    QStringList removed;
};
[[nodiscard]] QByteArray encode(const SymbolChange &change);
[[nodiscard]] Expected<SymbolChange, QString> decodeSymbolChange(const QByteArray &payload);

// Which accounts the websocket instances watch, so the calculator publishes portfolio:<id> only for those:
// an instance announces each watch (add) and unwatch (remove), and its whole set (all) when it connects,
// when asked (query, from a calculator that starts or reconnects) and every lease period; a calculator
// forgets an instance it has not heard from for three lease periods (one that died).
struct WatchMessage
{
    enum class Op { Add, Remove, All, Query };
    Op op = Op::Query;
    QString instance; // empty for a query
    QStringList accounts;
};
inline constexpr int kWatchLeaseMs = 10'000;
[[nodiscard]] QByteArray encode(const WatchMessage &message);
[[nodiscard]] Expected<WatchMessage, QString> decodeWatch(const QByteArray &payload);

// The portfolio_update message of the WebSocket (PortfolioUpdate::toJson) and back.
[[nodiscard]] QByteArray encode(const PortfolioUpdate &update);
[[nodiscard]] Expected<PortfolioUpdate, QString> decodeUpdate(const QByteArray &payload);

} // namespace clera::BusWire
