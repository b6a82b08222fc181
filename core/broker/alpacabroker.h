#pragma once

#include "core/broker/alpacarestbroker.h"

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
