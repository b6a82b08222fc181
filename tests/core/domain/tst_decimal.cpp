#include "domaintestutils.h"

#include "core/domain/decimal.h"

#include <QTest>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;
using clera::Decimal;
using clera::RoundingMode;
using clera::test::dec;

Q_DECLARE_METATYPE(clera::RoundingMode)

class TestDecimal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseAndPrint_data();
    void parseAndPrint();
    void rejects_data();
    void rejects();
    void constructors();
    void fractionalDigits_data();
    void fractionalDigits();
    void rounding_data();
    void rounding();
    void toFixed_data();
    void toFixed();
    void addition();
    void multiplication_data();
    void multiplication();
    void division_data();
    void division();
    void checkedOverflow();
    void fromDouble_data();
    void fromDouble();
    void toNanos_data();
    void toNanos();
    void comparisons_data();
    void comparisons();
    void sortingAndHashing();
    void toDouble();
    void printsEveryDigitAtAnyMagnitude();
};

void TestDecimal::parseAndPrint_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("printed");

    QTest::addRow("alpaca qty") << u"0.38962051"_s << u"0.38962051"_s;
    QTest::addRow("alpaca buying power") << u"1032.55"_s << u"1032.55"_s;
    QTest::addRow("negative half") << u"-0.5"_s << u"-0.5"_s;
    QTest::addRow("trailing zeros trimmed") << u"400.00"_s << u"400"_s;
    QTest::addRow("zero") << u"0"_s << u"0"_s;
    QTest::addRow("zero with decimals") << u"0.000"_s << u"0"_s;
    QTest::addRow("negative zero") << u"-0"_s << u"0"_s;
    QTest::addRow("negative zero with decimals") << u"-0.00"_s << u"0"_s;
    QTest::addRow("leading zeros") << u"007.50"_s << u"7.5"_s;
    QTest::addRow("one nano") << u"0.000000001"_s << u"0.000000001"_s;
    QTest::addRow("9-digit quantity") << u"123456789.123456789"_s << u"123456789.123456789"_s;
    QTest::addRow("9-digit max") << u"999999999.999999999"_s << u"999999999.999999999"_s;
    QTest::addRow("negative 9-digit") << u"-0.123456789"_s << u"-0.123456789"_s;
    QTest::addRow("18 fractional digits") << u"0.000000000000000001"_s << u"0.000000000000000001"_s;
    QTest::addRow("18 significant fractional digits")
        << u"1.123456789012345678"_s << u"1.123456789012345678"_s;
    QTest::addRow("extra trailing zeros beyond 18") << u"0.1000000000000000000000"_s << u"0.1"_s;
    QTest::addRow("largest") << u"9999999999999999999.999999999999999999"_s
                             << u"9999999999999999999.999999999999999999"_s;
    QTest::addRow("most negative") << u"-9999999999999999999.999999999999999999"_s
                                   << u"-9999999999999999999.999999999999999999"_s;
    QTest::addRow("exponent negative") << u"1e-5"_s << u"0.00001"_s;
    QTest::addRow("exponent upper case") << u"1.5E3"_s << u"1500"_s;
    QTest::addRow("exponent plus") << u"2.5e+2"_s << u"250"_s;
    QTest::addRow("exponent leading zero") << u"1e-07"_s << u"0.0000001"_s;
    QTest::addRow("exponent on zero") << u"0e5"_s << u"0"_s;
    QTest::addRow("exponent 18") << u"1e18"_s << u"1000000000000000000"_s;
    QTest::addRow("exponent trims zeros") << u"1000e-21"_s << u"0.000000000000000001"_s;
    QTest::addRow("negative exponent form") << u"-1.25e-1"_s << u"-0.125"_s;
    QTest::addRow("price") << u"187.3456"_s << u"187.3456"_s;
}

void TestDecimal::parseAndPrint()
{
    QFETCH(QString, text);
    QFETCH(QString, printed);
    const auto d = Decimal::parse(text);
    QVERIFY2(d.hasValue(), qPrintable(d.hasValue() ? QString() : d.error()));
    QCOMPARE(d->toString(), printed);
    const auto again = Decimal::parse(d->toString());
    QVERIFY(again.hasValue());
    QCOMPARE(*again, *d);
}

