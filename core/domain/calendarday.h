#pragma once

#include "jsonreader.h"

#include <QDate>
#include <QTime>

#include <optional>

namespace clera {

// One trading day of `GET /v1/calendar` or `/v2/calendar`. Times are New York wall-clock times;
// an early close shows as a `close` before 16:00 (e.g. 13:00). The session_* fields (pre- and
// after-hours, "0400"/"2000") are deprecated upstream and optional here.
struct CalendarDay
{
    QDate date;
    QTime open;
    QTime close;
    std::optional<QTime> sessionOpen;
    std::optional<QTime> sessionClose;
    std::optional<QDate> settlementDate;

    [[nodiscard]] bool isEarlyClose() const { return close < QTime(16, 0); }

    // Accepts "HH:MM" and "HHMM" for every time field.
    [[nodiscard]] static Expected<CalendarDay, DecodeError> fromJson(const QJsonObject &json,
                                                                     const QString &path = {});
    // Alpaca's forms: open/close "09:30", session_* "0400".
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const CalendarDay &, const CalendarDay &) = default;
};

} // namespace clera
