#include "onboardingservice.h"

#include "core/domain/accountapplication.h"
#include "core/onboarding/accountopener.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QPromise>
#include <QUuid>

#include <memory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcOnboarding, "clera.onboarding")

namespace clera {

namespace {

using Result = OnboardingService::Result;

const QStringList kAmountFields{u"annual_income_min"_s,    u"annual_income_max"_s,
                                u"liquid_net_worth_min"_s, u"liquid_net_worth_max"_s,
                                u"total_net_worth_min"_s,  u"total_net_worth_max"_s};
const QStringList kEmploymentFields{u"employment_status"_s, u"employer_name"_s, u"employer_address"_s,
                                    u"employment_position"_s};

OnboardingError storeFailure(const StoreError &e)
{
    qCWarning(lcOnboarding) << "store failed:" << e.kindName() << e.message;
    return {
        OnboardingError::Kind::Internal, u"internal_error"_s, u"the application could not be stored"_s, {}};
}

QFuture<Result> ready(Result r)
{
    return QtFuture::makeReadyFuture(std::move(r));
}

// A saved step as the rules check it: the date of birth put back, the server-set agreement fields taken out.
QJsonObject checkable(const OnboardingRecord &r, OnboardingStep step)
{
    QJsonObject data = r.steps.value(toString(step)).toObject();
    if (step == OnboardingStep::Identity && !r.dateOfBirth.isEmpty())
        data.insert(u"date_of_birth"_s, r.dateOfBirth);
    if (step == OnboardingStep::Agreements) {
        QJsonArray agreements;
        for (const QJsonValue &v : data.value(u"agreements"_s).toArray()) {
            QJsonObject a = v.toObject();
            a.remove(u"signed_at"_s);
            a.remove(u"ip_address"_s);
            agreements.append(a);
        }
        data.insert(u"agreements"_s, agreements);
    }
    return data;
}

bool waitsForBroker(OnboardingState s)
{
    return s == OnboardingState::Submitted || s == OnboardingState::ActionRequired ||
           s == OnboardingState::Approved;
}

} // namespace

QString toString(OnboardingState state)
{
    switch (state) {
    case OnboardingState::Draft:
        return u"draft"_s;
    case OnboardingState::Submitting:
        return u"submitting"_s;
    case OnboardingState::Submitted:
        return u"submitted"_s;
    case OnboardingState::ActionRequired:
        return u"action_required"_s;
    case OnboardingState::Approved:
        return u"approved"_s;
    case OnboardingState::Rejected:
        return u"rejected"_s;
    case OnboardingState::Active:
        return u"active"_s;
    case OnboardingState::Closed:
        break;
    }
    return u"closed"_s;
}

OnboardingState onboardingStateFromString(QStringView text)
{
    for (OnboardingState s : {OnboardingState::Submitting, OnboardingState::Submitted,
                              OnboardingState::ActionRequired, OnboardingState::Approved,
                              OnboardingState::Rejected, OnboardingState::Active, OnboardingState::Closed}) {
        if (toString(s) == text)
            return s;
    }
    return OnboardingState::Draft;
}

std::optional<OnboardingState> onboardingStateFor(AccountStatus status)
{
    using S = AccountStatus;
    switch (status) {
    case S::Onboarding:
    case S::Submitted:
    case S::Resubmitted:
    case S::Edited:
    case S::ApprovalPending:
    case S::ReapprovalPending:
    case S::SignedUp:
    case S::KycSubmitted:
    case S::AmlReview:
        return OnboardingState::Submitted;
    case S::ActionRequired:
    case S::SubmissionFailed:
        return OnboardingState::ActionRequired;
    case S::Approved:
        return OnboardingState::Approved;
    case S::Rejected:
        return OnboardingState::Rejected;
    case S::Active:
    case S::AccountUpdated:
    case S::Limited:
    case S::PaperOnly:
        return OnboardingState::Active;
    case S::Disabled:
    case S::DisablePending:
    case S::AccountClosed:
    case S::Inactive:
        return OnboardingState::Closed;
    case S::Unknown:
        break;
    }
    return std::nullopt;
}

OnboardingService::OnboardingService(Database &db, OnboardingRepository &applications,
                                     BrokerageAccountRepository &accounts, AccountOpener &opener,
                                     AuditLog &audit, Options options, QObject *parent)
    : QObject(parent), m_db(db), m_applications(applications), m_accounts(accounts), m_opener(opener),
      m_audit(audit), m_options(options)
{
    connect(&m_opener, &AccountOpener::statusChanged, this, &OnboardingService::onStatusChanged);
    connect(&m_poll, &QTimer::timeout, this, &OnboardingService::pollPending);
}

OnboardingService::~OnboardingService() = default;

void OnboardingService::start()
{
    if (m_options.pollInterval.count() > 0)
        m_poll.start(m_options.pollInterval);
    pollPending();
}

bool OnboardingService::isPaper() const
{
    return m_opener.isPaper();
}

Expected<OnboardingRecord, OnboardingError> OnboardingService::load(const QString &userId) const
{
    const auto found = m_applications.find(userId);
    if (!found)
        return unexpected(storeFailure(found.error()));
    if (*found)
        return **found;
    OnboardingRecord fresh;
    fresh.userId = userId;
    fresh.createdAt = now();
    fresh.updatedAt = fresh.createdAt;
    return fresh;
}

Expected<Done, OnboardingError> OnboardingService::store(OnboardingRecord &record)
{
    record.updatedAt = now();
    if (!record.createdAt.isValid())
        record.createdAt = record.updatedAt;
    if (auto saved = m_applications.save(record); !saved)
        return unexpected(storeFailure(saved.error()));
    return Done{};
}

QList<FieldError> OnboardingService::problems(const OnboardingRecord &r, QStringList *completed) const
{
    const OnboardingRules rules(now().date());
    QList<FieldError> errors;
    QJsonObject all;
    for (OnboardingStep step : onboardingSteps()) {
        const QString name = toString(step);
        if (!r.steps.contains(name))
            continue;
        const QJsonObject data = checkable(r, step);
        all.insert(name, data);
        const QList<FieldError> own = rules.checkStep(step, data, !r.taxId.isEmpty());
        if (own.isEmpty() && completed)
            completed->append(name);
        errors += own;
    }
    const QList<FieldError> across = rules.checkAcrossSteps(all);
    for (const FieldError &e : across) {
        if (completed)
            completed->removeAll(e.field.section(u'.', 0, 0));
    }
    return errors + across;
}

Result OnboardingService::view(const QString &userId) const
{
    const auto record = load(userId);
    if (!record)
        return unexpected(record.error());
    return viewOf(*record);
}

QJsonObject OnboardingService::viewOf(const OnboardingRecord &r) const
{
    const OnboardingState state = onboardingStateFromString(r.state);
    QStringList completed;
    const QList<FieldError> errors = problems(r, &completed);
    QStringList remaining;
    for (OnboardingStep step : onboardingSteps()) {
        if (!completed.contains(toString(step)))
            remaining.append(toString(step));
    }
    QJsonObject steps = r.steps;
    if (steps.contains(u"identity"_s)) {
        // Never the tax id itself: its last four characters are enough to recognise it.
        QJsonObject identity = steps.value(u"identity"_s).toObject();
        if (!r.dateOfBirth.isEmpty())
            identity.insert(u"date_of_birth"_s, r.dateOfBirth);
        if (!r.taxId.isEmpty())
            identity.insert(u"tax_id_last4"_s, r.taxIdLast4());
        steps.insert(u"identity"_s, identity);
    }
    QJsonArray errorList;
    for (const FieldError &e : errors)
        errorList.append(QJsonObject{{u"field"_s, e.field}, {u"message"_s, e.message}});
    const auto time = [](const std::optional<QDateTime> &t) {
        return t ? QJsonValue(t->toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
    };
    const bool draft = state == OnboardingState::Draft;
    return {
        {u"state"_s, toString(state)},
        {u"status_message"_s, plainWords(r, remaining, !errors.isEmpty())},
        {u"broker"_s, r.broker.isEmpty() ? m_opener.brokerName() : r.broker},
        {u"paper"_s, m_opener.isPaper()},
        {u"broker_account_id"_s,
         r.brokerAccountId.isEmpty() ? QJsonValue(QJsonValue::Null) : r.brokerAccountId},
        {u"broker_status"_s, r.brokerStatus.isEmpty() ? QJsonValue(QJsonValue::Null) : r.brokerStatus},
        {u"editable"_s, draft},
        {u"can_submit"_s, draft && remaining.isEmpty() && errors.isEmpty()},
        {u"steps"_s, steps},
        {u"completed_steps"_s, QJsonArray::fromStringList(completed)},
        {u"remaining_steps"_s, QJsonArray::fromStringList(remaining)},
        {u"errors"_s, errorList},
        {u"last_error"_s, r.errorCode.isEmpty()
                              ? QJsonValue(QJsonValue::Null)
                              : QJsonObject{{u"code"_s, r.errorCode}, {u"message"_s, r.errorMessage}}},
        {u"submitted_at"_s, time(r.submittedAt)},
        {u"updated_at"_s, time(r.updatedAt.isValid() ? std::optional(r.updatedAt) : std::nullopt)},
    };
}

QString OnboardingService::plainWords(const OnboardingRecord &r, const QStringList &remaining,
                                      bool hasErrors) const
{
    const bool paper = m_opener.isPaper();
    switch (onboardingStateFromString(r.state)) {
    case OnboardingState::Draft: {
        QString text;
        if (r.steps.isEmpty())
            text = u"Start your application: your contact details, your identity, your employment and "
                   "finances, a few regulatory questions, and the broker's agreements."_s;
        else if (!remaining.isEmpty())
            text = u"Your application is saved as a draft. Still to complete: %1."_s.arg(
                remaining.join(u", "_s));
        else if (hasErrors)
            text = u"Please correct the fields marked below before you submit."_s;
        else
            text = u"Your application is complete. Submit it when you are ready."_s;
        if (paper)
            text += u" This opens a paper account at the simulated broker: no real money is involved."_s;
        if (!r.errorCode.isEmpty())
            text += u" The broker did not accept the last submission: %1"_s.arg(r.errorMessage);
        return text;
    }
    case OnboardingState::Submitting:
        if (!r.errorCode.isEmpty())
            return u"We could not confirm that the broker received your application. Submit it again: "
                   "this will never open a second account."_s;
        return u"We are sending your application to the broker."_s;
    case OnboardingState::Submitted:
        return paper ? u"Your paper account application was received by the simulated broker and is being "
                       "set up."_s
                     : u"Your application was received and is being reviewed by the broker. This usually "
                       "takes from a few minutes to one business day."_s;
    case OnboardingState::ActionRequired:
        return u"The broker needs more information before it can approve your account. We will contact you "
               "by email with what is missing."_s;
    case OnboardingState::Approved:
        return u"Your application was approved. The account is being opened and will be ready to fund "
               "shortly."_s;
    case OnboardingState::Rejected:
        return u"The broker could not approve your application. Please contact support to find out why."_s;
    case OnboardingState::Active:
        return paper ? u"Your paper account at the simulated broker is open. It holds simulated money only: "
                       "add funds to start trading."_s
                     : u"Your brokerage account is open. Fund it to start trading."_s;
    case OnboardingState::Closed:
        break;
    }
    return u"This brokerage account is closed or disabled. Please contact support."_s;
}

Result OnboardingService::saveStep(const QString &userId, OnboardingStep step, const QJsonObject &input,
                                   const QString &clientIp)
{
    auto record = load(userId);
    if (!record)
        return unexpected(record.error());
    OnboardingRecord &r = *record;
    if (onboardingStateFromString(r.state) != OnboardingState::Draft || m_inFlight.contains(userId))
        return unexpected(OnboardingError{OnboardingError::Kind::Conflict,
                                          u"application_submitted"_s,
                                          u"the application was submitted and can no longer be changed"_s,
                                          {}});
    QJsonObject data = input;
    const OnboardingRules rules(now().date());
    QList<FieldError> errors = rules.checkStep(step, data, !r.taxId.isEmpty());
    const QHostAddress ip(clientIp);
    if (step == OnboardingStep::Agreements && ip.protocol() != QAbstractSocket::IPv4Protocol)
        errors.append({u"agreements.agreements"_s,
                       u"the broker records agreements with an IPv4 address; connect over IPv4"_s});
    if (!errors.isEmpty())
        return unexpected(OnboardingError{OnboardingError::Kind::Invalid, u"validation_failed"_s,
                                          u"%1 field(s) need attention"_s.arg(errors.size()), errors});
    switch (step) {
    case OnboardingStep::Identity:
        if (data.contains(u"tax_id"_s))
            r.taxId = data.take(u"tax_id"_s).toString().trimmed();
        r.dateOfBirth = data.take(u"date_of_birth"_s).toString().trimmed();
        break;
    case OnboardingStep::Employment:
        // Amounts kept as exact decimal strings.
        for (const QString &key : kAmountFields) {
            if (data.value(key).isDouble())
                data.insert(key, QString::number(qint64(data.value(key).toDouble())));
        }
        break;
    case OnboardingStep::Agreements: {
        const QString signedAt = now().toUTC().toString(Qt::ISODate);
        QJsonArray agreements;
        for (const QJsonValue &v : data.value(u"agreements"_s).toArray()) {
            QJsonObject a = v.toObject();
            a.insert(u"signed_at"_s, signedAt);
            a.insert(u"ip_address"_s, ip.toString());
            agreements.append(a);
        }
        data.insert(u"agreements"_s, agreements);
        break;
    }
    case OnboardingStep::Contact:
    case OnboardingStep::Disclosures:
        break;
    }
    r.steps.insert(toString(step), data);
    r.errorCode.clear();
    r.errorMessage.clear();
    if (auto saved = store(r); !saved)
        return unexpected(saved.error());
    Q_EMIT changed(userId);
    return viewOf(r);
}

Expected<AccountApplication, QString> OnboardingService::applicationOf(const OnboardingRecord &r)
{
    const QJsonObject steps = r.steps;
    QJsonObject contact = steps.value(u"contact"_s).toObject();
    const QJsonValue trusted = contact.take(u"trusted_contact"_s);
    QJsonObject identity = steps.value(u"identity"_s).toObject();
    if (!r.taxId.isEmpty())
        identity.insert(u"tax_id"_s, r.taxId);
    if (!r.dateOfBirth.isEmpty())
        identity.insert(u"date_of_birth"_s, r.dateOfBirth);
    const QJsonObject employment = steps.value(u"employment"_s).toObject();
    QJsonObject disclosures = steps.value(u"disclosures"_s).toObject();
    const QJsonValue documents = disclosures.take(u"documents"_s);
    for (const QString &key : kEmploymentFields) {
        if (employment.contains(key))
            disclosures.insert(key, employment.value(key));
    }
    for (const QString &key : kAmountFields + QStringList{u"funding_source"_s}) {
        if (employment.contains(key))
            identity.insert(key, employment.value(key));
    }
    const QJsonObject agreements = steps.value(u"agreements"_s).toObject();
    QJsonObject body{{u"contact"_s, contact},
                     {u"identity"_s, identity},
                     {u"disclosures"_s, disclosures},
                     {u"agreements"_s, agreements.value(u"agreements"_s)}};
    if (documents.isArray())
        body.insert(u"documents"_s, documents);
    if (trusted.isObject())
        body.insert(u"trusted_contact"_s, trusted);
    for (const QString &key :
         {u"enabled_assets"_s, u"account_type"_s, u"account_sub_type"_s, u"currency"_s}) {
        if (agreements.contains(key))
            body.insert(key, agreements.value(key));
    }
    auto application = AccountApplication::fromJson(body);
    if (!application)
        return unexpected(application.error().path + u": "_s + application.error().message);
    return *application;
}

QFuture<Result> OnboardingService::submit(const QString &userId, const QString &clientIp)
{
    return submitAs(userId, {userId, clientIp});
}

QFuture<Result> OnboardingService::submitAs(const QString &userId, const Origin &origin)
{
    auto record = load(userId);
    if (!record)
        return ready(unexpected(record.error()));
    OnboardingRecord &r = *record;
    const OnboardingState state = onboardingStateFromString(r.state);
    // Already at the broker, or on its way there: the same answer as the first submit.
    if (m_inFlight.contains(userId) ||
        (state != OnboardingState::Draft && state != OnboardingState::Submitting))
        return ready(viewOf(r));
    if (state == OnboardingState::Draft) {
        QStringList completed;
        QList<FieldError> errors = problems(r, &completed);
        for (OnboardingStep step : onboardingSteps()) {
            if (!r.steps.contains(toString(step)))
                errors.append({toString(step), u"this step is not completed yet"_s});
        }
        if (!errors.isEmpty()) {
            QJsonArray fields; // which fields, never what they hold
            for (const FieldError &e : std::as_const(errors))
                fields.append(e.field);
            audit(origin, u"onboarding.submit"_s, userId, u"denied"_s,
                  {{u"error"_s, u"validation_failed"_s}, {u"fields"_s, fields}});
            return ready(unexpected(OnboardingError{OnboardingError::Kind::Invalid, u"validation_failed"_s,
                                                    u"the application is not complete"_s, errors}));
        }
        r.state = toString(OnboardingState::Submitting);
        r.submissionId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        r.submittedAt = now();
        r.submitAttempts = 1;
        r.broker = m_opener.brokerName();
        r.errorCode.clear();
        r.errorMessage.clear();
        if (auto saved = store(r); !saved)
            return ready(unexpected(saved.error()));
        return send(r, false, origin);
    }
    // Submitting without a submission in flight: an earlier attempt's outcome is unknown.
    ++r.submitAttempts;
    if (auto saved = store(r); !saved)
        return ready(unexpected(saved.error()));
    return send(r, true, origin);
}

QJsonObject OnboardingService::submissionDetails(const OnboardingRecord &r)
{
    return {{u"submission_id"_s, r.submissionId}, {u"attempt"_s, r.submitAttempts}, {u"broker"_s, r.broker}};
}

void OnboardingService::audit(const Origin &origin, const QString &action, const QString &userId,
                              const QString &result, QJsonObject details)
{
    AuditEntry entry;
    entry.at = now();
    entry.actor = origin.actor.isEmpty() ? u"system"_s : origin.actor;
    entry.action = action;
    entry.subject = userId;
    entry.ip = origin.ip;
    entry.result = result;
    entry.details = std::move(details);
    if (const auto appended = m_audit.append(entry); !appended)
        qCWarning(lcOnboarding) << "cannot write the audit log:" << appended.error().message;
}

QFuture<Result> OnboardingService::send(OnboardingRecord record, bool lookFirst, const Origin &origin)
{
    const auto application = applicationOf(record);
    if (!application) {
        qCWarning(lcOnboarding) << "cannot build the application:" << application.error();
        return ready(unexpected(OnboardingError{OnboardingError::Kind::Internal,
                                                u"internal_error"_s,
                                                u"the application could not be prepared"_s,
                                                {}}));
    }
    const QString userId = record.userId;
    QJsonObject details = submissionDetails(record);
    details.insert(u"looked_up_first"_s, lookFirst);
    m_inFlight.insert(userId);
    auto promise = std::make_shared<QPromise<Result>>();
    promise->start();
    QFuture<Result> future = promise->future();
    // Audits how the submission ended: ok with the account, or error with our code and the broker's.
    const auto finish = [this, promise, userId, origin, details](Result result,
                                                                 const BrokerError *brokerError = nullptr) {
        QJsonObject outcome = details;
        if (result) {
            outcome.insert(u"broker_account_id"_s, result->value(u"broker_account_id"_s));
            outcome.insert(u"broker_status"_s, result->value(u"broker_status"_s));
        } else {
            outcome.insert(u"error"_s, result.error().code);
        }
        if (brokerError) {
            outcome.insert(u"broker_error"_s, brokerError->kindName());
            outcome.insert(u"broker_code"_s, brokerError->code);
            outcome.insert(u"http_status"_s, brokerError->httpStatus);
        }
        audit(origin, u"onboarding.submit"_s, userId, result ? u"ok"_s : u"error"_s, outcome);
        m_inFlight.remove(userId);
        promise->addResult(std::move(result));
        promise->finish();
        Q_EMIT changed(userId);
    };
    const auto open = [this, finish, userId, lookFirst, application = *application,
                       reference = record.submissionId] {
        m_opener.open(application, reference)
            .then(this, [this, finish, userId, lookFirst, application,
                         reference](const BrokerResult<OpenedAccount> &r) {
                if (r || !lookFirst || r.error().kind != BrokerError::Kind::EmailAlreadyRegistered)
                    return r ? finish(opened(userId, *r)) : finish(failed(userId, r.error()), &r.error());
                // A retry: the email may be taken by the account our first attempt opened, which the
                // time-bounded look-up missed (clocks, the broker's search). Look at any time before
                // concluding the email is someone else's.
                const BrokerError taken = r.error();
                m_opener.find(application, reference, Timestamp::fromNanos(0))
                    .then(this, [this, finish, userId,
                                 taken](const BrokerResult<std::optional<OpenedAccount>> &found) {
                        if (!found)
                            return finish(failed(userId, found.error()), &found.error());
                        if (*found) {
                            qCInfo(lcOnboarding) << "a retried submission found the account the first one "
                                                    "opened (outside the look-up window)";
                            return finish(opened(userId, **found));
                        }
                        finish(failed(userId, taken), &taken);
                    });
            });
    };
    if (!lookFirst) {
        open();
        return future;
    }
    const Timestamp since = Timestamp::fromDateTime(record.submittedAt.value_or(record.createdAt));
    m_opener.find(*application, record.submissionId, since)
        .then(this, [this, finish, open, userId, origin,
                     details](const BrokerResult<std::optional<OpenedAccount>> &found) {
            if (!found)
                return finish(failed(userId, found.error()), &found.error());
            if (*found) {
                qCInfo(lcOnboarding) << "a retried submission found the account the first one opened";
                QJsonObject adopted = details;
                adopted.insert(u"broker_account_id"_s, (*found)->id);
                adopted.remove(u"looked_up_first"_s);
                audit(origin, u"onboarding.adopt"_s, userId, u"ok"_s, adopted);
                return finish(opened(userId, **found));
            }
            open();
        });
    return future;
}

Result OnboardingService::opened(const QString &userId, const OpenedAccount &account)
{
    auto record = load(userId);
    if (!record)
        return unexpected(record.error());
    OnboardingRecord &r = *record;
    r.broker = m_opener.brokerName();
    r.brokerAccountId = account.id;
    r.errorCode.clear();
    r.errorMessage.clear();
    r.state = toString(OnboardingState::Submitted);
    if (auto applied = applyStatus(r, account.status); !applied)
        return unexpected(applied.error());
    // A status event may have overtaken the answer to the creation.
    if (const auto early = m_earlyStatus.find(account.id); early != m_earlyStatus.end()) {
        const AccountStatus status = *early;
        m_earlyStatus.erase(early);
        if (auto applied = applyStatus(r, status); !applied)
            return unexpected(applied.error());
    }
    return viewOf(r);
}

Result OnboardingService::failed(const QString &userId, const BrokerError &error)
{
    using K = BrokerError::Kind;
    auto record = load(userId);
    if (!record)
        return unexpected(record.error());
    OnboardingRecord &r = *record;
    qCWarning(lcOnboarding) << "submission failed:" << error.kindName() << error.message;
    OnboardingError out;
    switch (error.kind) {
    case K::EmailAlreadyRegistered:
        r.state = toString(OnboardingState::Draft);
        r.errorCode = u"email_already_registered"_s;
        r.errorMessage = u"the broker already has an account with this email address"_s;
        out = {OnboardingError::Kind::Conflict,
               r.errorCode,
               r.errorMessage,
               {{u"contact.email_address"_s, u"already has an account at the broker"_s}}};
        break;
    case K::InvalidRequest:
    case K::Conflict:
    case K::Forbidden:
    case K::NotFound:
    case K::Unauthorized:
        // The broker answered and opened nothing: back to the draft, with its reason.
        r.state = toString(OnboardingState::Draft);
        r.errorCode = u"application_refused"_s;
        r.errorMessage = error.message;
        out = {OnboardingError::Kind::Refused,
               r.errorCode,
               u"the broker refused the application: "_s + error.message,
               {}};
        break;
    default:
        // Perhaps opened, perhaps not: stay submitting; the next submit looks the account up first.
        r.errorCode = u"broker_unavailable"_s;
        r.errorMessage = error.message;
        out = {OnboardingError::Kind::Unavailable,
               r.errorCode,
               u"the broker could not be reached; submit again (it will not open a second account)"_s,
               {}};
        break;
    }
    if (auto saved = store(r); !saved)
        return unexpected(saved.error());
    return unexpected(out);
}

Expected<Done, OnboardingError> OnboardingService::applyStatus(OnboardingRecord &r, AccountStatus status)
{
    const QString before = r.brokerStatus;
    r.brokerStatus = toWire(status);
    r.checkedAt = now();
    if (const auto next = onboardingStateFor(status))
        r.state = toString(*next);
    const OnboardingState state = onboardingStateFromString(r.state);
    const bool link = state == OnboardingState::Approved || state == OnboardingState::Active;
    // The change, the link and their audit rows are stored together or not at all.
    const auto done = m_db.transaction([&]() -> Expected<Done, StoreError> {
        r.updatedAt = now();
        if (auto saved = m_applications.save(r); !saved)
            return saved;
        AuditEntry entry;
        entry.at = r.updatedAt;
        entry.actor = u"system"_s;
        entry.subject = r.userId;
        entry.result = u"ok"_s;
        const QJsonObject account{{u"broker"_s, r.broker}, {u"broker_account_id"_s, r.brokerAccountId}};
        if (before != r.brokerStatus) {
            entry.action = u"onboarding.status"_s;
            entry.details = account;
            entry.details.insert(u"from"_s,
                                 before.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(before));
            entry.details.insert(u"to"_s, r.brokerStatus);
            entry.details.insert(u"state"_s, r.state);
            if (auto appended = m_audit.append(entry); !appended)
                return unexpected(appended.error());
        }
        if (!link)
            return Done{};
        const auto owner = m_accounts.ownerOf(r.brokerAccountId);
        if (!owner)
            return unexpected(owner.error());
        if (*owner == r.userId)
            return Done{}; // linked already (approved, then active)
        if (auto added = m_accounts.add(r.userId, r.brokerAccountId, r.broker, r.updatedAt); !added)
            return added;
        entry.action = u"onboarding.link"_s;
        entry.details = account;
        if (auto appended = m_audit.append(entry); !appended)
            return unexpected(appended.error());
        return Done{};
    });
    if (!done)
        return unexpected(storeFailure(done.error()));
    if (link)
        qCInfo(lcOnboarding) << "account" << r.brokerAccountId << "is now the user's:" << r.brokerStatus;
    return Done{};
}

void OnboardingService::onStatusChanged(const QString &accountId, AccountStatus status)
{
    const auto found = m_applications.findByBrokerAccount(m_opener.brokerName(), accountId);
    if (!found) {
        qCWarning(lcOnboarding) << "cannot read the application of" << accountId << found.error().message;
        return;
    }
    if (!*found) {
        // Not ours, or the creation's answer has not arrived yet: kept for opened().
        if (m_earlyStatus.size() > 1000)
            m_earlyStatus.clear();
        m_earlyStatus.insert(accountId, status);
        return;
    }
    OnboardingRecord r = **found;
    if (r.brokerStatus == toWire(status))
        return;
    if (auto applied = applyStatus(r, status); !applied)
        return;
    Q_EMIT changed(r.userId);
}

QFuture<Result> OnboardingService::refresh(const QString &userId)
{
    auto record = load(userId);
    if (!record)
        return ready(unexpected(record.error()));
    const OnboardingRecord &r = *record;
    const bool stale = !r.checkedAt || r.checkedAt->msecsTo(now()) >= m_options.minCheckInterval.count();
    if (!waitsForBroker(onboardingStateFromString(r.state)) || r.brokerAccountId.isEmpty() || !stale ||
        m_inFlight.contains(userId))
        return ready(viewOf(r));
    return m_opener.status(r.brokerAccountId)
        .then(this, [this, userId](const BrokerResult<OpenedAccount> &status) -> Result {
            auto current = load(userId);
            if (!current)
                return unexpected(current.error());
            if (!status) {
                // The last known status is still the best answer.
                qCWarning(lcOnboarding) << "cannot read the account status:" << status.error().message;
                return viewOf(*current);
            }
            if (auto applied = applyStatus(*current, status->status); !applied)
                return unexpected(applied.error());
            Q_EMIT changed(userId);
            return viewOf(*current);
        });
}

void OnboardingService::pollPending()
{
    const auto users = m_applications.pendingUsers();
    if (!users) {
        qCWarning(lcOnboarding) << "cannot list pending applications:" << users.error().message;
        return;
    }
    for (const QString &userId : *users) {
        const auto record = m_applications.find(userId);
        if (!record || !*record || m_inFlight.contains(userId))
            continue;
        if (onboardingStateFromString((*record)->state) == OnboardingState::Submitting)
            (void)submitAs(userId, {u"system"_s, {}});
        else
            (void)refresh(userId);
    }
}

} // namespace clera
