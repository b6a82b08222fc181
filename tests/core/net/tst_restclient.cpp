#include "core/net/redaction.h"
#include "core/net/restclient.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

class TestRestClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void getWithApcaHeaders();
    void basicAuthHeader();
    void serverErrorRetriedThenSucceeds();
    void rateLimitHonoursRetryAfter();
    void rateLimitHonoursRateLimitReset();
    void clientErrorNeverRetried();
    void unprocessableKeepsAlpacaCodeAndMessage();
    void timeoutRetriedThenSucceeds();
    void timeoutGivesUpAfterMaxAttempts();
    void nonIdempotentNotRetriedAfterServerError();
    void nonIdempotentRetriedAfterRateLimit();
    void retryAfterLongerThanLimitNotRetried();
    void connectionRefusedIsNetworkError();
    void noContentGivesNullJson();
    void largeAnswerArrivesWholeAndRawOnRequest();

    void errorBodies_data();
    void errorBodies();
    void serverDelay_data();
    void serverDelay();
    void backoffGrowsWithJitterAndCap();
    void redactUrl_data();
    void redactUrl();
    void redactHeaders();
    void logsNeverContainSecrets();

private:
    [[nodiscard]] std::unique_ptr<RestClient> client(RestClient::Auth auth = RestClient::Auth::ApcaHeaders,
                                                     std::chrono::milliseconds timeout = 2000ms,
                                                     int maxAttempts = 4) const;
    [[nodiscard]] static RestResult run(RestClient &c, const RestRequest &r);

    std::unique_ptr<FakeAlpacaRest> m_fake;
};

std::unique_ptr<RestClient> TestRestClient::client(RestClient::Auth auth, std::chrono::milliseconds timeout,
                                                   int maxAttempts) const
{
    RestClient::Options o;
    o.baseUrl = m_fake->baseUrl();
    o.auth = auth;
    const auto &creds =
        auth == RestClient::Auth::Basic ? m_fake->brokerCredentials() : m_fake->tradingCredentials();
    o.keyId = creds.keyId;
    o.secret = creds.secret;
    o.timeout = timeout;
    o.retry.maxAttempts = maxAttempts;
    o.retry.baseDelay = 10ms;
    o.retry.maxDelay = 40ms;
    return std::make_unique<RestClient>(o);
}

