#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/asset.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>
#include <optional>

namespace clera {

class Broker;

// The broker's active, tradable us_equity assets, kept in a file so a restart does not need the
// broker: loaded at start(), refreshed when older than the refresh interval (24 h by default) and
// written atomically after every good refresh. A failed, empty or undecodable refresh never replaces
// what is cached: the old list is served and reported stale, with the reason.
class AssetCache : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString folder; // must exist; the file is <folder>/<fileName>
        QString fileName = QStringLiteral("assets.json");
        std::chrono::milliseconds refreshInterval{std::chrono::hours(24)};
        std::chrono::milliseconds retryInterval{std::chrono::minutes(15)}; // after a failed refresh
        std::function<QDateTime()> clock = [] { return QDateTime::currentDateTimeUtc(); };
    };

    AssetCache(Broker *broker, Options options, QObject *parent = nullptr);
    ~AssetCache() override;

    // Loads the file, then refreshes at once when there is none or it is due, and keeps refreshing.
    void start();
    // Fetches now (joins a fetch in flight); finishes with the number of assets cached, or the error.
    [[nodiscard]] QFuture<BrokerResult<qsizetype>> refresh();
    // Refreshes when the cache is older than the refresh interval by the clock; true when it started one.
    bool refreshIfDue();

    [[nodiscard]] const QList<Asset> &assets() const { return m_assets; }
    // Case-insensitive; nullptr when unknown.
    [[nodiscard]] const Asset *find(QStringView symbol) const;
    [[nodiscard]] QDateTime fetchedAt() const { return m_fetchedAt; } // invalid: never fetched
    [[nodiscard]] QString filePath() const;
    // Stale: never fetched, older than the refresh interval, or the last refresh failed.
    [[nodiscard]] bool isStale() const;
    [[nodiscard]] QString staleReason() const; // empty when fresh
    [[nodiscard]] std::optional<BrokerError> lastError() const { return m_lastError; }
    // Why the file was ignored at start-up or not written after the last refresh; empty when fine.
    [[nodiscard]] QString fileProblem() const { return m_fileProblem; }

Q_SIGNALS:
    void assetsChanged();
    void refreshFailed(const clera::BrokerError &error);

private:
    [[nodiscard]] bool load();
    void save();
    [[nodiscard]] BrokerResult<qsizetype> finishRefresh(const BrokerResult<QList<Asset>> &result);
    void schedule(std::chrono::milliseconds delay);

    QPointer<Broker> m_broker;
    Options m_options;
    QList<Asset> m_assets;
    QDateTime m_fetchedAt;
    std::optional<BrokerError> m_lastError;
    QString m_fileProblem; // why the file could not be read or written
    std::optional<QFuture<BrokerResult<qsizetype>>> m_inFlight;
    QTimer m_timer;
};

} // namespace clera
