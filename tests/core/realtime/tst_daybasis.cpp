#include "core/realtime/daybasis.h"

#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;

namespace {

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

Position position(const QString &symbol, const char *qty)
{
    Position p;
    p.symbol = symbol;
    p.qty = dec(qty);
    return p;
}

Activity fill(const QString &symbol, OrderSide side, const char *qty, const char *price)
{
    Activity a;
    a.activityType = ActivityType::Fill;
    a.activityTypeWire = u"FILL"_s;
    a.symbol = symbol;
    a.side = side;
    a.qty = dec(qty);
    a.price = dec(price);
    return a;
}

} // namespace

// Folding positions and today's fills into the engine's day basis (closeQty per symbol, dayCash).
class TestDayBasis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noFillsMeansHeldSinceTheClose()
    {
        const DayBook book = dayBook({position(u"MSFT"_s, "3"), position(u"AAPL"_s, "1.5")}, QList<Activity>{});
        QCOMPARE(book.dayCash, std::optional(dec("0")));
        QCOMPARE(book.holdings.size(), 2);
        QCOMPARE(book.holdings[0].symbol, u"AAPL"_s); // sorted by symbol
        QVERIFY(!book.holdings[0].closeQty);
        QVERIFY(!book.holdings[1].closeQty);
    }

    void fillsGiveCloseQuantityAndCash()
    {
        // AAPL: 10 held now after buying 4 (at 101 and 102) and selling 1 at 103: 7 held at the close.
        // TSLA: sold out today (5 at 250, partial fills of one order).
        const DayBook book = dayBook({position(u"AAPL"_s, "10")},
                                     QList<Activity>{fill(u"AAPL"_s, OrderSide::Buy, "2", "101"),
                                                     fill(u"AAPL"_s, OrderSide::Buy, "2", "102"),
                                                     fill(u"AAPL"_s, OrderSide::Sell, "1", "103"),
                                                     fill(u"TSLA"_s, OrderSide::Sell, "2", "250"),
                                                     fill(u"TSLA"_s, OrderSide::Sell, "3", "250.5")});
        QCOMPARE(book.dayCash, std::optional(dec("202") + dec("204") - dec("103") - dec("500") - dec("751.5")));
        QCOMPARE(book.holdings.size(), 2);
        QCOMPARE(book.holdings[0].symbol, u"AAPL"_s);
        QCOMPARE(book.holdings[0].qty, dec("10"));
        QCOMPARE(book.holdings[0].closeQty, std::optional(dec("7")));
        QCOMPARE(book.holdings[1].symbol, u"TSLA"_s);
        QCOMPARE(book.holdings[1].qty, dec("0"));
        QCOMPARE(book.holdings[1].closeQty, std::optional(dec("5")));
        // A round trip of today in a symbol no longer held: no holding, its cash still counts.
        const DayBook trip = dayBook({}, QList<Activity>{fill(u"NVDA"_s, OrderSide::Buy, "1", "100"),
                                                         fill(u"NVDA"_s, OrderSide::Sell, "1", "104")});
        QVERIFY(trip.holdings.isEmpty());
        QCOMPARE(trip.dayCash, std::optional(dec("-4")));
    }

    void unusableFillsMeanUnknown()
    {
        const QList<Position> held{position(u"AAPL"_s, "2")};
        QVERIFY(!dayBook(held, std::nullopt).dayCash); // not read
        Activity noPrice = fill(u"AAPL"_s, OrderSide::Buy, "1", "1");
        noPrice.price.reset();
        QVERIFY(!dayBook(held, QList<Activity>{noPrice}).dayCash);
        QVERIFY(!dayBook(held, QList<Activity>{fill(u"AAPL"_s, OrderSide::Unknown, "1", "1")}).dayCash);
        const DayBook unknown = dayBook(held, std::nullopt);
        QCOMPARE(unknown.holdings.size(), 1); // still valued
        QVERIFY(!unknown.holdings[0].closeQty);
        // Non-trade activities are not fills.
        Activity deposit;
        deposit.activityType = ActivityType::Csd;
        deposit.netAmount = dec("100");
        QCOMPARE(dayBook(held, QList<Activity>{deposit}).dayCash, std::optional(dec("0")));
    }

    void todaysFillsAreThoseAfterThePreviousClose()
    {
        const Timestamp now = *Timestamp::parse(u"2026-12-04T15:00:00Z"_s);
        const Timestamp close = *Timestamp::parse(u"2026-12-03T21:00:00Z"_s);
        ActivityQuery q = todaysFillsQuery(close, now);
        QCOMPARE(q.activityTypes, QStringList{u"FILL"_s});
        QCOMPARE(q.after, std::optional(close));
        QVERIFY(!q.date);
        QVERIFY(q.toUrlQuery());
        // Without a previous close: the New York date (03:00 UTC is still the day before there).
        q = todaysFillsQuery(std::nullopt, *Timestamp::parse(u"2026-12-05T03:00:00Z"_s));
        QCOMPARE(q.date, std::optional(QDate(2026, 12, 4)));
        QVERIFY(!q.after);
        QVERIFY(q.toUrlQuery());
    }
};

QTEST_GUILESS_MAIN(TestDayBasis)
#include "tst_daybasis.moc"
