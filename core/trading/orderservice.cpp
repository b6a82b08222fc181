#include "orderservice.h"

#include "core/broker/broker.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/trading/ordervalidator.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QUuid>

#include <memory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcTrading, "clera.trading")

namespace clera {

namespace {

template <typename T> std::function<void(T)> finisher(const std::shared_ptr<QPromise<T>> &promise)
{
    return [promise](T result) {
        promise->addResult(std::move(result));
        promise->finish();
    };
}

TradingError failure(TradingError::Kind kind, const QString &code, const QString &message)
{
    return {kind, code, message};
}

// Failures after which the broker may or may not have the order.
bool ambiguous(BrokerError::Kind kind)
{
    return kind == BrokerError::Kind::Unavailable || kind == BrokerError::Kind::Network ||
           kind == BrokerError::Kind::Decode || kind == BrokerError::Kind::Internal;
}

// What the order would cost at most, when that is known before it fills.
std::optional<Decimal> estimatedCost(const OrderRequest &r)
{
    if (r.notional)
        return r.notional;
    if (r.qty && r.limitPrice)
        return *r.qty * *r.limitPrice;
    if (r.qty && r.stopPrice)
        return *r.qty * *r.stopPrice;
    return std::nullopt;
}

QJsonObject withoutClientOrderId(QJsonObject request)
{
    request.remove(u"client_order_id"_s);
    return request;
}

} // namespace

OrderService::OrderService(Broker &broker, Database &db, AuditLog &audit, QObject *parent)
    : QObject(parent), m_broker(broker), m_db(db), m_audit(audit), m_intents(db)
{}

OrderService::~OrderService() = default;

QFuture<TradingResult<Order>> OrderService::place(const PlaceOrder &command)
{
    auto promise = std::make_shared<QPromise<TradingResult<Order>>>();
    promise->start();
    QFuture<TradingResult<Order>> future = promise->future();
    const Finish finish = finisher<TradingResult<Order>>(promise);

    if (!m_ready) {
        finish(unexpected(failure(TradingError::Kind::Unavailable, u"reconciling"_s,
                                  u"orders are being reconciled with the broker; try again shortly"_s)));
        return future;
    }
    if (auto valid = OrderValidator::check(command.request); !valid) {
        finish(unexpected(valid.error()));
        return future;
    }
    if (!command.idempotencyKey.isEmpty()) {
        const auto existing = m_intents.byIdempotencyKey(command.accountId, command.idempotencyKey);
        if (!existing) {
            finish(unexpected(TradingError::fromStore(existing.error())));
            return future;
        }
        if (*existing) {
            replay(**existing, command.request, {command.userId, command.ip}, finish);
            return future;
        }
    }
    checkBuyingPowerThenSubmit(command, finish);
    return future;
}

void OrderService::checkBuyingPowerThenSubmit(const PlaceOrder &command, const Finish &finish)
{
    const auto cost = estimatedCost(command.request);
    if (command.request.side != OrderSide::Buy || !cost) {
        storeAndSubmit(command, finish);
        return;
    }
    m_broker.account(command.accountId)
        .then(this, [this, command, cost, finish](const BrokerResult<Account> &account) {
            if (!account) {
                finish(unexpected(TradingError::fromBroker(account.error())));
                return;
            }
            if (*cost > account->buyingPower) {
                finish(unexpected(failure(TradingError::Kind::Forbidden, u"insufficient_buying_power"_s,
                                          u"the order needs up to %1 but the buying power is %2"_s.arg(
                                              cost->toString(), account->buyingPower.toString()))));
                return;
            }
            storeAndSubmit(command, finish);
        });
}

void OrderService::storeAndSubmit(const PlaceOrder &command, const Finish &finish)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    OrderRequest request = command.request;
    request.clientOrderId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    OrderIntent intent;
    intent.userId = command.userId;
    intent.accountId = command.accountId;
    intent.clientOrderId = request.clientOrderId;
    intent.idempotencyKey = command.idempotencyKey;
    intent.request = request.toJson();
    intent.createdAt = now;
    intent.updatedAt = now;
    const auto stored = m_db.transaction([&] { return m_intents.add(intent); });
    if (!stored && stored.error().kind == StoreError::Kind::Conflict && !command.idempotencyKey.isEmpty()) {
        // A concurrent request with the same key won the race: answer with its order.
        const auto existing = m_intents.byIdempotencyKey(command.accountId, command.idempotencyKey);
        if (existing && *existing) {
            replay(**existing, command.request, {command.userId, command.ip}, finish);
            return;
        }
    }
    if (!stored) {
        qCWarning(lcTrading) << "cannot store the order intent:" << stored.error().message;
        finish(unexpected(TradingError::fromStore(stored.error())));
        return;
    }
    submit(*stored, {command.userId, command.ip}, finish);
}

