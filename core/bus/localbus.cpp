#include "localbus.h"

#include <QTimer>

namespace clera {

LocalBus::LocalBus(QObject *parent) : Bus(parent)
{
    m_clock.start();
}

void LocalBus::publish(const QByteArray &channel, const QByteArray &payload)
{
    QTimer::singleShot(0, this, [this, channel, payload] {
        if (m_channels.contains(channel))
            Q_EMIT message(channel, payload);
    });
}

void LocalBus::setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl)
{
    m_values.insert(key, Entry{value, ttl.count() > 0 ? m_clock.elapsed() + ttl.count() : 0});
}

std::optional<QByteArray> LocalBus::live(const QByteArray &key)
{
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        return std::nullopt;
    if (it->expiresAt != 0 && it->expiresAt <= m_clock.elapsed()) {
        m_values.remove(key);
        return std::nullopt;
    }
    return it->value;
}

QFuture<Expected<std::optional<QByteArray>, QString>> LocalBus::value(const QByteArray &key)
{
    return QtFuture::makeReadyFuture(Expected<std::optional<QByteArray>, QString>(live(key)));
}

QFuture<BusResult<QList<std::optional<QByteArray>>>> LocalBus::values(const QList<QByteArray> &keys)
{
    QList<std::optional<QByteArray>> out;
    out.reserve(keys.size());
    for (const QByteArray &key : keys)
        out.append(live(key));
    return QtFuture::makeReadyFuture(BusResult<QList<std::optional<QByteArray>>>(std::move(out)));
}

QFuture<BusResult<bool>> LocalBus::setIfAbsent(const QByteArray &key, const QByteArray &value,
                                               std::chrono::milliseconds ttl)
{
    if (live(key))
        return QtFuture::makeReadyFuture(BusResult<bool>(false));
    setValue(key, value, ttl);
    return QtFuture::makeReadyFuture(BusResult<bool>(true));
}

QFuture<BusResult<bool>> LocalBus::expireIfEquals(const QByteArray &key, const QByteArray &value,
                                                  std::chrono::milliseconds ttl)
{
    if (live(key) != value)
        return QtFuture::makeReadyFuture(BusResult<bool>(false));
    setValue(key, value, ttl);
    return QtFuture::makeReadyFuture(BusResult<bool>(true));
}

QFuture<BusResult<bool>> LocalBus::removeIfEquals(const QByteArray &key, const QByteArray &value)
{
    if (live(key) != value)
        return QtFuture::makeReadyFuture(BusResult<bool>(false));
    m_values.remove(key);
    return QtFuture::makeReadyFuture(BusResult<bool>(true));
}

void LocalBus::addMembers(const QByteArray &key, const QList<QByteArray> &members)
{
    QSet<QByteArray> &set = m_sets[key];
    for (const QByteArray &m : members)
        set.insert(m);
}

void LocalBus::removeMembers(const QByteArray &key, const QList<QByteArray> &members)
{
    const auto it = m_sets.find(key);
    if (it == m_sets.end())
        return;
    for (const QByteArray &m : members)
        it->remove(m);
    if (it->isEmpty())
        m_sets.erase(it);
}

QFuture<BusResult<QList<QByteArray>>> LocalBus::members(const QByteArray &key)
{
    const QSet<QByteArray> set = m_sets.value(key);
    return QtFuture::makeReadyFuture(BusResult<QList<QByteArray>>(set.values()));
}

} // namespace clera
