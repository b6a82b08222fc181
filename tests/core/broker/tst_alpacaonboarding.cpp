#include "core/broker/alpacabroker.h"
#include "fakes/rest/fakealpacaevents.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include "../domain/onboardingpayloads.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QSignalSpy>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using namespace clera;
using clera::fake::FakeAlpacaEvents;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;
namespace onboarding = clera::test::onboarding;

namespace {

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("broker call did not finish");
    return f.result();
}

template <typename T> QString why(const BrokerResult<T> &r)
{
    return r.hasValue() ? QString() : r.error().kindName() + u": " + r.error().message;
}

FakeFault answer(const QJsonValue &body)
{
    FakeFault f = FakeFault::respond(200);
    f.body = body;
    return f;
}

// Every message logged while a test runs, to prove the tax id never reaches a log.
QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler && type != QtDebugMsg)
        g_previousHandler(type, context, message);
}

using Change = std::function<void(AccountApplication &)>;

// Ways to spoil the full application, by name (data-driven rows name them).
const QHash<QString, Change> &spoilers()
{
    static const QHash<QString, Change> changes{
        {u"no email"_s, [](AccountApplication &a) { a.contact.emailAddress.clear(); }},
        {u"no phone"_s, [](AccountApplication &a) { a.contact.phoneNumber.clear(); }},
        {u"four street lines"_s, [](AccountApplication &a) { a.contact.streetAddress << u"a"_s << u"b"_s; }},
        {u"no state in the USA"_s, [](AccountApplication &a) { a.contact.state.clear(); }},
        {u"country not alpha-3"_s, [](AccountApplication &a) { a.contact.country = u"US"_s; }},
        {u"no date of birth"_s, [](AccountApplication &a) { a.identity.dateOfBirth.reset(); }},
        {u"tax id type without tax id"_s, [](AccountApplication &a) { a.taxId.clear(); }},
        {u"unknown tax id type"_s, [](AccountApplication &a) { a.identity.taxIdType = TaxIdType::Unknown; }},
        {u"visa without expiry"_s, [](AccountApplication &a) { a.identity.visaExpirationDate.reset(); }},
        {u"B1 without departure"_s,
         [](AccountApplication &a) {
             a.identity.visaType = VisaType::B1;
             a.identity.dateOfDepartureFromUsa.reset();
         }},
        {u"no funding source"_s, [](AccountApplication &a) { a.identity.fundingSource.clear(); }},
        {u"unanswered disclosure"_s,
         [](AccountApplication &a) { a.disclosures.isPoliticallyExposed.reset(); }},
        {u"no agreements"_s, [](AccountApplication &a) { a.agreements.clear(); }},
        {u"bad ip"_s, [](AccountApplication &a) { a.agreements[0].ipAddress = u"300.1.2.3"_s; }},
        {u"document not base64"_s, [](AccountApplication &a) { a.documents[0].content = u"not base64!"_s; }},
        {u"unreachable trusted contact"_s,
         [](AccountApplication &a) {
             a.trustedContact->emailAddress.clear();
             a.trustedContact->phoneNumber.clear();
             a.trustedContact->streetAddress.clear();
         }},
    };
    return changes;
}

} // namespace

class TestAlpacaOnboarding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void applicationReachesAlpacaWithEveryField();
    void referenceAccountDecodes();
    void duplicateEmailIsTypedAndNotRetried();
    void validationErrorsKeepAlpacasCodeAndMessage_data();
    void validationErrorsKeepAlpacasCodeAndMessage();
    void malformedBodyIs400();
    void fixtureStatuses_data();
    void fixtureStatuses();
    void statusEventsBecomeSignals();
    void activeAccountFundsAndTrades();
    void listQueryStatusAndEntities();
    void updateAndClose();
    void manualAchRelationship();
    void plaidAchRelationship();
    void transferCancel();
    void malformedAnswersAreDecodeErrors_data();
    void malformedAnswersAreDecodeErrors();
    void taxIdNeverInAnyResponseOrLog();

private:
    [[nodiscard]] std::unique_ptr<AlpacaBroker> broker() const;
    [[nodiscard]] QString createActive(AlpacaBroker &b, const QString &email);

    std::unique_ptr<FakeAlpacaRest> m_fake;
    QString m_seeded;
};

