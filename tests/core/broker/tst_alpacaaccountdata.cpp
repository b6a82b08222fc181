#include "core/broker/alpacabroker.h"
#include "core/broker/alpacatrading.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAccountData;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

namespace {

Decimal dec(const char *text)
{
    return Decimal::parse(QString::fromLatin1(text)).value();
}

Timestamp ts(const char *text)
{
    return Timestamp::parse(QString::fromLatin1(text)).value();
}

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QString describe(const QueryError &e)
{
    return e.toString();
}
QString describe(const DecodeError &e)
{
    return e.toString();
}
QString describe(const BrokerError &e)
{
    return e.message;
}

// QVERIFY2 evaluates its message even when the check passes: only read the error of a failure.
template <typename R> QByteArray why(const R &r)
{
    return r.hasValue() ? QByteArray() : describe(r.error()).toUtf8();
}

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("broker call did not finish");
    return f.result();
}

// §3.10, §3.12: the reference's example payloads.
constexpr const char *kHistoryExample =
    R"({"timestamp": [1767623400, 1767624300, 1767625200], "equity": [1025.1, 1026.4, 1024.9],
        "profit_loss": [0.3, 1.6, 0.1], "profit_loss_pct": [0.0003, 0.0016, 0.0001],
        "base_value": 1024.8, "base_value_asof": "2026-01-02", "timeframe": "15Min"})";
constexpr const char *kClockExample =
    R"({"timestamp":"2026-01-06T11:02:15.447213308-05:00","is_open":true,
        "next_open":"2026-01-07T09:30:00-05:00","next_close":"2026-01-06T16:00:00-05:00"})";
constexpr const char *kCalendarDayExample =
    R"({"date":"2026-01-06","open":"09:30","close":"16:00","session_open":"0400","session_close":"2000"})";

FakeFault answer(const QString &path, const QJsonValue &body, int status = 200)
{
    FakeFault f = FakeFault::respond(status).on("GET", path);
    f.body = body;
    return f;
}

} // namespace

class TestAlpacaAccountData : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void historyQueryString_data();
    void historyQueryString();
    void historyQueryRejected_data();
    void historyQueryRejected();
    void historyCodec_data();
    void historyCodec();
    void historyMalformed_data();
    void historyMalformed();

    void historyFromFake_data();
    void historyFromFake();
    void historyReferenceExample_data();
    void historyReferenceExample();
    void historyNullBaseValue_data();
    void historyNullBaseValue();
    void historyMismatchedArraysIsTypedError_data();
    void historyMismatchedArraysIsTypedError();
    void historyInvalidQueryNeverSent_data();
    void historyInvalidQueryNeverSent();
    void fakeRejectsUnknownPeriodUnit_data();
    void fakeRejectsUnknownPeriodUnit();

    void activityCodec_data();
    void activityCodec();
    void activityQueryRejected_data();
    void activityQueryRejected();
    void activitiesFollowPages_data();
    void activitiesFollowPages();
    void activitiesFilteredByType_data();
    void activitiesFilteredByType();
    void activitiesStopWhenServerIgnoresToken();

    void clockReferenceExample_data();
    void clockReferenceExample();
    void clockFromFake_data();
    void clockFromFake();
    void calendarReferenceExample();
    void calendarFromFake_data();
    void calendarFromFake();
    void calendarRejectsReversedRange();

    void tradingRefusesOtherAccounts();

private:
    [[nodiscard]] std::unique_ptr<AlpacaRestBroker> client(bool brokerApi) const;
    void addApiRows() const;
    void fundAndTrade(int fills, int deposits);

    std::unique_ptr<FakeAlpacaRest> m_fake;
    QString m_own;
};

std::unique_ptr<AlpacaRestBroker> TestAlpacaAccountData::client(bool brokerApi) const
{
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    const auto &credentials = brokerApi ? m_fake->brokerCredentials() : m_fake->tradingCredentials();
    o.keyId = credentials.keyId;
    o.secret = credentials.secret;
    o.timeout = 3000ms;
    o.retry.baseDelay = 10ms;
    o.retry.maxDelay = 40ms;
    if (brokerApi)
        return std::make_unique<AlpacaBroker>(o);
    return std::make_unique<AlpacaTrading>(o);
}

void TestAlpacaAccountData::addApiRows() const
{
    QTest::addColumn<bool>("brokerApi");
    QTest::addRow("broker") << true;
    QTest::addRow("trading") << false;
}

void TestAlpacaAccountData::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    m_own = m_fake->seedAccount(Decimal(5000));
    m_fake->seedAccount(Decimal(1)); // someone else's
    // Tuesday 2026-01-06 11:02:15 New York: the market is open.
    m_fake->accountData().setNow(ts("2026-01-06T16:02:15.5Z"));
}

void TestAlpacaAccountData::cleanup()
{
    m_fake.reset();
}

void TestAlpacaAccountData::fundAndTrade(int fills, int deposits)
{
    auto &book = m_fake->book();
    for (int i = 0; i < fills; ++i) {
        OrderRequest r;
        r.symbol = i % 2 ? u"AAPL"_s : u"SPY"_s;
        r.qty = Decimal(1);
        r.side = OrderSide::Buy;
        QCOMPARE(book.submitOrder(m_own, r.toJson()).status, 200);
    }
    for (int i = 0; i < deposits; ++i) {
        TransferRequest t;
        t.relationshipId = u"rel-1"_s;
        t.amount = Decimal(100 + i);
        const auto created = book.createTransfer(m_own, t.toJson());
        QCOMPARE(created.status, 200);
        book.completeTransfer(m_own, created.body.toObject().value(u"id").toString());
    }
}

