#pragma once

#include "positionsmodel.h"

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace clera {

// Sorts the positions by an exact key (not by display text) and filters them by symbol or name.
class PositionsProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")

    Q_PROPERTY(clera::PositionsModel::SortKey sortKey READ sortKey WRITE setSortKey NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending WRITE setDescending NOTIFY sortChanged)
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit PositionsProxyModel(PositionsModel *source, QObject *parent = nullptr);

    [[nodiscard]] PositionsModel::SortKey sortKey() const { return m_sortKey; }
    void setSortKey(PositionsModel::SortKey key);
    [[nodiscard]] bool descending() const { return m_descending; }
    void setDescending(bool descending);
    [[nodiscard]] QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    [[nodiscard]] int count() const { return rowCount(); }

    // Sorts by `key`; the same key again flips the direction. Numbers start descending, symbols ascending.
    Q_INVOKABLE void sortBy(clera::PositionsModel::SortKey key);

Q_SIGNALS:
    void sortChanged();
    void filterTextChanged();
    void countChanged();

protected:
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void applySort();

    PositionsModel *m_source;
    PositionsModel::SortKey m_sortKey = PositionsModel::SortKey::MarketValue;
    bool m_descending = true;
    QString m_filterText;
};

} // namespace clera
