#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

// One refresh token of a sign-in. Rotation chains sessions of one family (one device's sign-in):
// each refresh marks the old row replaced_by the new one. Only the token's SHA-256 is stored.
struct SessionRecord
{
    QString id; // UUID
    QString userId;
    QString familyId;
    QString tokenHash; // hex SHA-256 of the opaque token
    QDateTime createdAt;
    QDateTime expiresAt;
    std::optional<QDateTime> revokedAt;
    QString replacedBy; // empty unless rotated
    QString ip;
    QString userAgent;

    [[nodiscard]] bool isActive(const QDateTime &now) const
    {
        return !revokedAt && replacedBy.isEmpty() && now < expiresAt;
    }
};

class SessionRepository
{
public:
    explicit SessionRepository(Database &db) : m_db(db) {}

    [[nodiscard]] Expected<Done, StoreError> create(const SessionRecord &session);
    [[nodiscard]] Expected<std::optional<SessionRecord>, StoreError> findById(const QString &id) const;
    [[nodiscard]] Expected<std::optional<SessionRecord>, StoreError>
    findByTokenHash(const QString &hash) const;
    // Sessions of a user, newest first; only those active at `now` when `activeOnly`.
    [[nodiscard]] Expected<QList<SessionRecord>, StoreError>
    listForUser(const QString &userId, bool activeOnly, const QDateTime &now) const;

    // Sessions active at `now`, all users.
    [[nodiscard]] Expected<qint64, StoreError> countActive(const QDateTime &now) const;

    // Marks `id` replaced by `replacementId` (and revoked) only if it is still neither replaced nor
    // revoked; false when another request rotated or revoked it first.
    [[nodiscard]] Expected<bool, StoreError> markReplaced(const QString &id, const QString &replacementId,
                                                          const QDateTime &at);
    // Each returns how many sessions it revoked (already revoked ones keep their time).
    [[nodiscard]] Expected<int, StoreError> revoke(const QString &id, const QDateTime &at);
    [[nodiscard]] Expected<int, StoreError> revokeFamily(const QString &familyId, const QDateTime &at);
    [[nodiscard]] Expected<int, StoreError> revokeAllForUser(const QString &userId, const QDateTime &at);

    // Deletes sessions that expired before `before`; returns how many.
    [[nodiscard]] Expected<int, StoreError> purgeExpired(const QDateTime &before);

private:
    [[nodiscard]] Expected<std::optional<SessionRecord>, StoreError> findOne(const QString &column,
                                                                             const QString &value) const;
    [[nodiscard]] Expected<int, StoreError> revokeWhere(const QString &column, const QString &value,
                                                        const QDateTime &at);

    Database &m_db;
};

} // namespace clera
