#include "core/auth/ratelimiter.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace std::chrono_literals;

class TestRateLimiter : public QObject
{
    Q_OBJECT

private:
    QDateTime m_now = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    Clock clock()
    {
        return [this] { return m_now; };
    }

private Q_SLOTS:
    void slidingWindow()
    {
        RateLimiter limiter(3, 10s, clock());
        QVERIFY(!limiter.tryAcquire(u"a"_s));
        m_now = m_now.addSecs(2);
        QVERIFY(!limiter.tryAcquire(u"a"_s));
        QVERIFY(!limiter.tryAcquire(u"a"_s));
        QCOMPARE(limiter.tryAcquire(u"a"_s).value_or(0ms), 8000ms);
        QVERIFY(!limiter.tryAcquire(u"b"_s));
        m_now = m_now.addSecs(7);
        QCOMPARE(limiter.retryAfter(u"a"_s).value_or(0ms), 1000ms);
        m_now = m_now.addSecs(1);
        QVERIFY(!limiter.tryAcquire(u"a"_s));
        QCOMPARE(limiter.tryAcquire(u"a"_s).value_or(0ms), 2000ms);
        m_now = m_now.addSecs(2);
        QVERIFY(!limiter.tryAcquire(u"a"_s));
    }

    void retryAfterDoesNotCount()
    {
        RateLimiter limiter(2, 60s, clock());
        for (int i = 0; i < 10; ++i)
            QVERIFY(!limiter.retryAfter(u"k"_s));
        limiter.record(u"k"_s);
        limiter.record(u"k"_s);
        QVERIFY(limiter.retryAfter(u"k"_s));
        limiter.reset(u"k"_s);
        QVERIFY(!limiter.retryAfter(u"k"_s));
    }

    void releaseForgetsTheNewestEvent()
    {
        RateLimiter limiter(2, 60s, clock());
        QVERIFY(!limiter.tryAcquire(u"k"_s));
        m_now = m_now.addSecs(10);
        QVERIFY(!limiter.tryAcquire(u"k"_s));
        QVERIFY(limiter.retryAfter(u"k"_s));
        limiter.release(u"k"_s);
        QVERIFY(!limiter.retryAfter(u"k"_s));
        // The older event is kept: a new one fills the limit again, freed 60 s after the first.
        limiter.record(u"k"_s);
        QCOMPARE(limiter.retryAfter(u"k"_s).value_or(0ms), 50000ms);
        limiter.release(u"k"_s);
        limiter.release(u"k"_s);
        limiter.release(u"k"_s); // more releases than events are harmless
        QCOMPARE(limiter.trackedKeys(), 0);
        limiter.release(u"unknown"_s);
        QCOMPARE(limiter.trackedKeys(), 0);
    }

    void recordBeyondLimitKeepsTheWindowBounded()
    {
        RateLimiter limiter(2, 60s, clock());
        for (int i = 0; i < 100; ++i)
            limiter.record(u"k"_s);
        QCOMPARE(limiter.retryAfter(u"k"_s).value_or(0ms), 60000ms);
        m_now = m_now.addSecs(60);
        QVERIFY(!limiter.retryAfter(u"k"_s));
    }

    void idleKeysAreForgotten()
    {
        RateLimiter limiter(5, 1s, clock());
        for (int i = 0; i < 1000; ++i)
            limiter.record(u"ip-%1"_s.arg(i));
        QCOMPARE(limiter.trackedKeys(), 1000);
        m_now = m_now.addSecs(5);
        QVERIFY(!limiter.retryAfter(u"other"_s));
        QCOMPARE(limiter.trackedKeys(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
