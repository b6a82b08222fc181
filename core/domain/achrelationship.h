#pragma once

#include "jsonreader.h"
#include "timestamp.h"

#include <QString>

#include <optional>

namespace clera {

enum class AchRelationshipStatus { Queued, Approved, Pending, CancelRequested, Unknown };
enum class BankAccountType { Checking, Savings, Unknown };
// UPPERCASE; Unknown prints as "UNKNOWN".
[[nodiscard]] QString toWire(AchRelationshipStatus v);
[[nodiscard]] QString toWire(BankAccountType v);
[[nodiscard]] AchRelationshipStatus achRelationshipStatusFromWire(QStringView s);
[[nodiscard]] BankAccountType bankAccountTypeFromWire(QStringView s);

// `POST /v1/accounts/{id}/ach_relationships` (reference §3.7): manual bank details, or a Plaid
// processor token (from Plaid's processor/token/create with processor "alpaca") and nothing else.
struct AchRelationshipRequest
{
    QString accountOwnerName;
    std::optional<BankAccountType> bankAccountType;
    QString bankAccountNumber;
    QString bankRoutingNumber;
    QString nickname;
    QString processorToken;
    std::optional<bool> instant;

    [[nodiscard]] static AchRelationshipRequest manual(const QString &ownerName, BankAccountType type,
                                                       const QString &accountNumber,
                                                       const QString &routingNumber,
                                                       const QString &nickname = {});
    [[nodiscard]] static AchRelationshipRequest plaid(const QString &processorToken);

    [[nodiscard]] static Expected<AchRelationshipRequest, DecodeError> fromJson(const QJsonObject &json,
                                                                                const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const; // only the fields that are set
    friend bool operator==(const AchRelationshipRequest &, const AchRelationshipRequest &) = default;
};

// Alpaca's ACHRelationship object. bank_account_type is "" for Plaid-created relationships → nullopt.
struct AchRelationship
{
    QString id;
    QString accountId;
    Timestamp createdAt;
    std::optional<Timestamp> updatedAt;
    AchRelationshipStatus status = AchRelationshipStatus::Unknown;
    QString accountOwnerName;
    std::optional<BankAccountType> bankAccountType;
    QString bankAccountNumber;
    QString bankRoutingNumber;
    QString nickname;
    QString processorToken;
    QString approvalMethod; // MICRO_DEPOSIT, PLAID, PLAID_MICRO, CORRESPONDENT, PLAID_PARTNER
    QString plaidInstitution;
    QString plaidVerificationStatus;
    QString accountMask;
    QString correspondentCode;

    [[nodiscard]] static Expected<AchRelationship, DecodeError> fromJson(const QJsonObject &json,
                                                                         const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AchRelationship &, const AchRelationship &) = default;
};

} // namespace clera
