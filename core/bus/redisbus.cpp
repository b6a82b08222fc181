#include "redisbus.h"

#include "redisevents.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <functional>
#include <vector>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcBus, "clera.bus")

namespace clera {

using ValueResult = Expected<std::optional<QByteArray>, QString>;

namespace {

// Only the holder (the key still holds its value) may extend or release a lock.
constexpr char kExpireIfEquals[] = "if redis.call('get', KEYS[1]) == ARGV[1] then return "
                                   "redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
constexpr char kRemoveIfEquals[] =
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

QString replyError(const redisReply *reply)
{
    if (!reply)
        return u"the Redis connection closed before it answered"_s;
    if (reply->type == REDIS_REPLY_ERROR)
        return u"Redis: "_s + QString::fromUtf8(reply->str, int(reply->len));
    return u"Redis answered with an unexpected reply type %1"_s.arg(reply->type);
}

QByteArray bytes(const redisReply *reply)
{
    return QByteArray(reply->str, qsizetype(reply->len));
}

int argv(const QList<QByteArray> &args, std::vector<const char *> &pointers, std::vector<size_t> &lengths)
{
    pointers.clear();
    lengths.clear();
    for (const QByteArray &a : args) {
        pointers.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    return int(args.size());
}

// A command whose reply finishes a promise; `decode` turns a reply (never null, never an error) into
// the result or an error. A connection that closes first answers every pending command with no reply.
template <typename T> struct Request
{
    QPromise<BusResult<T>> promise;
    std::function<BusResult<T>(const redisReply &)> decode;

    static void onReply(redisAsyncContext *, void *replyPtr, void *privdata)
    {
        std::unique_ptr<Request> request(static_cast<Request *>(privdata));
        const auto *reply = static_cast<const redisReply *>(replyPtr);
        if (!reply || reply->type == REDIS_REPLY_ERROR)
            request->promise.addResult(BusResult<T>(unexpected(replyError(reply))));
        else
            request->promise.addResult(request->decode(*reply));
        request->promise.finish();
    }
};

template <typename T>
QFuture<BusResult<T>> ask(redisAsyncContext *context, const QString &notConnected,
                          const QList<QByteArray> &args,
                          std::function<BusResult<T>(const redisReply &)> decode)
{
    if (!context)
        return QtFuture::makeReadyFuture(BusResult<T>(unexpected(notConnected)));
    auto request = std::make_unique<Request<T>>();
    request->decode = std::move(decode);
    request->promise.start();
    QFuture<BusResult<T>> future = request->promise.future();
    std::vector<const char *> pointers;
    std::vector<size_t> lengths;
    const int argc = argv(args, pointers, lengths);
    if (redisAsyncCommandArgv(context, &Request<T>::onReply, request.get(), argc, pointers.data(),
                              lengths.data()) == REDIS_OK)
        request.release(); // the callback owns it now
    else
        return QtFuture::makeReadyFuture(BusResult<T>(unexpected(u"Redis refused the command"_s)));
    return future;
}

BusResult<bool> integerIsOne(const redisReply &reply)
{
    if (reply.type != REDIS_REPLY_INTEGER)
        return unexpected(replyError(&reply));
    return reply.integer == 1;
}

QByteArray millis(std::chrono::milliseconds ttl)
{
    return QByteArray::number(qint64(std::max<qint64>(1, ttl.count())));
}

} // namespace

struct RedisBus::Link
{
    RedisBus *bus = nullptr;
    bool subscriber = false;
    redisAsyncContext *context = nullptr; // null once hiredis has freed it
    std::unique_ptr<RedisEvents> events;
    int loginSteps = 0;
    bool ready = false;
    bool freeing = false;

