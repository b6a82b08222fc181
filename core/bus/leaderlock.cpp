#include "leaderlock.h"

#include <QLoggingCategory>
#include <QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcBus)

namespace clera {

LeaderLock::LeaderLock(Bus *bus, QByteArray key, std::chrono::milliseconds period, QObject *parent)
    : QObject(parent), m_bus(bus), m_key(std::move(key)),
      m_id(QUuid::createUuid().toByteArray(QUuid::WithoutBraces)), m_period(period)
{
    m_timer.setInterval(std::max<qint64>(1, m_period.count() / 3));
    connect(&m_timer, &QTimer::timeout, this, &LeaderLock::attempt);
    // Back from an outage: try at once rather than at the next tick.
    connect(m_bus, &Bus::statusChanged, this, [this](Bus::Status status) {
        if (status == Bus::Status::Connected && m_timer.isActive())
            attempt();
    });
}

void LeaderLock::start()
{
    if (m_timer.isActive())
        return;
    m_timer.start();
    attempt();
}

void LeaderLock::release()
{
    m_timer.stop();
    if (!m_leader)
        return;
    (void)m_bus->removeIfEquals(m_key, m_id);
    setLeader(false);
}

void LeaderLock::attempt()
{
    // Checked before anything else: a renewal that never answers (a stalled Redis) must not keep us leading.
    if (m_leader && m_sinceRenewal.hasExpired(m_period.count())) {
        // Not renewed for a whole period: another instance may hold the lock by now.
        qCWarning(lcBus).noquote() << "leader lock" << m_key << "not renewed for a period; stepping down";
        setLeader(false);
    }
    if (m_inFlight)
        return;
    m_inFlight = true;
    const bool renewing = m_leader;
    // Started before the call: the expiry Redis sets counts from later than this.
    QElapsedTimer sent;
    sent.start();
    auto future =
        renewing ? m_bus->expireIfEquals(m_key, m_id, m_period) : m_bus->setIfAbsent(m_key, m_id, m_period);
    future.then(this, [this, renewing, sent](const BusResult<bool> &held) {
        m_inFlight = false;
        if (!m_timer.isActive())
            return; // released meanwhile
        if (!held)
            return; // bus trouble: keep trying; a leader steps down once a period has passed
        if (*held) {
            m_sinceRenewal = sent;
            setLeader(true);
        } else if (renewing) {
            qCWarning(lcBus).noquote() << "leader lock" << m_key << "lost";
            setLeader(false);
        }
    });
}

void LeaderLock::setLeader(bool leader)
{
    if (leader == m_leader)
        return;
    m_leader = leader;
    qCInfo(lcBus).noquote() << (leader ? "took the leader lock" : "no longer holds the leader lock") << m_key;
    Q_EMIT leadershipChanged(leader);
}

} // namespace clera
