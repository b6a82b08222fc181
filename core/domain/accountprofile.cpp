#include "accountprofile.h"

#include "jsoncodec_p.h"
#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using detail::WireName;

constexpr auto kTaxIdTypes = std::to_array<WireName<TaxIdType>>({
    {TaxIdType::UsaSsn, u"USA_SSN"},
    {TaxIdType::UsaItin, u"USA_ITIN"},
    {TaxIdType::ArgArCuit, u"ARG_AR_CUIT"},
    {TaxIdType::AusTfn, u"AUS_TFN"},
    {TaxIdType::AusAbn, u"AUS_ABN"},
    {TaxIdType::BolNit, u"BOL_NIT"},
    {TaxIdType::BraCpf, u"BRA_CPF"},
    {TaxIdType::ChlRut, u"CHL_RUT"},
    {TaxIdType::ColNit, u"COL_NIT"},
    {TaxIdType::CriNite, u"CRI_NITE"},
    {TaxIdType::DeuTaxId, u"DEU_TAX_ID"},
    {TaxIdType::DomRnc, u"DOM_RNC"},
    {TaxIdType::EcuRuc, u"ECU_RUC"},
    {TaxIdType::FraSpi, u"FRA_SPI"},
    {TaxIdType::GbrUtr, u"GBR_UTR"},
    {TaxIdType::GbrNino, u"GBR_NINO"},
    {TaxIdType::GtmNit, u"GTM_NIT"},
    {TaxIdType::HndRtn, u"HND_RTN"},
    {TaxIdType::HunTin, u"HUN_TIN"},
    {TaxIdType::IdnKtp, u"IDN_KTP"},
    {TaxIdType::IndPan, u"IND_PAN"},
    {TaxIdType::IsrTaxId, u"ISR_TAX_ID"},
    {TaxIdType::ItaTaxId, u"ITA_TAX_ID"},
    {TaxIdType::JpnTaxId, u"JPN_TAX_ID"},
    {TaxIdType::MexRfc, u"MEX_RFC"},
    {TaxIdType::NicRuc, u"NIC_RUC"},
    {TaxIdType::NldTin, u"NLD_TIN"},
    {TaxIdType::PanRuc, u"PAN_RUC"},
    {TaxIdType::PerRuc, u"PER_RUC"},
    {TaxIdType::PryRuc, u"PRY_RUC"},
    {TaxIdType::SgpNric, u"SGP_NRIC"},
    {TaxIdType::SgpFin, u"SGP_FIN"},
    {TaxIdType::SgpAsgd, u"SGP_ASGD"},
    {TaxIdType::SgpItr, u"SGP_ITR"},
    {TaxIdType::SlvNit, u"SLV_NIT"},
    {TaxIdType::SweTaxId, u"SWE_TAX_ID"},
    {TaxIdType::UryRut, u"URY_RUT"},
    {TaxIdType::VenRif, u"VEN_RIF"},
    {TaxIdType::NationalId, u"NATIONAL_ID"},
    {TaxIdType::Passport, u"PASSPORT"},
    {TaxIdType::PermanentResident, u"PERMANENT_RESIDENT"},
    {TaxIdType::DriverLicense, u"DRIVER_LICENSE"},
    {TaxIdType::OtherGovId, u"OTHER_GOV_ID"},
    {TaxIdType::NotSpecified, u"NOT_SPECIFIED"},
});

constexpr auto kVisaTypes = std::to_array<WireName<VisaType>>({
    {VisaType::B1, u"B1"},
    {VisaType::B2, u"B2"},
    {VisaType::Daca, u"DACA"},
    {VisaType::E1, u"E1"},
    {VisaType::E2, u"E2"},
    {VisaType::E3, u"E3"},
    {VisaType::F1, u"F1"},
    {VisaType::G4, u"G4"},
    {VisaType::H1b, u"H1B"},
    {VisaType::J1, u"J1"},
    {VisaType::L1, u"L1"},
    {VisaType::O1, u"O1"},
    {VisaType::Tn1, u"TN1"},
    {VisaType::Other, u"OTHER"},
});

constexpr auto kFundingSources = std::to_array<WireName<FundingSource>>({
    {FundingSource::EmploymentIncome, u"employment_income"},
    {FundingSource::Investments, u"investments"},
    {FundingSource::Inheritance, u"inheritance"},
    {FundingSource::BusinessIncome, u"business_income"},
    {FundingSource::Savings, u"savings"},
    {FundingSource::Family, u"family"},
});

