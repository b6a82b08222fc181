#include "onboardingpayloads.h"

#include "core/domain/achrelationship.h"
#include "core/domain/brokeraccount.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
namespace onboarding = clera::test::onboarding;

namespace {

// Decodes `json` as `kind`; on success the value's toJson(), on failure the error.
struct Outcome
{
    std::optional<DecodeError> error;
    QJsonObject reencoded;
};

template <typename T> Outcome decodeWith(const QJsonObject &json)
{
    auto r = T::fromJson(json);
    if (!r)
        return {r.error(), {}};
    return {std::nullopt, r->toJson()};
}

Outcome decodeAs(const QString &kind, const QJsonObject &json)
{
    if (kind == u"application")
        return decodeWith<AccountApplication>(json);
    if (kind == u"account")
        return decodeWith<BrokerAccount>(json);
    if (kind == u"ach")
        return decodeWith<AchRelationship>(json);
    if (kind == u"achRequest")
        return decodeWith<AchRelationshipRequest>(json);
    qFatal("unknown kind %s", qPrintable(kind));
}

const char *kRelationship = R"({"id": "11112222-3333-4444-5555-666677778888",
  "account_id": "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a", "created_at": "2026-01-06T16:00:01.20311Z",
  "updated_at": "2026-01-06T16:00:01.20311Z", "status": "QUEUED", "account_owner_name": "Pat Lee",
  "bank_account_type": "CHECKING", "bank_account_number": "32131231abc", "bank_routing_number": "121000358",
  "nickname": "Bank of America Checking", "approval_method": "MICRO_DEPOSIT", "account_mask": "1abc"})";

// Replaces the value at a dotted path ("identity.date_of_birth", "agreements.0.signed_at"); undefined
// removes it.
QJsonValue replaced(const QJsonValue &root, QStringList path, const QJsonValue &value)
{
    const QString head = path.takeFirst();
    if (root.isArray()) {
        QJsonArray array = root.toArray();
        const int index = head.toInt();
        array[index] = path.isEmpty() ? value : replaced(array.at(index), path, value);
        return array;
    }
    QJsonObject object = root.toObject();
    if (path.isEmpty()) {
        if (value.isUndefined())
            object.remove(head);
        else
            object.insert(head, value);
    } else {
        object.insert(head, replaced(object.value(head), path, value));
    }
    return object;
}

QJsonValue jsonValue(const QByteArray &text)
{
    if (text == "<missing>")
        return QJsonValue(QJsonValue::Undefined);
    return QJsonDocument::fromJson("[" + text + "]").array().at(0);
}

} // namespace

class TestOnboardingCodecs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void applicationIsExactlyTheWire();
    void emptyApplicationSendsOnlyTheRequiredObjects();
    void roundTrip_data();
    void roundTrip();
    void referenceAccount();
    void taxIdIsNeverDecoded();
    void enums_data();
    void enums();
    void tolerated_data();
    void tolerated();
    void malformed_data();
    void malformed();
    void achRequests();
};

void TestOnboardingCodecs::applicationIsExactlyTheWire()
{
    const AccountApplication a = onboarding::fullApplication();
    QCOMPARE(a.toJson(), onboarding::json(onboarding::kFullApplicationJson));
    const auto decoded = AccountApplication::fromJson(a.toJson());
    QVERIFY(decoded.hasValue());
    QCOMPARE(*decoded, a);
}

void TestOnboardingCodecs::emptyApplicationSendsOnlyTheRequiredObjects()
{
    const QJsonObject empty{
        {u"contact"_s, QJsonObject()}, {u"identity"_s, QJsonObject()}, {u"disclosures"_s, QJsonObject()}};
    QCOMPARE(AccountApplication().toJson(), empty);
    AccountApplication a;
    a.disclosures.isControlPerson = false; // an answered "no" is sent, an unanswered one is not
    QCOMPARE(a.toJson().value(u"disclosures").toObject(), QJsonObject({{u"is_control_person"_s, false}}));
}

