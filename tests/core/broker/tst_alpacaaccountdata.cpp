#include "alpacaaccountdatafixture.h"

using namespace clera;
using namespace clera::test;

// Account activities (codec, validation, paging, type filters), the market clock and calendar on
// Alpaca's APIs (Broker and Trading) against the fake, and that trading refuses other accounts.
class TestAlpacaAccountData : public QObject, protected AlpacaAccountDataFixture
{
    Q_OBJECT

private Q_SLOTS:
    void init() { startFake(); }
    void cleanup() { stopFake(); }

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
};

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
