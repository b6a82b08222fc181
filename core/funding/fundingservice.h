#pragma once

#include "core/domain/achrelationship.h"
#include "core/funding/fundingerror.h"
#include "core/store/banklinkrepository.h"
#include "core/store/transferrepository.h"

#include <QFuture>
#include <QObject>
#include <QSet>
#include <QTimer>

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
// anything new is taken) and a retry look for it in the broker's transfer list: found, it is adopted;
// missing, it is `not_sent` and nothing moved. Statuses follow the broker's events, a poll, and reads.
// Full bank account numbers go to the broker only; the store keeps the last four digits.
class FundingService : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultPollMs = 60'000;

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
    // Syncs the statuses of accounts with open transfers every `ms` (0 stops).
    void setPollInterval(int ms);

    [[nodiscard]] TransferRepository &transferStore() { return m_transfers; }
    [[nodiscard]] BankLinkRepository &linkStore() { return m_links; }

Q_SIGNALS:
    void reconciled(int settled, int unsettled);
    // A transfer's broker status changed (events, poll or read).
    void transferUpdated(const QString &accountId, const QString &transferId);

private:
    using TransferFinish = std::function<void(FundingResult<TransferRecord>)>;

    void storeAndSubmit(const FundingOrigin &origin, const TransferRecord &record,
                        const TransferFinish &finish);
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
    void settle(const TransferRecord &record, TransferRecord::State state, const QString &brokerTransferId,
                TransferStatus status, const FundingError *error);
    void audit(const FundingOrigin &origin, const QString &action, const QString &accountId,
               const QString &result, QJsonObject details);

    FundingGateway &m_gateway;
    Database &m_db;
    AuditLog &m_audit;
    BankLinkRepository m_links;
    TransferRepository m_transfers;
    QSet<QString> m_inFlight; // transfer ids whose broker call has not answered yet
    QTimer m_poll;
    bool m_ready = false;
};

} // namespace clera