// --- PortfolioHistoryQuery --------------------------------------------------------------------------

void TestAlpacaAccountData::historyQueryString_data()
{
    QTest::addColumn<PortfolioHistoryQuery>("query");
    QTest::addColumn<QString>("expected");
    using Q = PortfolioHistoryQuery;
    QTest::addRow("defaults") << Q{} << QString();
    Q year;
    year.period = u"1Y"_s;
    QTest::addRow("1Y becomes 1A") << year << u"period=1A"_s;
    Q week;
    week.period = u"2W"_s;
    week.timeframe = Q::Timeframe::OneHour;
    week.extendedHours = true;
    week.intradayReporting = Q::IntradayReporting::Continuous;
    week.pnlReset = Q::PnlReset::NoReset;
    QTest::addRow("intraday options")
        << week
        << u"period=2W&timeframe=1H&extended_hours=true&intraday_reporting=continuous&pnl_reset=no_reset"_s;
    Q month;
    month.period = u"1M"_s;
    month.timeframe = Q::Timeframe::FifteenMinutes;
    month.dateEnd = QDate(2026, 1, 2);
    QTest::addRow("30 days intraday, date_end")
        << month << u"period=1M&timeframe=15Min&date_end=2026-01-02"_s;
    Q range;
    range.start = ts("2026-01-05T14:30:00Z");
    range.end = ts("2026-01-06T21:00:00Z");
    range.timeframe = Q::Timeframe::FiveMinutes;
    range.cashflowTypes = {u"CSD"_s, u"DIV"_s};
    QTest::addRow("start and end")
        << range
        << u"timeframe=5Min&start=2026-01-05T14:30:00Z&end=2026-01-06T21:00:00Z&cashflow_types=CSD,DIV"_s;
    Q startPeriod;
    startPeriod.period = u"3A"_s;
    startPeriod.start = ts("2023-01-01T00:00:00Z");
    startPeriod.timeframe = Q::Timeframe::OneDay;
    QTest::addRow("start and period")
        << startPeriod << u"period=3A&timeframe=1D&start=2023-01-01T00:00:00Z"_s;
}

void TestAlpacaAccountData::historyQueryString()
{
    QFETCH(PortfolioHistoryQuery, query);
    QFETCH(QString, expected);
    const auto q = query.toUrlQuery();
    QVERIFY2(q.hasValue(), why(q).constData());
    QCOMPARE(q->toString(QUrl::FullyDecoded), expected);
}

void TestAlpacaAccountData::historyQueryRejected_data()
{
    QTest::addColumn<PortfolioHistoryQuery>("query");
    QTest::addColumn<QueryError::Kind>("kind");
    QTest::addColumn<QString>("parameter");
    using Q = PortfolioHistoryQuery;
    using K = QueryError::Kind;
    for (const char *bad : {"1X", "Y", "0D", "-1D", "1.5M", "1y", "1 D", "12345678D"}) {
        Q q;
        q.period = QString::fromLatin1(bad);
        QTest::addRow("period %s", bad) << q << K::InvalidValue << u"period"_s;
    }
    Q three;
    three.period = u"1M"_s;
    three.start = ts("2026-01-01T00:00:00Z");
    three.end = ts("2026-01-02T00:00:00Z");
    QTest::addRow("start+end+period") << three << K::Conflict << u"period"_s;
    Q backwards;
    backwards.start = ts("2026-01-02T00:00:00Z");
    backwards.end = ts("2026-01-01T00:00:00Z");
    QTest::addRow("start after end") << backwards << K::InvalidValue << u"start"_s;
    for (const auto &[period, timeframe] :
         {std::pair{"2M", Q::Timeframe::OneHour}, std::pair{"5W", Q::Timeframe::OneMinute},
          std::pair{"1A", Q::Timeframe::FifteenMinutes}, std::pair{"31D", Q::Timeframe::FiveMinutes}}) {
        Q q;
        q.period = QString::fromLatin1(period);
        q.timeframe = timeframe;
        QTest::addRow("%s intraday", period) << q << K::Conflict << u"timeframe"_s;
    }
    Q longRange;
    longRange.start = ts("2026-01-01T00:00:00Z");
    longRange.end = ts("2026-02-15T00:00:00Z");
    longRange.timeframe = Q::Timeframe::OneHour;
    QTest::addRow("45-day range intraday") << longRange << K::Conflict << u"timeframe"_s;
    Q daily;
    daily.timeframe = Q::Timeframe::OneDay;
    daily.extendedHours = true;
    QTest::addRow("extended hours daily") << daily << K::Conflict << u"extended_hours"_s;
}

void TestAlpacaAccountData::historyQueryRejected()
{
    QFETCH(PortfolioHistoryQuery, query);
    QFETCH(QueryError::Kind, kind);
    QFETCH(QString, parameter);
    const auto q = query.toUrlQuery();
    QVERIFY(!q.hasValue());
    QCOMPARE(q.error().kind, kind);
    QCOMPARE(q.error().parameter, parameter);
}

// --- PortfolioHistory codec -------------------------------------------------------------------------