std::unique_ptr<AlpacaBroker> TestAlpacaOnboarding::broker() const
{
    AlpacaOptions o;
    o.baseUrl = m_fake->baseUrl();
    o.keyId = m_fake->brokerCredentials().keyId;
    o.secret = m_fake->brokerCredentials().secret;
    o.timeout = 3000ms;
    o.retry.baseDelay = 10ms;
    o.retry.maxDelay = 40ms;
    return std::make_unique<AlpacaBroker>(o);
}

QString TestAlpacaOnboarding::createActive(AlpacaBroker &b, const QString &email)
{
    const auto created = take(b.createAccount(onboarding::fullApplication(email)));
    if (!created)
        qFatal("createAccount failed: %s", qPrintable(why(created)));
    const QString id = created->id;
    if (!QTest::qWaitFor([&] { return m_fake->onboarding().status(id) == u"ACTIVE"; }, 5000))
        qFatal("account did not become ACTIVE");
    return id;
}

void TestAlpacaOnboarding::init()
{
    m_fake = std::make_unique<FakeAlpacaRest>();
    QVERIFY(m_fake->listen() != 0);
    m_seeded = m_fake->seedAccount(Decimal(1000));
}

void TestAlpacaOnboarding::cleanup()
{
    m_fake.reset();
}

void TestAlpacaOnboarding::applicationReachesAlpacaWithEveryField()
{
    auto b = broker();
    const auto created = take(b->createAccount(onboarding::fullApplication()));
    QVERIFY2(created.hasValue(), qPrintable(why(created)));

    const auto posts = m_fake->requests("POST", u"/v1/accounts"_s);
    QCOMPARE(posts.size(), 1);
    QCOMPARE(posts.at(0).path, u"/v1/accounts"_s);
    QCOMPARE(posts.at(0).header("Content-Type"), QByteArray("application/json"));
    // Field for field, with Alpaca's own names: employment, net worth, visa, documents and the trusted
    // contact included.
    QCOMPARE(posts.at(0).json(), onboarding::json(onboarding::kFullApplicationJson));
    for (const char *name : {"\"employment_status\"", "\"liquid_net_worth_max\"", "\"visa_expiration_date\"",
                             "\"date_of_departure_from_usa\"", "\"document_sub_type\"", "\"trusted_contact\"",
                             "\"company_compliance_email\"", "\"tax_id\":\"123-45-6789\""})
        QVERIFY2(posts.at(0).body.contains(name), name);

    const BrokerAccount &a = *created;
    QCOMPARE(a.status, AccountStatus::Submitted);
    QVERIFY(a.accountNumber.isEmpty()); // assigned on approval
    QCOMPARE(a.contact->streetAddress, (QStringList{u"100 Pine St"_s, u"Floor 3"_s}));
    QCOMPARE(a.identity->visaType, VisaType::H1b);
    QCOMPARE(a.identity->liquidNetWorthMax, Decimal(49999));
    QCOMPARE(a.disclosures->employmentStatus, EmploymentStatus::Employed);
    QCOMPARE(a.disclosures->context.size(), 1);
    QCOMPARE(a.agreements.size(), 2);
    QCOMPARE(a.agreements.at(1).revision, u"19.2022.02"_s); // Alpaca fills the current revision
    QCOMPARE(a.documents.size(), 1);
    QVERIFY(!a.documents.at(0).id.isEmpty());
    QVERIFY(a.documents.at(0).content.startsWith(u"https://")); // a signed URL, not the upload
    QCOMPARE(a.trustedContact->emailAddress, u"sam.lee@example.org"_s);
    QCOMPARE(a.enabledAssets, (QStringList{u"us_equity"_s, u"crypto"_s}));

    QTRY_COMPARE(m_fake->onboarding().status(a.id), u"ACTIVE"_s);
    const auto active = take(b->brokerAccount(a.id));
    QVERIFY2(active.hasValue(), qPrintable(why(active)));
    QCOMPARE(active->status, AccountStatus::Active);
    QCOMPARE(active->cryptoStatus, AccountStatus::Active);
    QVERIFY(!active->accountNumber.isEmpty());
    QCOMPARE(active->kycResults->summary, u"pass"_s);
    QVERIFY(active->kycResults->accept.contains(u"IDENTITY_VERIFICATION"_s));
    QCOMPARE(active->identity, a.identity);
}

