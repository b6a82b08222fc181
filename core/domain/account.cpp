#include "account.h"

#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr std::array<WireName<AccountStatus>, 21> kStatuses{{
    {AccountStatus::Onboarding, u"ONBOARDING"},
    {AccountStatus::Submitted, u"SUBMITTED"},
    {AccountStatus::Resubmitted, u"RESUBMITTED"},
    {AccountStatus::SubmissionFailed, u"SUBMISSION_FAILED"},
    {AccountStatus::ActionRequired, u"ACTION_REQUIRED"},
    {AccountStatus::Edited, u"EDITED"},
    {AccountStatus::AccountUpdated, u"ACCOUNT_UPDATED"},
    {AccountStatus::ApprovalPending, u"APPROVAL_PENDING"},
    {AccountStatus::ReapprovalPending, u"REAPPROVAL_PENDING"},
    {AccountStatus::SignedUp, u"SIGNED_UP"},
    {AccountStatus::KycSubmitted, u"KYC_SUBMITTED"},
    {AccountStatus::Limited, u"LIMITED"},
    {AccountStatus::AmlReview, u"AML_REVIEW"},
    {AccountStatus::Approved, u"APPROVED"},
    {AccountStatus::Rejected, u"REJECTED"},
    {AccountStatus::Active, u"ACTIVE"},
    {AccountStatus::Disabled, u"DISABLED"},
    {AccountStatus::DisablePending, u"DISABLE_PENDING"},
    {AccountStatus::AccountClosed, u"ACCOUNT_CLOSED"},
    {AccountStatus::PaperOnly, u"PAPER_ONLY"},
    {AccountStatus::Inactive, u"INACTIVE"},
}};

QJsonValue jsonBool(const std::optional<bool> &b)
{
    return b ? QJsonValue(*b) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString toWire(AccountStatus s)
{
    return detail::wireName(kStatuses, s, u"UNKNOWN");
}

AccountStatus accountStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kStatuses, s, AccountStatus::Unknown);
}

Expected<Account, DecodeError> Account::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    Account a;
    a.id = r.string(u"id");
    // Required, but empty ("" or null) until the account is approved.
    if (!json.contains(u"account_number"))
        r.fail(u"account_number", u"is missing"_s);
    a.accountNumber = r.optString(u"account_number");
    a.status = accountStatusFromWire(r.string(u"status"));
    const QString cryptoStatus = r.optString(u"crypto_status");
    if (!cryptoStatus.isEmpty())
        a.cryptoStatus = accountStatusFromWire(cryptoStatus);
    a.currency = r.string(u"currency");
    a.cash = r.decimal(u"cash");
    a.cashWithdrawable = r.optDecimal(u"cash_withdrawable");
    a.cashTransferable = r.optDecimal(u"cash_transferable");
    a.buyingPower = r.decimal(u"buying_power");
    a.regtBuyingPower = r.optDecimal(u"regt_buying_power");
    a.daytradingBuyingPower = r.optDecimal(u"daytrading_buying_power");
    a.nonMarginableBuyingPower = r.optDecimal(u"non_marginable_buying_power");
    a.equity = r.decimal(u"equity");
    a.lastEquity = r.decimal(u"last_equity");
    a.portfolioValue = r.optDecimal(u"portfolio_value");
    a.longMarketValue = r.optDecimal(u"long_market_value");
    a.shortMarketValue = r.optDecimal(u"short_market_value");
    a.initialMargin = r.optDecimal(u"initial_margin");
    a.maintenanceMargin = r.optDecimal(u"maintenance_margin");
    a.lastMaintenanceMargin = r.optDecimal(u"last_maintenance_margin");
    a.sma = r.optDecimal(u"sma");
    a.accruedFees = r.optDecimal(u"accrued_fees");
    a.pendingTransferIn = r.optDecimal(u"pending_transfer_in");
    a.pendingTransferOut = r.optDecimal(u"pending_transfer_out");
    a.multiplier = r.optDecimal(u"multiplier");
    a.patternDayTrader = r.optBoolean(u"pattern_day_trader");
    a.daytradeCount = r.optInteger(u"daytrade_count");
    a.tradingBlocked = r.optBoolean(u"trading_blocked");
    a.transfersBlocked = r.optBoolean(u"transfers_blocked");
    a.accountBlocked = r.optBoolean(u"account_blocked");
    a.tradeSuspendedByUser = r.optBoolean(u"trade_suspended_by_user");
    a.shortingEnabled = r.optBoolean(u"shorting_enabled");
    a.createdAt = r.timestamp(u"created_at");
    a.previousClose = r.optTimestamp(u"previous_close");
    return r.finish(std::move(a));
}

QJsonObject Account::toJson() const
{
    return QJsonObject{
        {u"id"_s, id},
        {u"account_number"_s, accountNumber},
        {u"status"_s, toWire(status)},
        {u"crypto_status"_s, cryptoStatus ? QJsonValue(toWire(*cryptoStatus)) : QJsonValue(QJsonValue::Null)},
        {u"currency"_s, currency},
        {u"cash"_s, cash.toString()},
        {u"cash_withdrawable"_s, jsonDecimal(cashWithdrawable)},
        {u"cash_transferable"_s, jsonDecimal(cashTransferable)},
        {u"buying_power"_s, buyingPower.toString()},
        {u"regt_buying_power"_s, jsonDecimal(regtBuyingPower)},
        {u"daytrading_buying_power"_s, jsonDecimal(daytradingBuyingPower)},
        {u"non_marginable_buying_power"_s, jsonDecimal(nonMarginableBuyingPower)},
        {u"equity"_s, equity.toString()},
        {u"last_equity"_s, lastEquity.toString()},
        {u"portfolio_value"_s, jsonDecimal(portfolioValue)},
        {u"long_market_value"_s, jsonDecimal(longMarketValue)},
        {u"short_market_value"_s, jsonDecimal(shortMarketValue)},
        {u"initial_margin"_s, jsonDecimal(initialMargin)},
        {u"maintenance_margin"_s, jsonDecimal(maintenanceMargin)},
        {u"last_maintenance_margin"_s, jsonDecimal(lastMaintenanceMargin)},
        {u"sma"_s, jsonDecimal(sma)},
        {u"accrued_fees"_s, jsonDecimal(accruedFees)},
        {u"pending_transfer_in"_s, jsonDecimal(pendingTransferIn)},
        {u"pending_transfer_out"_s, jsonDecimal(pendingTransferOut)},
        {u"multiplier"_s, jsonDecimal(multiplier)},
        {u"pattern_day_trader"_s, jsonBool(patternDayTrader)},
        {u"daytrade_count"_s, daytradeCount ? QJsonValue(*daytradeCount) : QJsonValue(QJsonValue::Null)},
        {u"trading_blocked"_s, jsonBool(tradingBlocked)},
        {u"transfers_blocked"_s, jsonBool(transfersBlocked)},
        {u"account_blocked"_s, jsonBool(accountBlocked)},
        {u"trade_suspended_by_user"_s, jsonBool(tradeSuspendedByUser)},
        {u"shorting_enabled"_s, jsonBool(shortingEnabled)},
        {u"created_at"_s, createdAt.toString()},
        {u"previous_close"_s, jsonTimestamp(previousClose)},
    };
}

} // namespace clera
