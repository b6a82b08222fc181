#pragma once

#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace clera::ws {

// The raw send(2) calls of one flush spread over a few threads, fork-join: run() wakes the workers and
// every thread, the caller included, claims chunks of the items from a shared counter until none are
// left; run() returns when every claimed chunk is done. A worker that is not scheduled in time (the
// machine busy) simply claims nothing: the caller never waits for a thread that has not started, only
// for chunks in progress. The threads are started once and wait on a condition variable between flushes.
// Only descriptors and bytes cross threads: each item records what the kernel took and the errno of a
// hard failure, and the caller does everything stateful (queue the rest, notifiers, close) on its own
// thread after run() returns. The descriptors must stay open and the bytes unchanged until then; a
// descriptor must not appear twice in one run (its bytes would interleave).
class SendPool
{
public:
    struct Item
    {
        int fd = -1;
        const char *data = nullptr;
        qsizetype size = 0;
        qsizetype sent = 0; // bytes the kernel took
        int error = 0;      // errno of a hard failure (EPIPE, ECONNRESET, …); 0: none (EAGAIN is none)
    };

    // `threads` counts the caller: threads - 1 workers are started (none for 1).
    explicit SendPool(int threads);
    ~SendPool();
    SendPool(const SendPool &) = delete;
    SendPool &operator=(const SendPool &) = delete;

    [[nodiscard]] int threads() const { return int(m_workers.size()) + 1; }
    // Sends every item (what the kernel takes without blocking); returns when all slices are done.
    void run(std::span<Item> items);
    // One item on the calling thread: send(2) with MSG_NOSIGNAL | MSG_DONTWAIT until all is taken,
    // the socket is full (EAGAIN) or a hard error.
    static void send(Item &item);

private:
    void work();
    // Claims and sends chunks of the run `generation` until none are left or another run started.
    void sendChunks(std::span<Item> items, quint32 generation, size_t chunk);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_start;
    std::condition_variable m_done;
    std::span<Item> m_items;  // the current run's, published under m_mutex
    quint32 m_generation = 0; // bumped per run, under m_mutex
    size_t m_chunk = 1;       // items per claim in the current run
    // The run's generation (high 32 bits) and its next unclaimed item (low 32 bits): a claim only
    // succeeds for the run it was woken for, so a late worker never touches another run's items.
    std::atomic<quint64> m_next{0};
    std::atomic<size_t> m_finished{0}; // items of the current run done
    bool m_stop = false;
};

} // namespace clera::ws
