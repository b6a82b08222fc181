#include "fakeapplicationrules.h"

#include "core/domain/accountapplication.h"

#include <QHostAddress>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr qint64 kMalformed = 40010000;
constexpr qint64 kValidation = 40010001;
constexpr qsizetype kMaxDocumentBytes = 10 * 1024 * 1024;

// Exact spelling (Alpaca's enums are case-sensitive; the client's decoders are tolerant).
template <typename E> bool exactEnum(const QString &text, E (*fromWire)(QStringView))
{
    const E value = fromWire(text);
    return value != E::Unknown && toWire(value) == text;
}

bool isCountry(const QString &s)
{
    if (s.size() != 3)
        return false;
    for (const QChar c : s) {
        if (c < u'A' || c > u'Z')
            return false;
    }
    return true;
}

bool isDecimal(const QJsonValue &v)
{
    return v.isDouble() || (v.isString() && Decimal::parse(v.toString()).hasValue());
}

// Collects the first problem; later checks are no-ops.
class Rules
{
public:
    explicit Rules(bool partial) : m_partial(partial) {}

    [[nodiscard]] const std::optional<FakeAlpacaBook::Reply> &result() const { return m_error; }
    [[nodiscard]] bool failed() const { return m_error.has_value(); }

    void malformed(const QString &field, const QString &what)
    {
        if (!m_error)
            m_error = FakeAlpacaBook::error(400, kMalformed, u"%1 %2"_s.arg(field, what));
    }
    void invalid(const QString &field, const QString &what)
    {
        if (!m_error)
            m_error = FakeAlpacaBook::error(422, kValidation, u"%1 %2"_s.arg(field, what));
    }

