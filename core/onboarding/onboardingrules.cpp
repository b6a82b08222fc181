#include "onboardingrules.h"

#include "core/domain/accountapplication.h"
#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QStringList kCurrencies{u"USD"_s, u"GBP"_s, u"CHF"_s, u"EUR"_s, u"CAD"_s, u"JPY"_s,
                              u"TRY"_s, u"AUD"_s, u"CZK"_s, u"SEK"_s, u"DKK"_s, u"SGD"_s,
                              u"HKD"_s, u"HUF"_s, u"NZD"_s, u"NOK"_s, u"PLN"_s};
const QStringList kMimeTypes{u"application/pdf"_s, u"image/png"_s, u"image/jpeg"_s, u"application/json"_s};

// Alpaca's enums are case-sensitive on the way in; the decoders are tolerant, so compare the spelling.
template <typename E> bool exactEnum(const QString &text, E (*fromWire)(QStringView))
{
    const E value = fromWire(text);
    return value != E::Unknown && toWire(value) == text;
}

// Collects every problem of one object; `prefix` names the object in field paths.
class Checker
{
public:
    Checker(QList<FieldError> &errors, const QJsonObject &object, QString prefix)
        : m_errors(errors), m_object(object), m_prefix(std::move(prefix))
    {}

    void fail(const QString &key, const QString &message) { m_errors.append({m_prefix + key, message}); }

    void onlyKnown(const QStringList &known)
    {
        for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
            if (!known.contains(it.key()))
                fail(it.key().left(64), u"is not a field of this step"_s);
        }
    }

    [[nodiscard]] bool has(const QString &key) const
    {
        const QJsonValue v = m_object.value(key);
        return !(v.isUndefined() || v.isNull() || (v.isString() && v.toString().trimmed().isEmpty()) ||
                 (v.isArray() && v.toArray().isEmpty()));
    }

    QString string(const QString &key, bool required, qsizetype maxLength = 128)
    {
        if (!has(key)) {
            if (required)
                fail(key, u"is required"_s);
            return {};
        }
        const QJsonValue v = m_object.value(key);
        if (!v.isString()) {
            fail(key, u"must be a string"_s);
            return {};
        }
        const QString text = v.toString().trimmed();
        if (text.size() > maxLength) {
            fail(key, u"must be at most %1 characters"_s.arg(maxLength));
            return {};
        }
        return text;
    }

    std::optional<bool> boolean(const QString &key, bool required)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(key, u"must be answered (true or false)"_s);
            return std::nullopt;
        }
        if (!v.isBool()) {
            fail(key, u"must be true or false"_s);
            return std::nullopt;
        }
        return v.toBool();
    }

    QStringList strings(const QString &key, bool required, qsizetype maxItems, qsizetype maxLength = 128)
    {
        if (!has(key)) {
            if (required)
                fail(key, u"is required"_s);
            return {};
        }
        const QJsonValue v = m_object.value(key);
        if (!v.isArray()) {
            fail(key, u"must be a list of strings"_s);
            return {};
        }
        QStringList out;
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString() || item.toString().trimmed().isEmpty()) {
                fail(key, u"must be a list of non-empty strings"_s);
                return {};
            }
            if (item.toString().size() > maxLength) {
                fail(key, u"lines must be at most %1 characters"_s.arg(maxLength));
                return {};
            }
            out.append(item.toString().trimmed());
        }
        if (out.size() > maxItems)
            fail(key, u"must have at most %1 entries"_s.arg(maxItems));
        return out;
    }

    std::optional<QDate> date(const QString &key, bool required)
    {
        const QString text = string(key, required, 10);
        if (text.isEmpty())
            return std::nullopt;
        const auto d = parseIsoDate(text);
        if (text.size() != 10 || !d) {
            fail(key, u"must be a date written YYYY-MM-DD"_s);
            return std::nullopt;
        }
        return *d;
    }

    QString country(const QString &key, bool required)
    {
        static const QRegularExpression alpha3(u"^[A-Z]{3}$"_s);
        const QString text = string(key, required, 3);
        if (!text.isEmpty() && !alpha3.match(text).hasMatch())
            fail(key, u"must be a three-letter ISO 3166-1 country code such as USA"_s);
        return text;
    }

    std::optional<Decimal> amount(const QString &key)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        // Strings keep amounts exact; a JSON number is accepted when it is a whole number.
        std::optional<Decimal> d;
        if (v.isString()) {
            if (const auto parsed = Decimal::parse(v.toString().trimmed()))
                d = *parsed;
        } else if (v.isDouble() && v.toDouble() == double(qint64(v.toDouble()))) {
            d = Decimal::parse(QString::number(qint64(v.toDouble()))).valueOr(Decimal());
        }
        if (!d) {
            fail(key, u"must be an amount such as \"50000\""_s);
            return std::nullopt;
        }
        if (*d < Decimal()) {
            fail(key, u"must not be negative"_s);
            return std::nullopt;
        }
        return d;
    }

    void range(const QString &minKey, const QString &maxKey)
    {
        const auto lo = amount(minKey);
        const auto hi = amount(maxKey);
        if (lo && hi && *lo > *hi)
            fail(maxKey, u"must not be below %1"_s.arg(minKey));
    }

    [[nodiscard]] const QJsonObject &object() const { return m_object; }

