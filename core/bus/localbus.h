#pragma once

#include "core/bus/bus.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>

namespace clera {

// The in-process bus of `--role all`: messages are delivered on the next event-loop turn, as they
// would be from Redis, so callers never see re-entrant delivery.
class LocalBus : public Bus
{
    Q_OBJECT
public:
    explicit LocalBus(QObject *parent = nullptr);

    [[nodiscard]] QString name() const override { return QStringLiteral("local"); }
    [[nodiscard]] Status status() const override { return Status::Connected; }
    [[nodiscard]] QString statusMessage() const override { return QStringLiteral("in-process"); }

    void publish(const QByteArray &channel, const QByteArray &payload) override;
    void subscribe(const QByteArray &channel) override { m_channels.insert(channel); }
    void unsubscribe(const QByteArray &channel) override { m_channels.remove(channel); }
    void setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl) override;
    [[nodiscard]] QFuture<Expected<std::optional<QByteArray>, QString>> value(const QByteArray &key) override;
    [[nodiscard]] QFuture<BusResult<QList<std::optional<QByteArray>>>>
    values(const QList<QByteArray> &keys) override;
    void remove(const QByteArray &key) override
    {
        m_values.remove(key);
        m_sets.remove(key);
    }
    [[nodiscard]] QFuture<BusResult<bool>> setIfAbsent(const QByteArray &key, const QByteArray &value,
                                                       std::chrono::milliseconds ttl) override;
    [[nodiscard]] QFuture<BusResult<bool>> expireIfEquals(const QByteArray &key, const QByteArray &value,
                                                          std::chrono::milliseconds ttl) override;
    [[nodiscard]] QFuture<BusResult<bool>> removeIfEquals(const QByteArray &key,
                                                          const QByteArray &value) override;
    void addMembers(const QByteArray &key, const QList<QByteArray> &members) override;
    void removeMembers(const QByteArray &key, const QList<QByteArray> &members) override;
    [[nodiscard]] QFuture<BusResult<QList<QByteArray>>> members(const QByteArray &key) override;

private:
    struct Entry
    {
        QByteArray value;
        qint64 expiresAt = 0; // ms on m_clock; 0 = never
    };

    // The live value of a key, or nullopt (an expired entry is removed).
    [[nodiscard]] std::optional<QByteArray> live(const QByteArray &key);

    QSet<QByteArray> m_channels;
    QHash<QByteArray, Entry> m_values;
    QHash<QByteArray, QSet<QByteArray>> m_sets;
    QElapsedTimer m_clock;
};

} // namespace clera
