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

private:
    struct Entry
    {
        QByteArray value;
        qint64 expiresAt = 0; // ms on m_clock; 0 = never
    };

    QSet<QByteArray> m_channels;
    QHash<QByteArray, Entry> m_values;
    QElapsedTimer m_clock;
};

} // namespace clera