private:
    QList<FieldError> &m_errors;
    const QJsonObject &m_object;
    QString m_prefix;
};

bool validEmail(const QString &email)
{
    static const QRegularExpression shape(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    return shape.match(email).hasMatch();
}

void checkPhone(Checker &c, const QString &key, bool required)
{
    static const QRegularExpression shape(u"^\\+?[0-9 ().-]+$"_s);
    const QString phone = c.string(key, required, 32);
    if (phone.isEmpty())
        return;
    qsizetype digits = 0;
    for (const QChar ch : phone)
        digits += ch.isDigit() ? 1 : 0;
    if (!shape.match(phone).hasMatch() || digits < 7 || digits > 15)
        c.fail(key, u"must be a phone number with its country code, such as +14155550142"_s);
}

void checkTrustedContact(QList<FieldError> &errors, const QJsonObject &t)
{
    Checker c(errors, t, u"contact.trusted_contact."_s);
    c.onlyKnown({u"given_name"_s, u"family_name"_s, u"email_address"_s, u"phone_number"_s,
                 u"street_address"_s, u"city"_s, u"state"_s, u"postal_code"_s, u"country"_s});
    c.string(u"given_name"_s, true);
    c.string(u"family_name"_s, true);
    const QString email = c.string(u"email_address"_s, false, 254);
    if (!email.isEmpty() && !validEmail(email))
        c.fail(u"email_address"_s, u"is not a valid email address"_s);
    checkPhone(c, u"phone_number"_s, false);
    const QStringList street = c.strings(u"street_address"_s, false, 3);
    if (email.isEmpty() && !c.has(u"phone_number"_s) && street.isEmpty())
        errors.append(
            {u"contact.trusted_contact"_s, u"needs an email address, a phone number or a street address"_s});
    const bool address = !street.isEmpty();
    c.string(u"city"_s, address);
    c.string(u"state"_s, false);
    c.string(u"postal_code"_s, address, 16);
    c.country(u"country"_s, address);
}

void checkContact(QList<FieldError> &errors, const QJsonObject &data)
{
    Checker c(errors, data, u"contact."_s);
    c.onlyKnown({u"email_address"_s, u"phone_number"_s, u"street_address"_s, u"unit"_s, u"city"_s, u"state"_s,
                 u"postal_code"_s, u"country"_s, u"trusted_contact"_s});
    const QString email = c.string(u"email_address"_s, true, 254);
    if (!email.isEmpty() && !validEmail(email))
        c.fail(u"email_address"_s, u"is not a valid email address"_s);
    checkPhone(c, u"phone_number"_s, true);
    c.strings(u"street_address"_s, true, 3);
    c.string(u"unit"_s, false, 32);
    c.string(u"city"_s, true);
    c.string(u"state"_s, false, 64);
    const QString country = c.country(u"country"_s, true);
    const QString postal = c.string(u"postal_code"_s, country == u"USA", 16);
    static const QRegularExpression zip(u"^[0-9]{5}(-[0-9]{4})?$"_s);
    if (country == u"USA" && !postal.isEmpty() && !zip.match(postal).hasMatch())
        c.fail(u"postal_code"_s, u"must be a US ZIP code such as 73301 or 73301-1234"_s);
    const QJsonValue trusted = data.value(u"trusted_contact"_s);
    if (trusted.isObject())
        checkTrustedContact(errors, trusted.toObject());
    else if (!trusted.isUndefined() && !trusted.isNull())
        c.fail(u"trusted_contact"_s, u"must be an object"_s);
}

void checkTaxId(Checker &c, const QString &type, bool onFile)
{
    const QString taxId = c.string(u"tax_id"_s, !onFile, 40);
    if (taxId.isEmpty())
        return;
    if (type == u"USA_SSN" || type == u"USA_ITIN") {
        static const QRegularExpression nine(u"^[0-9]{3}-?[0-9]{2}-?[0-9]{4}$"_s);
        if (!nine.match(taxId).hasMatch())
            return c.fail(u"tax_id"_s, u"must be 9 digits, written 123-45-6789 or 123456789"_s);
        if (type == u"USA_ITIN" && !taxId.startsWith(u'9'))
            return c.fail(u"tax_id"_s, u"an ITIN starts with 9"_s);
        if (type == u"USA_SSN" &&
            (taxId.startsWith(u"000"_s) || taxId.startsWith(u"666"_s) || taxId.startsWith(u'9')))
            return c.fail(u"tax_id"_s, u"is not a valid Social Security number"_s);
        return;
    }
    static const QRegularExpression other(u"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$"_s);
    if (!other.match(taxId).hasMatch())
        c.fail(u"tax_id"_s, u"must be letters and digits (with - . / or spaces)"_s);
}

void checkIdentity(QList<FieldError> &errors, const QJsonObject &data, QDate today, bool taxIdOnFile)
{
    Checker c(errors, data, u"identity."_s);
    c.onlyKnown({u"given_name"_s, u"middle_name"_s, u"family_name"_s, u"date_of_birth"_s, u"tax_id"_s,
                 u"tax_id_type"_s, u"country_of_citizenship"_s, u"country_of_birth"_s,
                 u"country_of_tax_residence"_s, u"permanent_resident"_s, u"visa_type"_s,
                 u"visa_expiration_date"_s, u"date_of_departure_from_usa"_s});
    c.string(u"given_name"_s, true);
    c.string(u"middle_name"_s, false);
    c.string(u"family_name"_s, true);
    if (const auto born = c.date(u"date_of_birth"_s, true)) {
        if (*born > today.addYears(-OnboardingRules::kMinimumAge))
            c.fail(u"date_of_birth"_s,
                   u"you must be at least %1 years old"_s.arg(OnboardingRules::kMinimumAge));
        else if (born->year() < 1900)
            c.fail(u"date_of_birth"_s, u"is not a plausible date of birth"_s);
    }
    const QString type = c.string(u"tax_id_type"_s, true, 32);
    if (!type.isEmpty() && !exactEnum(type, &taxIdTypeFromWire))
        c.fail(u"tax_id_type"_s, u"is not a tax id type the broker knows (e.g. USA_SSN, PASSPORT)"_s);
    checkTaxId(c, type, taxIdOnFile);
    const QString citizenship = c.country(u"country_of_citizenship"_s, true);
    c.country(u"country_of_birth"_s, false);
    const QString residence = c.country(u"country_of_tax_residence"_s, true);
    const std::optional<bool> permanent = c.boolean(u"permanent_resident"_s, false);
    const QString visa = c.string(u"visa_type"_s, false, 8);
    if (!visa.isEmpty() && !exactEnum(visa, &visaTypeFromWire))
        c.fail(u"visa_type"_s, u"must be one of B1 B2 DACA E1 E2 E3 F1 G4 H1B J1 L1 O1 TN1 OTHER"_s);
    // A non-citizen living in the US is either a permanent resident or here on a visa.
    const bool nonCitizenResident = !citizenship.isEmpty() && citizenship != u"USA" && residence == u"USA";
    if (nonCitizenResident && !permanent.value_or(false) && visa.isEmpty())
        c.fail(u"visa_type"_s, u"is required for a non-US citizen living in the US who is not a permanent "
                               "resident"_s);
    if (!visa.isEmpty() && citizenship == u"USA")
        c.fail(u"visa_type"_s, u"is only for non-US citizens"_s);
    if (!visa.isEmpty() && permanent.value_or(false))
        c.fail(u"visa_type"_s, u"a permanent resident does not give a visa"_s);
    const auto expires = c.date(u"visa_expiration_date"_s, !visa.isEmpty());
    if (expires && *expires < today)
        c.fail(u"visa_expiration_date"_s, u"the visa has expired"_s);
    if (expires && visa.isEmpty())
        c.fail(u"visa_expiration_date"_s, u"is only given with a visa_type"_s);
    const bool visitor = visa == u"B1" || visa == u"B2";
    const auto departure = c.date(u"date_of_departure_from_usa"_s, visitor);
    if (departure && !visitor)
        c.fail(u"date_of_departure_from_usa"_s, u"is only given with a B1 or B2 visa"_s);
}

void checkEmployment(QList<FieldError> &errors, const QJsonObject &data)
{
    Checker c(errors, data, u"employment."_s);
    c.onlyKnown({u"employment_status"_s, u"employer_name"_s, u"employer_address"_s, u"employment_position"_s,
                 u"funding_source"_s, u"annual_income_min"_s, u"annual_income_max"_s,
                 u"liquid_net_worth_min"_s, u"liquid_net_worth_max"_s, u"total_net_worth_min"_s,
                 u"total_net_worth_max"_s});
    const QString status = c.string(u"employment_status"_s, true, 16);
    const EmploymentStatus parsed = employmentStatusFromWire(status);
    if (!status.isEmpty() && parsed == EmploymentStatus::Unknown)
        c.fail(u"employment_status"_s, u"must be employed, unemployed, student or retired"_s);
    const bool employed = parsed == EmploymentStatus::Employed;
    c.string(u"employer_name"_s, employed);
    c.string(u"employer_address"_s, false, 256);
    c.string(u"employment_position"_s, employed);
    const QStringList sources = c.strings(u"funding_source"_s, true, 6);
    for (const QString &s : sources) {
        if (!exactEnum(s, &fundingSourceFromWire)) {
            c.fail(u"funding_source"_s, u"must list employment_income, investments, inheritance, "
                                        "business_income, savings or family"_s);
            break;
        }
    }
    if (QStringList(sources).removeDuplicates() > 0)
        c.fail(u"funding_source"_s, u"lists a source twice"_s);
    c.range(u"annual_income_min"_s, u"annual_income_max"_s);
    c.range(u"liquid_net_worth_min"_s, u"liquid_net_worth_max"_s);
    c.range(u"total_net_worth_min"_s, u"total_net_worth_max"_s);
    const auto liquid = c.object().value(u"liquid_net_worth_max"_s);
    const auto total = c.object().value(u"total_net_worth_max"_s);
    if (liquid.isString() && total.isString()) {
        const auto l = Decimal::parse(liquid.toString());
        const auto t = Decimal::parse(total.toString());
        if (l && t && *l > *t)
            c.fail(u"liquid_net_worth_max"_s, u"cannot exceed total_net_worth_max"_s);
    }
}

void checkDocuments(QList<FieldError> &errors, const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return;
    if (!value.isArray()) {
        errors.append({u"disclosures.documents"_s, u"must be a list"_s});
        return;
    }
    const QJsonArray list = value.toArray();
    for (qsizetype n = 0; n < list.size(); ++n) {
        const QString prefix = u"disclosures.documents[%1]."_s.arg(n);
        if (!list.at(n).isObject()) {
            errors.append({prefix.chopped(1), u"must be an object"_s});
            continue;
        }
        const QJsonObject d = list.at(n).toObject();
        Checker c(errors, d, prefix);
        c.onlyKnown(
            {u"document_type"_s, u"document_sub_type"_s, u"content"_s, u"content_data"_s, u"mime_type"_s});
        const QString type = c.string(u"document_type"_s, true, 64);
        if (!type.isEmpty() && !exactEnum(type, &documentTypeFromWire))
            c.fail(u"document_type"_s, u"is not a document type the broker knows"_s);
        c.string(u"document_sub_type"_s, false);
        const QString mime = c.string(u"mime_type"_s, true, 32);
        if (!mime.isEmpty() && !kMimeTypes.contains(mime))
            c.fail(u"mime_type"_s, u"must be application/pdf, image/png, image/jpeg or application/json"_s);
        const bool structured = mime == u"application/json" && d.value(u"content_data"_s).isObject();
        const QJsonValue content = d.value(u"content"_s);
        if (structured)
            continue;
        if (!content.isString() || content.toString().isEmpty()) {
            c.fail(u"content"_s, u"is required (the file, base64-encoded)"_s);
            continue;
        }
        const auto decoded = QByteArray::fromBase64Encoding(content.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.isEmpty())
            c.fail(u"content"_s, u"must be the file encoded as base64"_s);
        else if (decoded.decoded.size() > OnboardingRules::kMaxDocumentBytes)
            c.fail(u"content"_s, u"the file must be at most 10 MB"_s);
    }
}

void checkDisclosures(QList<FieldError> &errors, const QJsonObject &data)
{
    Checker c(errors, data, u"disclosures."_s);
    c.onlyKnown({u"is_control_person"_s, u"is_affiliated_exchange_or_finra"_s, u"is_politically_exposed"_s,
                 u"immediate_family_exposed"_s, u"context"_s, u"documents"_s});
    const bool control = c.boolean(u"is_control_person"_s, true).value_or(false);
    const bool affiliated = c.boolean(u"is_affiliated_exchange_or_finra"_s, true).value_or(false);
    c.boolean(u"is_politically_exposed"_s, true);
    const bool family = c.boolean(u"immediate_family_exposed"_s, true).value_or(false);

    QList<DisclosureContextType> given;
    const QJsonValue context = data.value(u"context"_s);
    if (!context.isUndefined() && !context.isNull() && !context.isArray())
        c.fail(u"context"_s, u"must be a list"_s);
    const QJsonArray entries = context.toArray();
    for (qsizetype n = 0; n < entries.size(); ++n) {
        const QString prefix = u"disclosures.context[%1]."_s.arg(n);
        if (!entries.at(n).isObject()) {
            errors.append({prefix.chopped(1), u"must be an object"_s});
            continue;
        }
        const QJsonObject e = entries.at(n).toObject();
        Checker ec(errors, e, prefix);
        ec.onlyKnown({u"context_type"_s, u"company_name"_s, u"company_street_address"_s, u"company_city"_s,
                      u"company_state"_s, u"company_country"_s, u"company_compliance_email"_s,
                      u"given_name"_s, u"family_name"_s});
        const QString type = ec.string(u"context_type"_s, true, 32);
        if (!type.isEmpty() && !exactEnum(type, &disclosureContextTypeFromWire)) {
            ec.fail(u"context_type"_s,
                    u"must be CONTROLLED_FIRM, AFFILIATE_FIRM or IMMEDIATE_FAMILY_EXPOSED"_s);
            continue;
        }
        const DisclosureContextType t = disclosureContextTypeFromWire(type);
        given.append(t);
        const bool firm = t != DisclosureContextType::ImmediateFamilyExposed;
        ec.string(u"company_name"_s, firm);
        ec.strings(u"company_street_address"_s, false, 3);
        ec.string(u"company_city"_s, false);
        ec.string(u"company_state"_s, false, 64);
        ec.country(u"company_country"_s, false);
        const QString compliance =
            ec.string(u"company_compliance_email"_s, t == DisclosureContextType::AffiliateFirm, 254);
        if (!compliance.isEmpty() && !validEmail(compliance))
            ec.fail(u"company_compliance_email"_s, u"is not a valid email address"_s);
        ec.string(u"given_name"_s, !firm);
        ec.string(u"family_name"_s, !firm);
    }
    if (control && !given.contains(DisclosureContextType::ControlledFirm))
        c.fail(u"context"_s, u"name the company you control (a CONTROLLED_FIRM entry)"_s);
    if (affiliated && !given.contains(DisclosureContextType::AffiliateFirm))
        c.fail(u"context"_s, u"name the exchange or FINRA member you are affiliated with (an AFFILIATE_FIRM "
                             "entry)"_s);
    if (family && !given.contains(DisclosureContextType::ImmediateFamilyExposed))
        c.fail(u"context"_s, u"name the family member (an IMMEDIATE_FAMILY_EXPOSED entry)"_s);

    checkDocuments(errors, data.value(u"documents"_s));
    if (affiliated) {
        // FINRA rule 3210: the employer's written consent (the affiliation letter) comes with the
        // application.
        bool letter = false;
        for (const QJsonValue &d : data.value(u"documents"_s).toArray())
            letter =
                letter || d.toObject().value(u"document_type"_s).toString() == u"account_approval_letter";
        if (!letter)
            c.fail(u"documents"_s, u"attach the affiliation letter from your employer (document_type "
                                   "account_approval_letter)"_s);
    }
}

void checkAgreements(QList<FieldError> &errors, const QJsonObject &data)
{
    Checker c(errors, data, u"agreements."_s);
    c.onlyKnown(
        {u"agreements"_s, u"enabled_assets"_s, u"account_type"_s, u"account_sub_type"_s, u"currency"_s});
    const QJsonValue value = data.value(u"agreements"_s);
    QList<AgreementType> signedTypes;
    if (!value.isArray() || value.toArray().isEmpty()) {
        c.fail(u"agreements"_s, u"sign at least the customer agreement"_s);
    } else {
        const QJsonArray list = value.toArray();
        for (qsizetype n = 0; n < list.size(); ++n) {
            const QString prefix = u"agreements.agreements[%1]."_s.arg(n);
            if (!list.at(n).isObject()) {
                errors.append({prefix.chopped(1), u"must be an object"_s});
                continue;
            }
            const QJsonObject a = list.at(n).toObject();
            Checker ac(errors, a, prefix);
            // signed_at and ip_address are what the server saw, never what the client says.
            ac.onlyKnown({u"agreement"_s, u"revision"_s});
            const QString type = ac.string(u"agreement"_s, true, 64);
            ac.string(u"revision"_s, false, 32);
            if (type.isEmpty())
                continue;
            if (!exactEnum(type, &agreementTypeFromWire)) {
                ac.fail(u"agreement"_s, u"is not an agreement the broker knows"_s);
                continue;
            }
            const AgreementType t = agreementTypeFromWire(type);
            if (signedTypes.contains(t))
                ac.fail(u"agreement"_s, u"is signed twice"_s);
            signedTypes.append(t);
        }
    }
    const QString accountType = c.string(u"account_type"_s, false, 16);
    if (!accountType.isEmpty() && !exactEnum(accountType, &accountTypeFromWire))
        c.fail(u"account_type"_s, u"must be trading, custodial, donor_advised, ira or hsa"_s);
    const QString subType = c.string(u"account_sub_type"_s, false, 16);
    if (!subType.isEmpty() && accountType != u"ira")
        c.fail(u"account_sub_type"_s, u"is only for IRA accounts"_s);
    else if (!subType.isEmpty() && subType != u"traditional" && subType != u"roth")
        c.fail(u"account_sub_type"_s, u"must be traditional or roth"_s);
    const QString currency = c.string(u"currency"_s, false, 3);
    if (!currency.isEmpty() && !kCurrencies.contains(currency))
        c.fail(u"currency"_s, u"is not a currency the broker offers"_s);
    const QStringList assets = c.strings(u"enabled_assets"_s, false, 3);
    for (const QString &asset : assets) {
        if (asset != u"us_equity" && asset != u"crypto" && asset != u"us_option")
            c.fail(u"enabled_assets"_s, u"must list us_equity, crypto or us_option"_s);
    }
    const bool custodial = accountType == u"custodial";
    const AgreementType customer =
        custodial ? AgreementType::CustodialCustomerAgreement : AgreementType::CustomerAgreement;
    if (value.isArray() && !value.toArray().isEmpty() && !signedTypes.contains(customer))
        c.fail(u"agreements"_s, custodial ? u"the custodial customer agreement must be signed"_s
                                          : u"the customer agreement must be signed"_s);
    if (assets.contains(u"crypto"_s) && !signedTypes.contains(AgreementType::CryptoAgreement))
        c.fail(u"agreements"_s, u"trading crypto needs the crypto agreement"_s);
    if (assets.contains(u"us_option"_s) && !signedTypes.contains(AgreementType::OptionsAgreement))
        c.fail(u"agreements"_s, u"trading options needs the options agreement"_s);
}

} // namespace

