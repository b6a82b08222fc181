#include "domaintestutils.h"

#include "core/domain/timestamp.h"

#include <QTest>

#include <QRandomGenerator>
#include <QTimeZone>

#include <cmath>

#include <limits>

using namespace Qt::StringLiterals;
using clera::Timestamp;
using clera::test::ts;

class TestTimestamp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void fractionalDigits_data();
    void fractionalDigits();
    void invalid_data();
    void invalid();
    void ordering_data();
    void ordering();
    void extremes();
    void textMatchesQDateTimeFormatting();
    void dateTimeConversion();
    void parseIsoDate_data();
    void parseIsoDate();
};

namespace {
constexpr qint64 kNano = 1'000'000'000;
}

void TestTimestamp::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("nanos");
    QTest::addColumn<QString>("printed");

    QTest::addRow("milliseconds") << u"2021-02-22T15:51:44.208Z"_s << 1614009104 * kNano + 208'000'000
                                  << u"2021-02-22T15:51:44.208Z"_s;
    QTest::addRow("two digits") << u"2022-03-09T05:00:16.91Z"_s << 1646802016 * kNano + 910'000'000
                                << u"2022-03-09T05:00:16.91Z"_s;
    QTest::addRow("no fraction") << u"2021-02-22T19:15:00Z"_s << 1614021300 * kNano
                                 << u"2021-02-22T19:15:00Z"_s;
    QTest::addRow("eight digits, NY offset")
        << u"2022-04-19T10:12:30.57117938-04:00"_s << 1650377550 * kNano + 571'179'380
        << u"2022-04-19T14:12:30.57117938Z"_s;
    QTest::addRow("nine digits, NY offset")
        << u"2026-01-06T11:02:15.447213308-05:00"_s << 1767715335 * kNano + 447'213'308
        << u"2026-01-06T16:02:15.447213308Z"_s;
    QTest::addRow("previous close") << u"2026-01-02T16:00:00-05:00"_s << 1767387600 * kNano
                                    << u"2026-01-02T21:00:00Z"_s;
    QTest::addRow("explicit zero offset")
        << u"2021-02-22T19:15:00+00:00"_s << 1614021300 * kNano << u"2021-02-22T19:15:00Z"_s;
    QTest::addRow("negative zero offset")
        << u"2021-02-22T19:15:00-00:00"_s << 1614021300 * kNano << u"2021-02-22T19:15:00Z"_s;
    QTest::addRow("half-hour offset")
        << u"2021-02-22T19:15:00+05:30"_s << (1614021300 - 19800) * kNano << u"2021-02-22T13:45:00Z"_s;
    QTest::addRow("offset crosses year")
        << u"2024-01-01T00:30:00+01:00"_s << qint64(1704065400) * kNano << u"2023-12-31T23:30:00Z"_s;
    QTest::addRow("trailing zeros trimmed")
        << u"2021-02-22T15:51:44.200000000Z"_s << 1614009104 * kNano + 200'000'000
        << u"2021-02-22T15:51:44.2Z"_s;
    QTest::addRow("zero fraction dropped")
        << u"2021-02-22T15:51:44.000Z"_s << 1614009104 * kNano << u"2021-02-22T15:51:44Z"_s;
    QTest::addRow("one nanosecond") << u"2021-02-22T15:51:44.000000001Z"_s << 1614009104 * kNano + 1
                                    << u"2021-02-22T15:51:44.000000001Z"_s;
    QTest::addRow("lower case separators")
        << u"2021-02-22t19:15:00z"_s << 1614021300 * kNano << u"2021-02-22T19:15:00Z"_s;
    QTest::addRow("space separator") << u"2021-02-22 19:15:00Z"_s << 1614021300 * kNano
                                     << u"2021-02-22T19:15:00Z"_s;
    QTest::addRow("epoch") << u"1970-01-01T00:00:00Z"_s << qint64(0) << u"1970-01-01T00:00:00Z"_s;
    QTest::addRow("before epoch") << u"1969-12-31T23:59:59.999999999Z"_s << qint64(-1)
                                  << u"1969-12-31T23:59:59.999999999Z"_s;
    QTest::addRow("before epoch, half second")
        << u"1969-12-31T23:59:59.5Z"_s << qint64(-500'000'000) << u"1969-12-31T23:59:59.5Z"_s;
    QTest::addRow("leap day") << u"2024-02-29T12:00:00Z"_s << qint64(1709208000) * kNano
                              << u"2024-02-29T12:00:00Z"_s;
    QTest::addRow("leap second folds forward")
        << u"2016-12-31T23:59:60Z"_s << qint64(1483228800) * kNano << u"2017-01-01T00:00:00Z"_s;
}

