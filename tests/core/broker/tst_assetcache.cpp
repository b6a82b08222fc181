#include "core/broker/alpacabroker.h"
#include "core/broker/assetcache.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

namespace {

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("call did not finish");
    return f.result();
}

QStringList symbolsOf(const AssetCache &cache)
{
    QStringList out;
    for (const Asset &a : cache.assets())
        out.append(a.symbol);
    out.sort();
    return out;
}

// The fake's active, tradable us_equity assets (OLDCO is inactive, BTC/USD is crypto).
const QStringList kTradable{u"AAPL"_s, u"BRK.A"_s, u"MSFT"_s, u"SPY"_s};

} // namespace

class TestAssetCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void firstStartFetchesAndWritesFile();
    void restartLoadsFileWithoutRequest();
    void dueRefreshByClock();
    void failedRefreshServesStaleCache_data();
    void failedRefreshServesStaleCache();
    void failureWithoutCacheReportsIt();
    void corruptFileIgnoredAndReplaced_data();
    void corruptFileIgnoredAndReplaced();
    void refreshesOnTimer();
    void concurrentRefreshesShareOneRequest();

private:
    [[nodiscard]] AssetCache::Options options() const;
    [[nodiscard]] std::unique_ptr<AssetCache> cache(AssetCache::Options o) const;
    void fillCache();

    std::unique_ptr<FakeAlpacaRest> m_fake;
    std::unique_ptr<AlpacaBroker> m_broker;
    std::unique_ptr<QTemporaryDir> m_dir;
    QDateTime m_now;
};

void TestAssetCache::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    o.keyId = m_fake->brokerCredentials().keyId;
    o.secret = m_fake->brokerCredentials().secret;
    o.timeout = 3000ms;
    o.retry = RetryPolicy::none(); // each injected fault is one failed refresh
    m_broker = std::make_unique<AlpacaBroker>(o);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_now = QDateTime(QDate(2026, 1, 6), QTime(12, 0), Qt::UTC);
}

void TestAssetCache::cleanup()
{
    m_broker.reset();
    m_fake.reset();
    m_dir.reset();
}

AssetCache::Options TestAssetCache::options() const
{
    AssetCache::Options o;
    o.folder = m_dir->path();
    o.clock = [this] { return m_now; };
    return o;
}

std::unique_ptr<AssetCache> TestAssetCache::cache(AssetCache::Options o) const
{
    return std::make_unique<AssetCache>(m_broker.get(), std::move(o));
}

