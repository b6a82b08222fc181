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

QFuture<Expected<std::optional<QByteArray>, QString>> LocalBus::value(const QByteArray &key)
{
    using Result = Expected<std::optional<QByteArray>, QString>;
    const auto it = m_values.constFind(key);
    if (it == m_values.cend())
        return QtFuture::makeReadyFuture(Result(std::nullopt));
    if (it->expiresAt != 0 && it->expiresAt <= m_clock.elapsed()) {
        m_values.remove(key);
        return QtFuture::makeReadyFuture(Result(std::nullopt));
    }
    return QtFuture::makeReadyFuture(Result(std::optional<QByteArray>(it->value)));
}

} // namespace clera
