#include "core/trading/ordervalidator.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace clera {

class TestOrderValidator : public QObject
{
    Q_OBJECT

    static std::optional<Decimal> d(const char *text)
    {
        return Decimal::parse(QString::fromLatin1(text)).value();
    }

    static OrderRequest market()
    {
        OrderRequest r;
        r.symbol = u"AAPL"_s;
        r.qty = d("1");
        return r;
    }

private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<OrderRequest>("request");
        QTest::addColumn<QString>("error"); // a fragment of the message; empty: valid

        QTest::addRow("market qty") << market() << QString();
        {
            OrderRequest r = market();
            r.qty.reset();
            r.notional = d("100.50");
            QTest::addRow("market notional") << r << QString();
            r.timeInForce = TimeInForce::Gtc;
            QTest::addRow("notional gtc") << r << u"time_in_force day"_s;
        }
        {
            OrderRequest r = market();
            r.symbol.clear();
            QTest::addRow("no symbol") << r << u"symbol"_s;
        }
        {
            OrderRequest r = market();
            r.notional = d("10");
            QTest::addRow("qty and notional") << r << u"exactly one of qty and notional"_s;
            r.qty.reset();
            r.notional.reset();
            QTest::addRow("neither qty nor notional") << r << u"exactly one of qty and notional"_s;
        }
        {
            OrderRequest r = market();
            r.qty = d("0");
            QTest::addRow("zero qty") << r << u"qty must be greater than zero"_s;
            r.qty = d("-1");
            QTest::addRow("negative qty") << r << u"qty must be greater than zero"_s;
        }
        {
            OrderRequest r = market();
            r.qty = d("0.5");
            QTest::addRow("fractional day") << r << QString();
            r.timeInForce = TimeInForce::Gtc;
            QTest::addRow("fractional gtc") << r << u"time_in_force day"_s;
        }
        {
            OrderRequest r = market();
            r.type = OrderType::Limit;
            QTest::addRow("limit without price") << r << u"limit_price is required"_s;
            r.limitPrice = d("150.25");
            QTest::addRow("limit") << r << QString();
            r.limitPrice = d("-1");
            QTest::addRow("negative limit") << r << u"limit_price must be greater than zero"_s;
        }
        {
            OrderRequest r = market();
            r.limitPrice = d("150");
            QTest::addRow("market with limit price") << r << u"only for limit"_s;
        }
        {
            OrderRequest r = market();
            r.type = OrderType::Stop;
            QTest::addRow("stop without price") << r << u"stop_price is required"_s;
            r.type = OrderType::StopLimit;
            r.limitPrice = d("10");
            QTest::addRow("stop_limit without stop") << r << u"stop_price is required"_s;
            r.stopPrice = d("11");
            QTest::addRow("stop_limit") << r << QString();
        }
        {
            OrderRequest r = market();
            r.type = OrderType::TrailingStop;
            QTest::addRow("trailing without trail") << r << u"exactly one of trail_price"_s;
            r.trailPercent = d("2.5");
            QTest::addRow("trailing percent") << r << QString();
            r.trailPrice = d("1");
            QTest::addRow("trailing both") << r << u"exactly one of trail_price"_s;
        }
        {
            OrderRequest r = market();
            r.extendedHours = true;
            QTest::addRow("extended market") << r << u"extended_hours"_s;
            r.type = OrderType::Limit;
            r.limitPrice = d("10");
            QTest::addRow("extended limit day") << r << QString();
            r.timeInForce = TimeInForce::Gtc;
            QTest::addRow("extended limit gtc") << r << u"extended_hours"_s;
        }
        {
            OrderRequest r = market();
            r.side = OrderSide::Unknown;
            QTest::addRow("unknown side") << r << u"side"_s;
            r = market();
            r.type = OrderType::Unknown;
            QTest::addRow("unknown type") << r << u"type"_s;
            r = market();
            r.timeInForce = TimeInForce::Unknown;
            QTest::addRow("unknown tif") << r << u"time_in_force"_s;
        }
        {
            OrderRequest r = market();
            r.orderClass = OrderClass::Bracket;
            QTest::addRow("bracket without legs") << r << u"take_profit.limit_price"_s;
            r.takeProfitLimitPrice = d("200");
            r.stopLossStopPrice = d("100");
            QTest::addRow("bracket buy") << r << QString();
            r.side = OrderSide::Sell;
            QTest::addRow("bracket sell inverted") << r << u"below its stop_loss"_s;
            r.side = OrderSide::Buy;
            r.timeInForce = TimeInForce::Ioc;
            QTest::addRow("bracket ioc") << r << u"day or gtc"_s;
            r.timeInForce = TimeInForce::Day;
            r.qty = d("1.5");
            QTest::addRow("bracket fractional") << r << u"whole-share"_s;
        }
        {
            OrderRequest r = market();
            r.takeProfitLimitPrice = d("200");
            QTest::addRow("simple with take profit") << r << u"only for bracket"_s;
        }
    }

    void check()
    {
        QFETCH(OrderRequest, request);
        QFETCH(QString, error);
        const auto result = OrderValidator::check(request);
        if (error.isEmpty()) {
            QVERIFY2(result.hasValue(), qPrintable(result ? QString() : result.error().message));
            return;
        }
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error().kind, TradingError::Kind::Invalid);
        QCOMPARE(result.error().code, u"invalid_order"_s);
        QVERIFY2(result.error().message.contains(error), qPrintable(result.error().message));
    }
};

} // namespace clera

QTEST_GUILESS_MAIN(clera::TestOrderValidator)
#include "tst_ordervalidator.moc"
