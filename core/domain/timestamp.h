#pragma once

#include "expected.h"

#include <QDate>
#include <QDateTime>
#include <QString>

#include <compare>
#include <cstdint>

namespace clera {

// An instant with nanosecond precision (QDateTime keeps only milliseconds). Parses RFC 3339 with
// 0–9 fractional digits and a `Z` or ±hh:mm offset, as Alpaca sends; prints RFC 3339 in UTC with
// trailing fractional zeros trimmed (Go's RFC3339Nano).
class Timestamp
{
public:
    constexpr Timestamp() = default;
    [[nodiscard]] static constexpr Timestamp fromNanos(std::int64_t nanosSinceEpoch)
    {
        Timestamp t;
        t.m_nanos = nanosSinceEpoch;
        return t;
    }
    [[nodiscard]] static Timestamp fromDateTime(const QDateTime &dt);
    [[nodiscard]] static Timestamp now();
    [[nodiscard]] static Expected<Timestamp, QString> parse(QStringView text);

    [[nodiscard]] constexpr std::int64_t nanos() const { return m_nanos; }
    [[nodiscard]] constexpr std::int64_t msecs() const { return m_nanos / 1'000'000 - (m_nanos % 1'000'000 < 0 ? 1 : 0); }
    [[nodiscard]] QDateTime toDateTime() const;
    [[nodiscard]] QString toString() const;

    friend constexpr bool operator==(Timestamp, Timestamp) = default;
    friend constexpr std::strong_ordering operator<=>(Timestamp a, Timestamp b) { return a.m_nanos <=> b.m_nanos; }

private:
    std::int64_t m_nanos = 0;
};

// A calendar date in YYYY-MM-DD form (date_of_birth, calendar days).
[[nodiscard]] Expected<QDate, QString> parseIsoDate(QStringView text);

} // namespace clera