void TestAlpacaOnboarding::referenceAccountDecodes()
{
    m_fake->injectFault(
        answer(onboarding::json(onboarding::kReferenceAccount)).on("GET", u"/v1/accounts/"_s));
    auto b = broker();
    const auto a = take(b->brokerAccount(u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s));
    QVERIFY2(a.hasValue(), qPrintable(why(a)));
    QCOMPARE(a->accountNumber, u"904112233"_s);
    QCOMPARE(a->status, AccountStatus::Submitted);
    QCOMPARE(a->identity->taxIdType, TaxIdType::UsaSsn);
    QVERIFY(!a->identity->visaType);
    QVERIFY(!a->kycResults);
    QVERIFY(!a->trustedContact);
}

void TestAlpacaOnboarding::duplicateEmailIsTypedAndNotRetried()
{
    auto b = broker();
    QVERIFY(take(b->createAccount(onboarding::fullApplication())).hasValue());
    m_fake->clearRequests();
    const auto again = take(b->createAccount(onboarding::fullApplication(u"PAT.LEE@example.org"_s)));
    QVERIFY(!again.hasValue());
    QCOMPARE(again.error().kind, BrokerError::Kind::EmailAlreadyRegistered);
    QCOMPARE(again.error().httpStatus, 409);
    QCOMPARE(again.error().code, 40910000);
    QVERIFY(again.error().message.contains(u"email address already exists"_s));
    QCOMPARE(m_fake->requests("POST", u"/v1/accounts"_s).size(), 1);

    // An ambiguous failure is not retried either: the application may have arrived.
    m_fake->injectFault(FakeFault::respond(503, 3).on("POST", u"/v1/accounts"_s));
    const auto unavailable = take(b->createAccount(onboarding::fullApplication(u"kim@example.org"_s)));
    QCOMPARE(unavailable.error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(m_fake->requests("POST", u"/v1/accounts"_s).size(), 2);
}

void TestAlpacaOnboarding::validationErrorsKeepAlpacasCodeAndMessage_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("message");
    const auto row = [](const QString &change, const QString &message) {
        QTest::addRow("%s", qPrintable(change)) << change << message;
    };
    row(u"no email"_s, u"contact.email_address is required"_s);
    row(u"no phone"_s, u"contact.phone_number is required"_s);
    row(u"four street lines"_s, u"contact.street_address must have at most 3 lines"_s);
    row(u"no state in the USA"_s, u"contact.state is required"_s);
    row(u"country not alpha-3"_s, u"contact.country must be an ISO 3166-1 alpha-3 country code"_s);
    row(u"no date of birth"_s, u"identity.date_of_birth is required"_s);
    row(u"tax id type without tax id"_s, u"identity.tax_id is required"_s);
    row(u"unknown tax id type"_s, u"identity.tax_id_type is invalid"_s);
    row(u"visa without expiry"_s, u"identity.visa_expiration_date is required"_s);
    row(u"B1 without departure"_s, u"identity.date_of_departure_from_usa is required"_s);
    row(u"no funding source"_s, u"identity.funding_source is required"_s);
    row(u"unanswered disclosure"_s, u"disclosures.is_politically_exposed is required"_s);
    row(u"no agreements"_s, u"agreements is required"_s);
    row(u"bad ip"_s, u"agreements[0].ip_address must be an IPv4 address"_s);
    row(u"document not base64"_s, u"documents[0].content must be base64"_s);
    row(u"unreachable trusted contact"_s,
        u"trusted_contact needs an email_address, phone_number or street_address"_s);
}

