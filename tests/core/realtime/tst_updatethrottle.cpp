#include "core/realtime/updatethrottle.h"

#include <QSignalSpy>
#include <QTest>

using namespace clera;
using namespace std::chrono_literals;

class TestUpdateThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstChangeIsReleasedThisTurn();
    void changesWithinIntervalAreCoalesced();
    void accountsAreIndependent();
    void zeroIntervalReleasesEveryTurn();
    void realTimerDeliversTheLatest();
    void forgottenAccountIsNotReleased();
    void reusedSlotIgnoresEntriesOfItsPredecessor();
    void earlierDueTimeMovesTheTimerForward();
};

void TestUpdateThrottle::firstChangeIsReleasedThisTurn()
{
    qint64 now = 1000;
    UpdateThrottle t(2000ms, nullptr, [&] { return now; });
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(3);
    t.markDirty(3);
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<QList<int>>(), QList<int>{3});
}

void TestUpdateThrottle::changesWithinIntervalAreCoalesced()
{
    qint64 now = 0;
    UpdateThrottle t(2000ms, nullptr, [&] { return now; });
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(0);
    t.releaseDue();
    QCOMPARE(spy.count(), 1);
    now = 500;
    t.markDirty(0);
    now = 900;
    t.markDirty(0);
    t.releaseDue();
    QCOMPARE(spy.count(), 1); // held back: last release was 0 ms, interval 2000 ms
    now = 1999;
    t.releaseDue();
    QCOMPARE(spy.count(), 1);
    now = 2000;
    t.releaseDue();
    QCOMPARE(spy.count(), 2); // one release for the two changes
    QCOMPARE(spy.at(1).at(0).value<QList<int>>(), QList<int>{0});
    now = 2100;
    t.releaseDue();
    QCOMPARE(spy.count(), 2); // nothing dirty
}

void TestUpdateThrottle::accountsAreIndependent()
{
    qint64 now = 0;
    UpdateThrottle t(1000ms, nullptr, [&] { return now; });
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(1);
    t.releaseDue();
    now = 100;
    t.markDirty(1); // waits until 1000
    t.markDirty(2); // never released before: goes now
    t.releaseDue();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).value<QList<int>>(), QList<int>{2});
    now = 1000;
    t.releaseDue();
    QCOMPARE(spy.count(), 3);
    QCOMPARE(spy.at(2).at(0).value<QList<int>>(), QList<int>{1});
}

void TestUpdateThrottle::zeroIntervalReleasesEveryTurn()
{
    UpdateThrottle t(0ms);
    QSignalSpy spy(&t, &UpdateThrottle::released);
    for (int i = 0; i < 5; ++i)
        t.markDirty(i % 2);
    QVERIFY(spy.wait(1000));
    QList<int> got = spy.at(0).at(0).value<QList<int>>();
    std::sort(got.begin(), got.end());
    QCOMPARE(got, (QList<int>{0, 1}));
    t.markDirty(0);
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 2);
}

void TestUpdateThrottle::realTimerDeliversTheLatest()
{
    UpdateThrottle t(150ms);
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(7);
    QVERIFY(spy.wait(1000));
    t.markDirty(7); // within the interval: must still arrive, by the timer
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 2000);
}

void TestUpdateThrottle::forgottenAccountIsNotReleased()
{
    qint64 now = 0;
    UpdateThrottle t(1000ms, nullptr, [&] { return now; });
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(4);
    t.forget(4);
    t.releaseDue();
    QCOMPARE(spy.count(), 0);
}

void TestUpdateThrottle::reusedSlotIgnoresEntriesOfItsPredecessor()
{
    qint64 now = 0;
    UpdateThrottle t(2000ms, nullptr, [&] { return now; });
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(5); // account A at slot 5
    t.releaseDue();
    now = 100;
    t.markDirty(5); // A waits until 2000
    now = 200;
    t.forget(5); // A untracked; B reuses slot 5
    now = 300;
    t.markDirty(5); // B's first change goes at once
    t.releaseDue();
    QCOMPARE(spy.count(), 2);
    now = 400;
    t.markDirty(5); // B waits until 2300
    now = 2000;
    t.releaseDue(); // A's stale entry must not release B early
    QCOMPARE(spy.count(), 2);
    now = 2300;
    t.releaseDue();
    QCOMPARE(spy.count(), 3);
}

void TestUpdateThrottle::earlierDueTimeMovesTheTimerForward()
{
    // Real clock and timer: the timer is only restarted for an account due before the one it waits for.
    UpdateThrottle t(1000ms);
    QSignalSpy spy(&t, &UpdateThrottle::released);
    t.markDirty(1);
    QVERIFY(spy.wait(1000)); // 1 released at ≈ 0: next due ≈ 1000
    QTest::qWait(500);
    t.markDirty(2);
    QTRY_COMPARE(spy.count(), 2); // 2 released at ≈ 500: next due ≈ 1500
    spy.clear();
    t.markDirty(2); // the timer waits for ≈ 1500 ...
    t.markDirty(1); // ... and must move to ≈ 1000
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 3000);
    QCOMPARE(spy.at(0).at(0).value<QList<int>>(), QList<int>{1}); // alone: 2 is not due yet
    QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 3000);
    QCOMPARE(spy.at(1).at(0).value<QList<int>>(), QList<int>{2});
}

QTEST_GUILESS_MAIN(TestUpdateThrottle)
#include "tst_updatethrottle.moc"
