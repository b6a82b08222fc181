#include "core/marketdata/alpacamarketdata.h"
#include "core/marketdata/alpacastream.h"
#include "core/marketdata/previouscloseloader.h"
#include "core/marketdata/symbolregistry.h"
#include "core/marketdata/timeframe.h"
#include "fakes/data/fakealpacadata.h"

#include <QSignalSpy>
#include <QTest>

using namespace clera;
using namespace clera::fake;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

template <typename T> T wait(QFuture<T> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10000))
        qFatal("future never finished");
    return future.result();
}

} // namespace

// Market-data snapshots (previous closes) against a local fake of Alpaca's data API.
class TestAlpacaMarketData : public QObject
{
    Q_OBJECT

private:
    FakeAlpacaData m_fake;

    AlpacaMarketData::Options options(int batchSize = 100) const
    {
        AlpacaMarketData::Options o;
        o.baseUrl = m_fake.baseUrl();
        o.keyId = u"data-key"_s;
        o.secret = u"data-secret"_s;
        o.batchSize = batchSize;
        o.retry.baseDelay = 5ms;
        o.retry.maxDelay = 20ms;
        return o;
    }

    static AlpacaMarketData::BarsRequest bars(const QStringList &symbols)
    {
        AlpacaMarketData::BarsRequest r;
        r.symbols = symbols;
        r.timeframe = u"1Day"_s;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fake.listen() != 0);
        m_fake.setSnapshot(u"AAPL"_s, dec("187.31"), dec("185.02"));
        m_fake.setSnapshot(u"MSFT"_s, dec("401.5"), dec("399.99"));
        m_fake.setSnapshot(u"VOO"_s, dec("624.01"), dec("620"));
        const Timestamp t = *Timestamp::parse(u"2026-01-06T15:01:02.123456789Z");
        m_fake.setLatestTrade(u"AAPL"_s, dec("187.31"), 100, t);
        m_fake.setLatestTrade(u"MSFT"_s, dec("0.3"), 7, t); // 0.1 + 0.2 in binary is not 0.3
        m_fake.setLatestQuote(u"AAPL"_s, dec("187.3"), dec("187.33"), t);
        m_fake.setBarSeries(u"AAPL"_s, 7, dec("187.31"));
        m_fake.setBarSeries(u"MSFT"_s, 5, dec("401.2"));
        m_fake.setBarSeries(u"VOO"_s, 0, dec("600"));
    }

    void timeframes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        for (const char *ok : {"1Min", "5Min", "15Min", "59Min", "1Hour", "4Hour", "23Hour", "1Day", "1Week",
                               "1Month", "2Month", "3Month", "6Month", "12Month"})
            QTest::addRow("%s", ok) << QString::fromLatin1(ok) << true;
        for (const char *bad :
             {"", "Min", "0Min", "60Min", "05Min", "24Hour", "2Day", "2Week", "5Month", "13Month", "5T", "1H",
              "1D", "1day", "1min", " 1Day", "1Day ", "1.5Hour", "-1Min"})
            QTest::addRow("bad '%s'", bad) << QString::fromLatin1(bad) << false;
    }

    void timeframes()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        const auto tf = Timeframe::parse(text);
        QCOMPARE(tf.has_value(), valid);
        if (tf)
            QCOMPARE(tf->toString(), text);
    }

    void latestTradesAndQuotes()
    {
        AlpacaMarketData data(options());
        const auto trades = wait(data.latestTrades({u"AAPL"_s, u"MSFT"_s, u"NOPE"_s}));
        QVERIFY2(trades, qPrintable(trades ? QString() : trades.error().toString()));
        QCOMPARE(trades->size(), 2); // NOPE has no data: absent, not zero
        QCOMPARE(trades->value(u"AAPL"_s).price, dec("187.31"));
        QCOMPARE(trades->value(u"MSFT"_s).price, dec("0.3"));
        QCOMPARE(trades->value(u"MSFT"_s).size, dec("7"));
        QCOMPARE(trades->value(u"AAPL"_s).time.toString(), u"2026-01-06T15:01:02.123456789Z"_s);
        QCOMPARE(trades->value(u"AAPL"_s).conditions, QStringList{u"@"_s});
        QCOMPARE(m_fake.lastAuthScheme(), u"apca"_s);

        const auto quotes = wait(data.latestQuotes({u"AAPL"_s, u"MSFT"_s}));
        QVERIFY(quotes);
        QCOMPARE(quotes->size(), 1);
        QCOMPARE(quotes->value(u"AAPL"_s).bidPrice, dec("187.3"));
        QCOMPARE(quotes->value(u"AAPL"_s).askPrice, dec("187.33"));
        QCOMPARE(quotes->value(u"AAPL"_s).askSize, dec("200"));
    }

    void basicAuthForBrokerSandboxKeys()
    {
        auto o = options();
        o.auth = RestClient::Auth::Basic;
        AlpacaMarketData data(o);
        QVERIFY(wait(data.latestTrades({u"AAPL"_s})));
        QCOMPARE(m_fake.lastAuthScheme(), u"basic"_s);
        o.secret = u"wrong"_s;
        AlpacaMarketData wrong(o);
        const auto r = wait(wrong.bars(bars({u"AAPL"_s})));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, MarketDataError::Kind::Api);
        QCOMPARE(r.error().api.httpStatus, 401);
        QCOMPARE(r.error().api.code, 40110000);
    }

    void barsFollowPagesAndMergePerSymbol()
    {
        AlpacaMarketData data(options());
        auto request = bars({u"MSFT"_s, u"VOO"_s, u"AAPL"_s, u"NOPE"_s});
        request.pageSize = 4; // 12 bars over AAPL and MSFT: pages of 4, 4, 4
        request.timeframe = u"15Min"_s;
        request.adjustment = AlpacaMarketData::Adjustment::Split;
        const int before = m_fake.barRequests();
        const auto r = wait(data.bars(request));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(m_fake.barRequests() - before, 3);
        QCOMPARE(r->size(), 2); // VOO and NOPE have no bars: absent
        const QList<StockBar> aapl = r->value(u"AAPL"_s);
        const QList<StockBar> msft = r->value(u"MSFT"_s);
        QCOMPARE(aapl.size(), 7); // split over pages 1 and 2
        QCOMPARE(msft.size(), 5); // split over pages 2 and 3
        for (qsizetype i = 0; i < aapl.size(); ++i) {
            QCOMPARE(aapl.at(i).time.nanos(),
                     FakeAlpacaData::firstBarTime().nanos() + i * 15 * 60'000'000'000LL);
            QCOMPARE(aapl.at(i).open, dec("187.31") + dec("0.01") * Decimal(int(i)));
            QCOMPARE(aapl.at(i).volume, 1000 + i);
        }
        // Exact decimals: no binary noise survives the JSON numbers.
        QCOMPARE(aapl.at(0).open.toString(), u"187.31"_s);
        QCOMPARE(aapl.at(0).high.toString(), u"187.81"_s);
        QCOMPARE(aapl.at(0).low.toString(), u"187.06"_s);
        QCOMPARE(aapl.at(0).close.toString(), u"187.44"_s);
        QCOMPARE(aapl.at(0).vwap->toString(), u"187.381"_s);
        QCOMPARE(aapl.at(0).tradeCount, 10);
        QCOMPARE(msft.at(4).close.toString(), u"401.37"_s);

        const QList<QUrlQuery> queries = m_fake.barQueries().mid(before);
        QVERIFY(!queries.at(0).hasQueryItem(u"page_token"_s));
        QVERIFY(queries.at(1).hasQueryItem(u"page_token"_s));
        QVERIFY(queries.at(2).queryItemValue(u"page_token"_s) !=
                queries.at(1).queryItemValue(u"page_token"_s));
        for (const QUrlQuery &q : queries) {
            QCOMPARE(q.queryItemValue(u"timeframe"_s), u"15Min"_s);
            QCOMPARE(q.queryItemValue(u"limit"_s), u"4"_s);
            QCOMPARE(q.queryItemValue(u"adjustment"_s), u"split"_s);
            QCOMPARE(q.queryItemValue(u"feed"_s), u"iex"_s);
            QCOMPARE(q.queryItemValue(u"symbols"_s, QUrl::FullyDecoded), u"MSFT,VOO,AAPL,NOPE"_s);
        }
    }

    void limitCountsAcrossSymbolsAndPages()
    {
        AlpacaMarketData data(options());
        auto request = bars({u"AAPL"_s, u"MSFT"_s});
        request.pageSize = 4;
        request.limit = 9;
        const int before = m_fake.barRequests();
        const auto r = wait(data.bars(request));
        QVERIFY(r);
        QCOMPARE(m_fake.barRequests() - before, 3);
        QCOMPARE(r->value(u"AAPL"_s).size(), 7);
        QCOMPARE(r->value(u"MSFT"_s).size(), 2);
        QCOMPARE(m_fake.barQueries().last().queryItemValue(u"limit"_s), u"1"_s); // 9 − 4 − 4
    }

    void startAndEndAreSent()
    {
        AlpacaMarketData data(options());
        auto request = bars({u"AAPL"_s});
        request.timeframe = u"1Day"_s;
        request.start = *Timestamp::parse(u"2026-01-06T00:00:00Z");
        request.end = *Timestamp::parse(u"2026-01-08T23:59:59Z");
        const auto r = wait(data.bars(request));
        QVERIFY(r);
        QCOMPARE(r->value(u"AAPL"_s).size(), 3); // days 2, 3 and 4 of the series
        QCOMPARE(r->value(u"AAPL"_s).first().open, dec("187.32"));
        QCOMPARE(m_fake.barQueries().last().queryItemValue(u"start"_s, QUrl::FullyDecoded),
                 u"2026-01-06T00:00:00Z"_s);
    }

    void singleSymbolBars()
    {
        AlpacaMarketData data(options());
        auto request = bars({});
        request.pageSize = 3;
        const int before = m_fake.barRequests();
        const auto r = wait(data.bars(u"AAPL"_s, request));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(m_fake.barRequests() - before, 3);
        QCOMPARE(r->size(), 7);
        QCOMPARE(r->at(6).open, dec("187.37"));
        QVERIFY(!m_fake.barQueries().last().hasQueryItem(u"symbols"_s));

        const auto none = wait(data.bars(u"NOPE"_s, request)); // "bars": null
        QVERIFY(none);
        QVERIFY(none->isEmpty());
    }

    void invalidTimeframeIsRejectedBeforeSending_data()
    {
        QTest::addColumn<QString>("timeframe");
        for (const char *bad : {"5T", "60Min", "0Min", "1day", "2Day", "24Hour", "", "1Minute"})
            QTest::addRow("'%s'", bad) << QString::fromLatin1(bad);
    }

    void invalidTimeframeIsRejectedBeforeSending()
    {
        QFETCH(QString, timeframe);
        AlpacaMarketData data(options());
        auto request = bars({u"AAPL"_s});
        request.timeframe = timeframe;
        const int before = m_fake.barRequests();
        const auto multi = wait(data.bars(request));
        const auto single = wait(data.bars(u"AAPL"_s, request));
        QCOMPARE(m_fake.barRequests(), before);
        QVERIFY(!multi && !single);
        QCOMPARE(multi.error().kind, MarketDataError::Kind::InvalidTimeframe);
        QCOMPARE(single.error().kind, MarketDataError::Kind::InvalidTimeframe);
        QCOMPARE(multi.error().api.httpStatus, 0);
    }

    void invalidTimeframeFromTheServer()
    {
        // 4Month is listed by Alpaca's skills (so the client lets it through) but not by the SDKs,
        // which the fake follows: the server's 422 must come back as the same typed error.
        AlpacaMarketData data(options());
        auto request = bars({u"AAPL"_s});
        request.timeframe = u"4Month"_s;
        const auto r = wait(data.bars(request));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, MarketDataError::Kind::InvalidTimeframe);
        QCOMPARE(r.error().api.httpStatus, 422);
        QCOMPARE(r.error().api.code, 42210000);
        QCOMPARE(r.error().message, u"invalid timeframe"_s);
    }

    void unexpectedParameterIs400()
    {
        RestClient rest(RestClient::Options{m_fake.baseUrl(), RestClient::Auth::ApcaHeaders, u"data-key"_s,
                                            u"data-secret"_s, 5000ms, RetryPolicy::none()});
        const auto r = wait(
            rest.send(RestRequest::get(u"/v2/stocks/trades/latest"_s,
                                       QUrlQuery{{u"symbols"_s, u"AAPL"_s}, {u"timeframe"_s, u"1Day"_s}})));
        QVERIFY(!r);
        QCOMPARE(r.error().httpStatus, 400);
        QCOMPARE(r.error().code, 40010000);
        QCOMPARE(r.error().message, u"unexpected parameter(s): timeframe"_s);
    }

    void malformedBodiesAreDecodeErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("where");
        QTest::addRow("not json") << QByteArray("<html>bad gateway</html>") << u"invalid JSON"_s;
        QTest::addRow("array") << QByteArray("[]") << u"bars"_s;
        QTest::addRow("bars is an array") << QByteArray(R"({"bars":[]})") << u"bars"_s;
        QTest::addRow("symbol is an object") << QByteArray(R"({"bars":{"AAPL":{}}})") << u"bars.AAPL"_s;
        QTest::addRow("price is text")
            << QByteArray(
                   R"({"bars":{"AAPL":[{"t":"2026-01-05T14:30:00Z","o":"abc","h":1,"l":1,"c":1,"v":1}]}})")
            << u"bars.AAPL[0].o"_s;
        QTest::addRow("bad time") << QByteArray(
                                         R"({"bars":{"AAPL":[{"t":"yesterday","o":1,"h":1,"l":1,"c":1}]}})")
                                  << u"bars.AAPL[0].t"_s;
        QTest::addRow("missing close")
            << QByteArray(R"({"bars":{"AAPL":[{"t":"2026-01-05T14:30:00Z","o":1,"h":1,"l":1}]}})")
            << u"bars.AAPL[0].c"_s;
        QTest::addRow("token is a number")
            << QByteArray(R"({"bars":{},"next_page_token":5})") << u"next_page_token"_s;
    }

    void malformedBodiesAreDecodeErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, where);
        AlpacaMarketData data(options());
        m_fake.respondNextWith(body);
        const auto r = wait(data.bars(bars({u"AAPL"_s})));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, MarketDataError::Kind::Api);
        QCOMPARE(r.error().api.kind, ApiError::Kind::Decode);
        QVERIFY2(r.error().message.contains(where), qPrintable(r.error().message));
    }

    void malformedLatestBodies()
    {
        AlpacaMarketData data(options());
        m_fake.respondNextWith(R"({"trades":[]})");
        auto r = wait(data.latestTrades({u"AAPL"_s}));
        QVERIFY(!r);
        QCOMPARE(r.error().api.kind, ApiError::Kind::Decode);
        m_fake.respondNextWith(R"({"trades":{"AAPL":{"t":"2026-01-05T14:30:00Z","p":"x"}}})");
        r = wait(data.latestTrades({u"AAPL"_s}));
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(u"trades.AAPL.p"_s), qPrintable(r.error().message));
        m_fake.respondNextWith(R"({"quotes":{"AAPL":[]}})");
        const auto q = wait(data.latestQuotes({u"AAPL"_s}));
        QVERIFY(!q);
        QCOMPARE(q.error().api.kind, ApiError::Kind::Decode);
        QVERIFY(wait(data.latestQuotes({u"NOPE"_s}))->isEmpty()); // {"quotes":{}} is fine
    }

    void endlessPagingStopsAtTheCap()
    {
        auto o = options();
        o.maxPages = 5;
        AlpacaMarketData data(o);
        m_fake.setEndlessPaging(true);
        const int before = m_fake.barRequests();
        const auto r = wait(data.bars(bars({u"AAPL"_s})));
        m_fake.setEndlessPaging(false);
        QVERIFY(!r);
        QCOMPARE(r.error().kind, MarketDataError::Kind::TooManyPages);
        QCOMPARE(m_fake.barRequests() - before, 5);
    }

    void repeatedPageTokenStops()
    {
        AlpacaMarketData data(options());
        const QByteArray page = R"({"bars":{"AAPL":[]},"next_page_token":"c2FtZQ=="})";
        m_fake.respondNextWith(page, 200, 2);
        const int before = m_fake.barRequests();
        const auto r = wait(data.bars(bars({u"AAPL"_s})));
        QCOMPARE(m_fake.barRequests() - before, 2);
        QVERIFY(!r);
        QCOMPARE(r.error().kind, MarketDataError::Kind::TooManyPages);
    }

    void decodesTheReferenceShape()
    {
        const auto doc =
            QJsonDocument::fromJson(R"({"MSFT":{"latestTrade":{"t":"2026-01-06T15:01:02.5Z","x":"V",
            "p":404.21,"s":100,"c":["@"],"i":42,"z":"C"},"latestQuote":null,"minuteBar":null,
            "dailyBar":{"t":"2026-01-06T05:00:00Z","o":401.2,"h":405.9,"l":399.8,"c":404.3,"v":1,"n":1,"vw":403.1},
            "prevDailyBar":{"t":"2026-01-05T05:00:00Z","o":401.2,"h":405.9,"l":399.8,"c":404.3,"v":18234567,
            "n":251003,"vw":403.117}},"NODATA":null})");
        const auto r = AlpacaMarketData::decodeSnapshots(doc);
        QVERIFY(r);
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->value(u"MSFT"_s).previousClose.value(), dec("404.3"));
        QCOMPARE(r->value(u"MSFT"_s).latestTradePrice.value(), dec("404.21"));
        QCOMPARE(r->value(u"MSFT"_s).latestTradeTime->toString(), u"2026-01-06T15:01:02.5Z"_s);
    }

    void malformedSnapshotIsADecodeError()
    {
        const auto r = AlpacaMarketData::decodeSnapshots(
            QJsonDocument::fromJson(R"({"MSFT":{"prevDailyBar":{"c":"abc"}}})"));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, ApiError::Kind::Decode);
        QVERIFY2(r.error().message.contains(u"prevDailyBar.c"_s), qPrintable(r.error().message));
        QVERIFY(!AlpacaMarketData::decodeSnapshots(QJsonDocument::fromJson("[]")));
    }

    void snapshotsAreBatchedAndMerged()
    {
        AlpacaMarketData data(options(2));
        const int before = m_fake.snapshotRequests();
        const auto r = wait(data.snapshots({u"AAPL"_s, u"MSFT"_s, u"VOO"_s, u"NOPE"_s, u"ZZZZ"_s}));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(m_fake.snapshotRequests() - before, 3);
        QCOMPARE(r->size(), 3); // symbols without data are absent, not zero
        QCOMPARE(r->value(u"AAPL"_s).previousClose.value(), dec("185.02"));
        QVERIFY(!r->contains(u"NOPE"_s));
    }

    void serverErrorsAreRetriedThenReported()
    {
        AlpacaMarketData data(options());
        m_fake.failNext(1, 500);
        QVERIFY(wait(data.snapshots({u"AAPL"_s}))); // one retry heals it
        m_fake.failNext(100, 500);
        const auto r = wait(data.snapshots({u"AAPL"_s}));
        QVERIFY(!r);
        QCOMPARE(r.error().httpStatus, 500);
        m_fake.failNext(0, 500);
    }

    void wrongKeysAreUnauthorized()
    {
        auto o = options();
        o.secret = u"wrong"_s;
        AlpacaMarketData data(o);
        const auto r = wait(data.snapshots({u"AAPL"_s}));
        QVERIFY(!r);
        QCOMPARE(r.error().httpStatus, 401);
    }

    void loaderGivesTheStreamPreviousCloses()
    {
        AlpacaStream stream(AlpacaStream::Options{}); // never started: only its price book is used
        SymbolRegistry registry(&stream);
        AlpacaMarketData data(options());
        PreviousCloseLoader loader(&registry, &stream, &data, 1h, 50ms);
        QSignalSpy changed(&stream, &MarketFeed::previousCloseChanged);
        registry.setHolderSymbols(u"acct"_s, {u"AAPL"_s, u"MSFT"_s, u"NOPE"_s});
        QTRY_COMPARE(changed.count(), 2);
        QCOMPARE(stream.previousClose(u"AAPL"_s).value(), dec("185.02"));
        QCOMPARE(stream.previousClose(u"MSFT"_s).value(), dec("399.99"));
        QVERIFY(!stream.previousClose(u"NOPE"_s)); // unknown stays unknown
    }

    void loaderRetriesAfterAFailure()
    {
        AlpacaStream stream(AlpacaStream::Options{});
        SymbolRegistry registry(&stream);
        auto o = options();
        o.retry.maxAttempts = 1;
        AlpacaMarketData data(o);
        PreviousCloseLoader loader(&registry, &stream, &data, 1h, 50ms);
        QSignalSpy failed(&loader, &PreviousCloseLoader::failed);
        m_fake.failNext(1, 503);
        registry.setHolderSymbols(u"acct"_s, {u"VOO"_s});
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(!stream.previousClose(u"VOO"_s));
        QTRY_COMPARE(stream.previousClose(u"VOO"_s).value_or(Decimal()), dec("620"));
    }
};

QTEST_GUILESS_MAIN(TestAlpacaMarketData)
#include "tst_alpacamarketdata.moc"
