// SimBroker's account activities and portfolio history: built from its own fills, settled transfers
// and the equity points it records in its SQLite file, under a clock the test moves.
#include "core/broker/simaccountdata.h"
#include "core/broker/simbroker.h"
#include "manualfeed.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QByteArray kCatalog = R"({"assets": [
  {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "230.00"}
]})";

// Monday 2026-03-02 15:00 UTC (10:00 in New York).
const Timestamp kT0 = Timestamp::fromDateTime(QDateTime(QDate(2026, 3, 2), QTime(15, 0), Qt::UTC));
constexpr std::int64_t kMinute = 60'000'000'000LL;
constexpr std::int64_t kHour = 60 * kMinute;

Decimal dec(QStringView text)
{
    auto d = Decimal::parse(text);
    if (!d)
        qFatal("bad decimal literal in test");
    return *d;
}

Timestamp at(std::int64_t offset)
{
    return Timestamp::fromNanos(kT0.nanos() + offset);
}

template <typename T> T take(const QFuture<T> &future)
{
    if (!future.isFinished())
        qFatal("SimBroker returned an unfinished future");
    return future.result();
}

OrderRequest market(Decimal qty, OrderSide side)
{
    OrderRequest r;
    r.symbol = u"AAPL"_s;
    r.qty = qty;
    r.side = side;
    r.type = OrderType::Market;
    r.timeInForce = TimeInForce::Day;
    return r;
}

} // namespace

