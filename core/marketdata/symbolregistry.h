#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>

namespace clera {

class MarketFeed;

// Asks the feed for exactly the union of the symbols its holders need, each symbol once however many
// holders want it. A holder is any key (an account id, "orders:<account>", a watchlist) with a set of
// symbols; replacing a holder's set subscribes what is new and unsubscribes what nobody holds anymore.
class SymbolRegistry : public QObject
{
    Q_OBJECT
public:
    explicit SymbolRegistry(MarketFeed *feed, QObject *parent = nullptr);

    void setHolderSymbols(const QString &holder, const QSet<QString> &symbols);
    void removeHolder(const QString &holder);

    [[nodiscard]] int holderCount(const QString &symbol) const { return m_refs.value(symbol); }
    [[nodiscard]] QStringList symbols() const { return m_refs.keys(); }
    [[nodiscard]] qsizetype symbolCount() const { return m_refs.size(); }

Q_SIGNALS:
    void symbolsAdded(const QStringList &symbols);
    void symbolsRemoved(const QStringList &symbols);

private:
    MarketFeed *m_feed;
    QHash<QString, int> m_refs;
    QHash<QString, QSet<QString>> m_byHolder;
};

} // namespace clera
