#include "fakeonboarding.h"

#include "fakealpacaevents.h"
#include "fakeapplicationrules.h"

#include "core/domain/account.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr qint64 kValidation = 40010001;
constexpr qint64 kForbidden = 40310000;
constexpr qint64 kNotFound = 40410000;
constexpr qint64 kConflict = 40910000;
const QString kStatusStream = u"/v1/events/accounts/status"_s;
const QStringList kSummaryFields{u"id"_s,          u"account_number"_s, u"status"_s,      u"crypto_status"_s,
                                 u"kyc_results"_s, u"currency"_s,       u"last_equity"_s, u"created_at"_s,
                                 u"account_type"_s};
const QStringList kEntities{u"contact"_s,   u"identity"_s,        u"disclosures"_s,           u"agreements"_s,
                            u"documents"_s, u"trusted_contact"_s, u"trading_configurations"_s};

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

FakeAlpacaBook::Reply ok(QJsonValue body)
{
    return {200, std::move(body)};
}

FakeAlpacaBook::Reply noContent()
{
    return {204, QJsonValue(QJsonValue::Undefined)};
}

FakeAlpacaBook::Reply unauthorized()
{
    return FakeAlpacaBook::error(401, 40110000, u"request is not authorized"_s);
}

FakeAlpacaBook::Reply methodNotAllowed()
{
    return FakeAlpacaBook::error(405, 40510000, u"method not allowed"_s);
}

bool isKnownStatus(const QString &status)
{
    return accountStatusFromWire(status) != AccountStatus::Unknown &&
           toWire(accountStatusFromWire(status)) == status;
}

// Before approval Alpaca has not assigned an account number yet.
bool hasNumber(const QString &status)
{
    return status != u"SUBMITTED" && status != u"ACTION_REQUIRED" && status != u"APPROVAL_PENDING" &&
           status != u"REJECTED" && status != u"ONBOARDING";
}

QJsonValue kycResults(const QString &status)
{
    const auto codes = [](std::initializer_list<QString> keys) {
        QJsonObject o;
        for (const QString &k : keys)
            o.insert(k, QJsonObject());
        return o;
    };
    if (status == u"REJECTED")
        return QJsonObject{{u"reject"_s, codes({u"WATCHLIST_HIT"_s})},
                           {u"accept"_s, codes({u"IDENTITY_VERIFICATION"_s})},
                           {u"indeterminate"_s, QJsonObject()},
                           {u"summary"_s, u"fail"_s}};
    if (status == u"ACTION_REQUIRED")
        return QJsonObject{{u"reject"_s, QJsonObject()},
                           {u"accept"_s, codes({u"IDENTITY_VERIFICATION"_s})},
                           {u"indeterminate"_s, codes({u"ADDRESS_VERIFICATION"_s})},
                           {u"additional_information"_s, u"proof of address required"_s},
                           {u"summary"_s, u"fail"_s}};
    if (!hasNumber(status))
        return QJsonValue(QJsonValue::Null);
    return QJsonObject{{u"reject"_s, QJsonObject()},
                       {u"accept"_s, codes({u"IDENTITY_VERIFICATION"_s, u"TAX_IDENTIFICATION"_s,
                                            u"ADDRESS_VERIFICATION"_s, u"DATE_OF_BIRTH"_s})},
                       {u"indeterminate"_s, QJsonObject()},
                       {u"summary"_s, u"pass"_s}};
}

QStringList commaList(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded).split(u',', Qt::SkipEmptyParts);
}

bool matchesTokens(const QJsonObject &account, const QStringList &tokens)
{
    const QJsonObject contact = account.value(u"contact").toObject();
    const QJsonObject identity = account.value(u"identity").toObject();
    const QStringList fields{
        account.value(u"account_number").toString(), contact.value(u"phone_number").toString(),
        contact.value(u"email_address").toString(), identity.value(u"given_name").toString(),
        identity.value(u"family_name").toString()};
    for (const QString &token : tokens) {
        const bool found = std::any_of(fields.begin(), fields.end(), [&token](const QString &f) {
            return !f.isEmpty() && f.contains(token, Qt::CaseInsensitive);
        });
        if (!found)
            return false;
    }
    return true;
}

} // namespace

