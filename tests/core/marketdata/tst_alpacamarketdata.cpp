#include "core/marketdata/alpacamarketdata.h"
#include "core/marketdata/alpacastream.h"
#include "core/marketdata/previouscloseloader.h"
#include "core/marketdata/symbolregistry.h"
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

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_fake.listen() != 0);
        m_fake.setSnapshot(u"AAPL"_s, dec("187.31"), dec("185.02"));
        m_fake.setSnapshot(u"MSFT"_s, dec("401.5"), dec("399.99"));
        m_fake.setSnapshot(u"VOO"_s, dec("624.01"), dec("620"));
    }

    void decodesTheReferenceShape()
    {
        const auto doc = QJsonDocument::fromJson(R"({"MSFT":{"latestTrade":{"t":"2026-01-06T15:01:02.5Z","x":"V",
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