void TestAlpacaAccountData::historyCodec_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<qsizetype>("points");
    QTest::addColumn<Timestamp>("firstTime");
    QTest::addColumn<Decimal>("lastEquity");
    QTest::addColumn<bool>("hasPct");
    QTest::addRow("reference example")
        << QByteArray(kHistoryExample) << qsizetype(3) << ts("2026-01-05T14:30:00Z") << dec("1024.9") << true;
    QTest::addRow("milliseconds")
        << QByteArray(R"({"timestamp":[1767623400000,1767624300000],"equity":[1,2],"profit_loss":[0,1],
                          "profit_loss_pct":[0,1],"base_value":1,"base_value_asof":"2026-01-02","timeframe":"15Min"})")
        << qsizetype(2) << ts("2026-01-05T14:30:00Z") << Decimal(2) << true;
    QTest::addRow("null pct and base")
        << QByteArray(R"({"timestamp":[1767623400],"equity":[0],"profit_loss":[0],"profit_loss_pct":[null],
                          "base_value":null,"timeframe":"1D"})")
        << qsizetype(1) << ts("2026-01-05T14:30:00Z") << Decimal() << false;
    QTest::addRow("decimal strings exact")
        << QByteArray(
               R"({"timestamp":[1767623400],"equity":["123456789012.123456"],"profit_loss":["0.000001"],
                          "profit_loss_pct":["0.0000001"],"base_value":"1","timeframe":"1D"})")
        << qsizetype(1) << ts("2026-01-05T14:30:00Z") << dec("123456789012.123456") << true;
    QTest::addRow("15 significant digits as numbers")
        << QByteArray(R"({"timestamp":[1767623400],"equity":[1234567890.12345],"profit_loss":[-0.01],
                          "profit_loss_pct":[-0.00001],"base_value":1234567890.13345,"timeframe":"1D"})")
        << qsizetype(1) << ts("2026-01-05T14:30:00Z") << dec("1234567890.12345") << true;
    QTest::addRow("empty")
        << QByteArray(R"({"timestamp":[],"equity":[],"profit_loss":[],"profit_loss_pct":[],"base_value":null,
                          "timeframe":"1D"})")
        << qsizetype(0) << Timestamp() << Decimal() << false;
}

void TestAlpacaAccountData::historyCodec()
{
    QFETCH(QByteArray, payload);
    QFETCH(qsizetype, points);
    QFETCH(Timestamp, firstTime);
    QFETCH(Decimal, lastEquity);
    QFETCH(bool, hasPct);
    const auto h = PortfolioHistory::fromJson(QJsonDocument::fromJson(payload).object());
    QVERIFY2(h.hasValue(), why(h).constData());
    QCOMPARE(h->points.size(), points);
    if (points == 0)
        return;
    QCOMPARE(h->points.constFirst().timestamp, firstTime);
    QCOMPARE(h->points.constLast().equity, lastEquity);
    QCOMPARE(h->points.constLast().profitLossPct.has_value(), hasPct);
    QCOMPARE(h->baseValue.has_value(), hasPct);
    // What the codec writes decodes to the same value (epoch seconds, JSON numbers).
    const auto again = PortfolioHistory::fromJson(h->toJson());
    QVERIFY(again.hasValue());
    if (h->points.constFirst().equity.fractionalDigits() <= 6 &&
        h->points.constFirst().equity < Decimal(100000))
        QCOMPARE(*again, *h);
}

void TestAlpacaAccountData::historyMalformed_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("path");
    const auto row = [](const char *name, const char *payload, const char *path) {
        QTest::addRow("%s", name) << QByteArray(payload) << QString::fromLatin1(path);
    };
    row("equity shorter", R"({"timestamp":[1,2],"equity":[1],"profit_loss":[0,0],"profit_loss_pct":[0,0]})",
        "equity");
    row("pct longer", R"({"timestamp":[1],"equity":[1],"profit_loss":[0],"profit_loss_pct":[0,0]})",
        "profit_loss_pct");
    row("timestamp missing", R"({"equity":[1],"profit_loss":[0],"profit_loss_pct":[0]})", "timestamp");
    row("equity null", R"({"timestamp":[1],"equity":null,"profit_loss":[0],"profit_loss_pct":[0]})",
        "equity");
    row("equity entry null", R"({"timestamp":[1],"equity":[null],"profit_loss":[0],"profit_loss_pct":[0]})",
        "equity[0]");
    row("timestamp string", R"({"timestamp":["x"],"equity":[1],"profit_loss":[0],"profit_loss_pct":[0]})",
        "timestamp[0]");
    row("timestamp fraction", R"({"timestamp":[1.5],"equity":[1],"profit_loss":[0],"profit_loss_pct":[0]})",
        "timestamp[0]");
    row("timestamp negative", R"({"timestamp":[-1],"equity":[1],"profit_loss":[0],"profit_loss_pct":[0]})",
        "timestamp[0]");
    row("equity bool", R"({"timestamp":[1],"equity":[true],"profit_loss":[0],"profit_loss_pct":[0]})",
        "equity[0]");
    row("equity huge", R"({"timestamp":[1],"equity":[1e30],"profit_loss":[0],"profit_loss_pct":[0]})",
        "equity[0]");
    row("base_value text",
        R"({"timestamp":[],"equity":[],"profit_loss":[],"profit_loss_pct":[],"base_value":"x"})",
        "base_value");
    row("cashflow short",
        R"({"timestamp":[1],"equity":[1],"profit_loss":[0],"profit_loss_pct":[0],"cashflow":{"CSD":[]}})",
        "cashflow.CSD");
}