void TestAlpacaOnboarding::validationErrorsKeepAlpacasCodeAndMessage()
{
    QFETCH(QString, change);
    QFETCH(QString, message);
    AccountApplication a = onboarding::fullApplication();
    QVERIFY(spoilers().contains(change));
    spoilers().value(change)(a);
    auto b = broker();
    const auto r = take(b->createAccount(a));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(r.error().httpStatus, 422);
    QCOMPARE(r.error().code, 40010001);
    QCOMPARE(r.error().message, message);
    QCOMPARE(m_fake->book().hasAccount(u"none"_s), false);
    QCOMPARE(take(b->brokerAccounts()).value().size(), 1); // only the seeded account
}

void TestAlpacaOnboarding::malformedBodyIs400()
{
    auto b = broker();
    QJsonObject body = onboarding::fullApplication().toJson();
    QJsonObject contact = body.value(u"contact").toObject();
    contact.insert(u"street_address"_s, u"100 Pine St"_s); // must be an array
    body.insert(u"contact"_s, contact);
    const RestResult r = take(b->rest().send(RestRequest::post(u"/v1/accounts"_s, QJsonDocument(body))));
    QVERIFY(!r.hasValue());
    QCOMPARE(r.error().httpStatus, 400);
    QCOMPARE(r.error().code, 40010000);
    QCOMPARE(r.error().message, u"contact.street_address must be an array of strings"_s);
    QCOMPARE(brokerErrorFrom(r.error()).kind, BrokerError::Kind::InvalidRequest);
}

void TestAlpacaOnboarding::fixtureStatuses_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("kycSummary");
    QTest::addRow("active") << u"ACTIVE"_s << int(AccountStatus::Active) << u"pass"_s;
    QTest::addRow("approved") << u"APPROVED"_s << int(AccountStatus::Approved) << u"pass"_s;
    QTest::addRow("submitted") << u"SUBMITTED"_s << int(AccountStatus::Submitted) << QString();
    QTest::addRow("action required") << u"ACTION_REQUIRED"_s << int(AccountStatus::ActionRequired)
                                     << u"fail"_s;
    QTest::addRow("approval pending")
        << u"APPROVAL_PENDING"_s << int(AccountStatus::ApprovalPending) << QString();
    QTest::addRow("rejected") << u"REJECTED"_s << int(AccountStatus::Rejected) << u"fail"_s;
    QTest::addRow("disabled") << u"DISABLED"_s << int(AccountStatus::Disabled) << u"pass"_s;
}

void TestAlpacaOnboarding::fixtureStatuses()
{
    QFETCH(QString, fixture);
    QFETCH(int, status);
    QFETCH(QString, kycSummary);
    AccountApplication a = onboarding::fullApplication();
    a.additionalInformation = u"/fixtures/status=%1/fixtures/"_s.arg(fixture);
    auto b = broker();
    const auto created = take(b->createAccount(a));
    QVERIFY2(created.hasValue(), qPrintable(why(created)));
    QCOMPARE(m_fake->requests("POST", u"/v1/accounts"_s).at(0).json().value(u"additional_information"),
             QJsonValue(a.additionalInformation));
    QTRY_COMPARE(m_fake->onboarding().status(created->id), fixture);
    const auto account = take(b->brokerAccount(created->id));
    QVERIFY2(account.hasValue(), qPrintable(why(account)));
    QCOMPARE(int(account->status), status);
    QCOMPARE(account->kycResults ? account->kycResults->summary : QString(), kycSummary);
    if (fixture == u"REJECTED")
        QCOMPARE(account->kycResults->reject, QStringList{u"WATCHLIST_HIT"_s});
    // Only an ACTIVE account has a trading account; the others are left out of accounts().
    const auto accounts = take(b->accounts());
    QVERIFY2(accounts.hasValue(), qPrintable(why(accounts)));
    QCOMPARE(accounts->size(), fixture == u"ACTIVE" ? 2 : 1);
}