void TestTimestamp::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, nanos);
    QFETCH(QString, printed);
    const auto t = Timestamp::parse(text);
    QVERIFY2(t.hasValue(), qPrintable(t ? QString() : t.error()));
    QCOMPARE(t->nanos(), nanos);
    QCOMPARE(t->toString(), printed);
    const auto again = Timestamp::parse(printed);
    QVERIFY(again.hasValue());
    QCOMPARE(*again, *t);
}

void TestTimestamp::fractionalDigits_data()
{
    QTest::addColumn<int>("digits");
    for (int digits = 0; digits <= 9; ++digits)
        QTest::addRow("%d digits", digits) << digits;
}

void TestTimestamp::fractionalDigits()
{
    QFETCH(int, digits);
    const QString all = u"123456789"_s;
    QString text = u"2021-02-22T15:51:44"_s;
    if (digits > 0)
        text += u'.' + all.left(digits);
    text += u'Z';
    const auto t = Timestamp::parse(text);
    QVERIFY2(t.hasValue(), qPrintable(t ? QString() : t.error()));
    qint64 fraction = all.left(digits).toLongLong();
    for (int k = digits; k < 9; ++k)
        fraction *= 10;
    QCOMPARE(t->nanos(), 1614009104 * kNano + fraction);
    QCOMPARE(t->toString(), text);
}

void TestTimestamp::invalid_data()
{
    QTest::addColumn<QString>("text");

    QTest::addRow("empty") << QString();
    QTest::addRow("word") << u"yesterday"_s;
    QTest::addRow("date only") << u"2021-02-22"_s;
    QTest::addRow("no offset") << u"2021-02-22T15:51:44"_s;
    QTest::addRow("no offset with fraction") << u"2021-02-22T15:51:44.208"_s;
    QTest::addRow("ten fractional digits") << u"2021-02-22T15:51:44.1234567890Z"_s;
    QTest::addRow("empty fraction") << u"2021-02-22T15:51:44.Z"_s;
    QTest::addRow("comma fraction") << u"2021-02-22T15:51:44,208Z"_s;
    QTest::addRow("no seconds") << u"2021-02-22T15:51Z"_s;
    QTest::addRow("february 30") << u"2021-02-30T00:00:00Z"_s;
    QTest::addRow("february 29 in common year") << u"2023-02-29T00:00:00Z"_s;
    QTest::addRow("month 13") << u"2021-13-01T00:00:00Z"_s;
    QTest::addRow("month 0") << u"2021-00-01T00:00:00Z"_s;
    QTest::addRow("hour 24") << u"2021-02-22T24:00:00Z"_s;
    QTest::addRow("minute 60") << u"2021-02-22T15:60:00Z"_s;
    QTest::addRow("second 61") << u"2021-02-22T15:51:61Z"_s;
    QTest::addRow("offset without colon") << u"2021-02-22T15:51:44+0500"_s;
    QTest::addRow("offset hours only") << u"2021-02-22T15:51:44+05"_s;
    QTest::addRow("offset hour 24") << u"2021-02-22T15:51:44+24:00"_s;
    QTest::addRow("offset minute 60") << u"2021-02-22T15:51:44+05:60"_s;
    QTest::addRow("trailing space") << u"2021-02-22T15:51:44Z "_s;
    QTest::addRow("leading space") << u" 2021-02-22T15:51:44Z"_s;
    QTest::addRow("double Z") << u"2021-02-22T15:51:44ZZ"_s;
    QTest::addRow("two-digit year") << u"21-02-22T15:51:44Z"_s;
    QTest::addRow("slashes") << u"2021/02/22T15:51:44Z"_s;
    QTest::addRow("single-digit month") << u"2021-2-22T15:51:44Z"_s;
    QTest::addRow("epoch number") << u"1614009104"_s;
    QTest::addRow("zone name") << u"2021-02-22T15:51:44 EST"_s;
    QTest::addRow("beyond nanosecond range") << u"9999-12-31T23:59:59Z"_s;
    QTest::addRow("just beyond range") << u"2262-04-11T23:47:17Z"_s;
    QTest::addRow("before nanosecond range") << u"1600-01-01T00:00:00Z"_s;
}

