#include "fakes/stream/fakealpacastream.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QtWebSockets/QWebSocket>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

namespace {

// A raw protocol client: every text frame it receives, in order.
class RawClient
{
public:
    explicit RawClient(const QUrl &url) : m_spy(&m_socket, &QWebSocket::textMessageReceived)
    {
        m_socket.open(url);
    }
    QWebSocket &socket() { return m_socket; }
    void send(const QString &text) { m_socket.sendTextMessage(text); }
    // The next frame not yet returned, waiting for it when needed.
    QString next()
    {
        if (m_spy.size() <= m_read && !m_spy.wait(5000))
            return u"<timeout>"_s;
        return m_spy.at(m_read++).at(0).toString();
    }
    [[nodiscard]] qsizetype unread() const { return m_spy.size() - m_read; }

private:
    QWebSocket m_socket;
    QSignalSpy m_spy;
    qsizetype m_read = 0;
};

const QString kConnected = u"[{\"T\":\"success\",\"msg\":\"connected\"}]"_s;
const QString kAuthenticated = u"[{\"T\":\"success\",\"msg\":\"authenticated\"}]"_s;
const QString kAuth = u"{\"action\":\"auth\",\"key\":\"fake-key\",\"secret\":\"fake-secret\"}"_s;

QString error(int code, const QString &msg)
{
    return u"[{\"T\":\"error\",\"code\":%1,\"msg\":\"%2\"}]"_s.arg(code).arg(msg);
}

} // namespace

class TestFakeAlpacaStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sessionFlowByteForByte()
    {
        FakeAlpacaStream fake;
        QVERIFY2(fake.listen(), qPrintable(fake.errorString()));
        RawClient c(fake.url());
        QCOMPARE(c.next(), kConnected);
        c.send(u"{\"action\":\"subscribe\",\"trades\":[\"AAPL\"]}"_s);
        QCOMPARE(c.next(), error(401, u"not authenticated"_s));
        c.send(kAuth);
        QCOMPARE(c.next(), kAuthenticated);
        c.send(kAuth);
        QCOMPARE(c.next(), error(403, u"already authenticated"_s));
        c.send(
            u"{\"action\":\"subscribe\",\"trades\":[\"AAPL\"],\"quotes\":[\"AMD\",\"MSFT\"],\"bars\":[\"*\"]}"_s);
        QCOMPARE(
            c.next(),
            u"[{\"T\":\"subscription\",\"trades\":[\"AAPL\"],\"quotes\":[\"AMD\",\"MSFT\"],\"bars\":[\"*\"],"
            "\"updatedBars\":[],\"dailyBars\":[],\"statuses\":[],\"lulds\":[],\"corrections\":[\"AAPL\"],"
            "\"cancelErrors\":[\"AAPL\"]}]"_s);
        c.send(u"{\"action\":\"unsubscribe\",\"quotes\":[\"MSFT\"]}"_s);
        QCOMPARE(
            c.next(),
            u"[{\"T\":\"subscription\",\"trades\":[\"AAPL\"],\"quotes\":[\"AMD\"],\"bars\":[\"*\"],"
            "\"updatedBars\":[],\"dailyBars\":[],\"statuses\":[],\"lulds\":[],\"corrections\":[\"AAPL\"],"
            "\"cancelErrors\":[\"AAPL\"]}]"_s);
        QCOMPARE(fake.subscribedTrades(), QStringList{u"AAPL"_s});
        QCOMPARE(fake.subscribedQuotes(), QStringList{u"AMD"_s});

        fake.publishTrades({{u"AAPL"_s, Decimal::parse(u"187.31").value(),
                             Timestamp::parse(u"2026-01-06T15:01:02.5Z").value()},
                            {u"TSLA"_s, Decimal(1), Timestamp::now()},
                            {u"AAPL"_s, Decimal::parse(u"187.3").value(),
                             Timestamp::parse(u"2026-01-06T15:01:03Z").value()}});
        const QString frame = c.next();
        QVERIFY2(
            frame.startsWith(u"[{\"T\":\"t\",\"S\":\"AAPL\",\"i\":1,\"x\":\"V\",\"p\":187.31,\"s\":100,"),
            qPrintable(frame));
        QCOMPARE(frame.count(u"\"T\":\"t\""_s), 2);
        QVERIFY(!frame.contains(u"TSLA"_s));
    }

    void invalidMessages_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("code");
        QTest::addRow("not json") << u"hello"_s << 400;
        QTest::addRow("no action") << u"{\"trades\":[\"AAPL\"]}"_s << 400;
        QTest::addRow("unknown action") << u"{\"action\":\"listen\"}"_s << 400;
        QTest::addRow("no channel") << u"{\"action\":\"subscribe\"}"_s << 400;
        QTest::addRow("channel not a list") << u"{\"action\":\"subscribe\",\"trades\":\"AAPL\"}"_s << 400;
        QTest::addRow("other feed's channel")
            << u"{\"action\":\"subscribe\",\"orderbooks\":[\"BTC/USD\"]}"_s << 410;
        QTest::addRow("over the symbol limit")
            << u"{\"action\":\"subscribe\",\"trades\":[\"A\",\"B\",\"C\"]}"_s << 405;
    }
    void invalidMessages()
    {
        QFETCH(QString, message);
        QFETCH(int, code);
        FakeAlpacaStream fake({.symbolLimit = 2});
        QVERIFY(fake.listen());
        RawClient c(fake.url());
        QCOMPARE(c.next(), kConnected);
        c.send(kAuth);
        QCOMPARE(c.next(), kAuthenticated);
        c.send(message);
        QCOMPARE(c.next(), error(code, FakeAlpacaStream::errorMessage(code)));
        QCOMPARE(fake.subscribedTrades(), QStringList{});
    }

    void badCredentialsAreRejected()
    {
        FakeAlpacaStream fake;
        QVERIFY(fake.listen());
        RawClient c(fake.url());
        QSignalSpy closed(&c.socket(), &QWebSocket::disconnected);
        QCOMPARE(c.next(), kConnected);
        c.send(u"{\"action\":\"auth\",\"key\":\"fake-key\",\"secret\":\"wrong\"}"_s);
        QCOMPARE(c.next(), error(402, u"auth failed"_s));
        QTRY_COMPARE(closed.size(), 1);
    }

    void authTimesOut()
    {
        FakeAlpacaStream fake({.authTimeoutMs = 50});
        QVERIFY(fake.listen());
        RawClient c(fake.url());
        QCOMPARE(c.next(), kConnected);
        QCOMPARE(c.next(), error(404, u"auth timeout"_s));
    }

    void secondSessionWithTheSameKeyIsRefused()
    {
        FakeAlpacaStream fake;
        QVERIFY(fake.listen());
        RawClient first(fake.url());
        QCOMPARE(first.next(), kConnected);
        first.send(kAuth);
        QCOMPARE(first.next(), kAuthenticated);
        RawClient second(fake.url());
        QCOMPARE(second.next(), kConnected);
        second.send(kAuth);
        QCOMPARE(second.next(), error(406, u"connection limit exceeded"_s));
        QCOMPARE(fake.authenticatedCount(), 1);
    }

    void timestampsKeepTheInstantWithVaryingDigits()
    {
        const Timestamp t = Timestamp::parse(u"2026-01-06T15:01:02.123456789Z").value();
        QCOMPARE(FakeAlpacaStream::formatTime(t, 0), u"2026-01-06T15:01:02Z"_s);
        QCOMPARE(FakeAlpacaStream::formatTime(t, 3), u"2026-01-06T15:01:02.123Z"_s);
        QCOMPARE(FakeAlpacaStream::formatTime(t, 9), u"2026-01-06T15:01:02.123456789Z"_s);
    }

    void silentConnectionAnswersNoPing()
    {
        FakeAlpacaStream fake;
        QVERIFY(fake.listen());
        RawClient c(fake.url());
        QCOMPARE(c.next(), kConnected);
        QSignalSpy pongs(&c.socket(), &QWebSocket::pong);
        c.socket().ping();
        QVERIFY(pongs.wait(5000));
        fake.setSilent(true);
        c.socket().ping();
        QVERIFY(!pongs.wait(300));
    }

    void rateGeneratorPublishesSubscribedSymbols()
    {
        FakeAlpacaStream fake;
        QVERIFY(fake.listen());
        RawClient c(fake.url());
        QCOMPARE(c.next(), kConnected);
        c.send(kAuth);
        QCOMPARE(c.next(), kAuthenticated);
        c.send(u"{\"action\":\"subscribe\",\"trades\":[\"AAPL\",\"MSFT\"]}"_s);
        QVERIFY(c.next().contains(u"subscription"_s));
        fake.setTradeRate(200);
        QTRY_VERIFY(fake.tradesPublished() >= 20);
        fake.setTradeRate(0);
        QVERIFY(c.next().startsWith(u"[{\"T\":\"t\""_s));
    }

    void standaloneProgramStreamsTrades()
    {
        QProcess program;
        program.start(
            QString::fromUtf8(FAKE_ALPACA_STREAM_PROGRAM),
            {u"--port"_s, u"0"_s, u"--rate"_s, u"100"_s, u"--key"_s, u"k"_s, u"--secret"_s, u"s"_s});
        QVERIFY(program.waitForStarted(5000));
        QTRY_VERIFY(program.canReadLine());
        const QString banner = QString::fromUtf8(program.readLine());
        const auto match = QRegularExpression(u"listening on (ws://\\S+)"_s).match(banner);
        QVERIFY2(match.hasMatch(), qPrintable(banner));
        {
            RawClient c(QUrl(match.captured(1)));
            QCOMPARE(c.next(), kConnected);
            c.send(u"{\"action\":\"auth\",\"key\":\"k\",\"secret\":\"s\"}"_s);
            QCOMPARE(c.next(), kAuthenticated);
            c.send(u"{\"action\":\"subscribe\",\"trades\":[\"FAKEPACA\"]}"_s);
            QVERIFY(c.next().startsWith(u"[{\"T\":\"subscription\""_s));
            QVERIFY(c.next().startsWith(u"[{\"T\":\"t\",\"S\":\"FAKEPACA\""_s));
        }
        program.terminate();
        QVERIFY(program.waitForFinished(5000));
    }

    void standaloneProgramRejectsBadFlags()
    {
        QProcess program;
        program.start(QString::fromUtf8(FAKE_ALPACA_STREAM_PROGRAM), {u"--port"_s, u"x"_s});
        QVERIFY(program.waitForFinished(5000));
        QCOMPARE(program.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestFakeAlpacaStream)
#include "tst_fakealpacastream.moc"