void TestOnboardingCodecs::roundTrip_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("payload");
    QTest::addRow("application") << u"application"_s << QByteArray(onboarding::kFullApplicationJson);
    QTest::addRow("ach relationship") << u"ach"_s << QByteArray(kRelationship);
    QTest::addRow("ach manual request")
        << u"achRequest"_s << QByteArray(R"({"account_owner_name": "Pat Lee", "bank_account_type": "SAVINGS",
                          "bank_account_number": "123456789", "bank_routing_number": "121000358",
                          "nickname": "Savings"})");
    QTest::addRow("ach plaid request")
        << u"achRequest"_s << QByteArray(R"({"processor_token": "processor-sandbox-0a1b2c",
                                                          "instant": true})");
}

void TestOnboardingCodecs::roundTrip()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, payload);
    const QJsonObject json = onboarding::json(payload.constData());
    const Outcome once = decodeAs(kind, json);
    QVERIFY2(!once.error, qPrintable(once.error ? once.error->toString() : QString()));
    if (kind != u"ach") // requests: exactly what was sent; responses add nulls for absent optionals
        QCOMPARE(once.reencoded, json);
    const Outcome twice = decodeAs(kind, once.reencoded);
    QVERIFY(!twice.error);
    QCOMPARE(twice.reencoded, once.reencoded);
}

void TestOnboardingCodecs::referenceAccount()
{
    const auto a = BrokerAccount::fromJson(onboarding::json(onboarding::kReferenceAccount));
    QVERIFY2(a.hasValue(), qPrintable(a.hasValue() ? QString() : a.error().toString()));
    QCOMPARE(a->id, u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s);
    QCOMPARE(a->accountNumber, u"904112233"_s);
    QCOMPARE(a->status, AccountStatus::Submitted);
    QCOMPARE(a->cryptoStatus, AccountStatus::Inactive);
    QCOMPARE(a->lastEquity, Decimal());
    QCOMPARE(a->createdAt.toString(), u"2026-01-05T15:04:07.118233Z"_s);
    QCOMPARE(a->accountType, AccountType::Trading);
    QVERIFY(!a->kycResults);
    QCOMPARE(a->contact->streetAddress, QStringList{u"100 Pine St"_s});
    QCOMPARE(a->identity->dateOfBirth, QDate(1988, 4, 12));
    QCOMPARE(a->identity->taxIdType, TaxIdType::UsaSsn);
    QVERIFY(!a->identity->visaType);
    QVERIFY(!a->identity->permanentResident);
    QCOMPARE(a->identity->fundingSource, QList<FundingSource>{FundingSource::Savings});
    QCOMPARE(a->disclosures->isDiscretionary, false);
    QCOMPARE(a->agreements.size(), 1);
    QCOMPARE(a->agreements.at(0).revision, u"19.2022.02"_s);
    QVERIFY(!a->trustedContact);
    QCOMPARE(a->enabledAssets, QStringList{u"us_equity"_s});
    const auto again = BrokerAccount::fromJson(a->toJson());
    QVERIFY(again.hasValue());
    QCOMPARE(*again, *a);
}

void TestOnboardingCodecs::taxIdIsNeverDecoded()
{
    QJsonObject json = onboarding::json(onboarding::kReferenceAccount);
    json = replaced(json, {u"identity"_s, u"tax_id"_s}, QString::fromLatin1(onboarding::kTaxId)).toObject();
    const auto a = BrokerAccount::fromJson(json);
    QVERIFY(a.hasValue());
    const QByteArray out = QJsonDocument(a->toJson()).toJson();
    QVERIFY(!out.contains("tax_id\""));
    QVERIFY(!out.contains(onboarding::kTaxId));
}

