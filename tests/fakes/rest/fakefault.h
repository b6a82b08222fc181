#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace clera::fake {

// A fault the fake REST server injects into the next `count` requests that match `pathContains` and
// `method` (empty: any).
struct FakeFault
{
    enum class Kind {
        Respond,          // answer `status` with `body` instead of processing the request
        Delay,            // process, then answer after `delayMs`
        DropAfterProcess, // process, then never answer (the client times out)
    };
    Kind kind = Kind::Respond;
    int status = 500;
    QJsonValue body;                // null: {"code": …, "message": …}; may be an array or any JSON
    QByteArray rawBody;             // non-empty: sent as text/html instead of `body` (a proxy's error page)
    int retryAfterSeconds = -1;     // ≥ 0: Retry-After header
    int rateLimitResetSeconds = -1; // ≥ 0: X-RateLimit-Reset = now + this
    int delayMs = 0;
    QString pathContains;
    QByteArray method;
    int count = 1;

    [[nodiscard]] static FakeFault rateLimited(int retryAfterSeconds, int count = 1)
    {
        FakeFault f;
        f.status = 429;
        f.retryAfterSeconds = retryAfterSeconds;
        f.count = count;
        return f;
    }
    [[nodiscard]] static FakeFault respond(int httpStatus, int count = 1)
    {
        FakeFault f;
        f.status = httpStatus;
        f.count = count;
        return f;
    }
    [[nodiscard]] static FakeFault delayed(int delayMs, int count = 1)
    {
        FakeFault f;
        f.kind = Kind::Delay;
        f.delayMs = delayMs;
        f.count = count;
        return f;
    }
    [[nodiscard]] static FakeFault dropAfterProcess(int count = 1)
    {
        FakeFault f;
        f.kind = Kind::DropAfterProcess;
        f.count = count;
        return f;
    }
    [[nodiscard]] FakeFault on(const QByteArray &m, const QString &path) const
    {
        FakeFault f = *this;
        f.method = m;
        f.pathContains = path;
        return f;
    }
};

} // namespace clera::fake
