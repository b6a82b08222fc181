#include "core/broker/alpacaeventstream.h"
#include "fakes/rest/fakealpacaevents.h"

#include <QSignalSpy>
#include <QTest>

using namespace clera;
using namespace clera::fake;
using namespace Qt::StringLiterals;

// Alpaca's SSE event streams against a local SSE server: events decoded, comments skipped, and after
// a drop the stream resumes from the last event id without losing or repeating events.
class TestAlpacaEventStream : public QObject
{
    Q_OBJECT

private:
    static constexpr QStringView kPath = u"/v1/events/accounts/status";

    AlpacaEventStream::Options options(const FakeAlpacaEvents &fake, const QString &secret = u"sekret"_s) const
    {
        AlpacaEventStream::Options o;
        o.baseUrl = fake.baseUrl();
        o.path = kPath.toString();
        o.keyId = u"PKBROKER"_s;
        o.secret = secret;
        o.reconnectBaseMs = 20;
        o.reconnectMaxMs = 100;
        return o;
    }
    static QJsonObject statusEvent(const QString &to)
    {
        return {{u"account_id"_s, u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s}, {u"status_from"_s, u"SUBMITTED"_s},
                {u"status_to"_s, to}, {u"at"_s, u"2026-01-05T15:04:09.311902Z"_s}};
    }

private Q_SLOTS:
    void deliversEventsAndSkipsComments()
    {
        FakeAlpacaEvents fake(u"PKBROKER"_s, u"sekret"_s);
        QVERIFY(fake.listen());
        AlpacaEventStream stream(options(fake));
        QSignalSpy events(&stream, &AlpacaEventStream::event);
        stream.start();
        QTRY_VERIFY(stream.isConnected());
        QTRY_COMPARE(fake.clientCount(), 1);
        const QString ulid = fake.publish(kPath.toString(), statusEvent(u"APPROVED"_s));
        fake.sendComment(u"you are reading too slowly, dropped 3 messages"_s);
        fake.publish(u"/v1/events/transfers/status"_s, statusEvent(u"ignored"_s)); // another stream
        fake.publish(kPath.toString(), statusEvent(u"ACTIVE"_s));
        QTRY_COMPARE(events.count(), 2);
        QCOMPARE(events.at(0).at(0).toJsonObject().value(u"status_to"_s).toString(), u"APPROVED"_s);
        QCOMPARE(events.at(1).at(0).toJsonObject().value(u"status_to"_s).toString(), u"ACTIVE"_s);
        QVERIFY(stream.lastEventId() > ulid);
    }

    void resumesAfterADropWithoutLossOrRepeat()
    {
        FakeAlpacaEvents fake(u"PKBROKER"_s, u"sekret"_s);
        QVERIFY(fake.listen());
        AlpacaEventStream stream(options(fake));
        QSignalSpy events(&stream, &AlpacaEventStream::event);
        stream.start();
        QTRY_COMPARE(fake.clientCount(), 1);
        fake.publish(kPath.toString(), statusEvent(u"APPROVED"_s));
        QTRY_COMPARE(events.count(), 1);
        const QString seen = stream.lastEventId();

        fake.dropAll();
        fake.publish(kPath.toString(), statusEvent(u"ACTIVE"_s)); // while disconnected
        QTRY_COMPARE(fake.clientCount(), 1);                   // reconnected …
        QVERIFY(fake.requestedTargets().last().contains(u"since_ulid="_s + seen)); // … from the last id
        QTRY_COMPARE(events.count(), 2);
        QCOMPARE(events.at(1).at(0).toJsonObject().value(u"status_to"_s).toString(), u"ACTIVE"_s);
        QTest::qWait(50);
        QCOMPARE(events.count(), 2); // the replay did not repeat APPROVED
        QVERIFY(stream.connectAttempts() >= 2);
    }

    void aStoredCursorResumesAfterARestart()
    {
        FakeAlpacaEvents fake(u"PKBROKER"_s, u"sekret"_s);
        QVERIFY(fake.listen());
        const QString first = fake.publish(kPath.toString(), statusEvent(u"APPROVED"_s));
        fake.publish(kPath.toString(), statusEvent(u"ACTIVE"_s));
        AlpacaEventStream stream(options(fake));
        stream.setLastEventId(first); // as read back from storage
        QSignalSpy events(&stream, &AlpacaEventStream::event);
        stream.start();
        QTRY_COMPARE(events.count(), 1);
        QCOMPARE(events.at(0).at(0).toJsonObject().value(u"status_to"_s).toString(), u"ACTIVE"_s);
    }

    void wrongKeysStopInsteadOfLooping()
    {
        FakeAlpacaEvents fake(u"PKBROKER"_s, u"sekret"_s);
        QVERIFY(fake.listen());
        AlpacaEventStream stream(options(fake, u"wrong"_s));
        stream.start();
        QTRY_COMPARE(stream.connectAttempts(), 1);
        QTest::qWait(200);
        QCOMPARE(stream.connectAttempts(), 1);
        QVERIFY(!stream.isConnected());
    }
};

QTEST_GUILESS_MAIN(TestAlpacaEventStream)
#include "tst_alpacaeventstream.moc"
