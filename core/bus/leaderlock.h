#pragma once

#include "core/bus/bus.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>

namespace clera {

// Leader election over a bus key with an expiry: SET key id NX PX period takes it, a compare-and-expire
// every period/3 keeps it, so only the holder renews. A standby retries every period/3 and takes over at
// most about period + period/3 after the leader stopped renewing (crashed, hung, cut off). A leader
// that cannot renew for a whole period steps down on its own, before another can hold the lock.
class LeaderLock : public QObject
{
    Q_OBJECT
public:
    LeaderLock(Bus *bus, QByteArray key, std::chrono::milliseconds period, QObject *parent = nullptr);

    void start();
    // Gives the lock up (compare-and-delete) and stops trying: for an orderly shutdown.
    void release();

    [[nodiscard]] bool isLeader() const { return m_leader; }
    [[nodiscard]] QByteArray id() const { return m_id; }
    [[nodiscard]] QByteArray key() const { return m_key; }
    [[nodiscard]] std::chrono::milliseconds period() const { return m_period; }

Q_SIGNALS:
    void leadershipChanged(bool leader);

private:
    void attempt();
    void setLeader(bool leader);

    Bus *m_bus;
    QByteArray m_key;
    QByteArray m_id; // unique per instance
    std::chrono::milliseconds m_period;
    QTimer m_timer;
    QElapsedTimer m_sinceRenewal; // started when the lock was last taken or renewed
    bool m_leader = false;
    bool m_inFlight = false;
};

} // namespace clera