FakeOnboarding::FakeOnboarding(FakeAlpacaBook &book, QObject *parent) : QObject(parent), m_book(book) {}

FakeOnboarding::~FakeOnboarding() = default;

void FakeOnboarding::attachEvents(FakeAlpacaEvents *events)
{
    m_events = events;
}

QString FakeOnboarding::status(const QString &accountId) const
{
    if (!m_book.hasAccount(accountId))
        return {};
    return accountJson(accountId).value(u"status").toString();
}

void FakeOnboarding::setStatus(const QString &accountId, const QString &status)
{
    if (!m_book.hasAccount(accountId))
        return;
    Application &a = applicationFor(accountId);
    a.targetStatus = status;
    moveTo(a, status);
}

std::optional<FakeOnboarding::Reply> FakeOnboarding::route(const QByteArray &method, const QStringList &s,
                                                           const QUrlQuery &query, const QJsonObject &body)
{
    if (s.value(0) != u"v1")
        return std::nullopt;
    // No trading account until the application is approved and the account ACTIVE (or after closing).
    if (s.value(1) == u"trading" && s.value(2) == u"accounts" && isInactive(s.value(3)))
        return FakeAlpacaBook::error(404, kNotFound, u"account is not active"_s);
    if (s.value(1) != u"accounts")
        return std::nullopt;
    if (s.size() == 2) {
        if (method == "POST")
            return create(body);
        if (method == "GET")
            return list(query);
        return std::nullopt;
    }
    const QString accountId = s.at(2);
    if (accountId == u"positions" || accountId == u"activities")
        return std::nullopt;
    if (s.size() == 3) {
        if (method == "GET")
            return get(accountId);
        if (method == "PATCH")
            return patch(accountId, body);
        if (method == "DELETE") // legacy close
            return close(accountId);
        return methodNotAllowed();
    }
    const QString section = s.at(3);
    if (section == u"actions" && s.size() == 5 && s.at(4) == u"close")
        return method == "POST" ? close(accountId) : methodNotAllowed();
    if (section == u"ach_relationships") {
        if (s.size() == 4) {
            if (method == "GET")
                return relationships(accountId, query);
            if (method == "POST")
                return createRelationship(accountId, body);
            return methodNotAllowed();
        }
        if (s.size() == 5)
            return method == "DELETE" ? deleteRelationship(accountId, s.at(4)) : methodNotAllowed();
    }
    if (section == u"transfers") {
        if (s.size() == 5 && method == "DELETE")
            return m_book.cancelTransfer(accountId, s.at(4));
        if (s.size() == 4 && method == "POST")
            return checkTransfer(accountId, body);
    }
    return std::nullopt;
}

FakeOnboarding::Reply FakeOnboarding::create(const QJsonObject &body)
{
    if (auto invalid = checkAccountApplication(body))
        return *invalid;
    const QString email = body.value(u"contact").toObject().value(u"email_address").toString();
    const QJsonArray existing = m_book.listAccounts().body.toArray();
    for (const QJsonValue &account : existing) {
        const QString id = account.toObject().value(u"id").toString();
        if (accountJson(id)
                .value(u"contact")
                .toObject()
                .value(u"email_address")
                .toString()
                .compare(email, Qt::CaseInsensitive) == 0)
            return FakeAlpacaBook::error(409, kConflict,
                                         u"email address already exists for another account"_s);
    }

    QString target = u"ACTIVE"_s;
    static const QRegularExpression fixture(u"/fixtures/status=([A-Z_]+)/fixtures/"_s);
    const auto match = fixture.match(body.value(u"additional_information").toString());
    if (match.hasMatch()) {
        target = match.captured(1);
        if (!isKnownStatus(target))
            return FakeAlpacaBook::error(422, kValidation, u"unknown fixture status %1"_s.arg(target));
    } else {
        const QJsonObject d = body.value(u"disclosures").toObject();
        if (d.value(u"is_control_person").toBool() || d.value(u"is_affiliated_exchange_or_finra").toBool() ||
            d.value(u"is_politically_exposed").toBool() || d.value(u"immediate_family_exposed").toBool())
            target = u"ACTION_REQUIRED"_s;
    }

    const QString id = m_book.createAccount(Decimal(), email);
    Application a;
    a.id = id;
    for (const QString &key :
         {u"contact"_s, u"identity"_s, u"disclosures"_s, u"agreements"_s, u"trusted_contact"_s,
          u"account_type"_s, u"account_sub_type"_s, u"enabled_assets"_s, u"currency"_s}) {
        if (body.contains(key))
            a.profile.insert(key, body.value(key));
    }
    QJsonObject identity = a.profile.value(u"identity").toObject();
    identity.remove(u"tax_id"); // checked, never kept
    a.profile.insert(u"identity"_s, identity);
    a.createdAt = Timestamp::parse(m_book.accountSummary(id).body.toObject().value(u"created_at").toString())
                      .valueOr(Timestamp::now());
    for (const QJsonValue &v : body.value(u"documents").toArray()) {
        const QJsonObject upload = v.toObject();
        const QString documentId = newId();
        QJsonObject stored{
            {u"id"_s, documentId},
            {u"document_type"_s, upload.value(u"document_type")},
            {u"content"_s, u"https://fake-alpaca.invalid/v1/documents/%1/download"_s.arg(documentId)},
            {u"mime_type"_s, upload.value(u"mime_type")},
            {u"created_at"_s, Timestamp::now().toString()},
        };
        if (upload.contains(u"document_sub_type"))
            stored.insert(u"document_sub_type"_s, upload.value(u"document_sub_type"));
        a.documents.append(stored);
    }
    a.targetStatus = target;
    m_applications.insert(id, a);
    moveTo(m_applications[id], u"SUBMITTED"_s);
    advance(id);
    return ok(accountJson(id));
}

