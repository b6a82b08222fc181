#include "retrypolicy.h"

#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace clera {

std::optional<milliseconds> RetryPolicy::delayBefore(int nextAttempt, const ApiError &error,
                                                     bool idempotent) const
{
    if (nextAttempt > maxAttempts)
        return std::nullopt;
    if (error.kind == ApiError::Kind::Http && error.httpStatus == 429) {
        if (!error.retryAfter)
            return backoff(nextAttempt);
        if (*error.retryAfter > maxRetryAfter)
            return std::nullopt;
        return std::max(*error.retryAfter, milliseconds(0));
    }
    if (!idempotent || !error.isAmbiguous())
        return std::nullopt;
    return backoff(nextAttempt);
}

milliseconds RetryPolicy::backoff(int nextAttempt) const
{
    const int exponent = std::clamp(nextAttempt - 2, 0, 20);
    const qint64 base = std::max<qint64>(baseDelay.count(), 0);
    const qint64 capped = std::min<qint64>(base << exponent, std::max<qint64>(maxDelay.count(), base));
    const qint64 half = capped / 2;
    const qint64 jitter = half > 0 ? qint64(QRandomGenerator::global()->bounded(quint64(half) + 1)) : 0;
    return milliseconds(capped - half + jitter);
}

std::optional<milliseconds> RetryPolicy::serverDelay(const QByteArray &retryAfter,
                                                     const QByteArray &rateLimitReset, const QDateTime &now)
{
    const QByteArray after = retryAfter.trimmed();
    if (!after.isEmpty()) {
        bool ok = false;
        const double seconds = after.toDouble(&ok);
        if (ok && seconds >= 0)
            return milliseconds(qint64(seconds * 1000));
        QString text = QString::fromLatin1(after);
        // HTTP dates end in "GMT", which Qt's RFC 2822 parser wants as an offset.
        if (text.endsWith(u" GMT"))
            text = text.chopped(3) + u"+0000";
        const QDateTime date = QDateTime::fromString(text, Qt::RFC2822Date);
        if (date.isValid())
            return milliseconds(std::max<qint64>(now.msecsTo(date), 0));
    }
    const QByteArray reset = rateLimitReset.trimmed();
    if (!reset.isEmpty()) {
        bool ok = false;
        const qint64 epoch = reset.toLongLong(&ok);
        if (ok)
            return milliseconds(std::max<qint64>(epoch * 1000 - now.toMSecsSinceEpoch(), 0));
    }
    return std::nullopt;
}

} // namespace clera
