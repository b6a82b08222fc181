#pragma once

#include "core/domain/decimal.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace clera {

class AssetCatalog;
class MarketFeed;
class PortfolioTracker;
struct Tick;

// One row per open position of the shown account, priced live from the feed. Values are computed
// with Decimal and exposed as display text; feed ticks for held symbols are coalesced into at most
// one refresh per refresh interval, which signals dataChanged only for rows whose text changed.
class PositionsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")

    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Today's best and worst holdings by percentage change; empty while unknown.
    Q_PROPERTY(QString bestSymbol READ bestSymbol NOTIFY moversChanged)
    Q_PROPERTY(QString bestChangePercent READ bestChangePercent NOTIFY moversChanged)
    Q_PROPERTY(bool bestIsUp READ bestIsUp NOTIFY moversChanged)
    Q_PROPERTY(bool bestIsDown READ bestIsDown NOTIFY moversChanged)
    Q_PROPERTY(QString worstSymbol READ worstSymbol NOTIFY moversChanged)
    Q_PROPERTY(QString worstChangePercent READ worstChangePercent NOTIFY moversChanged)
    Q_PROPERTY(bool worstIsUp READ worstIsUp NOTIFY moversChanged)
    Q_PROPERTY(bool worstIsDown READ worstIsDown NOTIFY moversChanged)

public:
    enum Roles {
        SymbolRole = Qt::UserRole + 1,
        NameRole,
        QtyRole,
        PriceRole,
        MarketValueRole,
        DayChangeRole,
        DayChangePercentRole,
        WeightRole,
        IsUpRole,
        IsDownRole,
        WeightFractionRole, // double in [0, 1], for drawing the weight bar only
    };
    Q_ENUM(Roles)

    // Sort keys for PositionsProxyModel (exact, not text).
    enum class SortKey { Symbol, Qty, Price, MarketValue, DayChange, DayChangePercent, Weight };
    Q_ENUM(SortKey)

    // `catalog` supplies display names and may be null; it must outlive the model.
    PositionsModel(PortfolioTracker *tracker, MarketFeed *feed, const AssetCatalog *catalog,
                   QObject *parent = nullptr);

    void setAccount(const QString &accountId);
    void setError(const QString &error);
    void setRefreshInterval(int ms) { m_refresh.setInterval(ms); }

    [[nodiscard]] bool loading() const { return m_loading && m_error.isEmpty(); }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] int count() const { return int(m_rows.size()); }
    [[nodiscard]] QString bestSymbol() const { return m_best.symbol; }
    [[nodiscard]] QString bestChangePercent() const { return m_best.changePercent; }
    [[nodiscard]] bool bestIsUp() const { return m_best.positive; }
    [[nodiscard]] bool bestIsDown() const { return m_best.negative; }
    [[nodiscard]] QString worstSymbol() const { return m_worst.symbol; }
    [[nodiscard]] QString worstChangePercent() const { return m_worst.changePercent; }
    [[nodiscard]] bool worstIsUp() const { return m_worst.positive; }
    [[nodiscard]] bool worstIsDown() const { return m_worst.negative; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // nullopt when the figure is unknown (no price or previous close yet).
    [[nodiscard]] std::optional<Decimal> sortValue(int row, SortKey key) const;
    [[nodiscard]] Decimal qty(int row) const { return m_rows.at(row).qty; }
    [[nodiscard]] std::optional<Decimal> price(int row) const { return m_rows.at(row).price; }

    // Applies pending prices now (the coalescing timer does this otherwise).
    void refresh();

Q_SIGNALS:
    void loadingChanged();
    void errorChanged();
    void countChanged();
    void moversChanged();

private:
    struct Row
    {
        QString symbol;
        QString name;
        Decimal qty;
        std::optional<Decimal> price;
        std::optional<Decimal> previousClose;
        // Display text, compared on refresh to find the rows that changed.
        QStringList text;
        bool isUp = false;
        bool isDown = false;
        double weightFraction = 0;
    };

    struct Mover
    {
        QString symbol;
        QString changePercent;
        bool positive = false;
        bool negative = false;
        friend bool operator==(const Mover &, const Mover &) = default;
    };

    void reload();
    void updateMovers();
    void onTicks(const QList<Tick> &batch);
    [[nodiscard]] std::optional<Decimal> totalValue() const;
    [[nodiscard]] std::optional<Decimal> marketValue(const Row &row) const;
    [[nodiscard]] std::optional<Decimal> dayChange(const Row &row) const;
    [[nodiscard]] std::optional<Decimal> dayChangeFraction(const Row &row) const;
    // Recomputes the row's text; true when anything shown changed.
    bool format(Row &row, std::optional<Decimal> total) const;

    QPointer<PortfolioTracker> m_tracker;
    QPointer<MarketFeed> m_feed;
    const AssetCatalog *m_catalog;
    QString m_accountId;
    QString m_error;
    bool m_loading = true;
    QList<Row> m_rows;
    Mover m_best;
    Mover m_worst;
    QTimer m_refresh;
};

} // namespace clera
