#pragma once

#include "core/broker/alpacaeventstream.h"
#include "core/broker/alpacarestbroker.h"
#include "core/domain/achrelationship.h"
#include "core/domain/brokeraccount.h"

#include <QPromise>

#include <memory>
#include <optional>

namespace clera {

// `GET /v1/accounts` filters. Without entities Alpaca returns the summary fields only.
struct BrokerAccountQuery
{
    QString query; // space-separated tokens, each matching a name, email, phone or account number
    QList<AccountStatus> statuses; // empty: any
    QStringList entities;          // contact, identity, disclosures, agreements, documents, trusted_contact
    std::optional<Timestamp> createdAfter;
    std::optional<Timestamp> createdBefore;
    bool newestFirst = true;
};

// Alpaca's Broker API: many end-user accounts under one partner key (HTTP Basic auth), paths under /v1.
// accounts() lists the accounts and fetches each one's trading account (balances), at most
// kAccountFetchesInFlight at a time.
// Onboarding (account applications, bank links) exists only here, not on Broker: the Trading API and the
// simulator have no end-user accounts to open.
class AlpacaBroker : public AlpacaRestBroker
{
    Q_OBJECT
public:
    // accounts(): trading-account requests in flight at once.
    static constexpr int kAccountFetchesInFlight = 8;
    // allPositions(): the least time its (large) answer may take.
    static constexpr std::chrono::milliseconds kAllPositionsTimeout{120'000};

    [[nodiscard]] static QUrl sandboxUrl();
    [[nodiscard]] static QUrl productionUrl();

    explicit AlpacaBroker(const AlpacaOptions &options, QObject *parent = nullptr);
    ~AlpacaBroker() override;

    // Follows the trade and transfer event streams (SSE) and turns their events into this broker's
    // orderUpdated / positionsChanged / accountChanged signals, so fills and settled transfers reach
    // the live valuation at once instead of at the next recalculation; and the account status stream,
    // whose status changes become accountStatusChanged.
    // `eventsUrl` overrides the host of the event streams (the Broker API host by default).
    void startEvents(const QUrl &eventsUrl = {});
    [[nodiscard]] AlpacaEventStream *tradeEvents() const { return m_tradeEvents.get(); }
    [[nodiscard]] AlpacaEventStream *accountEvents() const { return m_accountEvents.get(); }

    [[nodiscard]] QString name() const override;
    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<PositionsByAccount>> allPositions() override;
    [[nodiscard]] QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                 const TransferRequest &request) override;
    // DELETE …/transfers/{id}: asks Alpaca to cancel a transfer that has not been sent yet.
    [[nodiscard]] QFuture<BrokerResult<Done>> cancelTransfer(const QString &accountId,
                                                             const QString &transferId);

    // Submits a KYC application. Never retried after an ambiguous failure (look the account up by
    // email instead); a 409 is EmailAlreadyRegistered.
    [[nodiscard]] QFuture<BrokerResult<BrokerAccount>> createAccount(const AccountApplication &application);
    [[nodiscard]] QFuture<BrokerResult<BrokerAccount>> brokerAccount(const QString &accountId);
    [[nodiscard]] QFuture<BrokerResult<QList<BrokerAccount>>>
    brokerAccounts(const BrokerAccountQuery &query = {});
    // PATCH with partial contact / identity / disclosures / trusted_contact objects.
    [[nodiscard]] QFuture<BrokerResult<BrokerAccount>> updateAccount(const QString &accountId,
                                                                     const QJsonObject &patch);
    // Alpaca requires the account to be liquidated and withdrawn first.
    [[nodiscard]] QFuture<BrokerResult<Done>> closeAccount(const QString &accountId);

    // `statuses` empty: all of them.
    [[nodiscard]] QFuture<BrokerResult<QList<AchRelationship>>>
    achRelationships(const QString &accountId, const QList<AchRelationshipStatus> &statuses = {});
    // Not retried blindly; a 409 (the account has an active relationship) is AchRelationshipExists.
    [[nodiscard]] QFuture<BrokerResult<AchRelationship>>
    createAchRelationship(const QString &accountId, const AchRelationshipRequest &request);
    [[nodiscard]] QFuture<BrokerResult<Done>> deleteAchRelationship(const QString &accountId,
                                                                    const QString &relationshipId);

Q_SIGNALS:
    // From the account status stream (after startEvents): SUBMITTED → APPROVED → ACTIVE and the rest.
    void accountStatusChanged(const QString &accountId, clera::AccountStatus status);

protected:
    [[nodiscard]] QString tradingPath(const QString &accountId) const override;
    [[nodiscard]] QString assetsPath() const override;
    [[nodiscard]] QString activitiesPath() const override;
    [[nodiscard]] QString clockPath() const override;
    [[nodiscard]] QString calendarPath() const override;
    void scopeActivities(QUrlQuery &query, const QString &accountId) const override;

private:
    // accounts(): the listed ids and the trading accounts fetched so far.
    struct AccountsGather
    {
        QPromise<BrokerResult<QList<Account>>> promise;
        QStringList ids;
        QList<std::optional<Account>> found;
        qsizetype next = 0;    // the next id to fetch
        qsizetype pending = 0; // fetched ids not answered yet, or not started
        bool done = false;
        void finish(BrokerResult<QList<Account>> result)
        {
            done = true;
            promise.addResult(std::move(result));
            promise.finish();
        }
    };
    void fetchNextAccount(const std::shared_ptr<AccountsGather> &g);
    static constexpr int kTransferPageSize = 100;
    static constexpr int kMaxTransferPages = 100;
    struct TransferPages;
    void fetchTransferPage(const std::shared_ptr<TransferPages> &pages);
    void onTradeEvent(const QJsonObject &event);
    void onTransferEvent(const QJsonObject &event);
    void onAccountEvent(const QJsonObject &event);
    [[nodiscard]] QFuture<BrokerResult<Done>> sendExpectingNoContent(const RestRequest &request);

    AlpacaOptions m_eventOptions;
    std::unique_ptr<AlpacaEventStream> m_tradeEvents;
    std::unique_ptr<AlpacaEventStream> m_transferEvents;
    std::unique_ptr<AlpacaEventStream> m_accountEvents;
};

} // namespace clera