RestResult TestRestClient::run(RestClient &c, const RestRequest &r)
{
    const QFuture<RestResult> f = c.send(r);
    if (!fake::waitFor(f, 15'000))
        qFatal("REST call did not finish");
    return f.result();
}

void TestRestClient::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    m_fake->seedAccount(Decimal(1000));
}

void TestRestClient::cleanup()
{
    m_fake.reset();
}

void TestRestClient::getWithApcaHeaders()
{
    auto c = client();
    const RestResult r = run(*c, RestRequest::get(u"/v2/assets"_s, QUrlQuery(u"status=active"_s)));
    QVERIFY2(r.hasValue(), qPrintable(r.hasValue() ? QString() : r.error().toString()));
    QCOMPARE(r->status, 200);
    QVERIFY(r->json.isArray());
    QCOMPARE(r->attempts, 1);
    const auto req = m_fake->requests().constLast();
    QCOMPARE(req.header("APCA-API-KEY-ID"), m_fake->tradingCredentials().keyId.toUtf8());
    QCOMPARE(req.header("APCA-API-SECRET-KEY"), m_fake->tradingCredentials().secret.toUtf8());
    QVERIFY(req.header("Authorization").isEmpty());
    QCOMPARE(req.query.queryItemValue(u"status"_s), u"active"_s);
}

void TestRestClient::basicAuthHeader()
{
    auto c = client(RestClient::Auth::Basic);
    const RestResult r = run(*c, RestRequest::get(u"/v1/accounts"_s));
    QVERIFY(r.hasValue());
    const QByteArray expected = "Basic " + QByteArray("PKBROKERKEY0001:broker-secret-0001").toBase64();
    QCOMPARE(m_fake->requests().constLast().header("Authorization"), expected);

    m_fake->setBrokerCredentials({u"PKBROKERKEY0001"_s, u"wrong"_s});
    const RestResult denied = run(*c, RestRequest::get(u"/v1/accounts"_s));
    QVERIFY(!denied.hasValue());
    QCOMPARE(denied.error().httpStatus, 401);
    QCOMPARE(denied.error().code, 40110000);
    QCOMPARE(denied.error().message, u"request is not authorized"_s);
}

void TestRestClient::serverErrorRetriedThenSucceeds()
{
    m_fake->injectFault(FakeFault::respond(500).on("GET", u"/v2/assets"_s));
    auto c = client();
    const RestResult r = run(*c, RestRequest::get(u"/v2/assets"_s));
    QVERIFY(r.hasValue());
    QCOMPARE(r->attempts, 2);
    QCOMPARE(m_fake->requests("GET", u"/v2/assets"_s).size(), 2);
}

void TestRestClient::rateLimitHonoursRetryAfter()
{
    m_fake->injectFault(FakeFault::rateLimited(1).on("GET", u"/v2/account"_s));
    auto c = client();
    QElapsedTimer t;
    t.start();
    const RestResult r = run(*c, RestRequest::get(u"/v2/account"_s));
    const qint64 ms = t.elapsed();
    QVERIFY(r.hasValue());
    QCOMPARE(r->attempts, 2);
    QVERIFY2(ms >= 950 && ms < 3000, qPrintable(QString::number(ms)));
}

void TestRestClient::rateLimitHonoursRateLimitReset()
{
    FakeFault f = FakeFault::rateLimited(-1);
    f.rateLimitResetSeconds = 0;
    m_fake->injectFault(f);
    auto c = client();
    const RestResult r = run(*c, RestRequest::get(u"/v2/account"_s));
    QVERIFY(r.hasValue());
    QCOMPARE(r->attempts, 2);
}

void TestRestClient::clientErrorNeverRetried()
{
    m_fake->injectFault(FakeFault::respond(400, 3));
    auto c = client();
    const RestResult r = run(*c, RestRequest::get(u"/v2/account"_s));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().kind, ApiError::Kind::Http);
    QCOMPARE(r.error().httpStatus, 400);
    QVERIFY(!r.error().isAmbiguous());
    QCOMPARE(m_fake->requests().size(), 1);
}

void TestRestClient::unprocessableKeepsAlpacaCodeAndMessage()
{
    auto c = client();
    const QJsonObject body{{u"symbol"_s, u"AAPL"_s}, {u"qty"_s, u"1"_s},
                           {u"notional"_s, u"10"_s}, {u"side"_s, u"buy"_s},
                           {u"type"_s, u"market"_s}, {u"time_in_force"_s, u"day"_s}};
    const RestResult r = run(*c, RestRequest::post(u"/v2/orders"_s, QJsonDocument(body)));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().httpStatus, 422);
    QCOMPARE(r.error().code, 40010001);
    QVERIFY(r.error().message.contains(u"qty or notional"));
    QCOMPARE(m_fake->requests().size(), 1);
}

// A multi-MiB answer is read as it arrives (many readyRead) and handed over whole: parsed, or as its
// bytes with rawBody; a failed first attempt's error body never mixes into the retried answer.
void TestRestClient::largeAnswerArrivesWholeAndRawOnRequest()
{
    QJsonArray big;
    for (int i = 0; i < 20'000; ++i)
        big.append(QString(u"item %1 "_s.arg(i) + QString(200, QChar(u'a' + i % 26))));
    FakeFault answer = FakeFault::respond(200, 2);
    answer.body = big;
    m_fake->injectFault(FakeFault::respond(500).on("GET", u"/v2/assets"_s));
    m_fake->injectFault(answer.on("GET", u"/v2/assets"_s));
    auto c = client();
    const RestResult parsed = run(*c, RestRequest::get(u"/v2/assets"_s));
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().toString()));
    QCOMPARE(parsed->attempts, 2);
    QCOMPARE(parsed->json.array(), big);
    QVERIFY(parsed->body.isEmpty());

    RestRequest raw = RestRequest::get(u"/v2/assets"_s);
    raw.rawBody = true;
    const RestResult bytes = run(*c, raw);
    QVERIFY(bytes);
    QVERIFY(bytes->json.isNull());
    QVERIFY(bytes->body.size() > 4'000'000);
    QCOMPARE(QJsonDocument::fromJson(bytes->body).array(), big);
}

