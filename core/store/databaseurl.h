#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace clera {

// Where the store lives. Parsed from CLERA_DB_URL-style text: `postgresql://user:pass@host:port/db?opt=v`
// (or `postgres://`), a libpq keyword string (`host=… dbname=…`), `sqlite:///abs/path` or a plain file
// path (SQLite). Empty PostgreSQL fields are left to libpq, which then reads PGHOST, PGUSER, … .
struct DatabaseUrl
{
    enum class Engine { Sqlite, Postgres };
    Engine engine = Engine::Sqlite;
    QString path; // SQLite file
    QString host;
    std::optional<int> port;
    QString user;
    QString password;
    QString database;
    QStringList options; // extra libpq keywords, "key=value"

    [[nodiscard]] static Expected<DatabaseUrl, StoreError> parse(const QString &text);
    // For logs: never includes the password.
    [[nodiscard]] QString redacted() const;
};

} // namespace clera
