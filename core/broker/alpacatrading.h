#pragma once

#include "core/broker/alpacarestbroker.h"

namespace clera {

// Alpaca's Trading API: the key owner's own account (APCA-API-KEY-ID / APCA-API-SECRET-KEY headers),
// paths under /v2 without an account id. accounts() returns the one account; once its id is known, a
// call naming another account fails with NotFound instead of answering with the own account (an empty
// id means the own account). Transfers need the Broker API and fail with InvalidRequest.
class AlpacaTrading : public AlpacaRestBroker
{
    Q_OBJECT
public:
    [[nodiscard]] static QUrl paperUrl();
    [[nodiscard]] static QUrl liveUrl();

    explicit AlpacaTrading(const AlpacaOptions &options, QObject *parent = nullptr);

    [[nodiscard]] QString name() const override;
    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<Account>> account(const QString &accountId) override;
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
    [[nodiscard]] std::optional<BrokerError> foreignAccount(const QString &accountId) const override;

private:
    QString m_accountId; // learnt from the first successful account()
};

} // namespace clera