void TestAssetCache::fillCache()
{
    auto c = cache(options());
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    c->start();
    QVERIFY(changed.wait(10'000));
    QCOMPARE(symbolsOf(*c), kTradable);
}

void TestAssetCache::firstStartFetchesAndWritesFile()
{
    auto c = cache(options());
    QVERIFY(c->isStale());
    QCOMPARE(c->staleReason(), u"never fetched"_s);
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    c->start();
    QVERIFY(changed.wait(10'000));

    QCOMPARE(symbolsOf(*c), kTradable);
    QVERIFY(!c->isStale());
    QCOMPARE(c->fetchedAt(), m_now);
    QVERIFY(c->find(u"aapl") != nullptr);
    QCOMPARE(c->find(u"OLDCO"), nullptr);
    const auto request = m_fake->requests("GET", u"/v1/assets"_s).constFirst();
    QCOMPARE(request.query.queryItemValue(u"status"_s), u"active"_s);
    QCOMPARE(request.query.queryItemValue(u"asset_class"_s), u"us_equity"_s);

    QFile file(c->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(root.value(u"version").toInt(), 1);
    QCOMPARE(root.value(u"fetched_at").toString(), u"2026-01-06T12:00:00Z"_s);
    const auto assets = decodeArray<Asset>(root.value(u"assets"));
    QVERIFY(assets.hasValue());
    QCOMPARE(*assets, c->assets());
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files),
             QStringList{u"assets.json"_s}); // no temporaries left
}

void TestAssetCache::restartLoadsFileWithoutRequest()
{
    fillCache();
    m_fake->clearRequests();
    m_now = m_now.addSecs(23 * 3600);
    auto c = cache(options());
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    c->start();
    QCOMPARE(changed.size(), 1); // loaded synchronously from the file
    QCOMPARE(symbolsOf(*c), kTradable);
    QVERIFY(!c->isStale());
    QVERIFY(!c->refreshIfDue());
    QVERIFY(m_fake->requests().isEmpty());
}

void TestAssetCache::dueRefreshByClock()
{
    fillCache();
    m_fake->clearRequests();
    m_now = m_now.addSecs(25 * 3600);
    auto c = cache(options());
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    c->start(); // the file is older than 24 h: loaded, then refreshed at once
    QCOMPARE(changed.size(), 1);
    QVERIFY(c->isStale());
    QVERIFY(c->staleReason().contains(u"1500 min ago"));
    QVERIFY(changed.wait(10'000));
    QCOMPARE(m_fake->requests("GET", u"/v1/assets"_s).size(), 1);
    QCOMPARE(c->fetchedAt(), m_now);
    QVERIFY(!c->isStale());

    m_now = m_now.addSecs(3600);
    QVERIFY(!c->refreshIfDue());
    m_now = m_now.addSecs(24 * 3600);
    QVERIFY(c->refreshIfDue());
    QVERIFY(changed.wait(10'000));
    QCOMPARE(m_fake->requests("GET", u"/v1/assets"_s).size(), 2);
}

void TestAssetCache::failedRefreshServesStaleCache_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QJsonValue>("body");
    QTest::addColumn<QString>("reason");
    QTest::addRow("500") << 500 << QJsonValue() << u"unavailable"_s;
    QTest::addRow("429") << 429 << QJsonValue() << u"rate_limited"_s;
    QTest::addRow("empty list") << 200 << QJsonValue(QJsonArray{}) << u"no active, tradable"_s;
    QTest::addRow("only crypto") << 200
                                 << QJsonValue(QJsonArray{QJsonObject{{u"id"_s, u"b"_s},
                                                                      {u"class"_s, u"crypto"_s},
                                                                      {u"exchange"_s, u"CRYPTO"_s},
                                                                      {u"symbol"_s, u"BTC/USD"_s},
                                                                      {u"name"_s, u"Bitcoin"_s},
                                                                      {u"status"_s, u"active"_s},
                                                                      {u"tradable"_s, true}}})
                                 << u"no active, tradable"_s;
    QTest::addRow("undecodable") << 200 << QJsonValue(QJsonObject{{u"assets"_s, 1}}) << u"decode"_s;
}

void TestAssetCache::failedRefreshServesStaleCache()
{
    QFETCH(int, status);
    QFETCH(QJsonValue, body);
    QFETCH(QString, reason);
    fillCache();
    QFile file(QDir(m_dir->path()).filePath(u"assets.json"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();

    auto c = cache(options());
    c->start();
    const QDateTime fetched = c->fetchedAt();
    m_now = m_now.addSecs(25 * 3600);
    FakeFault fault = FakeFault::respond(status).on("GET", u"/v1/assets"_s);
    fault.body = body;
    m_fake->injectFault(fault);
    QSignalSpy failed(c.get(), &AssetCache::refreshFailed);
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    const auto result = take(c->refresh());
    QVERIFY(!result.hasValue());
    QCOMPARE(failed.size(), 1);
    QCOMPARE(changed.size(), 0);

    QCOMPARE(symbolsOf(*c), kTradable); // still served
    QCOMPARE(c->fetchedAt(), fetched);
    QVERIFY(c->isStale());
    QVERIFY2(c->staleReason().contains(reason), qPrintable(c->staleReason()));
    QVERIFY(c->lastError().has_value());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before); // the good file is kept

    // The next good refresh clears the failure.
    const auto again = take(c->refresh());
    QVERIFY(again.hasValue());
    QCOMPARE(*again, kTradable.size());
    QVERIFY(!c->isStale());
    QVERIFY(!c->lastError());
}

void TestAssetCache::failureWithoutCacheReportsIt()
{
    m_fake->injectFault(FakeFault::respond(503).on("GET", u"/v1/assets"_s));
    auto c = cache(options());
    QSignalSpy failed(c.get(), &AssetCache::refreshFailed);
    c->start();
    QVERIFY(failed.wait(10'000));
    QVERIFY(c->assets().isEmpty());
    QVERIFY(c->isStale());
    QVERIFY(c->staleReason().contains(u"unavailable"));
    QVERIFY(!QFile::exists(c->filePath()));
}

void TestAssetCache::corruptFileIgnoredAndReplaced_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addRow("not JSON") << QByteArray("{\"version\":1,");
    QTest::addRow("unknown version") << QByteArray(
        R"({"version":2,"fetched_at":"2026-01-06T12:00:00Z","assets":[]})");
    QTest::addRow("bad asset") << QByteArray(
        R"({"version":1,"fetched_at":"2026-01-06T12:00:00Z","assets":[{"symbol":"AAPL"}]})");
    QTest::addRow("no assets") << QByteArray(
        R"({"version":1,"fetched_at":"2026-01-06T12:00:00Z","assets":[]})");
    QTest::addRow("no time") << QByteArray(R"({"version":1,"assets":[]})");
}

void TestAssetCache::corruptFileIgnoredAndReplaced()
{
    QFETCH(QByteArray, content);
    QFile file(QDir(m_dir->path()).filePath(u"assets.json"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();

    m_fake->injectFault(FakeFault::respond(500).on("GET", u"/v1/assets"_s));
    auto c = cache(options());
    QSignalSpy failed(c.get(), &AssetCache::refreshFailed);
    c->start();
    QVERIFY(c->assets().isEmpty());
    QVERIFY(c->fileProblem().contains(u"ignored"));
    QVERIFY(failed.wait(10'000));
    QVERIFY(c->staleReason().contains(u"unavailable"));

    QVERIFY(take(c->refresh()).hasValue());
    QCOMPARE(symbolsOf(*c), kTradable);
    QVERIFY(c->fileProblem().isEmpty());
    auto reloaded = cache(options());
    reloaded->start();
    QCOMPARE(symbolsOf(*reloaded), kTradable);
}

void TestAssetCache::refreshesOnTimer()
{
    AssetCache::Options o = options();
    o.clock = [] { return QDateTime::currentDateTimeUtc(); };
    o.refreshInterval = 150ms;
    o.retryInterval = 50ms;
    auto c = cache(o);
    QSignalSpy changed(c.get(), &AssetCache::assetsChanged);
    QSignalSpy failed(c.get(), &AssetCache::refreshFailed);
    c->start();
    QVERIFY(changed.wait(10'000));
    m_fake->injectFault(FakeFault::respond(500).on("GET", u"/v1/assets"_s));
    QVERIFY(failed.wait(10'000));  // the timer's refresh failed …
    QVERIFY(changed.wait(10'000)); // … and the retry succeeded
    QTRY_VERIFY_WITH_TIMEOUT(changed.size() >= 3, 10'000);
    QVERIFY(m_fake->requests("GET", u"/v1/assets"_s).size() >= 4);
}

void TestAssetCache::concurrentRefreshesShareOneRequest()
{
    auto c = cache(options());
    const auto first = c->refresh();
    const auto second = c->refresh();
    QVERIFY(take(first).hasValue());
    QVERIFY(take(second).hasValue());
    QCOMPARE(m_fake->requests("GET", u"/v1/assets"_s).size(), 1);
}

QTEST_GUILESS_MAIN(TestAssetCache)
#include "tst_assetcache.moc"
