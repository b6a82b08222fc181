#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QFuture>
#include <QObject>

#include <chrono>
#include <optional>

namespace clera {

// Messages and a small key-value cache between the services: LocalBus inside one process, RedisBus
// between processes and machines. Delivery is at most once: what is published while the bus is down
// is dropped and counted (prices and portfolio values are superseded by the next ones anyway, and
// the calculator's full recalculation heals what a gap leaves).
class Bus : public QObject
{
    Q_OBJECT
public:
    enum class Status { Connecting, Connected, Disconnected };
    Q_ENUM(Status)

    using QObject::QObject;
    ~Bus() override = default;

    [[nodiscard]] virtual QString name() const = 0; // "local", "redis"
    [[nodiscard]] virtual Status status() const = 0;
    [[nodiscard]] virtual QString statusMessage() const = 0;

    virtual void publish(const QByteArray &channel, const QByteArray &payload) = 0;
    // Subscriptions are sets and survive reconnects.
    virtual void subscribe(const QByteArray &channel) = 0;
    virtual void unsubscribe(const QByteArray &channel) = 0;

    // ttl 0: no expiry.
    virtual void setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl) = 0;
    // nullopt: no such key (or expired). An error when the bus cannot answer.
    [[nodiscard]] virtual QFuture<Expected<std::optional<QByteArray>, QString>> value(const QByteArray &key) = 0;

    [[nodiscard]] quint64 dropped() const { return m_dropped; }

Q_SIGNALS:
    void message(const QByteArray &channel, const QByteArray &payload);
    void statusChanged(clera::Bus::Status status);

protected:
    void countDropped() { ++m_dropped; }

private:
    quint64 m_dropped = 0;
};

} // namespace clera
