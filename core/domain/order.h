#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "timestamp.h"

#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace clera {

enum class OrderSide { Buy, Sell, Unknown };
enum class OrderType { Market, Limit, Stop, StopLimit, TrailingStop, Unknown };
enum class TimeInForce { Day, Gtc, Opg, Cls, Ioc, Fok, Unknown };
enum class OrderClass { Simple, Bracket, Oco, Oto, Mleg, Unknown };
// Alpaca's order status enum; values it adds later decode as Unknown instead of failing.
enum class OrderStatus {
    New, PartiallyFilled, Filled, DoneForDay, Canceled, Expired, Replaced, PendingCancel, PendingReplace,
    Accepted, PendingNew, AcceptedForBidding, Stopped, Rejected, Suspended, Calculated, Held, Unknown
};

// Wire names are lowercase; Unknown prints as "unknown", which decodes back to Unknown.
[[nodiscard]] QString toWire(OrderSide v);
[[nodiscard]] QString toWire(OrderType v);
[[nodiscard]] QString toWire(TimeInForce v);
[[nodiscard]] QString toWire(OrderClass v);
[[nodiscard]] QString toWire(OrderStatus v);
[[nodiscard]] OrderSide orderSideFromWire(QStringView s);
[[nodiscard]] OrderType orderTypeFromWire(QStringView s);
[[nodiscard]] TimeInForce timeInForceFromWire(QStringView s);
[[nodiscard]] OrderClass orderClassFromWire(QStringView s); // "" (older events) → Simple
[[nodiscard]] OrderStatus orderStatusFromWire(QStringView s);
// filled, canceled, expired, rejected, replaced.
[[nodiscard]] bool isTerminal(OrderStatus s);

// What a client asks for (`POST …/orders`). Exactly one of qty and notional; fromJson checks the shape
// only, so the receiver (broker or fake) enforces such combinations with Alpaca's own errors.
struct OrderRequest
{
    QString symbol;
    std::optional<Decimal> qty;      // up to 9 fractional digits
    std::optional<Decimal> notional; // dollars, 2 fractional digits
    OrderSide side = OrderSide::Buy;
    OrderType type = OrderType::Market;
    TimeInForce timeInForce = TimeInForce::Day;
    std::optional<Decimal> limitPrice;
    std::optional<Decimal> stopPrice;
    std::optional<Decimal> trailPrice;
    std::optional<Decimal> trailPercent;
    bool extendedHours = false;
    QString clientOrderId;
    OrderClass orderClass = OrderClass::Simple;
    std::optional<Decimal> takeProfitLimitPrice;
    std::optional<Decimal> stopLossStopPrice;
    std::optional<Decimal> stopLossLimitPrice;

    [[nodiscard]] static Expected<OrderRequest, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const; // Alpaca's request body; absent optionals are omitted
    friend bool operator==(const OrderRequest &, const OrderRequest &) = default;
};

// Alpaca's Order object.
struct Order
{
    QString id;
    QString clientOrderId;
    Timestamp createdAt;
    std::optional<Timestamp> updatedAt;
    std::optional<Timestamp> submittedAt;
    std::optional<Timestamp> filledAt;
    std::optional<Timestamp> expiredAt;
    std::optional<Timestamp> canceledAt;
    std::optional<Timestamp> failedAt;
    std::optional<Timestamp> replacedAt;
    QString replacedBy;
    QString replaces;
    QString assetId;
    QString symbol;
    QString assetClass = QStringLiteral("us_equity");
    std::optional<Decimal> notional;
    std::optional<Decimal> qty;
    Decimal filledQty;
    std::optional<Decimal> filledAvgPrice;
    OrderClass orderClass = OrderClass::Simple;
    OrderType type = OrderType::Market;
    OrderSide side = OrderSide::Buy;
    QString positionIntent;
    TimeInForce timeInForce = TimeInForce::Day;
    std::optional<Decimal> limitPrice;
    std::optional<Decimal> stopPrice;
    OrderStatus status = OrderStatus::New;
    bool extendedHours = false;
    std::vector<Order> legs; // std::vector: QList<Order> inside Order trips Qt's recursive metatype traits
    std::optional<Decimal> trailPercent;
    std::optional<Decimal> trailPrice;
    std::optional<Decimal> hwm;
    std::optional<Decimal> commission;

    [[nodiscard]] static Expected<Order, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Order &, const Order &) = default;
};

} // namespace clera
