#pragma once

#include "core/broker/alpacarestbroker.h"

namespace clera {

// Alpaca's Trading API: the key owner's own account (APCA-API-KEY-ID / APCA-API-SECRET-KEY headers),
// paths under /v2 without an account id. The account id arguments of the Broker interface are not sent;
// accounts() returns the one account. Transfers need the Broker API and fail with InvalidRequest.
class AlpacaTrading : public AlpacaRestBroker
{
    Q_OBJECT
public:
    [[nodiscard]] static QUrl paperUrl();
    [[nodiscard]] static QUrl liveUrl();

    explicit AlpacaTrading(const AlpacaOptions &options, QObject *parent = nullptr);

    [[nodiscard]] QString name() const override;
    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<QHash<QString, QList<Position>>>> allPositions() override;
    [[nodiscard]] QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                 const TransferRequest &request) override;

protected:
    [[nodiscard]] QString tradingPath(const QString &accountId) const override;
    [[nodiscard]] QString assetsPath() const override;
};

} // namespace clera
