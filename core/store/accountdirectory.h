#pragma once

#include "core/domain/expected.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <variant>

namespace clera {

using Done = std::monostate;

// Who owns which brokerage account, and which role a known user has, in a small SQLite file (WAL,
// versioned schema, its own connection). The server asks it which accounts a user's token may see.
// An account has exactly one owner; a user may own several accounts.
class AccountDirectory
{
public:
    explicit AccountDirectory(QString databasePath);
    ~AccountDirectory();
    Q_DISABLE_COPY_MOVE(AccountDirectory)

    static constexpr int kSchemaVersion = 1;

    // Opens or creates the database and migrates it to kSchemaVersion. Every other call fails until
    // this succeeds.
    [[nodiscard]] Expected<Done, QString> open();
    [[nodiscard]] bool isOpen() const { return m_open; }
    [[nodiscard]] QString path() const { return m_path; }
    // A trivial query succeeds (for health checks).
    [[nodiscard]] bool ping() const;
    [[nodiscard]] Expected<int, QString> schemaVersion() const;

    // Records `userId` as the owner. Idempotent; fails if another user already owns the account.
    [[nodiscard]] Expected<Done, QString> addOwner(const QString &userId, const QString &accountId);
    // The user's accounts in the order they were recorded.
    [[nodiscard]] Expected<QStringList, QString> accountsOf(const QString &userId) const;
    // The owner, or an empty string when the account has none.
    [[nodiscard]] Expected<QString, QString> ownerOf(const QString &accountId) const;
    [[nodiscard]] bool owns(const QString &userId, const QString &accountId) const;

    // Known users and their role ("user" | "operator").
    [[nodiscard]] Expected<Done, QString> setUserRole(const QString &userId, const QString &role);
    // The role, or an empty string for an unknown user.
    [[nodiscard]] Expected<QString, QString> userRole(const QString &userId) const;

private:
    [[nodiscard]] Expected<Done, QString> migrate();

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace clera