    ~Link()
    {
        if (context) {
            freeing = true;
            redisAsyncFree(context); // answers pending callbacks with no reply
            context = nullptr;
        }
    }
};

Expected<RedisOptions, QString> RedisOptions::fromUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return unexpected(u"REDIS_URL is not a URL"_s);
    RedisOptions o;
    const QUrlQuery query(url);
    bool ok = true;
    if (url.scheme() == u"redis") {
        if (url.host().isEmpty())
            return unexpected(u"REDIS_URL needs a host: redis://[:password@]host[:port][/db]"_s);
        o.host = url.host();
        o.port = quint16(url.port(6379));
        const QString path = url.path().mid(1);
        if (!path.isEmpty())
            o.db = path.toInt(&ok);
    } else if (url.scheme() == u"unix") {
        if (url.path().isEmpty())
            return unexpected(u"REDIS_URL needs a socket path: unix:///path/to/redis.sock[?db=N]"_s);
        o.unixSocket = url.path();
        if (query.hasQueryItem(u"db"_s))
            o.db = query.queryItemValue(u"db"_s).toInt(&ok);
    } else {
        return unexpected(u"REDIS_URL must start with redis:// or unix://"_s);
    }
    if (!ok || o.db < 0 || o.db > 15)
        return unexpected(u"REDIS_URL database must be a number from 0 to 15"_s);
    o.password = url.password(QUrl::FullyDecoded);
    if (o.password.isEmpty() && query.hasQueryItem(u"password"_s))
        o.password = query.queryItemValue(u"password"_s, QUrl::FullyDecoded);
    return o;
}

QString RedisOptions::describe() const
{
    const QString where = unixSocket.isEmpty() ? u"%1:%2"_s.arg(host).arg(port) : unixSocket;
    return u"redis %1 db %2%3"_s.arg(where).arg(db).arg(password.isEmpty() ? QString()
                                                                           : u" (password set)"_s);
}

RedisBus::RedisBus(RedisOptions options, QObject *parent) : Bus(parent), m_options(std::move(options))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] {
        m_command.reset();
        m_subscriber.reset();
        connectAll();
    });
}

RedisBus::~RedisBus()
{
    m_closing = true;
    m_reconnect.stop();
    // Hand what is still buffered (a lock release on shutdown, the last values) to the socket first.
    if (redisAsyncContext *context = commandContext()) {
        int done = 0;
        for (int i = 0; i < 100 && !done; ++i) {
            if (redisBufferWrite(&context->c, &done) == REDIS_ERR)
                break;
        }
    }
    m_command.reset();
    m_subscriber.reset();
}

void RedisBus::start()
{
    if (m_started)
        return;
    m_started = true;
    connectAll();
}

void RedisBus::setStatus(Status status, const QString &message)
{
    const bool changed = status != m_status;
    m_status = status;
    m_statusMessage = message;
    if (changed) {
        qCInfo(lcBus).noquote() << u"bus %1"_s.arg(message);
        Q_EMIT statusChanged(status);
    }
}

void RedisBus::connectAll()
{
    setStatus(Status::Connecting, u"connecting to "_s + m_options.describe());
    m_command = openLink(false);
    if (m_command)
        m_subscriber = openLink(true);
}

std::unique_ptr<RedisBus::Link> RedisBus::openLink(bool subscriber)
{
    const QByteArray where =
        (m_options.unixSocket.isEmpty() ? m_options.host : m_options.unixSocket).toLocal8Bit();
    redisAsyncContext *context = m_options.unixSocket.isEmpty()
                                     ? redisAsyncConnect(where.constData(), m_options.port)
                                     : redisAsyncConnectUnix(where.constData());
    if (!context || context->err) {
        const QString error = context ? QString::fromLocal8Bit(context->errstr) : u"out of memory"_s;
        if (context)
            redisAsyncFree(context);
        scheduleReconnect(u"cannot connect to %1: %2"_s.arg(m_options.describe(), error));
        return nullptr;
    }
    auto link = std::make_unique<Link>();
    link->bus = this;
    link->subscriber = subscriber;
    link->context = context;
    link->events = std::make_unique<RedisEvents>(context);
    context->data = link.get();
    redisAsyncSetConnectCallback(context, &RedisBus::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisBus::onDisconnect);

    // hiredis queues these until the connection is up; PING last, so its answer means "logged in".
    if (!m_options.password.isEmpty()) {
        const QByteArray password = m_options.password.toUtf8();
        redisAsyncCommand(context, &RedisBus::onLogin, link.get(), "AUTH %b", password.constData(),
                          size_t(password.size()));
        ++link->loginSteps;
    }
    if (m_options.db != 0) {
        redisAsyncCommand(context, &RedisBus::onLogin, link.get(), "SELECT %d", m_options.db);
        ++link->loginSteps;
    }
    redisAsyncCommand(context, &RedisBus::onLogin, link.get(), "PING");
    ++link->loginSteps;
    return link;
}

