#pragma once

#include "core/config/config.h"

#include <QUrl>

#include <chrono>

namespace clera {

// Which broker and market feed the settings select, and where and how to reach Alpaca. CLERA_BROKER /
// CLERA_FEED choose explicitly; when unset, keys select Alpaca (see from()), any Alpaca keys select the
// Alpaca stream, and nothing selects the simulation. Plain data: the composition roots
// build the clients from it.
struct BackendSelection
{
    enum class BrokerKind { Sim, Alpaca, AlpacaTrading };
    enum class FeedKind { Sim, Alpaca };

    BrokerKind broker = BrokerKind::Sim;
    FeedKind feed = FeedKind::Sim;
    bool sandbox = true;
    QUrl brokerApiUrl;  // Broker API (alpaca)
    QUrl brokerEventsUrl; // its SSE event streams (the Broker API host unless overridden)
    QUrl tradingApiUrl; // Trading API (alpaca-trading)
    QUrl tradingStreamUrl; // its trade_updates WebSocket
    QUrl streamUrl;     // market-data WebSocket, feed path included
    QUrl dataApiUrl;    // market-data REST (snapshots for previous closes)
    QString dataFeed = QStringLiteral("iex");
    std::chrono::milliseconds streamStaleAfter{30000}; // ALPACA_STREAM_STALE_TIMEOUT
    bool dataBasicAuth = false; // Broker API sandbox keys authenticate to market data with HTTP Basic
    QString brokerKey, brokerSecret;   // BROKER_API_KEY / BROKER_SECRET_KEY
    QString tradingKey, tradingSecret; // APCA_API_KEY_ID / APCA_API_SECRET
    QString streamKey, streamSecret;   // whichever pair the stream uses

    // `scope` decides what keys select when CLERA_BROKER is unset: on the server Broker API keys select
    // alpaca; in the desktop app (one own account) Trading API keys select alpaca-trading.
    [[nodiscard]] static Expected<BackendSelection, QString> from(const Config &config,
                                                                  Config::Scope scope = Config::Server);
    [[nodiscard]] static QString name(BrokerKind kind);
    [[nodiscard]] static QString name(FeedKind kind);
    // "broker alpaca (https://…), feed alpaca (wss://…)": no keys.
    [[nodiscard]] QString describe() const;
};

} // namespace clera
