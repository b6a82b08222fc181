#include "sendpool.h"

#include <algorithm>
#include <cerrno>
#include <sys/socket.h>

namespace clera::ws {

namespace {

constexpr quint64 kIndexMask = 0xFFFF'FFFFULL;
constexpr size_t kChunk = 32; // items per claim

} // namespace

SendPool::SendPool(int threads)
{
    for (int i = 1; i < threads; ++i)
        m_workers.emplace_back([this] { work(); });
}

SendPool::~SendPool()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_start.notify_all();
    for (std::thread &worker : m_workers)
        worker.join();
}

void SendPool::run(std::span<Item> items)
{
    if (m_workers.empty() || items.size() > kIndexMask) {
        for (Item &item : items)
            send(item);
        return;
    }
    quint32 generation = 0;
    // Small, so that a worker the scheduler preempts in the middle of its chunk holds up the join for
    // few sends (≈ 0.3 ms of them); a claim is one compare-and-swap per chunk.
    const size_t chunk = kChunk;
    {
        const std::lock_guard lock(m_mutex);
        m_items = items;
        m_chunk = chunk;
        generation = ++m_generation;
        m_finished.store(0, std::memory_order_relaxed);
        m_next.store(quint64(generation) << 32, std::memory_order_release);
    }
    m_start.notify_all();
    sendChunks(items, generation, chunk);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return m_finished.load(std::memory_order_acquire) == items.size(); });
    m_items = {};
}

void SendPool::sendChunks(std::span<Item> items, quint32 generation, size_t chunk)
{
    quint64 next = m_next.load(std::memory_order_acquire);
    for (;;) {
        if (quint32(next >> 32) != generation || (next & kIndexMask) >= items.size())
            return;
        if (!m_next.compare_exchange_weak(next, next + chunk, std::memory_order_acq_rel))
            continue; // `next` reloaded
        const size_t first = size_t(next & kIndexMask);
        const size_t last = std::min(items.size(), first + chunk);
        for (size_t i = first; i < last; ++i)
            send(items[i]);
        const size_t done = m_finished.fetch_add(last - first, std::memory_order_acq_rel) + (last - first);
        if (done == items.size()) {
            const std::lock_guard lock(m_mutex); // the waiter checks under it: no lost wake-up
            m_done.notify_one();
            return;
        }
        next = m_next.load(std::memory_order_acquire);
    }
}

void SendPool::work()
{
    quint32 seen = 0;
    for (;;) {
        std::span<Item> items;
        quint32 generation = 0;
        size_t chunk = 1;
        {
            std::unique_lock lock(m_mutex);
            m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop)
                return;
            seen = generation = m_generation;
            items = m_items;
            chunk = m_chunk;
        }
        sendChunks(items, generation, chunk);
    }
}

void SendPool::send(Item &item)
{
    while (item.sent < item.size) {
        const ssize_t n = ::send(item.fd, item.data + item.sent, size_t(item.size - item.sent),
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            item.sent += n;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            item.error = errno;
        return;
    }
}

} // namespace clera::ws
