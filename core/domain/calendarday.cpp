#include "calendarday.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

std::optional<QTime> readTime(JsonReader &r, QStringView key, bool required)
{
    const QString text = required ? r.string(key) : r.optString(key);
    if (text.isEmpty())
        return std::nullopt;
    QTime t = QTime::fromString(text, u"HH:mm"_s);
    if (!t.isValid())
        t = QTime::fromString(text, u"HHmm"_s);
    if (!t.isValid()) {
        r.fail(key, u"'%1' is not HH:MM"_s.arg(text));
        return std::nullopt;
    }
    return t;
}

} // namespace

Expected<CalendarDay, DecodeError> CalendarDay::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    CalendarDay d;
    if (!r.has(u"date"))
        (void)r.string(u"date");
    d.date = r.optDate(u"date").value_or(QDate());
    d.open = readTime(r, u"open", true).value_or(QTime());
    d.close = readTime(r, u"close", true).value_or(QTime());
    d.sessionOpen = readTime(r, u"session_open", false);
    d.sessionClose = readTime(r, u"session_close", false);
    d.settlementDate = r.optDate(u"settlement_date");
    if (r.ok() && d.close <= d.open)
        r.fail(u"close", u"is not after open"_s);
    return r.finish(std::move(d));
}

QJsonObject CalendarDay::toJson() const
{
    QJsonObject json{
        {u"date"_s, date.toString(Qt::ISODate)},
        {u"open"_s, open.toString(u"HH:mm"_s)},
        {u"close"_s, close.toString(u"HH:mm"_s)},
    };
    if (sessionOpen)
        json.insert(u"session_open"_s, sessionOpen->toString(u"HHmm"_s));
    if (sessionClose)
        json.insert(u"session_close"_s, sessionClose->toString(u"HHmm"_s));
    if (settlementDate)
        json.insert(u"settlement_date"_s, settlementDate->toString(Qt::ISODate));
    return json;
}

} // namespace clera
