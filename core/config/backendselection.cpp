#include "backendselection.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Expected<QUrl, QString> urlSetting(const Config &config, const QString &name, const QString &fallback,
                                   QStringList schemes)
{
    const QString text = config.value(name).isEmpty() ? fallback : config.value(name);
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || !schemes.contains(url.scheme()) || url.host().isEmpty())
        return unexpected(u"%1 must be a %2 URL (got '%3')"_s.arg(name, schemes.join(u'/'), text));
    return url;
}

} // namespace

QString BackendSelection::name(BrokerKind kind)
{
    switch (kind) {
    case BrokerKind::Sim:
        return u"sim"_s;
    case BrokerKind::Alpaca:
        return u"alpaca"_s;
    case BrokerKind::AlpacaTrading:
        return u"alpaca-trading"_s;
    }
    return u"sim"_s;
}

QString BackendSelection::name(FeedKind kind)
{
    return kind == FeedKind::Alpaca ? u"alpaca"_s : u"sim"_s;
}

Expected<BackendSelection, QString> BackendSelection::from(const Config &config, Config::Scope scope)
{
    BackendSelection s;
    s.brokerKey = config.value(u"BROKER_API_KEY"_s);
    s.brokerSecret = config.value(u"BROKER_SECRET_KEY"_s);
    s.tradingKey = config.value(u"APCA_API_KEY_ID"_s);
    s.tradingSecret = config.value(u"APCA_API_SECRET"_s);

    const QString sandbox = config.value(u"ALPACA_SANDBOX"_s).toLower();
    if (sandbox != u"true" && sandbox != u"false" && !sandbox.isEmpty())
        return unexpected(u"ALPACA_SANDBOX must be true or false (got '%1')"_s.arg(sandbox));
    s.sandbox = sandbox != u"false";

    const QString broker = config.value(u"CLERA_BROKER"_s);
    if (broker.isEmpty() && scope == Config::App)
        s.broker = s.tradingKey.isEmpty() ? BrokerKind::Sim : BrokerKind::AlpacaTrading;
    else if (broker.isEmpty())
        s.broker = s.brokerKey.isEmpty() ? BrokerKind::Sim : BrokerKind::Alpaca;
    else if (broker == u"sim")
        s.broker = BrokerKind::Sim;
    else if (broker == u"alpaca")
        s.broker = BrokerKind::Alpaca;
    else if (broker == u"alpaca-trading")
        s.broker = BrokerKind::AlpacaTrading;
    else
        return unexpected(u"CLERA_BROKER must be sim, alpaca or alpaca-trading (got '%1')"_s.arg(broker));

    const QString feed = config.value(u"CLERA_FEED"_s);
    const bool anyKeys = !s.brokerKey.isEmpty() || !s.tradingKey.isEmpty();
    if (feed.isEmpty())
        s.feed = anyKeys ? FeedKind::Alpaca : FeedKind::Sim;
    else if (feed == u"sim")
        s.feed = FeedKind::Sim;
    else if (feed == u"alpaca")
        s.feed = FeedKind::Alpaca;
    else
        return unexpected(u"CLERA_FEED must be sim or alpaca (got '%1')"_s.arg(feed));

    if (s.broker == BrokerKind::Alpaca && (s.brokerKey.isEmpty() || s.brokerSecret.isEmpty()))
        return unexpected(u"CLERA_BROKER=alpaca needs BROKER_API_KEY and BROKER_SECRET_KEY"_s);
    if (s.broker == BrokerKind::AlpacaTrading && (s.tradingKey.isEmpty() || s.tradingSecret.isEmpty()))
        return unexpected(u"CLERA_BROKER=alpaca-trading needs APCA_API_KEY_ID and APCA_API_SECRET"_s);

    const auto brokerUrl = urlSetting(config, u"ALPACA_BROKER_API_URL"_s,
                                      s.sandbox ? u"https://broker-api.sandbox.alpaca.markets"_s
                                                : u"https://broker-api.alpaca.markets"_s,
                                      {u"https"_s, u"http"_s});
    if (!brokerUrl)
        return unexpected(brokerUrl.error());
    s.brokerApiUrl = *brokerUrl;
    const auto eventsUrl =
        urlSetting(config, u"ALPACA_BROKER_EVENTS_URL"_s, s.brokerApiUrl.toString(), {u"https"_s, u"http"_s});
    if (!eventsUrl)
        return unexpected(eventsUrl.error());
    s.brokerEventsUrl = *eventsUrl;
    const auto tradingUrl =
        urlSetting(config, u"ALPACA_TRADING_API_URL"_s,
                   s.sandbox ? u"https://paper-api.alpaca.markets"_s : u"https://api.alpaca.markets"_s,
                   {u"https"_s, u"http"_s});
    if (!tradingUrl)
        return unexpected(tradingUrl.error());
    s.tradingApiUrl = *tradingUrl;
    const auto tradingStream = urlSetting(config, u"ALPACA_TRADING_STREAM_URL"_s,
                                          s.sandbox ? u"wss://paper-api.alpaca.markets/stream"_s
                                                    : u"wss://api.alpaca.markets/stream"_s,
                                          {u"wss"_s, u"ws"_s});
    if (!tradingStream)
        return unexpected(tradingStream.error());
    s.tradingStreamUrl = *tradingStream;

    // The stream takes the Trading API keys when there are some, else the Broker API keys (whose
    // sandbox has its own data host).
    const bool brokerKeysOnly = s.tradingKey.isEmpty();
    s.streamKey = brokerKeysOnly ? s.brokerKey : s.tradingKey;
    s.streamSecret = brokerKeysOnly ? s.brokerSecret : s.tradingSecret;
    const QString dataFeed =
        config.value(u"ALPACA_DATA_FEED"_s).isEmpty() ? u"iex"_s : config.value(u"ALPACA_DATA_FEED"_s);
    if (dataFeed != u"iex" && dataFeed != u"sip")
        return unexpected(u"ALPACA_DATA_FEED must be iex or sip (got '%1')"_s.arg(dataFeed));
    s.dataFeed = dataFeed;
    const QString streamHost = s.sandbox && brokerKeysOnly ? u"wss://stream.data.sandbox.alpaca.markets"_s
                                                           : u"wss://stream.data.alpaca.markets"_s;
    const auto streamUrl = urlSetting(config, u"ALPACA_DATA_STREAM_URL"_s, streamHost + u"/v2/"_s + dataFeed,
                                      {u"wss"_s, u"ws"_s});
    if (!streamUrl)
        return unexpected(streamUrl.error());
    s.streamUrl = *streamUrl;
    const auto dataUrl = urlSetting(config, u"ALPACA_DATA_API_URL"_s,
                                    s.sandbox && brokerKeysOnly ? u"https://data.sandbox.alpaca.markets"_s
                                                                : u"https://data.alpaca.markets"_s,
                                    {u"https"_s, u"http"_s});
    if (!dataUrl)
        return unexpected(dataUrl.error());
    s.dataApiUrl = *dataUrl;
    s.dataBasicAuth = brokerKeysOnly;
    const auto stale = config.seconds(u"ALPACA_STREAM_STALE_TIMEOUT"_s);
    if (!stale)
        return unexpected(stale.error());
    if (*stale < std::chrono::seconds(1))
        return unexpected(u"ALPACA_STREAM_STALE_TIMEOUT must be at least 1 second"_s);
    s.streamStaleAfter = *stale;
    if (s.feed == FeedKind::Alpaca && (s.streamKey.isEmpty() || s.streamSecret.isEmpty()))
        return unexpected(
            u"CLERA_FEED=alpaca needs APCA_API_KEY_ID/APCA_API_SECRET or BROKER_API_KEY/BROKER_SECRET_KEY"_s);
    return s;
}

QString BackendSelection::describe() const
{
    QString brokerText = name(broker);
    if (broker == BrokerKind::Alpaca)
        brokerText += u" ("_s + brokerApiUrl.toString() + u')';
    else if (broker == BrokerKind::AlpacaTrading)
        brokerText += u" ("_s + tradingApiUrl.toString() + u')';
    QString feedText = name(feed);
    if (feed == FeedKind::Alpaca)
        feedText += u" ("_s + streamUrl.toString() + u')';
    return u"broker %1, feed %2"_s.arg(brokerText, feedText);
}

} // namespace clera
