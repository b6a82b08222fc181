#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace clera {

class Database;

// A brokerage account at a broker ("sim", "alpaca", …) and the user who owns it.
struct BrokerageAccountRecord
{
    QString userId;
    QString brokerAccountId;
    QString broker;
    QDateTime createdAt;
    QString ownerEmail; // filled by list() only
};

// The brokerage_accounts table: which user owns which broker account. An account has exactly one
// owner; a user may own several. The server asks it which accounts a user's token may see.
class BrokerageAccountRepository
{
public:
    explicit BrokerageAccountRepository(Database &db) : m_db(db) {}

    // Records `userId` as the owner of the account. Idempotent for the same owner; Conflict when
    // another user owns it already, or when the user does not exist.
    [[nodiscard]] Expected<Done, StoreError> add(const QString &userId, const QString &brokerAccountId,
                                                 const QString &broker, const QDateTime &now);
    // The user's account ids in the order they were recorded.
    [[nodiscard]] Expected<QStringList, StoreError> accountsOf(const QString &userId) const;
    [[nodiscard]] Expected<QList<BrokerageAccountRecord>, StoreError> recordsOf(const QString &userId) const;
    // Every user's accounts (with the owner's email), in the order they were recorded.
    [[nodiscard]] Expected<QList<BrokerageAccountRecord>, StoreError> list(int limit, int offset) const;
    [[nodiscard]] Expected<qint64, StoreError> count() const;
    // The accounts of each of `userIds` (users without accounts are left out).
    [[nodiscard]] Expected<QHash<QString, QList<BrokerageAccountRecord>>, StoreError>
    recordsOfUsers(const QStringList &userIds) const;
    // The owner's user id, or an empty string when nobody owns the account.
    [[nodiscard]] Expected<QString, StoreError> ownerOf(const QString &brokerAccountId) const;

private:
    Database &m_db;
};

} // namespace clera