void TestDecimal::rejects_data()
{
    QTest::addColumn<QString>("text");

    QTest::addRow("empty") << QString();
    QTest::addRow("leading space") << u" 1"_s;
    QTest::addRow("trailing space") << u"1 "_s;
    QTest::addRow("trailing dot") << u"1."_s;
    QTest::addRow("leading dot") << u".5"_s;
    QTest::addRow("comma") << u"1,5"_s;
    QTest::addRow("thousands separator") << u"1,032.55"_s;
    QTest::addRow("plus sign") << u"+1"_s;
    QTest::addRow("double minus") << u"--1"_s;
    QTest::addRow("minus only") << u"-"_s;
    QTest::addRow("dangling exponent") << u"1e"_s;
    QTest::addRow("exponent sign only") << u"1e+"_s;
    QTest::addRow("exponent without mantissa") << u"e5"_s;
    QTest::addRow("fractional exponent") << u"1e1.5"_s;
    QTest::addRow("huge exponent") << u"1e999"_s;
    QTest::addRow("NaN") << u"NaN"_s;
    QTest::addRow("inf") << u"inf"_s;
    QTest::addRow("hex") << u"0x10"_s;
    QTest::addRow("two dots") << u"1.2.3"_s;
    QTest::addRow("letters") << u"abc"_s;
    QTest::addRow("underscore") << u"1_000"_s;
    QTest::addRow("fullwidth digit") << QString(QChar(0xFF11));
    QTest::addRow("19 significant fractional digits") << u"0.1234567890123456789"_s;
    QTest::addRow("19th fractional digit") << u"1.0000000000000000001"_s;
    QTest::addRow("tiny exponent form") << u"1e-19"_s;
    QTest::addRow("1e19") << u"10000000000000000000"_s;
    QTest::addRow("1e19 exponent form") << u"1e19"_s;
    QTest::addRow("-1e19") << u"-10000000000000000000"_s;
    QTest::addRow("20 digits") << u"99999999999999999999"_s;
    QTest::addRow("40 digits") << u"1234567890123456789012345678901234567890"_s;
}

void TestDecimal::rejects()
{
    QFETCH(QString, text);
    const auto d = Decimal::parse(text);
    QVERIFY2(!d.hasValue(), qPrintable(u"accepted as "_s + (d ? d->toString() : QString())));
    QVERIFY(!d.error().isEmpty());
}

