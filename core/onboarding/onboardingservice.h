#pragma once

#include "core/domain/account.h"
#include "core/onboarding/onboardingerror.h"
#include "core/onboarding/onboardingrules.h"
#include "core/store/onboardingrepository.h"

#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>

namespace clera {

class AccountOpener;
class AuditLog;
class BrokerageAccountRepository;
class Database;
struct AccountApplication;
struct BrokerError;
struct OpenedAccount;

enum class OnboardingState {
    Draft,
    Submitting,
    Submitted,
    ActionRequired,
    Approved,
    Rejected,
    Active,
    Closed
};
[[nodiscard]] QString toString(OnboardingState state); // draft, submitting, submitted, action_required, …
[[nodiscard]] OnboardingState onboardingStateFromString(QStringView text);
// Where a broker status leaves the application (nullopt: unknown status, state unchanged).
[[nodiscard]] std::optional<OnboardingState> onboardingStateFor(AccountStatus status);

// Brokerage onboarding for every user, as a state machine kept in the store:
//   draft ─submit→ submitting ─broker→ submitted → action_required | approved → active | rejected | closed
// Steps are saved one at a time in draft, each validated on its own (field errors), and the whole is
// validated again across steps before it is submitted. A submission is recorded (submitting, with a
// submission id) before the broker is called; a submit that finds it already there looks the account up
// at the broker before opening one, so a retried submit never opens two accounts. Status comes from the
// broker's events (AccountOpener::statusChanged) and from polling; on approved or active the broker account
// is recorded as the user's (BrokerageAccountRepository), which gives them the account and trading routes.
// The audit log gets a row for every submission (onboarding.submit: who, from where, ok/denied/error with
// the broker's code), every adoption of an account a lost answer had opened (onboarding.adopt), every
// status change from the broker (onboarding.status) and the link (onboarding.link), the last two by
// "system" and in the transaction that records them. Details hold ids, states and codes only: never the
// tax id, the date of birth, a document or the broker's message (which may echo what was sent).
class OnboardingService : public QObject
{
    Q_OBJECT
public:
    using Result = Expected<QJsonObject, OnboardingError>;
    struct Options
    {
        std::chrono::milliseconds pollInterval{60'000};     // pollPending() period after start()
        std::chrono::milliseconds minCheckInterval{10'000}; // refresh() asks the broker at most this often
    };

    OnboardingService(Database &db, OnboardingRepository &applications, BrokerageAccountRepository &accounts,
                      AccountOpener &opener, AuditLog &audit, Options options, QObject *parent = nullptr);
    ~OnboardingService() override;

    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    void setMinCheckInterval(std::chrono::milliseconds interval) { m_options.minCheckInterval = interval; }
    // Polls the pending applications now and every pollInterval.
    void start();

    // The user's application as the REST API shows it (see docs/api.md): state, plain-words status, the
    // saved steps (the tax id as its last four characters only), completed and remaining steps, field errors.
    [[nodiscard]] Result view(const QString &userId) const;
    // Saves one step of a draft; `clientIp` signs the agreements (with the server's time).
    [[nodiscard]] Result saveStep(const QString &userId, OnboardingStep step, const QJsonObject &data,
                                  const QString &clientIp);
    // Submits a complete draft; answers the current view when it is already submitted (idempotent).
    // `clientIp` is audited with the submission.
    [[nodiscard]] QFuture<Result> submit(const QString &userId, const QString &clientIp);
    // Reads the broker's status when the application waits for it and was not checked lately.
    [[nodiscard]] QFuture<Result> refresh(const QString &userId);
    // Refreshes every waiting application and resumes submissions whose outcome is unknown.
    void pollPending();

    // The Broker API application built from the saved steps (identity.tax_id and date_of_birth included).
    [[nodiscard]] static Expected<AccountApplication, QString> applicationOf(const OnboardingRecord &record);
    [[nodiscard]] bool isPaper() const;

Q_SIGNALS:
    void changed(const QString &userId);

private:
    // Who a submission is audited as: the user and their address, or "system" resuming one.
    struct Origin
    {
        QString actor;
        QString ip;
    };

    [[nodiscard]] QDateTime now() const { return m_clock(); }
    [[nodiscard]] Expected<OnboardingRecord, OnboardingError> load(const QString &userId) const;
    [[nodiscard]] QList<FieldError> problems(const OnboardingRecord &record, QStringList *completed) const;
    [[nodiscard]] QJsonObject viewOf(const OnboardingRecord &record) const;
    [[nodiscard]] QString plainWords(const OnboardingRecord &record, const QStringList &remaining,
                                     bool hasErrors) const;
    [[nodiscard]] Expected<Done, OnboardingError> store(OnboardingRecord &record);
    // Moves the application to where `status` leaves it and links the account on approval.
    [[nodiscard]] Expected<Done, OnboardingError> applyStatus(OnboardingRecord &record, AccountStatus status);
    [[nodiscard]] QFuture<Result> submitAs(const QString &userId, const Origin &origin);
    [[nodiscard]] QFuture<Result> send(OnboardingRecord record, bool lookFirst, const Origin &origin);
    [[nodiscard]] Result opened(const QString &userId, const OpenedAccount &account);
    [[nodiscard]] Result failed(const QString &userId, const BrokerError &error);
    // An audit row about the user's application; a failure to write it is logged.
    void audit(const Origin &origin, const QString &action, const QString &userId, const QString &result,
               QJsonObject details);
    [[nodiscard]] static QJsonObject submissionDetails(const OnboardingRecord &record);
    void onStatusChanged(const QString &accountId, AccountStatus status);

    Database &m_db;
    OnboardingRepository &m_applications;
    BrokerageAccountRepository &m_accounts;
    AccountOpener &m_opener;
    AuditLog &m_audit;
    Options m_options;
    std::function<QDateTime()> m_clock = [] { return QDateTime::currentDateTimeUtc(); };
    QTimer m_poll;
    QSet<QString> m_inFlight;                    // users whose submission is at the broker right now
    QHash<QString, AccountStatus> m_earlyStatus; // events for accounts whose creation answer is not in yet
};

} // namespace clera
