#include "accountapplication.h"

#include "jsoncodec_p.h"
#include "wireenum_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr auto kAccountTypes = std::to_array<detail::WireName<AccountType>>({
    {AccountType::Trading, u"trading"},
    {AccountType::Custodial, u"custodial"},
    {AccountType::DonorAdvised, u"donor_advised"},
    {AccountType::Ira, u"ira"},
    {AccountType::Hsa, u"hsa"},
});

} // namespace

QString toWire(AccountType v)
{
    return detail::wireName(kAccountTypes, v, u"unknown");
}

AccountType accountTypeFromWire(QStringView s)
{
    return detail::enumFromWire(kAccountTypes, s, AccountType::Unknown);
}

Expected<AccountApplication, DecodeError> AccountApplication::fromJson(const QJsonObject &json,
                                                                       const QString &path)
{
    JsonReader r(json, path);
    AccountApplication a;
    a.contact = detail::nestedObject<AccountContact>(r, u"contact").value_or(AccountContact());
    a.identity = detail::nestedObject<AccountIdentity>(r, u"identity").value_or(AccountIdentity());
    if (const auto identity = r.optObject(u"identity")) {
        JsonReader ir(*identity, r.pathOf(u"identity"));
        a.taxId = ir.optString(u"tax_id");
        if (ir.error())
            r.fail(*ir.error());
    }
    a.disclosures =
        detail::nestedObject<AccountDisclosures>(r, u"disclosures").value_or(AccountDisclosures());
    a.agreements = detail::nestedList<AccountAgreement>(r, u"agreements");
    a.documents = detail::nestedList<AccountDocument>(r, u"documents");
    a.trustedContact = detail::nestedObject<TrustedContact>(r, u"trusted_contact");
    a.accountType = detail::optEnum(r, u"account_type", &accountTypeFromWire);
    a.accountSubType = r.optString(u"account_sub_type");
    a.enabledAssets = r.stringList(u"enabled_assets");
    a.currency = r.optString(u"currency");
    a.additionalInformation = r.optString(u"additional_information");
    return r.finish(std::move(a));
}

QJsonObject AccountApplication::toJson() const
{
    using namespace detail;
    QJsonObject identityJson = identity.toJson();
    putString(identityJson, u"tax_id"_s, taxId);
    QJsonObject json{
        {u"contact"_s, contact.toJson()},
        {u"identity"_s, identityJson},
        {u"disclosures"_s, disclosures.toJson()},
    };
    putObjects(json, u"agreements"_s, agreements);
    putObjects(json, u"documents"_s, documents);
    if (trustedContact)
        json.insert(u"trusted_contact"_s, trustedContact->toJson());
    putEnum(json, u"account_type"_s, accountType);
    putString(json, u"account_sub_type"_s, accountSubType);
    putStrings(json, u"enabled_assets"_s, enabledAssets);
    putString(json, u"currency"_s, currency);
    putString(json, u"additional_information"_s, additionalInformation);
    return json;
}

} // namespace clera
