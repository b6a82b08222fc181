#pragma once

#include "core/marketdata/marketfeed.h"
#include "core/marketdata/simrandom.h"

#include <QHash>
#include <QList>

#include <functional>

class QTimer;

namespace clera {

class AssetCatalog;

// The embedded simulated market: a deterministic, replayable price process over the catalog's
// assets, so the app runs out of the box with no keys. The same seed, subscriptions and number of
// step() calls give the same ticks. Prices are exact cents; every catalog symbol has a previous close
// near its reference price and a current price (it only moves while subscribed).
class SimFeed : public MarketFeed
{
    Q_OBJECT
public:
    struct Options
    {
        quint64 seed = 1;
        int ticksPerSecond = 20; // across all subscribed symbols
        int stepIntervalMs = 250;
    };
    using Clock = std::function<Timestamp()>;

    SimFeed(const AssetCatalog &catalog, Options options, QObject *parent = nullptr);
    ~SimFeed() override;

    [[nodiscard]] QString name() const override;
    void subscribe(const QStringList &symbols) override;
    void unsubscribe(const QStringList &symbols) override;
    [[nodiscard]] QStringList subscriptions() const override; // sorted
    [[nodiscard]] std::optional<Decimal> lastPrice(const QString &symbol) const override;
    [[nodiscard]] std::optional<Decimal> previousClose(const QString &symbol) const override;
    [[nodiscard]] Status status() const override { return m_status; }
    [[nodiscard]] QString statusMessage() const override;

    [[nodiscard]] const Options &options() const { return m_options; }
    // Ticks per step while anything is subscribed: round(ticksPerSecond × stepIntervalMs / 1000), at least 1.
    [[nodiscard]] int ticksPerStep() const { return m_ticksPerStep; }
    [[nodiscard]] bool isRunning() const;
    // Time stamp source for ticks (Timestamp::now by default); tests inject a fixed clock.
    void setClock(Clock clock);

public Q_SLOTS:
    // Advances the market by one step now: one ticks() batch when anything is subscribed.
    void step();
    // Steps every stepIntervalMs on a precise timer; status becomes Live.
    void start();
    // Stops the timer; status becomes Disconnected. Prices are kept.
    void stop();

private:
    struct SymbolState
    {
        QString symbol;
        qint64 previousCloseCents = 0;
        qint64 priceMicros = 0; // finer than a cent so small moves of cheap stocks accumulate
        qint64 sigma = 0;       // per-tick standard deviation of the return, in units of 1e-8
        SimRandom rng{0};
    };

    [[nodiscard]] const SymbolState *state(const QString &symbol) const;
    static void advance(SymbolState &s);
    void setStatus(Status status);

    Options m_options;
    int m_ticksPerStep = 1;
    QList<SymbolState> m_states;
    QHash<QString, qsizetype> m_index;
    QList<qsizetype> m_subscribed; // indices into m_states, sorted by symbol
    SimRandom m_scheduler;
    Clock m_clock;
    QTimer *m_timer = nullptr;
    Status m_status = Status::Disconnected;
};

} // namespace clera
