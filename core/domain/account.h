#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "timestamp.h"

#include <QString>

#include <optional>

namespace clera {

// Alpaca's account status enum (shared by status and crypto_status); unknown values → Unknown.
enum class AccountStatus {
    Onboarding, Submitted, Resubmitted, SubmissionFailed, ActionRequired, Edited, AccountUpdated,
    ApprovalPending, ReapprovalPending, SignedUp, KycSubmitted, Limited, AmlReview, Approved, Rejected,
    Active, Disabled, DisablePending, AccountClosed, PaperOnly, Inactive, Unknown
};
[[nodiscard]] QString toWire(AccountStatus s); // UPPERCASE; Unknown → "UNKNOWN"
[[nodiscard]] AccountStatus accountStatusFromWire(QStringView s);

// The trading account: balances and flags (`GET /v1/trading/accounts/{id}/account`, `GET /v2/account`).
struct Account
{
    QString id;
    QString accountNumber;
    AccountStatus status = AccountStatus::Active;
    std::optional<AccountStatus> cryptoStatus;
    QString currency = QStringLiteral("USD");
    Decimal cash;
    std::optional<Decimal> cashWithdrawable;
    std::optional<Decimal> cashTransferable;
    Decimal buyingPower;
    std::optional<Decimal> regtBuyingPower;
    std::optional<Decimal> daytradingBuyingPower;
    std::optional<Decimal> nonMarginableBuyingPower;
    Decimal equity;
    Decimal lastEquity; // equity at the previous trading day's close
    std::optional<Decimal> portfolioValue;
    std::optional<Decimal> longMarketValue;
    std::optional<Decimal> shortMarketValue;
    std::optional<Decimal> initialMargin;
    std::optional<Decimal> maintenanceMargin;
    std::optional<Decimal> lastMaintenanceMargin;
    std::optional<Decimal> sma;
    std::optional<Decimal> accruedFees;
    std::optional<Decimal> pendingTransferIn;
    std::optional<Decimal> pendingTransferOut;
    std::optional<Decimal> multiplier;
    std::optional<bool> patternDayTrader; // being removed by Alpaca: optional
    std::optional<qint64> daytradeCount;
    std::optional<bool> tradingBlocked;
    std::optional<bool> transfersBlocked;
    std::optional<bool> accountBlocked;
    std::optional<bool> tradeSuspendedByUser;
    std::optional<bool> shortingEnabled;
    Timestamp createdAt;
    std::optional<Timestamp> previousClose;

    [[nodiscard]] static Expected<Account, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Account &, const Account &) = default;
};

} // namespace clera