void TestDecimal::constructors()
{
    QCOMPARE(Decimal().toString(), u"0"_s);
    QCOMPARE(Decimal(42).toString(), u"42"_s);
    QCOMPARE(Decimal(-7).toString(), u"-7"_s);
    QCOMPARE(Decimal::fromUnits(1'000'000'000'000LL).toString(), u"1000000000000"_s);
    QCOMPARE(Decimal::fromNanos(1'500'000'000).toString(), u"1.5"_s);
    QCOMPARE(Decimal::fromNanos(-1).toString(), u"-0.000000001"_s);
    QCOMPARE(Decimal::fromCents(12345).toString(), u"123.45"_s);
    QCOMPARE(Decimal::fromCents(-5).toString(), u"-0.05"_s);
    QCOMPARE(Decimal::fromRaw(1).toString(), u"0.000000000000000001"_s);
    QVERIFY(Decimal().isZero());
    QVERIFY(dec(u"-0.1").isNegative());
    QVERIFY(dec(u"0.1").isPositive());
    QCOMPARE(dec(u"-3").sign(), -1);
    QCOMPARE(dec(u"0").sign(), 0);
    QCOMPARE(dec(u"3").sign(), 1);
    QCOMPARE(dec(u"-2.5").abs(), dec(u"2.5"));
    QCOMPARE(-dec(u"2.5"), dec(u"-2.5"));
}

void TestDecimal::fractionalDigits_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("digits");
    QTest::addRow("integer") << u"100"_s << 0;
    QTest::addRow("cents") << u"1.25"_s << 2;
    QTest::addRow("trimmed") << u"400.00"_s << 0;
    QTest::addRow("negative") << u"-0.001"_s << 3;
    QTest::addRow("nine") << u"0.38962051"_s << 8;
    QTest::addRow("eighteen") << u"0.000000000000000001"_s << 18;
}

void TestDecimal::fractionalDigits()
{
    QFETCH(QString, text);
    QFETCH(int, digits);
    QCOMPARE(dec(text).fractionalDigits(), digits);
}

void TestDecimal::rounding_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("digits");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    const auto even = RoundingMode::HalfEven, up = RoundingMode::HalfUp, zero = RoundingMode::TowardZero;
    QTest::addRow("even: tie down to even") << u"2.345"_s << 2 << even << u"2.34"_s;
    QTest::addRow("even: tie up to even") << u"2.355"_s << 2 << even << u"2.36"_s;
    QTest::addRow("even: above tie") << u"2.3450001"_s << 2 << even << u"2.35"_s;
    QTest::addRow("even: below tie") << u"2.3449999"_s << 2 << even << u"2.34"_s;
    QTest::addRow("even: negative tie") << u"-2.345"_s << 2 << even << u"-2.34"_s;
    QTest::addRow("even: negative tie up") << u"-2.355"_s << 2 << even << u"-2.36"_s;
    QTest::addRow("even: 0.5 to 0") << u"0.5"_s << 0 << even << u"0"_s;
    QTest::addRow("even: 1.5 to 2") << u"1.5"_s << 0 << even << u"2"_s;
    QTest::addRow("even: 2.5 to 2") << u"2.5"_s << 0 << even << u"2"_s;
    QTest::addRow("even: -2.5 to -2") << u"-2.5"_s << 0 << even << u"-2"_s;
    QTest::addRow("even: carry") << u"9.995"_s << 2 << even << u"10"_s;
    QTest::addRow("up: tie") << u"2.345"_s << 2 << up << u"2.35"_s;
    QTest::addRow("up: negative tie away from zero") << u"-2.345"_s << 2 << up << u"-2.35"_s;
    QTest::addRow("up: below tie") << u"2.3449"_s << 2 << up << u"2.34"_s;
    QTest::addRow("up: 0.5") << u"0.5"_s << 0 << up << u"1"_s;
    QTest::addRow("up: -0.5") << u"-0.5"_s << 0 << up << u"-1"_s;
    QTest::addRow("up: small negative to zero") << u"-0.004"_s << 2 << up << u"0"_s;
    QTest::addRow("zero: positive") << u"2.349"_s << 2 << zero << u"2.34"_s;
    QTest::addRow("zero: negative") << u"-2.349"_s << 2 << zero << u"-2.34"_s;
    QTest::addRow("zero: 9 digits qty") << u"0.1234567899"_s << 9 << zero << u"0.123456789"_s;
    QTest::addRow("already exact") << u"1.25"_s << 2 << even << u"1.25"_s;
    QTest::addRow("18 digits unchanged")
        << u"0.123456789012345678"_s << 18 << even << u"0.123456789012345678"_s;
    QTest::addRow("more than 18 digits unchanged")
        << u"0.123456789012345678"_s << 30 << up << u"0.123456789012345678"_s;
    QTest::addRow("negative digits act as 0") << u"7.5"_s << -3 << up << u"8"_s;
    QTest::addRow("largest rounds within range")
        << u"9999999999999999999.4"_s << 0 << even << u"9999999999999999999"_s;
}

void TestDecimal::rounding()
{
    QFETCH(QString, value);
    QFETCH(int, digits);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);
    QCOMPARE(dec(value).rounded(digits, mode).toString(), expected);
    if (mode == RoundingMode::TowardZero)
        QCOMPARE(dec(value).truncated(digits).toString(), expected);
}

