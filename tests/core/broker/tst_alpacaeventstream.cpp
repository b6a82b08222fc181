#include "core/broker/alpacabroker.h"
#include "core/broker/alpacaeventstream.h"
#include "fakes/rest/fakealpacaevents.h"

#include <QJsonDocument>
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

// AlpacaBroker turns the trade and transfer events into Broker signals, which the tracker follows.
class TestAlpacaBrokerEvents : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fillsAndSettledTransfersBecomeSignals()
    {
        FakeAlpacaEvents fake(u"PKBROKER"_s, u"sekret"_s);
        QVERIFY(fake.listen());
        AlpacaOptions options;
        options.baseUrl = QUrl(u"http://127.0.0.1:9"_s); // REST is not used here
        options.keyId = u"PKBROKER"_s;
        options.secret = u"sekret"_s;
        AlpacaBroker broker(options);
        QSignalSpy positions(&broker, &Broker::positionsChanged);
        QSignalSpy accounts(&broker, &Broker::accountChanged);
        QSignalSpy orders(&broker, &Broker::orderUpdated);
        broker.startEvents(fake.baseUrl());
        QTRY_COMPARE(fake.clientCount(), 3); // trades, transfers, account status

        const QString account = u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s;
        const QJsonObject order = QJsonDocument::fromJson(R"({"id":"c0ffee00-1234-4abc-9def-0123456789ab",
            "client_order_id":"app-1","created_at":"2026-01-06T14:31:02.51874Z","symbol":"MSFT","side":"buy",
            "type":"market","time_in_force":"day","status":"filled","qty":"2","filled_qty":"2",
            "filled_avg_price":"404.21","order_class":""})").object();
        fake.publish(u"/v2/events/trades"_s, {{u"account_id"_s, account}, {u"event"_s, u"new"_s}, {u"order"_s, order}});
        QTRY_COMPARE(orders.count(), 1);
        QCOMPARE(positions.count(), 0); // a new order moves nothing yet
        fake.publish(u"/v2/events/trades"_s, {{u"account_id"_s, account}, {u"event"_s, u"fill"_s},
                                              {u"price"_s, u"404.21"_s}, {u"qty"_s, u"2"_s}, {u"order"_s, order}});
        QTRY_COMPARE(positions.count(), 1);
        QCOMPARE(positions.at(0).at(0).toString(), account);
        QCOMPARE(orders.at(1).at(1).value<Order>().status, OrderStatus::Filled);

        const int before = int(accounts.count());
        fake.publish(u"/v1/events/transfers/status"_s, {{u"account_id"_s, account}, {u"transfer_id"_s, u"t1"_s},
                                                        {u"status_from"_s, u"QUEUED"_s}, {u"status_to"_s, u"SENT_TO_CLEARING"_s}});
        fake.publish(u"/v1/events/transfers/status"_s, {{u"account_id"_s, account}, {u"transfer_id"_s, u"t1"_s},
                                                        {u"status_from"_s, u"SENT_TO_CLEARING"_s}, {u"status_to"_s, u"COMPLETE"_s}});
        QTRY_COMPARE(accounts.count(), before + 1); // only the settled one changes the cash
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestAlpacaEventStream streams;
    TestAlpacaBrokerEvents broker;
    return QTest::qExec(&streams, argc, argv) | QTest::qExec(&broker, argc, argv);
}
#include "tst_alpacaeventstream.moc"
