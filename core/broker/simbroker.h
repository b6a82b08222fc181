#pragma once

#include "core/broker/broker.h"
#include "core/broker/simbrokerstore.h"
#include "core/broker/simledger.h"
#include "core/broker/simorderrules.h"
#include "core/domain/achrelationship.h"
#include "core/marketdata/assetcatalog.h"
#include "core/marketdata/marketfeed.h"

#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>

namespace clera {

class SymbolRegistry;

// The embedded paper broker: market and limit orders filled against the MarketFeed's last prices,
// exact cash and position accounting, ACH transfers that settle after a delay, all persisted in one
// SQLite file. Behaves like Alpaca where that makes sense (validation rules, error codes, messages).
// Futures are returned already finished; state changes and signals happen before the call returns.
class SimBroker : public Broker
{
    Q_OBJECT
public:
    // Registry holder keys: symbols of open limit orders (so the feed ticks them) and of held positions
    // (so accounts can be valued).
    static constexpr QStringView kOrdersHolder = u"simbroker:orders";
    static constexpr QStringView kPositionsHolder = u"simbroker:positions";

    // `feed` and `registry` are not owned; `registry` may be null (nothing is subscribed then).
    SimBroker(MarketFeed *feed, const AssetCatalog &catalog, SymbolRegistry *registry,
              const QString &databasePath, QObject *parent = nullptr);
    ~SimBroker() override;

    // Opens or creates the database and restores accounts, positions, orders and transfers; pending
    // transfers are scheduled to settle. Every Broker call fails with Unavailable until this succeeds.
    [[nodiscard]] Expected<Done, QString> open();
    [[nodiscard]] bool isOpen() const { return m_open; }

    // The broker's notion of now (tests move it; default Timestamp::now).
    void setClock(std::function<Timestamp()> clock) { m_clock = std::move(clock); }

    // Expires open DAY orders whose session has closed (16:00 New York on the weekday the order was
    // for; exchange holidays are not modelled). Runs on open() and every minute.
    void expireDayOrders();
    // The close of the session a DAY order submitted at `at` belongs to: that weekday's 16:00 New York
    // time if it is before it, else the next weekday's.
    [[nodiscard]] static Timestamp sessionCloseAfter(Timestamp at);

    // How long a transfer stays QUEUED before it settles; 0 settles on the next event-loop turn.
    void setSettleDelayMs(int ms) { m_settleDelayMs = qMax(0, ms); }
    [[nodiscard]] int settleDelayMs() const { return m_settleDelayMs; }

    // A new ACTIVE USD account holding `initialCash` (≥ 0, at most 2 fractional digits).
    [[nodiscard]] BrokerResult<Account> createAccount(Decimal initialCash, const QString &label = {});
    // The label given at creation ("" when none or unknown).
    [[nodiscard]] QString accountLabel(const QString &accountId) const;

    [[nodiscard]] QString name() const override;