void TestAlpacaAccountData::historyMalformed()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, path);
    const auto h = PortfolioHistory::fromJson(QJsonDocument::fromJson(payload).object());
    QVERIFY(!h.hasValue());
    QCOMPARE(h.error().path, path);
}

// --- portfolio history over the wire ----------------------------------------------------------------

void TestAlpacaAccountData::historyFromFake_data()
{
    addApiRows();
}

void TestAlpacaAccountData::historyFromFake()
{
    QFETCH(bool, brokerApi);
    auto c = client(brokerApi);
    PortfolioHistoryQuery q;
    q.period = u"1W"_s;
    q.timeframe = PortfolioHistoryQuery::Timeframe::OneHour;
    const auto h = take(c->portfolioHistory(m_own, q));
    QVERIFY2(h.hasValue(), why(h).constData());

    const auto request = m_fake->requests().constLast();
    QCOMPARE(request.path, brokerApi ? u"/v1/trading/accounts/%1/account/portfolio/history"_s.arg(m_own)
                                     : u"/v2/account/portfolio/history"_s);
    QCOMPARE(request.query.toString(QUrl::FullyDecoded), u"period=1W&timeframe=1H"_s);
    if (brokerApi) {
        QVERIFY(request.header("Authorization").startsWith("Basic "));
    } else {
        QCOMPARE(request.header("APCA-API-KEY-ID"), m_fake->tradingCredentials().keyId.toUtf8());
        QVERIFY(request.header("Authorization").isEmpty());
    }

    QCOMPARE(h->timeframe, u"1H"_s);
    // 2025-12-30 … 2026-01-06 11:02 NY: Dec 30, 31, Jan 2, 5 (Jan 1 closed) × 7 hourly windows, plus
    // 09:30 and 10:30 on Jan 6; the first window (Dec 30 09:30) is before the week starts.
    QVERIFY(h->points.size() > 20);
    QCOMPARE(h->points.constLast().equity, Decimal(5000));
    QCOMPARE(h->points.constLast().timestamp, ts("2026-01-06T15:30:00Z"));
    QVERIFY(h->baseValue.has_value());
    QCOMPARE(h->points.constFirst().profitLoss, Decimal());
    for (qsizetype i = 1; i < h->points.size(); ++i) {
        QVERIFY(h->points.at(i - 1).timestamp < h->points.at(i).timestamp);
        QCOMPARE(h->points.at(i).profitLoss, h->points.at(i).equity - *h->baseValue);
        QVERIFY(h->points.at(i).profitLossPct.has_value());
    }
}

void TestAlpacaAccountData::historyReferenceExample_data()
{
    addApiRows();
}

void TestAlpacaAccountData::historyReferenceExample()
{
    QFETCH(bool, brokerApi);
    m_fake->injectFault(answer(u"portfolio/history"_s, json(kHistoryExample)));
    auto c = client(brokerApi);
    const auto h = take(c->portfolioHistory(m_own, {}));
    QVERIFY2(h.hasValue(), why(h).constData());
    QCOMPARE(h->points.size(), 3);
    const QList<PortfolioHistory::Point> expected{
        {ts("2026-01-05T14:30:00Z"), dec("1025.1"), dec("0.3"), dec("0.0003")},
        {ts("2026-01-05T14:45:00Z"), dec("1026.4"), dec("1.6"), dec("0.0016")},
        {ts("2026-01-05T15:00:00Z"), dec("1024.9"), dec("0.1"), dec("0.0001")},
    };
    QCOMPARE(h->points, expected);
    QCOMPARE(h->baseValue, std::optional<Decimal>(dec("1024.8")));
    QCOMPARE(h->baseValueAsOf, std::optional<QDate>(QDate(2026, 1, 2)));
    QCOMPARE(h->timeframe, u"15Min"_s);
    QVERIFY(m_fake->requests().constLast().query.isEmpty());
}

void TestAlpacaAccountData::historyNullBaseValue_data()
{
    addApiRows();
}

void TestAlpacaAccountData::historyNullBaseValue()
{
    QFETCH(bool, brokerApi);
    m_fake->accountData().setNoBaseValue(true);
    auto c = client(brokerApi);
    PortfolioHistoryQuery q;
    q.period = u"1D"_s;
    const auto h = take(c->portfolioHistory(m_own, q));
    QVERIFY2(h.hasValue(), why(h).constData());
    QCOMPARE(h->timeframe, u"1Min"_s); // Alpaca's default under 7 days
    QVERIFY(!h->points.isEmpty());
    QVERIFY(!h->baseValue);
    QVERIFY(!h->baseValueAsOf);
    for (const auto &p : h->points)
        QVERIFY(!p.profitLossPct);
}

void TestAlpacaAccountData::historyMismatchedArraysIsTypedError_data()
{
    addApiRows();
}

void TestAlpacaAccountData::historyMismatchedArraysIsTypedError()
{
    QFETCH(bool, brokerApi);
    QJsonObject body = json(kHistoryExample);
    body.insert(u"equity"_s, QJsonArray{1025.1, 1026.4});
    m_fake->injectFault(answer(u"portfolio/history"_s, body));
    auto c = client(brokerApi);
    const auto h = take(c->portfolioHistory(m_own, {}));
    QVERIFY(!h.hasValue());
    QCOMPARE(h.error().kind, BrokerError::Kind::Decode);
    QVERIFY2(h.error().message.contains(u"equity"), why(h).constData());
}

