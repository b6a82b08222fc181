#pragma once

#include "core/bus/bus.h"

#include <QSet>
#include <QTimer>

#include <memory>

struct redisAsyncContext;

namespace clera {

class RedisEvents;

// Where Redis is and how to log in. From REDIS_URL (redis://[:password@]host[:port][/db],
// unix:///path/to/redis.sock[?db=N]) or REDIS_HOST / REDIS_PORT / REDIS_DB.
struct RedisOptions
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QString unixSocket; // used instead of host:port when set
    int db = 0;
    QString password;
    std::chrono::milliseconds reconnectMin{100};
    std::chrono::milliseconds reconnectMax{5000};

    [[nodiscard]] static Expected<RedisOptions, QString> fromUrl(const QString &url);
    // Where, without the password.
    [[nodiscard]] QString describe() const;
};

// The bus over Redis with hiredis on the Qt event loop (asynchronous: nothing blocks the loop). One
// connection for commands, one for subscriptions. When Redis goes away the bus reports Disconnected,
// reconnects with exponential backoff and jitter, logs in, selects the database and subscribes again
// to every channel; what is published meanwhile is dropped and counted.
class RedisBus : public Bus
{
    Q_OBJECT
public:
    explicit RedisBus(RedisOptions options, QObject *parent = nullptr);
    ~RedisBus() override;

    // Connects (and keeps reconnecting); status follows.
    void start();

    [[nodiscard]] QString name() const override { return QStringLiteral("redis"); }
    [[nodiscard]] Status status() const override { return m_status; }
    [[nodiscard]] QString statusMessage() const override { return m_statusMessage; }

    void publish(const QByteArray &channel, const QByteArray &payload) override;
    void subscribe(const QByteArray &channel) override;
    void unsubscribe(const QByteArray &channel) override;
    void setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl) override;
    [[nodiscard]] QFuture<Expected<std::optional<QByteArray>, QString>> value(const QByteArray &key) override;
    [[nodiscard]] QFuture<BusResult<QList<std::optional<QByteArray>>>>
    values(const QList<QByteArray> &keys) override;
    void remove(const QByteArray &key) override;
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
    struct Link; // one hiredis connection and its event adapter

    void connectAll();
    void teardown(const QString &reason);
    void scheduleReconnect(const QString &reason);
    void setStatus(Status status, const QString &message);
    void linkReady(Link *link);
    [[nodiscard]] std::unique_ptr<Link> openLink(bool subscriber);
    // The command connection when it is logged in, else null.
    [[nodiscard]] redisAsyncContext *commandContext() const;
    // A command whose answer nobody waits for; dropped (and counted) while disconnected.
    void send(const QList<QByteArray> &argv);
    [[nodiscard]] QString notConnected() const;

    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onLogin(redisAsyncContext *context, void *reply, void *privdata);
    static void onSubscriberReply(redisAsyncContext *context, void *reply, void *privdata);
    static void onGet(redisAsyncContext *context, void *reply, void *privdata);

    RedisOptions m_options;
    std::unique_ptr<Link> m_command;
    std::unique_ptr<Link> m_subscriber;
    QSet<QByteArray> m_channels;
    Status m_status = Status::Disconnected;
    QString m_statusMessage = QStringLiteral("not started");
    QTimer m_reconnect;
    int m_attempt = 0;
    bool m_started = false;
    bool m_closing = false;
};

} // namespace clera
