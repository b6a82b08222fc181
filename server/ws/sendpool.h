#pragma once

#include <QtGlobal>

#include <condition_variable>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace clera::ws {

// The raw send(2) calls of one flush spread over a few threads, fork-join: run() hands each worker a
// contiguous slice of the items, does the first slice itself and returns when all are done. The threads
// are started once and wait on a condition variable between flushes. Only descriptors and bytes cross
// threads: each item records what the kernel took and the errno of a hard failure, and the caller does
// everything stateful (queue the rest, notifiers, close) on its own thread after run() returns. The
// descriptors must stay open and the bytes unchanged until then; an item's descriptor must not appear
// twice in one run (its bytes would interleave).
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
    void work(int slice);
    [[nodiscard]] std::span<Item> slice(int index) const;

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_start;
    std::condition_variable m_done;
    std::span<Item> m_items;   // the current run's, guarded by m_mutex for the handoff
    quint64 m_generation = 0;  // bumped per run: a worker runs each generation once
    int m_running = 0;         // workers not done with the current run
    bool m_stop = false;
};

} // namespace clera::ws
