#pragma once

#include <QDateTime>

#include <functional>

namespace clera {

// The wall clock, injectable so tests can move time (token expiry, rate-limit windows).
using Clock = std::function<QDateTime()>;

[[nodiscard]] inline Clock systemClock()
{
    return [] { return QDateTime::currentDateTimeUtc(); };
}

} // namespace clera