QJsonObject FakeOnboarding::accountJson(const QString &accountId) const
{
    QJsonObject json = m_book.accountSummary(accountId).body.toObject();
    const auto it = m_applications.constFind(accountId);
    if (it == m_applications.cend())
        return json;
    const Application &a = *it;
    json.insert(u"status"_s, a.status);
    if (a.profile.isEmpty()) // an account seeded without an application
        return json;
    if (!hasNumber(a.status))
        json.insert(u"account_number"_s, QString());
    const QJsonArray assets = a.profile.contains(u"enabled_assets")
                                  ? a.profile.value(u"enabled_assets").toArray()
                                  : QJsonArray{u"us_equity"_s};
    json.insert(u"crypto_status"_s,
                assets.contains(u"crypto"_s) && a.status == u"ACTIVE" ? u"ACTIVE"_s : u"INACTIVE"_s);
    json.insert(u"currency"_s, a.profile.value(u"currency").toString(u"USD"_s));
    json.insert(u"account_type"_s, a.profile.value(u"account_type").toString(u"trading"_s));
    if (a.profile.contains(u"account_sub_type"))
        json.insert(u"account_sub_type"_s, a.profile.value(u"account_sub_type"));
    json.insert(u"kyc_results"_s, kycResults(a.status));
    json.insert(u"contact"_s, a.profile.value(u"contact"));
    QJsonObject identity = a.profile.value(u"identity").toObject();
    for (const QString &key : {u"visa_type"_s, u"visa_expiration_date"_s, u"date_of_departure_from_usa"_s,
                               u"permanent_resident"_s}) {
        if (!identity.contains(key))
            identity.insert(key, QJsonValue(QJsonValue::Null));
    }
    json.insert(u"identity"_s, identity);
    QJsonObject disclosures = a.profile.value(u"disclosures").toObject();
    disclosures.insert(u"is_discretionary"_s, false);
    json.insert(u"disclosures"_s, disclosures);
    QJsonArray agreements;
    for (const QJsonValue &v : a.profile.value(u"agreements").toArray()) {
        QJsonObject agreement = v.toObject();
        if (!agreement.contains(u"revision"))
            agreement.insert(u"revision"_s, u"19.2022.02"_s);
        agreements.append(agreement);
    }
    json.insert(u"agreements"_s, agreements);
    json.insert(u"documents"_s, a.documents);
    json.insert(u"trusted_contact"_s, a.profile.contains(u"trusted_contact")
                                          ? a.profile.value(u"trusted_contact")
                                          : QJsonValue(QJsonValue::Null));
    json.insert(u"trading_configurations"_s, QJsonValue(QJsonValue::Null));
    json.insert(u"enabled_assets"_s, assets);
    return json;
}