void TestRestClient::timeoutRetriedThenSucceeds()
{
    m_fake->injectFault(FakeFault::delayed(1500));
    auto c = client(RestClient::Auth::ApcaHeaders, 200ms);
    const RestResult r = run(*c, RestRequest::get(u"/v2/positions"_s));
    QVERIFY2(r.hasValue(), qPrintable(r.hasValue() ? QString() : r.error().toString()));
    QCOMPARE(r->attempts, 2);
}

void TestRestClient::timeoutGivesUpAfterMaxAttempts()
{
    m_fake->injectFault(FakeFault::delayed(1500, 5));
    auto c = client(RestClient::Auth::ApcaHeaders, 150ms, 3);
    const RestResult r = run(*c, RestRequest::get(u"/v2/positions"_s));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().kind, ApiError::Kind::Timeout);
    QVERIFY(r.error().isAmbiguous());
    QCOMPARE(m_fake->requests().size(), 3);
}

void TestRestClient::nonIdempotentNotRetriedAfterServerError()
{
    m_fake->injectFault(FakeFault::respond(503));
    auto c = client();
    RestRequest post = RestRequest::post(u"/v2/orders"_s, QJsonDocument(QJsonObject{}));
    post.idempotent = false;
    const RestResult r = run(*c, post);
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().httpStatus, 503);
    QVERIFY(r.error().isAmbiguous());
    QCOMPARE(m_fake->requests().size(), 1);
}

void TestRestClient::nonIdempotentRetriedAfterRateLimit()
{
    m_fake->injectFault(FakeFault::rateLimited(0));
    auto c = client();
    RestRequest post =
        RestRequest::post(u"/v2/orders"_s, QJsonDocument(QJsonObject{{u"symbol"_s, u"AAPL"_s},
                                                                     {u"qty"_s, u"1"_s},
                                                                     {u"side"_s, u"buy"_s},
                                                                     {u"type"_s, u"market"_s},
                                                                     {u"time_in_force"_s, u"day"_s}}));
    post.idempotent = false;
    const RestResult r = run(*c, post);
    QVERIFY(r.hasValue());
    QCOMPARE(r->attempts, 2);
    QCOMPARE(m_fake->book().orderCount(m_fake->tradingAccountId()), 1);
}

void TestRestClient::retryAfterLongerThanLimitNotRetried()
{
    m_fake->injectFault(FakeFault::rateLimited(120));
    auto c = client();
    const RestResult r = run(*c, RestRequest::get(u"/v2/account"_s));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().httpStatus, 429);
    QVERIFY(r.error().retryAfter.has_value());
    QCOMPARE(r.error().retryAfter->count(), 120'000);
    QCOMPARE(m_fake->requests().size(), 1);
}

void TestRestClient::connectionRefusedIsNetworkError()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    RestClient::Options o;
    o.baseUrl = QUrl(u"http://127.0.0.1:%1"_s.arg(port));
    o.retry.maxAttempts = 2;
    o.retry.baseDelay = 5ms;
    RestClient c(o);
    const RestResult r = run(c, RestRequest::get(u"/v2/account"_s));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().kind, ApiError::Kind::Network);
}

void TestRestClient::noContentGivesNullJson()
{
    auto c = client();
    const QJsonObject body{{u"symbol"_s, u"AAPL"_s},     {u"qty"_s, u"1"_s},
                           {u"side"_s, u"buy"_s},        {u"type"_s, u"limit"_s},
                           {u"limit_price"_s, u"100"_s}, {u"time_in_force"_s, u"day"_s}};
    const RestResult placed = run(*c, RestRequest::post(u"/v2/orders"_s, QJsonDocument(body)));
    QVERIFY(placed.hasValue());
    const QString id = placed->json.object().value(u"id").toString();
    const RestResult canceled = run(*c, RestRequest::del(u"/v2/orders/"_s + id));
    QVERIFY(canceled.hasValue());
    QCOMPARE(canceled->status, 204);
    QVERIFY(canceled->json.isNull());
}