void TestAlpacaAccountData::historyInvalidQueryNeverSent_data()
{
    addApiRows();
}

void TestAlpacaAccountData::historyInvalidQueryNeverSent()
{
    QFETCH(bool, brokerApi);
    auto c = client(brokerApi);
    PortfolioHistoryQuery q;
    q.period = u"3M"_s;
    q.timeframe = PortfolioHistoryQuery::Timeframe::FiveMinutes;
    const auto h = take(c->portfolioHistory(m_own, q));
    QVERIFY(!h.hasValue());
    QCOMPARE(h.error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(h.error().message.startsWith(u"timeframe:"));
    QVERIFY(m_fake->requests().isEmpty());
}

void TestAlpacaAccountData::fakeRejectsUnknownPeriodUnit_data()
{
    addApiRows();
}

void TestAlpacaAccountData::fakeRejectsUnknownPeriodUnit()
{
    QFETCH(bool, brokerApi);
    auto c = client(brokerApi);
    QUrlQuery q;
    q.addQueryItem(u"period"_s, u"1Y"_s);
    const QString path = brokerApi ? u"/v1/trading/accounts/%1/account/portfolio/history"_s.arg(m_own)
                                   : u"/v2/account/portfolio/history"_s;
    const auto r = take(c->rest().send(RestRequest::get(path, q)));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().httpStatus, 422);
    QCOMPARE(r.error().code, 42210000);
}

// --- activities -------------------------------------------------------------------------------------

void TestAlpacaAccountData::activityCodec_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("errorPath");
    const auto row = [](const char *name, const char *payload, bool ok, const char *path = "") {
        QTest::addRow("%s", name) << QByteArray(payload) << ok << QString::fromLatin1(path);
    };
    const char *fill =
        R"({"id":"20260106151044918::8f1c2b3a-0d4f-4e3a-b7c8-1f2e3d4c5b6a","account_id":"acc","activity_type":"FILL",
            "transaction_time":"2026-01-06T15:10:44.918273645Z","type":"partial_fill","price":"404.21","qty":"2",
            "side":"buy","symbol":"MSFT","leaves_qty":"1","order_id":"c0ffee00","cum_qty":"2",
            "order_status":"partially_filled"})";
    row("fill", fill, true);
    row("dividend",
        R"({"id":"20260106000000000::a","account_id":"acc","activity_type":"DIV","date":"2026-01-06",
            "net_amount":"1.23","description":"Cash DIV @ 0.41","status":"executed","symbol":"AAPL","qty":"3",
            "per_share_amount":"0.41"})",
        true);
    row("deposit with number and no symbol",
        R"({"id":"x","account_id":"acc","activity_type":"CSD","date":"2026-01-06","net_amount":1000,
            "description":"","status":"executed","symbol":null,"qty":null,"per_share_amount":null})",
        true);
    row("unknown type kept", R"({"id":"x","activity_type":"NEWTYPE","date":"2026-01-06","net_amount":"0"})",
        true);
    row("date as RFC 3339",
        R"({"id":"x","activity_type":"FEE","date":"2026-01-06T00:00:00-05:00","net_amount":"-1"})", true);
    row("fill without price",
        R"({"id":"x","activity_type":"FILL","transaction_time":"2026-01-06T15:10:44Z","type":"fill","qty":"1",
            "side":"buy","symbol":"A","leaves_qty":"0","order_id":"o","cum_qty":"1","order_status":"filled"})",
        false, "price");
    row("fill with bad time",
        R"({"id":"x","activity_type":"FILL","transaction_time":"yesterday","type":"fill","price":"1","qty":"1",
            "side":"buy","symbol":"A","leaves_qty":"0","order_id":"o","cum_qty":"1","order_status":"filled"})",
        false, "transaction_time");
    row("non-trade without date", R"({"id":"x","activity_type":"CSD","net_amount":"1"})", false, "date");
    row("non-trade with bad amount",
        R"({"id":"x","activity_type":"CSD","date":"2026-01-06","net_amount":"1,0"})", false, "net_amount");
    row("missing type", R"({"id":"x","date":"2026-01-06","net_amount":"1"})", false, "activity_type");
}

void TestAlpacaAccountData::activityCodec()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, ok);
    QFETCH(QString, errorPath);
    const QJsonObject input = QJsonDocument::fromJson(payload).object();
    const auto a = Activity::fromJson(input);
    QCOMPARE(a.hasValue(), ok);
    if (!ok) {
        QCOMPARE(a.error().path, errorPath);
        return;
    }
    QCOMPARE(a->activityTypeWire, input.value(u"activity_type").toString());
    if (a->activityTypeWire == u"NEWTYPE")
        QCOMPARE(a->activityType, ActivityType::Unknown);
    if (a->isTrade()) {
        QCOMPARE(a->fillType, FillType::PartialFill);
        QCOMPARE(a->price, std::optional<Decimal>(dec("404.21")));
        QCOMPARE(a->side, OrderSide::Buy);
        QCOMPARE(a->orderStatus, OrderStatus::PartiallyFilled);
        QCOMPARE(a->transactionTime->nanos() % 1'000'000'000, 918'273'645);
    } else {
        QCOMPARE(a->date, std::optional<QDate>(QDate(2026, 1, 6)));
    }
    const auto again = Activity::fromJson(a->toJson());
    QVERIFY(again.hasValue());
    QCOMPARE(*again, *a);
}

