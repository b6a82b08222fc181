#pragma once

#include <QObject>
#include <QPointer>
#include <QSocketNotifier>

struct redisAsyncContext;

namespace clera {

// Drives one hiredis asynchronous context from the Qt event loop with two socket notifiers. (hiredis's
// own adapters/qt.h connects the Qt 5 activated(int) signal, which Qt 6 no longer has.)
class RedisEvents : public QObject
{
    Q_OBJECT
public:
    explicit RedisEvents(redisAsyncContext *context, QObject *parent = nullptr);
    ~RedisEvents() override;

private:
    static constexpr int kReadRoundsPerWakeUp = 64; // × hiredis's 16 KiB reads

    static void addRead(void *self);
    static void delRead(void *self);
    static void addWrite(void *self);
    static void delWrite(void *self);
    static void cleanup(void *self);
    void drop(QPointer<QSocketNotifier> &notifier);

    redisAsyncContext *m_context;
    QPointer<QSocketNotifier> m_read;
    QPointer<QSocketNotifier> m_write;
};

} // namespace clera
