#pragma once

#include "core/auth/authservice.h"
#include "core/domain/expected.h"
#include "core/realtime/portfolioupdate.h"
#include "server/ws/sendpool.h"
#include "server/ws/wsserver.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace clera {

class Broker;
class BrokerageAccountRepository;
class PortfolioSource;

// Live portfolio values over WebSocket.
// - ws://host:port/ws/portfolio/{account_id}?token=<JWT>: one account (the original clients' URL).
// - ws://host:port/ws: several accounts on one connection (operators). The token comes in the URL,
//   an Authorization header, or a first message {"type":"auth","token":…}; then
//   {"type":"subscribe"|"unsubscribe","account_ids":[…]}.
// A user may watch the accounts the store says they own, an operator any account the broker knows.
// Tokens are checked against the store (AuthService::authenticate) on connect and on every subscribe,
// and every connection again each revalidateIntervalMs: a disabled user or a demoted operator is
// disconnected (1008) before the token expires. Values come from a PortfolioSource (this process's
// tracker, or the calculator role over the bus), which is told to watch an account while at least one
// client watches it.
// Updates are serialised once per account per flush, straight into a complete WebSocket frame (UTF-8,
// header included) that every single-account client watching the account gets as the same QByteArray;
// a multi-account client gets one portfolio_updates frame built for it. One write per client per flush
// (server/ws: our own RFC 6455 transport writes on the descriptor directly and queues only what the
// kernel did not take); WEBSOCKET_FLUSH_INTERVAL spaces the flushes. The send(2) calls of a large flush
// are spread over WEBSOCKET_THREADS threads (ws::SendPool, fork-join); everything else — connections,
// notifiers, the maps here, timers — stays on the event-loop thread, which completes each write after
// the join (queues what the kernel did not take, closes on hard errors). A client whose unsent data exceeds
// kMaxBufferedBytes gets no more writes (its pending values keep only the latest per account) and is closed
// with 1008 when it stays that slow for kSlowClientCloseMs, so it never slows the others.
class WebSocketHub : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxMessageBytes = 64 * 1024;
    static constexpr qint64 kMaxBufferedBytes = 1024 * 1024;
    static constexpr qint64 kSlowClientCloseMs = 10'000;
    static constexpr int kMaxAccountsPerClient = 1000;
    static constexpr QStringView kPathPrefix = u"/ws/portfolio/";

    struct Options
    {
        QStringList allowedOrigins; // empty: any (non-browser clients send no Origin)
        int authTimeoutMs = 10'000; // /ws without a token in the handshake
        int revalidateIntervalMs = 30'000;
        // Least time between two flushes (writes to a client); 0: at the end of every event-loop turn.
        // The updates that arrive in between are coalesced, the latest per account.
        int flushIntervalMs = 0;
        // Connection limits (tests lower them); see ws::WsServer.
        ws::WsServer::Limits limits;
        // WEBSOCKET_THREADS: threads that make the send(2) calls of one flush, the event-loop thread
        // included; 0: min(4, QThread::idealThreadCount()); 1: all on the event-loop thread.
        int sendThreads = 0;
        // A flush with fewer direct writes than this sends them on the event-loop thread alone (the
        // handoff to the other threads costs more than it saves); tests lower it.
        int parallelSendMinimum = 256;
        // How long a client may stay above kMaxBufferedBytes unsent before it is closed; tests lower it.
        qint64 slowClientCloseMs = kSlowClientCloseMs;
    };

    WebSocketHub(AuthService *auth, Broker *broker, BrokerageAccountRepository *accounts,
                 PortfolioSource *source, Options options, QObject *parent = nullptr);
    ~WebSocketHub() override;

    [[nodiscard]] Expected<quint16, QString> listen(const QHostAddress &address, quint16 port);
    [[nodiscard]] quint16 port() const { return m_server.serverPort(); }
    // Authenticated clients currently connected.
    [[nodiscard]] int connectionCount() const { return m_authenticated; }
    [[nodiscard]] int watcherCount(const QString &accountId) const
    {
        const int index = m_accountIndex.value(accountId, -1);
        return index < 0 ? 0 : int(m_watched[size_t(index)].watchers.size());
    }
    // Accounts some client watches, and the slots kept for them (freed slots are reused).
    [[nodiscard]] int watchedAccounts() const { return int(m_accountIndex.size()); }
    [[nodiscard]] int accountSlots() const { return int(m_watched.size()); }
    // Since start: portfolio updates delivered (one per account and client) and frames written for them.
    [[nodiscard]] qint64 updatesSent() const { return m_updatesSent; }
    [[nodiscard]] qint64 framesWritten() const { return m_framesWritten; }
    // Threads that send in one flush (Options::sendThreads resolved), and the flushes that used them.
    [[nodiscard]] int sendThreads() const { return m_sendPool ? m_sendPool->threads() : 1; }
    [[nodiscard]] qint64 parallelFlushes() const { return m_parallelFlushes; }
    // Closes every client (1001 going away) and stops listening.
    void shutdown();