const QList<OnboardingStep> &onboardingSteps()
{
    static const QList<OnboardingStep> all{OnboardingStep::Contact, OnboardingStep::Identity,
                                           OnboardingStep::Employment, OnboardingStep::Disclosures,
                                           OnboardingStep::Agreements};
    return all;
}

QString toString(OnboardingStep step)
{
    switch (step) {
    case OnboardingStep::Contact:
        return u"contact"_s;
    case OnboardingStep::Identity:
        return u"identity"_s;
    case OnboardingStep::Employment:
        return u"employment"_s;
    case OnboardingStep::Disclosures:
        return u"disclosures"_s;
    case OnboardingStep::Agreements:
        break;
    }
    return u"agreements"_s;
}

std::optional<OnboardingStep> onboardingStepFromString(QStringView name)
{
    for (OnboardingStep step : onboardingSteps()) {
        if (toString(step) == name)
            return step;
    }
    return std::nullopt;
}

QList<FieldError> OnboardingRules::checkStep(OnboardingStep step, const QJsonObject &data,
                                             bool taxIdOnFile) const
{
    QList<FieldError> errors;
    switch (step) {
    case OnboardingStep::Contact:
        checkContact(errors, data);
        break;
    case OnboardingStep::Identity:
        checkIdentity(errors, data, m_today, taxIdOnFile);
        break;
    case OnboardingStep::Employment:
        checkEmployment(errors, data);
        break;
    case OnboardingStep::Disclosures:
        checkDisclosures(errors, data);
        break;
    case OnboardingStep::Agreements:
        checkAgreements(errors, data);
        break;
    }
    return errors;
}

QList<FieldError> OnboardingRules::checkAcrossSteps(const QJsonObject &steps) const
{
    QList<FieldError> errors;
    const QJsonObject contact = steps.value(u"contact"_s).toObject();
    const QJsonObject identity = steps.value(u"identity"_s).toObject();
    const bool usTaxResident = identity.value(u"country_of_tax_residence"_s).toString() == u"USA";
    if (!contact.isEmpty() && (usTaxResident || contact.value(u"country"_s).toString() == u"USA") &&
        contact.value(u"state"_s).toString().trimmed().isEmpty())
        errors.append({u"contact.state"_s, u"is required for US residents"_s});
    const QString taxIdType = identity.value(u"tax_id_type"_s).toString();
    if (!identity.isEmpty() && !usTaxResident && (taxIdType == u"USA_SSN" || taxIdType == u"USA_ITIN"))
        errors.append({u"identity.tax_id_type"_s, u"a US tax id is for US tax residents; give your "
                                                  "country's tax id (or NATIONAL_ID, PASSPORT)"_s});
    return errors;
}

} // namespace clera
