#include "symbolregistry.h"

#include "core/marketdata/marketfeed.h"

namespace clera {

SymbolRegistry::SymbolRegistry(MarketFeed *feed, QObject *parent) : QObject(parent), m_feed(feed) {}

void SymbolRegistry::setHolderSymbols(const QString &holder, const QSet<QString> &symbols)
{
    if (symbols.isEmpty()) {
        removeHolder(holder);
        return;
    }
    QSet<QString> &current = m_byHolder[holder];
    QStringList added, removed;
    for (const QString &s : symbols) {
        if (!current.contains(s) && m_refs[s]++ == 0)
            added.append(s);
    }
    for (const QString &s : std::as_const(current)) {
        if (!symbols.contains(s) && --m_refs[s] == 0) {
            m_refs.remove(s);
            removed.append(s);
        }
    }
    current = symbols;
    if (!removed.isEmpty()) {
        if (m_feed)
            m_feed->unsubscribe(removed);
        Q_EMIT symbolsRemoved(removed);
    }
    if (!added.isEmpty()) {
        if (m_feed)
            m_feed->subscribe(added);
        Q_EMIT symbolsAdded(added);
    }
}

void SymbolRegistry::removeHolder(const QString &holder)
{
    const auto it = m_byHolder.find(holder);
    if (it == m_byHolder.end())
        return;
    QStringList removed;
    for (const QString &s : std::as_const(*it)) {
        if (--m_refs[s] == 0) {
            m_refs.remove(s);
            removed.append(s);
        }
    }
    m_byHolder.erase(it);
    if (!removed.isEmpty()) {
        if (m_feed)
            m_feed->unsubscribe(removed);
        Q_EMIT symbolsRemoved(removed);
    }
}

} // namespace clera
