#include "timestamp.h"


using namespace Qt::StringLiterals;

namespace clera {

namespace {

bool readDigits(QStringView s, qsizetype &i, int count, int &out)
{
    if (i + count > s.size())
        return false;
    out = 0;
    for (int k = 0; k < count; ++k) {
        const QChar c = s[i + k];
        if (c < u'0' || c > u'9')
            return false;
        out = out * 10 + (c.unicode() - u'0');
    }
    i += count;
    return true;
}

bool expect(QStringView s, qsizetype &i, char16_t c)
{
    if (i < s.size() && s[i] == c) {
        ++i;
        return true;
    }
    return false;
}

} // namespace

Timestamp Timestamp::fromDateTime(const QDateTime &dt)
{
    return fromNanos(dt.toMSecsSinceEpoch() * 1'000'000);
}

Timestamp Timestamp::now()
{
    return fromDateTime(QDateTime::currentDateTimeUtc());
}

Expected<Timestamp, QString> Timestamp::parse(QStringView s)
{
    const auto bad = [&] { return unexpected(u"'%1' is not an RFC 3339 timestamp"_s.arg(s)); };
    qsizetype i = 0;
    int year, month, day, hour, minute, second;
    if (!readDigits(s, i, 4, year) || !expect(s, i, u'-') || !readDigits(s, i, 2, month) || !expect(s, i, u'-')
        || !readDigits(s, i, 2, day))
        return bad();
    if (!expect(s, i, u'T') && !expect(s, i, u't') && !expect(s, i, u' '))
        return bad();
    if (!readDigits(s, i, 2, hour) || !expect(s, i, u':') || !readDigits(s, i, 2, minute) || !expect(s, i, u':')
        || !readDigits(s, i, 2, second))
        return bad();
    std::int64_t fraction = 0;
    if (expect(s, i, u'.')) {
        int digits = 0;
        while (i < s.size() && s[i] >= u'0' && s[i] <= u'9') {
            if (++digits > 9)
                return unexpected(u"'%1' has more than 9 fractional digits"_s.arg(s));
            fraction = fraction * 10 + (s[i].unicode() - u'0');
            ++i;
        }
        if (digits == 0)
            return bad();
        for (int k = digits; k < 9; ++k)
            fraction *= 10;
    }
    int offsetSeconds = 0;
    if (expect(s, i, u'Z') || expect(s, i, u'z')) {
    } else if (i < s.size() && (s[i] == u'+' || s[i] == u'-')) {
        const int sign = s[i] == u'-' ? -1 : 1;
        ++i;
        int oh, om;
        if (!readDigits(s, i, 2, oh) || !expect(s, i, u':') || !readDigits(s, i, 2, om) || oh > 23 || om > 59)
            return bad();
        offsetSeconds = sign * (oh * 3600 + om * 60);
    } else {
        return bad();
    }
    if (i != s.size())
        return bad();
    const QDate date(year, month, day);
    if (!date.isValid() || hour > 23 || minute > 59 || second > 60)
        return unexpected(u"'%1' is not a valid date and time"_s.arg(s));
    // Leap seconds (":60") are folded into the next second, as most parsers do.
    const std::int64_t days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    if (secs < 0 && fraction > 0) { // keeps secs × 10⁹ in range down to the smallest representable instant
        ++secs;
        fraction -= 1'000'000'000;
    }
    std::int64_t nanos;
    if (__builtin_mul_overflow(secs, std::int64_t(1'000'000'000), &nanos)
        || __builtin_add_overflow(nanos, fraction, &nanos))
        return unexpected(u"'%1' is outside 1677-09-21 … 2262-04-11"_s.arg(s));
    return fromNanos(nanos);
}

QDateTime Timestamp::toDateTime() const
{
    return QDateTime::fromMSecsSinceEpoch(msecs(), Qt::UTC);
}

QString Timestamp::toString() const
{
    std::int64_t secs = m_nanos / 1'000'000'000;
    std::int64_t frac = m_nanos % 1'000'000'000;
    if (frac < 0) {
        frac += 1'000'000'000;
        --secs;
    }
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
    QString out = dt.toString(u"yyyy-MM-ddTHH:mm:ss"_s);
    if (frac != 0) {
        QString digits = u"%1"_s.arg(frac, 9, 10, QLatin1Char('0'));
        while (digits.endsWith(u'0'))
            digits.chop(1);
        out += u'.' + digits;
    }
    out += u'Z';
    return out;
}

Expected<QDate, QString> parseIsoDate(QStringView s)
{
    qsizetype i = 0;
    int y, m, d;
    if (!readDigits(s, i, 4, y) || !expect(s, i, u'-') || !readDigits(s, i, 2, m) || !expect(s, i, u'-')
        || !readDigits(s, i, 2, d) || i != s.size())
        return unexpected(u"'%1' is not a YYYY-MM-DD date"_s.arg(s));
    const QDate date(y, m, d);
    if (!date.isValid())
        return unexpected(u"'%1' is not a valid date"_s.arg(s));
    return date;
}

} // namespace clera
