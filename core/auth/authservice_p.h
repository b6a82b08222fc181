#pragma once

// What the two source files of AuthService share: authservice.cpp (sessions, tokens, operators) and
// authpasswords.cpp (sign-up, e-mail tokens, password changes and resets). Not for other users.

#include "core/auth/authservice.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QThreadPool>
#include <QUuid>

#include <atomic>
#include <mutex>

Q_DECLARE_LOGGING_CATEGORY(lcAuth)

namespace clera {

namespace authservice_p {

inline const QString kInvalidSession = QStringLiteral("the session is invalid or has expired; sign in again");
inline const QString kAnonymous = QStringLiteral("anonymous");

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

template <typename T> QFuture<Expected<T, AuthError>> failed(AuthError error)
{
    return QtFuture::makeReadyFuture(Expected<T, AuthError>(unexpected(std::move(error))));
}

} // namespace authservice_p

struct AuthService::PasswordWork
{
    std::atomic<int> queued{0};
    std::atomic<int> running{0};
    std::atomic<int> peak{0};
    // A hash of a random password, verified against for unknown addresses so they cost the same time.
    std::once_flag dummyOnce;
    QString dummyHash;
};

// The continuation is attached before the work starts, so it always runs later from the event loop
// (queued from the pool's thread), never inside the call that started the work.
template <typename Work, typename Then> auto AuthService::onPool(Work work, Then then)
{
    using R = std::invoke_result_t<Work &>;
    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    auto result = promise->future().then(m_context.get(), std::move(then));
    auto state = m_work;
    ++state->queued;
    m_pool->start([promise, state, work = std::move(work)]() mutable {
        --state->queued;
        const int running = ++state->running;
        int peak = state->peak.load();
        while (running > peak && !state->peak.compare_exchange_weak(peak, running)) {
        }
        R outcome = work();
        --state->running;
        promise->addResult(std::move(outcome));
        promise->finish();
    });
    return result;
}

} // namespace clera
