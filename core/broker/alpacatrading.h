#pragma once

#include "core/broker/alpacarestbroker.h"
#include "core/broker/alpacatradeupdates.h"

#include <functional>
#include <memory>

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
    ~AlpacaTrading() override;

    // Opt-in: follows the trade_updates WebSocket at `streamUrl` (AlpacaTradeUpdates::paperUrl() or
    // liveUrl()) with these keys. Every update becomes orderUpdated; fills also positionsChanged and
    // accountChanged; after a reconnect positionsChanged and accountChanged ask the owner to reload,
    // since the stream does not replay what it missed. `tuning` sets backoff and timeouts (its url and
    // keys are ignored). Calling it again does nothing.
    void startTradeUpdates(const QUrl &streamUrl, AlpacaTradeUpdates::Options tuning = {});
    [[nodiscard]] AlpacaTradeUpdates *tradeUpdates() const { return m_tradeUpdates.get(); }

    [[nodiscard]] QString name() const override;
    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<Account>> account(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<PositionsByAccount>> allPositions() override;
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
    void onTradeUpdate(const TradeUpdate &update);
    void onReconnected();
    // Runs `then` with the own account's id, asking for the account first if it is not known yet.
    void withOwnAccountId(std::function<void(const QString &)> then);

    QString m_accountId; // learnt from the first successful account()
    QString m_keyId;
    QString m_secret;
    std::unique_ptr<AlpacaTradeUpdates> m_tradeUpdates;
};

} // namespace clera
