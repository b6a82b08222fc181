#pragma once

#include "core/marketdata/marketfeed.h"

#include <QHash>
#include <QSet>

namespace clera {

// A MarketFeed whose prices the test sets; tick() also emits them the way a live feed would.
class ManualFeed : public MarketFeed
{
    Q_OBJECT
public:
    using MarketFeed::MarketFeed;

    [[nodiscard]] QString name() const override { return QStringLiteral("manual"); }
    void subscribe(const QStringList &symbols) override
    {
        for (const QString &s : symbols)
            m_subscriptions.insert(s);
    }
    void unsubscribe(const QStringList &symbols) override
    {
        for (const QString &s : symbols)
            m_subscriptions.remove(s);
    }
    [[nodiscard]] QStringList subscriptions() const override { return m_subscriptions.values(); }
    [[nodiscard]] bool isSubscribed(const QString &symbol) const { return m_subscriptions.contains(symbol); }

    [[nodiscard]] std::optional<Decimal> lastPrice(const QString &symbol) const override
    {
        const auto it = m_last.constFind(symbol);
        return it == m_last.cend() ? std::nullopt : std::optional<Decimal>(*it);
    }
    [[nodiscard]] std::optional<Decimal> previousClose(const QString &symbol) const override
    {
        const auto it = m_previous.constFind(symbol);
        return it == m_previous.cend() ? std::nullopt : std::optional<Decimal>(*it);
    }
    [[nodiscard]] Status status() const override { return Status::Live; }
    [[nodiscard]] QString statusMessage() const override { return {}; }

    void setPrice(const QString &symbol, Decimal price) { m_last.insert(symbol, price); }
    void clearPrice(const QString &symbol) { m_last.remove(symbol); }
    void setPreviousClose(const QString &symbol, Decimal price)
    {
        m_previous.insert(symbol, price);
        Q_EMIT previousCloseChanged(symbol);
    }
    void tick(const QString &symbol, Decimal price)
    {
        m_last.insert(symbol, price);
        Q_EMIT ticks({Tick{symbol, price, Timestamp::now()}});
    }

private:
    QSet<QString> m_subscriptions;
    QHash<QString, Decimal> m_last;
    QHash<QString, Decimal> m_previous;
};

} // namespace clera