void TestOnboardingCodecs::enums_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("wire");
    QTest::addColumn<bool>("known");
    const auto row = [](const char *type, const char *wire, bool known) {
        QTest::addRow("%s %s", type, wire) << QString::fromLatin1(type) << QString::fromLatin1(wire) << known;
    };
    for (const char *s :
         {"USA_SSN", "USA_ITIN", "ARG_AR_CUIT", "GBR_NINO", "SGP_ASGD", "VEN_RIF", "NATIONAL_ID", "PASSPORT",
          "PERMANENT_RESIDENT", "DRIVER_LICENSE", "OTHER_GOV_ID", "NOT_SPECIFIED"})
        row("tax_id_type", s, true);
    row("tax_id_type", "USA_TIN", false);
    for (const char *s :
         {"B1", "B2", "DACA", "E1", "E2", "E3", "F1", "G4", "H1B", "J1", "L1", "O1", "TN1", "OTHER"})
        row("visa_type", s, true);
    row("visa_type", "H2A", false);
    for (const char *s :
         {"employment_income", "investments", "inheritance", "business_income", "savings", "family"})
        row("funding_source", s, true);
    row("funding_source", "lottery", false);
    for (const char *s : {"UNEMPLOYED", "EMPLOYED", "STUDENT", "RETIRED"})
        row("employment_status", s, true);
    for (const char *s : {"customer_agreement", "account_agreement", "margin_agreement", "crypto_agreement",
                          "options_agreement", "custodial_customer_agreement"})
        row("agreement", s, true);
    for (const char *s : {"identity_verification", "w8ben", "w9", "cip_result", "other"})
        row("document_type", s, true);
    for (const char *s : {"trading", "custodial", "donor_advised", "ira", "hsa"})
        row("account_type", s, true);
    for (const char *s : {"QUEUED", "APPROVED", "PENDING", "CANCEL_REQUESTED"})
        row("ach_status", s, true);
    row("ach_status", "CANCELED", false);
    for (const char *s : {"CHECKING", "SAVINGS"})
        row("bank_account_type", s, true);
    for (const char *s :
         {"ONBOARDING",    "SUBMITTED",       "RESUBMITTED",      "SUBMISSION_FAILED",  "ACTION_REQUIRED",
          "EDITED",        "ACCOUNT_UPDATED", "APPROVAL_PENDING", "REAPPROVAL_PENDING", "SIGNED_UP",
          "KYC_SUBMITTED", "LIMITED",         "AML_REVIEW",       "APPROVED",           "REJECTED",
          "ACTIVE",        "DISABLED",        "DISABLE_PENDING",  "ACCOUNT_CLOSED",     "PAPER_ONLY",
          "INACTIVE"})
        row("account_status", s, true);
    row("account_status", "FROZEN", false);
}

void TestOnboardingCodecs::enums()
{
    QFETCH(QString, type);
    QFETCH(QString, wire);
    QFETCH(bool, known);
    const auto check = [&](auto value, auto unknown) {
        QCOMPARE(value != unknown, known);
        if (known)
            QCOMPARE(toWire(value), wire);
    };
    if (type == u"tax_id_type")
        check(taxIdTypeFromWire(wire), TaxIdType::Unknown);
    else if (type == u"visa_type")
        check(visaTypeFromWire(wire), VisaType::Unknown);
    else if (type == u"funding_source")
        check(fundingSourceFromWire(wire), FundingSource::Unknown);
    else if (type == u"employment_status") {
        check(employmentStatusFromWire(wire), EmploymentStatus::Unknown);
        QCOMPARE(employmentStatusFromWire(wire.toLower()), employmentStatusFromWire(wire)); // docs' casing
    } else if (type == u"agreement")
        check(agreementTypeFromWire(wire), AgreementType::Unknown);
    else if (type == u"document_type")
        check(documentTypeFromWire(wire), DocumentType::Unknown);
    else if (type == u"account_type")
        check(accountTypeFromWire(wire), AccountType::Unknown);
    else if (type == u"ach_status")
        check(achRelationshipStatusFromWire(wire), AchRelationshipStatus::Unknown);
    else if (type == u"bank_account_type")
        check(bankAccountTypeFromWire(wire), BankAccountType::Unknown);
    else if (type == u"account_status")
        check(accountStatusFromWire(wire), AccountStatus::Unknown);
    else
        QFAIL("unknown enum");
}

