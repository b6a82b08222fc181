#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

struct UserRecord
{
    QString id;           // UUID
    QString email;        // as the user typed it (trimmed)
    QString passwordHash; // Argon2id encoded string
    std::optional<QDateTime> emailVerifiedAt;
    QString role = QStringLiteral("user"); // "user" | "operator"
    QDateTime createdAt;
    bool disabled = false;
};

// The users table. Emails are unique ignoring case (a case-folded key column carries the constraint).
class UserRepository
{
public:
    explicit UserRepository(Database &db) : m_db(db) {}

    [[nodiscard]] static QString emailKey(const QString &email);

    // Inserts a user with a fresh UUID; Conflict when the email is taken.
    [[nodiscard]] Expected<UserRecord, StoreError> create(const QString &email, const QString &passwordHash,
                                                          const QString &role, const QDateTime &now);
    [[nodiscard]] Expected<std::optional<UserRecord>, StoreError> findById(const QString &id) const;
    [[nodiscard]] Expected<std::optional<UserRecord>, StoreError> findByEmail(const QString &email) const;
    [[nodiscard]] Expected<QList<UserRecord>, StoreError> list(int limit, int offset) const;
    [[nodiscard]] Expected<qint64, StoreError> count() const;
    // Users whose email contains `emailContains` (ignoring case; empty: everyone), oldest first.
    [[nodiscard]] Expected<QList<UserRecord>, StoreError> search(const QString &emailContains, int limit,
                                                                 int offset) const;
    [[nodiscard]] Expected<qint64, StoreError> countMatching(const QString &emailContains) const;

    // Each fails with NotFound for an unknown id.
    [[nodiscard]] Expected<Done, StoreError> setPasswordHash(const QString &id, const QString &hash);
    [[nodiscard]] Expected<Done, StoreError> markEmailVerified(const QString &id, const QDateTime &at);
    [[nodiscard]] Expected<Done, StoreError> setRole(const QString &id, const QString &role);
    [[nodiscard]] Expected<Done, StoreError> setDisabled(const QString &id, bool disabled);
    // Sets the hash only while the stored one is still `expected`; false when it changed meanwhile.
    [[nodiscard]] Expected<bool, StoreError> replacePasswordHash(const QString &id, const QString &expected,
                                                                 const QString &hash);
    // Disables the user unless that would leave no enabled operator; false when refused. NotFound for
    // an unknown id.
    [[nodiscard]] Expected<bool, StoreError> disableKeepingAnOperator(const QString &id);

private:
    [[nodiscard]] Expected<std::optional<UserRecord>, StoreError> findOne(const QString &column,
                                                                          const QString &value) const;
    [[nodiscard]] Expected<Done, StoreError> updateOne(const QString &assignment, const QVariant &value,
                                                       const QString &id);

    Database &m_db;
};

} // namespace clera