class TestSimAccountData : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::optional<AssetCatalog> m_catalog;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SimBroker> m_broker;
    QString m_path;
    QString m_account;
    Timestamp m_now = kT0;
    int m_counter = 0;

    void openBroker()
    {
        m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, nullptr, m_path);
        m_broker->setSettleDelayMs(0);
        m_broker->setClock([this] { return m_now; });
        const auto opened = m_broker->open();
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
    }

    void transfer(Decimal amount, TransferDirection direction)
    {
        TransferRequest r;
        r.amount = amount;
        r.direction = direction;
        const auto t = take(m_broker->createTransfer(m_account, r));
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        QTRY_COMPARE(take(m_broker->transfers(m_account))->constLast().status, TransferStatus::Complete);
    }

    void trade(Decimal qty, OrderSide side)
    {
        const auto o = take(m_broker->submitOrder(m_account, market(qty, side)));
        QVERIFY2(o, qPrintable(o ? QString() : o.error().message));
        QCOMPARE(o->status, OrderStatus::Filled);
    }

    PortfolioHistory history(const PortfolioHistoryQuery &q)
    {
        const auto h = take(m_broker->portfolioHistory(m_account, q));
        if (!h)
            qFatal("history failed: %s", qPrintable(h.error().message));
        return *h;
    }

    static QStringList equities(const PortfolioHistory &h)
    {
        QStringList out;
        for (const auto &p : h.points)
            out.append(p.equity.toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto catalog = AssetCatalog::fromJson(kCatalog);
        QVERIFY(catalog);
        m_catalog = *catalog;
    }

    void init()
    {
        m_now = kT0;
        m_feed = std::make_unique<ManualFeed>();
        m_feed->setPrice(u"AAPL"_s, dec(u"187.31"));
        m_path = m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_counter));
        openBroker();
        const auto account = m_broker->createAccount(dec(u"100000"), u"Data"_s);
        QVERIFY(account);
        m_account = account->id;
    }

    void cleanup()
    {
        m_broker.reset();
        m_feed.reset();
    }

    void activitiesFromFillsAndSettledTransfers()
    {
        m_now = at(kMinute);
        trade(dec(u"10"), OrderSide::Buy);
        m_now = at(2 * kMinute);
        transfer(dec(u"500.25"), TransferDirection::Incoming);
        m_now = at(3 * kMinute);
        trade(dec(u"4"), OrderSide::Sell);
        m_now = at(4 * kMinute);
        transfer(dec(u"100"), TransferDirection::Outgoing);
        // A queued transfer is no activity yet.
        m_broker->setSettleDelayMs(60'000);
        TransferRequest pending;
        pending.amount = dec(u"5");
        pending.direction = TransferDirection::Incoming;
        QVERIFY(take(m_broker->createTransfer(m_account, pending)));

        const auto all = take(m_broker->activities(m_account, ActivityQuery{}));
        QVERIFY2(all, qPrintable(all ? QString() : all.error().message));
        QCOMPARE(all->size(), 4);
        QStringList types;
        for (const Activity &a : *all)
            types.append(a.activityTypeWire);
        QCOMPARE(types, (QStringList{u"CSW"_s, u"FILL"_s, u"CSD"_s, u"FILL"_s})); // newest first

        const Activity &buy = all->at(3);
        QVERIFY(buy.isTrade());
        QCOMPARE(buy.accountId, m_account);
        QCOMPARE(buy.symbol, u"AAPL"_s);
        QCOMPARE(buy.side, OrderSide::Buy);
        QCOMPARE(buy.qty, std::optional<Decimal>(dec(u"10")));
        QCOMPARE(buy.cumQty, std::optional<Decimal>(dec(u"10")));
        QCOMPARE(buy.leavesQty, std::optional<Decimal>(Decimal()));
        QCOMPARE(buy.price, std::optional<Decimal>(dec(u"187.31")));
        QCOMPARE(buy.transactionTime, std::optional<Timestamp>(at(kMinute)));
        QCOMPARE(buy.orderStatus, OrderStatus::Filled);
        QVERIFY(buy.id.startsWith(u"20260302150100000::"_s));
        QVERIFY(buy.id.endsWith(buy.orderId));

        const Activity &deposit = all->at(2);
        QCOMPARE(deposit.activityType, ActivityType::Csd);
        QCOMPARE(deposit.netAmount, std::optional<Decimal>(dec(u"500.25")));
        QCOMPARE(deposit.date, std::optional<QDate>(QDate(2026, 3, 2)));
        QCOMPARE(deposit.status, ActivityStatus::Executed);
        QCOMPARE(SimAccountData::timeOf(deposit), at(2 * kMinute));
        QCOMPARE(all->at(0).netAmount, std::optional<Decimal>(dec(u"-100")));
        QCOMPARE(all->at(1).side, OrderSide::Sell);

        // Filters: types, direction, after/until, date.
        ActivityQuery cash;
        cash.activityTypes = {u"CSD"_s, u"CSW"_s};
        cash.newestFirst = false;
        const auto cashOnly = take(m_broker->activities(m_account, cash));
        QCOMPARE(cashOnly->size(), 2);
        QCOMPARE(cashOnly->first().activityType, ActivityType::Csd);
        ActivityQuery window;
        window.after = at(kMinute);
        window.until = at(4 * kMinute);
        const auto between = take(m_broker->activities(m_account, window));
        QCOMPARE(between->size(), 2); // strictly after the buy, strictly before the withdrawal
        ActivityQuery otherDay;
        otherDay.date = QDate(2026, 3, 3);
        QVERIFY(take(m_broker->activities(m_account, otherDay))->isEmpty());
        otherDay.date = QDate(2026, 3, 2);
        QCOMPARE(take(m_broker->activities(m_account, otherDay))->size(), 4);
    }

    void pagesFollowTheToken()
    {
        for (int i = 1; i <= 5; ++i) {
            m_now = at(i * kMinute);
            trade(dec(u"1"), OrderSide::Buy);
        }
        ActivityQuery q;
        q.pageSize = 2;
        QStringList seen;
        for (int page = 0; page < 4; ++page) {
            const auto got = take(m_broker->activityPage(m_account, q));
            QVERIFY(got);
            QVERIFY(got->size() <= 2);
            for (const Activity &a : *got)
                seen.append(a.id);
            if (got->size() < q.pageSize)
                break;
            q.pageToken = got->constLast().id;
        }
        QCOMPARE(seen.size(), 5);
        QStringList sorted = seen;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        QCOMPARE(seen, sorted); // newest first, no repeats across pages
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), 5);

        // Ids survive a restart, so a token handed out before stays valid.
        m_broker.reset();
        openBroker();
        ActivityQuery again;
        again.pageSize = 2;
        again.pageToken = seen.at(1);
        const auto after = take(m_broker->activityPage(m_account, again));
        QCOMPARE(after->size(), 2);
        QCOMPARE(after->first().id, seen.at(2));
    }

    void invalidActivityQueries()
    {
        ActivityQuery tooBig;
        tooBig.pageSize = 101;
        const auto a = take(m_broker->activityPage(m_account, tooBig));
        QVERIFY(!a);
        QCOMPARE(a.error().kind, BrokerError::Kind::InvalidRequest);
        ActivityQuery both;
        both.date = QDate(2026, 3, 2);
        both.after = kT0;
        QCOMPARE(take(m_broker->activities(m_account, both)).error().kind, BrokerError::Kind::InvalidRequest);
        const auto unknown = take(m_broker->activities(u"no-such-account"_s, ActivityQuery{}));
        QCOMPARE(unknown.error().kind, BrokerError::Kind::NotFound);
    }

    void historyFromRecordedEquity()
    {
        m_now = at(kHour);
        trade(dec(u"10"), OrderSide::Buy); // equity unchanged: 98126.90 cash + 1873.10 shares
        m_now = at(2 * kHour);
        m_feed->setPrice(u"AAPL"_s, dec(u"200"));
        m_broker->recordEquity();
        m_now = at(3 * kHour);
        transfer(dec(u"1000"), TransferDirection::Incoming);
        m_now = at(4 * kHour);

        PortfolioHistoryQuery q;
        q.timeframe = PortfolioHistoryQuery::Timeframe::OneHour;
        q.start = at(-2 * kHour); // before the account existed: no points there
        q.end = at(4 * kHour);
        q.cashflowTypes = {u"CSD"_s};
        const PortfolioHistory h = history(q);
        QCOMPARE(h.timeframe, u"1H"_s);
        QCOMPARE(equities(h),
                 (QStringList{u"100000"_s, u"100000"_s, u"100126.9"_s, u"101126.9"_s, u"101126.9"_s}));
        QCOMPARE(h.points.first().timestamp, kT0);
        QCOMPARE(h.points.last().timestamp, at(4 * kHour));
        QCOMPARE(h.baseValue, std::optional<Decimal>(dec(u"100000")));
        QCOMPARE(h.baseValueAsOf, std::optional<QDate>(QDate(2026, 3, 2)));
        // The deposit is not profit.
        QCOMPARE(h.points.at(2).profitLoss, dec(u"126.9"));
        QCOMPARE(h.points.at(3).profitLoss, dec(u"126.9"));
        QCOMPARE(h.points.at(3).profitLossPct, std::optional<Decimal>(dec(u"0.001256"))); // 126.9 / 101000
        QCOMPARE(h.points.at(0).profitLossPct, std::optional<Decimal>(Decimal()));
        QCOMPARE(h.cashflow.value(u"CSD"_s),
                 (QList<Decimal>{Decimal(), Decimal(), Decimal(), dec(u"1000"), Decimal()}));

        // One daily point; and the same answer after a restart (the points are in the file).
        PortfolioHistoryQuery daily;
        daily.period = u"1W"_s;
        daily.timeframe = PortfolioHistoryQuery::Timeframe::OneDay;
        QCOMPARE(equities(history(daily)), QStringList{u"101126.9"_s});
        m_broker.reset();
        openBroker();
        QCOMPARE(equities(history(q)), equities(h));
    }

    void historyWindowsBeforeTheAccountAreEmpty()
    {
        PortfolioHistoryQuery q;
        q.timeframe = PortfolioHistoryQuery::Timeframe::OneHour;
        q.start = at(-5 * kHour);
        q.end = at(-kHour);
        QVERIFY(history(q).points.isEmpty());
        QVERIFY(!history(q).baseValue);
    }

    void periodicSamplesAreRecorded()
    {
        m_now = at(kMinute);
        trade(dec(u"10"), OrderSide::Buy);
        m_feed->setPrice(u"AAPL"_s, dec(u"190"));
        m_now = at(10 * kMinute);
        m_broker->setEquitySampleInterval(std::chrono::milliseconds(10));
        PortfolioHistoryQuery q;
        q.timeframe = PortfolioHistoryQuery::Timeframe::OneMinute;
        q.start = kT0;
        q.end = at(10 * kMinute);
        // 98126.90 + 10 × 190
        QTRY_COMPARE(history(q).points.constLast().equity, dec(u"100026.9"));
        QCOMPARE(history(q).points.size(), 11);
    }

    void defaultTimeframes_data()
    {
        QTest::addColumn<QString>("period");
        QTest::addColumn<QString>("timeframe");
        QTest::addRow("1D → 1Min") << u"1D"_s << u"1Min"_s;
        QTest::addRow("1W → 15Min") << u"1W"_s << u"15Min"_s;
        QTest::addRow("1M → 1D") << u"1M"_s << u"1D"_s;
        QTest::addRow("1Y → 1D") << u"1Y"_s << u"1D"_s;
    }

    void defaultTimeframes()
    {
        QFETCH(QString, period);
        QFETCH(QString, timeframe);
        PortfolioHistoryQuery q;
        q.period = period;
        const auto range = SimAccountData::resolve(q, at(4 * kHour));
        QVERIFY(range);
        QCOMPARE(PortfolioHistoryQuery::toWire(range->timeframe), timeframe);
        QCOMPARE(range->end, at(4 * kHour));
    }

    void invalidHistoryQueries()
    {
        PortfolioHistoryQuery intraday;
        intraday.timeframe = PortfolioHistoryQuery::Timeframe::OneMinute;
        intraday.start = at(-60 * 24 * kHour); // start only: 60 days to now
        QCOMPARE(take(m_broker->portfolioHistory(m_account, intraday)).error().kind,
                 BrokerError::Kind::InvalidRequest);
        PortfolioHistoryQuery badPeriod;
        badPeriod.period = u"3X"_s;
        QCOMPARE(take(m_broker->portfolioHistory(m_account, badPeriod)).error().kind,
                 BrokerError::Kind::InvalidRequest);
        QCOMPARE(take(m_broker->portfolioHistory(u"nobody"_s, {})).error().kind, BrokerError::Kind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestSimAccountData)
#include "tst_simaccountdata.moc"
