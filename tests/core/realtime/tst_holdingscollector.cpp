#include "realtimetestutils.h"

#include "core/broker/manualfeed.h"
#include "core/broker/simbroker.h"
#include "core/bus/localbus.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/symbolregistry.h"
#include "core/realtime/buswire.h"
#include "core/realtime/holdingscollector.h"
#include "core/realtime/portfoliocalculator.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

using clera::test::dec;
using clera::test::marketOrder;

// The collector role over the real paper broker and an in-process bus: holdings:<id> carries the day
// basis of today's return (close_qty, day_cash), and a calculator fed from it values today right.
class TestHoldingsCollector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void publishesTheDayBasisOfTodaysTrades()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto catalog = AssetCatalog::load();
        QVERIFY(catalog);
        ManualFeed feed;
        feed.setPrice(u"AAPL"_s, dec("200"));
        feed.setPreviousClose(u"AAPL"_s, dec("199"));
        SymbolRegistry registry(&feed);
        SimBroker broker(&feed, *catalog, &registry, dir.filePath(u"broker.sqlite"_s));
        QVERIFY(broker.open());
        const auto account = broker.createAccount(dec("10000"));
        QVERIFY(account);
        // 3 AAPL bought four days ago at 200 (held at the previous close), 2 more today at 201.
        const Timestamp now = Timestamp::now();
        broker.setClock([now] { return Timestamp::fromDateTime(now.toDateTime().addDays(-4)); });
        QVERIFY(broker.submitOrder(account->id, marketOrder(u"AAPL"_s, "3", OrderSide::Buy)).result());
        broker.setClock([] { return Timestamp::now(); });
        feed.setPrice(u"AAPL"_s, dec("201"));
        QVERIFY(broker.submitOrder(account->id, marketOrder(u"AAPL"_s, "2", OrderSide::Buy)).result());

        LocalBus bus;
        PortfolioCalculator calculator(&bus, {0ms, 0ms, 1h});
        calculator.start();
        bus.publish(BusWire::kWatchesChannel, BusWire::encode(BusWire::WatchMessage{
                                                  BusWire::WatchMessage::Op::All, u"ws-1"_s, {account->id}}));
        bus.setValue(BusWire::priceKey(u"AAPL"_s), BusWire::encodeEntry({u"AAPL"_s, dec("201"), dec("199"), now}), 0ms);
        HoldingsCollector collector(&broker, &bus, {1h, 0ms});
        QSignalSpy collected(&collector, &HoldingsCollector::collected);
        collector.start();
        QTRY_COMPARE(collected.size(), 1);

        const auto stored = [&]() -> BusWire::AccountHoldings {
            const auto value = bus.value(BusWire::holdingsKey(account->id)).result();
            if (!value || !*value)
                return {};
            return BusWire::decodeHoldings(**value).valueOr(BusWire::AccountHoldings{});
        };
        BusWire::AccountHoldings h = stored();
        QCOMPARE(h.positions.size(), 1);
        QCOMPARE(h.positions[0].qty, dec("5"));
        QCOMPARE(h.positions[0].closeQty, std::optional(dec("3")));
        QCOMPARE(h.dayCash, std::optional(dec("402")));
        const auto todayOf = [&]() -> std::optional<Decimal> {
            const int index = calculator.engine().accountIndex(account->id);
            return index < 0 ? std::nullopt : calculator.engine().snapshot(index, {}).todayReturn;
        };
        QTRY_COMPARE(todayOf(), std::optional(dec("6"))); // 3 × (201 − 199) + 2 × (201 − 201)

        // All 5 sold today at 205: sold out, still published with what was held at the close.
        feed.setPrice(u"AAPL"_s, dec("205"));
        QVERIFY(broker.submitOrder(account->id, marketOrder(u"AAPL"_s, "5", OrderSide::Sell)).result());
        QTRY_VERIFY(collected.size() >= 2);
        QTRY_COMPARE(stored().dayCash, std::optional(dec("402") - dec("1025")));
        h = stored();
        QCOMPARE(h.positions.size(), 1);
        QCOMPARE(h.positions[0].qty, dec("0"));
        QCOMPARE(h.positions[0].closeQty, std::optional(dec("3")));
        QVERIFY(collector.symbols().contains(u"AAPL"_s)); // its previous close is still needed
        // 3 × (205 − 199) + 2 × (205 − 201), all realised now.
        QTRY_COMPARE(todayOf(), std::optional(dec("26")));
    }
};

QTEST_GUILESS_MAIN(TestHoldingsCollector)
#include "tst_holdingscollector.moc"
