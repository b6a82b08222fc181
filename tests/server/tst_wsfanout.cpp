#include "core/broker/simbroker.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/portfoliosource.h"
#include "rawwsclient.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace clera;

// The hub's flush over several send threads (WEBSOCKET_THREADS, ws::SendPool) with enough clients over
// real sockets to cross the parallel threshold: every client gets every round once and in order with
// its frames intact, a client that does not read is bounded and closed while the others keep receiving,
// and clients that vanish (RST) while a parallel flush writes to them are closed cleanly.
namespace {

// A PortfolioSource the test drives: publish() emits an account's value for a round (its total value
// is the round number) and remembers it as the latest.
class ScriptedSource : public PortfolioSource
{
public:
    QHash<QString, PortfolioUpdate> values;
    QSet<QString> watched;

    void watch(const QString &accountId) override { watched.insert(accountId); }
    void unwatch(const QString &accountId) override { watched.remove(accountId); }
    [[nodiscard]] std::optional<PortfolioUpdate> latest(const QString &accountId) const override
    {
        const auto it = values.constFind(accountId);
        return it == values.cend() ? std::nullopt : std::optional(*it);
    }
    void publish(const QString &accountId, int round)
    {
        PortfolioUpdate update;
        update.accountId = accountId;
        update.cash = Decimal(round);
        update.marketValue = Decimal(0);
        update.totalValue = Decimal(round);
        update.timestamp = Timestamp::now();
        values.insert(accountId, update);
        Q_EMIT portfolioUpdated(update);
    }
};

// A client on the event loop that parses the server's frames itself and records, per account, the
// rounds it received in arrival order; any frame that is not a well-formed unmasked final text or close
// frame carrying the JSON we expect marks it corrupt.
class FanoutClient : public QObject
{
public:
    QTcpSocket socket;
    QByteArray in;
    bool upgraded = false;
    QString corrupt;
    int updateFrames = 0;
    int subscribed = 0;
    quint16 closeCode = 0;
    qint64 bytesReceived = 0;
    QHash<QString, QList<int>> rounds;

    FanoutClient() { connect(&socket, &QTcpSocket::readyRead, this, [this] { read(); }); }

    void open(quint16 port, const QByteArray &target)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.write(test::upgradeRequest(target));
    }
    void read()
    {
        const QByteArray chunk = socket.readAll();
        bytesReceived += chunk.size();
        in += chunk;
        if (!upgraded) {
            const qsizetype end = in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            if (!in.startsWith("HTTP/1.1 101"))
                corrupt = u"handshake refused: "_s + QString::fromLatin1(in.left(end));
            in.remove(0, end + 4);
            upgraded = true;
        }
        qsizetype pos = 0;
        while (in.size() - pos >= 2) {
            const auto *head = reinterpret_cast<const quint8 *>(in.constData() + pos);
            const quint8 length7 = head[1] & 0x7F;
            const int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            if (in.size() - pos < 2 + extended)
                break;
            quint64 length = length7;
            if (extended) {
                length = 0;
                for (int i = 0; i < extended; ++i)
                    length = (length << 8) | head[2 + i];
            }
            if (quint64(in.size() - pos - 2 - extended) < length)
                break;
            const QByteArray payload = in.mid(pos + 2 + extended, qsizetype(length));
            pos += 2 + extended + qsizetype(length);
            if ((head[0] & 0x80) == 0 || (head[0] & 0x70) != 0 || (head[1] & 0x80) != 0)
                corrupt = u"bad frame header"_s;
            else if ((head[0] & 0x0F) == 0x8)
                closeCode = payload.size() >= 2 ? quint16((quint8(payload[0]) << 8) | quint8(payload[1])) : 0;
            else if ((head[0] & 0x0F) != 0x1)
                corrupt = u"unexpected opcode %1"_s.arg(head[0] & 0x0F);
            else
                message(payload);
        }
        in.remove(0, pos);
    }
    void message(const QByteArray &payload)
    {
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(payload, &error).object();
        if (error.error != QJsonParseError::NoError) {
            corrupt = u"not JSON: "_s + QString::fromUtf8(payload.left(80));
            return;
        }
        const QString type = object.value(u"type"_s).toString();
        if (type == u"subscribed") {
            ++subscribed;
        } else if (type == u"portfolio_update") {
            ++updateFrames;
            record(object);
        } else if (type == u"portfolio_updates") {
            ++updateFrames;
            for (const QJsonValue &update : object.value(u"updates"_s).toArray())
                record(update.toObject());
        } else if (type != u"authenticated" && type != u"unsubscribed") {
            corrupt = u"unexpected message "_s + QString::fromUtf8(payload.left(80));
        }
    }
    void record(const QJsonObject &update)
    {
        rounds[update.value(u"account_id"_s).toString()].append(update.value(u"raw_value"_s).toString().toInt());
    }
    [[nodiscard]] bool has(const QStringList &accounts, int round) const
    {
        return std::all_of(accounts.cbegin(), accounts.cend(), [&](const QString &account) {
            const QList<int> got = rounds.value(account);
            return !got.isEmpty() && got.last() >= round;
        });
    }
};

