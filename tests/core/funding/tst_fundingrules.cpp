#include "core/funding/fundingrules.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestFundingRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routingNumbers_data()
    {
        QTest::addColumn<QString>("routing");
        QTest::addColumn<bool>("valid");
        QTest::addRow("Fed Boston") << u"011000015"_s << true;
        QTest::addRow("JPMorgan Chase NY") << u"021000021"_s << true;
        QTest::addRow("Bank of America CA") << u"121000358"_s << true;
        QTest::addRow("Wells Fargo") << u"121042882"_s << true;
        QTest::addRow("checksum off by one") << u"011000016"_s << false;
        QTest::addRow("two digits swapped") << u"012000015"_s << false;
        QTest::addRow("eight digits") << u"01100001"_s << false;
        QTest::addRow("ten digits") << u"0110000150"_s << false;
        QTest::addRow("letter") << u"01100001A"_s << false;
        QTest::addRow("spaces") << u"011 00015"_s << false;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("Arabic-Indic digits") << u"٠١١٠٠٠٠١٥"_s << false;
    }
    void routingNumbers()
    {
        QFETCH(QString, routing);
        QFETCH(bool, valid);
        QCOMPARE(FundingRules::isValidRoutingNumber(routing), valid);
    }

    void accountNumbers_data()
    {
        QTest::addColumn<QString>("number");
        QTest::addColumn<bool>("valid");
        QTest::addRow("four digits") << u"1234"_s << true;
        QTest::addRow("seventeen digits") << u"12345678901234567"_s << true;
        QTest::addRow("three digits") << u"123"_s << false;
        QTest::addRow("eighteen digits") << u"123456789012345678"_s << false;
        QTest::addRow("dash") << u"1234-5678"_s << false;
        QTest::addRow("empty") << QString() << false;
    }
    void accountNumbers()
    {
        QFETCH(QString, number);
        QFETCH(bool, valid);
        QCOMPARE(FundingRules::isValidAccountNumber(number), valid);
    }

    void amounts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("parsed"); // empty: refused
        QTest::addRow("minimum") << u"1"_s << u"1"_s;
        QTest::addRow("minimum with cents") << u"1.00"_s << u"1"_s;
        QTest::addRow("one decimal") << u"250.5"_s << u"250.5"_s;
        QTest::addRow("cents") << u"250.55"_s << u"250.55"_s;
        QTest::addRow("maximum") << u"50000"_s << u"50000"_s;
        QTest::addRow("maximum with cents") << u"50000.00"_s << u"50000"_s;
        QTest::addRow("below minimum") << u"0.99"_s << QString();
        QTest::addRow("zero") << u"0"_s << QString();
        QTest::addRow("above maximum") << u"50000.01"_s << QString();
        QTest::addRow("three decimals") << u"1.005"_s << QString();
        QTest::addRow("three zero decimals") << u"10.000"_s << QString();
        QTest::addRow("negative") << u"-5"_s << QString();
        QTest::addRow("plus sign") << u"+5"_s << QString();
        QTest::addRow("exponent") << u"1e3"_s << QString();
        QTest::addRow("leading space") << u" 5"_s << QString();
        QTest::addRow("trailing dot") << u"5."_s << QString();
        QTest::addRow("comma") << u"1,000"_s << QString();
        QTest::addRow("word") << u"ten"_s << QString();
        QTest::addRow("empty") << QString() << QString();
    }
    void amounts()
    {
        QFETCH(QString, text);
        QFETCH(QString, parsed);
        const auto amount = FundingRules::transferAmount(text);
        if (parsed.isEmpty()) {
            QVERIFY(!amount);
            QCOMPARE(amount.error().kind, FundingError::Kind::Invalid);
            QCOMPARE(amount.error().code, u"invalid_amount"_s);
            QVERIFY(!amount.error().message.isEmpty());
        } else {
            QVERIFY2(amount, qPrintable(amount ? QString() : amount.error().message));
            QCOMPARE(*amount, Decimal::parse(parsed).value());
        }
    }
};

QTEST_GUILESS_MAIN(TestFundingRules)
#include "tst_fundingrules.moc"