Q_SIGNALS:
    void connectionCountChanged(int count);

private:
    enum class Watch { Ok, Refused, Internal };
    struct Client
    {
        bool multi = false; // /ws
        bool authenticated = false;
        QString token;
        AuthenticatedUser user;
        QSet<QString> accounts;
        // The accounts (indexes into m_watched) with a value not yet written to this client, in arrival
        // order; the flush writes each one's latest value (WatchedAccount::frame).
        QList<int> pending;
        QSet<int> pendingSet; // the same, for multi-account clients
        qint64 slowSinceMs = -1;
        qint64 expiresAtMs = -1; // the token's expiry, a key of m_expiries while authenticated
    };

    using Socket = ws::WsConnection;
    void onNewConnection(Socket *socket);
    void onTextMessage(Socket *socket, const QByteArray &message);
    void onDisconnected(Socket *socket);
    void onPortfolioUpdated(const clera::PortfolioUpdate &update);

    void authenticate(Socket *socket, const QString &token);
    // Checks the client's token against the store again; false (and the socket is being closed) when
    // the user lost access or their role changed.
    [[nodiscard]] bool revalidate(Socket *socket);
    void revalidateAll();
    // Checks that the client may watch the account, then adds it; `done` reports the outcome.
    void watch(Socket *socket, const QString &accountId, std::function<void(Watch, const QString &)> done);
    void unwatch(Socket *socket, const QString &accountId);
    void subscribeMany(Socket *socket, const QStringList &accountIds);
    // Closes the connection with 1008 when its token expires: one timer for all clients, armed for the
    // earliest expiry (a timer per client made every timer start in the process walk thousands).
    void closeWhenExpired(Socket *socket, qint64 expiresAt);
    void closeExpired();
    void armExpiryTimer();
    void forgetExpiry(Socket *socket, const Client &client);
    void reject(Socket *socket, ws::CloseCode code, const QString &reason);
    void queue(Socket *socket, int account);
    static void dropPending(Client &client, int account);
    // The index of a watched account, given one if it has none yet; released when its last watcher goes
    // (its slot is then reused, so churn does not grow the table).
    [[nodiscard]] int intern(const QString &accountId);
    void release(int account);
    // Keeps the account's latest update for the next flush.
    void markChanged(int account, const PortfolioUpdate &update);
    void flush();
    // Sends the frames collected for direct writes (m_direct), over the send threads when there are
    // enough, then completes each write on this thread.
    void sendDirect();
    // One portfolio_updates frame with the pending accounts' latest values.
    [[nodiscard]] QByteArray batchFrame(const Client &client) const;

    AuthService *m_auth;
    Broker *m_broker;
    BrokerageAccountRepository *m_accounts;
    PortfolioSource *m_source;
    Options m_options;
    ws::WsServer m_server;
    QHash<Socket *, Client> m_clients;
    QSet<Socket *> m_dirty; // clients with pending updates
    // Every watched account has a small integer (its index in m_watched), looked up once where an
    // update or a watch enters the hub; the per-update path after that indexes vectors, not QString hashes.
    struct WatchedAccount
    {
        QString id;
        QList<Socket *> watchers;
        // Updates are serialised at the flush, once per account however many arrived since the last one:
        // the latest update since the last flush (listed in m_changedAccounts), then
        std::optional<PortfolioUpdate> changed;
        // the latest update as a complete text frame; the JSON starts at the header's end.
        QByteArray frame;
    };
    QHash<QString, int> m_accountIndex; // watched account id → its index in m_watched
    std::vector<WatchedAccount> m_watched;
    std::vector<int> m_freeSlots;       // indexes of m_watched nobody uses
    std::vector<int> m_changedAccounts; // indexes whose `changed` is set, in arrival order
    QTimer m_flush;
    std::unique_ptr<ws::SendPool> m_sendPool; // null with one send thread
    // One flush's writes that go straight to the descriptor: the connection, the frame (kept alive until
    // the write is completed) and the raw send, index for index. Kept between flushes for their capacity.
    struct DirectWrite
    {
        Socket *socket;
        QByteArray frame;
    };
    std::vector<DirectWrite> m_direct;
    std::vector<ws::SendPool::Item> m_directItems;
    qint64 m_parallelFlushes = 0;
    QTimer m_revalidate;
    QTimer m_expiry;
    std::multimap<qint64, Socket *> m_expiries; // token expiry (ms since the epoch) → client
    QElapsedTimer m_clock;
    qint64 m_lastFlushMs = std::numeric_limits<qint32>::min(); // m_clock's time of the last flush
    int m_authenticated = 0;
    qint64 m_updatesSent = 0;
    qint64 m_framesWritten = 0;
};

} // namespace clera
