#pragma once

#include "core/realtime/portfolioupdate.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace clera {

class MarketFeed;
class PortfolioTracker;
struct BrokerError;

// The headline figures of one account for the dashboard: value, today's change, cash and the state
// of the market feed, all as display text. Fed by the PortfolioTracker's throttled updates.
class PortfolioModel : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by the application")

    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString modeText READ modeText CONSTANT)
    Q_PROPERTY(QString accountNotice READ accountNotice CONSTANT)
    Q_PROPERTY(QString accountNumber READ accountNumber NOTIFY accountNumberChanged)
    Q_PROPERTY(QString totalValue READ totalValue NOTIFY valuesChanged)
    Q_PROPERTY(QString marketValue READ marketValue NOTIFY valuesChanged)
    Q_PROPERTY(QString cash READ cash NOTIFY valuesChanged)
    Q_PROPERTY(QString cashShare READ cashShare NOTIFY valuesChanged)
    Q_PROPERTY(QString investedShare READ investedShare NOTIFY valuesChanged)
    // Invested share of the total in [0, 1], for drawing the allocation bar only.
    Q_PROPERTY(double investedFraction READ investedFraction NOTIFY valuesChanged)
    Q_PROPERTY(QString todayReturn READ todayReturn NOTIFY valuesChanged)
    Q_PROPERTY(QString todayReturnPercent READ todayReturnPercent NOTIFY valuesChanged)
    Q_PROPERTY(Direction direction READ direction NOTIFY valuesChanged)
    Q_PROPERTY(QString lastUpdated READ lastUpdated NOTIFY valuesChanged)
    Q_PROPERTY(int positionCount READ positionCount NOTIFY positionCountChanged)
    Q_PROPERTY(FeedState feedState READ feedState NOTIFY feedChanged)
    Q_PROPERTY(QString feedStatus READ feedStatus NOTIFY feedChanged)
    Q_PROPERTY(QString feedDetails READ feedDetails NOTIFY feedChanged)

public:
    enum class Direction { Flat, Up, Down };
    Q_ENUM(Direction)
    enum class FeedState { Disconnected, Connecting, Live, Degraded };
    Q_ENUM(FeedState)

    PortfolioModel(PortfolioTracker *tracker, MarketFeed *feed, const QString &modeText,
                   const QString &accountNotice, QObject *parent = nullptr);

    // The account to show; empty shows nothing (still loading).
    void setAccount(const QString &accountId, const QString &accountNumber);
    [[nodiscard]] QString accountId() const { return m_accountId; }
    // A start-up failure outside the tracker (database, first-run set-up).
    void setError(const QString &error);

    [[nodiscard]] bool loading() const { return !m_last.has_value() && m_error.isEmpty(); }
    [[nodiscard]] QString error() const { return m_error; }
    [[nodiscard]] QString modeText() const { return m_modeText; }
    [[nodiscard]] QString accountNotice() const { return m_accountNotice; }
    [[nodiscard]] QString accountNumber() const { return m_accountNumber; }
    [[nodiscard]] QString totalValue() const;
    [[nodiscard]] QString marketValue() const;
    [[nodiscard]] QString cash() const;
    [[nodiscard]] QString cashShare() const;
    [[nodiscard]] QString investedShare() const;
    [[nodiscard]] double investedFraction() const;
    [[nodiscard]] QString todayReturn() const;
    [[nodiscard]] QString todayReturnPercent() const;
    [[nodiscard]] Direction direction() const;
    [[nodiscard]] QString lastUpdated() const;
    [[nodiscard]] int positionCount() const { return m_positionCount; }
    [[nodiscard]] FeedState feedState() const;
    [[nodiscard]] QString feedStatus() const;
    [[nodiscard]] QString feedDetails() const;

    // The exact figures behind the text, for tests and other C++ consumers.
    [[nodiscard]] std::optional<PortfolioUpdate> lastUpdate() const { return m_last; }

Q_SIGNALS:
    void loadingChanged();
    void errorChanged();
    void accountNumberChanged();
    void valuesChanged();
    void positionCountChanged();
    void feedChanged();

private:
    void onUpdate(const PortfolioUpdate &update);
    void onAccountLoaded(const QString &accountId);
    void onAccountFailed(const QString &accountId, const BrokerError &error);
    [[nodiscard]] std::optional<Decimal> share(const std::optional<Decimal> &part) const;

    QPointer<PortfolioTracker> m_tracker;
    QPointer<MarketFeed> m_feed;
    QString m_modeText;
    QString m_accountNotice;
    QString m_accountId;
    QString m_accountNumber;
    QString m_error;
    std::optional<PortfolioUpdate> m_last;
    int m_positionCount = 0;
};

} // namespace clera
