#pragma once

#include "core/broker/alpacaeventstream.h"
#include "core/broker/alpacarestbroker.h"

#include <memory>

namespace clera {

// Alpaca's Broker API: many end-user accounts under one partner key (HTTP Basic auth), paths under /v1.
// accounts() lists the accounts and fetches each one's trading account (balances).
class AlpacaBroker : public AlpacaRestBroker
{
    Q_OBJECT
public:
    [[nodiscard]] static QUrl sandboxUrl();
    [[nodiscard]] static QUrl productionUrl();

    explicit AlpacaBroker(const AlpacaOptions &options, QObject *parent = nullptr);
    ~AlpacaBroker() override;

    // Follows the trade and transfer event streams (SSE) and turns their events into this broker's
    // orderUpdated / positionsChanged / accountChanged signals, so fills and settled transfers reach
    // the live valuation at once instead of at the next recalculation.
    // `eventsUrl` overrides the host of the event streams (the Broker API host by default).
    void startEvents(const QUrl &eventsUrl = {});
    [[nodiscard]] AlpacaEventStream *tradeEvents() const { return m_tradeEvents.get(); }

    [[nodiscard]] QString name() const override;
    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<QHash<QString, QList<Position>>>> allPositions() override;
    [[nodiscard]] QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                 const TransferRequest &request) override;

protected:
    [[nodiscard]] QString tradingPath(const QString &accountId) const override;
    [[nodiscard]] QString assetsPath() const override;
    [[nodiscard]] QString activitiesPath() const override;
    [[nodiscard]] QString clockPath() const override;
    [[nodiscard]] QString calendarPath() const override;
    void scopeActivities(QUrlQuery &query, const QString &accountId) const override;

private:
    void onTradeEvent(const QJsonObject &event);
    void onTransferEvent(const QJsonObject &event);

    AlpacaOptions m_eventOptions;
    std::unique_ptr<AlpacaEventStream> m_tradeEvents;
    std::unique_ptr<AlpacaEventStream> m_transferEvents;
};

} // namespace clera
