#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "order.h"
#include "timestamp.h"

#include <QDate>
#include <QString>

#include <optional>

namespace clera {

// Alpaca's activity types (UPPERCASE on the wire). The enum is open: a type this build does not know
// decodes as Unknown and Activity keeps its wire name.
enum class ActivityType {
    Fill,
    Acatc,
    Acats,
    Cfee,
    Cil,
    Csd,
    Csw,
    Div,
    Divcgl,
    Divcgs,
    Divnra,
    Divroc,
    Divtxex,
    Divwh,
    Extrd,
    Fee,
    Fxtrd,
    Int,
    Intpnl,
    Jnlc,
    Jnls,
    Ma,
    Mem,
    Nc,
    Oct,
    Opasn,
    Opcsh,
    Opexc,
    Opexp,
    Optrd,
    Ptc,
    Reorg,
    Spin,
    Split,
    Swp,
    Vof,
    Wh,
    Unknown
};
enum class FillType { Fill, PartialFill, Unknown };                 // fill | partial_fill
enum class ActivityStatus { Executed, Correct, Canceled, Unknown }; // non-trade activities
[[nodiscard]] QString toWire(ActivityType v);                       // Unknown → "UNKNOWN"
[[nodiscard]] QString toWire(FillType v);
[[nodiscard]] QString toWire(ActivityStatus v);
[[nodiscard]] ActivityType activityTypeFromWire(QStringView s);
[[nodiscard]] FillType fillTypeFromWire(QStringView s);
[[nodiscard]] ActivityStatus activityStatusFromWire(QStringView s);

// One entry of `GET /v1/accounts/activities` or `/v2/account/activities`: a trade (activity_type FILL,
// with transaction_time) or a non-trade activity (cash, dividends, fees … with a date and net_amount).
struct Activity
{
    QString id; // "<YYYYMMDDHHMMSSmmm>::<uuid>"; the page_token of the next page
    QString accountId;
    ActivityType activityType = ActivityType::Unknown;
    QString activityTypeWire; // as received, also for Unknown

    // Trade activities.
    std::optional<Timestamp> transactionTime;
    FillType fillType = FillType::Unknown;
    std::optional<Decimal> price;
    OrderSide side = OrderSide::Unknown;
    std::optional<Decimal> leavesQty;
    std::optional<Decimal> cumQty;
    QString orderId;
    OrderStatus orderStatus = OrderStatus::Unknown;

    // Both (optional on non-trade activities).
    QString symbol;
    std::optional<Decimal> qty;

    // Non-trade activities.
    std::optional<QDate> date;
    std::optional<Decimal> netAmount;
    QString description;
    ActivityStatus status = ActivityStatus::Unknown;
    std::optional<Decimal> perShareAmount;

    [[nodiscard]] bool isTrade() const { return activityType == ActivityType::Fill; }

    [[nodiscard]] static Expected<Activity, DecodeError> fromJson(const QJsonObject &json,
                                                                  const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Activity &, const Activity &) = default;
};

} // namespace clera
