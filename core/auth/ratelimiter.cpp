#include "ratelimiter.h"

namespace clera {

RateLimiter::RateLimiter(int limit, std::chrono::milliseconds window, Clock clock)
    : m_limit(qMax(1, limit)), m_window(window), m_clock(std::move(clock))
{}

qint64 RateLimiter::nowMs() const
{
    return m_clock().toMSecsSinceEpoch();
}

void RateLimiter::prune(std::deque<qint64> &events, qint64 now) const
{
    while (!events.empty() && events.front() <= now - m_window.count())
        events.pop_front();
}

// Forgets idle keys once per window so memory stays bounded by the keys active in one window.
void RateLimiter::sweep(qint64 now)
{
    if (now - m_lastSweep < m_window.count())
        return;
    m_lastSweep = now;
    for (auto it = m_events.begin(); it != m_events.end();) {
        prune(it.value(), now);
        it = it.value().empty() ? m_events.erase(it) : std::next(it);
    }
}

std::optional<std::chrono::milliseconds> RateLimiter::retryAfter(const QString &key)
{
    const qint64 now = nowMs();
    sweep(now);
    auto it = m_events.find(key);
    if (it == m_events.end())
        return std::nullopt;
    prune(it.value(), now);
    if (qsizetype(it.value().size()) < m_limit)
        return std::nullopt;
    const qint64 freeAt = it.value()[it.value().size() - size_t(m_limit)] + m_window.count();
    return std::chrono::milliseconds(qMax<qint64>(1, freeAt - now));
}

void RateLimiter::record(const QString &key)
{
    const qint64 now = nowMs();
    auto &events = m_events[key];
    prune(events, now);
    events.push_back(now);
    while (qsizetype(events.size()) > m_limit)
        events.pop_front();
}

std::optional<std::chrono::milliseconds> RateLimiter::tryAcquire(const QString &key)
{
    if (auto wait = retryAfter(key))
        return wait;
    record(key);
    return std::nullopt;
}

void RateLimiter::release(const QString &key)
{
    auto it = m_events.find(key);
    if (it == m_events.end())
        return;
    if (!it.value().empty())
        it.value().pop_back();
    if (it.value().empty())
        m_events.erase(it);
}

void RateLimiter::reset(const QString &key)
{
    m_events.remove(key);
}

} // namespace clera
