#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace clera {

class Database;

enum class EmailTokenPurpose { VerifyEmail, ResetPassword };

[[nodiscard]] QString toString(EmailTokenPurpose purpose); // "verify_email" | "reset_password"

// A single-use token mailed to the user. Only its SHA-256 is stored.
struct EmailTokenRecord
{
    QString id; // UUID
    QString userId;
    EmailTokenPurpose purpose = EmailTokenPurpose::VerifyEmail;
    QString tokenHash;
    QDateTime createdAt;
    QDateTime expiresAt;
    std::optional<QDateTime> usedAt;
};

class EmailTokenRepository
{
public:
    explicit EmailTokenRepository(Database &db) : m_db(db) {}

    [[nodiscard]] Expected<Done, StoreError> create(const EmailTokenRecord &token);
    [[nodiscard]] Expected<std::optional<EmailTokenRecord>, StoreError>
    findByHash(const QString &hash, EmailTokenPurpose purpose) const;
    // Marks the token used if it was not; false when it already was (single use, race-free).
    [[nodiscard]] Expected<bool, StoreError> consume(const QString &id, const QDateTime &at);
    // Marks every unused token of the user for `purpose` used (a newer one supersedes them).
    [[nodiscard]] Expected<int, StoreError> invalidateAll(const QString &userId, EmailTokenPurpose purpose,
                                                          const QDateTime &at);

    // Deletes tokens that expired before `before`; returns how many.
    [[nodiscard]] Expected<int, StoreError> purgeExpired(const QDateTime &before);

private:
    Database &m_db;
};

} // namespace clera
