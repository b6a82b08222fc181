#include "sendpool.h"

#include <cerrno>
#include <sys/socket.h>

namespace clera::ws {

SendPool::SendPool(int threads)
{
    for (int i = 1; i < threads; ++i)
        m_workers.emplace_back([this, i] { work(i); });
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

std::span<SendPool::Item> SendPool::slice(int index) const
{
    const auto count = m_items.size();
    const auto parts = size_t(threads());
    const size_t first = count * size_t(index) / parts;
    const size_t last = count * size_t(index + 1) / parts;
    return m_items.subspan(first, last - first);
}

void SendPool::run(std::span<Item> items)
{
    if (m_workers.empty()) {
        for (Item &item : items)
            send(item);
        return;
    }
    std::span<Item> mine;
    {
        const std::lock_guard lock(m_mutex);
        m_items = items;
        m_running = int(m_workers.size());
        ++m_generation;
        mine = slice(0);
    }
    m_start.notify_all();
    for (Item &item : mine)
        send(item);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_running == 0; });
    m_items = {};
}

void SendPool::work(int index)
{
    quint64 seen = 0;
    for (;;) {
        std::span<Item> mine;
        {
            std::unique_lock lock(m_mutex);
            m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop)
                return;
            seen = m_generation;
            mine = slice(index);
        }
        for (Item &item : mine)
            send(item);
        bool last = false;
        {
            const std::lock_guard lock(m_mutex);
            last = --m_running == 0;
        }
        if (last)
            m_done.notify_one();
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