void TestDecimal::toFixed_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("digits");
    QTest::addColumn<RoundingMode>("mode");
    QTest::addColumn<QString>("expected");

    const auto even = RoundingMode::HalfEven, up = RoundingMode::HalfUp, zero = RoundingMode::TowardZero;
    QTest::addRow("pads") << u"12.5"_s << 2 << even << u"12.50"_s;
    QTest::addRow("zero") << u"0"_s << 2 << even << u"0.00"_s;
    QTest::addRow("negative to zero has no sign") << u"-0.001"_s << 2 << even << u"0.00"_s;
    QTest::addRow("even tie") << u"1.005"_s << 2 << even << u"1.00"_s;
    QTest::addRow("up tie") << u"1.005"_s << 2 << up << u"1.01"_s;
    QTest::addRow("truncate") << u"1.009"_s << 2 << zero << u"1.00"_s;
    QTest::addRow("no digits") << u"1234.5"_s << 0 << even << u"1234"_s;
    QTest::addRow("no digits up") << u"1234.5"_s << 0 << up << u"1235"_s;
    QTest::addRow("negative pads") << u"-7"_s << 3 << even << u"-7.000"_s;
    QTest::addRow("nine digits") << u"0.38962051"_s << 9 << even << u"0.389620510"_s;
    QTest::addRow("clamped to 18") << u"1"_s << 25 << even << u"1.000000000000000000"_s;
    QTest::addRow("negative digits clamp to 0") << u"2.5"_s << -1 << up << u"3"_s;
}

void TestDecimal::toFixed()
{
    QFETCH(QString, value);
    QFETCH(int, digits);
    QFETCH(RoundingMode, mode);
    QFETCH(QString, expected);
    QCOMPARE(dec(value).toFixed(digits, mode), expected);
}

void TestDecimal::addition()
{
    QCOMPARE(dec(u"0.1") + dec(u"0.2"), dec(u"0.3"));
    QCOMPARE(dec(u"1032.55") - dec(u"1032.56"), dec(u"-0.01"));
    Decimal total;
    for (int i = 0; i < 10; ++i)
        total += dec(u"0.1");
    QCOMPARE(total, Decimal(1));
    total -= dec(u"0.000000001");
    QCOMPARE(total.toString(), u"0.999999999"_s);
    QCOMPARE(dec(u"5").checkedAdd(dec(u"-7.5")), std::optional(dec(u"-2.5")));
}

void TestDecimal::multiplication_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("product");

    QTest::addRow("qty x price exact") << u"0.123456789"_s << u"187.3456"_s << u"23.1290862092784"_s;
    QTest::addRow("negative qty x price") << u"-0.123456789"_s << u"187.3456"_s << u"-23.1290862092784"_s;
    QTest::addRow("both negative") << u"-2.5"_s << u"-4"_s << u"10"_s;
    QTest::addRow("signs") << u"12.5"_s << u"-0.08"_s << u"-1"_s;
    QTest::addRow("zero") << u"0"_s << u"187.31"_s << u"0"_s;
    QTest::addRow("9 by 9 digits, 18 fractional exact")
        << u"999999999.999999999"_s << u"999999999.999999999"_s << u"999999999999999998.000000000000000001"_s;
    QTest::addRow("nano squared") << u"0.000000001"_s << u"0.000000001"_s << u"0.000000000000000001"_s;
    QTest::addRow("qty x nano") << u"123456789.123456789"_s << u"0.000000001"_s << u"0.123456789123456789"_s;
    QTest::addRow("below half ulp") << u"0.0000000001"_s << u"0.000000001"_s << u"0"_s;
    QTest::addRow("tie to even 0") << u"0.5"_s << u"0.000000000000000001"_s << u"0"_s;
    QTest::addRow("tie to even 2") << u"1.5"_s << u"0.000000000000000001"_s << u"0.000000000000000002"_s;
    QTest::addRow("above tie") << u"0.51"_s << u"0.000000000000000001"_s << u"0.000000000000000001"_s;
    // The tie breaks on the parity of the whole product, not only of its sub-ulp part.
    QTest::addRow("tie with odd integer part")
        << u"1.5"_s << u"1.000000000000000001"_s << u"1.500000000000000002"_s;
    QTest::addRow("tie with even integer part")
        << u"2.5"_s << u"1.000000000000000001"_s << u"2.500000000000000002"_s;
    QTest::addRow("tie negative") << u"-1.5"_s << u"1.000000000000000001"_s << u"-1.500000000000000002"_s;
    QTest::addRow("tie down to even") << u"0.5"_s << u"1.000000000000000005"_s << u"0.500000000000000002"_s;
    QTest::addRow("large") << u"1000000000"_s << u"9999999999.5"_s << u"9999999999500000000"_s;
}

