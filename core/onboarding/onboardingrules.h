#pragma once

#include "core/onboarding/onboardingerror.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

// The steps of the brokerage application, in the order the wizard asks them. Each is saved as one JSON
// object whose fields carry Alpaca's wire names (reference §3.1):
//  contact      email_address, phone_number, street_address[], unit, city, state, postal_code, country,
//               trusted_contact{…} (optional)
//  identity     given_name, middle_name, family_name, date_of_birth, tax_id, tax_id_type,
//               country_of_citizenship, country_of_birth, country_of_tax_residence, permanent_resident,
//               visa_type, visa_expiration_date, date_of_departure_from_usa
//  employment   employment_status, employer_name, employer_address, employment_position,
//               funding_source[], annual_income_min/max, liquid_net_worth_min/max, total_net_worth_min/max
//  disclosures  is_control_person, is_affiliated_exchange_or_finra, is_politically_exposed,
//               immediate_family_exposed, context[], documents[] (e.g. the affiliation letter)
//  agreements   agreements[] {agreement, revision}, enabled_assets[], account_type, account_sub_type,
//  currency
enum class OnboardingStep { Contact, Identity, Employment, Disclosures, Agreements };

[[nodiscard]] const QList<OnboardingStep> &onboardingSteps();
[[nodiscard]] QString toString(OnboardingStep step);
[[nodiscard]] std::optional<OnboardingStep> onboardingStepFromString(QStringView name);

// The broker's rules (Alpaca's, plus what its KYC needs to succeed), collecting every problem rather than
// the first one. `today` dates the age and visa checks.
class OnboardingRules
{
public:
    static constexpr int kMinimumAge = 18;
    static constexpr qsizetype kMaxDocumentBytes = 10 * 1024 * 1024;

    explicit OnboardingRules(QDate today) : m_today(today) {}

    // The problems of one step on its own. `taxIdOnFile`: an identity saved without tax_id keeps the one
    // stored before, so it is not required again. Agreements are checked without signed_at/ip_address,
    // which the server adds.
    [[nodiscard]] QList<FieldError> checkStep(OnboardingStep step, const QJsonObject &data,
                                              bool taxIdOnFile = false) const;
    // Rules that span steps (state for US residents, a visa for non-citizens living in the US, the
    // crypto agreement for crypto, the affiliation letter for FINRA affiliates, the employer of the
    // employed …). `steps` maps step names to the saved objects; absent steps are skipped.
    [[nodiscard]] QList<FieldError> checkAcrossSteps(const QJsonObject &steps) const;

private:
    QDate m_today;
};

} // namespace clera
