#pragma once

#include "core/domain/account.h"
#include "core/domain/marketclock.h"
#include "core/domain/order.h"
#include "core/store/orderintentrepository.h"
#include "core/trading/tradingerror.h"

#include <QFuture>
#include <QObject>

#include <functional>
#include <optional>

namespace clera {

class AuditLog;
class Broker;
class Database;

// An order as a user asks for it, with who asks and from where.
struct PlaceOrder
{
    QString userId;
    QString accountId;
    OrderRequest request;
    QString idempotencyKey; // optional: a retry with the same key returns the first order
    QString ip;
};

// Something about an order that does not stop it but that the user should know before or after
// placing it. Codes: market_closed, extended_hours, market_hours_unknown, large_order, fractional,
// buying_power_unknown, may_exceed_buying_power, price_unknown.
struct OrderWarning
{
    QString code;
    QString message;
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const OrderWarning &, const OrderWarning &) = default;
};

// An order the broker took, with the warnings found before it was sent (none for an idempotent replay).
struct PlacedOrder
{
    Order order;
    QList<OrderWarning> warnings;
};

// What placing an order would do, computed from the account and the market clock, with nothing stored
// or sent. The estimate is the notional, else qty times the limit price, the stop price or (market and
// trailing-stop orders) the feed's last price; it is absent when no price is known.
struct OrderPreview
{
    OrderRequest request;
    std::optional<Decimal> price;         // the price the estimate uses
    QString priceSource;                  // "limit_price", "stop_price", "last_price" or ""
    std::optional<Decimal> estimatedCost; // dollars, exact
    std::optional<Decimal> buyingPower;   // before the order; absent when the account could not be read
    std::optional<Decimal> buyingPowerAfter; // a buy: before minus the estimate; a sell: unchanged
    std::optional<MarketClock> clock;     // absent when the clock could not be read
    QList<OrderWarning> warnings;

    [[nodiscard]] QJsonObject toJson() const;
};

// Places and cancels orders so that none is ever sent twice: each order is validated, stored as an
// intent with a fresh client_order_id, and only then submitted with that id; the outcome is recorded,
// and an ambiguous failure leaves the intent `unknown`. reconcile() settles pending and unknown intents
// with the broker (found: submitted; definitively missing: resubmitted with the same id) and must run
// before new orders are taken. Every placement and cancellation is audit-logged.
//
// Pre-trade checks: the rules of OrderValidator (400), buying power for buys whose cost is known up
// front (403 insufficient_buying_power), and warnings that never stop the order: the account and the
// market clock are fetched in parallel before the order is stored; the market being closed, extended
// hours, an order over kLargeOrderPercentOfEquity % of the account's equity, and fractional quantities are
// reported, and a clock that cannot be read is reported (market_hours_unknown) instead of guessed.
class OrderService : public QObject
{
    Q_OBJECT
public:
    OrderService(Broker &broker, Database &db, AuditLog &audit, QObject *parent = nullptr);
    ~OrderService() override;

    // An order is large when its estimated value is over this share of the account's equity.
    static constexpr int kLargeOrderPercentOfEquity = 25;

    [[nodiscard]] QFuture<TradingResult<PlacedOrder>> place(const PlaceOrder &command);
    // The same checks as place() (validation, buying power, warnings) without storing or sending
    // anything.
    [[nodiscard]] QFuture<TradingResult<OrderPreview>> preview(const QString &accountId,
                                                               const OrderRequest &request);
    // Where the last trade price of a symbol comes from (for estimating market orders); none by default.
    void setLastPrices(std::function<std::optional<Decimal>(const QString &symbol)> lastPrice)
    {
        m_lastPrice = std::move(lastPrice);
    }
    [[nodiscard]] QFuture<TradingResult<Done>> cancel(const QString &userId, const QString &accountId,
                                                      const QString &orderId, const QString &ip);

    // Audit-logs a trade refused before it reached the service (e.g. someone else's account).
    void auditRefusal(const QString &actor, const QString &accountId, const QString &action,
                      const QString &ip, const QString &code);

    // Settles every pending/unknown intent, then marks the service ready and emits reconciled().
    void reconcile();
    // False until reconcile() has finished: place() answers Unavailable ("reconciling") until then.
    [[nodiscard]] bool isReady() const { return m_ready; }
    [[nodiscard]] OrderIntentRepository &intents() { return m_intents; }

Q_SIGNALS:
    void reconciled(int settled, int unsettled);

private:
    using Finish = std::function<void(TradingResult<Order>)>;
    struct Origin
    {
        QString actor;
        QString ip;
    };

    using Assessed = std::function<void(TradingResult<OrderPreview>)>;
    void assess(const QString &accountId, const OrderRequest &request, const Assessed &done);
    [[nodiscard]] TradingResult<OrderPreview> judge(const OrderRequest &request,
                                                    const BrokerResult<Account> &account,
                                                    const BrokerResult<MarketClock> &clock) const;
    void storeAndSubmit(const PlaceOrder &command, const Finish &finish);
    void replay(const OrderIntent &intent, const OrderRequest &request, const Origin &origin,
                const Finish &finish);
    void submit(const OrderIntent &intent, const Origin &origin, const Finish &finish);
    void lookUp(const OrderIntent &intent, bool resubmitIfMissing, const Origin &origin,
                const Finish &finish);
    void record(const OrderIntent &intent, OrderIntent::State state, const QString &brokerOrderId,
                const TradingError *error);
    void audit(const Origin &origin, const QString &action, const OrderIntent &intent, const QString &result,
               const QString &brokerOrderId, const TradingError *error);

    Broker &m_broker;
    Database &m_db;
    AuditLog &m_audit;
    OrderIntentRepository m_intents;
    std::function<std::optional<Decimal>(const QString &)> m_lastPrice;
    bool m_ready = false;
};

} // namespace clera