void TestTimestamp::invalid()
{
    QFETCH(QString, text);
    const auto t = Timestamp::parse(text);
    QVERIFY2(!t.hasValue(), qPrintable(u"accepted as "_s + (t ? t->toString() : QString())));
    QVERIFY(!t.error().isEmpty());
}

void TestTimestamp::ordering_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("order");

    QTest::addRow("same instant, different offsets")
        << u"2022-04-19T10:12:30.57117938-04:00"_s << u"2022-04-19T14:12:30.57117938Z"_s << 0;
    QTest::addRow("trailing zeros do not matter")
        << u"2021-02-22T15:51:44.208Z"_s << u"2021-02-22T15:51:44.208000000Z"_s << 0;
    QTest::addRow("nanosecond later, same millisecond")
        << u"2021-02-22T15:51:44.208000001Z"_s << u"2021-02-22T15:51:44.208Z"_s << 1;
    QTest::addRow("offset makes it earlier")
        << u"2021-02-22T16:00:00+02:00"_s << u"2021-02-22T15:00:00Z"_s << -1;
    QTest::addRow("days apart") << u"2021-02-21T23:59:59.999999999Z"_s << u"2021-02-22T00:00:00Z"_s << -1;
}

void TestTimestamp::ordering()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, order);
    const Timestamp x = ts(a), y = ts(b);
    QCOMPARE(x == y, order == 0);
    QCOMPARE(x < y, order < 0);
    QCOMPARE(x > y, order > 0);
    QCOMPARE(x <= y, order <= 0);
}

void TestTimestamp::extremes()
{
    const Timestamp max = Timestamp::fromNanos(std::numeric_limits<qint64>::max());
    QCOMPARE(max.toString(), u"2262-04-11T23:47:16.854775807Z"_s);
    QCOMPARE(ts(max.toString()), max);
    const Timestamp min = Timestamp::fromNanos(std::numeric_limits<qint64>::min());
    QCOMPARE(min.toString(), u"1677-09-21T00:12:43.145224192Z"_s);
    QCOMPARE(ts(min.toString()), min);
    QCOMPARE(ts(u"2262-04-11T19:47:16.854775807-04:00"), max);
}

