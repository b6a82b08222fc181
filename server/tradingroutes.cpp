#include "tradingroutes.h"

#include "core/broker/broker.h"
#include "core/trading/orderservice.h"
#include "jsonresponse.h"
#include "serverlog.h"

#include <QJsonArray>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

RouteSpec spec(Method method, const QString &suffix, const QString &operationId, const QString &summary)
{
    return AccountAccess::routeSpec(method, suffix, operationId, summary, u"trading"_s);
}

const QStringList kDecimalFields{u"qty"_s,
                                 u"notional"_s,
                                 u"limit_price"_s,
                                 u"stop_price"_s,
                                 u"trail_price"_s,
                                 u"trail_percent"_s,
                                 u"take_profit_limit_price"_s,
                                 u"stop_loss_stop_price"_s,
                                 u"stop_loss_limit_price"_s};

// The body of placing (and previewing) an order.
QList<BodyField> orderBody()
{
    return {
        {u"symbol"_s, u"e.g. AAPL"_s, true, 32},
        {u"side"_s, u"buy or sell"_s, true, 8},
        {u"type"_s, u"market (default), limit, stop, stop_limit or trailing_stop"_s, false, 16},
        {u"time_in_force"_s, u"day (default), gtc, opg, cls, ioc or fok"_s, false, 8},
        {u"qty"_s, u"Shares as a decimal string (exactly one of qty and notional)"_s, false, 40},
        {u"notional"_s, u"Dollars as a decimal string (exactly one of qty and notional)"_s, false, 40},
        {u"limit_price"_s, u"For limit and stop_limit"_s, false, 40},
        {u"stop_price"_s, u"For stop and stop_limit"_s, false, 40},
        {u"trail_price"_s, u"For trailing_stop (or trail_percent)"_s, false, 40},
        {u"trail_percent"_s, u"For trailing_stop (or trail_price)"_s, false, 40},
        {u"extended_hours"_s, u"Limit day orders only"_s, false, 8},
        {u"order_class"_s, u"simple (default) or bracket"_s, false, 16},
        {u"take_profit_limit_price"_s, u"Bracket: the take-profit leg's limit price"_s, false, 40},
        {u"stop_loss_stop_price"_s, u"Bracket: the stop-loss leg's stop price"_s, false, 40},
        {u"stop_loss_limit_price"_s, u"Bracket: the stop-loss leg's limit price (optional)"_s, false, 40},
        {u"idempotency_key"_s, u"Optional: a retry with the same key returns the same order"_s, false,
         128},
    };
}

// The request body as an OrderRequest; enum values it does not know become Unknown, which the
// validator refuses with a clear message.
Expected<OrderRequest, QString> orderRequestFrom(const QJsonObject &body)
{
    OrderRequest r;
    r.symbol = body.value(u"symbol"_s).toString().trimmed().toUpper();
    r.side = orderSideFromWire(body.value(u"side"_s).toString());
    r.type = orderTypeFromWire(body.value(u"type"_s).toString(u"market"_s));
    r.timeInForce = timeInForceFromWire(body.value(u"time_in_force"_s).toString(u"day"_s));
    r.orderClass = orderClassFromWire(body.value(u"order_class"_s).toString());
    const QJsonValue extended = body.value(u"extended_hours"_s);
    r.extendedHours = extended.isBool() ? extended.toBool() : extended.toString() == u"true";
    std::optional<Decimal> *targets[] = {&r.qty,
                                         &r.notional,
                                         &r.limitPrice,
                                         &r.stopPrice,
                                         &r.trailPrice,
                                         &r.trailPercent,
                                         &r.takeProfitLimitPrice,
                                         &r.stopLossStopPrice,
                                         &r.stopLossLimitPrice};
    for (qsizetype i = 0; i < kDecimalFields.size(); ++i) {
        const QString text = body.value(kDecimalFields.at(i)).toString();
        if (text.isEmpty())
            continue;
        const auto value = Decimal::parse(text);
        if (!value)
            return unexpected(u"%1 must be a decimal number like \"1.5\""_s.arg(kDecimalFields.at(i)));
        *targets[i] = *value;
    }
    return r;
}

} // namespace

TradingRoutes::TradingRoutes(OrderService &orders, Broker &broker, BrokerageAccountRepository &accounts,
                             QObject *parent)
    : QObject(parent), m_orders(orders), m_broker(broker), m_access(accounts)
{}

QHttpServerResponse TradingRoutes::failure(const TradingError &error)
{
    return serviceFailure(error);
}

std::optional<QHttpServerResponse> TradingRoutes::refuse(const RequestContext &c, Access access,
                                                         const QString &action) const
{
    return m_access.check(
        c, access == Access::Read ? AccountAccess::Use::Read : AccountAccess::Use::Act,
        u"operators may read any account but trade only their own"_s, [&](const QString &code) {
            m_orders.auditRefusal(c.user.userId, AccountAccess::accountOf(c), action, c.client.ip, code);
        });
}

void TradingRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec s = spec(Method::Post, u"/orders"_s, u"placeOrder"_s,
                           u"Place an order. It is stored with a fresh client_order_id before the broker "
                           "sees it and is never sent twice; a retry with the same idempotency_key returns "
                           "the first order"_s);
        s.body = orderBody();
        s.booleanFields = {u"extended_hours"_s};
        s.status = 201;
        s.responseSchema = u"PlacedOrder"_s;
        s.errors += {403, 409, 422, 429};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) { return place(c); });
    }
    {
        RouteSpec s = spec(Method::Post, u"/orders/preview"_s, u"previewOrder"_s,
                           u"What placing this order would do: the same checks, the estimated cost, the "
                           "buying power before and after, the market clock and the warnings. Nothing is "
                           "stored or sent to the broker"_s);
        s.body = orderBody();
        s.booleanFields = {u"extended_hours"_s};
        s.responseSchema = u"OrderPreview"_s;
        s.errors += {400, 403, 429};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) { return preview(c); });
    }
    {
        RouteSpec s = spec(Method::Get, u"/orders"_s, u"listOrders"_s,
                           u"The account's orders, newest first (?status=open (default), closed or all; "
                           "?limit=1-500)"_s);
        s.responseSchema = u"OrderList"_s;
        s.errors += {400, 403};
        router.add(s, [this](const QHttpServerRequest &r, const RequestContext &c) { return list(r, c); });
    }
    {
        RouteSpec s = spec(Method::Get, u"/orders/{order_id}"_s, u"order"_s, u"One order of the account"_s);
        s.responseSchema = u"Order"_s;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Read))
                return ready(std::move(*refused));
            return m_broker.order(AccountAccess::accountOf(c), c.path.value(u"order_id"_s))
                .then(this, [](const BrokerResult<Order> &order) {
                    if (!order)
                        return failure(TradingError::fromBroker(order.error()));
                    return jsonResponse(order->toJson());
                });
        });
    }
    {
        RouteSpec s = spec(Method::Delete, u"/orders/{order_id}"_s, u"cancelOrder"_s,
                           u"Ask the broker to cancel an open order"_s);
        s.status = 204;
        s.errors += {403, 422};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Trade, u"order.cancel"_s))
                return ready(std::move(*refused));
            return m_orders
                .cancel(c.user.userId, AccountAccess::accountOf(c), c.path.value(u"order_id"_s), c.client.ip)
                .then(this, [](const TradingResult<Done> &done) {
                    if (!done)
                        return failure(done.error());
                    return QHttpServerResponse(Status::NoContent);
                });
        });
    }
    {
        RouteSpec s = spec(Method::Get, u"/positions"_s, u"positions"_s, u"The account's open positions"_s);
        s.responseSchema = u"PositionList"_s;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Read))
                return ready(std::move(*refused));
            return m_broker.positions(AccountAccess::accountOf(c))
                .then(this, [](const BrokerResult<QList<Position>> &positions) {
                    if (!positions)
                        return failure(TradingError::fromBroker(positions.error()));
                    QJsonArray out;
                    for (const Position &p : *positions)
                        out.append(p.toJson());
                    return jsonResponse(out);
                });
        });
    }
}

QFuture<QHttpServerResponse> TradingRoutes::place(const RequestContext &c)
{
    if (auto refused = refuse(c, Access::Trade, u"order.place"_s))
        return ready(std::move(*refused));
    const auto request = orderRequestFrom(c.body);
    if (!request)
        return ready(errorResponse(Status::BadRequest, u"invalid_order"_s, request.error()));
    PlaceOrder command;
    command.userId = c.user.userId;
    command.accountId = AccountAccess::accountOf(c);
    command.request = *request;
    command.idempotencyKey = c.body.value(u"idempotency_key"_s).toString();
    command.ip = c.client.ip;
    return m_orders.place(command).then(this, [](const TradingResult<PlacedOrder> &placed) {
        if (!placed)
            return failure(placed.error());
        QJsonObject out = placed->order.toJson();
        QJsonArray warnings;
        for (const OrderWarning &w : placed->warnings)
            warnings.append(w.toJson());
        out.insert(u"warnings"_s, warnings);
        return jsonResponse(out, Status::Created);
    });
}

QFuture<QHttpServerResponse> TradingRoutes::preview(const RequestContext &c)
{
    if (auto refused = refuse(c, Access::Trade, u"order.preview"_s))
        return ready(std::move(*refused));
    const auto request = orderRequestFrom(c.body);
    if (!request)
        return ready(errorResponse(Status::BadRequest, u"invalid_order"_s, request.error()));
    return m_orders.preview(AccountAccess::accountOf(c), *request)
        .then(this, [](const TradingResult<OrderPreview> &preview) {
            if (!preview)
                return failure(preview.error());
            return jsonResponse(preview->toJson());
        });
}

QFuture<QHttpServerResponse> TradingRoutes::list(const QHttpServerRequest &request, const RequestContext &c)
{
    if (auto refused = refuse(c, Access::Read))
        return ready(std::move(*refused));
    const QUrlQuery query = request.query();
    OrderQuery q;
    const QString status = query.queryItemValue(u"status"_s);
    if (status == u"closed")
        q.status = OrderQuery::Status::Closed;
    else if (status == u"all")
        q.status = OrderQuery::Status::All;
    else if (!status.isEmpty() && status != u"open")
        return ready(
            errorResponse(Status::BadRequest, u"invalid_query"_s, u"status must be open, closed or all"_s));
    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        q.limit = query.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || q.limit < 1 || q.limit > 500)
            return ready(errorResponse(Status::BadRequest, u"invalid_query"_s,
                                       u"limit must be a whole number from 1 to 500"_s));
    }
    return m_broker.orders(AccountAccess::accountOf(c), q)
        .then(this, [](const BrokerResult<QList<Order>> &orders) {
            if (!orders)
                return failure(TradingError::fromBroker(orders.error()));
            QJsonArray out;
            for (const Order &o : *orders)
                out.append(o.toJson());
            return jsonResponse(out);
        });
}

} // namespace clera
