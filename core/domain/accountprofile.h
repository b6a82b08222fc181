#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "timestamp.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The parts of a Broker API account profile (reference §3.1): sent in an application, returned in the
// Account object. Plain data: toJson() writes only the fields that are set, fromJson() accepts nulls
// and enum values it does not know (→ Unknown). Validation belongs to the onboarding service.

namespace clera {

enum class TaxIdType {
    UsaSsn,
    UsaItin,
    ArgArCuit,
    AusTfn,
    AusAbn,
    BolNit,
    BraCpf,
    ChlRut,
    ColNit,
    CriNite,
    DeuTaxId,
    DomRnc,
    EcuRuc,
    FraSpi,
    GbrUtr,
    GbrNino,
    GtmNit,
    HndRtn,
    HunTin,
    IdnKtp,
    IndPan,
    IsrTaxId,
    ItaTaxId,
    JpnTaxId,
    MexRfc,
    NicRuc,
    NldTin,
    PanRuc,
    PerRuc,
    PryRuc,
    SgpNric,
    SgpFin,
    SgpAsgd,
    SgpItr,
    SlvNit,
    SweTaxId,
    UryRut,
    VenRif,
    NationalId,
    Passport,
    PermanentResident,
    DriverLicense,
    OtherGovId,
    NotSpecified,
    Unknown
};
enum class VisaType { B1, B2, Daca, E1, E2, E3, F1, G4, H1b, J1, L1, O1, Tn1, Other, Unknown };
enum class FundingSource {
    EmploymentIncome,
    Investments,
    Inheritance,
    BusinessIncome,
    Savings,
    Family,
    Unknown
};
enum class EmploymentStatus { Unemployed, Employed, Student, Retired, Unknown };
enum class DisclosureContextType { ControlledFirm, AffiliateFirm, ImmediateFamilyExposed, Unknown };
enum class AgreementType {
    CustomerAgreement,
    AccountAgreement,
    MarginAgreement,
    CryptoAgreement,
    OptionsAgreement,
    CustodialCustomerAgreement,
    Unknown
};
enum class DocumentType {
    IdentityVerification,
    AddressVerification,
    DateOfBirthVerification,
    TaxIdVerification,
    AccountApprovalLetter,
    CipResult,
    W8ben,
    W9,
    LimitedTradingAuthorization,
    SocialSecurityNumberVerification,
    Other,
    Unknown
};

// Wire names as Alpaca spells them (UPPERCASE tax id and visa types, lowercase funding sources,
// agreements and document types). Employment status is sent UPPERCASE as alpaca-py does (the docs
// show lowercase; Alpaca accepts both). Unknown prints as "UNKNOWN" / "unknown".
[[nodiscard]] QString toWire(TaxIdType v);
[[nodiscard]] QString toWire(VisaType v);
[[nodiscard]] QString toWire(FundingSource v);
[[nodiscard]] QString toWire(EmploymentStatus v);
[[nodiscard]] QString toWire(DisclosureContextType v);
[[nodiscard]] QString toWire(AgreementType v);
[[nodiscard]] QString toWire(DocumentType v);
[[nodiscard]] TaxIdType taxIdTypeFromWire(QStringView s);
[[nodiscard]] VisaType visaTypeFromWire(QStringView s);
[[nodiscard]] FundingSource fundingSourceFromWire(QStringView s);
[[nodiscard]] EmploymentStatus employmentStatusFromWire(QStringView s);
[[nodiscard]] DisclosureContextType disclosureContextTypeFromWire(QStringView s);
[[nodiscard]] AgreementType agreementTypeFromWire(QStringView s);
[[nodiscard]] DocumentType documentTypeFromWire(QStringView s);

struct AccountContact
{
    QString emailAddress;
    QString phoneNumber;       // with country code, e.g. +14155550142
    QStringList streetAddress; // at most 3 lines
    QString unit;
    QString city;
    QString state; // required by Alpaca for US residents
    QString postalCode;
    QString country; // ISO 3166-1 alpha-3