constexpr auto kEmploymentStatuses = std::to_array<WireName<EmploymentStatus>>({
    {EmploymentStatus::Unemployed, u"UNEMPLOYED"},
    {EmploymentStatus::Employed, u"EMPLOYED"},
    {EmploymentStatus::Student, u"STUDENT"},
    {EmploymentStatus::Retired, u"RETIRED"},
});

constexpr auto kContextTypes = std::to_array<WireName<DisclosureContextType>>({
    {DisclosureContextType::ControlledFirm, u"CONTROLLED_FIRM"},
    {DisclosureContextType::AffiliateFirm, u"AFFILIATE_FIRM"},
    {DisclosureContextType::ImmediateFamilyExposed, u"IMMEDIATE_FAMILY_EXPOSED"},
});

constexpr auto kAgreements = std::to_array<WireName<AgreementType>>({
    {AgreementType::CustomerAgreement, u"customer_agreement"},
    {AgreementType::AccountAgreement, u"account_agreement"},
    {AgreementType::MarginAgreement, u"margin_agreement"},
    {AgreementType::CryptoAgreement, u"crypto_agreement"},
    {AgreementType::OptionsAgreement, u"options_agreement"},
    {AgreementType::CustodialCustomerAgreement, u"custodial_customer_agreement"},
});

constexpr auto kDocumentTypes = std::to_array<WireName<DocumentType>>({
    {DocumentType::IdentityVerification, u"identity_verification"},
    {DocumentType::AddressVerification, u"address_verification"},
    {DocumentType::DateOfBirthVerification, u"date_of_birth_verification"},
    {DocumentType::TaxIdVerification, u"tax_id_verification"},
    {DocumentType::AccountApprovalLetter, u"account_approval_letter"},
    {DocumentType::CipResult, u"cip_result"},
    {DocumentType::W8ben, u"w8ben"},
    {DocumentType::W9, u"w9"},
    {DocumentType::LimitedTradingAuthorization, u"limited_trading_authorization"},
    {DocumentType::SocialSecurityNumberVerification, u"social_security_number_verification"},
    {DocumentType::Other, u"other"},
});

} // namespace

QString toWire(TaxIdType v)
{
    return detail::wireName(kTaxIdTypes, v, u"UNKNOWN");
}
QString toWire(VisaType v)
{
    return detail::wireName(kVisaTypes, v, u"UNKNOWN");
}
QString toWire(FundingSource v)
{
    return detail::wireName(kFundingSources, v, u"unknown");
}
QString toWire(EmploymentStatus v)
{
    return detail::wireName(kEmploymentStatuses, v, u"UNKNOWN");
}
QString toWire(DisclosureContextType v)
{
    return detail::wireName(kContextTypes, v, u"UNKNOWN");
}
QString toWire(AgreementType v)
{
    return detail::wireName(kAgreements, v, u"unknown");
}
QString toWire(DocumentType v)
{
    return detail::wireName(kDocumentTypes, v, u"unknown");
}

TaxIdType taxIdTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kTaxIdTypes, s, TaxIdType::Unknown);
}
VisaType visaTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kVisaTypes, s, VisaType::Unknown);
}
FundingSource fundingSourceFromWire(QStringView s)
{
    return detail::enumFromWire(kFundingSources, s, FundingSource::Unknown);
}
EmploymentStatus employmentStatusFromWire(QStringView s)
{
    return detail::enumFromWire(kEmploymentStatuses, s, EmploymentStatus::Unknown);
}
DisclosureContextType disclosureContextTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kContextTypes, s, DisclosureContextType::Unknown);
}
AgreementType agreementTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kAgreements, s, AgreementType::Unknown);
}
DocumentType documentTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kDocumentTypes, s, DocumentType::Unknown);
}

Expected<AccountContact, DecodeError> AccountContact::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    AccountContact c;
    c.emailAddress = r.optString(u"email_address");
    c.phoneNumber = r.optString(u"phone_number");
    c.streetAddress = detail::addressLines(r, u"street_address");
    c.unit = r.optString(u"unit");
    c.city = r.optString(u"city");
    c.state = r.optString(u"state");
    c.postalCode = r.optString(u"postal_code");
    c.country = r.optString(u"country");
    return r.finish(std::move(c));
}

QJsonObject AccountContact::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putString(json, u"email_address"_s, emailAddress);
    putString(json, u"phone_number"_s, phoneNumber);
    putStrings(json, u"street_address"_s, streetAddress);
    putString(json, u"unit"_s, unit);
    putString(json, u"city"_s, city);
    putString(json, u"state"_s, state);
    putString(json, u"postal_code"_s, postalCode);
    putString(json, u"country"_s, country);
    return json;
}

