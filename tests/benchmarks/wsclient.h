#pragma once

// A lean WebSocket client swarm for the load generator: raw non-blocking sockets on epoll, spread over
// a few threads, no QWebSocket, no QString or JSON per message. It speaks just enough RFC 6455 for a
// clera-server WebSocket: the HTTP upgrade (its Sec-WebSocket-Accept checked), masked client frames
// (pong, close), server frames parsed (text, continuation, ping, pong, close). An update is counted by
// finding "raw_value": in the text, so a `portfolio_updates` batch counts each of its updates; only
// probe clients read the value, to turn it into a latency. Anything off-protocol — a handshake answer
// other than 101 with the right accept key, a malformed or masked or binary frame — is a failure the
// benchmark reports and exits on.

#include "benchsupport.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace clera::bench {

struct ClientTarget
{
    quint16 port = 0;    // on 127.0.0.1
    QByteArray resource; // path and query, e.g. /ws/portfolio/<id>?token=…
    bool probe = false;  // read raw_value and turn it into a latency
};

class LeanClients
{
public:
    struct Options
    {
        int threads = 1;
        // Connections opened but without a first value yet, over every thread: the servers' accept
        // queues are finite, and a websocket role checks each watched account at the broker first.
        int handshakesInFlight = 200;
    };

    LeanClients(const ProbeClock &clock, Options options);
    ~LeanClients();
    LeanClients(const LeanClients &) = delete;
    LeanClients &operator=(const LeanClients &) = delete;

    // Connects the targets (spread round-robin over the threads) and keeps them served until stop().
    void start(const std::vector<ClientTarget> &targets);
    void stop();

    std::atomic<int> connected{0};    // handshakes completed
    std::atomic<int> withValue{0};    // clients that received at least one update
    std::atomic<int> closed{0};       // connections the server closed (or refused, or reset)
    std::atomic<quint64> updates{0};  // updates received while measuring
    std::atomic<quint64> messages{0}; // text messages received while measuring
    std::atomic<bool> measuring{false};

    // Latencies (ns) of probe updates received while measuring.
    [[nodiscard]] std::vector<qint64> takeLatencies();
    // The first protocol failure, empty while there is none.
    [[nodiscard]] QString failure() const;
    // "1008 client too slow ×3, …": why connections ended, for the report.
    [[nodiscard]] QString closeSummary() const;

private:
    class Worker;
    friend class Worker;

    void fail(const QString &message);
    void noteClose(const QString &why);
    void addLatency(qint64 nanos);

    const ProbeClock &m_clock;
    Options m_options;
    std::vector<std::unique_ptr<Worker>> m_workers;
    mutable std::mutex m_mutex;
    std::vector<qint64> m_latencies;
    QString m_failure;
    std::map<QString, int> m_closes;
};

} // namespace clera::bench
