#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace clera {

class Database;

// Who did what to whom, when, from where, and how it ended. Details never hold a password, token or
// key.
struct AuditEntry
{
    qint64 id = 0; // assigned by the store, increasing
    QDateTime at;
    QString actor;   // user id, "anonymous" or "system"
    QString action;  // e.g. "auth.sign_in"
    QString subject; // the user or object acted upon
    QString ip;
    QString result; // "ok" | "denied" | "error"
    QJsonObject details;
};

struct AuditFilter
{
    QString actor;
    QString subject;
    QString action;
    qint64 beforeId = 0; // page backwards from here (0: newest)
    int limit = 100;
};

// The append-only audit log. There is deliberately no update or delete; the schema's triggers reject
// both on SQLite and PostgreSQL (and TRUNCATE on PostgreSQL).
class AuditLog
{
public:
    explicit AuditLog(Database &db) : m_db(db) {}

    // Returns the new row's id.
    [[nodiscard]] Expected<qint64, StoreError> append(const AuditEntry &entry);
    // Newest first.
    [[nodiscard]] Expected<QList<AuditEntry>, StoreError> query(const AuditFilter &filter = {}) const;

private:
    Database &m_db;
};

} // namespace clera