void TestAlpacaOnboarding::statusEventsBecomeSignals()
{
    FakeAlpacaEvents events(m_fake->brokerCredentials().keyId, m_fake->brokerCredentials().secret);
    QVERIFY(events.listen() != 0);
    m_fake->onboarding().attachEvents(&events);
    auto b = broker();
    QSignalSpy changed(b.get(), &AlpacaBroker::accountStatusChanged);
    b->startEvents(events.baseUrl());
    QTRY_COMPARE(events.clientCount(), 3);
    QVERIFY(events.requestedTargets().contains(u"/v1/events/accounts/status"_s));

    const auto created = take(b->createAccount(onboarding::fullApplication()));
    QVERIFY(created.hasValue());
    QTRY_COMPARE(changed.size(), 3);
    const QList<AccountStatus> expected{AccountStatus::Submitted, AccountStatus::Approved,
                                        AccountStatus::Active};
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(changed.at(i).at(0).toString(), created->id);
        QCOMPARE(changed.at(i).at(1).value<AccountStatus>(), expected.at(i));
    }
    QVERIFY(!b->accountEvents()->lastEventId().isEmpty());

    // Events that change other properties carry no status_to and are ignored.
    events.publish(
        u"/v1/events/accounts/status"_s,
        {{u"account_id"_s, created->id}, {u"account_blocked"_s, true}, {u"status_to"_s, QString()}});
    m_fake->onboarding().setStatus(created->id, u"DISABLED"_s);
    QTRY_COMPARE(changed.size(), 4);
    QCOMPARE(changed.at(3).at(1).value<AccountStatus>(), AccountStatus::Disabled);
}

