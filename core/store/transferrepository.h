#pragma once

#include "core/domain/decimal.h"
#include "core/domain/expected.h"
#include "core/domain/transfer.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

// A deposit or withdrawal as the user asked for it, stored with the client's idempotency key before the
// broker sees it, so neither a retry nor a crash between the two can send it twice.
struct TransferRecord
{
    // pending: stored, not yet answered; submitted: the broker has it (brokerTransferId);
    // rejected: the broker refused it; unknown: the answer was lost; not_sent: the broker never got it.
    enum class State { Pending, Submitted, Rejected, Unknown, NotSent };

    QString id; // ours, the REST transfer_id
    QString userId;
    QString accountId;
    QString idempotencyKey;
    QString linkId;
    QString relationshipId;
    TransferDirection direction = TransferDirection::Incoming;
    Decimal amount;
    State state = State::Pending;
    QString brokerTransferId;
    TransferStatus status = TransferStatus::Queued; // the broker's, kept in sync
    QString errorCode;
    QString errorMessage;
    QDateTime createdAt;
    QDateTime updatedAt;
    // The broker's business day (New York) this transfer takes for the one-transfer-per-account-per-day
    // rule; none (null) for records that take no day.
    QDate limitDay;

    // Whether the transfer still takes its day: stored and not refused, and neither failed nor canceled.
    [[nodiscard]] bool countsTowardDailyLimit() const;
};

[[nodiscard]] QString toString(TransferRecord::State state);
// Statuses after which a transfer the broker has moves no money.
[[nodiscard]] bool failedOrCanceled(TransferStatus status);

// The transfers table. (account_id, idempotency_key) and broker_transfer_id are unique, and so is
// (account_id, daily_slot): a transfer that counts toward the daily rule holds its limitDay there, released
// (NULL) by settle()/setStatus() once it stops counting, so two API instances that both checked the rule
// cannot both store a transfer for the same account and day.
class TransferRepository
{
public:
    explicit TransferRepository(Database &db) : m_db(db) {}

    // Conflict when the account's idempotency key (or the id) is taken, or when another transfer that
    // counts holds the account's limitDay.
    [[nodiscard]] Expected<TransferRecord, StoreError> add(const TransferRecord &transfer);
    // Records the broker's answer (or its absence).
    [[nodiscard]] Expected<Done, StoreError> settle(const QString &id, TransferRecord::State state,
                                                    const QString &brokerTransferId, TransferStatus status,
                                                    const QString &errorCode, const QString &errorMessage,
                                                    const QDateTime &now);
    [[nodiscard]] Expected<Done, StoreError> setStatus(const QString &id, TransferStatus status,
                                                       const QDateTime &now);
    [[nodiscard]] Expected<std::optional<TransferRecord>, StoreError> byId(const QString &accountId,
                                                                           const QString &id) const;
    [[nodiscard]] Expected<std::optional<TransferRecord>, StoreError>
    byIdempotencyKey(const QString &accountId, const QString &key) const;
    [[nodiscard]] Expected<std::optional<TransferRecord>, StoreError>
    byBrokerTransferId(const QString &brokerTransferId) const;
    // Newest first; `since` (when valid) keeps those created at or after it.
    [[nodiscard]] Expected<QList<TransferRecord>, StoreError> ofAccount(const QString &accountId,
                                                                        const QDateTime &since = {}) const;
    // The transfer that holds the account's daily slot for `day`, if one does.
    [[nodiscard]] Expected<std::optional<TransferRecord>, StoreError> holderOfDay(const QString &accountId,
                                                                                 const QDate &day) const;
    // Accounts with a transfer the broker has and that has not reached a final status.
    [[nodiscard]] Expected<QStringList, StoreError> accountsWithOpenTransfers() const;
    // Pending and unknown transfers, oldest first.
    [[nodiscard]] Expected<QList<TransferRecord>, StoreError> unresolved() const;

private:
    [[nodiscard]] Expected<std::optional<TransferRecord>, StoreError> one(const QString &where,
                                                                          const QVariantList &binds) const;
    [[nodiscard]] Expected<QList<TransferRecord>, StoreError> many(const QString &where,
                                                                   const QVariantList &binds) const;

    Database &m_db;
};

} // namespace clera
