#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/account.h"
#include "core/domain/activity.h"
#include "core/domain/activityquery.h"
#include "core/domain/asset.h"
#include "core/domain/marketclock.h"
#include "core/domain/order.h"
#include "core/domain/portfoliohistory.h"
#include "core/domain/portfoliohistoryquery.h"
#include "core/domain/position.h"
#include "core/domain/positionsbyaccount.h"
#include "core/domain/transfer.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>

namespace clera {

struct OrderQuery
{
    enum class Status { Open, Closed, All };
    Status status = Status::Open;
    int limit = 50;          // Alpaca: default 50, max 500
    bool newestFirst = true; // direction=desc
    QStringList symbols;
};

// A brokerage: SimBroker (embedded paper broker), AlpacaBroker (Broker API, many end-user accounts),
// AlpacaTrading (Trading API, the user's own account). Every call is asynchronous and returns a
// typed result or a typed error; implementations finish their futures on the thread that owns them.
class Broker : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Broker() override = default;

    // "sim", "alpaca", "alpaca-trading".
    [[nodiscard]] virtual QString name() const = 0;

    // Trading accounts this broker connection can see, with balances.
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Account>>> accounts() = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Account>> account(const QString &accountId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Position>>> positions(const QString &accountId) = 0;
    // Every account's positions in one call (Broker API `GET /v1/accounts/positions`), each account's
    // decoded when asked for (PositionsByAccount::positions()).
    [[nodiscard]] virtual QFuture<BrokerResult<PositionsByAccount>> allPositions() = 0;

    // The request's client_order_id is the idempotency key: a second order with the same id is
    // rejected with DuplicateClientOrderId. An empty id is replaced by a fresh UUID.
    [[nodiscard]] virtual QFuture<BrokerResult<Order>> submitOrder(const QString &accountId,
                                                                   const OrderRequest &request) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Order>>> orders(const QString &accountId,
                                                                     const OrderQuery &query) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Order>> order(const QString &accountId, const QString &orderId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Order>> orderByClientOrderId(const QString &accountId,
                                                                            const QString &clientOrderId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Done>> cancelOrder(const QString &accountId,
                                                                  const QString &orderId) = 0;

    [[nodiscard]] virtual QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                         const TransferRequest &request) = 0;

    // Account activities in Alpaca's shapes (FILL trade activities; CSD/CSW and other non-trade
    // activities). A query Alpaca would refuse fails with InvalidRequest before anything is read.
    // activityPage: at most query.pageSize activities after query.pageToken, in query's direction.
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Activity>>> activityPage(const QString &accountId,
                                                                              const ActivityQuery &query) = 0;
    // activities: every matching activity from query.pageToken on, page after page.
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Activity>>> activities(const QString &accountId,
                                                                            const ActivityQuery &query) = 0;
    // Equity over time, one point per window of the query's timeframe; never a point before the
    // account existed. Invalid queries fail with InvalidRequest.
    [[nodiscard]] virtual QFuture<BrokerResult<PortfolioHistory>>
    portfolioHistory(const QString &accountId, const PortfolioHistoryQuery &query) = 0;

    [[nodiscard]] virtual QFuture<BrokerResult<QList<Asset>>> assets() = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Asset>> asset(const QString &symbolOrId) = 0;

    // The US equity market clock (Alpaca `GET /v2/clock`, `/v1/clock` on the Broker API): open now or
    // not, and the next regular-session open and close, in New York time.
    [[nodiscard]] virtual QFuture<BrokerResult<MarketClock>> clock() = 0;

Q_SIGNALS:
    // An account's positions changed (fill, corporate action, reconciliation).
    void positionsChanged(const QString &accountId);
    // An account's cash or status changed (fill, transfer settled).
    void accountChanged(const QString &accountId);
    void orderUpdated(const QString &accountId, const clera::Order &order);
};

} // namespace clera
