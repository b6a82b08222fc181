#include "orderservice.h"

#include "core/broker/broker.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/trading/ordervalidator.h"

#include <QJsonArray>
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

QJsonObject OrderWarning::toJson() const
{
    return {{u"code"_s, code}, {u"message"_s, message}};
}

QJsonObject OrderPreview::toJson() const
{
    const auto decimal = [](const std::optional<Decimal> &d) {
        return d ? QJsonValue(d->toString()) : QJsonValue(QJsonValue::Null);
    };
    QJsonArray warningList;
    for (const OrderWarning &w : warnings)
        warningList.append(w.toJson());
    return {
        {u"symbol"_s, request.symbol},
        {u"side"_s, toWire(request.side)},
        {u"type"_s, toWire(request.type)},
        {u"time_in_force"_s, toWire(request.timeInForce)},
        {u"qty"_s, decimal(request.qty)},
        {u"notional"_s, decimal(request.notional)},
        {u"extended_hours"_s, request.extendedHours},
        {u"estimated_price"_s, decimal(price)},
        {u"price_source"_s, priceSource.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(priceSource)},
        {u"estimated_cost"_s, decimal(estimatedCost)},
        {u"buying_power"_s, decimal(buyingPower)},
        {u"buying_power_after"_s, decimal(buyingPowerAfter)},
        {u"market"_s, clock ? QJsonValue(clock->toJson()) : QJsonValue(QJsonValue::Null)},
        {u"warnings"_s, warningList},
    };
}

OrderService::OrderService(Broker &broker, Database &db, AuditLog &audit, QObject *parent)
    : QObject(parent), m_broker(broker), m_db(db), m_audit(audit), m_intents(db)
{}

OrderService::~OrderService() = default;

QFuture<TradingResult<PlacedOrder>> OrderService::place(const PlaceOrder &command)
{
    auto promise = std::make_shared<QPromise<TradingResult<PlacedOrder>>>();
    promise->start();
    QFuture<TradingResult<PlacedOrder>> future = promise->future();
    const auto done = finisher<TradingResult<PlacedOrder>>(promise);
    // The internal steps answer with the Order; the warnings found before it was sent go with it.
    const auto finishWith = [done](const QList<OrderWarning> &warnings) -> Finish {
        return [done, warnings](TradingResult<Order> order) {
            if (!order)
                done(unexpected(order.error()));
            else
                done(PlacedOrder{std::move(*order), warnings});
        };
    };

    if (!m_ready) {
        done(unexpected(failure(TradingError::Kind::Unavailable, u"reconciling"_s,
                                u"orders are being reconciled with the broker; try again shortly"_s)));
        return future;
    }
    if (auto valid = OrderValidator::check(command.request); !valid) {
        done(unexpected(valid.error()));
        return future;
    }
    if (!command.idempotencyKey.isEmpty()) {
        const auto existing = m_intents.byIdempotencyKey(command.accountId, command.idempotencyKey);
        if (!existing) {
            done(unexpected(TradingError::fromStore(existing.error())));
            return future;
        }
        if (*existing) {
            replay(**existing, command.request, {command.userId, command.ip}, finishWith({}));
            return future;
        }
    }
    assess(command.accountId, command.request,
           [this, command, done, finishWith](const TradingResult<OrderPreview> &assessed) {
               if (!assessed) {
                   done(unexpected(assessed.error()));
                   return;
               }
               storeAndSubmit(command, finishWith(assessed->warnings));
           });
    return future;
}

QFuture<TradingResult<OrderPreview>> OrderService::preview(const QString &accountId, const OrderRequest &request)
{
    auto promise = std::make_shared<QPromise<TradingResult<OrderPreview>>>();
    promise->start();
    QFuture<TradingResult<OrderPreview>> future = promise->future();
    const auto done = finisher<TradingResult<OrderPreview>>(promise);
    if (auto valid = OrderValidator::check(request); !valid) {
        done(unexpected(valid.error()));
        return future;
    }
    assess(accountId, request, done);
    return future;
}

void OrderService::assess(const QString &accountId, const OrderRequest &request, const Assessed &done)
{
    // Both requests go out before either answer is awaited: one round trip, not two.
    struct Gathered
    {
        std::optional<BrokerResult<Account>> account;
        std::optional<BrokerResult<MarketClock>> clock;
    };
    auto gathered = std::make_shared<Gathered>();
    const auto whenBoth = [this, gathered, request, done] {
        if (gathered->account && gathered->clock)
            done(judge(request, *gathered->account, *gathered->clock));
    };
    QFuture<BrokerResult<Account>> account = m_broker.account(accountId);
    QFuture<BrokerResult<MarketClock>> clock = m_broker.clock();
    account.then(this, [gathered, whenBoth](const BrokerResult<Account> &result) {
        gathered->account = result;
        whenBoth();
    });
    clock.then(this, [gathered, whenBoth](const BrokerResult<MarketClock> &result) {
        gathered->clock = result;
        whenBoth();
    });
}

