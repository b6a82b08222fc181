#pragma once

// Complete onboarding steps shared by the core and server tests: every field the broker accepts, for a
// Canadian citizen on an H-1B visa who lives and pays tax in the US.

#include "core/onboarding/onboardingrules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace clera::test::onboarding {

inline constexpr const char *kStepsTaxId = "123-45-6789";

// `affiliated`: a FINRA affiliate, with the AFFILIATE_FIRM context and the affiliation letter.
inline QList<QPair<OnboardingStep, QJsonObject>> completeSteps(const QString &email, bool affiliated = false)
{
    const auto json = [](const char *text) { return QJsonDocument::fromJson(text).object(); };
    QJsonObject contact =
        json(R"({"phone_number": "+14155550142", "street_address": ["100 Pine St", "Floor 3"],
        "unit": "3B", "city": "Austin", "state": "TX", "postal_code": "73301", "country": "USA",
        "trusted_contact": {"given_name": "Sam", "family_name": "Lee", "email_address": "sam.lee@example.org",
                            "phone_number": "+14155550143", "street_address": ["9 Oak Ave"], "city": "Austin",
                            "state": "TX", "postal_code": "73301", "country": "USA"}})");
    contact.insert(QStringLiteral("email_address"), email);
    const QJsonObject identity = json(R"({"given_name": "Pat", "middle_name": "Q", "family_name": "Lee",
        "date_of_birth": "1988-04-12", "tax_id": "123-45-6789", "tax_id_type": "USA_SSN",
        "country_of_citizenship": "CAN", "country_of_birth": "CAN", "country_of_tax_residence": "USA",
        "permanent_resident": false, "visa_type": "H1B", "visa_expiration_date": "2029-09-30"})");
    const QJsonObject employment = json(R"({"employment_status": "employed", "employer_name": "Initech",
        "employer_address": "1 Initech Way, Austin TX", "employment_position": "Engineer",
        "funding_source": ["employment_income", "savings"],
        "annual_income_min": "50000", "annual_income_max": "99999.99",
        "liquid_net_worth_min": "10000", "liquid_net_worth_max": "49999",
        "total_net_worth_min": "100000", "total_net_worth_max": "249999"})");
    QJsonObject disclosures = json(R"({"is_control_person": false, "is_affiliated_exchange_or_finra": false,
        "is_politically_exposed": false, "immediate_family_exposed": false,
        "documents": [{"document_type": "identity_verification", "document_sub_type": "passport",
                       "content": "JVBERi0xLjQK", "mime_type": "application/pdf"}]})");
    if (affiliated) {
        disclosures = json(R"({"is_control_person": false, "is_affiliated_exchange_or_finra": true,
            "is_politically_exposed": false, "immediate_family_exposed": false,
            "context": [{"context_type": "AFFILIATE_FIRM", "company_name": "Initech Securities",
                         "company_street_address": ["2 Initech Way"], "company_city": "Austin",
                         "company_state": "TX", "company_country": "USA",
                         "company_compliance_email": "compliance@initech.example"}],
            "documents": [{"document_type": "identity_verification", "document_sub_type": "passport",
                           "content": "JVBERi0xLjQK", "mime_type": "application/pdf"},
                          {"document_type": "account_approval_letter", "document_sub_type": "affiliation letter",
                           "content": "JVBERi0xLjQKbGV0dGVy", "mime_type": "application/pdf"}]})");
    }
    const QJsonObject agreements =
        json(R"({"agreements": [{"agreement": "customer_agreement", "revision": "19.2022.02"},
                                                           {"agreement": "crypto_agreement"}],
        "enabled_assets": ["us_equity", "crypto"], "account_type": "trading", "currency": "USD"})");
    return {{OnboardingStep::Contact, contact},
            {OnboardingStep::Identity, identity},
            {OnboardingStep::Employment, employment},
            {OnboardingStep::Disclosures, disclosures},
            {OnboardingStep::Agreements, agreements}};
}

} // namespace clera::test::onboarding
