#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "timestamp.h"

#include <QString>

#include <optional>

namespace clera {

enum class TransferType { Ach, Wire, Unknown };
enum class TransferDirection { Incoming, Outgoing, Unknown };
// Union of the documented transfer statuses (alpaca-py adds SETTLED, events add EXPIRED).
enum class TransferStatus {
    Queued, ApprovalPending, Pending, SentToClearing, Approved, Settled, Complete, Rejected, Canceled,
    Returned, Expired, Unknown
};
// Type is lowercase, direction and status UPPERCASE; Unknown prints as "unknown" / "UNKNOWN".
[[nodiscard]] QString toWire(TransferType v);
[[nodiscard]] QString toWire(TransferDirection v);
[[nodiscard]] QString toWire(TransferStatus v);
[[nodiscard]] TransferType transferTypeFromWire(QStringView s);
[[nodiscard]] TransferDirection transferDirectionFromWire(QStringView s);
[[nodiscard]] TransferStatus transferStatusFromWire(QStringView s);
[[nodiscard]] bool isTerminal(TransferStatus s); // complete/settled, rejected, canceled, returned, expired

// `POST /v1/accounts/{id}/transfers` body.
struct TransferRequest
{
    TransferType transferType = TransferType::Ach;
    QString relationshipId; // ach
    QString bankId;         // wire
    Decimal amount;
    TransferDirection direction = TransferDirection::Incoming;
    QString timing = QStringLiteral("immediate");
    QString feePaymentMethod; // user | invoice; empty → omitted
    QString additionalInformation;

    [[nodiscard]] static Expected<TransferRequest, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const TransferRequest &, const TransferRequest &) = default;
};

// Alpaca's Transfer object (the response names the kind `type`, the request `transfer_type`).
struct Transfer
{
    QString id;
    QString relationshipId;
    QString bankId;
    QString accountId;
    TransferType type = TransferType::Ach;
    TransferStatus status = TransferStatus::Queued;
    QString currency;
    QString reason;
    Decimal amount;
    std::optional<Decimal> instantAmount;
    std::optional<Decimal> requestedAmount;
    std::optional<Decimal> fee;
    QString feePaymentMethod;
    TransferDirection direction = TransferDirection::Incoming;
    Timestamp createdAt;
    std::optional<Timestamp> updatedAt;
    std::optional<Timestamp> expiresAt;
    std::optional<Timestamp> holdUntil;
    QString additionalInformation;

    [[nodiscard]] static Expected<Transfer, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Transfer &, const Transfer &) = default;
};

} // namespace clera
