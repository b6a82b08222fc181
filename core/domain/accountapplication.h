#pragma once

#include "accountprofile.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace clera {

enum class AccountType { Trading, Custodial, DonorAdvised, Ira, Hsa, Unknown };
[[nodiscard]] QString toWire(AccountType v); // lowercase; Unknown → "unknown"
[[nodiscard]] AccountType accountTypeFromWire(QStringView s);

// A Broker API account application, the body of `POST /v1/accounts` (reference §3.1). A plain data
// type: toJson() sends every field that is set and nothing else; the onboarding service validates.
struct AccountApplication
{
    AccountContact contact;
    AccountIdentity identity;
    // Sent as identity.tax_id. Write-only: Alpaca never returns it and BrokerAccount has no field for it.
    // Never log an application's JSON.
    QString taxId;
    AccountDisclosures disclosures;
    QList<AccountAgreement> agreements;
    QList<AccountDocument> documents;
    std::optional<TrustedContact> trustedContact;
    std::optional<AccountType> accountType;
    QString accountSubType;    // IRA only: traditional | roth
    QStringList enabledAssets; // us_equity, crypto, us_option
    QString currency;          // local-currency trading accounts; empty → USD
    // Sandbox only: "/fixtures/status=ACTIVE/fixtures/" forces the resulting status.
    QString additionalInformation;

    [[nodiscard]] static Expected<AccountApplication, DecodeError> fromJson(const QJsonObject &json,
                                                                            const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountApplication &, const AccountApplication &) = default;
};

} // namespace clera
