#include "core/marketdata/alpacastream.h"
#include "core/marketdata/streamprotocol.h"
#include "fakes/stream/fakealpacastream.h"

#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

namespace {

Decimal dec(const QString &text)
{
    return Decimal::parse(text).value();
}

Timestamp ts(const QString &text)
{
    return Timestamp::parse(text).value();
}

QStringList render(const QList<Tick> &batch)
{
    QStringList out;
    for (const Tick &t : batch)
        out.append(t.symbol + u'=' + t.price.toString());
    return out;
}

// Every ticks() batch and every status message of one feed.
struct Recorder
{
    explicit Recorder(AlpacaStream &feed)
    {
        QObject::connect(&feed, &MarketFeed::ticks, &context,
                         [this](const QList<Tick> &b) { batches.append(b); });
        QObject::connect(&feed, &MarketFeed::statusChanged, &context, [this, &feed] {
            messages.append(feed.statusMessage());
            if (feed.statusMessage().startsWith(u"Reconnecting"))
                delays.append(feed.lastReconnectDelayMs());
        });
    }
    QObject context;
    QList<QList<Tick>> batches;
    QStringList messages;
    QList<int> delays;
};

AlpacaStream::Options fastOptions(const FakeAlpacaStream &fake)
{
    AlpacaStream::Options o;
    o.url = fake.url();
    o.keyId = u"fake-key"_s;
    o.secret = u"fake-secret"_s;
    o.reconnectBaseMs = 20;
    o.reconnectMaxMs = 200;
    o.jitter = 0;
    o.pingIntervalMs = 100;
    o.staleAfterMs = 400;
    o.authTimeoutMs = 3000;
    return o;
}

const QStringList kAaplMsft{u"AAPL"_s, u"MSFT"_s};

} // namespace

class TestAlpacaStream : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeAlpacaStream> m_fake;

    std::unique_ptr<AlpacaStream> liveStream(const QStringList &symbols, AlpacaStream::Options options)
    {
        auto stream = std::make_unique<AlpacaStream>(options);
        stream->subscribe(symbols);
        stream->start();
        [&] {
            QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
            QTRY_COMPARE(stream->confirmedSubscriptions(), stream->subscriptions());
        }();
        return stream;
    }
    std::unique_ptr<AlpacaStream> liveStream(const QStringList &symbols)
    {
        return liveStream(symbols, fastOptions(*m_fake));
    }

