#include "brokeraccount.h"

#include "jsoncodec_p.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QStringList keysOf(JsonReader &r, QStringView key)
{
    const std::optional<QJsonObject> object = r.optObject(key);
    return object ? object->keys() : QStringList();
}

QJsonValue keyedObject(const QStringList &keys)
{
    QJsonObject json;
    for (const QString &k : keys)
        json.insert(k, QJsonObject());
    return json;
}

template <typename T> QJsonValue orNull(const std::optional<T> &part)
{
    return part ? QJsonValue(part->toJson()) : QJsonValue(QJsonValue::Null);
}

template <typename T> QJsonArray arrayOf(const QList<T> &items)
{
    QJsonArray out;
    for (const T &item : items)
        out.append(item.toJson());
    return out;
}

} // namespace

Expected<KycResults, DecodeError> KycResults::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    KycResults k;
    k.summary = r.optString(u"summary");
    k.reject = keysOf(r, u"reject");
    k.accept = keysOf(r, u"accept");
    k.indeterminate = keysOf(r, u"indeterminate");
    k.additionalInformation = r.optString(u"additional_information");
    return r.finish(std::move(k));
}

QJsonObject KycResults::toJson() const
{
    return QJsonObject{
        {u"reject"_s, keyedObject(reject)},
        {u"accept"_s, keyedObject(accept)},
        {u"indeterminate"_s, keyedObject(indeterminate)},
        {u"additional_information"_s, jsonString(additionalInformation)},
        {u"summary"_s, jsonString(summary)},
    };
}

Expected<BrokerAccount, DecodeError> BrokerAccount::fromJson(const QJsonObject &json, const QString &path)
{
    JsonReader r(json, path);
    BrokerAccount a;
    a.id = r.string(u"id");
    a.accountNumber = r.optString(u"account_number");
    a.status = accountStatusFromWire(r.string(u"status"));
    a.cryptoStatus = detail::optEnum(r, u"crypto_status", &accountStatusFromWire);
    a.currency = r.optString(u"currency");
    a.lastEquity = r.optDecimal(u"last_equity");
    a.createdAt = r.timestamp(u"created_at");
    a.accountType = detail::optEnum(r, u"account_type", &accountTypeFromWire);
    a.accountSubType = r.optString(u"account_sub_type");
    a.kycResults = detail::nestedObject<KycResults>(r, u"kyc_results");
    a.contact = detail::nestedObject<AccountContact>(r, u"contact");
    a.identity = detail::nestedObject<AccountIdentity>(r, u"identity");
    a.disclosures = detail::nestedObject<AccountDisclosures>(r, u"disclosures");
    a.agreements = detail::nestedList<AccountAgreement>(r, u"agreements");
    a.documents = detail::nestedList<AccountDocument>(r, u"documents");
    a.trustedContact = detail::nestedObject<TrustedContact>(r, u"trusted_contact");
    a.enabledAssets = r.stringList(u"enabled_assets");
    return r.finish(std::move(a));
}

QJsonObject BrokerAccount::toJson() const
{
    QJsonObject json{
        {u"id"_s, id},
        {u"account_number"_s, accountNumber},
        {u"status"_s, toWire(status)},
        {u"crypto_status"_s, cryptoStatus ? QJsonValue(toWire(*cryptoStatus)) : QJsonValue(QJsonValue::Null)},
        {u"currency"_s, jsonString(currency)},
        {u"last_equity"_s, jsonDecimal(lastEquity)},
        {u"created_at"_s, createdAt.toString()},
        {u"account_type"_s, accountType ? QJsonValue(toWire(*accountType)) : QJsonValue(QJsonValue::Null)},
        {u"kyc_results"_s, orNull(kycResults)},
        {u"contact"_s, orNull(contact)},
        {u"identity"_s, orNull(identity)},
        {u"disclosures"_s, orNull(disclosures)},
        {u"agreements"_s, arrayOf(agreements)},
        {u"documents"_s, arrayOf(documents)},
        {u"trusted_contact"_s, orNull(trustedContact)},
        {u"enabled_assets"_s, QJsonArray::fromStringList(enabledAssets)},
    };
    detail::putString(json, u"account_sub_type"_s, accountSubType);
    return json;
}

} // namespace clera