    [[nodiscard]] QFuture<BrokerResult<QList<Account>>> accounts() override;
    [[nodiscard]] QFuture<BrokerResult<Account>> account(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Position>>> positions(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<PositionsByAccount>> allPositions() override;

    [[nodiscard]] QFuture<BrokerResult<Order>> submitOrder(const QString &accountId,
                                                           const OrderRequest &request) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Order>>> orders(const QString &accountId,
                                                             const OrderQuery &query) override;
    [[nodiscard]] QFuture<BrokerResult<Order>> order(const QString &accountId,
                                                     const QString &orderId) override;
    [[nodiscard]] QFuture<BrokerResult<Order>> orderByClientOrderId(const QString &accountId,
                                                                    const QString &clientOrderId) override;
    [[nodiscard]] QFuture<BrokerResult<Done>> cancelOrder(const QString &accountId,
                                                          const QString &orderId) override;

    [[nodiscard]] QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                 const TransferRequest &request) override;

    // Activities and history as SimAccountData describes them.
    [[nodiscard]] QFuture<BrokerResult<QList<Activity>>> activityPage(const QString &accountId,
                                                                      const ActivityQuery &query) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Activity>>> activities(const QString &accountId,
                                                                    const ActivityQuery &query) override;
    [[nodiscard]] QFuture<BrokerResult<PortfolioHistory>>
    portfolioHistory(const QString &accountId, const PortfolioHistoryQuery &query) override;

    [[nodiscard]] QFuture<BrokerResult<QList<Asset>>> assets() override;
    [[nodiscard]] QFuture<BrokerResult<Asset>> asset(const QString &symbolOrId) override;
    // The clock of the sim's own sessions at now(): 09:30-16:00 New York on weekdays (the hours
    // sessionCloseAfter uses). Exchange holidays and early closes are not modelled: a holiday is
    // reported as a regular session.
    [[nodiscard]] QFuture<BrokerResult<MarketClock>> clock() override;
    [[nodiscard]] static MarketClock clockAt(Timestamp at);
    // 16:00 New York of the last weekday before at's New York date: the close today's figures are
    // measured from (the account's previous_close; fills after it are today's).
    [[nodiscard]] static Timestamp sessionCloseBefore(Timestamp at);

    // ACH relationships as Alpaca has them (one active per account, 409 otherwise), approved at once.
    // Only the bank account number's last four digits are kept (account_mask). A Plaid processor token
    // must start with "processor-". Transfers naming a relationship need an approved one of the account;
    // such transfers are limited to one per account per New York day (422, as Alpaca's limit). A
    // transfer without a relationship is paper cash and is not limited.
    [[nodiscard]] QFuture<BrokerResult<AchRelationship>>
    createAchRelationship(const QString &accountId, const AchRelationshipRequest &request);
    [[nodiscard]] QFuture<BrokerResult<QList<AchRelationship>>> achRelationships(const QString &accountId);
    [[nodiscard]] QFuture<BrokerResult<Done>> deleteAchRelationship(const QString &accountId,
                                                                    const QString &relationshipId);
    // Cancels a QUEUED transfer (422 "transfer is not cancelable" otherwise).
    [[nodiscard]] QFuture<BrokerResult<Done>> cancelTransfer(const QString &accountId,
                                                             const QString &transferId);
    // How often every account's equity is sampled for portfolio history while the broker is open
    // (default 5 minutes; a sample equal to the last recorded value is not stored again).
    void setEquitySampleInterval(std::chrono::milliseconds interval);
    // Records the equity of the given accounts (every account when empty) at now(); an account that
    // cannot be valued (no price yet for a holding) is skipped.
    void recordEquity(const QStringList &accountIds = {});

private:
    using AccountRow = SimBrokerStore::AccountRow;
    using PositionRow = SimBrokerStore::PositionRow;
    using OrderRow = SimBrokerStore::OrderRow;
    using TransferRow = SimBrokerStore::TransferRow;

    [[nodiscard]] std::optional<BrokerError> checkAccount(const QString &accountId) const;
    [[nodiscard]] BrokerResult<Order> placeOrder(const QString &accountId,
                                                 const SimOrderRules::ValidOrder &valid);
    [[nodiscard]] BrokerResult<Order> fill(OrderRow row, Decimal qty, Decimal price);
    [[nodiscard]] BrokerResult<Done> commit(const SimBrokerStore::Changes &changes);
    void onTicks(const QList<Tick> &batch);
    [[nodiscard]] std::optional<BrokerError> checkTransferBank(const QString &accountId,
                                                               const TransferRequest &request) const;
    void scheduleSettlement(const Transfer &transfer);
    void settleTransfer(const QString &transferId);
    void syncRegistry();

    [[nodiscard]] std::optional<Decimal> lastPrice(const QString &symbol) const;
    [[nodiscard]] Decimal availableCash(const QString &accountId) const;
    [[nodiscard]] BrokerResult<Account> valuate(const AccountRow &row) const;
    [[nodiscard]] QList<Position> positionList(const QString &accountId) const;
    [[nodiscard]] QList<Activity> activityList(const QString &accountId) const;
    [[nodiscard]] QList<Activity> everyActivity() const;
    [[nodiscard]] QString newAccountNumber() const;

    [[nodiscard]] Timestamp now() const { return m_clock(); }

    std::function<Timestamp()> m_clock = [] { return Timestamp::now(); };
    QTimer m_sessionTimer;
    QTimer m_equityTimer;
    QHash<QString, Decimal> m_lastEquity; // last value stored per account (since open)
    QPointer<MarketFeed> m_feed;
    SimOrderRules m_rules;
    QPointer<SymbolRegistry> m_registry;
    std::unique_ptr<SimBrokerStore> m_store;
    SimLedger m_ledger;
    QList<AchRelationship> m_relationships; // by creation
    bool m_open = false;
    int m_settleDelayMs = 1000;
    qint64 m_nextSeq = 1;
};

} // namespace clera
