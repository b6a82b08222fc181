#include "activity.h"

#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr std::array<WireName<ActivityType>, 37> kTypes{{
    {ActivityType::Fill, u"FILL"},       {ActivityType::Acatc, u"ACATC"},   {ActivityType::Acats, u"ACATS"},
    {ActivityType::Cfee, u"CFEE"},       {ActivityType::Cil, u"CIL"},       {ActivityType::Csd, u"CSD"},
    {ActivityType::Csw, u"CSW"},         {ActivityType::Div, u"DIV"},       {ActivityType::Divcgl, u"DIVCGL"},
    {ActivityType::Divcgs, u"DIVCGS"},   {ActivityType::Divnra, u"DIVNRA"}, {ActivityType::Divroc, u"DIVROC"},
    {ActivityType::Divtxex, u"DIVTXEX"}, {ActivityType::Divwh, u"DIVWH"},   {ActivityType::Extrd, u"EXTRD"},
    {ActivityType::Fee, u"FEE"},         {ActivityType::Fxtrd, u"FXTRD"},   {ActivityType::Int, u"INT"},
    {ActivityType::Intpnl, u"INTPNL"},   {ActivityType::Jnlc, u"JNLC"},     {ActivityType::Jnls, u"JNLS"},
    {ActivityType::Ma, u"MA"},           {ActivityType::Mem, u"MEM"},       {ActivityType::Nc, u"NC"},
    {ActivityType::Oct, u"OCT"},         {ActivityType::Opasn, u"OPASN"},   {ActivityType::Opcsh, u"OPCSH"},
    {ActivityType::Opexc, u"OPEXC"},     {ActivityType::Opexp, u"OPEXP"},   {ActivityType::Optrd, u"OPTRD"},
    {ActivityType::Ptc, u"PTC"},         {ActivityType::Reorg, u"REORG"},   {ActivityType::Spin, u"SPIN"},
    {ActivityType::Split, u"SPLIT"},     {ActivityType::Swp, u"SWP"},       {ActivityType::Vof, u"VOF"},
    {ActivityType::Wh, u"WH"},
}};

constexpr std::array<WireName<FillType>, 2> kFillTypes{{
    {FillType::Fill, u"fill"},
    {FillType::PartialFill, u"partial_fill"},
}};

constexpr std::array<WireName<ActivityStatus>, 3> kStatuses{{
    {ActivityStatus::Executed, u"executed"},
    {ActivityStatus::Correct, u"correct"},
    {ActivityStatus::Canceled, u"canceled"},
}};

// Documented as YYYY-MM-DD; an RFC 3339 value keeps the date it was written with.
std::optional<QDate> readDate(JsonReader &r, QStringView key)
{
    const QJsonValue v = r.object().value(key);
    if (v.isString() && v.toString().size() > 10) {
        const QString text = v.toString();
        if (!Timestamp::parse(text)) {
            r.fail(key, u"'%1' is neither YYYY-MM-DD nor RFC 3339"_s.arg(text));
            return std::nullopt;
        }
        return QDate::fromString(text.left(10), Qt::ISODate);
    }
    return r.optDate(key);
}

} // namespace

QString toWire(ActivityType v)
{
    return detail::wireName(kTypes, v, u"UNKNOWN");
}
QString toWire(FillType v)
{
    return detail::wireName(kFillTypes, v, u"unknown");
}
QString toWire(ActivityStatus v)
{
    return detail::wireName(kStatuses, v, u"unknown");
}
ActivityType activityTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kTypes, s, ActivityType::Unknown);
}
FillType fillTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kFillTypes, s, FillType::Unknown);
}
ActivityStatus activityStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kStatuses, s, ActivityStatus::Unknown);
}

Expected<Activity, DecodeError> Activity::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Activity a;
    a.id = r.string(u"id");
    a.accountId = r.optString(u"account_id");
    a.activityTypeWire = r.string(u"activity_type");
    a.activityType = activityTypeFromWire(a.activityTypeWire);
    a.symbol = r.optString(u"symbol");
    if (a.isTrade()) {
        a.transactionTime = r.timestamp(u"transaction_time");
        a.fillType = fillTypeFromWire(r.string(u"type"));
        a.price = r.decimal(u"price");
        a.qty = r.decimal(u"qty");
        a.side = orderSideFromWire(r.string(u"side"));
        if (a.symbol.isEmpty())
            (void)r.string(u"symbol");
        a.leavesQty = r.decimal(u"leaves_qty");
        a.orderId = r.string(u"order_id");
        a.cumQty = r.decimal(u"cum_qty");
        a.orderStatus = orderStatusFromWire(r.string(u"order_status"));
    } else {
        if (!r.has(u"date"))
            (void)r.string(u"date");
        a.date = readDate(r, u"date");
        a.netAmount = r.decimal(u"net_amount");
        a.description = r.optString(u"description");
        a.status = activityStatusFromWire(r.optString(u"status"));
        a.qty = r.optDecimal(u"qty");
        a.perShareAmount = r.optDecimal(u"per_share_amount");
    }
    return r.finish(std::move(a));
}

QJsonObject Activity::toJson() const
{
    QJsonObject json{
        {u"id"_s, id},
        {u"account_id"_s, accountId},
        {u"activity_type"_s, activityTypeWire.isEmpty() ? toWire(activityType) : activityTypeWire},
    };
    if (isTrade()) {
        json.insert(u"transaction_time"_s, jsonTimestamp(transactionTime));
        json.insert(u"type"_s, toWire(fillType));
        json.insert(u"price"_s, jsonDecimal(price));
        json.insert(u"qty"_s, jsonDecimal(qty));
        json.insert(u"side"_s, toWire(side));
        json.insert(u"symbol"_s, symbol);
        json.insert(u"leaves_qty"_s, jsonDecimal(leavesQty));
        json.insert(u"order_id"_s, orderId);
        json.insert(u"cum_qty"_s, jsonDecimal(cumQty));
        json.insert(u"order_status"_s, toWire(orderStatus));
        return json;
    }
    json.insert(u"date"_s, date ? QJsonValue(date->toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null));
    json.insert(u"net_amount"_s, jsonDecimal(netAmount));
    json.insert(u"description"_s, description);
    json.insert(u"status"_s, toWire(status));
    json.insert(u"symbol"_s, jsonString(symbol));
    json.insert(u"qty"_s, jsonDecimal(qty));
    json.insert(u"per_share_amount"_s, jsonDecimal(perShareAmount));
    return json;
}

} // namespace clera