    [[nodiscard]] static Expected<AccountContact, DecodeError> fromJson(const QJsonObject &json,
                                                                        const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountContact &, const AccountContact &) = default;
};

// The identity as Alpaca returns it. It has no tax id on purpose: the tax id is write-only on the wire
// (AccountApplication::taxId), so a decoded identity can never hold one.
struct AccountIdentity
{
    QString givenName;
    QString middleName;
    QString familyName;
    std::optional<QDate> dateOfBirth;
    std::optional<TaxIdType> taxIdType;
    QString countryOfCitizenship;
    QString countryOfBirth;
    QString countryOfTaxResidence;
    std::optional<VisaType> visaType;
    std::optional<QDate> visaExpirationDate;
    std::optional<QDate> dateOfDepartureFromUsa; // B1/B2 visas
    std::optional<bool> permanentResident;
    QList<FundingSource> fundingSource;
    std::optional<Decimal> annualIncomeMin;
    std::optional<Decimal> annualIncomeMax;
    std::optional<Decimal> liquidNetWorthMin;
    std::optional<Decimal> liquidNetWorthMax;
    std::optional<Decimal> totalNetWorthMin;
    std::optional<Decimal> totalNetWorthMax;

    [[nodiscard]] static Expected<AccountIdentity, DecodeError> fromJson(const QJsonObject &json,
                                                                         const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountIdentity &, const AccountIdentity &) = default;
};

// One `disclosures.context[]` entry: the firm or person behind a "yes" disclosure.
struct DisclosureContext
{
    DisclosureContextType contextType = DisclosureContextType::ControlledFirm;
    QString companyName;
    QStringList companyStreetAddress;
    QString companyCity;
    QString companyState;
    QString companyCountry;
    QString companyComplianceEmail;
    QString givenName;
    QString familyName;

    [[nodiscard]] static Expected<DisclosureContext, DecodeError> fromJson(const QJsonObject &json,
                                                                           const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const DisclosureContext &, const DisclosureContext &) = default;
};

// The four yes/no answers are required by Alpaca; unset ones are not sent (an unanswered question must
// not become a silent "no").
struct AccountDisclosures
{
    std::optional<bool> isControlPerson;
    std::optional<bool> isAffiliatedExchangeOrFinra;
    std::optional<bool> isPoliticallyExposed;
    std::optional<bool> immediateFamilyExposed;
    std::optional<bool> isDiscretionary; // responses only
    std::optional<EmploymentStatus> employmentStatus;
    QString employerName;
    QString employerAddress;
    QString employmentPosition;
    QList<DisclosureContext> context;

    [[nodiscard]] static Expected<AccountDisclosures, DecodeError> fromJson(const QJsonObject &json,
                                                                            const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountDisclosures &, const AccountDisclosures &) = default;
};

struct AccountAgreement
{
    AgreementType agreement = AgreementType::CustomerAgreement;
    Timestamp signedAt;
    QString ipAddress;
    QString revision; // empty: Alpaca's current revision

    [[nodiscard]] static Expected<AccountAgreement, DecodeError> fromJson(const QJsonObject &json,
                                                                          const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountAgreement &, const AccountAgreement &) = default;
};

// A KYC document: uploaded with base64 `content`; returned with an id and `content` as a signed URL.
struct AccountDocument
{
    QString id; // responses only
    DocumentType documentType = DocumentType::IdentityVerification;
    QString documentSubType; // e.g. "passport", "Form W-8BEN"
    QString content;
    QString mimeType;                   // application/pdf, image/png, image/jpeg, application/json
    std::optional<Timestamp> createdAt; // responses only

    [[nodiscard]] static Expected<AccountDocument, DecodeError> fromJson(const QJsonObject &json,
                                                                         const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const AccountDocument &, const AccountDocument &) = default;
};

struct TrustedContact
{
    QString givenName;
    QString familyName;
    QString emailAddress;
    QString phoneNumber;
    QStringList streetAddress; // sent as an array (OpenAPI); a single string is accepted when decoding
    QString city;
    QString state;
    QString postalCode;
    QString country;

    [[nodiscard]] static Expected<TrustedContact, DecodeError> fromJson(const QJsonObject &json,
                                                                        const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const TrustedContact &, const TrustedContact &) = default;
};

} // namespace clera