void OrderService::replay(const OrderIntent &intent, const OrderRequest &request, const Origin &origin,
                          const Finish &finish)
{
    if (withoutClientOrderId(intent.request) != withoutClientOrderId(request.toJson())) {
        finish(unexpected(failure(TradingError::Kind::Conflict, u"idempotency_key_reused"_s,
                                  u"this idempotency_key was used for a different order"_s)));
        return;
    }
    switch (intent.state) {
    case OrderIntent::State::Submitted:
        m_broker.order(intent.accountId, intent.brokerOrderId)
            .then(this, [finish](const BrokerResult<Order> &order) {
                if (!order)
                    finish(unexpected(TradingError::fromBroker(order.error())));
                else
                    finish(*order);
            });
        return;
    case OrderIntent::State::Rejected:
        finish(unexpected(TradingError::fromRecordedRefusal(intent.errorCode, intent.errorMessage)));
        return;
    case OrderIntent::State::Pending:
    case OrderIntent::State::Unknown:
        lookUp(intent, true, origin, finish);
        return;
    }
}

void OrderService::submit(const OrderIntent &intent, const Origin &origin, const Finish &finish)
{
    auto request = OrderRequest::fromJson(intent.request);
    if (request)
        request->clientOrderId = intent.clientOrderId;
    if (!request) {
        finish(unexpected(failure(TradingError::Kind::Internal, u"internal_error"_s,
                                  u"the stored order intent cannot be read"_s)));
        return;
    }
    m_broker.submitOrder(intent.accountId, *request)
        .then(this, [this, intent, origin, finish](const BrokerResult<Order> &order) {
            if (order) {
                record(intent, OrderIntent::State::Submitted, order->id, nullptr);
                audit(origin, u"order.place"_s, intent, u"ok"_s, order->id, nullptr);
                finish(*order);
                return;
            }
            if (order.error().kind == BrokerError::Kind::DuplicateClientOrderId) {
                // The broker has it already (an earlier attempt got through): settle on that order.
                lookUp(intent, false, origin, finish);
                return;
            }
            const TradingError error = TradingError::fromBroker(order.error());
            if (ambiguous(order.error().kind)) {
                record(intent, OrderIntent::State::Unknown, {}, &error);
                audit(origin, u"order.place"_s, intent, u"error"_s, {}, &error);
                finish(unexpected(failure(TradingError::Kind::Unavailable, u"order_state_unknown"_s,
                                          u"the broker did not confirm the order; retry with the same "
                                          "idempotency_key to learn its outcome"_s)));
                return;
            }
            record(intent, OrderIntent::State::Rejected, {}, &error);
            audit(origin, u"order.place"_s, intent, u"denied"_s, {}, &error);
            finish(unexpected(error));
        });
}

void OrderService::lookUp(const OrderIntent &intent, bool resubmitIfMissing, const Origin &origin,
                          const Finish &finish)
{
    m_broker.orderByClientOrderId(intent.accountId, intent.clientOrderId)
        .then(this, [this, intent, resubmitIfMissing, origin, finish](const BrokerResult<Order> &order) {
            if (order) {
                if (intent.state != OrderIntent::State::Submitted) {
                    record(intent, OrderIntent::State::Submitted, order->id, nullptr);
                    audit(origin, u"order.reconcile"_s, intent, u"ok"_s, order->id, nullptr);
                }
                finish(*order);
                return;
            }
            if (order.error().kind == BrokerError::Kind::NotFound && resubmitIfMissing) {
                // Safe: the same client_order_id, so the broker refuses it if it does exist after all.
                submit(intent, origin, finish);
                return;
            }
            const TradingError error = TradingError::fromBroker(order.error());
            record(intent, OrderIntent::State::Unknown, {}, &error);
            finish(
                unexpected(failure(TradingError::Kind::Unavailable, u"order_state_unknown"_s,
                                   u"the order's state at the broker is not known yet: "_s + error.message)));
        });
}

