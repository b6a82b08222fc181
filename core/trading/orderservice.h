#pragma once

#include "core/domain/order.h"
#include "core/store/orderintentrepository.h"
#include "core/trading/tradingerror.h"

#include <QFuture>
#include <QObject>

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

// Places and cancels orders so that none is ever sent twice: each order is validated, stored as an
// intent with a fresh client_order_id, and only then submitted with that id; the outcome is recorded,
// and an ambiguous failure leaves the intent `unknown`. reconcile() settles pending and unknown intents
// with the broker (found: submitted; definitively missing: resubmitted with the same id) and must run
// before new orders are taken. Every placement and cancellation is audit-logged.
class OrderService : public QObject
{
    Q_OBJECT
public:
    OrderService(Broker &broker, Database &db, AuditLog &audit, QObject *parent = nullptr);
    ~OrderService() override;

    [[nodiscard]] QFuture<TradingResult<Order>> place(const PlaceOrder &command);
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

    void checkBuyingPowerThenSubmit(const PlaceOrder &command, const Finish &finish);
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
    bool m_ready = false;
};

} // namespace clera
