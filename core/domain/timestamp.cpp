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

namespace {

// Days since 1970-01-01 → proleptic Gregorian year, month, day (H. Hinnant's civil_from_days).
void civilFromDays(std::int64_t z, std::int64_t &y, unsigned &m, unsigned &d)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = std::int64_t(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

} // namespace

QString Timestamp::toString() const
{
    std::int64_t secs = m_nanos / 1'000'000'000;
    std::int64_t frac = m_nanos % 1'000'000'000;
    if (frac < 0) {
        frac += 1'000'000'000;
        --secs;
    }
    std::int64_t days = secs / 86'400;
    std::int64_t inDay = secs % 86'400;
    if (inDay < 0) {
        inDay += 86'400;
        --days;
    }
    std::int64_t year = 0;
    unsigned month = 0, day = 0;
    civilFromDays(days, year, month, day);
    // Written by hand: this runs once per trade and per live update (QDateTime's formatter was ~1 % of
    // the market-data role's time at 50,000 trades/s).
    char16_t buf[32];
    char16_t *p = buf;
    auto put = [&p](std::int64_t value, int width) {
        for (int i = width - 1; i >= 0; --i) {
            p[i] = char16_t(u'0' + value % 10);
            value /= 10;
        }
        p += width;
    };
    put(year, 4);
    *p++ = u'-';
    put(month, 2);
    *p++ = u'-';
    put(day, 2);
    *p++ = u'T';
    put(inDay / 3600, 2);
    *p++ = u':';
    put(inDay / 60 % 60, 2);
    *p++ = u':';
    put(inDay % 60, 2);
    if (frac != 0) {
        *p++ = u'.';
        int width = 9;
        while (frac % 10 == 0) {
            frac /= 10;
            --width;
        }
        put(frac, width);
    }
    *p++ = u'Z';
    return QString(reinterpret_cast<const QChar *>(buf), p - buf);
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