void TestDecimal::multiplication()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(QString, product);
    QCOMPARE((dec(a) * dec(b)).toString(), product);
    QCOMPARE((dec(b) * dec(a)).toString(), product);
    QCOMPARE(dec(a).checkedMul(dec(b)), std::optional(dec(product)));
}

void TestDecimal::division_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<QString>("quotient");

    QTest::addRow("one third") << u"1"_s << u"3"_s << u"0.333333333333333333"_s;
    QTest::addRow("two thirds rounds up") << u"2"_s << u"3"_s << u"0.666666666666666667"_s;
    QTest::addRow("negative two thirds") << u"-2"_s << u"3"_s << u"-0.666666666666666667"_s;
    QTest::addRow("negative divisor") << u"2"_s << u"-3"_s << u"-0.666666666666666667"_s;
    QTest::addRow("both negative") << u"-1"_s << u"-8"_s << u"0.125"_s;
    QTest::addRow("exact") << u"10"_s << u"4"_s << u"2.5"_s;
    QTest::addRow("by fraction") << u"100"_s << u"0.25"_s << u"400"_s;
    QTest::addRow("tie to even 0") << u"0.000000000000000001"_s << u"2"_s << u"0"_s;
    QTest::addRow("tie to even 2 from 1.5")
        << u"0.000000000000000003"_s << u"2"_s << u"0.000000000000000002"_s;
    QTest::addRow("tie to even 2 from 2.5")
        << u"0.000000000000000005"_s << u"2"_s << u"0.000000000000000002"_s;
    QTest::addRow("by smallest") << u"1"_s << u"0.000000000000000001"_s << u"1000000000000000000"_s;
    QTest::addRow("plpc") << u"25"_s << u"1000"_s << u"0.025"_s;
    QTest::addRow("avg price") << u"1000.00"_s << u"2.5"_s << u"400"_s;
    QTest::addRow("large by large") << u"9999999999999999999"_s << u"9999999999999999999"_s << u"1"_s;
    QTest::addRow("zero dividend") << u"0"_s << u"7"_s << u"0"_s;
}

void TestDecimal::division()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(QString, quotient);
    QCOMPARE((dec(a) / dec(b)).toString(), quotient);
    QCOMPARE(dec(a).checkedDiv(dec(b)), std::optional(dec(quotient)));
}

void TestDecimal::checkedOverflow()
{
    const Decimal max = dec(u"9999999999999999999.999999999999999999");
    QCOMPARE(max.checkedAdd(dec(u"0.000000000000000001")), std::nullopt);
    QCOMPARE((-max).checkedAdd(dec(u"-0.000000000000000001")), std::nullopt);
    QCOMPARE(max.checkedAdd(max), std::nullopt);
    QCOMPARE(max.checkedAdd(-max), std::optional(Decimal()));
    QCOMPARE(max.checkedMul(Decimal(2)), std::nullopt);
    QCOMPARE(max.checkedMul(max), std::nullopt);
    QCOMPARE(dec(u"10000000000").checkedMul(dec(u"1000000000")), std::nullopt);
    QCOMPARE(dec(u"-10000000000").checkedMul(dec(u"1000000000")), std::nullopt);
    QCOMPARE(max.checkedMul(Decimal(1)), std::optional(max));
    QCOMPARE(Decimal(1).checkedDiv(Decimal()), std::nullopt);
    QCOMPARE(Decimal().checkedDiv(Decimal()), std::nullopt);
    QCOMPARE(dec(u"9000000000000000000").checkedDiv(dec(u"0.1")), std::nullopt);
    QCOMPARE(max.checkedDiv(dec(u"0.999999999999999999")), std::nullopt);
    QCOMPARE(max.checkedDiv(Decimal(-1)), std::optional(-max));
}