// Responses Alpaca may send that must decode: nulls, unseen enum values, the alpaca-py string address.
void TestOnboardingCodecs::tolerated_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("value");
    const QString account = u"account"_s;
    QTest::addRow("account_number null") << account << u"account_number"_s << QByteArray("null");
    QTest::addRow("account_number empty") << account << u"account_number"_s << QByteArray(R"("")");
    QTest::addRow("unseen status") << account << u"status"_s << QByteArray(R"("FROZEN")");
    QTest::addRow("crypto_status null") << account << u"crypto_status"_s << QByteArray("null");
    QTest::addRow("last_equity number") << account << u"last_equity"_s << QByteArray("1032.55");
    QTest::addRow("kyc_results full")
        << account << u"kyc_results"_s
        << QByteArray(R"({"reject": {"WATCHLIST_HIT": {}}, "accept": {"IDENTITY_VERIFICATION": {}},
                          "indeterminate": {}, "additional_information": "", "summary": "fail"})");
    QTest::addRow("contact null") << account << u"contact"_s << QByteArray("null");
    QTest::addRow("no identity") << account << u"identity"_s << QByteArray("<missing>");
    QTest::addRow("unseen tax_id_type") << account << u"identity.tax_id_type"_s << QByteArray(R"("XYZ_ID")");
    QTest::addRow("income as number") << account << u"identity.annual_income_min"_s << QByteArray("50000");
    QTest::addRow("documents from Alpaca")
        << account << u"documents"_s
        << QByteArray(
               R"([{"id": "d1", "document_type": "identity_verification", "document_sub_type": "passport",
                           "content": "https://example.org/signed", "created_at": "2026-01-05T15:04:07Z"}])");
    QTest::addRow("trusted street string")
        << account << u"trusted_contact"_s
        << QByteArray(R"({"given_name": "Sam", "family_name": "Lee", "street_address": "9 Oak Ave"})");
    QTest::addRow("agreements null") << account << u"agreements"_s << QByteArray("null");
    QTest::addRow("enabled_assets null") << account << u"enabled_assets"_s << QByteArray("null");
    QTest::addRow("plaid bank type empty") << u"ach"_s << u"bank_account_type"_s << QByteArray(R"("")");
    QTest::addRow("nickname null") << u"ach"_s << u"nickname"_s << QByteArray("null");
    QTest::addRow("unseen ach status") << u"ach"_s << u"status"_s << QByteArray(R"("SUSPENDED")");
}

void TestOnboardingCodecs::tolerated()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(QByteArray, value);
    const QJsonObject base = onboarding::json(kind == u"ach" ? kRelationship : onboarding::kReferenceAccount);
    const QJsonObject json = replaced(base, path.split(u'.'), jsonValue(value)).toObject();
    const Outcome outcome = decodeAs(kind, json);
    QVERIFY2(!outcome.error, qPrintable(outcome.error ? outcome.error->toString() : QString()));
    if (path == u"status" && kind == u"account")
        QCOMPARE(BrokerAccount::fromJson(json)->status, AccountStatus::Unknown);
    if (path == u"bank_account_type")
        QVERIFY(!AchRelationship::fromJson(json)->bankAccountType);
    if (path == u"kyc_results") {
        const KycResults k = *BrokerAccount::fromJson(json)->kycResults;
        QCOMPARE(k.summary, u"fail"_s);
        QCOMPARE(k.reject, QStringList{u"WATCHLIST_HIT"_s});
        QCOMPARE(k.accept, QStringList{u"IDENTITY_VERIFICATION"_s});
        QVERIFY(k.indeterminate.isEmpty());
    }
}

