#include "domaintestutils.h"

#include "core/domain/money.h"

#include <QTest>

using namespace Qt::StringLiterals;
using clera::test::dec;

class TestMoney : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatUsd_data();
    void formatUsd();
    void formatSignedUsd_data();
    void formatSignedUsd();
    void formatPercent_data();
    void formatPercent();
};

void TestMoney::formatUsd_data()
{
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("text");

    QTest::addRow("thousands") << u"12345.67"_s << u"$12,345.67"_s;
    QTest::addRow("negative") << u"-5"_s << u"-$5.00"_s;
    QTest::addRow("zero") << u"0"_s << u"$0.00"_s;
    QTest::addRow("no grouping below 1000") << u"999.99"_s << u"$999.99"_s;
    QTest::addRow("exactly 1000") << u"1000"_s << u"$1,000.00"_s;
    QTest::addRow("alpaca buying power") << u"1032.55"_s << u"$1,032.55"_s;
    QTest::addRow("millions") << u"1234567.891"_s << u"$1,234,567.89"_s;
    QTest::addRow("round million") << u"1000000"_s << u"$1,000,000.00"_s;
    QTest::addRow("billions") << u"123456789012.345"_s << u"$123,456,789,012.35"_s;
    QTest::addRow("negative millions") << u"-9876543.21"_s << u"-$9,876,543.21"_s;
    QTest::addRow("half cent rounds up") << u"0.005"_s << u"$0.01"_s;
    QTest::addRow("half cent at 2.675") << u"2.675"_s << u"$2.68"_s;
    QTest::addRow("below half cent") << u"0.004999"_s << u"$0.00"_s;
    QTest::addRow("negative half cent away from zero") << u"-0.005"_s << u"-$0.01"_s;
    QTest::addRow("negative that rounds to zero") << u"-0.004"_s << u"$0.00"_s;
    QTest::addRow("rounding carries into grouping") << u"999.995"_s << u"$1,000.00"_s;
    QTest::addRow("sub-cent quantity price") << u"0.38962051"_s << u"$0.39"_s;
    QTest::addRow("largest") << u"9999999999999999999.99"_s << u"$9,999,999,999,999,999,999.99"_s;
}

void TestMoney::formatUsd()
{
    QFETCH(QString, amount);
    QFETCH(QString, text);
    QCOMPARE(clera::formatUsd(dec(amount)), text);
}

void TestMoney::formatSignedUsd_data()
{
    QTest::addColumn<QString>("amount");
    QTest::addColumn<QString>("text");

    QTest::addRow("gain") << u"12.34"_s << u"+$12.34"_s;
    QTest::addRow("loss") << u"-3.1"_s << u"-$3.10"_s;
    QTest::addRow("zero") << u"0"_s << u"$0.00"_s;
    QTest::addRow("tiny gain is zero") << u"0.001"_s << u"$0.00"_s;
    QTest::addRow("tiny loss is zero") << u"-0.004"_s << u"$0.00"_s;
    QTest::addRow("half cent gain") << u"0.005"_s << u"+$0.01"_s;
    QTest::addRow("half cent loss") << u"-0.005"_s << u"-$0.01"_s;
    QTest::addRow("millions") << u"1234567.8"_s << u"+$1,234,567.80"_s;
    QTest::addRow("negative thousands") << u"-25000"_s << u"-$25,000.00"_s;
}

void TestMoney::formatSignedUsd()
{
    QFETCH(QString, amount);
    QFETCH(QString, text);
    QCOMPARE(clera::formatSignedUsd(dec(amount)), text);
}

void TestMoney::formatPercent_data()
{
    QTest::addColumn<QString>("fraction");
    QTest::addColumn<bool>("plus");
    QTest::addColumn<QString>("text");

    QTest::addRow("tenth of a percent") << u"0.001"_s << false << u"0.10%"_s;
    QTest::addRow("negative") << u"-0.0234"_s << false << u"-2.34%"_s;
    QTest::addRow("negative with plus option") << u"-0.0234"_s << true << u"-2.34%"_s;
    QTest::addRow("alpaca plpc") << u"0.025"_s << false << u"2.50%"_s;
    QTest::addRow("plus sign") << u"0.025"_s << true << u"+2.50%"_s;
    QTest::addRow("zero") << u"0"_s << false << u"0.00%"_s;
    QTest::addRow("zero never gets a plus") << u"0"_s << true << u"0.00%"_s;
    QTest::addRow("tiny negative is zero") << u"-0.00004"_s << true << u"0.00%"_s;
    QTest::addRow("half up at hundredths") << u"0.00005"_s << false << u"0.01%"_s;
    QTest::addRow("negative half away from zero") << u"-0.00005"_s << false << u"-0.01%"_s;
    QTest::addRow("whole") << u"1"_s << false << u"100.00%"_s;
    QTest::addRow("change today") << u"0.0049"_s << true << u"+0.49%"_s;
    QTest::addRow("large") << u"12.3456"_s << false << u"1234.56%"_s;
    QTest::addRow("beyond Decimal range when scaled")
        << u"100000000000000000"_s << false << u"10000000000000000000.00%"_s;
}

void TestMoney::formatPercent()
{
    QFETCH(QString, fraction);
    QFETCH(bool, plus);
    QFETCH(QString, text);
    QCOMPARE(clera::formatPercent(dec(fraction), plus), text);
}

QTEST_GUILESS_MAIN(TestMoney)
#include "tst_money.moc"