void TestAlpacaAccountData::activityQueryRejected_data()
{
    QTest::addColumn<ActivityQuery>("query");
    QTest::addColumn<QueryError::Kind>("kind");
    QTest::addColumn<QString>("parameter");
    using K = QueryError::Kind;
    ActivityQuery dateAndAfter;
    dateAndAfter.date = QDate(2026, 1, 6);
    dateAndAfter.after = ts("2026-01-01T00:00:00Z");
    QTest::addRow("date with after") << dateAndAfter << K::Conflict << u"date"_s;
    ActivityQuery dateAndUntil;
    dateAndUntil.date = QDate(2026, 1, 6);
    dateAndUntil.until = ts("2026-01-07T00:00:00Z");
    QTest::addRow("date with until") << dateAndUntil << K::Conflict << u"date"_s;
    ActivityQuery backwards;
    backwards.after = ts("2026-01-07T00:00:00Z");
    backwards.until = ts("2026-01-01T00:00:00Z");
    QTest::addRow("after later than until") << backwards << K::InvalidValue << u"after"_s;
    for (int size : {0, -1, 101}) {
        ActivityQuery q;
        q.pageSize = size;
        QTest::addRow("page_size %d", size) << q << K::InvalidValue << u"page_size"_s;
    }
    ActivityQuery type;
    type.activityTypes = {u"FILL"_s, u"csd"_s};
    QTest::addRow("lower-case type") << type << K::InvalidValue << u"activity_types"_s;
}

void TestAlpacaAccountData::activityQueryRejected()
{
    QFETCH(ActivityQuery, query);
    QFETCH(QueryError::Kind, kind);
    QFETCH(QString, parameter);
    const auto q = query.toUrlQuery();
    QVERIFY(!q.hasValue());
    QCOMPARE(q.error().kind, kind);
    QCOMPARE(q.error().parameter, parameter);

    auto c = client(true);
    const auto result = take(c->activities(m_own, query));
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(m_fake->requests().isEmpty());
}

void TestAlpacaAccountData::activitiesFollowPages_data()
{
    QTest::addColumn<bool>("brokerApi");
    QTest::addColumn<int>("fills");
    QTest::addColumn<int>("deposits");
    QTest::addColumn<int>("pageSize");
    QTest::addColumn<bool>("newestFirst");
    QTest::addColumn<int>("requests");
    for (bool brokerApi : {true, false}) {
        const char *api = brokerApi ? "broker" : "trading";
        // 9 activities in pages of 3: three full pages, then an empty one ends it.
        QTest::addRow("%s exact pages", api) << brokerApi << 7 << 2 << 3 << true << 4;
        // 9 in pages of 4: 4, 4, then a short page of 1 ends it.
        QTest::addRow("%s short last page", api) << brokerApi << 6 << 3 << 4 << true << 3;
        QTest::addRow("%s oldest first", api) << brokerApi << 5 << 2 << 2 << false << 4;
        QTest::addRow("%s one page", api) << brokerApi << 2 << 1 << 100 << true << 1;
        QTest::addRow("%s none", api) << brokerApi << 0 << 0 << 10 << true << 1;
    }
}

void TestAlpacaAccountData::activitiesFollowPages()
{
    QFETCH(bool, brokerApi);
    QFETCH(int, fills);
    QFETCH(int, deposits);
    QFETCH(int, pageSize);
    QFETCH(bool, newestFirst);
    QFETCH(int, requests);
    fundAndTrade(fills, deposits);
    QList<Activity> expected = m_fake->accountData().activitiesOf(m_own);
    QCOMPARE(expected.size(), fills + deposits);
    if (newestFirst)
        std::reverse(expected.begin(), expected.end());

    auto c = client(brokerApi);
    ActivityQuery q;
    q.pageSize = pageSize;
    q.newestFirst = newestFirst;
    const auto result = take(c->activities(m_own, q));
    QVERIFY2(result.hasValue(), why(result).constData());
    QCOMPARE(*result, expected);
    QCOMPARE(result->count(), fills + deposits);
    qsizetype trades = 0;
    for (const Activity &a : *result)
        trades += a.isTrade() ? 1 : 0;
    QCOMPARE(trades, fills);

    const auto sent = m_fake->requests("GET", u"activities"_s);
    QCOMPARE(sent.size(), requests);
    for (qsizetype i = 0; i < sent.size(); ++i) {
        const auto &r = sent.at(i);
        QCOMPARE(r.path, brokerApi ? u"/v1/accounts/activities"_s : u"/v2/account/activities"_s);
        QCOMPARE(r.query.queryItemValue(u"account_id"_s), brokerApi ? m_own : QString());
        QCOMPARE(r.query.queryItemValue(u"page_size"_s), QString::number(pageSize));
        QCOMPARE(r.query.queryItemValue(u"direction"_s), newestFirst ? u"desc"_s : u"asc"_s);
        const QString token = r.query.queryItemValue(u"page_token"_s, QUrl::FullyDecoded);
        QCOMPARE(token, i == 0 ? QString() : expected.at(i * pageSize - 1).id);
    }
}

void TestAlpacaAccountData::activitiesFilteredByType_data()
{
    addApiRows();
}