FakeOnboarding::Reply FakeOnboarding::get(const QString &accountId) const
{
    if (!m_book.hasAccount(accountId))
        return unauthorized(); // Alpaca answers 401, not 404, for an id that is not the partner's
    return ok(accountJson(accountId));
}

FakeOnboarding::Reply FakeOnboarding::list(const QUrlQuery &query) const
{
    const QStringList statuses = commaList(query, u"status"_s);
    const QStringList entities = commaList(query, u"entities"_s);
    for (const QString &e : entities) {
        if (!kEntities.contains(e))
            return FakeAlpacaBook::error(422, kValidation, u"invalid entity %1"_s.arg(e));
    }
    const QStringList tokens =
        query.queryItemValue(u"query"_s, QUrl::FullyDecoded).split(u' ', Qt::SkipEmptyParts);
    std::optional<Timestamp> after;
    std::optional<Timestamp> before;
    for (const auto &[key, bound] :
         {std::pair{u"created_after"_s, &after}, std::pair{u"created_before"_s, &before}}) {
        const QString text = query.queryItemValue(key, QUrl::FullyDecoded);
        if (text.isEmpty())
            continue;
        const auto t = Timestamp::parse(text);
        if (!t)
            return FakeAlpacaBook::error(422, kValidation, u"invalid %1"_s.arg(key));
        *bound = *t;
    }
    const QString sort = query.queryItemValue(u"sort"_s);
    if (!sort.isEmpty() && sort != u"asc" && sort != u"desc")
        return FakeAlpacaBook::error(422, kValidation, u"invalid sort"_s);

    QJsonArray out;
    const QJsonArray all = m_book.listAccounts().body.toArray(); // oldest first
    for (const QJsonValue &item : all) {
        const QJsonObject full = accountJson(item.toObject().value(u"id").toString());
        if (!statuses.isEmpty() && !statuses.contains(full.value(u"status").toString()))
            continue;
        if (!matchesTokens(full, tokens))
            continue;
        const auto created = Timestamp::parse(full.value(u"created_at").toString());
        if ((after && created && *created <= *after) || (before && created && *created >= *before))
            continue;
        QJsonObject shown;
        for (auto it = full.begin(); it != full.end(); ++it) {
            if (kSummaryFields.contains(it.key()) || entities.contains(it.key()))
                shown.insert(it.key(), it.value());
        }
        if (sort == u"asc")
            out.append(shown);
        else
            out.prepend(shown);
    }
    return ok(out);
}

FakeOnboarding::Application &FakeOnboarding::applicationFor(const QString &accountId)
{
    auto it = m_applications.find(accountId);
    if (it == m_applications.end()) {
        Application a;
        a.id = accountId;
        a.status = u"ACTIVE"_s;
        a.targetStatus = a.status;
        it = m_applications.insert(accountId, a);
    }
    return *it;
}

bool FakeOnboarding::isInactive(const QString &accountId) const
{
    const auto it = m_applications.constFind(accountId);
    return it != m_applications.cend() && it->status != u"ACTIVE";
}

FakeOnboarding::Reply FakeOnboarding::patch(const QString &accountId, const QJsonObject &body)
{
    if (!m_book.hasAccount(accountId))
        return unauthorized();
    if (auto invalid = checkAccountPatch(body))
        return *invalid;
    const QString email = body.value(u"contact").toObject().value(u"email_address").toString();
    if (!email.isEmpty()) {
        for (const QJsonValue &account : m_book.listAccounts().body.toArray()) {
            const QString id = account.toObject().value(u"id").toString();
            if (id != accountId && accountJson(id)
                                           .value(u"contact")
                                           .toObject()
                                           .value(u"email_address")
                                           .toString()
                                           .compare(email, Qt::CaseInsensitive) == 0)
                return FakeAlpacaBook::error(409, kConflict,
                                             u"email address already exists for another account"_s);
        }
    }
    if (accountJson(accountId).value(u"status").toString() == u"ACCOUNT_CLOSED")
        return FakeAlpacaBook::error(422, kValidation, u"account is closed"_s);
    Application &a = applicationFor(accountId);
    if (a.profile.isEmpty()) // seeded: adopt the summary's contact
        a.profile.insert(u"contact"_s, m_book.accountSummary(accountId).body.toObject().value(u"contact"));
    for (auto it = body.begin(); it != body.end(); ++it) {
        QJsonObject part = a.profile.value(it.key()).toObject();
        const QJsonObject changes = it.value().toObject();
        for (auto c = changes.begin(); c != changes.end(); ++c) {
            if (c.key() != u"tax_id")
                part.insert(c.key(), c.value());
        }
        a.profile.insert(it.key(), part);
    }
    return ok(accountJson(accountId));
}

