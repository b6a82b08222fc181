#include "simfeed.h"

#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketdatalog.h"

#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr qint64 kMicrosPerCent = 10'000;
constexpr qint64 kMinMicros = kMicrosPerCent; // $0.01
// Returns are integers in units of 1e-8: one basis point is 10'000.
constexpr qint64 kReturnScale = 100'000'000;
constexpr qint64 kBasisPoint = kReturnScale / 10'000;
// Pull towards the previous close per tick, in parts per million of the deviation. With a few bp of
// noise per tick this keeps the stationary spread of the price at a few percent around the close.
constexpr qint64 kMeanReversionPpm = 40;
// Keeps the scheduler's stream apart from the per-symbol streams derived from the same seed.
constexpr quint64 kSchedulerSalt = 0x5c4e'd41e'0f5e'ed00ULL;

qint64 centsOf(Decimal d)
{
    constexpr Decimal::Raw rawPerCent = Decimal::kOne / 100;
    return qint64(d.rounded(2).raw() / rawPerCent);
}

// value × (10'000 + bp) / 10'000, rounded half up (value > 0).
qint64 scaleByBp(qint64 value, qint64 bp)
{
    return qint64((Int128(value) * (10'000 + bp) + 5'000) / 10'000);
}

qint64 microsToCents(qint64 micros)
{
    return std::max<qint64>(1, (micros + kMicrosPerCent / 2) / kMicrosPerCent);
}

} // namespace

SimFeed::SimFeed(const AssetCatalog &catalog, Options options, QObject *parent)
    : MarketFeed(parent), m_options(options), m_scheduler(options.seed ^ kSchedulerSalt),
      m_timer(new QTimer(this))
{
    m_options.ticksPerSecond = std::max(1, m_options.ticksPerSecond);
    m_options.stepIntervalMs = std::max(1, m_options.stepIntervalMs);
    const qint64 perStep = (qint64(m_options.ticksPerSecond) * m_options.stepIntervalMs + 500) / 1000;
    m_ticksPerStep = int(std::clamp<qint64>(perStep, 1, 1'000'000));

    m_states.reserve(catalog.size());
    for (const AssetCatalog::Entry &e : catalog.entries()) {
        SymbolState s;
        s.symbol = e.asset.symbol;
        s.rng = SimRandom(m_options.seed ^ SimRandom::hash(s.symbol));
        const qint64 closeOffsetBp = s.rng.uniform(-300, 300);
        s.previousCloseCents = std::max<qint64>(1, scaleByBp(centsOf(e.referencePrice), closeOffsetBp));

        // The overnight gap is never zero at cent precision, so "today's return" shows from the start.
        const qint64 gapSign = s.rng.below(2) ? 1 : -1;
        const qint64 gapBp = gapSign * s.rng.uniform(20, 200);
        qint64 openCents = microsToCents(scaleByBp(s.previousCloseCents * kMicrosPerCent, gapBp));
        if (openCents == s.previousCloseCents)
            openCents = std::max<qint64>(1, openCents + gapSign);
        if (openCents == s.previousCloseCents)
            openCents += 1;
        s.priceMicros = openCents * kMicrosPerCent;

        // 0.8–2 bp per tick for stocks, half that for ETFs: with the pull towards the close this keeps
        // the intraday spread near 1–2 % even when one symbol takes every tick (72,000 an hour).
        s.sigma = (e.type == u"etf" ? s.rng.uniform(4, 10) : s.rng.uniform(8, 20)) * kBasisPoint / 10;

        m_index.insert(s.symbol, m_states.size());
        m_states.append(std::move(s));
    }

    m_timer->setTimerType(Qt::PreciseTimer);
    m_timer->setInterval(m_options.stepIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &SimFeed::step);
}

SimFeed::~SimFeed() = default;

QString SimFeed::name() const
{
    return u"sim"_s;
}

QString SimFeed::statusMessage() const
{
    const QString details = u"seed %1, %2 ticks/s"_s.arg(m_options.seed).arg(m_options.ticksPerSecond);
    if (m_status == Status::Live)
        return u"Simulated market (%1)"_s.arg(details);
    return u"Simulated market stopped (%1)"_s.arg(details);
}

const SimFeed::SymbolState *SimFeed::state(const QString &symbol) const
{
    auto it = m_index.constFind(symbol);
    if (it == m_index.cend())
        it = m_index.constFind(symbol.toUpper());
    return it == m_index.cend() ? nullptr : &m_states.at(*it);
}

void SimFeed::subscribe(const QStringList &symbols)
{
    QStringList unknown;
    for (const QString &symbol : symbols) {
        const SymbolState *s = state(symbol);
        if (!s) {
            unknown.append(symbol);
            continue;
        }
        const qsizetype index = s - m_states.constData();
        const auto bySymbol = [this](qsizetype a, qsizetype b) {
            return m_states.at(a).symbol < m_states.at(b).symbol;
        };
        const auto pos = std::lower_bound(m_subscribed.begin(), m_subscribed.end(), index, bySymbol);
        if (pos == m_subscribed.end() || *pos != index)
            m_subscribed.insert(pos, index);
    }
    if (!unknown.isEmpty())
        qCWarning(lcMarketData) << "sim feed: ignoring unknown symbols" << unknown;
}

void SimFeed::unsubscribe(const QStringList &symbols)
{
    for (const QString &symbol : symbols) {
        if (const SymbolState *s = state(symbol))
            m_subscribed.removeOne(s - m_states.constData());
    }
}

QStringList SimFeed::subscriptions() const
{
    QStringList out;
    out.reserve(m_subscribed.size());
    for (qsizetype index : m_subscribed)
        out.append(m_states.at(index).symbol);
    return out;
}

std::optional<Decimal> SimFeed::lastPrice(const QString &symbol) const
{
    const SymbolState *s = state(symbol);
    if (!s)
        return std::nullopt;
    return Decimal::fromCents(microsToCents(s->priceMicros));
}

std::optional<Decimal> SimFeed::previousClose(const QString &symbol) const
{
    const SymbolState *s = state(symbol);
    if (!s)
        return std::nullopt;
    return Decimal::fromCents(s->previousCloseCents);
}

void SimFeed::advance(SymbolState &s)
{
    const qint64 closeMicros = s.previousCloseCents * kMicrosPerCent;
    const auto deviation = qint64(Int128(s.priceMicros - closeMicros) * kReturnScale / closeMicros);
    const qint64 noise = s.sigma * s.rng.normal() / SimRandom::kNormalScale;
    const qint64 drift = -deviation * kMeanReversionPpm / 1'000'000;
    const qint64 r = std::max(noise + drift, -kReturnScale / 2);
    const auto next = qint64((Int128(s.priceMicros) * (kReturnScale + r) + kReturnScale / 2) / kReturnScale);
    s.priceMicros = std::max(next, kMinMicros);
}

void SimFeed::step()
{
    if (m_subscribed.isEmpty())
        return;
    const Timestamp now = m_clock ? m_clock() : Timestamp::now();
    QList<Tick> batch;
    batch.reserve(m_ticksPerStep);
    for (int i = 0; i < m_ticksPerStep; ++i) {
        const auto pick = qsizetype(m_scheduler.below(quint64(m_subscribed.size())));
        SymbolState &s = m_states[m_subscribed.at(pick)];
        advance(s);
        batch.append(Tick{s.symbol, Decimal::fromCents(microsToCents(s.priceMicros)), now});
    }
    Q_EMIT ticks(batch);
}

bool SimFeed::isRunning() const
{
    return m_timer->isActive();
}

void SimFeed::setClock(Clock clock)
{
    m_clock = std::move(clock);
}

void SimFeed::start()
{
    if (!m_timer->isActive())
        m_timer->start();
    setStatus(Status::Live);
}

void SimFeed::stop()
{
    m_timer->stop();
    setStatus(Status::Disconnected);
}

void SimFeed::setStatus(Status status)
{
    if (m_status == status)
        return;
    m_status = status;
    qCInfo(lcMarketData).noquote() << statusMessage();
    Q_EMIT statusChanged(m_status);
}

} // namespace clera
