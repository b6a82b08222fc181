#include "updatethrottle.h"

#include <QElapsedTimer>

namespace clera {

UpdateThrottle::UpdateThrottle(std::chrono::milliseconds interval, QObject *parent, Clock clock)
    : QObject(parent), m_interval(interval), m_clock(std::move(clock))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] { return timer->elapsed(); };
    }
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &UpdateThrottle::releaseDue);
}

void UpdateThrottle::markDirty(int account)
{
    if (size_t(account) >= m_slots.size())
        m_slots.resize(size_t(account) + 1);
    Slot &slot = m_slots[size_t(account)];
    if (slot.state == Pending)
        return;
    slot.state = Pending;
    const qint64 due = slot.lastRelease + m_interval.count();
    if (due <= m_clock()) {
        m_ready.push_back({due, account, slot.generation});
        if (!m_turnQueued) {
            m_turnQueued = true;
            QMetaObject::invokeMethod(this, &UpdateThrottle::releaseTurn, Qt::QueuedConnection);
        }
    } else {
        m_waiting.push({due, account, slot.generation});
        schedule();
    }
}

void UpdateThrottle::forget(int account)
{
    if (size_t(account) < m_slots.size())
        m_slots[size_t(account)] = Slot{.generation = m_slots[size_t(account)].generation + 1};
}

void UpdateThrottle::releaseTurn()
{
    m_turnQueued = false;
    releaseDue();
}

void UpdateThrottle::releaseDue()
{
    const qint64 now = m_clock();
    while (!m_waiting.empty() && m_waiting.top().at <= now) {
        m_ready.push_back(m_waiting.top());
        m_waiting.pop();
    }
    QList<int> out;
    out.reserve(qsizetype(m_ready.size()));
    for (const Due &entry : m_ready) {
        Slot &slot = m_slots[size_t(entry.account)];
        if (slot.state != Pending || slot.generation != entry.generation) // forgotten meanwhile
            continue;
        slot.state = Idle;
        slot.lastRelease = now;
        out.append(entry.account);
    }
    m_ready.clear();
    schedule();
    if (!out.isEmpty())
        Q_EMIT released(out);
}

void UpdateThrottle::schedule()
{
    if (m_waiting.empty()) {
        if (m_timer.isActive())
            m_timer.stop();
        return;
    }
    // Most calls add an account due after the one the timer waits for already: nothing to do.
    const qint64 at = m_waiting.top().at;
    if (m_timer.isActive() && m_timerAt <= at)
        return;
    m_timerAt = at;
    m_timer.start(int(std::max<qint64>(0, at - m_clock())));
}

} // namespace clera