Expected<AccountIdentity, DecodeError> AccountIdentity::fromJson(const QJsonObject &json, const QString &path)
{
    // tax_id is deliberately never read: see AccountApplication::taxId.
    JsonReader r(json, path);
    AccountIdentity i;
    i.givenName = r.optString(u"given_name");
    i.middleName = r.optString(u"middle_name");
    i.familyName = r.optString(u"family_name");
    i.dateOfBirth = r.optDate(u"date_of_birth");
    i.taxIdType = detail::optEnum(r, u"tax_id_type", &taxIdTypeFromWire);
    i.countryOfCitizenship = r.optString(u"country_of_citizenship");
    i.countryOfBirth = r.optString(u"country_of_birth");
    i.countryOfTaxResidence = r.optString(u"country_of_tax_residence");
    i.visaType = detail::optEnum(r, u"visa_type", &visaTypeFromWire);
    i.visaExpirationDate = r.optDate(u"visa_expiration_date");
    i.dateOfDepartureFromUsa = r.optDate(u"date_of_departure_from_usa");
    i.permanentResident = r.optBoolean(u"permanent_resident");
    i.fundingSource = detail::enumList(r, u"funding_source", &fundingSourceFromWire);
    i.annualIncomeMin = r.optDecimal(u"annual_income_min");
    i.annualIncomeMax = r.optDecimal(u"annual_income_max");
    i.liquidNetWorthMin = r.optDecimal(u"liquid_net_worth_min");
    i.liquidNetWorthMax = r.optDecimal(u"liquid_net_worth_max");
    i.totalNetWorthMin = r.optDecimal(u"total_net_worth_min");
    i.totalNetWorthMax = r.optDecimal(u"total_net_worth_max");
    return r.finish(std::move(i));
}

QJsonObject AccountIdentity::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putString(json, u"given_name"_s, givenName);
    putString(json, u"middle_name"_s, middleName);
    putString(json, u"family_name"_s, familyName);
    putDate(json, u"date_of_birth"_s, dateOfBirth);
    putEnum(json, u"tax_id_type"_s, taxIdType);
    putString(json, u"country_of_citizenship"_s, countryOfCitizenship);
    putString(json, u"country_of_birth"_s, countryOfBirth);
    putString(json, u"country_of_tax_residence"_s, countryOfTaxResidence);
    putEnum(json, u"visa_type"_s, visaType);
    putDate(json, u"visa_expiration_date"_s, visaExpirationDate);
    putDate(json, u"date_of_departure_from_usa"_s, dateOfDepartureFromUsa);
    putBool(json, u"permanent_resident"_s, permanentResident);
    putEnums(json, u"funding_source"_s, fundingSource);
    putDecimal(json, u"annual_income_min"_s, annualIncomeMin);
    putDecimal(json, u"annual_income_max"_s, annualIncomeMax);
    putDecimal(json, u"liquid_net_worth_min"_s, liquidNetWorthMin);
    putDecimal(json, u"liquid_net_worth_max"_s, liquidNetWorthMax);
    putDecimal(json, u"total_net_worth_min"_s, totalNetWorthMin);
    putDecimal(json, u"total_net_worth_max"_s, totalNetWorthMax);
    return json;
}

Expected<DisclosureContext, DecodeError> DisclosureContext::fromJson(const QJsonObject &json,
                                                                     const QString &path)
{
    JsonReader r(json, path);
    DisclosureContext c;
    c.contextType = disclosureContextTypeFromWire(r.string(u"context_type"));
    c.companyName = r.optString(u"company_name");
    c.companyStreetAddress = detail::addressLines(r, u"company_street_address");
    c.companyCity = r.optString(u"company_city");
    c.companyState = r.optString(u"company_state");
    c.companyCountry = r.optString(u"company_country");
    c.companyComplianceEmail = r.optString(u"company_compliance_email");
    c.givenName = r.optString(u"given_name");
    c.familyName = r.optString(u"family_name");
    return r.finish(std::move(c));
}

QJsonObject DisclosureContext::toJson() const
{
    using namespace detail;
    QJsonObject json{{u"context_type"_s, toWire(contextType)}};
    putString(json, u"company_name"_s, companyName);
    putStrings(json, u"company_street_address"_s, companyStreetAddress);
    putString(json, u"company_city"_s, companyCity);
    putString(json, u"company_state"_s, companyState);
    putString(json, u"company_country"_s, companyCountry);
    putString(json, u"company_compliance_email"_s, companyComplianceEmail);
    putString(json, u"given_name"_s, givenName);
    putString(json, u"family_name"_s, familyName);
    return json;
}

