#include "coalescedwriter.h"

namespace clera {

CoalescedWriter::CoalescedWriter(Bus *bus, std::chrono::milliseconds interval, QObject *parent)
    : QObject(parent), m_bus(bus), m_interval(interval)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(m_interval);
    connect(&m_timer, &QTimer::timeout, this, &CoalescedWriter::flush);
}

void CoalescedWriter::set(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl)
{
    if (m_interval.count() <= 0) {
        m_bus->setValue(key, value, ttl);
        return;
    }
    m_pending.insert(key, Entry{value, ttl});
    if (!m_timer.isActive())
        m_timer.start();
}

void CoalescedWriter::flush()
{
    m_timer.stop();
    // Taken first: a write that re-enters set() goes into the next round.
    const QHash<QByteArray, Entry> pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
        m_bus->setValue(it.key(), it->value, it->ttl);
}

void CoalescedWriter::discard()
{
    m_timer.stop();
    m_pending.clear();
}

} // namespace clera
