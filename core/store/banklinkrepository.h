#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

// A bank account linked to a brokerage account for ACH transfers. The full bank account number lives
// only at the broker: the store keeps its last four digits (the schema refuses more).
struct BankLinkRecord
{
    QString id; // ours, the REST link_id
    QString userId;
    QString accountId;
    QString relationshipId; // the broker's ACH relationship id
    QString method;         // "manual" | "plaid"
    QString ownerName;
    QString accountType; // "CHECKING" | "SAVINGS" | "" (Plaid)
    QString accountLast4;
    QString routingNumber;
    QString nickname;
    QString status; // the broker's relationship status (QUEUED, APPROVED, …)
    QDateTime createdAt;
    QDateTime updatedAt;
    std::optional<QDateTime> removedAt;
};

// The bank_links table.
class BankLinkRepository
{
public:
    explicit BankLinkRepository(Database &db) : m_db(db) {}

    // Conflict when the id or the broker relationship id is taken.
    [[nodiscard]] Expected<BankLinkRecord, StoreError> add(const BankLinkRecord &link);
    [[nodiscard]] Expected<std::optional<BankLinkRecord>, StoreError> byId(const QString &accountId,
                                                                           const QString &id) const;
    [[nodiscard]] Expected<std::optional<BankLinkRecord>, StoreError>
    byRelationshipId(const QString &relationshipId) const;
    // The account's links that are not removed, oldest first.
    [[nodiscard]] Expected<QList<BankLinkRecord>, StoreError> activeOf(const QString &accountId) const;
    [[nodiscard]] Expected<Done, StoreError> setStatus(const QString &id, const QString &status,
                                                       const QDateTime &now);
    [[nodiscard]] Expected<Done, StoreError> markRemoved(const QString &id, const QDateTime &now);

private:
    [[nodiscard]] Expected<std::optional<BankLinkRecord>, StoreError> one(const QString &where,
                                                                          const QVariantList &binds) const;

    Database &m_db;
};

} // namespace clera
