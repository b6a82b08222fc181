#pragma once

// Onboarding payloads shared by the codec tests and the broker tests: an application with every field
// the Broker API accepts, the exact JSON it must become, and the reference's §3.2 Account example.

#include "core/domain/accountapplication.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace clera::test::onboarding {

inline constexpr const char *kTaxId = "123-45-6789";

// Every field name spelled out as Alpaca spells it: a renamed or dropped field fails the comparison.
inline constexpr const char *kFullApplicationJson = R"({
  "contact": {"email_address": "pat.lee@example.org", "phone_number": "+14155550142",
              "street_address": ["100 Pine St", "Floor 3"], "unit": "3B", "city": "Austin",
              "state": "TX", "postal_code": "73301", "country": "USA"},
  "identity": {"given_name": "Pat", "middle_name": "Q", "family_name": "Lee", "date_of_birth": "1988-04-12",
               "tax_id": "123-45-6789", "tax_id_type": "USA_SSN",
               "country_of_citizenship": "CAN", "country_of_birth": "CAN", "country_of_tax_residence": "USA",
               "visa_type": "H1B", "visa_expiration_date": "2027-09-30",
               "date_of_departure_from_usa": "2027-10-01", "permanent_resident": false,
               "funding_source": ["employment_income", "savings"],
               "annual_income_min": "50000", "annual_income_max": "99999.99",
               "liquid_net_worth_min": "10000", "liquid_net_worth_max": "49999",
               "total_net_worth_min": "100000", "total_net_worth_max": "249999"},
  "disclosures": {"is_control_person": false, "is_affiliated_exchange_or_finra": false,
                  "is_politically_exposed": false, "immediate_family_exposed": false,
                  "employment_status": "EMPLOYED", "employer_name": "Initech",
                  "employer_address": "1 Initech Way, Austin TX", "employment_position": "Engineer",
                  "context": [{"context_type": "AFFILIATE_FIRM", "company_name": "Initech Securities",
                               "company_street_address": ["2 Initech Way"], "company_city": "Austin",
                               "company_state": "TX", "company_country": "USA",
                               "company_compliance_email": "compliance@initech.example"}]},
  "agreements": [{"agreement": "customer_agreement", "signed_at": "2026-01-05T15:04:05Z",
                  "ip_address": "203.0.113.7", "revision": "19.2022.02"},
                 {"agreement": "crypto_agreement", "signed_at": "2026-01-05T15:04:05.5Z",
                  "ip_address": "203.0.113.7"}],
  "documents": [{"document_type": "identity_verification", "document_sub_type": "passport",
                 "content": "JVBERi0xLjQK", "mime_type": "application/pdf"}],
  "trusted_contact": {"given_name": "Sam", "family_name": "Lee", "email_address": "sam.lee@example.org",
                      "phone_number": "+14155550143", "street_address": ["9 Oak Ave"], "city": "Austin",
                      "state": "TX", "postal_code": "73301", "country": "USA"},
  "account_type": "trading",
  "enabled_assets": ["us_equity", "crypto"]
})";

