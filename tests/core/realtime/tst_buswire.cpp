#include "core/bus/coalescedwriter.h"
#include "core/bus/localbus.h"
#include "core/realtime/buswire.h"
#include "core/realtime/portfoliocalculator.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;

namespace {

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

BusWire::AccountHoldings holdings(const QString &id, const char *cash,
                                  QList<PortfolioEngine::Holding> positions)
{
    return {id, dec(cash), std::move(positions), Timestamp::now(), false};
}

} // namespace

// The scale-out wire format (docs/redis.md) and the calculator role over an in-process bus.
class TestBusWire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void holdingsRoundTrip()
    {
        const auto h =
            holdings(u"acct-1"_s, "9936.74", {{u"AAPL"_s, dec("10")}, {u"TSLA"_s, dec("-0.123456789")}});
        const QByteArray wire = BusWire::encode(h);
        QVERIFY(wire.contains("\"cash\":\"9936.74\""));
        QVERIFY(wire.contains("\"qty\":\"-0.123456789\""));
        const auto back = BusWire::decodeHoldings(wire);
        QVERIFY2(back, qPrintable(back ? QString() : back.error()));
        QVERIFY(*back == h);
        const auto removed =
            BusWire::decodeHoldings(BusWire::encode(BusWire::AccountHoldings{u"x"_s, {}, {}, {}, true}));
        QVERIFY(removed && removed->removed && removed->accountId == u"x"_s);
    }

    void pricesRoundTrip()
    {
        const Timestamp t = Timestamp::now();
        const QList<BusWire::PriceEntry> frame{{u"AAPL"_s, dec("187.31"), dec("185.2"), t},
                                               {u"NEW"_s, dec("1.0001"), std::nullopt, t}};
        const auto back = BusWire::decodeFrame(BusWire::encodeFrame(frame));
        QVERIFY(back);
        QCOMPARE(back->size(), 2);
        for (const auto &e : *back) {
            const auto &want = e.symbol == u"AAPL"_s ? frame[0] : frame[1];
            QCOMPARE(e.price, want.price);
            QCOMPARE(e.previousClose, want.previousClose);
            QCOMPARE(e.time, want.time);
        }
        const auto entry = BusWire::decodeEntry(u"AAPL"_s, BusWire::encodeEntry(frame[0]));
        QVERIFY(entry && entry->price == dec("187.31"));
    }

    void updateRoundTrip()
    {
        PortfolioUpdate u{u"acct-1"_s,  dec("100.5"),  dec("900"),      dec("1000.5"),
                          dec("12.25"), dec("1.2345"), Timestamp::now()};
        const auto back = BusWire::decodeUpdate(BusWire::encode(u));
        QVERIFY(back);
        QCOMPARE(back->toJson(), u.toJson());
        PortfolioUpdate unknown{u"acct-2"_s,  dec("5"),     std::nullopt,    std::nullopt,
                                std::nullopt, std::nullopt, Timestamp::now()};
        const auto back2 = BusWire::decodeUpdate(BusWire::encode(unknown));
        QVERIFY(back2 && !back2->totalValue && !back2->marketValue);
    }

    // The hand-written serialiser must give the bytes QJsonDocument gives: clients and tests parse them.
    void updateBytesMatchTheJsonDocument_data()
    {
        QTest::addColumn<PortfolioUpdate>("update");
        const Timestamp t = Timestamp::fromNanos(1'764'892'800'123'456'789);
        QTest::addRow("gain") << PortfolioUpdate{u"acct-1"_s,  dec("9936.74"), dec("15065.52"), dec("25002.26"),
                                                 dec("54.55"), dec("0.2187"),  t};
        QTest::addRow("loss, many digits")
            << PortfolioUpdate{u"a"_s, dec("-12.000000000000000001"), dec("1234567.891"), dec("1234555.890999999"),
                               dec("-1234.565"), dec("-0.09995"), t};
        QTest::addRow("unknown values") << PortfolioUpdate{u"b"_s,        dec("5"),     std::nullopt, std::nullopt,
                                                           std::nullopt, std::nullopt, t};
        QTest::addRow("return without percent") << PortfolioUpdate{
            u"c"_s, dec("0"), dec("0.004"), dec("0.004"), dec("-0.004"), std::nullopt, t};
        QTest::addRow("escaped id") << PortfolioUpdate{u"q\"b\\s/\n\t\u0001\u007f-é-€-😀"_s,
                                                       dec("1"), dec("2"), dec("3"), dec("4"), dec("5"), t};
    }

    void updateBytesMatchTheJsonDocument()
    {
        QFETCH(PortfolioUpdate, update);
        const QByteArray viaDocument = QJsonDocument(update.toJson()).toJson(QJsonDocument::Compact);
        QCOMPARE(update.toJsonBytes(), viaDocument);
        QCOMPARE(BusWire::encode(update), viaDocument);
        const auto back = BusWire::decodeUpdate(update.toJsonBytes());
        QVERIFY(back);
        QCOMPARE(back->accountId, update.accountId);
        QCOMPARE(back->totalValue, update.totalValue);
    }

    void malformedPayloadsAreRejected_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addRow("not json") << QByteArray("AAPL 187.31");
        QTest::addRow("array") << QByteArray("[1,2]");
        QTest::addRow("float cash") << QByteArray(R"({"account_id":"a","cash":"12.3.4","positions":[]})");
        QTest::addRow("no account") << QByteArray(R"({"cash":"1","positions":[]})");
        QTest::addRow("bad qty") << QByteArray(
            R"({"account_id":"a","cash":"1","positions":[{"symbol":"A","qty":"x"}]})");
    }

    void malformedPayloadsAreRejected()
    {
        QFETCH(QByteArray, payload);
        QVERIFY(!BusWire::decodeHoldings(payload));
        QVERIFY(!BusWire::decodeUpdate(payload));
    }

    void keysAndChannels()
    {
        QCOMPARE(BusWire::priceKey(u"BRK.B"_s), QByteArray("price:BRK.B"));
        QCOMPARE(BusWire::holdingsKey(u"a-1"_s), QByteArray("holdings:a-1"));
        QCOMPARE(BusWire::valueKey(u"a-1"_s), QByteArray("value:a-1"));
        QCOMPARE(BusWire::portfolioChannel(u"a-1"_s), QByteArray("portfolio:a-1"));
        QCOMPARE(BusWire::accountOfChannel("portfolio:a-1"), u"a-1"_s);
        QCOMPARE(BusWire::accountOfChannel("prices"), QString());
    }

    void calculatorValuesFromMessagesAndStoredKeys()
    {
        LocalBus bus;
        PortfolioCalculator calculator(&bus, {0ms, 0ms, 1h});
        QSignalSpy published(&calculator, &PortfolioCalculator::published);
        calculator.start();
        bus.subscribe(BusWire::portfolioChannel(u"acct-1"_s));
        QSignalSpy channel(&bus, &Bus::message);

        const Timestamp t = Timestamp::now();
        bus.setValue(BusWire::priceKey(u"AAPL"_s),
                     BusWire::encodeEntry({u"AAPL"_s, dec("100"), dec("90"), t}), 0ms);
        bus.publish(BusWire::kHoldingsChannel,
                    BusWire::encode(holdings(u"acct-1"_s, "1000", {{u"AAPL"_s, dec("10")}})));
        QTRY_VERIFY(!published.isEmpty());
        auto last = [&] { return published.last().at(0).value<PortfolioUpdate>(); };
        QCOMPARE(last().totalValue, std::optional<Decimal>(dec("2000")));
        QCOMPARE(last().todayReturn, std::optional<Decimal>(dec("100")));
        // The same value on portfolio:<id> and in value:<id>.
        QTRY_VERIFY(std::any_of(channel.cbegin(), channel.cend(), [](const QList<QVariant> &m) {
            return m.at(0).toByteArray() == "portfolio:acct-1";
        }));
        // value:<id> follows within the key write interval (250 ms), not with every update.
        const auto storedValue = [&bus]() -> std::optional<Decimal> {
            const auto stored = bus.value(BusWire::valueKey(u"acct-1"_s)).result();
            if (!stored || !*stored)
                return std::nullopt;
            return BusWire::decodeUpdate(**stored)->totalValue;
        };
        QTRY_COMPARE(storedValue(), std::optional<Decimal>(dec("2000")));

        bus.publish(BusWire::kPricesChannel, BusWire::encodeFrame({{u"AAPL"_s, dec("101.5"), dec("90"), t},
                                                                   {u"MSFT"_s, dec("400"), dec("399"), t}}));
        QTRY_COMPARE(last().totalValue, std::optional<Decimal>(dec("2015")));
        QTRY_COMPARE(storedValue(), std::optional<Decimal>(dec("2015")));

        // A full recalculation reads the accounts set, holdings:<id> and price:<SYM>.
        bus.setValue(BusWire::priceKey(u"MSFT"_s),
                     BusWire::encodeEntry({u"MSFT"_s, dec("400"), dec("399"), t}), 0ms);
        bus.setValue(BusWire::holdingsKey(u"acct-2"_s),
                     BusWire::encode(holdings(u"acct-2"_s, "1", {{u"MSFT"_s, dec("0.5")}})), 0ms);
        bus.addMembers(BusWire::kAccountsKey, {"acct-1", "acct-2"});
        QSignalSpy recalculated(&calculator, &PortfolioCalculator::recalculated);
        calculator.recalculate();
        QTRY_COMPARE(recalculated.count(), 1);
        QTRY_VERIFY(std::any_of(published.cbegin(), published.cend(), [](const QList<QVariant> &m) {
            const auto u = m.at(0).value<PortfolioUpdate>();
            return u.accountId == u"acct-2"_s && u.totalValue == dec("201");
        }));

        // A removed account is forgotten, its value deleted — also when a write of it was still pending.
        bus.publish(BusWire::kPricesChannel, BusWire::encodeFrame({{u"AAPL"_s, dec("102"), dec("90"), t}}));
        QTRY_COMPARE(last().totalValue, std::optional<Decimal>(dec("2020")));
        bus.publish(BusWire::kHoldingsChannel,
                    BusWire::encode(BusWire::AccountHoldings{u"acct-1"_s, {}, {}, {}, true}));
        QTRY_COMPARE(calculator.engine().accountCount(), 1);
        QCOMPARE(*bus.value(BusWire::valueKey(u"acct-1"_s)).result(), std::optional<QByteArray>());
        QTest::qWait(400); // past the key write interval
        QCOMPARE(*bus.value(BusWire::valueKey(u"acct-1"_s)).result(), std::optional<QByteArray>());
    }

    // Latest-value keys are written at most once per interval per key, always ending at the latest value.
    void coalescedWriterKeepsTheLatestPerKey()
    {
        LocalBus bus;
        CoalescedWriter writer(&bus, 100ms);
        const auto stored = [&bus](const QByteArray &key) {
            const auto v = bus.value(key).result();
            return v && *v ? **v : QByteArray();
        };
        for (int i = 1; i <= 50; ++i)
            writer.set("price:AAPL", QByteArray::number(i), 1h);
        writer.set("price:MSFT", "7", 1h);
        QCOMPARE(writer.pending(), 2);
        QCOMPARE(stored("price:AAPL"), QByteArray()); // nothing written yet
        QTRY_COMPARE(stored("price:AAPL"), QByteArray("50"));
        QCOMPARE(stored("price:MSFT"), QByteArray("7"));
        QCOMPARE(writer.pending(), 0);

        writer.set("price:AAPL", "51", 1h);
        writer.drop("price:AAPL");
        writer.set("price:MSFT", "8", 1h);
        writer.discard();
        QTest::qWait(250);
        QCOMPARE(stored("price:AAPL"), QByteArray("50"));
        QCOMPARE(stored("price:MSFT"), QByteArray("7"));

        writer.set("price:MSFT", "9", 1h);
        writer.flush(); // at once
        QCOMPARE(stored("price:MSFT"), QByteArray("9"));

        CoalescedWriter immediate(&bus, 0ms);
        immediate.set("value:a", "1", 1h);
        QCOMPARE(stored("value:a"), QByteArray("1"));
        QCOMPARE(immediate.pending(), 0);
    }
};

QTEST_GUILESS_MAIN(TestBusWire)
#include "tst_buswire.moc"