void RedisBus::scheduleReconnect(const QString &reason)
{
    if (m_closing)
        return;
    if (!m_reconnect.isActive()) {
        const qint64 base = std::min<qint64>(m_options.reconnectMax.count(), m_options.reconnectMin.count()
                                                                                 << std::min(m_attempt, 16));
        const qint64 delay = base / 2 + qint64(QRandomGenerator::global()->bounded(quint32(base / 2 + 1)));
        ++m_attempt;
        m_reconnect.start(int(delay));
    }
    const double seconds = m_reconnect.remainingTime() / 1000.0;
    setStatus(Status::Disconnected, u"%1; retrying in %2 s"_s.arg(reason).arg(seconds, 0, 'f', 1));
    qCWarning(lcBus).noquote() << m_statusMessage;
}

void RedisBus::onConnect(const redisAsyncContext *context, int status)
{
    auto *link = static_cast<Link *>(context->data);
    if (status != REDIS_OK) {
        link->context = nullptr; // hiredis frees a context whose connect failed
        link->bus->scheduleReconnect(u"cannot connect to %1: %2"_s.arg(
            link->bus->m_options.describe(), QString::fromLocal8Bit(context->errstr)));
    }
}

void RedisBus::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *link = static_cast<Link *>(context->data);
    link->context = nullptr;
    link->ready = false;
    if (link->freeing)
        return;
    link->bus->scheduleReconnect(status == REDIS_OK
                                     ? u"disconnected"_s
                                     : u"connection lost: "_s + QString::fromLocal8Bit(context->errstr));
}

void RedisBus::onLogin(redisAsyncContext *, void *replyPtr, void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    const auto *reply = static_cast<const redisReply *>(replyPtr);
    if (!reply || link->freeing)
        return; // the connection went away; onDisconnect handles it
    if (reply->type == REDIS_REPLY_ERROR) {
        link->bus->scheduleReconnect(u"Redis refused the login: "_s +
                                     QString::fromUtf8(reply->str, int(reply->len)));
        return;
    }
    if (--link->loginSteps == 0)
        link->bus->linkReady(link);
}

void RedisBus::linkReady(Link *link)
{
    link->ready = true;
    if (link->subscriber && !m_channels.isEmpty()) {
        std::vector<const char *> argv{"SUBSCRIBE"};
        std::vector<size_t> lengths{9};
        const QList<QByteArray> channels = m_channels.values();
        for (const QByteArray &c : channels) {
            argv.push_back(c.constData());
            lengths.push_back(size_t(c.size()));
        }
        redisAsyncCommandArgv(link->context, &RedisBus::onSubscriberReply, link, int(argv.size()),
                              argv.data(), lengths.data());
    }
    if (m_command && m_command->ready && m_subscriber && m_subscriber->ready) {
        m_attempt = 0;
        setStatus(Status::Connected, u"connected to "_s + m_options.describe());
    }
}

