#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <optional>

namespace clera {

// One trade price for one symbol.
struct Tick
{
    QString symbol;
    Decimal price;
    Timestamp time;
};

// A source of live prices: SimFeed (embedded, deterministic) or AlpacaStream (market-data WebSocket).
// Subscriptions are sets: subscribing a symbol twice is the same as once (the SymbolRegistry counts
// holders; the feed does not).
class MarketFeed : public QObject
{
    Q_OBJECT
public:
    enum class Status { Disconnected, Connecting, Live, Degraded };
    Q_ENUM(Status)

    using QObject::QObject;
    ~MarketFeed() override = default;

    [[nodiscard]] virtual QString name() const = 0; // "sim", "alpaca"
    virtual void subscribe(const QStringList &symbols) = 0;
    virtual void unsubscribe(const QStringList &symbols) = 0;
    [[nodiscard]] virtual QStringList subscriptions() const = 0;

    // Latest known trade price, when one is known.
    [[nodiscard]] virtual std::optional<Decimal> lastPrice(const QString &symbol) const = 0;
    // The previous session's closing price, when known (for "today's return").
    [[nodiscard]] virtual std::optional<Decimal> previousClose(const QString &symbol) const = 0;

    [[nodiscard]] virtual Status status() const = 0;
    [[nodiscard]] virtual QString statusMessage() const = 0;

Q_SIGNALS:
    // Ticks arrive in batches (one per upstream frame or simulation step) to keep signal overhead off
    // the hot path.
    void ticks(const QList<clera::Tick> &batch);
    // A previous close became known or changed (new session, late snapshot).
    void previousCloseChanged(const QString &symbol);
    void statusChanged(clera::MarketFeed::Status status);
};

} // namespace clera

Q_DECLARE_METATYPE(clera::Tick)