void TestAlpacaAccountData::activitiesFilteredByType()
{
    QFETCH(bool, brokerApi);
    fundAndTrade(3, 2);
    auto c = client(brokerApi);
    ActivityQuery q;
    q.activityTypes = {u"CSD"_s};
    const auto result = take(c->activities(m_own, q));
    QVERIFY2(result.hasValue(), why(result).constData());
    QCOMPARE(result->size(), 2);
    for (const Activity &a : *result) {
        QCOMPARE(a.activityType, ActivityType::Csd);
        QCOMPARE(a.status, ActivityStatus::Executed);
        QVERIFY(a.netAmount->isPositive());
        QCOMPARE(a.date, std::optional<QDate>(FakeAccountData::newYorkDate(Timestamp::now())));
    }
    QCOMPARE(m_fake->requests().constLast().query.queryItemValue(u"activity_types"_s), u"CSD"_s);
}

void TestAlpacaAccountData::activitiesStopWhenServerIgnoresToken()
{
    // A server that answers every page with the same full page must not make the client loop.
    fundAndTrade(2, 0);
    const QJsonArray page{m_fake->accountData().activitiesOf(m_own).at(0).toJson(),
                          m_fake->accountData().activitiesOf(m_own).at(1).toJson()};
    FakeFault same = answer(u"activities"_s, page);
    same.count = 10;
    m_fake->injectFault(same);
    auto c = client(true);
    ActivityQuery q;
    q.pageSize = 2;
    const auto result = take(c->activities(m_own, q));
    QVERIFY(!result.hasValue());
    QCOMPARE(result.error().kind, BrokerError::Kind::Decode);
    QCOMPARE(m_fake->requests("GET", u"activities"_s).size(), 2);
}

// --- clock and calendar -----------------------------------------------------------------------------

void TestAlpacaAccountData::clockReferenceExample_data()
{
    addApiRows();
}

void TestAlpacaAccountData::clockReferenceExample()
{
    QFETCH(bool, brokerApi);
    m_fake->injectFault(answer(u"/clock"_s, json(kClockExample)));
    auto c = client(brokerApi);
    const auto clock = take(c->clock());
    QVERIFY2(clock.hasValue(), why(clock).constData());
    QCOMPARE(m_fake->requests().constLast().path, brokerApi ? u"/v1/clock"_s : u"/v2/clock"_s);
    QVERIFY(clock->isOpen);
    QCOMPARE(clock->timestamp, ts("2026-01-06T16:02:15.447213308Z"));
    QCOMPARE(clock->nextOpen, ts("2026-01-07T14:30:00Z"));
    QCOMPARE(clock->nextClose, ts("2026-01-06T21:00:00Z"));
    QCOMPARE(clock->timestampOffsetSeconds, -5 * 3600);
    QCOMPARE(clock->nextOpenOffsetSeconds, -5 * 3600);
    QCOMPARE(clock->toJson(), json(kClockExample));
}

void TestAlpacaAccountData::clockFromFake_data()
{
    QTest::addColumn<bool>("brokerApi");
    QTest::addColumn<Timestamp>("now");
    QTest::addColumn<bool>("open");
    QTest::addColumn<QString>("nextOpen");
    QTest::addColumn<QString>("nextClose");
    for (bool brokerApi : {true, false}) {
        const char *api = brokerApi ? "broker" : "trading";
        QTest::addRow("%s tuesday session", api)
            << brokerApi << ts("2026-01-06T16:02:15.5Z") << true << u"2026-01-07T09:30:00-05:00"_s
            << u"2026-01-06T16:00:00-05:00"_s;
        QTest::addRow("%s before the open", api)
            << brokerApi << ts("2026-01-06T13:00:00Z") << false << u"2026-01-06T09:30:00-05:00"_s
            << u"2026-01-06T16:00:00-05:00"_s;
        QTest::addRow("%s friday evening", api)
            << brokerApi << ts("2026-01-09T22:00:00Z") << false << u"2026-01-12T09:30:00-05:00"_s
            << u"2026-01-12T16:00:00-05:00"_s;
        QTest::addRow("%s summer (EDT)", api)
            << brokerApi << ts("2026-07-06T14:00:00Z") << true << u"2026-07-07T09:30:00-04:00"_s
            << u"2026-07-06T16:00:00-04:00"_s;
        QTest::addRow("%s new year holiday", api)
            << brokerApi << ts("2026-01-01T15:00:00Z") << false << u"2026-01-02T09:30:00-05:00"_s
            << u"2026-01-02T16:00:00-05:00"_s;
        QTest::addRow("%s early close", api)
            << brokerApi << ts("2026-12-24T18:30:00Z") << false << u"2026-12-28T09:30:00-05:00"_s
            << u"2026-12-28T16:00:00-05:00"_s;
    }
}

void TestAlpacaAccountData::clockFromFake()
{
    QFETCH(bool, brokerApi);
    QFETCH(Timestamp, now);
    QFETCH(bool, open);
    QFETCH(QString, nextOpen);
    QFETCH(QString, nextClose);
    m_fake->accountData().setNow(now);
    auto c = client(brokerApi);
    const auto clock = take(c->clock());
    QVERIFY2(clock.hasValue(), why(clock).constData());
    QCOMPARE(clock->timestamp, now);
    QCOMPARE(clock->isOpen, open);
    QCOMPARE(MarketClock::formatWithOffset(clock->nextOpen, clock->nextOpenOffsetSeconds), nextOpen);
    QCOMPARE(MarketClock::formatWithOffset(clock->nextClose, clock->nextCloseOffsetSeconds), nextClose);
}

