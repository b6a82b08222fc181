#include "marketclock.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

// The offset a valid RFC 3339 text was written with, in seconds.
int offsetOf(const QString &text)
{
    if (text.endsWith(u'Z') || text.endsWith(u'z') || text.size() < 6)
        return 0;
    const QStringView tail = QStringView(text).right(6);
    const int sign = tail[0] == u'-' ? -1 : 1;
    return sign * (tail.mid(1, 2).toInt() * 3600 + tail.mid(4, 2).toInt() * 60);
}

Timestamp readTime(JsonReader &r, QStringView key, int &offset)
{
    const Timestamp t = r.timestamp(key);
    if (r.ok())
        offset = offsetOf(r.object().value(key).toString());
    return t;
}

} // namespace

QString MarketClock::formatWithOffset(Timestamp t, int offsetSeconds)
{
    if (offsetSeconds == 0)
        return t.toString();
    const std::int64_t shifted = t.nanos() + std::int64_t(offsetSeconds) * 1'000'000'000;
    // Timestamp prints UTC: print the local wall time, then swap its "Z" for the offset.
    QString out = Timestamp::fromNanos(shifted).toString();
    out.chop(1);
    const int abs = offsetSeconds < 0 ? -offsetSeconds : offsetSeconds;
    out += (offsetSeconds < 0 ? u'-' : u'+') +
           u"%1:%2"_s.arg(abs / 3600, 2, 10, QLatin1Char('0')).arg(abs % 3600 / 60, 2, 10, QLatin1Char('0'));
    return out;
}

Expected<MarketClock, DecodeError> MarketClock::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    MarketClock c;
    c.timestamp = readTime(r, u"timestamp", c.timestampOffsetSeconds);
    c.isOpen = r.boolean(u"is_open");
    c.nextOpen = readTime(r, u"next_open", c.nextOpenOffsetSeconds);
    c.nextClose = readTime(r, u"next_close", c.nextCloseOffsetSeconds);
    return r.finish(std::move(c));
}

QJsonObject MarketClock::toJson() const
{
    return QJsonObject{
        {u"timestamp"_s, formatWithOffset(timestamp, timestampOffsetSeconds)},
        {u"is_open"_s, isOpen},
        {u"next_open"_s, formatWithOffset(nextOpen, nextOpenOffsetSeconds)},
        {u"next_close"_s, formatWithOffset(nextClose, nextCloseOffsetSeconds)},
    };
}

} // namespace clera
