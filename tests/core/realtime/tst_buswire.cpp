#include "core/bus/coalescedwriter.h"
#include "core/bus/localbus.h"
#include "core/realtime/buswire.h"
#include "core/realtime/busportfoliosource.h"
#include "core/realtime/portfoliocalculator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
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

// dayCash 0: no trade today (the day basis is known).
BusWire::AccountHoldings holdings(const QString &id, const char *cash,
                                  QList<PortfolioEngine::Holding> positions, const char *dayCash = "0")
{
    return {id, dec(cash), std::move(positions), Timestamp::now(), false,
            dayCash ? std::optional(dec(dayCash)) : std::nullopt};
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

    void holdingsCarryTheDayBasis()
    {
        // AAPL: 2 bought today; TSLA sold out today (qty 0, 3 held at the close); 101 × 2 − 3 × 250 spent.
        const auto h = holdings(u"acct-1"_s, "1000",
                                {{u"AAPL"_s, dec("12"), dec("10")}, {u"TSLA"_s, dec("0"), dec("3")}}, "-548");
        const QByteArray wire = BusWire::encode(h);
        QVERIFY(wire.contains("\"day_cash\":\"-548\""));
        QVERIFY(wire.contains("\"close_qty\":\"10\""));
        const auto back = BusWire::decodeHoldings(wire);
        QVERIFY2(back, qPrintable(back ? QString() : back.error()));
        QVERIFY(*back == h);
        QCOMPARE(back->positions[1].closeQty, std::optional(dec("3")));
        QCOMPARE(back->positions[1].qty, dec("0"));
        // A different day basis is a different content (the collector republishes it).
        auto other = h;
        other.dayCash = dec("-547");
        QVERIFY(!(other == h));
        other = h;
        other.positions[0].closeQty = std::nullopt;
        QVERIFY(!(other == h));
        // Unknown day trades travel as null.
        const auto unknown = BusWire::decodeHoldings(BusWire::encode(holdings(u"a"_s, "1", {}, nullptr)));
        QVERIFY(unknown && !unknown->dayCash);
        // A payload of a collector older than the field still decodes: today's return unknown.
        const auto old = BusWire::decodeHoldings(
            R"({"account_id":"old","cash":"5","positions":[{"symbol":"AAPL","qty":"1"}],"collected_at":"2026-12-04T15:00:00Z"})");
        QVERIFY2(old, qPrintable(old ? QString() : old.error()));
        QVERIFY(!old->dayCash);
        QCOMPARE(old->positions.size(), 1);
        QVERIFY(!old->positions[0].closeQty);
        QVERIFY(!BusWire::decodeHoldings(R"({"account_id":"x","cash":"5","day_cash":"abc","positions":[]})"));
    }

    void calculatorMeasuresTodayFromTheDayBasis()
    {
        LocalBus bus;
        PortfolioCalculator calculator(&bus, {0ms, 0ms, 1h});
        QSignalSpy published(&calculator, &PortfolioCalculator::published);
        calculator.start();
        bus.publish(BusWire::kWatchesChannel,
                    BusWire::encode(BusWire::WatchMessage{BusWire::WatchMessage::Op::All, u"ws-1"_s,
                                                          {u"acct-1"_s, u"old"_s}}));
        const Timestamp t = Timestamp::now();
        bus.setValue(BusWire::priceKey(u"AAPL"_s), BusWire::encodeEntry({u"AAPL"_s, dec("102"), dec("100"), t}), 0ms);
        bus.setValue(BusWire::priceKey(u"TSLA"_s), BusWire::encodeEntry({u"TSLA"_s, dec("240"), dec("250"), t}), 0ms);
        // 10 AAPL held at the close + 2 bought at 101; 3 TSLA held at the close, sold at 260.
        bus.publish(BusWire::kHoldingsChannel,
                    BusWire::encode(holdings(u"acct-1"_s, "1000",
                                             {{u"AAPL"_s, dec("12"), dec("10")}, {u"TSLA"_s, dec("0"), dec("3")}},
                                             "-578")));
        auto latestOf = [&](const QString &id) {
            std::optional<PortfolioUpdate> out;
            for (const auto &m : published)
                if (m.at(0).value<PortfolioUpdate>().accountId == id)
                    out = m.at(0).value<PortfolioUpdate>();
            return out;
        };
        // 10 × 2 + 2 × (102 − 101) + 3 × (260 − 250) = 52
        QTRY_COMPARE(latestOf(u"acct-1"_s).value_or(PortfolioUpdate{}).todayReturn, std::optional(dec("52")));
        QCOMPARE(latestOf(u"acct-1"_s)->totalValue, std::optional(dec("2224")));
        bus.publish(BusWire::kPricesChannel, BusWire::encodeFrame({{u"AAPL"_s, dec("103"), dec("100"), t}}));
        QTRY_COMPARE(latestOf(u"acct-1"_s)->todayReturn, std::optional(dec("64")));
        // A TSLA tick does not move an account that no longer holds it.
        bus.publish(BusWire::kPricesChannel, BusWire::encodeFrame({{u"TSLA"_s, dec("1"), dec("250"), t}}));
        QTest::qWait(50);
        QCOMPARE(latestOf(u"acct-1"_s)->todayReturn, std::optional(dec("64")));
        // An old collector's payload (no day_cash): valued, today's return unknown.
        bus.publish(BusWire::kHoldingsChannel,
                    R"({"account_id":"old","cash":"5","positions":[{"symbol":"AAPL","qty":"1"}],"collected_at":"2026-12-04T15:00:00Z"})");
        QTRY_VERIFY(latestOf(u"old"_s).has_value());
        QCOMPARE(latestOf(u"old"_s)->totalValue, std::optional(dec("108")));
        QVERIFY(!latestOf(u"old"_s)->todayReturn);
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

    // Price entries and frames are written straight into bytes: exactly what QJsonDocument writes for the
    // same objects (its key order, its escaping, a repeated symbol's last entry), on random frames.
    void priceBytesMatchQJsonDocument()
    {
        QRandomGenerator rng(7);
        const QStringList symbols{u"AAPL"_s, u"BRK.B"_s, u"BTC/USD"_s, u"A"_s, u"weird\"\\\n"_s, u"ÉTÉ"_s,
                                  u"ZZZZ"_s, u"aapl"_s};
        auto reference = [](const BusWire::PriceEntry &e) {
            return QJsonObject{{u"price"_s, e.price.toString()},
                               {u"previous_close"_s, e.previousClose ? QJsonValue(e.previousClose->toString())
                                                                     : QJsonValue(QJsonValue::Null)},
                               {u"time"_s, e.time.toString()}};
        };
        for (int round = 0; round < 500; ++round) {
            QList<BusWire::PriceEntry> frame;
            QJsonObject prices;
            for (int i = 0, n = int(rng.bounded(12)); i < n; ++i) {
                BusWire::PriceEntry e{symbols.at(rng.bounded(symbols.size())),
                                      Decimal::fromRaw(Decimal::Raw(rng.bounded(1, 1'000'000'000)) * 1'000'000),
                                      rng.bounded(3) == 0 ? std::nullopt
                                                          : std::optional<Decimal>(Decimal(rng.bounded(1, 900))),
                                      Timestamp::fromNanos(1'700'000'000'000'000'000LL +
                                                           std::int64_t(rng.bounded(1'000'000'000)) * 997)};
                QCOMPARE(BusWire::encodeEntry(e), QJsonDocument(reference(e)).toJson(QJsonDocument::Compact));
                prices.insert(e.symbol, reference(e));
                frame.append(e);
            }
            QCOMPARE(BusWire::encodeFrame(frame),
                     QJsonDocument(QJsonObject{{u"prices"_s, prices}}).toJson(QJsonDocument::Compact));
        }
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
        // A websocket instance watches acct-1 (and acct-2, added later): only watched accounts are published.
        bus.publish(BusWire::kWatchesChannel,
                    BusWire::encode(BusWire::WatchMessage{BusWire::WatchMessage::Op::All, u"ws-1"_s,
                                                          {u"acct-1"_s, u"acct-2"_s}}));
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

    void watchMessagesRoundTrip()
    {
        using Op = BusWire::WatchMessage::Op;
        for (const BusWire::WatchMessage &m :
             {BusWire::WatchMessage{Op::Add, u"i-1"_s, {u"a"_s}}, BusWire::WatchMessage{Op::Remove, u"i-1"_s, {u"a"_s, u"b"_s}},
              BusWire::WatchMessage{Op::All, u"i-2"_s, {}}, BusWire::WatchMessage{}}) {
            const auto back = BusWire::decodeWatch(BusWire::encode(m));
            QVERIFY2(back, qPrintable(back ? QString() : back.error()));
            QCOMPARE(int(back->op), int(m.op));
            QCOMPARE(back->instance, m.instance);
            QCOMPARE(back->accounts, m.accounts);
        }
        QVERIFY(!BusWire::decodeWatch(R"({"op":"drop","instance":"i","accounts":[]})"));
        QVERIFY(!BusWire::decodeWatch(R"({"op":"add","accounts":["a"]})")); // whose watch?
        QVERIFY(!BusWire::decodeWatch(R"({"op":"add","instance":"i","accounts":"a"})"));
        QVERIFY(!BusWire::decodeWatch("not json"));
    }

    // The calculator publishes portfolio:<id> only for accounts some websocket instance watches; the
    // others are still valued and their value:<id> kept current for the api role.
    void calculatorPublishesOnlyWatchedAccounts()
    {
        using Op = BusWire::WatchMessage::Op;
        LocalBus bus;
        PortfolioCalculator::Options options{0ms, 0ms, 1h};
        options.keyWriteInterval = 0ms;
        options.unwatchedValueInterval = 50ms;
        options.instanceExpiry = 1000ms;
        PortfolioCalculator calculator(&bus, options);
        QList<PortfolioUpdate> published;
        connect(&calculator, &PortfolioCalculator::published, this,
                [&published](const PortfolioUpdate &u) { published.append(u); });
        bus.subscribe(BusWire::kWatchesChannel);
        QList<BusWire::WatchMessage> watches;
        connect(&bus, &Bus::message, this, [&watches](const QByteArray &channel, const QByteArray &payload) {
            if (channel == BusWire::kWatchesChannel)
                watches.append(*BusWire::decodeWatch(payload));
        });
        calculator.start();
        // A starting calculator asks the instances what they watch.
        QTRY_VERIFY(std::any_of(watches.cbegin(), watches.cend(),
                                [](const BusWire::WatchMessage &m) { return m.op == Op::Query; }));

        const Timestamp t = Timestamp::now();
        const auto price = [&](const char *aapl) {
            bus.publish(BusWire::kPricesChannel,
                        BusWire::encodeFrame({{u"AAPL"_s, dec(aapl), dec("90"), Timestamp::now()}}));
        };
        bus.setValue(BusWire::priceKey(u"AAPL"_s), BusWire::encodeEntry({u"AAPL"_s, dec("100"), dec("90"), t}), 0ms);
        for (const char *id : {"a-1", "a-2"})
            bus.publish(BusWire::kHoldingsChannel,
                        BusWire::encode(holdings(QString::fromLatin1(id), "0", {{u"AAPL"_s, dec("1")}})));
        const auto storedTotal = [&bus](const char *id) -> std::optional<Decimal> {
            const auto v = bus.value(BusWire::valueKey(QString::fromLatin1(id))).result();
            return v && *v ? BusWire::decodeUpdate(**v)->totalValue : std::nullopt;
        };
        // Nobody watches: nothing published, value:<id> still written.
        QTRY_COMPARE(storedTotal("a-2"), std::optional<Decimal>(dec("100")));
        price("101");
        QTRY_COMPARE(storedTotal("a-1"), std::optional<Decimal>(dec("101")));
        QVERIFY(published.isEmpty());

        // An instance watches a-1: a current value at once, then every change of a-1 only.
        bus.publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{Op::Add, u"ws-A"_s, {u"a-1"_s}}));
        QTRY_COMPARE(published.size(), 1);
        QCOMPARE(published.last().accountId, u"a-1"_s);
        QCOMPARE(published.last().totalValue, std::optional<Decimal>(dec("101")));
        price("102");
        QTRY_COMPARE(published.size(), 2);
        QTest::qWait(100);
        QCOMPARE(published.size(), 2);
        QVERIFY(calculator.isWatched(u"a-1"_s));
        QVERIFY(!calculator.isWatched(u"a-2"_s));

        // Two instances watch a-1; one leaving keeps it watched, both leaving stops it.
        bus.publish(BusWire::kWatchesChannel,
                    BusWire::encode(BusWire::WatchMessage{Op::All, u"ws-B"_s, {u"a-1"_s, u"a-2"_s}}));
        QTRY_VERIFY(calculator.isWatched(u"a-2"_s));
        bus.publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{Op::Remove, u"ws-A"_s, {u"a-1"_s}}));
        QTest::qWait(50);
        QVERIFY(calculator.isWatched(u"a-1"_s));
        bus.publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{Op::All, u"ws-B"_s, {u"a-2"_s}}));
        QTRY_VERIFY(!calculator.isWatched(u"a-1"_s));
        published.clear();
        price("103");
        QTRY_COMPARE(published.size(), 1);
        QCOMPARE(published.last().accountId, u"a-2"_s);
        QTRY_COMPARE(storedTotal("a-1"), std::optional<Decimal>(dec("103"))); // unwatched, still current

        // An instance that stops announcing (it died) is forgotten after the expiry.
        QTRY_VERIFY_WITH_TIMEOUT(!calculator.isWatched(u"a-2"_s), 3000);
        published.clear();
        price("104");
        QTRY_COMPARE(storedTotal("a-2"), std::optional<Decimal>(dec("104")));
        QVERIFY(published.isEmpty());
    }

    // A websocket instance announces each watch, each unwatch, and its whole set when a calculator asks.
    void websocketInstanceAnnouncesItsWatches()
    {
        using Op = BusWire::WatchMessage::Op;
        LocalBus bus;
        BusPortfolioSource source(&bus);
        QList<BusWire::WatchMessage> watches;
        connect(&bus, &Bus::message, this, [&watches](const QByteArray &channel, const QByteArray &payload) {
            if (channel == BusWire::kWatchesChannel)
                watches.append(*BusWire::decodeWatch(payload));
        });
        source.watch(u"a-1"_s);
        source.watch(u"a-2"_s);
        source.watch(u"a-1"_s); // once
        QTRY_COMPARE(watches.size(), 2);
        QCOMPARE(int(watches[0].op), int(Op::Add));
        QCOMPARE(watches[0].instance, source.instanceId());
        QCOMPARE(watches[0].accounts, QStringList{u"a-1"_s});
        source.unwatch(u"a-1"_s);
        QTRY_COMPARE(watches.size(), 3);
        QCOMPARE(int(watches[2].op), int(Op::Remove));
        bus.publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{})); // a calculator asks
        QTRY_VERIFY(std::any_of(watches.cbegin(), watches.cend(), [&](const BusWire::WatchMessage &m) {
            return m.op == Op::All && m.instance == source.instanceId() && m.accounts == QStringList{u"a-2"_s};
        }));
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