private Q_SLOTS:
    void init()
    {
        m_fake = std::make_unique<FakeAlpacaStream>();
        QVERIFY2(m_fake->listen(), qPrintable(m_fake->errorString()));
    }
    void cleanup() { m_fake.reset(); }

    void connectsAuthenticatesAndSubscribes()
    {
        AlpacaStream stream(fastOptions(*m_fake));
        QCOMPARE(stream.name(), u"alpaca"_s);
        QCOMPARE(stream.status(), MarketFeed::Status::Disconnected);
        Recorder rec(stream);
        stream.subscribe({u"MSFT"_s, u"AAPL"_s, u"AAPL"_s});
        QCOMPARE(stream.subscriptions(), kAaplMsft);
        stream.start();
        QTRY_COMPARE(stream.status(), MarketFeed::Status::Live);
        QTRY_COMPARE(m_fake->subscribedTrades(), kAaplMsft);
        QCOMPARE(m_fake->subscribedQuotes(), kAaplMsft);
        QTRY_COMPARE(stream.statusMessage(), u"Live — 2 symbols"_s);
        QCOMPARE(m_fake->receivedMessages().first(),
                 u"{\"action\":\"auth\",\"key\":\"fake-key\",\"secret\":\"fake-secret\"}"_s);
        QVERIFY(rec.messages.contains(u"Authenticating with 127.0.0.1"_s));
        for (const QString &m : std::as_const(rec.messages))
            QVERIFY2(!m.contains(u"fake-secret"_s), qPrintable(m));
        QCOMPARE(stream.connectAttempts(), 1);
    }

    void subscribeIsBatched()
    {
        AlpacaStream::Options o = fastOptions(*m_fake);
        o.batchSize = 2;
        const QStringList symbols{u"A"_s, u"B"_s, u"C"_s, u"D"_s, u"E"_s};
        auto stream = liveStream(symbols, o);
        QCOMPARE(m_fake->subscribedTrades(), symbols);
        QCOMPARE(m_fake->receivedMessages().size(), 1 + 3); // auth + ⌈5 / 2⌉ subscribes
        QCOMPARE(m_fake->receivedMessages().at(3),
                 u"{\"action\":\"subscribe\",\"quotes\":[\"E\"],\"trades\":[\"E\"]}"_s);
    }

    void ticksAreDecodedExactly_data()
    {
        QTest::addColumn<QString>("price");
        QTest::addColumn<QString>("time");
        QTest::addRow("187.31") << u"187.31"_s << u"2026-01-06T15:01:02.5Z"_s;
        QTest::addRow("whole") << u"412"_s << u"2026-01-06T15:01:02Z"_s;
        QTest::addRow("sub-cent") << u"0.0001"_s << u"2026-01-06T15:01:02.123456789Z"_s;
        QTest::addRow("six digits") << u"99.999999"_s << u"2026-01-06T15:01:02.000001Z"_s;
        QTest::addRow("large") << u"612345.67"_s << u"2026-01-06T15:01:02.12Z"_s;
    }
    void ticksAreDecodedExactly()
    {
        QFETCH(QString, price);
        QFETCH(QString, time);
        auto stream = liveStream({u"AAPL"_s});
        Recorder rec(*stream);
        m_fake->publishTrades({{u"AAPL"_s, dec(price), ts(time)}});
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(rec.batches.first().size(), 1);
        const Tick tick = rec.batches.first().first();
        QCOMPARE(tick.symbol, u"AAPL"_s);
        QCOMPARE(tick.price.toString(), price);
        QCOMPARE(tick.time, ts(time));
        QCOMPARE(stream->lastPrice(u"AAPL"_s), dec(price));
    }

    void timeStampsWithAnyNumberOfDigits()
    {
        auto stream = liveStream({u"AAPL"_s});
        Recorder rec(*stream);
        QList<FakeAlpacaStream::Trade> trades;
        for (int i = 0; i < 10; ++i)
            trades.append({u"AAPL"_s, Decimal(100 + i), ts(u"2026-01-06T15:01:02Z"_s)});
        m_fake->publishTrades(trades); // the fake cycles 0–9 fractional digits
        QTRY_COMPARE(rec.batches.size(), 1);
        for (const Tick &t : std::as_const(rec.batches.first()))
            QCOMPARE(t.time, ts(u"2026-01-06T15:01:02Z"_s));
    }

    void batchedFrameIsOneSignal()
    {
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        const Timestamp t = Timestamp::now();
        m_fake->publishTrades({{u"AAPL"_s, dec(u"187.31"_s), t},
                               {u"MSFT"_s, dec(u"402.5"_s), t},
                               {u"AAPL"_s, dec(u"187.32"_s), t}});
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(render(rec.batches.first()),
                 (QStringList{u"AAPL=187.31"_s, u"MSFT=402.5"_s, u"AAPL=187.32"_s}));
        QCOMPARE(stream->lastPrice(u"AAPL"_s), dec(u"187.32"_s));
        QCOMPARE(stream->lastPrice(u"TSLA"_s), std::nullopt);
    }

    void generatedStreamArrivesWholeInFrameBatches()
    {
        const QStringList symbols{u"AAPL"_s, u"AMD"_s, u"MSFT"_s, u"NVDA"_s, u"TSLA"_s};
        auto stream = liveStream(symbols);
        Recorder rec(*stream);
        m_fake->setTradeRate(4000); // 200 trades per 50 ms frame
        QTRY_VERIFY(m_fake->tradesPublished() >= 1000);
        m_fake->setTradeRate(0);
        const auto received = [&rec] {
            qsizetype n = 0;
            for (const auto &b : std::as_const(rec.batches))
                n += b.size();
            return n;
        };
        QTRY_COMPARE(received(), m_fake->tradesPublished());
        QCOMPARE(rec.batches.size(), m_fake->tradesPublished() / 200);
        for (const QString &s : symbols)
            QVERIFY(stream->lastPrice(s).has_value());
    }

    void unsubscribeStopsTheSymbol()
    {
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        stream->unsubscribe({u"MSFT"_s, u"NVDA"_s});
        QCOMPARE(stream->subscriptions(), QStringList{u"AAPL"_s});
        QTRY_COMPARE(m_fake->subscribedTrades(), QStringList{u"AAPL"_s});
        QCOMPARE(m_fake->subscribedQuotes(), QStringList{u"AAPL"_s});
        QTRY_COMPARE(stream->statusMessage(), u"Live — 1 symbol"_s);
        // Data buffered upstream may still arrive for a symbol just unsubscribed.
        m_fake->publishRaw(
            u"[{\"T\":\"t\",\"S\":\"MSFT\",\"p\":402.5,\"t\":\"2026-01-06T15:01:02Z\"},{\"T\":\"t\",\"S\":\"AAPL\",\"p\":187.31,\"t\":\"2026-01-06T15:01:02Z\"}]"_s);
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(render(rec.batches.first()), QStringList{u"AAPL=187.31"_s});
    }

    void changesWhileDisconnectedApplyAfterReconnect()
    {
        auto stream = liveStream({u"AAPL"_s});
        m_fake->setRefuseConnections(true);
        m_fake->dropAll();
        QTRY_VERIFY(stream->connectAttempts() >= 3);
        QCOMPARE(stream->status(), MarketFeed::Status::Connecting);
        stream->subscribe({u"MSFT"_s, u"TSLA"_s});
        stream->unsubscribe({u"AAPL"_s});
        m_fake->setRefuseConnections(false);
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
        QTRY_COMPARE(m_fake->subscribedTrades(), (QStringList{u"MSFT"_s, u"TSLA"_s}));
        QCOMPARE(stream->confirmedSubscriptions(), (QStringList{u"MSFT"_s, u"TSLA"_s}));
    }

    void dropReconnectsAndResubscribesTheFullSet()
    {
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        m_fake->dropAll();
        QTRY_COMPARE(stream->connectAttempts(), 2);
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
        QTRY_COMPARE(m_fake->subscribedTrades(), kAaplMsft);
        QVERIFY(rec.messages.filter(u"Reconnecting in 0.0 s"_s).size() == 1);
        m_fake->publishTrades({{u"MSFT"_s, dec(u"401"_s), Timestamp::now()}});
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(render(rec.batches.first()), QStringList{u"MSFT=401"_s});
    }

    void nonRetryableErrorsStop_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addRow("402 bad credentials") << 402 << u"auth failed (402)"_s;
        QTest::addRow("408") << 408 << u"v2 not enabled (408)"_s;
        QTest::addRow("409") << 409 << u"insufficient subscription (409)"_s;
        QTest::addRow("410") << 410 << u"invalid subscribe action for this feed (410)"_s;
        QTest::addRow("411") << 411 << u"insufficient scope (411)"_s;
    }
    void nonRetryableErrorsStop()
    {
        QFETCH(int, code);
        QFETCH(QString, message);
        AlpacaStream::Options o = fastOptions(*m_fake);
        if (code == 402)
            o.secret = u"wrong"_s;
        else
            m_fake->setAuthError(code);
        AlpacaStream stream(o);
        stream.subscribe({u"AAPL"_s});
        QSignalSpy status(&stream, &MarketFeed::statusChanged);
        stream.start();
        QTRY_COMPARE(stream.statusMessage(), u"Alpaca market data stopped: "_s + message);
        QCOMPARE(stream.status(), MarketFeed::Status::Disconnected);
        QCOMPARE(status.last().first().value<MarketFeed::Status>(), MarketFeed::Status::Disconnected);
        QVERIFY(!stream.isRunning());
        QVERIFY(!stream.isReconnectPending());
        QCOMPARE(stream.connectAttempts(), 1);
        QCOMPARE(m_fake->connectionCount(), 1);
        QVERIFY(!stream.statusMessage().contains(u"wrong"_s));
    }

    void retryableErrorsReconnect_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("reason");
        QTest::addRow("404") << 404 << u"auth timeout"_s;
        QTest::addRow("407") << 407 << u"slow client"_s;
        QTest::addRow("500") << 500 << u"internal error"_s;
    }
    void retryableErrorsReconnect()
    {
        QFETCH(int, code);
        QFETCH(QString, reason);
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        m_fake->sendError(code);
        QTRY_COMPARE(stream->connectAttempts(), 2);
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
        QTRY_COMPARE(m_fake->subscribedTrades(), kAaplMsft);
        QCOMPARE(rec.messages.first(), u"Reconnecting in 0.0 s (%1)"_s.arg(reason));
    }

    void refusedUpgradeStops()
    {
        m_fake->setHandshakeStatus(401);
        AlpacaStream stream(fastOptions(*m_fake));
        stream.start();
        QTRY_COMPARE(stream.status(), MarketFeed::Status::Disconnected);
        QCOMPARE(stream.statusMessage(), u"Alpaca market data stopped: connection refused with HTTP 401"_s);
        QVERIFY(!stream.isReconnectPending());
        QCOMPARE(m_fake->connectionCount(), 1);
    }

    void unavailableUpgradeIsRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::addRow("429") << 429;
        QTest::addRow("503") << 503;
    }
    void unavailableUpgradeIsRetried()
    {
        QFETCH(int, status);
        m_fake->setHandshakeStatus(status);
        AlpacaStream stream(fastOptions(*m_fake));
        stream.start();
        QTRY_COMPARE(stream.statusMessage(), u"Reconnecting in 0.0 s (HTTP %1)"_s.arg(status));
        QTRY_VERIFY(stream.connectAttempts() >= 2);
        m_fake->setHandshakeStatus(0);
        QTRY_COMPARE(stream.status(), MarketFeed::Status::Live);
    }

    void serverAuthTimeoutIsRetried()
    {
        m_fake->options().authTimeoutMs = 100;
        m_fake->setIgnoreAuth(true);
        AlpacaStream stream(fastOptions(*m_fake));
        Recorder rec(stream);
        stream.start();
        QTRY_COMPARE(stream.statusMessage(), u"Reconnecting in 0.0 s (auth timeout)"_s);
        m_fake->setIgnoreAuth(false);
        QTRY_COMPARE(stream.status(), MarketFeed::Status::Live);
    }

    void clientAuthDeadlineIsRetried()
    {
        m_fake->setIgnoreAuth(true);
        AlpacaStream::Options o = fastOptions(*m_fake);
        o.authTimeoutMs = 100;
        AlpacaStream stream(o);
        stream.start();
        QTRY_COMPARE(stream.statusMessage(), u"Reconnecting in 0.0 s (authentication timed out)"_s);
        m_fake->setIgnoreAuth(false);
        QTRY_COMPARE(stream.status(), MarketFeed::Status::Live);
    }

    void connectionLimitRetriesWithGrowingBackoff()
    {
        auto first = liveStream({u"AAPL"_s});
        AlpacaStream::Options o = fastOptions(*m_fake);
        o.reconnectMaxMs = 80;
        AlpacaStream second(o);
        second.subscribe({u"MSFT"_s});
        Recorder rec(second);
        second.start();
        QTRY_VERIFY(second.connectAttempts() >= 5);
        QCOMPARE(second.status(), MarketFeed::Status::Connecting);
        QVERIFY2(rec.messages.contains(u"Reconnecting in 0.0 s (connection limit exceeded)"_s),
                 qPrintable(rec.messages.join(u'\n')));
        QCOMPARE(rec.delays.mid(0, 4), (QList<int>{20, 40, 80, 80}));
        first->stop();
        QTRY_COMPARE(second.status(), MarketFeed::Status::Live);
        QTRY_COMPARE(m_fake->subscribedTrades(), QStringList{u"MSFT"_s});
    }

    void jitterKeepsDelaysApart()
    {
        m_fake->setAuthError(406);
        AlpacaStream::Options o = fastOptions(*m_fake);
        o.reconnectBaseMs = 10;
        o.reconnectMaxMs = 10;
        o.jitter = 0.5;
        AlpacaStream stream(o);
        Recorder rec(stream);
        stream.start();
        QTRY_VERIFY(rec.delays.size() >= 8);
        for (int d : std::as_const(rec.delays))
            QVERIFY2(d >= 5 && d <= 15, qPrintable(QString::number(d)));
        QVERIFY(std::any_of(rec.delays.cbegin(), rec.delays.cend(),
                            [&rec](int d) { return d != rec.delays.first(); }));
    }

    void symbolLimitDegradesAndKeepsStreaming()
    {
        m_fake->options().symbolLimit = 2;
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        stream->subscribe({u"TSLA"_s});
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Degraded);
        QCOMPARE(stream->statusMessage(),
                 u"Degraded — symbol limit exceeded (405): 2 of 3 symbols streaming"_s);
        QCOMPARE(m_fake->subscribedTrades(), kAaplMsft);
        QCOMPARE(stream->subscriptions(), (QStringList{u"AAPL"_s, u"MSFT"_s, u"TSLA"_s}));
        m_fake->publishTrades({{u"AAPL"_s, dec(u"187.31"_s), Timestamp::now()}});
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(stream->connectAttempts(), 1);
        stream->unsubscribe({u"TSLA"_s});
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
        QCOMPARE(stream->statusMessage(), u"Live — 2 symbols"_s);
    }

    void silentConnectionIsReplaced()
    {
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        m_fake->setSilent(true);
        QTRY_VERIFY_WITH_TIMEOUT(stream->connectAttempts() >= 2, 5000);
        QVERIFY(rec.messages.contains(u"Reconnecting in 0.0 s (connection silent for 0.4 s)"_s));
        QTRY_COMPARE_WITH_TIMEOUT(stream->status(), MarketFeed::Status::Live, 5000);
        QTRY_COMPARE(m_fake->subscribedTrades(), kAaplMsft);
        m_fake->publishTrades({{u"AAPL"_s, dec(u"188"_s), Timestamp::now()}});
        QTRY_COMPARE(rec.batches.size(), 1);
    }

    void quietConnectionIsKeptByPongs()
    {
        auto stream = liveStream(kAaplMsft);
        // A negative check needs time: three staleness deadlines without data, answered pings only.
        QTest::qWait(3 * stream->options().staleAfterMs);
        QCOMPARE(stream->connectAttempts(), 1);
        QCOMPARE(stream->status(), MarketFeed::Status::Live);
    }

    void quoteMidpointOnlyBeforeTheFirstTrade()
    {
        auto stream = liveStream(kAaplMsft);
        Recorder rec(*stream);
        const Timestamp t = Timestamp::now();
        m_fake->publishQuote(u"AAPL"_s, dec(u"100.10"_s), dec(u"100.21"_s), t);
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(render(rec.batches.last()), QStringList{u"AAPL=100.155"_s});
        QCOMPARE(stream->lastPrice(u"AAPL"_s), dec(u"100.155"_s));
        m_fake->publishTrades({{u"AAPL"_s, dec(u"100.12"_s), t}});
        QTRY_COMPARE(rec.batches.size(), 2);
        // Quotes for a traded symbol are dropped upstream, and ignored if still in flight.
        QTRY_COMPARE(m_fake->subscribedQuotes(), QStringList{u"MSFT"_s});
        QCOMPARE(m_fake->subscribedTrades(), kAaplMsft);
        m_fake->publishRaw(
            u"[{\"T\":\"q\",\"S\":\"AAPL\",\"bp\":101,\"ap\":101.2,\"t\":\"2026-01-06T15:01:02Z\"},"
            "{\"T\":\"q\",\"S\":\"MSFT\",\"bp\":0,\"ap\":402,\"t\":\"2026-01-06T15:01:02Z\"}]"_s);
        m_fake->publishTrades({{u"MSFT"_s, dec(u"401"_s), t}});
        QTRY_COMPARE(rec.batches.size(), 3);
        QCOMPARE(render(rec.batches.last()), QStringList{u"MSFT=401"_s});
        QCOMPARE(stream->lastPrice(u"AAPL"_s), dec(u"100.12"_s));
        QTRY_COMPARE(m_fake->subscribedQuotes(), QStringList{});

        // After a reconnect only symbols that never traded get quotes again.
        stream->subscribe({u"TSLA"_s});
        m_fake->dropAll();
        QTRY_COMPARE(stream->connectAttempts(), 2);
        QTRY_COMPARE(m_fake->subscribedTrades(), (QStringList{u"AAPL"_s, u"MSFT"_s, u"TSLA"_s}));
        QTRY_COMPARE(m_fake->subscribedQuotes(), QStringList{u"TSLA"_s});
    }

    void malformedFramesAreIgnored()
    {
        auto stream = liveStream({u"AAPL"_s});
        Recorder rec(*stream);
        m_fake->publishRaw(u"not json"_s);
        m_fake->publishRaw(u"{\"T\":\"t\"}"_s);
        m_fake->publishRaw(u"[1,\"x\"]"_s);
        m_fake->publishRaw(
            u"[{\"T\":\"t\",\"S\":\"AAPL\",\"p\":\"abc\",\"t\":\"2026-01-06T15:01:02Z\"},"
            "{\"T\":\"t\",\"S\":\"AAPL\",\"p\":-1,\"t\":\"2026-01-06T15:01:02Z\"},"
            "{\"T\":\"t\",\"S\":\"AAPL\",\"p\":187.31},"
            "{\"T\":\"t\",\"S\":\"AAPL\",\"p\":187.31,\"t\":\"yesterday\"},"
            "{\"T\":\"b\",\"S\":\"AAPL\",\"o\":1,\"h\":1,\"l\":1,\"c\":1,\"v\":1,\"t\":\"2026-01-06T15:00:"
            "00Z\"},"
            "{\"T\":\"t\",\"S\":\"AAPL\",\"p\":187.33,\"t\":\"2026-01-06T15:01:02-05:00\"}]"_s);
        QTRY_COMPARE(rec.batches.size(), 1);
        QCOMPARE(render(rec.batches.first()), QStringList{u"AAPL=187.33"_s});
        QCOMPARE(rec.batches.first().first().time, ts(u"2026-01-06T20:01:02Z"_s));
        QCOMPARE(stream->status(), MarketFeed::Status::Live);
        QCOMPARE(stream->statusMessage(), u"Live — 1 symbol; ignored a malformed message"_s);
        QCOMPARE(stream->connectAttempts(), 1);
    }

    void parserReportsEachBadElement_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addColumn<int>("messages");
        QTest::addColumn<int>("problems");
        QTest::addRow("empty array") << u"[]"_s << 0 << 0;
        QTest::addRow("truncated") << u"[{\"T\":\"t\""_s << 0 << 1;
        QTest::addRow("object") << u"{}"_s << 0 << 1;
        QTest::addRow("no T") << u"[{\"S\":\"AAPL\"}]"_s << 0 << 1;
        QTest::addRow("error without code") << u"[{\"T\":\"error\",\"msg\":\"x\"}]"_s << 0 << 1;
        QTest::addRow("quote without ask")
            << u"[{\"T\":\"q\",\"S\":\"A\",\"bp\":1,\"t\":\"2026-01-06T15:01:02Z\"}]"_s << 0 << 1;
        QTest::addRow("mixed") << u"[{\"T\":\"success\",\"msg\":\"connected\"},{\"T\":\"n\"},7]"_s << 2 << 1;
    }
    void parserReportsEachBadElement()
    {
        QFETCH(QString, frame);
        QFETCH(int, messages);
        QFETCH(int, problems);
        const StreamFrame parsed = parseStreamFrame(frame.toUtf8());
        QCOMPARE(parsed.messages.size(), messages);
        QCOMPARE(parsed.problems.size(), problems);
    }

    void feedUrls()
    {
        QCOMPARE(AlpacaStream::feedUrl(u"iex"_s), QUrl(u"wss://stream.data.alpaca.markets/v2/iex"_s));
        QCOMPARE(AlpacaStream::feedUrl(u"sip"_s, true),
                 QUrl(u"wss://stream.data.sandbox.alpaca.markets/v2/sip"_s));
        QCOMPARE(AlpacaStream::feedUrl(u"test"_s), QUrl(u"wss://stream.data.alpaca.markets/v2/test"_s));
    }

    void previousCloseIsUnknownUntilSet()
    {
        AlpacaStream stream(fastOptions(*m_fake));
        QCOMPARE(stream.previousClose(u"AAPL"_s), std::nullopt);
        QSignalSpy changed(&stream, &MarketFeed::previousCloseChanged);
        stream.setPreviousCloses({{u"AAPL"_s, dec(u"185.5"_s)}, {u"MSFT"_s, dec(u"400"_s)}});
        QCOMPARE(changed.size(), 2);
        QCOMPARE(stream.previousClose(u"AAPL"_s), dec(u"185.5"_s));
        stream.setPreviousCloses({{u"AAPL"_s, dec(u"185.5"_s)}});
        QCOMPARE(changed.size(), 2);
        stream.setPreviousCloses({{u"AAPL"_s, dec(u"186"_s)}});
        QCOMPARE(changed.size(), 3);
        QCOMPARE(changed.last().first().toString(), u"AAPL"_s);
    }

    void stopIsFinalUntilStart()
    {
        auto stream = liveStream({u"AAPL"_s});
        stream->stop();
        QCOMPARE(stream->status(), MarketFeed::Status::Disconnected);
        QVERIFY(!stream->isReconnectPending());
        QTRY_COMPARE(m_fake->sessionCount(), 0);
        stream->start();
        QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
    }

    void secretNeverLogged()
    {
        QLoggingCategory::setFilterRules(u"clera.*.debug=true"_s);
        static QStringList logged;
        logged.clear();
        const auto previous = qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &, const QString &msg) { logged.append(msg); });
        {
            m_fake->setAuthError(0);
            auto stream = liveStream({u"AAPL"_s});
            m_fake->dropAll();
            QTRY_COMPARE(stream->connectAttempts(), 2);
            QTRY_COMPARE(stream->status(), MarketFeed::Status::Live);
        }
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules(u"clera.*.debug=false"_s);
        QVERIFY(!logged.isEmpty());
        for (const QString &line : std::as_const(logged))
            QVERIFY2(!line.contains(u"fake-secret"_s), qPrintable(line));
    }
};

QTEST_GUILESS_MAIN(TestAlpacaStream)
#include "tst_alpacastream.moc"