struct Watcher
{
    std::unique_ptr<FanoutClient> client;
    QStringList accounts;
};

QList<int> upTo(int rounds)
{
    QList<int> out;
    for (int r = 1; r <= rounds; ++r)
        out.append(r);
    return out;
}

} // namespace

class TestWsFanout : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ServerRoot> m_root;
    QString m_operatorToken;

    // `count` accounts the simulated broker knows.
    QStringList createAccounts(int count)
    {
        auto *broker = dynamic_cast<SimBroker *>(m_root->broker());
        QStringList out;
        for (int i = 0; i < count && broker; ++i) {
            const auto account = broker->createAccount(Decimal(1000), u"fanout %1"_s.arg(i));
            if (account)
                out.append(account->id);
        }
        return out;
    }
    [[nodiscard]] QByteArray singleTarget(const QString &account) const
    {
        return "/ws/portfolio/" + account.toLatin1() + "?token=" + QUrl::toPercentEncoding(m_operatorToken);
    }
    // `single` clients on /ws/portfolio/{id} spread over the accounts, then `multi` clients on /ws each
    // subscribed to `perMulti` of them; returns when every watch is in place. Connects in batches below
    // the transport's per-address handshake cap.
    void connectWatchers(WebSocketHub &hub, quint16 port, const QStringList &accounts, int single, int multi,
                         int perMulti, std::vector<Watcher> &out)
    {
        int expectedWatches = 0;
        for (int i = 0; i < single + multi; ++i) {
            Watcher w{std::make_unique<FanoutClient>(), {}};
            if (i < single) {
                w.accounts = {accounts.at(i % accounts.size())};
                w.client->open(port, singleTarget(w.accounts.first()));
            } else {
                for (int k = 0; k < perMulti; ++k)
                    w.accounts.append(accounts.at((i + k) % accounts.size()));
                w.client->open(port, "/ws?token=" + QUrl::toPercentEncoding(m_operatorToken));
                w.client->socket.write(test::text(QJsonDocument(QJsonObject{
                                                      {u"type"_s, u"subscribe"_s},
                                                      {u"account_ids"_s, QJsonArray::fromStringList(w.accounts)}})
                                                      .toJson(QJsonDocument::Compact)));
            }
            expectedWatches += int(w.accounts.size());
            out.push_back(std::move(w));
            if (out.size() % 400 == 0)
                QTRY_COMPARE_WITH_TIMEOUT(hub.connectionCount(), int(out.size()), 30'000);
        }
        const auto watches = [&] {
            int sum = 0;
            for (const QString &account : accounts)
                sum += hub.watcherCount(account);
            return sum;
        };
        QTRY_COMPARE_WITH_TIMEOUT(watches(), expectedWatches, 30'000);
    }
    // Publishes rounds first..last of every account, one round per event-loop turn (so one flush), and
    // waits until each watcher has the round before the next.
    static bool runRounds(ScriptedSource &source, const QStringList &accounts, const std::vector<Watcher> &watchers,
                          int first, int last)
    {
        for (int round = first; round <= last; ++round) {
            for (const QString &account : accounts)
                source.publish(account, round);
            QElapsedTimer clock;
            clock.start();
            while (!std::all_of(watchers.cbegin(), watchers.cend(),
                                [round](const Watcher &w) { return w.client->has(w.accounts, round); })) {
                if (clock.elapsed() > 30'000) {
                    qWarning() << "round" << round << "not delivered to every client in 30 s";
                    return false;
                }
                QTest::qWait(2);
            }
        }
        return true;
    }
    static void verifyEveryRoundOnceInOrder(const std::vector<Watcher> &watchers, int rounds)
    {
        for (const Watcher &w : watchers) {
            QVERIFY2(w.client->corrupt.isEmpty(), qPrintable(w.client->corrupt));
            QCOMPARE(w.client->updateFrames, rounds); // one frame per flush, single or batched
            for (const QString &account : w.accounts)
                QCOMPARE(w.client->rounds.value(account), upTo(rounds));
            QCOMPARE(w.client->rounds.size(), w.accounts.size());
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = test::startDemoServer(m_dir.path());
        QVERIFY(m_root);
        m_root->simFeed()->stop();
        QVERIFY(dynamic_cast<SimBroker *>(m_root->broker()));
        m_operatorToken = test::tokenFor(*m_root, u"demo-operator"_s, Role::Operator);
    }

    void cleanupTestCase() { m_root.reset(); }

    void manyClientsGetEveryRoundOnceInOrder_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("4 send threads") << 4;
        QTest::newRow("1 send thread") << 1;
    }
    void manyClientsGetEveryRoundOnceInOrder()
    {
        QFETCH(int, threads);
        constexpr int kRounds = 6;
        ScriptedSource source;
        WebSocketHub::Options options;
        options.sendThreads = threads;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), &source, options);
        QCOMPARE(hub.sendThreads(), threads);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QStringList accounts = createAccounts(20);
        QCOMPARE(accounts.size(), 20);
        // 1,600 single-account clients (the shared frame of their account) and 400 multi-account
        // clients with 5 accounts each (a batch frame built for each).
        std::vector<Watcher> watchers;
        connectWatchers(hub, *port, accounts, 1600, 400, 5, watchers);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(hub.connectionCount(), 2000);
        QCOMPARE(source.watched.size(), accounts.size());

        const qint64 parallelBefore = hub.parallelFlushes();
        const qint64 updatesBefore = hub.updatesSent();
        QVERIFY(runRounds(source, accounts, watchers, 1, kRounds));
        verifyEveryRoundOnceInOrder(watchers, kRounds);
        QCOMPARE(hub.updatesSent() - updatesBefore, qint64(kRounds) * (1600 + 400 * 5));
        if (threads > 1)
            QCOMPARE(hub.parallelFlushes() - parallelBefore, qint64(kRounds)); // 2,000 writes each
        else
            QCOMPARE(hub.parallelFlushes(), 0);
    }

    // A client that stops reading gets no more writes past the hub's bound and is closed with 1008,
    // while the others, written by the send threads, get every round.
    void slowClientIsBoundedAndClosedWhileOthersReceive()
    {
        ScriptedSource source;
        WebSocketHub::Options options;
        options.sendThreads = 4;
        options.parallelSendMinimum = 64;
        options.slowClientCloseMs = 500;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), &source, options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QStringList accounts = createAccounts(200);
        QCOMPARE(accounts.size(), 200);
        std::vector<Watcher> watchers;
        connectWatchers(hub, *port, accounts, 300, 0, 0, watchers);
        if (QTest::currentTestFailed())
            return;

        // The slow client: a small receive buffer, subscribed to every account (≈ 65 KB per round), and
        // its Qt socket buffers at most 1 KiB, so after the subscription nothing more is read.
        FanoutClient slow;
        slow.socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        slow.open(*port, "/ws?token=" + QUrl::toPercentEncoding(m_operatorToken));
        slow.socket.write(test::text(QJsonDocument(QJsonObject{{u"type"_s, u"subscribe"_s},
                                                               {u"account_ids"_s,
                                                                QJsonArray::fromStringList(accounts)}})
                                         .toJson(QJsonDocument::Compact)));
        QTRY_COMPARE_WITH_TIMEOUT(slow.subscribed, int(accounts.size()), 20'000);
        slow.socket.setReadBufferSize(1024);
        QObject::disconnect(&slow.socket, &QTcpSocket::readyRead, &slow, nullptr);
        QCOMPARE(hub.connectionCount(), 301);

        // Rounds until the hub gives up on it; every other client gets each one meanwhile.
        int rounds = 0;
        const qint64 written = hub.framesWritten();
        while (hub.connectionCount() == 301 && rounds < 400) {
            ++rounds;
            QVERIFY(runRounds(source, accounts, watchers, rounds, rounds));
            QTest::qWait(5);
        }
        QTRY_COMPARE_WITH_TIMEOUT(hub.connectionCount(), 300, 10'000);
        QVERIFY2(rounds >= 10, qPrintable(u"closed after %1 rounds"_s.arg(rounds)));
        QVERIFY(hub.parallelFlushes() >= rounds);
        verifyEveryRoundOnceInOrder(watchers, rounds);
        // The slow client got a bounded part of what it would have: fewer frames than rounds.
        QVERIFY(hub.framesWritten() - written < qint64(rounds) * 301);
        slow.socket.setReadBufferSize(0);
        connect(&slow.socket, &QTcpSocket::readyRead, &slow, [&slow] { slow.read(); });
        slow.read();
        QTRY_VERIFY_WITH_TIMEOUT(slow.socket.state() == QAbstractSocket::UnconnectedState || slow.closeCode != 0,
                                 10'000);
        const qint64 perRound = slow.bytesReceived / qMax(1, rounds);
        QVERIFY2(slow.updateFrames < rounds,
                 qPrintable(u"%1 frames of %2 rounds (%3 bytes per round)"_s.arg(slow.updateFrames)
                                .arg(rounds)
                                .arg(perRound)));
        QVERIFY2(slow.corrupt.isEmpty(), qPrintable(slow.corrupt));
        if (slow.closeCode != 0)
            QCOMPARE(slow.closeCode, quint16(1008));
    }

    // Accounts get a slot (an integer index) while watched: after many subscribe/unsubscribe cycles over
    // different accounts the table holds only what is watched, reused slots carry only their new
    // account's values, and an unwatched account's updates reach nobody.
    void slotsOfUnwatchedAccountsAreReused()
    {
        ScriptedSource source;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), &source, {});
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QStringList accounts = createAccounts(60);
        QCOMPARE(accounts.size(), 60);
        FanoutClient client;
        client.open(*port, "/ws?token=" + QUrl::toPercentEncoding(m_operatorToken));
        const auto command = [&client](const char *type, const QStringList &ids) {
            client.socket.write(test::text(
                QJsonDocument(QJsonObject{{u"type"_s, QString::fromLatin1(type)},
                                          {u"account_ids"_s, QJsonArray::fromStringList(ids)}})
                    .toJson(QJsonDocument::Compact)));
        };
        int round = 0;
        for (int cycle = 0; cycle < 6; ++cycle) {
            const QStringList now = accounts.mid((cycle % 3) * 20, 20);
            const int subscribedBefore = client.subscribed;
            command("subscribe", now);
            QTRY_COMPARE_WITH_TIMEOUT(client.subscribed, subscribedBefore + 20, 10'000);
            QCOMPARE(hub.watchedAccounts(), 20);
            QVERIFY2(hub.accountSlots() <= 20, qPrintable(QString::number(hub.accountSlots())));
            QCOMPARE(source.watched, QSet<QString>(now.cbegin(), now.cend()));
            // Every account publishes; only the watched ones arrive, each with its own value.
            ++round;
            client.rounds.clear();
            for (const QString &account : accounts)
                source.publish(account, round * 100 + int(accounts.indexOf(account)));
            QTRY_VERIFY_WITH_TIMEOUT(client.has(now, round * 100), 10'000);
            QTest::qWait(20);
            QCOMPARE(client.rounds.size(), now.size());
            for (const QString &account : now)
                QCOMPARE(client.rounds.value(account), QList<int>{round * 100 + int(accounts.indexOf(account))});
            command("unsubscribe", now);
            QTRY_COMPARE_WITH_TIMEOUT(hub.watchedAccounts(), 0, 10'000);
            QVERIFY(source.watched.isEmpty());
        }
        QVERIFY2(client.corrupt.isEmpty(), qPrintable(client.corrupt));
        QVERIFY(hub.accountSlots() <= 20);
    }

    // Clients that reset their connection from another thread while rounds are being flushed over four
    // send threads: the writes to them fail (EPIPE, ECONNRESET) or land in a dead socket; the hub closes
    // and forgets them, and the others get every round.
    void clientsResettingDuringParallelFlushesAreForgotten()
    {
        ScriptedSource source;
        WebSocketHub::Options options;
        options.sendThreads = 4;
        options.parallelSendMinimum = 32;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), &source, options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QStringList accounts = createAccounts(10);
        std::vector<Watcher> watchers;
        connectWatchers(hub, *port, accounts, 150, 50, 3, watchers);
        if (QTest::currentTestFailed())
            return;

        // 300 raw clients on a thread of their own: upgraded (the server answers on this thread's event
        // loop), then reset one by one while the rounds go on.
        constexpr int kVanishing = 300;
        std::atomic<int> upgraded = 0;
        std::atomic<bool> go = false;
        std::atomic<int> reset = 0;
        const QByteArray request = test::upgradeRequest(singleTarget(accounts.first()));
        const quint16 serverPort = *port;
        std::thread killer([&] {
            std::vector<int> fds;
            for (int i = 0; i < kVanishing; ++i) {
                const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
                sockaddr_in address{};
                address.sin_family = AF_INET;
                address.sin_port = htons(serverPort);
                address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
                    ::close(fd);
                    continue;
                }
                (void)!::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
                char head[512];
                if (::recv(fd, head, sizeof head, 0) > 0)
                    ++upgraded;
                fds.push_back(fd);
            }
            while (!go)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            for (const int fd : fds) {
                const linger hard{1, 0}; // close with RST
                ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
                ::close(fd);
                ++reset;
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        QTRY_COMPARE_WITH_TIMEOUT(upgraded.load(), kVanishing, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(hub.connectionCount(), 200 + kVanishing, 30'000);
        int survivors = 0; // the watchers of the first account that stay
        for (const Watcher &w : watchers)
            survivors += w.accounts.contains(accounts.first());
        QTRY_COMPARE_WITH_TIMEOUT(hub.watcherCount(accounts.first()), survivors + kVanishing, 30'000);
        go = true;
        int rounds = 0;
        const qint64 parallelBefore = hub.parallelFlushes();
        while (reset.load() < kVanishing) {
            ++rounds;
            QVERIFY(runRounds(source, accounts, watchers, rounds, rounds));
        }
        killer.join();
        ++rounds;
        QVERIFY(runRounds(source, accounts, watchers, rounds, rounds));
        QTRY_COMPARE_WITH_TIMEOUT(hub.connectionCount(), 200, 10'000);
        QVERIFY(hub.parallelFlushes() > parallelBefore);
        verifyEveryRoundOnceInOrder(watchers, rounds);
        QCOMPARE(hub.watcherCount(accounts.first()), survivors);
    }
};

QTEST_GUILESS_MAIN(TestWsFanout)
#include "tst_wsfanout.moc"