void TestRestClient::errorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("code");
    QTest::addColumn<QString>("message");
    QTest::addRow("alpaca")
        << 403
        << QByteArray(
               R"({"code":40310000,"message":"insufficient buying power","buying_power":"10","cost_basis":"50"})")
        << qint64(40310000) << u"insufficient buying power"_s;
    QTest::addRow("code as string") << 422 << QByteArray(R"({"code":"40010001","message":"qty is required"})")
                                    << qint64(40010001) << u"qty is required"_s;
    QTest::addRow("no code") << 404 << QByteArray(R"({"message":"not found"})") << qint64(0)
                             << u"not found"_s;
    QTest::addRow("error key") << 500 << QByteArray(R"({"error":"boom"})") << qint64(0) << u"boom"_s;
    QTest::addRow("html") << 502 << QByteArray("<html><body>Bad Gateway</body></html>") << qint64(0)
                          << u"<html><body>Bad Gateway</body></html>"_s;
    QTest::addRow("empty") << 503 << QByteArray() << qint64(0) << QString();
    QTest::addRow("array") << 400 << QByteArray("[1,2]") << qint64(0) << u"[1,2]"_s;
}

void TestRestClient::errorBodies()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(qint64, code);
    QFETCH(QString, message);
    const ApiError e = ApiError::fromHttp(status, body);
    QCOMPARE(e.kind, ApiError::Kind::Http);
    QCOMPARE(e.httpStatus, status);
    QCOMPARE(e.code, code);
    QCOMPARE(e.message, message);
    QCOMPARE(e.isAmbiguous(), status >= 500);
}

void TestRestClient::serverDelay_data()
{
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<QByteArray>("reset");
    QTest::addColumn<qint64>("expectedMs"); // -1: none
    QTest::addRow("seconds") << QByteArray("1") << QByteArray() << qint64(1000);
    QTest::addRow("fraction") << QByteArray("0.25") << QByteArray() << qint64(250);
    QTest::addRow("http date") << QByteArray("Thu, 01 Jan 2026 00:00:30 GMT") << QByteArray()
                               << qint64(30'000);
    QTest::addRow("reset epoch") << QByteArray() << QByteArray("1767225605") << qint64(5000);
    QTest::addRow("reset in past") << QByteArray() << QByteArray("1767225000") << qint64(0);
    QTest::addRow("retry-after wins") << QByteArray("2") << QByteArray("1767225605") << qint64(2000);
    QTest::addRow("garbage") << QByteArray("soon") << QByteArray("later") << qint64(-1);
    QTest::addRow("none") << QByteArray() << QByteArray() << qint64(-1);
}

void TestRestClient::serverDelay()
{
    QFETCH(QByteArray, retryAfter);
    QFETCH(QByteArray, reset);
    QFETCH(qint64, expectedMs);
    const QDateTime now = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    const auto delay = RetryPolicy::serverDelay(retryAfter, reset, now);
    QCOMPARE(delay.has_value(), expectedMs >= 0);
    if (delay)
        QCOMPARE(delay->count(), expectedMs);
}

void TestRestClient::backoffGrowsWithJitterAndCap()
{
    RetryPolicy p;
    p.baseDelay = 100ms;
    p.maxDelay = 300ms;
    for (int i = 0; i < 50; ++i) {
        const auto first = p.backoff(2).count();
        QVERIFY(first >= 50 && first <= 100);
        const auto second = p.backoff(3).count();
        QVERIFY(second >= 100 && second <= 200);
        const auto capped = p.backoff(10).count();
        QVERIFY(capped >= 150 && capped <= 300);
    }
    ApiError timeout;
    timeout.kind = ApiError::Kind::Timeout;
    QVERIFY(p.delayBefore(2, timeout, true).has_value());
    QVERIFY(!p.delayBefore(2, timeout, false).has_value());
    QVERIFY(!p.delayBefore(p.maxAttempts + 1, timeout, true).has_value());
    const ApiError notFound = ApiError::fromHttp(404, {});
    QVERIFY(!p.delayBefore(2, notFound, true).has_value());
}

void TestRestClient::redactUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("mustContain");
    QTest::addRow("user info") << QUrl(u"https://PKKEY123:s3cr3t@broker-api.alpaca.markets/v1/accounts"_s)
                               << QStringList{u"PKKEY123"_s, u"s3cr3t"_s} << u"/v1/accounts"_s;
    QTest::addRow("query secrets")
        << QUrl(u"https://x.test/stream?api_key=PKKEY123&secret=s3cr3t&token=tok9&symbols=AAPL"_s)
        << QStringList{u"PKKEY123"_s, u"s3cr3t"_s, u"tok9"_s} << u"symbols=AAPL"_s;
    QTest::addRow("plain") << QUrl(u"http://127.0.0.1:8000/v2/orders?status=all"_s) << QStringList{}
                           << u"status=all"_s;
}

