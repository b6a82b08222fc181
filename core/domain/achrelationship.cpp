#include "achrelationship.h"

#include "jsoncodec_p.h"
#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr auto kStatuses = std::to_array<WireName<AchRelationshipStatus>>({
    {AchRelationshipStatus::Queued, u"QUEUED"},
    {AchRelationshipStatus::Approved, u"APPROVED"},
    {AchRelationshipStatus::Pending, u"PENDING"},
    {AchRelationshipStatus::CancelRequested, u"CANCEL_REQUESTED"},
});

constexpr auto kBankAccountTypes = std::to_array<WireName<BankAccountType>>({
    {BankAccountType::Checking, u"CHECKING"},
    {BankAccountType::Savings, u"SAVINGS"},
});

} // namespace

QString toWire(AchRelationshipStatus v)
{
    return detail::wireName(kStatuses, v, u"UNKNOWN");
}

QString toWire(BankAccountType v)
{
    return detail::wireName(kBankAccountTypes, v, u"UNKNOWN");
}

AchRelationshipStatus achRelationshipStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kStatuses, s, AchRelationshipStatus::Unknown);
}

BankAccountType bankAccountTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kBankAccountTypes, s, BankAccountType::Unknown);
}

AchRelationshipRequest AchRelationshipRequest::manual(const QString &ownerName, BankAccountType type,
                                                      const QString &accountNumber,
                                                      const QString &routingNumber, const QString &nickname)
{
    AchRelationshipRequest r;
    r.accountOwnerName = ownerName;
    r.bankAccountType = type;
    r.bankAccountNumber = accountNumber;
    r.bankRoutingNumber = routingNumber;
    r.nickname = nickname;
    return r;
}

AchRelationshipRequest AchRelationshipRequest::plaid(const QString &processorToken)
{
    AchRelationshipRequest r;
    r.processorToken = processorToken;
    return r;
}

Expected<AchRelationshipRequest, DecodeError> AchRelationshipRequest::fromJson(const QJsonObject &json,
                                                                               const QString &path)
{
    JsonReader r(json, path);
    AchRelationshipRequest a;
    a.accountOwnerName = r.optString(u"account_owner_name");
    a.bankAccountType = detail::optEnum(r, u"bank_account_type", &bankAccountTypeFromWire);
    a.bankAccountNumber = r.optString(u"bank_account_number");
    a.bankRoutingNumber = r.optString(u"bank_routing_number");
    a.nickname = r.optString(u"nickname");
    a.processorToken = r.optString(u"processor_token");
    a.instant = r.optBoolean(u"instant");
    return r.finish(std::move(a));
}

QJsonObject AchRelationshipRequest::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putString(json, u"account_owner_name"_s, accountOwnerName);
    putEnum(json, u"bank_account_type"_s, bankAccountType);
    putString(json, u"bank_account_number"_s, bankAccountNumber);
    putString(json, u"bank_routing_number"_s, bankRoutingNumber);
    putString(json, u"nickname"_s, nickname);
    putString(json, u"processor_token"_s, processorToken);
    putBool(json, u"instant"_s, instant);
    return json;
}

Expected<AchRelationship, DecodeError> AchRelationship::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    AchRelationship a;
    a.id = r.string(u"id");
    a.accountId = r.string(u"account_id");
    a.createdAt = r.timestamp(u"created_at");
    a.updatedAt = r.optTimestamp(u"updated_at");
    a.status = achRelationshipStatusFromWire(r.string(u"status"));
    a.accountOwnerName = r.optString(u"account_owner_name");
    a.bankAccountType = detail::optEnum(r, u"bank_account_type", &bankAccountTypeFromWire);
    a.bankAccountNumber = r.optString(u"bank_account_number");
    a.bankRoutingNumber = r.optString(u"bank_routing_number");
    a.nickname = r.optString(u"nickname");
    a.processorToken = r.optString(u"processor_token");
    a.approvalMethod = r.optString(u"approval_method");
    a.plaidInstitution = r.optString(u"plaid_institution");
    a.plaidVerificationStatus = r.optString(u"plaid_verification_status");
    a.accountMask = r.optString(u"account_mask");
    a.correspondentCode = r.optString(u"correspondent_code");
    return r.finish(std::move(a));
}

QJsonObject AchRelationship::toJson() const
{
    QJsonObject json{
        {u"id"_s, id},
        {u"account_id"_s, accountId},
        {u"created_at"_s, createdAt.toString()},
        {u"updated_at"_s, jsonTimestamp(updatedAt)},
        {u"status"_s, toWire(status)},
        {u"account_owner_name"_s, accountOwnerName},
        {u"bank_account_type"_s, bankAccountType ? toWire(*bankAccountType) : QString()},
        {u"bank_account_number"_s, bankAccountNumber},
        {u"bank_routing_number"_s, bankRoutingNumber},
        {u"nickname"_s, jsonString(nickname)},
    };
    detail::putString(json, u"processor_token"_s, processorToken);
    detail::putString(json, u"approval_method"_s, approvalMethod);
    detail::putString(json, u"plaid_institution"_s, plaidInstitution);
    detail::putString(json, u"plaid_verification_status"_s, plaidVerificationStatus);
    detail::putString(json, u"account_mask"_s, accountMask);
    detail::putString(json, u"correspondent_code"_s, correspondentCode);
    return json;
}

} // namespace clera
