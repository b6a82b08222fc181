#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QFuture>
#include <QList>
#include <QObject>

#include <chrono>
#include <optional>

namespace clera {

template <typename T> using BusResult = Expected<T, QString>;

// Messages and a small key-value cache between the services: LocalBus inside one process, RedisBus
// between processes and machines. Delivery is at most once: what is published or written while the
// bus is down is dropped and counted, and reads answer with an error (prices and portfolio values are
// superseded by the next ones anyway, and the roles resynchronise when the bus is back).
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

    // Writes are sent in order and pipelined (many in one event-loop turn share one write). ttl 0: no expiry.
    virtual void setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl) = 0;
    // nullopt: no such key (or expired). An error when the bus cannot answer.
    [[nodiscard]] virtual QFuture<Expected<std::optional<QByteArray>, QString>>
    value(const QByteArray &key) = 0;
    // Several keys in one round trip (MGET), in the order asked; nullopt for a missing key.
    [[nodiscard]] virtual QFuture<BusResult<QList<std::optional<QByteArray>>>>
    values(const QList<QByteArray> &keys) = 0;
    virtual void remove(const QByteArray &key) = 0;

    // A lock's primitives: set only when absent (true when set); extend the expiry, or delete, only when
    // the key still holds `value` (true when done) — so only the holder can renew or release it.
    [[nodiscard]] virtual QFuture<BusResult<bool>> setIfAbsent(const QByteArray &key, const QByteArray &value,
                                                               std::chrono::milliseconds ttl) = 0;
    [[nodiscard]] virtual QFuture<BusResult<bool>>
    expireIfEquals(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl) = 0;
    [[nodiscard]] virtual QFuture<BusResult<bool>> removeIfEquals(const QByteArray &key,
                                                                  const QByteArray &value) = 0;

    // Sets of members (no expiry).
    virtual void addMembers(const QByteArray &key, const QList<QByteArray> &members) = 0;
    virtual void removeMembers(const QByteArray &key, const QList<QByteArray> &members) = 0;
    [[nodiscard]] virtual QFuture<BusResult<QList<QByteArray>>> members(const QByteArray &key) = 0;

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
