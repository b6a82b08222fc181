#include "core/onboarding/onboardingrules.h"
#include "onboardingsteps.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDate kToday(2026, 12, 5);

QJsonObject stepOf(OnboardingStep step, bool affiliated = false)
{
    for (const auto &[s, data] : test::onboarding::completeSteps(u"pat.lee@example.org"_s, affiliated)) {
        if (s == step)
            return data;
    }
    return {};
}

// `data` with `changes` merged in; a null value removes the key.
QJsonObject with(QJsonObject data, const char *changes)
{
    const QJsonObject c = QJsonDocument::fromJson(changes).object();
    for (auto it = c.begin(); it != c.end(); ++it) {
        if (it.value().isNull())
            data.remove(it.key());
        else
            data.insert(it.key(), it.value());
    }
    return data;
}

QStringList fieldsOf(const QList<FieldError> &errors)
{
    QStringList out;
    for (const FieldError &e : errors)
        out.append(e.field);
    out.removeDuplicates();
    out.sort();
    return out;
}

} // namespace

class TestOnboardingRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void completeStepsPass()
    {
        const OnboardingRules rules(kToday);
        for (bool affiliated : {false, true}) {
            for (const auto &[step, data] :
                 test::onboarding::completeSteps(u"pat@example.org"_s, affiliated)) {
                const auto errors = rules.checkStep(step, data);
                QVERIFY2(errors.isEmpty(),
                         qPrintable(toString(step) + u": "_s + fieldsOf(errors).join(u' ')));
            }
        }
    }

    void stepErrors_data()
    {
        QTest::addColumn<int>("step");
        QTest::addColumn<QJsonObject>("data");
        QTest::addColumn<QStringList>("fields");
        const auto row = [](const char *name, OnboardingStep step, const QJsonObject &data,
                            QStringList fields) {
            fields.sort();
            QTest::addRow("%s", name) << int(step) << data << fields;
        };
        using S = OnboardingStep;
        const QJsonObject contact = stepOf(S::Contact);
        row("contact: empty", S::Contact, {},
            {u"contact.city"_s, u"contact.country"_s, u"contact.email_address"_s, u"contact.phone_number"_s,
             u"contact.street_address"_s});
        row("contact: bad email and phone", S::Contact,
            with(contact, R"({"email_address": "pat@", "phone_number": "call me"})"),
            {u"contact.email_address"_s, u"contact.phone_number"_s});
        row("contact: four street lines", S::Contact,
            with(contact, R"({"street_address": ["a", "b", "c", "d"]})"), {u"contact.street_address"_s});
        row("contact: US ZIP", S::Contact, with(contact, R"({"postal_code": "ABC"})"),
            {u"contact.postal_code"_s});
        row("contact: alpha-2 country", S::Contact, with(contact, R"({"country": "US"})"),
            {u"contact.country"_s});
        row("contact: unknown field", S::Contact, with(contact, R"({"nickname": "P"})"),
            {u"contact.nickname"_s});
        row("contact: unreachable trusted contact", S::Contact,
            with(contact, R"({"trusted_contact": {"given_name": "Sam", "family_name": "Lee"}})"),
            {u"contact.trusted_contact"_s});

        const QJsonObject identity = stepOf(S::Identity);
        row("identity: non-citizen resident without visa", S::Identity,
            with(identity, R"({"visa_type": null, "visa_expiration_date": null})"),
            {u"identity.visa_type"_s});
        row("identity: permanent resident needs no visa", S::Identity,
            with(identity,
                 R"({"visa_type": null, "visa_expiration_date": null, "permanent_resident": true})"),
            {});
        row("identity: visa without expiry", S::Identity, with(identity, R"({"visa_expiration_date": null})"),
            {u"identity.visa_expiration_date"_s});
        row("identity: expired visa", S::Identity,
            with(identity, R"({"visa_expiration_date": "2026-12-04"})"),
            {u"identity.visa_expiration_date"_s});
        row("identity: B2 visa needs the departure date", S::Identity,
            with(identity, R"({"visa_type": "B2"})"), {u"identity.date_of_departure_from_usa"_s});
        row("identity: unknown visa", S::Identity, with(identity, R"({"visa_type": "h1b"})"),
            {u"identity.visa_type"_s});
        row("identity: citizen with a visa", S::Identity,
            with(identity, R"({"country_of_citizenship": "USA"})"), {u"identity.visa_type"_s});
        row("identity: under 18", S::Identity, with(identity, R"({"date_of_birth": "2008-12-06"})"),
            {u"identity.date_of_birth"_s});
        row("identity: 18 today", S::Identity, with(identity, R"({"date_of_birth": "2008-12-05"})"), {});
        row("identity: date format", S::Identity, with(identity, R"({"date_of_birth": "12/04/1988"})"),
            {u"identity.date_of_birth"_s});
        row("identity: SSN format", S::Identity, with(identity, R"({"tax_id": "12-345-678"})"),
            {u"identity.tax_id"_s});
        row("identity: SSN starting 9", S::Identity, with(identity, R"({"tax_id": "923-45-6789"})"),
            {u"identity.tax_id"_s});
        row("identity: tax id missing", S::Identity, with(identity, R"({"tax_id": null})"),
            {u"identity.tax_id"_s});
        row("identity: required fields", S::Identity, {},
            {u"identity.country_of_citizenship"_s, u"identity.country_of_tax_residence"_s,
             u"identity.date_of_birth"_s, u"identity.family_name"_s, u"identity.given_name"_s,
             u"identity.tax_id"_s, u"identity.tax_id_type"_s});
        row("identity: wrong types", S::Identity,
            with(identity, R"({"given_name": 7, "permanent_resident": "no"})"),
            {u"identity.given_name"_s, u"identity.permanent_resident"_s});

        const QJsonObject employment = stepOf(S::Employment);
        row("employment: employed without employer", S::Employment,
            with(employment, R"({"employer_name": null, "employment_position": ""})"),
            {u"employment.employer_name"_s, u"employment.employment_position"_s});
        row("employment: retired needs no employer", S::Employment,
            with(employment,
                 R"({"employment_status": "RETIRED", "employer_name": null, "employment_position": null})"),
            {});
        row("employment: bad funding source", S::Employment,
            with(employment, R"({"funding_source": ["lottery"]})"), {u"employment.funding_source"_s});
        row("employment: no funding source", S::Employment, with(employment, R"({"funding_source": []})"),
            {u"employment.funding_source"_s});
        row("employment: inverted range", S::Employment,
            with(employment, R"({"annual_income_min": "100000", "annual_income_max": "5"})"),
            {u"employment.annual_income_max"_s});
        row("employment: negative and not a number", S::Employment,
            with(employment, R"({"liquid_net_worth_min": "-1", "total_net_worth_min": "lots"})"),
            {u"employment.liquid_net_worth_min"_s, u"employment.total_net_worth_min"_s});
        row("employment: liquid above total", S::Employment,
            with(employment, R"({"liquid_net_worth_max": "300000"})"),
            {u"employment.liquid_net_worth_max"_s});

        const QJsonObject disclosures = stepOf(S::Disclosures);
        row("disclosures: unanswered", S::Disclosures, {},
            {u"disclosures.immediate_family_exposed"_s, u"disclosures.is_affiliated_exchange_or_finra"_s,
             u"disclosures.is_control_person"_s, u"disclosures.is_politically_exposed"_s});
        row("disclosures: affiliated without firm or letter", S::Disclosures,
            with(disclosures, R"({"is_affiliated_exchange_or_finra": true})"),
            {u"disclosures.context"_s, u"disclosures.documents"_s});
        const QJsonObject affiliated = stepOf(S::Disclosures, true);
        QJsonObject noLetter = affiliated;
        QJsonArray documents = noLetter.value(u"documents"_s).toArray();
        documents.removeLast();
        noLetter.insert(u"documents"_s, documents);
        row("disclosures: affiliated without the letter", S::Disclosures, noLetter,
            {u"disclosures.documents"_s});
        row("disclosures: family exposed without the person", S::Disclosures,
            with(disclosures, R"({"immediate_family_exposed": true})"), {u"disclosures.context"_s});
        row("disclosures: bad document", S::Disclosures,
            with(
                disclosures,
                R"({"documents": [{"document_type": "selfie", "mime_type": "image/gif", "content": "***"}]})"),
            {u"disclosures.documents[0].content"_s, u"disclosures.documents[0].document_type"_s,
             u"disclosures.documents[0].mime_type"_s});

        const QJsonObject agreements = stepOf(S::Agreements);
        row("agreements: none", S::Agreements, with(agreements, R"({"agreements": []})"),
            {u"agreements.agreements"_s});
        row("agreements: crypto without its agreement", S::Agreements,
            with(agreements, R"({"agreements": [{"agreement": "customer_agreement"}]})"),
            {u"agreements.agreements"_s});
        row("agreements: client-sent signature", S::Agreements,
            with(agreements,
                 R"({"agreements": [{"agreement": "customer_agreement", "signed_at": "2020-01-01T00:00:00Z"},
                                                {"agreement": "crypto_agreement"}]})"),
            {u"agreements.agreements[0].signed_at"_s});
        row("agreements: sub type outside IRA", S::Agreements,
            with(agreements, R"({"account_sub_type": "roth"})"), {u"agreements.account_sub_type"_s});
        row("agreements: unknown currency and asset", S::Agreements,
            with(agreements, R"({"currency": "XYZ", "enabled_assets": ["us_equity", "futures"]})"),
            {u"agreements.currency"_s, u"agreements.enabled_assets"_s});
    }

    void stepErrors()
    {
        QFETCH(int, step);
        QFETCH(QJsonObject, data);
        QFETCH(QStringList, fields);
        const OnboardingRules rules(kToday);
        const auto errors = rules.checkStep(OnboardingStep(step), data);
        QCOMPARE(fieldsOf(errors), fields);
        for (const FieldError &e : errors) {
            QVERIFY(!e.message.isEmpty());
            QVERIFY2(!e.message.contains(u"12-345-678"_s) && !e.message.contains(u"923-45-6789"_s),
                     "an error message repeats the tax id");
        }
    }

    void taxIdOnFileNeedNotBeResent()
    {
        const OnboardingRules rules(kToday);
        const QJsonObject identity = with(stepOf(OnboardingStep::Identity), R"({"tax_id": null})");
        QVERIFY(!rules.checkStep(OnboardingStep::Identity, identity, false).isEmpty());
        QVERIFY(rules.checkStep(OnboardingStep::Identity, identity, true).isEmpty());
    }

    void rulesAcrossSteps()
    {
        const OnboardingRules rules(kToday);
        QJsonObject steps;
        for (const auto &[step, data] : test::onboarding::completeSteps(u"pat@example.org"_s))
            steps.insert(toString(step), data);
        QVERIFY(rules.checkAcrossSteps(steps).isEmpty());
        QJsonObject contact = steps.value(u"contact"_s).toObject();
        contact.insert(u"country"_s, u"CAN"_s);
        contact.remove(u"state"_s);
        contact.insert(u"postal_code"_s, u"M5V 2T6"_s);
        steps.insert(u"contact"_s, contact);
        // The contact step alone is fine for a Canadian address, but a US tax resident needs a state.
        QVERIFY(rules.checkStep(OnboardingStep::Contact, contact).isEmpty());
        QCOMPARE(fieldsOf(rules.checkAcrossSteps(steps)), QStringList{u"contact.state"_s});
        QJsonObject identity = steps.value(u"identity"_s).toObject();
        identity.insert(u"country_of_tax_residence"_s, u"CAN"_s);
        identity.remove(u"visa_type"_s);
        identity.remove(u"visa_expiration_date"_s);
        steps.insert(u"identity"_s, identity);
        QCOMPARE(fieldsOf(rules.checkAcrossSteps(steps)), QStringList{u"identity.tax_id_type"_s});
    }

    void stepNames()
    {
        QCOMPARE(onboardingSteps().size(), 5);
        for (OnboardingStep step : onboardingSteps())
            QCOMPARE(onboardingStepFromString(toString(step)), std::optional(step));
        QCOMPARE(onboardingStepFromString(u"payment"), std::nullopt);
    }
};

QTEST_GUILESS_MAIN(TestOnboardingRules)
#include "tst_onboardingrules.moc"
