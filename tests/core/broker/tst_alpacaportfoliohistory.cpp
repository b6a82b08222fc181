#include "alpacaaccountdatafixture.h"

using namespace clera;
using namespace clera::test;

// Portfolio history on Alpaca's APIs (Broker and Trading): the query string and its validation, the codec,
// and over the wire against the fake (the reference's example, null base value, mismatched arrays).
class TestAlpacaPortfolioHistory : public QObject, protected AlpacaAccountDataFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { startFake(); }
    void cleanup() { stopFake(); }

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
};

// --- PortfolioHistoryQuery --------------------------------------------------------------------------

void TestAlpacaPortfolioHistory::historyQueryString_data()
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

void TestAlpacaPortfolioHistory::historyQueryString()
{
    QFETCH(PortfolioHistoryQuery, query);
    QFETCH(QString, expected);
    const auto q = query.toUrlQuery();
    QVERIFY2(q.hasValue(), why(q).constData());
    QCOMPARE(q->toString(QUrl::FullyDecoded), expected);
}

void TestAlpacaPortfolioHistory::historyQueryRejected_data()
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

void TestAlpacaPortfolioHistory::historyQueryRejected()
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

void TestAlpacaPortfolioHistory::historyCodec_data()
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

void TestAlpacaPortfolioHistory::historyCodec()
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

void TestAlpacaPortfolioHistory::historyMalformed_data()
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

void TestAlpacaPortfolioHistory::historyMalformed()
{
    QFETCH(QByteArray, payload);
    QFETCH(QString, path);
    const auto h = PortfolioHistory::fromJson(QJsonDocument::fromJson(payload).object());
    QVERIFY(!h.hasValue());
    QCOMPARE(h.error().path, path);
}

// --- portfolio history over the wire ----------------------------------------------------------------

void TestAlpacaPortfolioHistory::historyFromFake_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::historyFromFake()
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

void TestAlpacaPortfolioHistory::historyReferenceExample_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::historyReferenceExample()
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

void TestAlpacaPortfolioHistory::historyNullBaseValue_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::historyNullBaseValue()
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

void TestAlpacaPortfolioHistory::historyMismatchedArraysIsTypedError_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::historyMismatchedArraysIsTypedError()
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

void TestAlpacaPortfolioHistory::historyInvalidQueryNeverSent_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::historyInvalidQueryNeverSent()
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

void TestAlpacaPortfolioHistory::fakeRejectsUnknownPeriodUnit_data()
{
    addApiRows();
}

void TestAlpacaPortfolioHistory::fakeRejectsUnknownPeriodUnit()
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

QTEST_GUILESS_MAIN(TestAlpacaPortfolioHistory)
#include "tst_alpacaportfoliohistory.moc"
