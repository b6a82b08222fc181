#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace clera {

// One step of the schema. `statements` run on both engines; `{{bigid}}` in them becomes an
// auto-increment 64-bit primary key in the engine's dialect. Each step is applied in one transaction
// together with its row in schema_migrations, so a failed step leaves nothing behind.
struct Migration
{
    int version = 0;
    QString name;
    QStringList statements;
    QStringList sqliteOnly;
    QStringList postgresOnly;
};

// The store's schema, oldest first. Append new steps; never edit a released one.
[[nodiscard]] const QList<Migration> &storeMigrations();

} // namespace clera
