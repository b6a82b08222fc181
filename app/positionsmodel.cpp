#include "positionsmodel.h"

#include "core/domain/money.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketfeed.h"
#include "core/realtime/portfoliotracker.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kUnknown = u"—"_s;

// Text columns in Row::text, in role order from QtyRole.
enum TextColumn { QtyText, PriceText, MarketValueText, DayChangeText, DayChangePercentText, WeightText, TextCount };

QString formatQty(Decimal qty)
{
    // Whole shares as integers; fractional shares with 4 places so the column's decimals line up.
    if (qty.fractionalDigits() == 0)
        return qty.toString();
    return qty.toFixed(4, RoundingMode::HalfUp);
}

} // namespace

PositionsModel::PositionsModel(PortfolioTracker *tracker, MarketFeed *feed, const AssetCatalog *catalog,
                               QObject *parent)
    : QAbstractListModel(parent), m_tracker(tracker), m_feed(feed), m_catalog(catalog)
{
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(250);
    connect(&m_refresh, &QTimer::timeout, this, &PositionsModel::refresh);
    connect(m_feed, &MarketFeed::ticks, this, &PositionsModel::onTicks);
    connect(m_feed, &MarketFeed::previousCloseChanged, this, [this](const QString &symbol) {
        for (Row &row : m_rows) {
            if (row.symbol == symbol) {
                row.previousClose = m_feed->previousClose(symbol);
                if (!m_refresh.isActive())
                    m_refresh.start();
            }
        }
    });
    connect(m_tracker, &PortfolioTracker::accountLoaded, this, [this](const QString &accountId) {
        if (accountId == m_accountId)
            reload();
    });
    connect(m_tracker, &PortfolioTracker::accountFailed, this,
            [this](const QString &accountId, const BrokerError &error) {
                if (accountId.isEmpty() || accountId == m_accountId)
                    setError(error.message);
            });
    // Cash changes move every weight, even without a tick.
    connect(m_tracker, &PortfolioTracker::portfolioUpdated, this, [this](const PortfolioUpdate &update) {
        if (update.accountId == m_accountId && !m_refresh.isActive())
            m_refresh.start();
    });
}

void PositionsModel::setAccount(const QString &accountId)
{
    m_accountId = accountId;
    if (m_tracker->latest(accountId))
        reload();
}

void PositionsModel::setError(const QString &error)
{
    if (m_error == error)
        return;
    const bool wasLoading = loading();
    m_error = error;
    Q_EMIT errorChanged();
    if (wasLoading != loading())
        Q_EMIT loadingChanged();
}

void PositionsModel::reload()
{
    const QList<Position> positions = m_tracker->positions(m_accountId);
    const qsizetype oldCount = m_rows.size();
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(positions.size());
    for (const Position &p : positions) {
        Row row;
        row.symbol = p.symbol;
        const AssetCatalog::Entry *entry = m_catalog ? m_catalog->find(p.symbol) : nullptr;
        row.name = entry ? entry->asset.name : p.symbol;
        row.qty = p.qty;
        row.price = m_feed->lastPrice(p.symbol);
        if (!row.price)
            row.price = p.currentPrice;
        row.previousClose = m_feed->previousClose(p.symbol);
        if (!row.previousClose)
            row.previousClose = p.lastdayPrice;
        m_rows.append(row);
    }
    const auto total = totalValue();
    for (Row &row : m_rows)
        format(row, total);
    endResetModel();
    if (oldCount != m_rows.size())
        Q_EMIT countChanged();
    updateMovers();
    setError({});
    if (m_loading) {
        m_loading = false;
        Q_EMIT loadingChanged();
    }
}

void PositionsModel::onTicks(const QList<Tick> &batch)
{
    bool touched = false;
    for (const Tick &tick : batch) {
        for (Row &row : m_rows) {
            if (row.symbol == tick.symbol) {
                row.price = tick.price;
                touched = true;
                break;
            }
        }
    }
    if (touched && !m_refresh.isActive())
        m_refresh.start();
}

void PositionsModel::refresh()
{
    m_refresh.stop();
    const auto total = totalValue();
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (format(m_rows[i], total)) {
            const QModelIndex at = index(int(i));
            Q_EMIT dataChanged(at, at,
                               {QtyRole, PriceRole, MarketValueRole, DayChangeRole, DayChangePercentRole, WeightRole,
                                IsUpRole, IsDownRole, WeightFractionRole});
        }
    }
    updateMovers();
}