void RedisBus::onSubscriberReply(redisAsyncContext *, void *replyPtr, void *privdata)
{
    auto *link = static_cast<Link *>(privdata);
    const auto *reply = static_cast<const redisReply *>(replyPtr);
    if (!reply || link->freeing || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return;
    const redisReply *kind = reply->element[0];
    if (kind->type == REDIS_REPLY_STRING && qstrncmp(kind->str, "message", kind->len) == 0 &&
        kind->len == 7) {
        const redisReply *channel = reply->element[1];
        const redisReply *payload = reply->element[2];
        Q_EMIT link->bus->message(QByteArray(channel->str, qsizetype(channel->len)),
                                  QByteArray(payload->str, qsizetype(payload->len)));
    }
}

void RedisBus::publish(const QByteArray &channel, const QByteArray &payload)
{
    if (!m_command || !m_command->ready) {
        countDropped();
        return;
    }
    redisAsyncCommand(m_command->context, nullptr, nullptr, "PUBLISH %b %b", channel.constData(),
                      size_t(channel.size()), payload.constData(), size_t(payload.size()));
}

void RedisBus::subscribe(const QByteArray &channel)
{
    if (m_channels.contains(channel))
        return;
    m_channels.insert(channel);
    if (m_subscriber && m_subscriber->ready)
        redisAsyncCommand(m_subscriber->context, &RedisBus::onSubscriberReply, m_subscriber.get(),
                          "SUBSCRIBE %b", channel.constData(), size_t(channel.size()));
}

void RedisBus::unsubscribe(const QByteArray &channel)
{
    if (!m_channels.remove(channel))
        return;
    if (m_subscriber && m_subscriber->ready)
        redisAsyncCommand(m_subscriber->context, &RedisBus::onSubscriberReply, m_subscriber.get(),
                          "UNSUBSCRIBE %b", channel.constData(), size_t(channel.size()));
}

void RedisBus::setValue(const QByteArray &key, const QByteArray &value, std::chrono::milliseconds ttl)
{
    if (!m_command || !m_command->ready) {
        countDropped();
        return;
    }
    if (ttl.count() > 0)
        redisAsyncCommand(m_command->context, nullptr, nullptr, "SET %b %b PX %lld", key.constData(),
                          size_t(key.size()), value.constData(), size_t(value.size()),
                          static_cast<long long>(ttl.count()));
    else
        redisAsyncCommand(m_command->context, nullptr, nullptr, "SET %b %b", key.constData(),
                          size_t(key.size()), value.constData(), size_t(value.size()));
}

QFuture<ValueResult> RedisBus::value(const QByteArray &key)
{
    if (!m_command || !m_command->ready)
        return QtFuture::makeReadyFuture(
            ValueResult(unexpected(u"Redis is not connected: "_s + m_statusMessage)));
    auto *promise = new QPromise<ValueResult>();
    promise->start();
    QFuture<ValueResult> future = promise->future();
    redisAsyncCommand(m_command->context, &RedisBus::onGet, promise, "GET %b", key.constData(),
                      size_t(key.size()));
    return future;
}

redisAsyncContext *RedisBus::commandContext() const
{
    return m_command && m_command->ready ? m_command->context : nullptr;
}

QString RedisBus::notConnected() const
{
    return u"Redis is not connected: "_s + m_statusMessage;
}

void RedisBus::send(const QList<QByteArray> &args)
{
    redisAsyncContext *context = commandContext();
    if (!context) {
        countDropped();
        return;
    }
    std::vector<const char *> pointers;
    std::vector<size_t> lengths;
    const int argc = argv(args, pointers, lengths);
    redisAsyncCommandArgv(context, nullptr, nullptr, argc, pointers.data(), lengths.data());
}

QFuture<BusResult<QList<std::optional<QByteArray>>>> RedisBus::values(const QList<QByteArray> &keys)
{
    using Values = QList<std::optional<QByteArray>>;
    if (keys.isEmpty())
        return QtFuture::makeReadyFuture(BusResult<Values>(Values()));
    QList<QByteArray> args{QByteArrayLiteral("MGET")};
    args += keys;
    return ask<Values>(commandContext(), notConnected(), args,
                       [](const redisReply &reply) -> BusResult<Values> {
                           if (reply.type != REDIS_REPLY_ARRAY)
                               return unexpected(replyError(&reply));
                           Values out;
                           out.reserve(qsizetype(reply.elements));
                           for (size_t i = 0; i < reply.elements; ++i) {
                               const redisReply *e = reply.element[i];
                               out.append(e->type == REDIS_REPLY_STRING ? std::optional<QByteArray>(bytes(e))
                                                                        : std::nullopt);
                           }
                           return out;
                       });
}

void RedisBus::remove(const QByteArray &key)
{
    send({QByteArrayLiteral("DEL"), key});
}

QFuture<BusResult<bool>> RedisBus::setIfAbsent(const QByteArray &key, const QByteArray &value,
                                               std::chrono::milliseconds ttl)
{
    return ask<bool>(
        commandContext(), notConnected(),
        {QByteArrayLiteral("SET"), key, value, QByteArrayLiteral("NX"), QByteArrayLiteral("PX"), millis(ttl)},
        [](const redisReply &reply) -> BusResult<bool> {
            if (reply.type == REDIS_REPLY_NIL)
                return false;
            if (reply.type == REDIS_REPLY_STATUS)
                return true;
            return unexpected(replyError(&reply));
        });
}

QFuture<BusResult<bool>> RedisBus::expireIfEquals(const QByteArray &key, const QByteArray &value,
                                                  std::chrono::milliseconds ttl)
{
    return ask<bool>(commandContext(), notConnected(),
                     {QByteArrayLiteral("EVAL"), QByteArray(kExpireIfEquals), QByteArrayLiteral("1"), key,
                      value, millis(ttl)},
                     &integerIsOne);
}

QFuture<BusResult<bool>> RedisBus::removeIfEquals(const QByteArray &key, const QByteArray &value)
{
    return ask<bool>(
        commandContext(), notConnected(),
        {QByteArrayLiteral("EVAL"), QByteArray(kRemoveIfEquals), QByteArrayLiteral("1"), key, value},
        &integerIsOne);
}

void RedisBus::addMembers(const QByteArray &key, const QList<QByteArray> &members)
{
    if (members.isEmpty())
        return;
    QList<QByteArray> args{QByteArrayLiteral("SADD"), key};
    args += members;
    send(args);
}

void RedisBus::removeMembers(const QByteArray &key, const QList<QByteArray> &members)
{
    if (members.isEmpty())
        return;
    QList<QByteArray> args{QByteArrayLiteral("SREM"), key};
    args += members;
    send(args);
}

QFuture<BusResult<QList<QByteArray>>> RedisBus::members(const QByteArray &key)
{
    using Members = QList<QByteArray>;
    return ask<Members>(commandContext(), notConnected(), {QByteArrayLiteral("SMEMBERS"), key},
                        [](const redisReply &reply) -> BusResult<Members> {
                            if (reply.type != REDIS_REPLY_ARRAY)
                                return unexpected(replyError(&reply));
                            Members out;
                            out.reserve(qsizetype(reply.elements));
                            for (size_t i = 0; i < reply.elements; ++i)
                                out.append(bytes(reply.element[i]));
                            return out;
                        });
}

void RedisBus::onGet(redisAsyncContext *, void *replyPtr, void *privdata)
{
    std::unique_ptr<QPromise<ValueResult>> promise(static_cast<QPromise<ValueResult> *>(privdata));
    const auto *reply = static_cast<const redisReply *>(replyPtr);
    if (!reply)
        promise->addResult(ValueResult(unexpected(u"the Redis connection closed before it answered"_s)));
    else if (reply->type == REDIS_REPLY_NIL)
        promise->addResult(ValueResult(std::nullopt));
    else if (reply->type == REDIS_REPLY_STRING)
        promise->addResult(
            ValueResult(std::optional<QByteArray>(QByteArray(reply->str, qsizetype(reply->len)))));
    else
        promise->addResult(
            ValueResult(unexpected(u"Redis: "_s + QString::fromUtf8(reply->str, int(reply->len)))));
    promise->finish();
}

} // namespace clera