FakeOnboarding::Reply FakeOnboarding::close(const QString &accountId)
{
    if (!m_book.hasAccount(accountId))
        return unauthorized();
    Application &a = applicationFor(accountId);
    if (a.status == u"ACCOUNT_CLOSED")
        return FakeAlpacaBook::error(422, kValidation, u"account is already closed"_s);
    if (!m_book.cash(accountId).value_or(Decimal()).isZero() ||
        !m_book.positions(accountId).body.toArray().isEmpty())
        return FakeAlpacaBook::error(422, kValidation,
                                     u"account must be liquidated and withdrawn before it is closed"_s);
    a.targetStatus = u"ACCOUNT_CLOSED"_s;
    moveTo(a, a.targetStatus);
    return noContent();
}

void FakeOnboarding::advance(const QString &accountId)
{
    QTimer::singleShot(m_statusDelayMs, this, [this, accountId] {
        const auto it = m_applications.find(accountId);
        if (it == m_applications.end() || it->status == it->targetStatus)
            return;
        // Only the happy path moves on its own; a closed or manually moved account stays put.
        if (it->status != u"SUBMITTED" && it->status != u"APPROVED")
            return;
        const bool viaApproved = it->targetStatus == u"ACTIVE" && it->status == u"SUBMITTED";
        moveTo(*it, viaApproved ? u"APPROVED"_s : it->targetStatus);
        if (it->status != it->targetStatus)
            advance(accountId);
    });
}

void FakeOnboarding::moveTo(Application &a, const QString &status)
{
    const QString from = a.status;
    a.status = status;
    if (!m_events)
        return;
    const QJsonObject account = accountJson(a.id);
    m_events->publish(kStatusStream, QJsonObject{
                                         {u"account_id"_s, a.id},
                                         {u"account_number"_s, account.value(u"account_number")},
                                         {u"at"_s, Timestamp::now().toString()},
                                         {u"status_from"_s, from},
                                         {u"status_to"_s, status},
                                         {u"crypto_status_from"_s, QString()},
                                         {u"crypto_status_to"_s, QString()},
                                         {u"kyc_results"_s, account.value(u"kyc_results")},
                                     });
}

FakeOnboarding::Reply FakeOnboarding::relationships(const QString &accountId, const QUrlQuery &query) const
{
    if (!m_book.hasAccount(accountId))
        return unauthorized();
    const QStringList statuses = commaList(query, u"statuses"_s);
    QJsonArray out;
    const auto it = m_applications.constFind(accountId);
    if (it != m_applications.cend()) {
        for (const AchRelationship &r : it->relationships) {
            if (statuses.isEmpty() || statuses.contains(toWire(r.status)))
                out.append(r.toJson());
        }
    }
    return ok(out);
}