void TestDecimal::fromDouble_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("expected"); // empty: rejected

    QTest::addRow("price") << 187.31 << u"187.31"_s;
    QTest::addRow("tenth") << 0.1 << u"0.1"_s;
    QTest::addRow("1e-7") << 1e-7 << u"0.0000001"_s;
    QTest::addRow("volume") << 4521.0 << u"4521"_s;
    QTest::addRow("negative") << -2.5 << u"-2.5"_s;
    QTest::addRow("zero") << 0.0 << u"0"_s;
    QTest::addRow("negative zero") << -0.0 << u"0"_s;
    QTest::addRow("sum not exact in binary") << 0.1 + 0.2 << u"0.30000000000000004"_s;
    QTest::addRow("big") << 1e18 << u"1000000000000000000"_s;
    QTest::addRow("too big") << 1e19 << QString();
    QTest::addRow("too small") << 1e-19 << QString();
    QTest::addRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QString();
    QTest::addRow("inf") << std::numeric_limits<double>::infinity() << QString();
    QTest::addRow("-inf") << -std::numeric_limits<double>::infinity() << QString();
}

void TestDecimal::fromDouble()
{
    QFETCH(double, value);
    QFETCH(QString, expected);
    const auto d = Decimal::fromDouble(value);
    if (expected.isEmpty()) {
        QVERIFY(!d.hasValue());
        QVERIFY(!d.error().isEmpty());
    } else {
        QVERIFY2(d.hasValue(), qPrintable(d ? QString() : d.error()));
        QCOMPARE(d->toString(), expected);
    }
}

void TestDecimal::toNanos_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("exact");
    QTest::addColumn<qint64>("nanos");

    QTest::addRow("one and a half") << u"1.5"_s << true << qint64(1'500'000'000);
    QTest::addRow("one nano") << u"0.000000001"_s << true << qint64(1);
    QTest::addRow("negative") << u"-2"_s << true << qint64(-2'000'000'000);
    QTest::addRow("zero") << u"0"_s << true << qint64(0);
    QTest::addRow("int64 max") << u"9223372036.854775807"_s << true << std::numeric_limits<qint64>::max();
    QTest::addRow("int64 min") << u"-9223372036.854775808"_s << true << std::numeric_limits<qint64>::min();
    QTest::addRow("sub-nano") << u"0.0000000001"_s << false << qint64(0);
    QTest::addRow("sub-nano tail") << u"1.0000000005"_s << false << qint64(0);
    QTest::addRow("above int64") << u"9223372036.854775808"_s << false << qint64(0);
    QTest::addRow("below int64") << u"-9223372036.854775809"_s << false << qint64(0);
    QTest::addRow("ten digits") << u"9999999999"_s << false << qint64(0);
}

void TestDecimal::toNanos()
{
    QFETCH(QString, value);
    QFETCH(bool, exact);
    QFETCH(qint64, nanos);
    const auto n = dec(value).toNanos();
    QCOMPARE(n.has_value(), exact);
    if (exact) {
        QCOMPARE(*n, nanos);
        QCOMPARE(Decimal::fromNanos(*n), dec(value));
    }
}

void TestDecimal::comparisons_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("order"); // sign of a - b

    QTest::addRow("trailing zeros equal") << u"1.10"_s << u"1.1"_s << 0;
    QTest::addRow("exponent equal") << u"1.5e3"_s << u"1500"_s << 0;
    QTest::addRow("negative below zero") << u"-0.5"_s << u"0"_s << -1;
    QTest::addRow("smallest step") << u"2"_s << u"1.999999999999999999"_s << 1;
    QTest::addRow("negatives") << u"-2"_s << u"-1.5"_s << -1;
    QTest::addRow("nano apart") << u"187.310000001"_s << u"187.31"_s << 1;
}

