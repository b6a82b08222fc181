#pragma once

#include <QFuture>
#include <QTest>

namespace clera::fake {

// Spins the event loop (like QTRY_*) until the future finishes; false on timeout.
template <typename T> [[nodiscard]] bool waitFor(const QFuture<T> &future, int timeoutMs = 10'000)
{
    return QTest::qWaitFor([&future] { return future.isFinished(); }, timeoutMs);
}

} // namespace clera::fake
