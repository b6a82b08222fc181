#pragma once

#include "account.h"
#include "accountapplication.h"
#include "accountprofile.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace clera {

// Alpaca's KYC verdict on an account. The reject/accept/indeterminate objects are keyed by result codes
// (IDENTITY_VERIFICATION, WATCHLIST_HIT, …; an open set): their keys are kept.
struct KycResults
{
    QString summary; // "pass" | "fail"
    QStringList reject;
    QStringList accept;
    QStringList indeterminate;
    QString additionalInformation;

    [[nodiscard]] static Expected<KycResults, DecodeError> fromJson(const QJsonObject &json,
                                                                    const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const KycResults &, const KycResults &) = default;
};

// The Broker API's Account object (reference §3.2): what `POST/GET/PATCH /v1/accounts…` return. List
// answers without `entities` carry only the summary fields, so the profile parts are optional.
// There is no tax id: Alpaca never returns one, and a decoded response could not keep it.
struct BrokerAccount
{
    QString id;
    QString accountNumber; // "" (or null) until Alpaca assigns it
    AccountStatus status = AccountStatus::Unknown;
    std::optional<AccountStatus> cryptoStatus;
    QString currency;
    std::optional<Decimal> lastEquity;
    Timestamp createdAt;
    std::optional<AccountType> accountType;
    QString accountSubType;
    std::optional<KycResults> kycResults;
    std::optional<AccountContact> contact;
    std::optional<AccountIdentity> identity;
    std::optional<AccountDisclosures> disclosures;
    QList<AccountAgreement> agreements;
    QList<AccountDocument> documents;
    std::optional<TrustedContact> trustedContact;
    QStringList enabledAssets;

    [[nodiscard]] static Expected<BrokerAccount, DecodeError> fromJson(const QJsonObject &json,
                                                                       const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const BrokerAccount &, const BrokerAccount &) = default;
};

} // namespace clera
