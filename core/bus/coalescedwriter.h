#pragma once

#include "core/bus/bus.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace clera {

// Writes "latest value" keys (price:<SYM>, value:<id>) at most once per key per interval: each write
// replaces the pending value of its key, and a timer writes what is pending. The keys are a cache for
// late readers (a calculator that starts, the api role); every change still goes out on its channel at
// once. A key is at most one interval behind and always ends at its latest value, while a busy key
// costs Redis one SET per interval instead of one per change — at 50,000 ticks/s over 2,000 symbols
// that is 8,000 SETs/s instead of 50,000, which a shared Redis (and its answers to the leader lock)
// can keep up with. An interval of 0 writes every value at once.
class CoalescedWriter : public QObject
{
public:
    CoalescedWriter(Bus *bus, std::chrono::milliseconds interval, QObject *parent = nullptr);

    void set(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl);
    // Forgets the key's pending value (before the caller deletes the key).
    void drop(const QByteArray &key) { m_pending.remove(key); }
    // Writes everything pending now.
    void flush();
    // Forgets what is pending (the writer no longer owns the keys, e.g. a market-data leader that stepped down).
    void discard();
    [[nodiscard]] qsizetype pending() const { return m_pending.size(); }

private:
    struct Entry
    {
        QByteArray value;
        std::chrono::milliseconds ttl;
    };
    Bus *m_bus;
    std::chrono::milliseconds m_interval;
    QHash<QByteArray, Entry> m_pending;
    QTimer m_timer;
};

} // namespace clera