void PositionsModel::updateMovers()
{
    std::optional<Decimal> bestChange;
    std::optional<Decimal> worstChange;
    const Row *best = nullptr;
    const Row *worst = nullptr;
    for (const Row &row : std::as_const(m_rows)) {
        const auto change = dayChangeFraction(row);
        if (!change)
            continue;
        if (!bestChange || *change > *bestChange) {
            bestChange = change;
            best = &row;
        }
        if (!worstChange || *change < *worstChange) {
            worstChange = change;
            worst = &row;
        }
    }
    const auto mover = [](const Row *row, std::optional<Decimal> change) {
        Mover m;
        if (!row)
            return m;
        m.symbol = row->symbol;
        m.changePercent = formatPercent(*change, true);
        const Decimal shown = (*change * Decimal(100)).rounded(2, RoundingMode::HalfUp);
        m.positive = shown.isPositive();
        m.negative = shown.isNegative();
        return m;
    };
    const Mover newBest = mover(best, bestChange);
    const Mover newWorst = mover(worst, worstChange);
    if (newBest == m_best && newWorst == m_worst)
        return;
    m_best = newBest;
    m_worst = newWorst;
    Q_EMIT moversChanged();
}

std::optional<Decimal> PositionsModel::totalValue() const
{
    const auto latest = m_tracker->latest(m_accountId);
    if (!latest)
        return std::nullopt;
    Decimal total = latest->cash;
    for (const Row &row : m_rows) {
        const auto value = marketValue(row);
        if (!value)
            return std::nullopt;
        total += *value;
    }
    return total;
}

std::optional<Decimal> PositionsModel::marketValue(const Row &row) const
{
    if (!row.price)
        return std::nullopt;
    return row.qty * *row.price;
}

std::optional<Decimal> PositionsModel::dayChange(const Row &row) const
{
    if (!row.price || !row.previousClose)
        return std::nullopt;
    return row.qty * (*row.price - *row.previousClose);
}

std::optional<Decimal> PositionsModel::dayChangeFraction(const Row &row) const
{
    if (!row.price || !row.previousClose)
        return std::nullopt;
    return (*row.price - *row.previousClose).checkedDiv(*row.previousClose);
}

bool PositionsModel::format(Row &row, std::optional<Decimal> total) const
{
    QStringList text(TextCount);
    text[QtyText] = formatQty(row.qty);
    text[PriceText] = row.price ? formatUsd(*row.price) : kUnknown;
    const auto value = marketValue(row);
    text[MarketValueText] = value ? formatUsd(*value) : kUnknown;
    const auto change = dayChange(row);
    text[DayChangeText] = change ? formatSignedUsd(*change) : kUnknown;
    const auto fraction = dayChangeFraction(row);
    text[DayChangePercentText] = fraction ? formatPercent(*fraction, true) : kUnknown;
    std::optional<Decimal> weight;
    if (value && total && total->isPositive())
        weight = value->checkedDiv(*total);
    text[WeightText] = weight ? formatPercent(*weight) : kUnknown;

    const Decimal cents = change ? change->rounded(2, RoundingMode::HalfUp) : Decimal();
    const bool isUp = cents.isPositive();
    const bool isDown = cents.isNegative();
    if (text == row.text && isUp == row.isUp && isDown == row.isDown)
        return false;
    row.text = text;
    row.isUp = isUp;
    row.isDown = isDown;
    // Display only: the bar's length follows the rounded percentage shown next to it.
    row.weightFraction = weight ? weight->rounded(4).toDouble() : 0.0;
    return true;
}

int PositionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PositionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SymbolRole:
        return row.symbol;
    case NameRole:
        return row.name;
    case QtyRole:
        return row.text.value(QtyText);
    case PriceRole:
        return row.text.value(PriceText);
    case MarketValueRole:
        return row.text.value(MarketValueText);
    case DayChangeRole:
        return row.text.value(DayChangeText);
    case DayChangePercentRole:
        return row.text.value(DayChangePercentText);
    case WeightRole:
        return row.text.value(WeightText);
    case IsUpRole:
        return row.isUp;
    case IsDownRole:
        return row.isDown;
    case WeightFractionRole:
        return row.weightFraction;
    default:
        return {};
    }
}

QHash<int, QByteArray> PositionsModel::roleNames() const
{
    return {
        {SymbolRole, "symbol"},
        {NameRole, "name"},
        {QtyRole, "qty"},
        {PriceRole, "price"},
        {MarketValueRole, "marketValue"},
        {DayChangeRole, "dayChange"},
        {DayChangePercentRole, "dayChangePercent"},
        {WeightRole, "weight"},
        {IsUpRole, "isUp"},
        {IsDownRole, "isDown"},
        {WeightFractionRole, "weightFraction"},
    };
}

std::optional<Decimal> PositionsModel::sortValue(int row, SortKey key) const
{
    const Row &r = m_rows.at(row);
    switch (key) {
    case SortKey::Symbol:
        return std::nullopt;
    case SortKey::Qty:
        return r.qty;
    case SortKey::Price:
        return r.price;
    case SortKey::MarketValue:
        return marketValue(r);
    case SortKey::DayChange:
        return dayChange(r);
    case SortKey::DayChangePercent:
        return dayChangeFraction(r);
    case SortKey::Weight:
        return marketValue(r); // same order as the weight, without the division
    }
    return std::nullopt;
}

} // namespace clera