void OrderService::reconcile()
{
    const auto unresolved = m_intents.unresolved();
    if (!unresolved) {
        // Staying closed is the safe side: taking new orders now could not be reconciled later.
        qCCritical(lcTrading) << "cannot read the order intents; orders stay closed:"
                              << unresolved.error().message;
        return;
    }
    if (unresolved->isEmpty()) {
        m_ready = true;
        Q_EMIT reconciled(0, 0);
        return;
    }
    qCInfo(lcTrading) << "reconciling" << unresolved->size() << "order intents with the broker";
    struct Progress
    {
        qsizetype remaining = 0;
        int settled = 0;
        int unsettled = 0;
    };
    auto progress = std::make_shared<Progress>();
    progress->remaining = unresolved->size();
    for (const OrderIntent &intent : *unresolved) {
        lookUp(intent, true, {u"system"_s, {}}, [this, progress](const TradingResult<Order> &result) {
            if (result || result.error().kind != TradingError::Kind::Unavailable)
                ++progress->settled;
            else
                ++progress->unsettled;
            if (--progress->remaining == 0) {
                m_ready = true;
                qCInfo(lcTrading) << "reconciled" << progress->settled << "order intents;"
                                  << progress->unsettled << "still unknown";
                Q_EMIT reconciled(progress->settled, progress->unsettled);
            }
        });
    }
}

QFuture<TradingResult<Done>> OrderService::cancel(const QString &userId, const QString &accountId,
                                                  const QString &orderId, const QString &ip)
{
    return m_broker.cancelOrder(accountId, orderId)
        .then(this, [this, userId, accountId, orderId, ip](const BrokerResult<Done> &done) {
            AuditEntry entry;
            entry.at = QDateTime::currentDateTimeUtc();
            entry.actor = userId;
            entry.action = u"order.cancel"_s;
            entry.subject = accountId;
            entry.ip = ip;
            entry.result = done ? u"ok"_s : u"error"_s;
            entry.details = {{u"order_id"_s, orderId}};
            if (!done)
                entry.details.insert(u"error"_s, TradingError::fromBroker(done.error()).code);
            if (const auto appended = m_audit.append(entry); !appended)
                qCWarning(lcTrading) << "cannot write the audit log:" << appended.error().message;
            if (!done)
                return TradingResult<Done>(unexpected(TradingError::fromBroker(done.error())));
            return TradingResult<Done>(Done{});
        });
}

void OrderService::auditRefusal(const QString &actor, const QString &accountId, const QString &action,
                                const QString &ip, const QString &code)
{
    AuditEntry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.actor = actor;
    entry.action = action;
    entry.subject = accountId;
    entry.ip = ip;
    entry.result = u"denied"_s;
    entry.details = {{u"error"_s, code}};
    if (const auto appended = m_audit.append(entry); !appended)
        qCWarning(lcTrading) << "cannot write the audit log:" << appended.error().message;
}

void OrderService::record(const OrderIntent &intent, OrderIntent::State state, const QString &brokerOrderId,
                          const TradingError *error)
{
    const auto updated =
        m_intents.update(intent.clientOrderId, state, brokerOrderId, error ? error->code : QString(),
                         error ? error->message : QString(), QDateTime::currentDateTimeUtc());
    if (!updated)
        qCWarning(lcTrading) << "cannot record the outcome of order intent" << intent.clientOrderId << ":"
                             << updated.error().message;
}

void OrderService::audit(const Origin &origin, const QString &action, const OrderIntent &intent,
                         const QString &result, const QString &brokerOrderId, const TradingError *error)
{
    AuditEntry entry;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.actor = origin.actor;
    entry.action = action;
    entry.subject = intent.accountId;
    entry.ip = origin.ip;
    entry.result = result;
    QJsonObject details = intent.request;
    details.insert(u"client_order_id"_s, intent.clientOrderId);
    if (!brokerOrderId.isEmpty())
        details.insert(u"order_id"_s, brokerOrderId);
    if (error)
        details.insert(u"error"_s, error->code);
    entry.details = details;
    if (const auto appended = m_audit.append(entry); !appended)
        qCWarning(lcTrading) << "cannot write the audit log:" << appended.error().message;
}

} // namespace clera