void TestDecimal::comparisons()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, order);
    const Decimal x = dec(a), y = dec(b);
    QCOMPARE(x == y, order == 0);
    QCOMPARE(x != y, order != 0);
    QCOMPARE(x < y, order < 0);
    QCOMPARE(x > y, order > 0);
    QCOMPARE(x <= y, order <= 0);
    QCOMPARE(x >= y, order >= 0);
    QCOMPARE((x - y).sign(), order);
}

void TestDecimal::sortingAndHashing()
{
    QList<Decimal> values{dec(u"3"), dec(u"-1"), dec(u"0.5"), dec(u"-1.5"), dec(u"0")};
    std::sort(values.begin(), values.end());
    const QList<Decimal> sorted{dec(u"-1.5"), dec(u"-1"), dec(u"0"), dec(u"0.5"), dec(u"3")};
    QCOMPARE(values, sorted);
    QCOMPARE(qHash(dec(u"1.10")), qHash(dec(u"1.1")));
    QCOMPARE(qHash(dec(u"-1"), 7), qHash(Decimal(-1), 7));
}

void TestDecimal::toDouble()
{
    QCOMPARE(dec(u"187.31").toDouble(), 187.31);
    QCOMPARE(dec(u"-0.5").toDouble(), -0.5);
    QCOMPARE(Decimal().toDouble(), 0.0);
    QVERIFY(qAbs(dec(u"0.38962051").toDouble() - 0.38962051) < 1e-15);
}

// toString() and toFixed() print with 64-bit arithmetic; compare them with the plain digit-by-digit
// 128-bit printing over the whole range, the limits included.
void TestDecimal::printsEveryDigitAtAnyMagnitude()
{
    using U128 = clera::UInt128;
    const U128 one = U128(Decimal::kOne);
    const auto digits = [](U128 v, int width) -> QString {
        QString out;
        do {
            out.prepend(QChar(u'0' + int(v % 10)));
            v /= 10;
        } while (v != 0);
        while (out.size() < width)
            out.prepend(u'0');
        return out;
    };
    const auto reference = [&](Decimal::Raw raw, bool fixed) -> QString {
        const U128 mag = raw < 0 ? U128(-raw) : U128(raw);
        QString frac = digits(mag % one, 18);
        while (!fixed && frac.endsWith(u'0'))
            frac.chop(1);
        return (raw < 0 ? u"-"_s : QString()) + digits(mag / one, 1) +
               (frac.isEmpty() ? QString() : u'.' + frac);
    };
    const Decimal::Raw limit =
        Decimal::Raw(one) * Decimal::Raw(10'000'000'000'000'000'000ULL) - 1; // 10¹⁹ − 10⁻¹⁸
    QList<Decimal::Raw> raws{0, 1, -1, Decimal::Raw(one), -Decimal::Raw(one), limit, -limit,
                             Decimal::Raw(std::numeric_limits<std::uint64_t>::max()) * Decimal::Raw(one / 10) + 5,
                             Decimal::Raw(std::numeric_limits<std::uint64_t>::max())};
    quint64 state = 88172645463325252ULL; // xorshift: deterministic
    auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int i = 0; i < 20'000; ++i) {
        const U128 r = (U128(next()) << 64 | next()) % U128(limit);
        const Decimal::Raw raw = Decimal::Raw(r >> (next() % 120)); // every magnitude
        raws.append(i % 2 ? -raw : raw);
    }
    for (const Decimal::Raw raw : std::as_const(raws)) {
        const Decimal d = Decimal::fromRaw(raw);
        QCOMPARE(d.toString(), reference(raw, false));
        QCOMPARE(Decimal::parse(d.toString()).value(), d);
        QCOMPARE(d.toFixed(18), reference(raw, true));
    }
}

QTEST_GUILESS_MAIN(TestDecimal)
#include "tst_decimal.moc"
