#pragma once

#include "apierror.h"

#include <QByteArray>
#include <QDateTime>

#include <chrono>
#include <optional>

namespace clera {

// The one retry table of every REST client:
//   timeout, network error, 5xx  → retried with exponential backoff and jitter (idempotent requests only)
//   429                          → retried after Retry-After / X-RateLimit-Reset, else backoff (any request:
//                                  a 429 proves the request was not processed)
//   any other 4xx, decode errors → never retried
// Every request stops after `maxAttempts` tries in total.
struct RetryPolicy
{
    int maxAttempts = 4;
    std::chrono::milliseconds baseDelay{250};
    std::chrono::milliseconds maxDelay{8000};
    // A server asking to wait longer than this gets the 429 back instead of a hanging call.
    std::chrono::milliseconds maxRetryAfter{60'000};

    // Delay before attempt `nextAttempt` (2 for the first retry); nullopt: give up.
    [[nodiscard]] std::optional<std::chrono::milliseconds> delayBefore(int nextAttempt, const ApiError &error,
                                                                       bool idempotent) const;
    // baseDelay × 2^(attempt-2), capped at maxDelay, with "equal jitter" (half fixed, half random).
    [[nodiscard]] std::chrono::milliseconds backoff(int nextAttempt) const;

    // Retry-After in seconds (an HTTP date is also accepted), else X-RateLimit-Reset (epoch seconds).
    [[nodiscard]] static std::optional<std::chrono::milliseconds>
    serverDelay(const QByteArray &retryAfter, const QByteArray &rateLimitReset,
                const QDateTime &now = QDateTime::currentDateTimeUtc());

    [[nodiscard]] static RetryPolicy none() { return RetryPolicy{1, {}, {}, {}}; }
};

} // namespace clera
