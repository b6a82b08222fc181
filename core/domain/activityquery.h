#pragma once

#include "expected.h"
#include "queryerror.h"
#include "timestamp.h"

#include <QDate>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace clera {

// The parameters of one page of account activities. `date` excludes `after`/`until`.
struct ActivityQuery
{
    static constexpr int kMaxPageSize = 100;

    QStringList activityTypes; // wire names ("FILL", "CSD" …); empty: all
    std::optional<QDate> date;
    std::optional<Timestamp> after;
    std::optional<Timestamp> until;
    bool newestFirst = true;     // direction desc (Alpaca's default) or asc
    int pageSize = kMaxPageSize; // 1–100
    QString pageToken;           // id of the previous page's last activity

    // The query string, or why Alpaca would refuse it (date with after/until, after later than
    // until, page_size outside 1–100, a type that is not an upper-case word).
    [[nodiscard]] Expected<QUrlQuery, QueryError> toUrlQuery() const;

    friend bool operator==(const ActivityQuery &, const ActivityQuery &) = default;
};

} // namespace clera
