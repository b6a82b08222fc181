#include "redisevents.h"

#include <hiredis/async.h>

#include <sys/ioctl.h>

namespace clera {

RedisEvents::RedisEvents(redisAsyncContext *context, QObject *parent) : QObject(parent), m_context(context)
{
    m_context->ev.data = this;
    m_context->ev.addRead = &RedisEvents::addRead;
    m_context->ev.delRead = &RedisEvents::delRead;
    m_context->ev.addWrite = &RedisEvents::addWrite;
    m_context->ev.delWrite = &RedisEvents::delWrite;
    m_context->ev.cleanup = &RedisEvents::cleanup;
}

RedisEvents::~RedisEvents()
{
    drop(m_read);
    drop(m_write);
}

void RedisEvents::drop(QPointer<QSocketNotifier> &notifier)
{
    // hiredis may call this from inside the notifier's own activation: disable now, delete later.
    if (notifier) {
        notifier->setEnabled(false);
        notifier->deleteLater();
    }
    notifier.clear();
}

void RedisEvents::addRead(void *self)
{
    auto *e = static_cast<RedisEvents *>(self);
    if (e->m_read)
        return;
    e->m_read = new QSocketNotifier(e->m_context->c.fd, QSocketNotifier::Read, e);
    connect(e->m_read, &QSocketNotifier::activated, e, [e] {
        // hiredis reads at most 16 KiB per call. A subscriber that got one read per wake-up fell behind a
        // busy publisher (a websocket instance flushing thousands of clients per event-loop turn) until
        // Redis closed it for its output buffer (32 MiB): read on while the socket has data, up to 1 MiB.
        const QPointer<RedisEvents> alive(e);
        const int fd = e->m_context->c.fd;
        for (int round = 0; round < kReadRoundsPerWakeUp; ++round) {
            redisAsyncHandleRead(e->m_context);
            if (!alive || !e->m_read)
                return; // disconnected (and possibly freed) inside the call
            int pending = 0;
            if (::ioctl(fd, FIONREAD, &pending) != 0 || pending <= 0)
                return;
        }
    });
}

void RedisEvents::delRead(void *self)
{
    auto *e = static_cast<RedisEvents *>(self);
    e->drop(e->m_read);
}

void RedisEvents::addWrite(void *self)
{
    auto *e = static_cast<RedisEvents *>(self);
    if (e->m_write)
        return;
    e->m_write = new QSocketNotifier(e->m_context->c.fd, QSocketNotifier::Write, e);
    connect(e->m_write, &QSocketNotifier::activated, e, [e] { redisAsyncHandleWrite(e->m_context); });
}

void RedisEvents::delWrite(void *self)
{
    auto *e = static_cast<RedisEvents *>(self);
    e->drop(e->m_write);
}

void RedisEvents::cleanup(void *self)
{
    auto *e = static_cast<RedisEvents *>(self);
    e->drop(e->m_read);
    e->drop(e->m_write);
}

} // namespace clera