void TestTimestamp::dateTimeConversion()
{
    const Timestamp t = ts(u"2022-04-19T10:12:30.57117938-04:00");
    QCOMPARE(t.msecs(), qint64(1650377550571));
    const QDateTime dt = t.toDateTime();
    QCOMPARE(dt.timeSpec(), Qt::UTC);
    QCOMPARE(dt, QDateTime(QDate(2022, 4, 19), QTime(14, 12, 30, 571), Qt::UTC));
    QCOMPARE(Timestamp::fromDateTime(dt), ts(u"2022-04-19T14:12:30.571Z"));

    QCOMPARE(Timestamp::fromNanos(-1).msecs(), qint64(-1));
    QCOMPARE(Timestamp::fromNanos(-1'000'000).msecs(), qint64(-1));
    QCOMPARE(Timestamp::fromNanos(-1'000'001).msecs(), qint64(-2));
    QCOMPARE(Timestamp::fromNanos(999'999).msecs(), qint64(0));

    const QDateTime local(QDate(2026, 1, 6), QTime(11, 2, 15), QTimeZone(-5 * 3600));
    QCOMPARE(Timestamp::fromDateTime(local), ts(u"2026-01-06T16:02:15Z"));

    const Timestamp before = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
    const Timestamp now = Timestamp::now();
    QVERIFY(now >= before);
    QVERIFY(now.nanos() - before.nanos() < 60 * kNano);
}

void TestTimestamp::parseIsoDate_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDate>("date"); // invalid: rejected

    QTest::addRow("calendar day") << u"2026-01-06"_s << QDate(2026, 1, 6);
    QTest::addRow("date of birth") << u"1988-04-12"_s << QDate(1988, 4, 12);
    QTest::addRow("leap day") << u"2024-02-29"_s << QDate(2024, 2, 29);
    QTest::addRow("not a leap year") << u"2023-02-29"_s << QDate();
    QTest::addRow("month 13") << u"2026-13-01"_s << QDate();
    QTest::addRow("day 0") << u"2026-01-00"_s << QDate();
    QTest::addRow("single digits") << u"2026-1-6"_s << QDate();
    QTest::addRow("with time") << u"2026-01-06T00:00:00Z"_s << QDate();
    QTest::addRow("compact") << u"20260106"_s << QDate();
    QTest::addRow("empty") << QString() << QDate();
    QTest::addRow("trailing space") << u"2026-01-06 "_s << QDate();
}

void TestTimestamp::parseIsoDate()
{
    QFETCH(QString, text);
    QFETCH(QDate, date);
    const auto d = clera::parseIsoDate(text);
    if (date.isValid()) {
        QVERIFY2(d.hasValue(), qPrintable(d ? QString() : d.error()));
        QCOMPARE(*d, date);
    } else {
        QVERIFY(!d.hasValue());
        QVERIFY(!d.error().isEmpty());
    }
}

// toString() writes the date by hand; QDateTime's formatting is the reference, on 200,000 random instants
// over the whole 64-bit range (1677–2262: pre-1970, leap days, every fraction length) and on boundaries.
void TestTimestamp::textMatchesQDateTimeFormatting()
{
    auto reference = [](std::int64_t nanos) -> QString {
        std::int64_t secs = nanos / 1'000'000'000, frac = nanos % 1'000'000'000;
        if (frac < 0) {
            frac += 1'000'000'000;
            --secs;
        }
        QString out = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ss"_s);
        if (frac != 0) {
            QString digits = u"%1"_s.arg(frac, 9, 10, QLatin1Char('0'));
            while (digits.endsWith(u'0'))
                digits.chop(1);
            out += u'.' + digits;
        }
        return out + u'Z';
    };
    constexpr std::int64_t first = std::numeric_limits<std::int64_t>::min() + 1;
    constexpr std::int64_t last = std::numeric_limits<std::int64_t>::max();
    QList<std::int64_t> cases{0, -1, 1, first, last, 951'782'400LL * 1'000'000'000, // 2000-02-29
                              -86'400LL * 1'000'000'000 - 1, 1'709'164'800LL * 1'000'000'000 + 120'000'000};
    QRandomGenerator rng(42);
    for (int i = 0; i < 200'000; ++i) {
        std::int64_t n = std::int64_t(rng.generate64() >> 1) * (rng.bounded(2) ? 1 : -1);
        n -= n % std::int64_t(std::pow(10, rng.bounded(10))); // fractions of every length
        cases.append(n);
    }
    for (const std::int64_t n : std::as_const(cases)) {
        const QString text = Timestamp::fromNanos(n).toString();
        if (text != reference(n))
            QFAIL(qPrintable(u"%1: %2 vs %3"_s.arg(n).arg(text, reference(n))));
        QCOMPARE(Timestamp::parse(text).value(), Timestamp::fromNanos(n)); // and it reads back
    }
}

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