    // A present value of the wrong JSON type is malformed; absent (or null) is fine unless required.
    bool present(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty())) {
            if (required && !m_partial)
                invalid(prefix + key, u"is required"_s);
            return false;
        }
        return true;
    }
    QString string(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        if (!present(o, prefix, key, required))
            return {};
        const QJsonValue v = o.value(key);
        if (!v.isString()) {
            malformed(prefix + key, u"must be a string"_s);
            return {};
        }
        return v.toString();
    }
    std::optional<bool> boolean(const QJsonObject &o, const QString &prefix, const QString &key,
                                bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required && !m_partial)
                invalid(prefix + key, u"is required"_s);
            return std::nullopt;
        }
        if (!v.isBool()) {
            malformed(prefix + key, u"must be a boolean"_s);
            return std::nullopt;
        }
        return v.toBool();
    }
    QStringList strings(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required && !m_partial)
                invalid(prefix + key, u"is required"_s);
            return {};
        }
        if (!v.isArray()) {
            malformed(prefix + key, u"must be an array of strings"_s);
            return {};
        }
        QStringList out;
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString()) {
                malformed(prefix + key, u"must be an array of strings"_s);
                return {};
            }
            out.append(item.toString());
        }
        if (out.isEmpty() && required && !m_partial)
            invalid(prefix + key, u"must not be empty"_s);
        return out;
    }
    void date(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        const QString text = string(o, prefix, key, required);
        if (!text.isEmpty() && (text.size() != 10 || !parseIsoDate(text)))
            invalid(prefix + key, u"must be a date (YYYY-MM-DD)"_s);
    }
    void country(const QJsonObject &o, const QString &prefix, const QString &key, bool required)
    {
        const QString text = string(o, prefix, key, required);
        if (!text.isEmpty() && !isCountry(text))
            invalid(prefix + key, u"must be an ISO 3166-1 alpha-3 country code"_s);
    }
    std::optional<QJsonObject> object(const QJsonObject &o, const QString &key, bool required)
    {
        const QJsonValue v = o.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required && !m_partial)
                invalid(key, u"is required"_s);
            return std::nullopt;
        }
        if (!v.isObject()) {
            malformed(key, u"must be an object"_s);
            return std::nullopt;
        }
        return v.toObject();
    }

    void contact(const QJsonObject &c, bool usResident)
    {
        const QString p = u"contact."_s;
        const QString email = string(c, p, u"email_address"_s, true);
        if (!email.isEmpty() && (!email.contains(u'@') || email.startsWith(u'@') || email.endsWith(u'@')))
            invalid(p + u"email_address", u"is not a valid email address"_s);
        string(c, p, u"phone_number"_s, true);
        const QStringList street = strings(c, p, u"street_address"_s, true);
        if (street.size() > 3)
            invalid(p + u"street_address", u"must have at most 3 lines"_s);
        string(c, p, u"unit"_s, false);
        string(c, p, u"city"_s, true);
        string(c, p, u"postal_code"_s, false);
        country(c, p, u"country"_s, false);
        const bool us = usResident || c.value(u"country").toString() == u"USA";
        string(c, p, u"state"_s, us);
    }

    void identity(const QJsonObject &i)
    {
        const QString p = u"identity."_s;
        string(i, p, u"given_name"_s, true);
        string(i, p, u"middle_name"_s, false);
        string(i, p, u"family_name"_s, true);
        date(i, p, u"date_of_birth"_s, true);
        const QString taxIdType = string(i, p, u"tax_id_type"_s, false);
        if (!taxIdType.isEmpty() && !exactEnum(taxIdType, &taxIdTypeFromWire))
            invalid(p + u"tax_id_type", u"is invalid"_s);
        string(i, p, u"tax_id"_s, !taxIdType.isEmpty());
        country(i, p, u"country_of_citizenship"_s, false);
        country(i, p, u"country_of_birth"_s, false);
        country(i, p, u"country_of_tax_residence"_s, true);
        const QString visa = string(i, p, u"visa_type"_s, false);
        if (!visa.isEmpty() && !exactEnum(visa, &visaTypeFromWire))
            invalid(p + u"visa_type", u"is invalid"_s);
        date(i, p, u"visa_expiration_date"_s, !visa.isEmpty());
        date(i, p, u"date_of_departure_from_usa"_s, visa == u"B1" || visa == u"B2");
        boolean(i, p, u"permanent_resident"_s, false);
        const QStringList sources = strings(i, p, u"funding_source"_s, true);
        for (const QString &s : sources) {
            if (!exactEnum(s, &fundingSourceFromWire))
                invalid(p + u"funding_source", u"has an invalid value: "_s + s);
        }
        for (const QString &key :
             {u"annual_income_min"_s, u"annual_income_max"_s, u"liquid_net_worth_min"_s,
              u"liquid_net_worth_max"_s, u"total_net_worth_min"_s, u"total_net_worth_max"_s}) {
            const QJsonValue v = i.value(key);
            if (!v.isUndefined() && !v.isNull() && !isDecimal(v))
                invalid(p + key, u"must be a number"_s);
        }
    }

    void disclosures(const QJsonObject &d)
    {
        const QString p = u"disclosures."_s;
        for (const QString &key : {u"is_control_person"_s, u"is_affiliated_exchange_or_finra"_s,
                                   u"is_politically_exposed"_s, u"immediate_family_exposed"_s})
            boolean(d, p, key, true);
        const QString employment = string(d, p, u"employment_status"_s, false);
        // The docs spell it lowercase, alpaca-py UPPERCASE: either is accepted.
        if (!employment.isEmpty() && employmentStatusFromWire(employment) == EmploymentStatus::Unknown)
            invalid(p + u"employment_status", u"is invalid"_s);
        string(d, p, u"employer_name"_s, false);
        string(d, p, u"employer_address"_s, false);
        string(d, p, u"employment_position"_s, false);
        const QJsonValue context = d.value(u"context");
        if (context.isUndefined() || context.isNull())
            return;
        if (!context.isArray())
            return malformed(p + u"context", u"must be an array"_s);
        const QJsonArray entries = context.toArray();
        for (qsizetype n = 0; n < entries.size(); ++n) {
            const QString q = p + u"context[%1]."_s.arg(n);
            if (!entries.at(n).isObject())
                return malformed(q.chopped(1), u"must be an object"_s);
            const QJsonObject e = entries.at(n).toObject();
            const QString type = string(e, q, u"context_type"_s, true);
            if (!type.isEmpty() && !exactEnum(type, &disclosureContextTypeFromWire))
                invalid(q + u"context_type", u"is invalid"_s);
            const bool firm = type != u"IMMEDIATE_FAMILY_EXPOSED";
            string(e, q, u"company_name"_s, firm);
            strings(e, q, u"company_street_address"_s, false);
            country(e, q, u"company_country"_s, false);
            string(e, q, u"company_compliance_email"_s, false);
            string(e, q, u"given_name"_s, !firm);
            string(e, q, u"family_name"_s, !firm);
        }
    }

    void agreements(const QJsonValue &value)
    {
        if (value.isUndefined() || value.isNull())
            return invalid(u"agreements"_s, u"is required"_s);
        if (!value.isArray())
            return malformed(u"agreements"_s, u"must be an array"_s);
        const QJsonArray list = value.toArray();
        if (list.isEmpty())
            return invalid(u"agreements"_s, u"must not be empty"_s);
        for (qsizetype n = 0; n < list.size(); ++n) {
            const QString p = u"agreements[%1]."_s.arg(n);
            if (!list.at(n).isObject())
                return malformed(p.chopped(1), u"must be an object"_s);
            const QJsonObject a = list.at(n).toObject();
            const QString agreement = string(a, p, u"agreement"_s, true);
            if (!agreement.isEmpty() && !exactEnum(agreement, &agreementTypeFromWire))
                invalid(p + u"agreement", u"is invalid"_s);
            const QString signedAt = string(a, p, u"signed_at"_s, true);
            if (!signedAt.isEmpty() && !Timestamp::parse(signedAt))
                invalid(p + u"signed_at", u"must be an RFC 3339 timestamp"_s);
            const QString ip = string(a, p, u"ip_address"_s, true);
            if (!ip.isEmpty() && QHostAddress(ip).protocol() != QAbstractSocket::IPv4Protocol)
                invalid(p + u"ip_address", u"must be an IPv4 address"_s);
            string(a, p, u"revision"_s, false);
        }
    }

    void documents(const QJsonValue &value)
    {
        if (value.isUndefined() || value.isNull())
            return;
        if (!value.isArray())
            return malformed(u"documents"_s, u"must be an array"_s);
        const QJsonArray list = value.toArray();
        for (qsizetype n = 0; n < list.size(); ++n) {
            const QString p = u"documents[%1]."_s.arg(n);
            if (!list.at(n).isObject())
                return malformed(p.chopped(1), u"must be an object"_s);
            const QJsonObject d = list.at(n).toObject();
            const QString type = string(d, p, u"document_type"_s, true);
            if (!type.isEmpty() && !exactEnum(type, &documentTypeFromWire))
                invalid(p + u"document_type", u"is invalid"_s);
            string(d, p, u"document_sub_type"_s, false);
            const QString mime = string(d, p, u"mime_type"_s, true);
            if (!mime.isEmpty() && mime != u"application/pdf" && mime != u"image/png" &&
                mime != u"image/jpeg" && mime != u"application/json")
                invalid(p + u"mime_type", u"is invalid"_s);
            const bool structured = mime == u"application/json" && d.value(u"content_data").isObject();
            const QString content = string(d, p, u"content"_s, !structured);
            if (content.isEmpty())
                continue;
            const auto decoded =
                QByteArray::fromBase64Encoding(content.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                invalid(p + u"content", u"must be base64"_s);
            else if (decoded.decoded.size() > kMaxDocumentBytes)
                invalid(p + u"content", u"is larger than 10 MB"_s);
        }
    }

    void trustedContact(const QJsonObject &t)
    {
        const QString p = u"trusted_contact."_s;
        string(t, p, u"given_name"_s, true);
        string(t, p, u"family_name"_s, true);
        const QString email = string(t, p, u"email_address"_s, false);
        const QString phone = string(t, p, u"phone_number"_s, false);
        // An array in the OpenAPI spec, a string in alpaca-py: both accepted.
        const QJsonValue street = t.value(u"street_address");
        const bool hasStreet = street.isArray() ? !street.toArray().isEmpty()
                                                : (street.isString() && !street.toString().isEmpty());
        if (!street.isUndefined() && !street.isNull() && !street.isArray() && !street.isString())
            malformed(p + u"street_address", u"must be an array of strings"_s);
        if (!m_partial && email.isEmpty() && phone.isEmpty() && !hasStreet)
            invalid(u"trusted_contact"_s, u"needs an email_address, phone_number or street_address"_s);
        if (hasStreet) {
            string(t, p, u"city"_s, true);
            string(t, p, u"postal_code"_s, true);
            country(t, p, u"country"_s, true);
        }
    }

private:
    bool m_partial;
    std::optional<FakeAlpacaBook::Reply> m_error;
};

} // namespace

