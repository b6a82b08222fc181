#include "transfer.h"

#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr std::array<WireName<TransferType>, 2> kTypes{{
    {TransferType::Ach, u"ach"},
    {TransferType::Wire, u"wire"},
}};

constexpr std::array<WireName<TransferDirection>, 2> kDirections{{
    {TransferDirection::Incoming, u"INCOMING"},
    {TransferDirection::Outgoing, u"OUTGOING"},
}};

constexpr std::array<WireName<TransferStatus>, 11> kStatuses{{
    {TransferStatus::Queued, u"QUEUED"},
    {TransferStatus::ApprovalPending, u"APPROVAL_PENDING"},
    {TransferStatus::Pending, u"PENDING"},
    {TransferStatus::SentToClearing, u"SENT_TO_CLEARING"},
    {TransferStatus::Approved, u"APPROVED"},
    {TransferStatus::Settled, u"SETTLED"},
    {TransferStatus::Complete, u"COMPLETE"},
    {TransferStatus::Rejected, u"REJECTED"},
    {TransferStatus::Canceled, u"CANCELED"},
    {TransferStatus::Returned, u"RETURNED"},
    {TransferStatus::Expired, u"EXPIRED"},
}};

void insertIfNotEmpty(QJsonObject &json, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        json.insert(key, value);
}

} // namespace

QString toWire(TransferType v)
{
    return detail::wireName(kTypes, v, u"unknown");
}
QString toWire(TransferDirection v)
{
    return detail::wireName(kDirections, v, u"UNKNOWN");
}
QString toWire(TransferStatus v)
{
    return detail::wireName(kStatuses, v, u"UNKNOWN");
}

TransferType transferTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kTypes, s, TransferType::Unknown);
}

TransferDirection transferDirectionFromWire(QStringView s)
{
    return detail::enumFromWire(kDirections, s, TransferDirection::Unknown);
}

TransferStatus transferStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kStatuses, s, TransferStatus::Unknown);
}

bool isTerminal(TransferStatus s)
{
    switch (s) {
    case TransferStatus::Complete:
    case TransferStatus::Settled:
    case TransferStatus::Rejected:
    case TransferStatus::Canceled:
    case TransferStatus::Returned:
    case TransferStatus::Expired:
        return true;
    default:
        return false;
    }
}

Expected<TransferRequest, DecodeError> TransferRequest::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    TransferRequest t;
    t.transferType = transferTypeFromWire(r.string(u"transfer_type"));
    t.relationshipId = r.optString(u"relationship_id");
    t.bankId = r.optString(u"bank_id");
    t.amount = r.decimal(u"amount");
    t.direction = transferDirectionFromWire(r.string(u"direction"));
    t.timing = r.optString(u"timing");
    t.feePaymentMethod = r.optString(u"fee_payment_method");
    t.additionalInformation = r.optString(u"additional_information");
    return r.finish(std::move(t));
}

QJsonObject TransferRequest::toJson() const
{
    QJsonObject json{
        {u"transfer_type"_s, toWire(transferType)},
        {u"amount"_s, amount.toString()},
        {u"direction"_s, toWire(direction)},
    };
    insertIfNotEmpty(json, u"relationship_id"_s, relationshipId);
    insertIfNotEmpty(json, u"bank_id"_s, bankId);
    insertIfNotEmpty(json, u"timing"_s, timing);
    insertIfNotEmpty(json, u"fee_payment_method"_s, feePaymentMethod);
    insertIfNotEmpty(json, u"additional_information"_s, additionalInformation);
    return json;
}

Expected<Transfer, DecodeError> Transfer::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Transfer t;
    t.id = r.string(u"id");
    t.relationshipId = r.optString(u"relationship_id");
    t.bankId = r.optString(u"bank_id");
    t.accountId = r.string(u"account_id");
    t.type = transferTypeFromWire(r.string(u"type"));
    t.status = transferStatusFromWire(r.string(u"status"));
    t.currency = r.optString(u"currency");
    t.reason = r.optString(u"reason");
    t.amount = r.decimal(u"amount");
    t.instantAmount = r.optDecimal(u"instant_amount");
    t.requestedAmount = r.optDecimal(u"requested_amount");
    t.fee = r.optDecimal(u"fee");
    t.feePaymentMethod = r.optString(u"fee_payment_method");
    t.direction = transferDirectionFromWire(r.string(u"direction"));
    t.createdAt = r.timestamp(u"created_at");
    t.updatedAt = r.optTimestamp(u"updated_at");
    t.expiresAt = r.optTimestamp(u"expires_at");
    t.holdUntil = r.optTimestamp(u"hold_until");
    t.additionalInformation = r.optString(u"additional_information");
    return r.finish(std::move(t));
}

QJsonObject Transfer::toJson() const
{
    return QJsonObject{
        {u"id"_s, id},
        {u"relationship_id"_s, jsonString(relationshipId)},
        {u"bank_id"_s, jsonString(bankId)},
        {u"account_id"_s, accountId},
        {u"type"_s, toWire(type)},
        {u"status"_s, toWire(status)},
        {u"currency"_s, jsonString(currency)},
        {u"reason"_s, jsonString(reason)},
        {u"amount"_s, amount.toString()},
        {u"instant_amount"_s, jsonDecimal(instantAmount)},
        {u"requested_amount"_s, jsonDecimal(requestedAmount)},
        {u"fee"_s, jsonDecimal(fee)},
        {u"fee_payment_method"_s, jsonString(feePaymentMethod)},
        {u"direction"_s, toWire(direction)},
        {u"created_at"_s, createdAt.toString()},
        {u"updated_at"_s, jsonTimestamp(updatedAt)},
        {u"expires_at"_s, jsonTimestamp(expiresAt)},
        {u"hold_until"_s, jsonTimestamp(holdUntil)},
        {u"additional_information"_s, jsonString(additionalInformation)},
    };
}

} // namespace clera
