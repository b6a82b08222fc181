#pragma once

// Small pieces shared by the realtime benchmark's files: process statistics from /proc, free ports, the
// monotonic clock and the probe clock that turns probe values back into send times.

#include "core/domain/decimal.h"

#include <QByteArray>
#include <QFile>
#include <QHostAddress>
#include <QString>
#include <QTcpServer>

#include <atomic>
#include <chrono>
#include <vector>

namespace clera::bench {

inline constexpr qint64 kMaxProbeSeq = 4'000'000;
inline const Decimal kProbeBase(100);

inline qint64 monotonicNanos()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct ProcStats
{
    qint64 cpuTicks = -1; // utime + stime, in clock ticks
    long rssKiB = -1;
};

inline ProcStats procStats(qint64 pid)
{
    ProcStats s;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the command name, which is in parentheses and may hold spaces.
        const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 13)
            s.cpuTicks = f.at(11).toLongLong() + f.at(12).toLongLong();
    }
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                s.rssKiB = line.mid(6).trimmed().split(' ').first().toLong();
        }
    }
    return s;
}

inline quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// The probe trade with sequence number seq is priced kProbeBase + seq × 0.0001.
inline Decimal probePrice(qint64 seq)
{
    return kProbeBase + Decimal::fromRaw(Decimal::Raw(seq) * (Decimal::kOne / 10000));
}

inline qint64 probeSeqOf(const Decimal &value)
{
    return qint64(((value - kProbeBase) * Decimal(10000)).raw() / Decimal::kOne);
}

// When each probe sequence number was written to the stream socket (generator thread writes, client
// threads read; 0 = not sent).
class ProbeClock
{
public:
    ProbeClock() : m_sent(size_t(kMaxProbeSeq)) {}
    void sent(qint64 seq, qint64 nanos) { m_sent[size_t(seq)].store(nanos, std::memory_order_release); }
    [[nodiscard]] qint64 sentAt(qint64 seq) const
    {
        return seq > 0 && seq < kMaxProbeSeq ? m_sent[size_t(seq)].load(std::memory_order_acquire) : 0;
    }

private:
    std::vector<std::atomic<qint64>> m_sent;
};

} // namespace clera::bench