void TestAlpacaAccountData::calendarReferenceExample()
{
    m_fake->injectFault(answer(u"/calendar"_s, QJsonArray{json(kCalendarDayExample)}));
    auto c = client(true);
    const auto days = take(c->calendar(QDate(2026, 1, 6), QDate(2026, 1, 6)));
    QVERIFY2(days.hasValue(), why(days).constData());
    QCOMPARE(days->size(), 1);
    const CalendarDay &d = days->constFirst();
    QCOMPARE(d.date, QDate(2026, 1, 6));
    QCOMPARE(d.open, QTime(9, 30));
    QCOMPARE(d.close, QTime(16, 0));
    QCOMPARE(d.sessionOpen, std::optional<QTime>(QTime(4, 0)));
    QCOMPARE(d.sessionClose, std::optional<QTime>(QTime(20, 0)));
    QVERIFY(!d.isEarlyClose());
    QCOMPARE(d.toJson(), json(kCalendarDayExample));

    QVERIFY(
        !CalendarDay::fromJson(json(R"({"date":"2026-01-06","open":"9.30","close":"16:00"})")).hasValue());
    QVERIFY(
        !CalendarDay::fromJson(json(R"({"date":"2026-01-06","open":"16:00","close":"09:30"})")).hasValue());
    QVERIFY(!CalendarDay::fromJson(json(R"({"open":"09:30","close":"16:00"})")).hasValue());
}

void TestAlpacaAccountData::calendarFromFake_data()
{
    QTest::addColumn<bool>("brokerApi");
    QTest::addColumn<QDate>("start");
    QTest::addColumn<QDate>("end");
    QTest::addColumn<QList<QDate>>("days");
    QTest::addColumn<QList<QDate>>("earlyCloses");
    for (bool brokerApi : {true, false}) {
        const char *api = brokerApi ? "broker" : "trading";
        QTest::addRow("%s one week", api)
            << brokerApi << QDate(2026, 1, 5) << QDate(2026, 1, 11)
            << QList<QDate>{QDate(2026, 1, 5), QDate(2026, 1, 6), QDate(2026, 1, 7), QDate(2026, 1, 8),
                            QDate(2026, 1, 9)}
            << QList<QDate>{};
        QTest::addRow("%s christmas", api)
            << brokerApi << QDate(2026, 12, 23) << QDate(2026, 12, 28)
            << QList<QDate>{QDate(2026, 12, 23), QDate(2026, 12, 24), QDate(2026, 12, 28)}
            << QList<QDate>{QDate(2026, 12, 24)};
        QTest::addRow("%s thanksgiving friday", api)
            << brokerApi << QDate(2026, 11, 27) << QDate(2026, 11, 27) << QList<QDate>{QDate(2026, 11, 27)}
            << QList<QDate>{QDate(2026, 11, 27)};
        QTest::addRow("%s weekend", api)
            << brokerApi << QDate(2026, 1, 10) << QDate(2026, 1, 11) << QList<QDate>{} << QList<QDate>{};
    }
}

void TestAlpacaAccountData::calendarFromFake()
{
    QFETCH(bool, brokerApi);
    QFETCH(QDate, start);
    QFETCH(QDate, end);
    QFETCH(QList<QDate>, days);
    QFETCH(QList<QDate>, earlyCloses);
    auto c = client(brokerApi);
    const auto calendar = take(c->calendar(start, end));
    QVERIFY2(calendar.hasValue(), why(calendar).constData());
    const auto request = m_fake->requests().constLast();
    QCOMPARE(request.path, brokerApi ? u"/v1/calendar"_s : u"/v2/calendar"_s);
    QCOMPARE(request.query.toString(),
             u"start=%1&end=%2"_s.arg(start.toString(Qt::ISODate), end.toString(Qt::ISODate)));
    QList<QDate> got;
    QList<QDate> early;
    for (const CalendarDay &d : *calendar) {
        got.append(d.date);
        QCOMPARE(d.open, QTime(9, 30));
        if (d.isEarlyClose()) {
            early.append(d.date);
            QCOMPARE(d.close, QTime(13, 0));
        } else {
            QCOMPARE(d.close, QTime(16, 0));
        }
    }
    QCOMPARE(got, days);
    QCOMPARE(early, earlyCloses);
}

void TestAlpacaAccountData::calendarRejectsReversedRange()
{
    auto c = client(false);
    const auto calendar = take(c->calendar(QDate(2026, 1, 9), QDate(2026, 1, 5)));
    QVERIFY(!calendar.hasValue());
    QCOMPARE(calendar.error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(m_fake->requests().isEmpty());
}

void TestAlpacaAccountData::tradingRefusesOtherAccounts()
{
    auto c = client(false);
    QVERIFY(take(c->account({})).hasValue()); // learns the own account id
    const QString other = u"00000000-0000-4000-8000-000000000000"_s;
    const auto h = take(c->portfolioHistory(other, {}));
    QVERIFY(!h.hasValue());
    QCOMPARE(h.error().kind, BrokerError::Kind::NotFound);
    const auto a = take(c->activities(other, {}));
    QVERIFY(!a.hasValue());
    QCOMPARE(a.error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(m_fake->requests().size(), 1);
}

QTEST_GUILESS_MAIN(TestAlpacaAccountData)
#include "tst_alpacaaccountdata.moc"
