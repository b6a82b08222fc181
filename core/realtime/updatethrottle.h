#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <queue>
#include <vector>

namespace clera {

// At most one update per account per interval, coalesced, and the latest value always delivered:
// an account marked dirty is released at once if its last release is at least `interval` ago,
// otherwise when the interval has passed. Releases are batched per event-loop turn.
class UpdateThrottle : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic

    explicit UpdateThrottle(std::chrono::milliseconds interval, QObject *parent = nullptr, Clock clock = {});

    void markDirty(int account);
    void forget(int account);
    [[nodiscard]] std::chrono::milliseconds interval() const { return m_interval; }
    // Releases whatever is due now (the timers call this; tests may too).
    void releaseDue();

Q_SIGNALS:
    void released(const QList<int> &accounts);

private:
    enum : quint8 { Idle = 0, Pending = 1 };
    // An account index can be forgotten and reused; entries queued for an earlier use carry an older
    // generation and are skipped.
    struct Slot
    {
        qint64 lastRelease = std::numeric_limits<qint64>::min() / 2;
        quint32 generation = 0;
        quint8 state = Idle;
    };
    struct Due
    {
        qint64 at;
        int account;
        quint32 generation;
        friend bool operator>(const Due &a, const Due &b) { return a.at > b.at; }
    };

    void schedule();
    void releaseTurn();

    std::chrono::milliseconds m_interval;
    Clock m_clock;
    std::vector<Slot> m_slots;
    std::vector<Due> m_ready;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> m_waiting;
    // The end of this event-loop turn: one queued call, not a zero-delay QTimer started and stopped per
    // turn (registering a timer was 3 % of the server at full scale).
    bool m_turnQueued = false;
    QTimer m_timer;       // the earliest waiting account
    qint64 m_timerAt = 0; // when m_timer fires, while it is active (so a later due time needs no look at it)
};

} // namespace clera
