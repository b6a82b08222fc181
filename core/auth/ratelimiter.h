#pragma once

#include "core/auth/clock.h"

#include <QHash>
#include <QString>

#include <chrono>
#include <deque>
#include <optional>

namespace clera {

// At most `limit` events per key in any sliding `window`, kept in memory (per process). Used for
// sign-in and password-reset attempts per account and per client address.
class RateLimiter
{
public:
    RateLimiter(int limit, std::chrono::milliseconds window, Clock clock = systemClock());

    // How long until `key` may act again; nullopt when it may now. Does not count an event.
    [[nodiscard]] std::optional<std::chrono::milliseconds> retryAfter(const QString &key);
    // Counts an event for `key`.
    void record(const QString &key);
    // retryAfter() and, when allowed, record() in one step.
    [[nodiscard]] std::optional<std::chrono::milliseconds> tryAcquire(const QString &key);
    // Forgets the newest event of `key`: an attempt counted up front that turned out fine.
    void release(const QString &key);
    void reset(const QString &key);

    [[nodiscard]] int limit() const { return m_limit; }
    [[nodiscard]] std::chrono::milliseconds window() const { return m_window; }
    [[nodiscard]] qsizetype trackedKeys() const { return m_events.size(); }

private:
    [[nodiscard]] qint64 nowMs() const;
    void prune(std::deque<qint64> &events, qint64 now) const;
    void sweep(qint64 now);

    int m_limit;
    std::chrono::milliseconds m_window;
    Clock m_clock;
    QHash<QString, std::deque<qint64>> m_events;
    qint64 m_lastSweep = 0;
};

} // namespace clera
