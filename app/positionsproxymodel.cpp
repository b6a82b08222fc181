#include "positionsproxymodel.h"

using namespace Qt::StringLiterals;

namespace clera {

PositionsProxyModel::PositionsProxyModel(PositionsModel *source, QObject *parent)
    : QSortFilterProxyModel(parent), m_source(source)
{
    setSourceModel(source);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &PositionsProxyModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &PositionsProxyModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &PositionsProxyModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &PositionsProxyModel::countChanged);
    applySort();
}

void PositionsProxyModel::setSortKey(PositionsModel::SortKey key)
{
    if (m_sortKey == key)
        return;
    m_sortKey = key;
    applySort();
    Q_EMIT sortChanged();
}

void PositionsProxyModel::setDescending(bool descending)
{
    if (m_descending == descending)
        return;
    m_descending = descending;
    applySort();
    Q_EMIT sortChanged();
}

void PositionsProxyModel::setFilterText(const QString &text)
{
    if (m_filterText == text)
        return;
    m_filterText = text;
    invalidateRowsFilter();
    Q_EMIT filterTextChanged();
    Q_EMIT countChanged();
}

void PositionsProxyModel::sortBy(PositionsModel::SortKey key)
{
    if (key == m_sortKey) {
        m_descending = !m_descending;
    } else {
        m_sortKey = key;
        m_descending = key != PositionsModel::SortKey::Symbol;
    }
    applySort();
    Q_EMIT sortChanged();
}

void PositionsProxyModel::applySort()
{
    // lessThan always compares ascending; the direction is the proxy's sort order.
    sort(0, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
}

bool PositionsProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QString leftSymbol = left.data(PositionsModel::SymbolRole).toString();
    const QString rightSymbol = right.data(PositionsModel::SymbolRole).toString();
    if (m_sortKey != PositionsModel::SortKey::Symbol) {
        const auto a = m_source->sortValue(left.row(), m_sortKey);
        const auto b = m_source->sortValue(right.row(), m_sortKey);
        // Unknown figures sort below every known one.
        if (a.has_value() != b.has_value())
            return !a.has_value();
        if (a && *a != *b)
            return *a < *b;
    }
    return leftSymbol < rightSymbol;
}

bool PositionsProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty())
        return true;
    const QModelIndex at = m_source->index(sourceRow, 0, sourceParent);
    return at.data(PositionsModel::SymbolRole).toString().contains(m_filterText, Qt::CaseInsensitive)
        || at.data(PositionsModel::NameRole).toString().contains(m_filterText, Qt::CaseInsensitive);
}

} // namespace clera