// The same application as a value.
[[nodiscard]] inline AccountApplication
fullApplication(const QString &email = QStringLiteral("pat.lee@example.org"))
{
    AccountApplication a;
    a.contact.emailAddress = email;
    a.contact.phoneNumber = QStringLiteral("+14155550142");
    a.contact.streetAddress = {QStringLiteral("100 Pine St"), QStringLiteral("Floor 3")};
    a.contact.unit = QStringLiteral("3B");
    a.contact.city = QStringLiteral("Austin");
    a.contact.state = QStringLiteral("TX");
    a.contact.postalCode = QStringLiteral("73301");
    a.contact.country = QStringLiteral("USA");
    AccountIdentity &i = a.identity;
    i.givenName = QStringLiteral("Pat");
    i.middleName = QStringLiteral("Q");
    i.familyName = QStringLiteral("Lee");
    i.dateOfBirth = QDate(1988, 4, 12);
    a.taxId = QString::fromLatin1(kTaxId);
    i.taxIdType = TaxIdType::UsaSsn;
    i.countryOfCitizenship = QStringLiteral("CAN");
    i.countryOfBirth = QStringLiteral("CAN");
    i.countryOfTaxResidence = QStringLiteral("USA");
    i.visaType = VisaType::H1b;
    i.visaExpirationDate = QDate(2027, 9, 30);
    i.dateOfDepartureFromUsa = QDate(2027, 10, 1);
    i.permanentResident = false;
    i.fundingSource = {FundingSource::EmploymentIncome, FundingSource::Savings};
    i.annualIncomeMin = Decimal(50000);
    i.annualIncomeMax = Decimal::parse(u"99999.99").value();
    i.liquidNetWorthMin = Decimal(10000);
    i.liquidNetWorthMax = Decimal(49999);
    i.totalNetWorthMin = Decimal(100000);
    i.totalNetWorthMax = Decimal(249999);
    AccountDisclosures &d = a.disclosures;
    d.isControlPerson = false;
    d.isAffiliatedExchangeOrFinra = false;
    d.isPoliticallyExposed = false;
    d.immediateFamilyExposed = false;
    d.employmentStatus = EmploymentStatus::Employed;
    d.employerName = QStringLiteral("Initech");
    d.employerAddress = QStringLiteral("1 Initech Way, Austin TX");
    d.employmentPosition = QStringLiteral("Engineer");
    DisclosureContext c;
    c.contextType = DisclosureContextType::AffiliateFirm;
    c.companyName = QStringLiteral("Initech Securities");
    c.companyStreetAddress = {QStringLiteral("2 Initech Way")};
    c.companyCity = QStringLiteral("Austin");
    c.companyState = QStringLiteral("TX");
    c.companyCountry = QStringLiteral("USA");
    c.companyComplianceEmail = QStringLiteral("compliance@initech.example");
    d.context = {c};
    a.agreements = {
        {AgreementType::CustomerAgreement, Timestamp::parse(u"2026-01-05T15:04:05Z").value(),
         QStringLiteral("203.0.113.7"), QStringLiteral("19.2022.02")},
        {AgreementType::CryptoAgreement, Timestamp::parse(u"2026-01-05T15:04:05.5Z").value(),
         QStringLiteral("203.0.113.7"), QString()},
    };
    AccountDocument doc;
    doc.documentType = DocumentType::IdentityVerification;
    doc.documentSubType = QStringLiteral("passport");
    doc.content = QStringLiteral("JVBERi0xLjQK");
    doc.mimeType = QStringLiteral("application/pdf");
    a.documents = {doc};
    TrustedContact t;
    t.givenName = QStringLiteral("Sam");
    t.familyName = QStringLiteral("Lee");
    t.emailAddress = QStringLiteral("sam.lee@example.org");
    t.phoneNumber = QStringLiteral("+14155550143");
    t.streetAddress = {QStringLiteral("9 Oak Ave")};
    t.city = QStringLiteral("Austin");
    t.state = QStringLiteral("TX");
    t.postalCode = QStringLiteral("73301");
    t.country = QStringLiteral("USA");
    a.trustedContact = t;
    a.accountType = AccountType::Trading;
    a.enabledAssets = {QStringLiteral("us_equity"), QStringLiteral("crypto")};
    return a;
}

// Reference §3.2: the Account object of a fresh application (nulls included).
inline constexpr const char *kReferenceAccount = R"({"id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a",
 "account_number": "904112233",
 "status": "SUBMITTED", "crypto_status": "INACTIVE", "currency": "USD", "last_equity": "0",
 "created_at": "2026-01-05T15:04:07.118233Z", "account_type": "trading", "kyc_results": null,
 "contact": {"email_address": "pat.lee@example.org", "phone_number": "+14155550142",
             "street_address": ["100 Pine St"], "city": "Austin", "state": "TX", "postal_code": "73301"},
 "identity": {"given_name": "Pat", "family_name": "Lee", "date_of_birth": "1988-04-12",
              "tax_id_type": "USA_SSN", "country_of_tax_residence": "USA", "funding_source": ["savings"],
              "visa_type": null, "visa_expiration_date": null, "date_of_departure_from_usa": null,
              "permanent_resident": null},
 "disclosures": {"is_control_person": false, "is_affiliated_exchange_or_finra": false,
                 "is_politically_exposed": false, "immediate_family_exposed": false, "is_discretionary": false},
 "agreements": [{"agreement": "customer_agreement", "signed_at": "2026-01-05T15:04:05Z",
                 "ip_address": "203.0.113.7", "revision": "19.2022.02"}],
 "trusted_contact": null, "trading_configurations": null, "enabled_assets": ["us_equity"]})";

[[nodiscard]] inline QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test payload: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace clera::test::onboarding