void TestAlpacaOnboarding::activeAccountFundsAndTrades()
{
    m_fake->onboarding().setStatusDelay(60'000); // stays SUBMITTED for this test's first part
    auto b = broker();
    const auto created = take(b->createAccount(onboarding::fullApplication()));
    QVERIFY(created.hasValue());
    const QString id = created->id;
    QCOMPARE(take(b->account(id)).error().kind, BrokerError::Kind::NotFound);

    const auto bank = take(
        b->createAchRelationship(id, AchRelationshipRequest::manual(u"Pat Lee"_s, BankAccountType::Checking,
                                                                    u"123456789"_s, u"121000358"_s)));
    QVERIFY2(bank.hasValue(), qPrintable(why(bank)));
    QTRY_COMPARE(take(b->achRelationships(id)).value().at(0).status, AchRelationshipStatus::Approved);
    TransferRequest deposit;
    deposit.relationshipId = bank->id;
    deposit.amount = Decimal(500);
    const auto early = take(b->createTransfer(id, deposit));
    QCOMPARE(early.error().kind, BrokerError::Kind::Forbidden);

    m_fake->onboarding().setStatus(id, u"ACTIVE"_s);
    TransferRequest unknownBank = deposit;
    unknownBank.relationshipId = u"00000000-0000-0000-0000-000000000000"_s;
    QCOMPARE(take(b->createTransfer(id, unknownBank)).error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(take(b->createTransfer(id, deposit)).hasValue());
    QTRY_COMPARE(m_fake->book().cash(id), Decimal(500));
    OrderRequest buy;
    buy.symbol = u"AAPL"_s;
    buy.qty = Decimal(1);
    const auto order = take(b->submitOrder(id, buy));
    QVERIFY2(order.hasValue(), qPrintable(why(order)));
    QCOMPARE(order->status, OrderStatus::Filled);
    const auto account = take(b->account(id));
    QVERIFY(account.hasValue());
    QCOMPARE(account->cash, Decimal::parse(u"312.69").value());
}

void TestAlpacaOnboarding::listQueryStatusAndEntities()
{
    m_fake->onboarding().setStatusDelay(60'000);
    auto b = broker();
    const auto pat = take(b->createAccount(onboarding::fullApplication()));
    AccountApplication kimApplication = onboarding::fullApplication(u"kim.ng@example.org"_s);
    kimApplication.identity.givenName = u"Kim"_s;
    kimApplication.identity.familyName = u"Ng"_s;
    const auto kim = take(b->createAccount(kimApplication));
    QVERIFY(pat.hasValue() && kim.hasValue());

    const auto all = take(b->brokerAccounts());
    QVERIFY2(all.hasValue(), qPrintable(why(all)));
    QCOMPARE(all->size(), 3);
    QCOMPARE(all->at(0).id, kim->id); // newest first
    QCOMPARE(all->at(2).id, m_seeded);
    for (const BrokerAccount &a : *all) // summary fields only
        QVERIFY(!a.contact && !a.identity && !a.disclosures && a.agreements.isEmpty());

    BrokerAccountQuery query;
    query.query = u"pat lee"_s;
    query.entities = {u"contact"_s, u"identity"_s};
    query.statuses = {AccountStatus::Submitted, AccountStatus::ActionRequired};
    query.newestFirst = false;
    const auto found = take(b->brokerAccounts(query));
    QVERIFY2(found.hasValue(), qPrintable(why(found)));
    QCOMPARE(found->size(), 1);
    QCOMPARE(found->at(0).id, pat->id);
    QCOMPARE(found->at(0).contact->emailAddress, u"pat.lee@example.org"_s);
    QVERIFY(found->at(0).identity.has_value());
    QVERIFY(!found->at(0).disclosures);
    const QUrlQuery sent = m_fake->requests("GET", u"/v1/accounts"_s).constLast().query;
    QCOMPARE(sent.queryItemValue(u"query"_s, QUrl::FullyDecoded), u"pat lee"_s);
    QCOMPARE(sent.queryItemValue(u"status"_s), u"SUBMITTED,ACTION_REQUIRED"_s);
    QCOMPARE(sent.queryItemValue(u"entities"_s), u"contact,identity"_s);
    QCOMPARE(sent.queryItemValue(u"sort"_s), u"asc"_s);

    BrokerAccountQuery active;
    active.statuses = {AccountStatus::Active};
    const auto activeOnly = take(b->brokerAccounts(active));
    QCOMPARE(activeOnly->size(), 1);
    QCOMPARE(activeOnly->at(0).id, m_seeded);
}

void TestAlpacaOnboarding::updateAndClose()
{
    auto b = broker();
    const QString id = createActive(*b, u"pat.lee@example.org"_s);
    const auto updated = take(b->updateAccount(
        id, {{u"contact"_s, QJsonObject{{u"city"_s, u"Dallas"_s}, {u"postal_code"_s, u"75201"_s}}}}));
    QVERIFY2(updated.hasValue(), qPrintable(why(updated)));
    QCOMPARE(updated->contact->city, u"Dallas"_s);
    QCOMPARE(updated->contact->emailAddress, u"pat.lee@example.org"_s); // a PATCH is partial
    QCOMPARE(m_fake->requests("PATCH", id).size(), 1);

    const auto notUpdatable = take(b->updateAccount(id, {{u"account_number"_s, u"1"_s}}));
    QCOMPARE(notUpdatable.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(notUpdatable.error().httpStatus, 422);

    const auto seededClose = take(b->closeAccount(m_seeded)); // still holds cash
    QCOMPARE(seededClose.error().kind, BrokerError::Kind::InvalidRequest);
    QVERIFY(take(b->closeAccount(id)).hasValue());
    QCOMPARE(m_fake->requests("POST", id + u"/actions/close").size(), 1);
    QCOMPARE(take(b->brokerAccount(id))->status, AccountStatus::AccountClosed);
    QCOMPARE(take(b->account(id)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(take(b->brokerAccount(u"unknown-id"_s)).error().kind, BrokerError::Kind::Unauthorized);
}

void TestAlpacaOnboarding::manualAchRelationship()
{
    m_fake->onboarding().setAchApprovalDelay(60'000); // stays QUEUED
    auto b = broker();
    const auto request = AchRelationshipRequest::manual(u"Pat Lee"_s, BankAccountType::Savings, u"32131231"_s,
                                                        u"121000358"_s, u"Rainy day"_s);
    const auto created = take(b->createAchRelationship(m_seeded, request));
    QVERIFY2(created.hasValue(), qPrintable(why(created)));
    QCOMPARE(m_fake->requests("POST", u"/ach_relationships"_s).at(0).json(),
             QJsonObject({{u"account_owner_name"_s, u"Pat Lee"_s},
                          {u"bank_account_type"_s, u"SAVINGS"_s},
                          {u"bank_account_number"_s, u"32131231"_s},
                          {u"bank_routing_number"_s, u"121000358"_s},
                          {u"nickname"_s, u"Rainy day"_s}}));
    QCOMPARE(created->status, AchRelationshipStatus::Queued);
    QCOMPARE(created->accountId, m_seeded);
    QCOMPARE(created->bankAccountType, BankAccountType::Savings);

    const auto second = take(b->createAchRelationship(m_seeded, request));
    QVERIFY(!second.hasValue());
    QCOMPARE(second.error().kind, BrokerError::Kind::AchRelationshipExists);
    QCOMPARE(second.error().code, 40910000);
    QCOMPARE(second.error().message, u"account already has an active relationship"_s);

    const auto queued =
        take(b->achRelationships(m_seeded, {AchRelationshipStatus::Queued, AchRelationshipStatus::Approved}));
    QCOMPARE(queued->size(), 1);
    QCOMPARE(m_fake->requests("GET", u"/ach_relationships"_s).constLast().query.queryItemValue(u"statuses"_s),
             u"QUEUED,APPROVED"_s);
    QCOMPARE(take(b->achRelationships(m_seeded, {AchRelationshipStatus::Approved}))->size(), 0);

    QVERIFY(take(b->deleteAchRelationship(m_seeded, created->id)).hasValue());
    QCOMPARE(take(b->deleteAchRelationship(m_seeded, created->id)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(take(b->achRelationships(m_seeded))->size(), 0);
    QVERIFY(take(b->createAchRelationship(m_seeded, request)).hasValue()); // a new one after deleting

    auto bad = request;
    bad.bankRoutingNumber = u"12"_s;
    const auto invalid = take(b->createAchRelationship(m_fake->seedAccount(Decimal()), bad));
    QCOMPARE(invalid.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(invalid.error().message, u"bank_routing_number is invalid"_s);
}

void TestAlpacaOnboarding::plaidAchRelationship()
{
    auto b = broker();
    const QString id = createActive(*b, u"pat.lee@example.org"_s);
    const auto created =
        take(b->createAchRelationship(id, AchRelationshipRequest::plaid(u"processor-sandbox-7f3a"_s)));
    QVERIFY2(created.hasValue(), qPrintable(why(created)));
    QCOMPARE(m_fake->requests("POST", u"/ach_relationships"_s).at(0).json(),
             QJsonObject({{u"processor_token"_s, u"processor-sandbox-7f3a"_s}}));
    QVERIFY(!created->bankAccountType); // "" for Plaid-created relationships
    QCOMPARE(created->accountOwnerName, u"Pat Lee"_s);
    QCOMPARE(created->approvalMethod, u"PLAID"_s);
    QTRY_COMPARE(take(b->achRelationships(id)).value().at(0).status, AchRelationshipStatus::Approved);
}

void TestAlpacaOnboarding::transferCancel()
{
    m_fake->setTransferDelay(60'000); // stays QUEUED
    auto b = broker();
    TransferRequest deposit;
    deposit.relationshipId = u"11112222-3333-4444-5555-666677778888"_s;
    deposit.amount = Decimal(250);
    const auto transfer = take(b->createTransfer(m_seeded, deposit));
    QVERIFY(transfer.hasValue());
    QVERIFY(take(b->cancelTransfer(m_seeded, transfer->id)).hasValue());
    QCOMPARE(m_fake->requests("DELETE", u"/transfers/"_s + transfer->id).size(), 1);
    QCOMPARE(take(b->transfers(m_seeded))->at(0).status, TransferStatus::Canceled);
    const auto again = take(b->cancelTransfer(m_seeded, transfer->id));
    QCOMPARE(again.error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(again.error().httpStatus, 422);
    QCOMPARE(take(b->cancelTransfer(m_seeded, u"nope"_s)).error().kind, BrokerError::Kind::NotFound);
    QCOMPARE(m_fake->book().cash(m_seeded), Decimal(1000));
}

void TestAlpacaOnboarding::malformedAnswersAreDecodeErrors_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QByteArray>("body");
    QTest::addRow("account without id")
        << u"account"_s << QByteArray(R"({"status": "ACTIVE", "created_at": "2026-01-05T15:04:07Z"})");
    QTest::addRow("account status a number")
        << u"account"_s << QByteArray(R"({"id": "a", "status": 3, "created_at": "2026-01-05T15:04:07Z"})");
    QTest::addRow("account identity a string")
        << u"account"_s
        << QByteArray(
               R"({"id": "a", "status": "ACTIVE", "created_at": "2026-01-05T15:04:07Z", "identity": "Pat"})");
    QTest::addRow("account an array") << u"account"_s << QByteArray("[]");
    QTest::addRow("list not an array") << u"list"_s << QByteArray(R"({"accounts": []})");
    QTest::addRow("application answer bad date")
        << u"create"_s << QByteArray(R"({"id": "a", "status": "SUBMITTED", "created_at": "05/01/2026"})");
    QTest::addRow("relationship without status")
        << u"ach"_s << QByteArray(R"({"id": "r", "account_id": "a", "created_at": "2026-01-05T15:04:07Z"})");
    QTest::addRow("relationships not an array") << u"achList"_s << QByteArray(R"({"id": "r"})");
}

void TestAlpacaOnboarding::malformedAnswersAreDecodeErrors()
{
    QFETCH(QString, call);
    QFETCH(QByteArray, body);
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    m_fake->injectFault(answer(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object())));
    auto b = broker();
    BrokerError error;
    if (call == u"account")
        error = take(b->brokerAccount(m_seeded)).error();
    else if (call == u"list")
        error = take(b->brokerAccounts()).error();
    else if (call == u"create")
        error = take(b->createAccount(onboarding::fullApplication())).error();
    else if (call == u"ach")
        error =
            take(b->createAchRelationship(m_seeded, AchRelationshipRequest::plaid(u"processor-1"_s))).error();
    else
        error = take(b->achRelationships(m_seeded)).error();
    QCOMPARE(error.kind, BrokerError::Kind::Decode);
    QCOMPARE(error.httpStatus, 200);
}

void TestAlpacaOnboarding::taxIdNeverInAnyResponseOrLog()
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }
    QLoggingCategory::setFilterRules(u"clera.*=true"_s);
    g_previousHandler = qInstallMessageHandler(recordMessage);
    const auto restore = qScopeGuard([] {
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(QString());
    });

    auto b = broker();
    const QString id = createActive(*b, u"pat.lee@example.org"_s);
    // A malformed answer makes the broker log; it must still not log the application.
    m_fake->injectFault(answer(QJsonObject{{u"status"_s, 1}}).on("POST", u"/v1/accounts"_s));
    QCOMPARE(take(b->createAccount(onboarding::fullApplication(u"x@example.org"_s))).error().kind,
             BrokerError::Kind::Decode);

    QList<RestRequest> reads{
        RestRequest::get(u"/v1/accounts/"_s + id),
        RestRequest::get(u"/v1/accounts"_s,
                         QUrlQuery{{u"entities"_s,
                                    u"contact,identity,disclosures,agreements,documents,trusted_contact"_s}}),
    };
    RestRequest patch = RestRequest::post(
        u"/v1/accounts/"_s + id,
        QJsonDocument(QJsonObject{{u"identity"_s, QJsonObject{{u"tax_id"_s, u"987-65-4321"_s}}}}));
    patch.method = "PATCH";
    reads.append(patch);
    for (const RestRequest &request : reads) {
        const RestResult r = take(b->rest().send(request));
        QVERIFY2(r.hasValue(), qPrintable(r.hasValue() ? QString() : r.error().toString()));
        const QByteArray text = r->json.toJson(QJsonDocument::Compact);
        QVERIFY(text.contains("\"identity\""));
        QVERIFY2(!text.contains("\"tax_id\""), text.constData());
        QVERIFY(!text.contains(onboarding::kTaxId));
        QVERIFY(!text.contains("987-65-4321"));
    }
    QMutexLocker lock(&g_logMutex);
    QVERIFY(!g_log.isEmpty()); // the net and broker categories did log
    for (const QString &line : std::as_const(g_log)) {
        QVERIFY2(!line.contains(QLatin1String(onboarding::kTaxId)), qPrintable(line));
        QVERIFY2(!line.contains(u"987-65-4321"), qPrintable(line));
    }
}

QTEST_GUILESS_MAIN(TestAlpacaOnboarding)
#include "tst_alpacaonboarding.moc"