TradingResult<OrderPreview> OrderService::judge(const OrderRequest &r, const BrokerResult<Account> &account,
                                                const BrokerResult<MarketClock> &clock) const
{
    OrderPreview p;
    p.request = r;
    const bool buy = r.side == OrderSide::Buy;
    const auto upfront = estimatedCost(r);
    const std::optional<Decimal> last = m_lastPrice ? m_lastPrice(r.symbol) : std::nullopt;
    if (r.limitPrice) {
        p.price = r.limitPrice;
        p.priceSource = u"limit_price"_s;
    } else if (r.stopPrice) {
        p.price = r.stopPrice;
        p.priceSource = u"stop_price"_s;
    } else if (last && last->isPositive()) {
        p.price = last;
        p.priceSource = u"last_price"_s;
    }
    p.estimatedCost = upfront;
    if (!p.estimatedCost && r.qty && p.price)
        p.estimatedCost = *r.qty * *p.price;
    if (!p.estimatedCost)
        p.warnings.append({u"price_unknown"_s,
                           u"no price of %1 is known yet, so the order's value cannot be estimated"_s.arg(
                               r.symbol)});

    if (!account) {
        // A buy whose cost is known must be checked against the buying power: without it, no order.
        if (buy && upfront)
            return unexpected(TradingError::fromBroker(account.error()));
        p.warnings.append({u"buying_power_unknown"_s,
                           u"the account could not be read (%1); the order's size was not checked against "
                           "it"_s.arg(account.error().message)});
    } else {
        p.buyingPower = account->buyingPower;
        if (buy && upfront && *upfront > account->buyingPower)
            return unexpected(failure(TradingError::Kind::Forbidden, u"insufficient_buying_power"_s,
                                      u"the order needs up to %1 but the buying power is %2"_s.arg(
                                          upfront->toString(), account->buyingPower.toString())));
        if (!buy)
            p.buyingPowerAfter = account->buyingPower;
        else if (p.estimatedCost)
            p.buyingPowerAfter = account->buyingPower - *p.estimatedCost;
        if (buy && !upfront && p.estimatedCost && *p.estimatedCost > account->buyingPower)
            p.warnings.append({u"may_exceed_buying_power"_s,
                               u"at the last price the order would cost about %1, more than the buying power "
                               "of %2; the broker may refuse it"_s.arg(p.estimatedCost->toString(),
                                                                       account->buyingPower.toString())});
        if (p.estimatedCost && account->equity.isPositive() &&
            *p.estimatedCost * Decimal(100) > account->equity * Decimal(kLargeOrderPercentOfEquity))
            p.warnings.append({u"large_order"_s,
                               u"the order's estimated value of %1 is over %2 % of the account's equity "
                               "(%3)"_s.arg(p.estimatedCost->toString())
                                   .arg(kLargeOrderPercentOfEquity)
                                   .arg(account->equity.toString())});
    }

    if (r.notional || (r.qty && r.qty->rounded(0) != *r.qty))
        p.warnings.append({u"fractional"_s,
                           u"a fractional or dollar-amount order: it must be a day order and the asset must be "
                           "fractionable, and it may fill for a fraction of a share"_s});

    if (!clock) {
        p.warnings.append({u"market_hours_unknown"_s,
                           u"the market clock could not be read (%1); it is not known whether the market is "
                           "open"_s.arg(clock.error().message)});
        return p;
    }
    p.clock = *clock;
    const QString nextOpen = MarketClock::formatWithOffset(clock->nextOpen, clock->nextOpenOffsetSeconds);
    const QString tif = toWire(r.timeInForce);
    if (!clock->isOpen && r.extendedHours) {
        p.warnings.append({u"extended_hours"_s,
                           u"the regular session is closed; this extended-hours limit order can fill in the "
                           "pre-market or after-hours session, or else waits for the open at %1"_s.arg(nextOpen)});
    } else if (!clock->isOpen) {
        const bool queues = r.timeInForce == TimeInForce::Day || r.timeInForce == TimeInForce::Gtc ||
                            r.timeInForce == TimeInForce::Opg || r.timeInForce == TimeInForce::Cls;
        p.warnings.append(
            {u"market_closed"_s,
             queues ? u"the market is closed; this %1 order will wait for the open at %2"_s.arg(tif, nextOpen)
                    : u"the market is closed until %2; a %1 order fills at once or is canceled, so it may "
                      "not fill at all"_s.arg(tif, nextOpen)});
    } else if (r.extendedHours) {
        p.warnings.append({u"extended_hours"_s,
                           u"extended_hours: this order may also fill in the pre-market and after-hours "
                           "sessions, when fewer shares trade and prices move more"_s});
    }
    return p;
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