void TestRestClient::redactUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QStringList, secrets);
    QFETCH(QString, mustContain);
    const QString out = redact::url(url);
    for (const QString &s : secrets)
        QVERIFY2(!out.contains(s), qPrintable(out));
    QVERIFY2(out.contains(mustContain), qPrintable(out));
}

void TestRestClient::redactHeaders()
{
    const QByteArray basic = "Basic " + QByteArray("PKKEY123:s3cr3t").toBase64();
    QCOMPARE(redact::headerValue("Authorization", basic), QByteArray("Basic ***"));
    QCOMPARE(redact::headerValue("authorization", "Bearer abc.def"), QByteArray("Bearer ***"));
    QCOMPARE(redact::headerValue("APCA-API-KEY-ID", "PKKEY123"), QByteArray("***"));
    QCOMPARE(redact::headerValue("APCA-API-SECRET-KEY", "s3cr3t"), QByteArray("***"));
    QCOMPARE(redact::headerValue("Content-Type", "application/json"), QByteArray("application/json"));
    const QString all = redact::headers({{"APCA-API-KEY-ID", "PKKEY123"},
                                         {"APCA-API-SECRET-KEY", "s3cr3t"},
                                         {"Authorization", basic},
                                         {"Accept", "application/json"}});
    QVERIFY(!all.contains(u"PKKEY123"));
    QVERIFY(!all.contains(u"s3cr3t"));
    QVERIFY(!all.contains(QString::fromLatin1(basic.mid(6))));
    QVERIFY(all.contains(u"Accept: application/json"));
}

namespace {

QStringList g_logged;
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;

void enableNetDebug(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrcmp(category->categoryName(), "clera.net") == 0 ||
        qstrcmp(category->categoryName(), "clera.broker") == 0)
        category->setEnabled(QtDebugMsg, true);
}

void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_logged.append(message);
}

} // namespace

void TestRestClient::logsNeverContainSecrets()
{
    g_logged.clear();
    g_previousFilter = QLoggingCategory::installFilter(enableNetDebug);
    const QtMessageHandler previousHandler = qInstallMessageHandler(capture);

    m_fake->injectFault(FakeFault::respond(500));
    auto basic = client(RestClient::Auth::Basic);
    QVERIFY(run(*basic, RestRequest::get(u"/v1/accounts"_s)).hasValue());
    auto apca = client(RestClient::Auth::ApcaHeaders);
    m_fake->setTradingCredentials({u"PKTRADINGKEY001"_s, u"rotated"_s});
    QVERIFY(!run(*apca, RestRequest::get(u"/v2/account"_s)).hasValue());

    qInstallMessageHandler(previousHandler);
    QLoggingCategory::installFilter(g_previousFilter);

    QVERIFY(g_logged.size() >= 4);
    const QString basicToken =
        QString::fromLatin1(QByteArray("PKBROKERKEY0001:broker-secret-0001").toBase64());
    for (const QString &line : std::as_const(g_logged)) {
        QVERIFY2(!line.contains(u"broker-secret-0001"), qPrintable(line));
        QVERIFY2(!line.contains(u"trading-secret-0001"), qPrintable(line));
        QVERIFY2(!line.contains(u"PKBROKERKEY0001"), qPrintable(line));
        QVERIFY2(!line.contains(u"PKTRADINGKEY001"), qPrintable(line));
        QVERIFY2(!line.contains(basicToken), qPrintable(line));
    }
}

QTEST_GUILESS_MAIN(TestRestClient)
#include "tst_restclient.moc"
