#pragma once

#include "jsonreader.h"
#include "timestamp.h"

namespace clera {

// `GET /v1/clock` or `/v2/clock`: whether the US equity market is open now and when it next opens
// and closes. Alpaca writes the times in New York time (-05:00 or -04:00); the instants are exact
// and each time's UTC offset is kept so it can be shown, and written back, as New York time.
struct MarketClock
{
    Timestamp timestamp;
    bool isOpen = false;
    Timestamp nextOpen;
    Timestamp nextClose;
    int timestampOffsetSeconds = 0;
    int nextOpenOffsetSeconds = 0;
    int nextCloseOffsetSeconds = 0;

    [[nodiscard]] static Expected<MarketClock, DecodeError> fromJson(const QJsonObject &json,
                                                                     const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const MarketClock &, const MarketClock &) = default;

    // RFC 3339 in the given UTC offset ("2026-01-06T11:02:15.447213308-05:00"; 0 prints "Z").
    [[nodiscard]] static QString formatWithOffset(Timestamp t, int offsetSeconds);
};

} // namespace clera