Expected<AccountDisclosures, DecodeError> AccountDisclosures::fromJson(const QJsonObject &json,
                                                                       const QString &path)
{
    JsonReader r(json, path);
    AccountDisclosures d;
    d.isControlPerson = r.optBoolean(u"is_control_person");
    d.isAffiliatedExchangeOrFinra = r.optBoolean(u"is_affiliated_exchange_or_finra");
    d.isPoliticallyExposed = r.optBoolean(u"is_politically_exposed");
    d.immediateFamilyExposed = r.optBoolean(u"immediate_family_exposed");
    d.isDiscretionary = r.optBoolean(u"is_discretionary");
    d.employmentStatus = detail::optEnum(r, u"employment_status", &employmentStatusFromWire);
    d.employerName = r.optString(u"employer_name");
    d.employerAddress = r.optString(u"employer_address");
    d.employmentPosition = r.optString(u"employment_position");
    d.context = detail::nestedList<DisclosureContext>(r, u"context");
    return r.finish(std::move(d));
}

QJsonObject AccountDisclosures::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putBool(json, u"is_control_person"_s, isControlPerson);
    putBool(json, u"is_affiliated_exchange_or_finra"_s, isAffiliatedExchangeOrFinra);
    putBool(json, u"is_politically_exposed"_s, isPoliticallyExposed);
    putBool(json, u"immediate_family_exposed"_s, immediateFamilyExposed);
    putBool(json, u"is_discretionary"_s, isDiscretionary);
    putEnum(json, u"employment_status"_s, employmentStatus);
    putString(json, u"employer_name"_s, employerName);
    putString(json, u"employer_address"_s, employerAddress);
    putString(json, u"employment_position"_s, employmentPosition);
    putObjects(json, u"context"_s, context);
    return json;
}

Expected<AccountAgreement, DecodeError> AccountAgreement::fromJson(const QJsonObject &json,
                                                                   const QString &path)
{
    JsonReader r(json, path);
    AccountAgreement a;
    a.agreement = agreementTypeFromWire(r.string(u"agreement"));
    a.signedAt = r.timestamp(u"signed_at");
    a.ipAddress = r.optString(u"ip_address");
    a.revision = r.optString(u"revision");
    return r.finish(std::move(a));
}

QJsonObject AccountAgreement::toJson() const
{
    QJsonObject json{{u"agreement"_s, toWire(agreement)}, {u"signed_at"_s, signedAt.toString()}};
    detail::putString(json, u"ip_address"_s, ipAddress);
    detail::putString(json, u"revision"_s, revision);
    return json;
}

Expected<AccountDocument, DecodeError> AccountDocument::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    AccountDocument d;
    d.id = r.optString(u"id");
    d.documentType = documentTypeFromWire(r.string(u"document_type"));
    d.documentSubType = r.optString(u"document_sub_type");
    d.content = r.optString(u"content");
    d.mimeType = r.optString(u"mime_type");
    d.createdAt = r.optTimestamp(u"created_at");
    return r.finish(std::move(d));
}

QJsonObject AccountDocument::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putString(json, u"id"_s, id);
    json.insert(u"document_type"_s, toWire(documentType));
    putString(json, u"document_sub_type"_s, documentSubType);
    putString(json, u"content"_s, content);
    putString(json, u"mime_type"_s, mimeType);
    if (createdAt)
        json.insert(u"created_at"_s, createdAt->toString());
    return json;
}

Expected<TrustedContact, DecodeError> TrustedContact::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    TrustedContact c;
    c.givenName = r.optString(u"given_name");
    c.familyName = r.optString(u"family_name");
    c.emailAddress = r.optString(u"email_address");
    c.phoneNumber = r.optString(u"phone_number");
    c.streetAddress = detail::addressLines(r, u"street_address");
    c.city = r.optString(u"city");
    c.state = r.optString(u"state");
    c.postalCode = r.optString(u"postal_code");
    c.country = r.optString(u"country");
    return r.finish(std::move(c));
}

QJsonObject TrustedContact::toJson() const
{
    using namespace detail;
    QJsonObject json;
    putString(json, u"given_name"_s, givenName);
    putString(json, u"family_name"_s, familyName);
    putString(json, u"email_address"_s, emailAddress);
    putString(json, u"phone_number"_s, phoneNumber);
    putStrings(json, u"street_address"_s, streetAddress);
    putString(json, u"city"_s, city);
    putString(json, u"state"_s, state);
    putString(json, u"postal_code"_s, postalCode);
    putString(json, u"country"_s, country);
    return json;
}

} // namespace clera