FakeOnboarding::Reply FakeOnboarding::createRelationship(const QString &accountId, const QJsonObject &body)
{
    if (!m_book.hasAccount(accountId))
        return unauthorized();
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!it.value().isString() && !(it.key() == u"instant" && it.value().isBool()))
            return FakeAlpacaBook::error(400, 40010000, u"%1 has the wrong type"_s.arg(it.key()));
    }
    Application &a = applicationFor(accountId);
    if (a.status == u"ACCOUNT_CLOSED")
        return FakeAlpacaBook::error(403, kForbidden, u"account is closed"_s);
    AchRelationship r;
    r.id = newId();
    r.accountId = accountId;
    r.createdAt = Timestamp::now();
    r.updatedAt = r.createdAt;
    r.status = AchRelationshipStatus::Queued;
    const QString token = body.value(u"processor_token").toString();
    if (!token.isEmpty()) {
        // Plaid: the bank details come from Plaid; Alpaca leaves bank_account_type empty.
        const QJsonObject identity = a.profile.value(u"identity").toObject();
        r.accountOwnerName =
            QStringList{identity.value(u"given_name").toString(), identity.value(u"family_name").toString()}
                .join(u' ')
                .trimmed();
        r.approvalMethod = u"PLAID"_s;
        r.accountMask = u"0000"_s;
        r.nickname = body.value(u"nickname").toString();
    } else {
        static const QRegularExpression routing(u"^[0-9]{9}$"_s);
        static const QRegularExpression number(u"^[0-9]{4,17}$"_s);
        const QString type = body.value(u"bank_account_type").toString();
        if (body.value(u"account_owner_name").toString().isEmpty())
            return FakeAlpacaBook::error(422, kValidation, u"account_owner_name is required"_s);
        if (type != u"CHECKING" && type != u"SAVINGS")
            return FakeAlpacaBook::error(422, kValidation,
                                         u"bank_account_type must be CHECKING or SAVINGS"_s);
        if (!number.match(body.value(u"bank_account_number").toString()).hasMatch())
            return FakeAlpacaBook::error(422, kValidation, u"bank_account_number is invalid"_s);
        if (!routing.match(body.value(u"bank_routing_number").toString()).hasMatch())
            return FakeAlpacaBook::error(422, kValidation, u"bank_routing_number is invalid"_s);
        r.accountOwnerName = body.value(u"account_owner_name").toString();
        r.bankAccountType = bankAccountTypeFromWire(type);
        r.bankAccountNumber = body.value(u"bank_account_number").toString();
        r.bankRoutingNumber = body.value(u"bank_routing_number").toString();
        r.nickname = body.value(u"nickname").toString();
        r.approvalMethod = u"MICRO_DEPOSIT"_s;
        r.accountMask = r.bankAccountNumber.right(4);
    }
    for (const AchRelationship &existing : std::as_const(a.relationships)) {
        if (existing.status != AchRelationshipStatus::CancelRequested)
            return FakeAlpacaBook::error(409, kConflict, u"account already has an active relationship"_s);
    }
    a.relationships.append(r);
    approveLater(accountId, r.id);
    return ok(r.toJson());
}

void FakeOnboarding::approveLater(const QString &accountId, const QString &relationshipId)
{
    QTimer::singleShot(m_achDelayMs, this, [this, accountId, relationshipId] {
        const auto it = m_applications.find(accountId);
        if (it == m_applications.end())
            return;
        for (AchRelationship &r : it->relationships) {
            if (r.id == relationshipId && r.status == AchRelationshipStatus::Queued) {
                r.status = AchRelationshipStatus::Approved;
                r.updatedAt = Timestamp::now();
            }
        }
    });
}

FakeOnboarding::Reply FakeOnboarding::deleteRelationship(const QString &accountId,
                                                         const QString &relationshipId)
{
    if (!m_book.hasAccount(accountId))
        return unauthorized();
    const auto it = m_applications.find(accountId);
    if (it != m_applications.end()) {
        const auto removed = it->relationships.removeIf(
            [&relationshipId](const AchRelationship &r) { return r.id == relationshipId; });
        if (removed > 0)
            return noContent();
    }
    return FakeAlpacaBook::error(404, kNotFound, u"relationship not found"_s);
}

std::optional<FakeOnboarding::Reply> FakeOnboarding::checkTransfer(const QString &accountId,
                                                                   const QJsonObject &body) const
{
    const auto it = m_applications.constFind(accountId);
    if (it == m_applications.cend())
        return std::nullopt;
    if (it->status != u"ACTIVE")
        return FakeAlpacaBook::error(
            403, kForbidden,
            u"account is not allowed to transfer (depositable_status: %1)"_s.arg(it->status));
    if (it->profile.isEmpty() || body.value(u"transfer_type").toString() != u"ach")
        return std::nullopt; // seeded accounts fund from any relationship id, as before
    const QString relationshipId = body.value(u"relationship_id").toString();
    for (const AchRelationship &r : it->relationships) {
        if (r.id == relationshipId && r.status == AchRelationshipStatus::Approved)
            return std::nullopt;
    }
    return FakeAlpacaBook::error(422, kValidation, u"relationship_id is not an approved ACH relationship"_s);
}

} // namespace clera::fake
