#pragma once

#include "core/domain/achrelationship.h"
#include "core/funding/fundingerror.h"
#include "core/store/banklinkrepository.h"
#include "core/store/transferrepository.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <functional>

namespace clera {

class AuditLog;
class Database;
class FundingGateway;

// Who acts and from where (for the audit log).
struct FundingOrigin
{
    QString userId;
    QString ip;
};

// A bank to link: manual details, or a Plaid processor token and nothing else.
struct LinkBank
{
    QString accountId;
    QString ownerName;
    QString accountType; // checking | savings (any case)
    QString accountNumber;
    QString routingNumber;
    QString nickname;
    QString processorToken;
};

struct RequestTransfer
{
    QString accountId;
    QString linkId;
    QString direction; // INCOMING (deposit) | OUTGOING (withdrawal), any case
    QString amount;    // decimal string
    QString idempotencyKey;
};

// Bank links and ACH transfers, every one audit-logged. A transfer is validated ($1–$50,000, cents),
// checked against the one-transfer-per-account-per-day rule, stored with the client's idempotency key,
// and only then sent to the broker; a retry with the same key answers with the stored transfer and
// never sends a second one. A lost broker answer leaves the transfer `unknown`; reconcile() (before
// anything new is taken), the poll and a retry look for it in the broker's transfer list (one record
// of an account at a time, oldest first, never while another of its transfers is being sent): found
// within its window, it is adopted; still missing once the resolve window has passed, it is
// `not_sent` and nothing moved. An unknown transfer counts toward the daily limit. Statuses follow the broker's events, a poll, and reads.
// Full bank account numbers go to the broker only; the store keeps the last four digits.
class FundingService : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultPollMs = 60'000;
    // How long after we stored a transfer the broker may still be processing a request whose answer
    // we lost: the broker request timeout (10 s) plus a margin. Only after it is a transfer that is
    // missing from the broker's list `not_sent`; broker transfers created later are never adopted.
    static constexpr std::chrono::milliseconds kDefaultResolveWindow{10'000 + 5 * 60'000};

    FundingService(FundingGateway &gateway, Database &db, AuditLog &audit, QObject *parent = nullptr);
    ~FundingService() override;

    [[nodiscard]] QFuture<FundingResult<BankLinkRecord>> link(const FundingOrigin &origin,
                                                              const LinkBank &command);
    // The account's active links, statuses refreshed from the broker when it answers.
    [[nodiscard]] QFuture<FundingResult<QList<BankLinkRecord>>> links(const QString &accountId);
    [[nodiscard]] QFuture<FundingResult<Done>> unlink(const FundingOrigin &origin, const QString &accountId,
                                                      const QString &linkId);

    [[nodiscard]] QFuture<FundingResult<TransferRecord>> transfer(const FundingOrigin &origin,
                                                                  const RequestTransfer &command);
    // Newest first, statuses synced with the broker first (stored ones when it cannot be reached).
    [[nodiscard]] QFuture<FundingResult<QList<TransferRecord>>> transfers(const QString &accountId);
    [[nodiscard]] QFuture<FundingResult<TransferRecord>> transferById(const QString &accountId,
                                                                      const QString &transferId);
    // Cancels a transfer the broker has not sent yet (QUEUED).
    [[nodiscard]] QFuture<FundingResult<TransferRecord>>
    cancel(const FundingOrigin &origin, const QString &accountId, const QString &transferId);

    // Audit-logs a money movement or link change refused before it reached the service.
    void auditRefusal(const FundingOrigin &origin, const QString &accountId, const QString &action,
                      const QString &code);

    // Settles every pending/unknown transfer, then marks the service ready and emits reconciled().
    void reconcile();
    // False until reconcile() has finished: transfer() answers Unavailable ("reconciling") until then.
    [[nodiscard]] bool isReady() const { return m_ready; }
    // Syncs the statuses of accounts with open transfers, and looks for unknown ones at the broker,
    // every `ms` (0 stops).
    void setPollInterval(int ms);
    // See kDefaultResolveWindow (set it above the broker's request timeout).
    void setResolveWindow(std::chrono::milliseconds window) { m_resolveWindow = window; }

    [[nodiscard]] TransferRepository &transferStore() { return m_transfers; }
    [[nodiscard]] BankLinkRepository &linkStore() { return m_links; }

Q_SIGNALS:
    void reconciled(int settled, int unsettled);
    // A transfer's broker status changed (events, poll or read).
    void transferUpdated(const QString &accountId, const QString &transferId);

private:
    using TransferFinish = std::function<void(FundingResult<TransferRecord>)>;

    void storeAndSubmit(const FundingOrigin &origin, const TransferRecord &record,
                        const TransferFinish &finish, bool retried = false);
    void replay(const FundingOrigin &origin, const TransferRecord &record, const RequestTransfer &command,
                Decimal amount, TransferDirection direction, const TransferFinish &finish);
    void submit(const FundingOrigin &origin, const TransferRecord &record, const TransferFinish &finish);
    // Looks for a transfer whose answer was lost in the broker's list: adopted, or not_sent.
    void lookUp(const FundingOrigin &origin, const TransferRecord &record, const TransferFinish &finish);
    [[nodiscard]] std::optional<FundingError> dailyLimit(const QString &accountId) const;
    void adoptOrRefuseLink(const FundingOrigin &origin, const LinkBank &command,
                           const std::function<void(FundingResult<BankLinkRecord>)> &finish);
    [[nodiscard]] FundingResult<BankLinkRecord>
    storeLink(const FundingOrigin &origin, const LinkBank &command, const AchRelationship &relationship);
    // Brings stored statuses to the broker's; calls `done` afterwards (also when the broker fails).
    void sync(const QString &accountId, const std::function<void()> &done);
    void poll();
    [[nodiscard]] FundingResult<TransferRecord> reread(const TransferRecord &record) const;
    [[nodiscard]] bool inFlightOn(const QString &accountId) const;
    bool settle(const TransferRecord &record, TransferRecord::State state, const QString &brokerTransferId,
                TransferStatus status, const FundingError *error);
    void audit(const FundingOrigin &origin, const QString &action, const QString &accountId,
               const QString &result, QJsonObject details);

    FundingGateway &m_gateway;
    Database &m_db;
    AuditLog &m_audit;
    BankLinkRepository m_links;
    TransferRepository m_transfers;
    QHash<QString, QString> m_inFlight; // transfer id -> account id, broker call not answered yet
    QSet<QString> m_lookingUp;          // accounts whose transfer list is being searched
    std::chrono::milliseconds m_resolveWindow = kDefaultResolveWindow;
    QTimer m_poll;
    bool m_ready = false;
};

} // namespace clera