void TestOnboardingCodecs::malformed_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("errorPath");
    const auto row = [](const QString &kind, const QString &path, const char *value,
                        const QString &errorPath) {
        QTest::addRow("%s %s = %s", qPrintable(kind), qPrintable(path), value)
            << kind << path << QByteArray(value) << errorPath;
    };
    const QString account = u"account"_s;
    row(account, u"id"_s, "<missing>", u"id"_s);
    row(account, u"id"_s, "42", u"id"_s);
    row(account, u"status"_s, "null", u"status"_s);
    row(account, u"status"_s, "7", u"status"_s);
    row(account, u"created_at"_s, R"("yesterday")", u"created_at"_s);
    row(account, u"last_equity"_s, R"("12,5")", u"last_equity"_s);
    row(account, u"kyc_results"_s, R"("pass")", u"kyc_results"_s);
    row(account, u"kyc_results"_s, R"({"reject": []})", u"kyc_results.reject"_s);
    row(account, u"contact"_s, "[]", u"contact"_s);
    row(account, u"contact.street_address"_s, "5", u"contact.street_address"_s);
    row(account, u"contact.street_address"_s, "[1]", u"contact.street_address"_s);
    row(account, u"identity.date_of_birth"_s, R"("12/04/1988")", u"identity.date_of_birth"_s);
    row(account, u"identity.funding_source"_s, R"("savings")", u"identity.funding_source"_s);
    row(account, u"identity.permanent_resident"_s, R"("no")", u"identity.permanent_resident"_s);
    row(account, u"identity.annual_income_min"_s, R"("lots")", u"identity.annual_income_min"_s);
    row(account, u"disclosures.is_control_person"_s, R"("false")", u"disclosures.is_control_person"_s);
    row(account, u"agreements"_s, "{}", u"agreements"_s);
    row(account, u"agreements.0.signed_at"_s, R"("2026-13-05T15:04:05Z")", u"agreements[0].signed_at"_s);
    row(account, u"agreements.0.agreement"_s, "<missing>", u"agreements[0].agreement"_s);
    row(account, u"enabled_assets"_s, R"("us_equity")", u"enabled_assets"_s);
    row(u"application"_s, u"identity.tax_id"_s, "123456789", u"identity.tax_id"_s);
    row(u"application"_s, u"disclosures.context.0.context_type"_s, "<missing>",
        u"disclosures.context[0].context_type"_s);
    row(u"application"_s, u"documents.0"_s, R"("JVBERi0=")", u"documents[0]"_s);
    row(u"application"_s, u"identity.visa_expiration_date"_s, R"("2027-02-30")",
        u"identity.visa_expiration_date"_s);
    row(u"ach"_s, u"id"_s, "<missing>", u"id"_s);
    row(u"ach"_s, u"status"_s, "<missing>", u"status"_s);
    row(u"ach"_s, u"created_at"_s, "null", u"created_at"_s);
    row(u"ach"_s, u"bank_account_number"_s, "123456", u"bank_account_number"_s);
    row(u"achRequest"_s, u"instant"_s, R"("yes")", u"instant"_s);
}

void TestOnboardingCodecs::malformed()
{
    QFETCH(QString, kind);
    QFETCH(QString, path);
    QFETCH(QByteArray, value);
    QFETCH(QString, errorPath);
    const char *base = kind == u"account"       ? onboarding::kReferenceAccount
                       : kind == u"application" ? onboarding::kFullApplicationJson
                       : kind == u"ach"         ? kRelationship
                                                : R"({"processor_token": "processor-sandbox-1"})";
    const QJsonObject json = replaced(onboarding::json(base), path.split(u'.'), jsonValue(value)).toObject();
    const Outcome outcome = decodeAs(kind, json);
    QVERIFY(outcome.error.has_value());
    QCOMPARE(outcome.error->path, errorPath);
    QVERIFY(!outcome.error->message.isEmpty());
}

void TestOnboardingCodecs::achRequests()
{
    const auto manual = AchRelationshipRequest::manual(u"Pat Lee"_s, BankAccountType::Checking,
                                                       u"123456789"_s, u"121000358"_s);
    QCOMPARE(manual.toJson(), QJsonObject({{u"account_owner_name"_s, u"Pat Lee"_s},
                                           {u"bank_account_type"_s, u"CHECKING"_s},
                                           {u"bank_account_number"_s, u"123456789"_s},
                                           {u"bank_routing_number"_s, u"121000358"_s}}));
    QCOMPARE(AchRelationshipRequest::plaid(u"processor-sandbox-1"_s).toJson(),
             QJsonObject({{u"processor_token"_s, u"processor-sandbox-1"_s}}));
}

QTEST_GUILESS_MAIN(TestOnboardingCodecs)
#include "tst_onboardingcodecs.moc"