std::optional<FakeAlpacaBook::Reply> checkAccountApplication(const QJsonObject &body)
{
    Rules rules(false);
    const auto contact = rules.object(body, u"contact"_s, true);
    const auto identity = rules.object(body, u"identity"_s, true);
    const auto disclosures = rules.object(body, u"disclosures"_s, true);
    if (rules.failed())
        return rules.result();
    rules.identity(*identity);
    rules.contact(*contact, identity->value(u"country_of_tax_residence").toString() == u"USA");
    rules.disclosures(*disclosures);
    rules.agreements(body.value(u"agreements"));
    rules.documents(body.value(u"documents"));
    if (const auto trusted = rules.object(body, u"trusted_contact"_s, false))
        rules.trustedContact(*trusted);
    const QString accountType = rules.string(body, {}, u"account_type"_s, false);
    if (!accountType.isEmpty() && !exactEnum(accountType, &accountTypeFromWire))
        rules.invalid(u"account_type"_s, u"is invalid"_s);
    const QString subType = rules.string(body, {}, u"account_sub_type"_s, false);
    if (!subType.isEmpty() && (accountType != u"ira" || (subType != u"traditional" && subType != u"roth")))
        rules.invalid(u"account_sub_type"_s, u"is invalid"_s);
    for (const QString &asset : rules.strings(body, {}, u"enabled_assets"_s, false)) {
        if (asset != u"us_equity" && asset != u"crypto" && asset != u"us_option")
            rules.invalid(u"enabled_assets"_s, u"has an invalid value: "_s + asset);
    }
    rules.string(body, {}, u"currency"_s, false);
    rules.string(body, {}, u"additional_information"_s, false);
    return rules.result();
}

std::optional<FakeAlpacaBook::Reply> checkAccountPatch(const QJsonObject &body)
{
    Rules rules(true);
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString &key = it.key();
        if (key != u"contact" && key != u"identity" && key != u"disclosures" && key != u"trusted_contact")
            return FakeAlpacaBook::error(422, kValidation, u"attribute %1 is not updatable"_s.arg(key));
    }
    if (const auto contact = rules.object(body, u"contact"_s, false))
        rules.contact(*contact, false);
    if (const auto identity = rules.object(body, u"identity"_s, false))
        rules.identity(*identity);
    if (const auto disclosures = rules.object(body, u"disclosures"_s, false))
        rules.disclosures(*disclosures);
    if (const auto trusted = rules.object(body, u"trusted_contact"_s, false))
        rules.trustedContact(*trusted);
    return rules.result();
}

} // namespace clera::fake
