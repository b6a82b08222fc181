#pragma once

#include "core/domain/expected.h"
#include "core/store/databaseurl.h"
#include "core/store/migration.h"
#include "core/store/storeerror.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>

#include <memory>
#include <type_traits>
#include <vector>

namespace clera {

template <typename> struct ExpectedTraits;
template <typename T, typename E> struct ExpectedTraits<Expected<T, E>>
{
    using Value = T;
    using Error = E;
};

// One connection to the store (SQLite file with WAL, foreign keys and a busy timeout, or PostgreSQL
// through QPSQL), with the schema migrated to this program's version when it opens. Each instance has
// its own Qt connection name and is used from the thread that opened it. Repositories borrow it.
class Database
{
public:
    using Engine = DatabaseUrl::Engine;

    // Opens `location` (see DatabaseUrl) and applies every pending migration.
    [[nodiscard]] static Expected<std::unique_ptr<Database>, StoreError>
    open(const QString &location, const QList<Migration> &migrations = storeMigrations());
    [[nodiscard]] static Expected<std::unique_ptr<Database>, StoreError>
    open(const DatabaseUrl &url, const QList<Migration> &migrations = storeMigrations());
    ~Database();
    Q_DISABLE_COPY_MOVE(Database)

    [[nodiscard]] Engine engine() const { return m_engine; }
    [[nodiscard]] QString describe() const { return m_description; }
    [[nodiscard]] bool ping() const;
    // Versions recorded in schema_migrations, ascending.
    [[nodiscard]] Expected<QList<int>, StoreError> appliedVersions() const;
    [[nodiscard]] Expected<int, StoreError> schemaVersion() const;
    // Applies pending steps; idempotent. Called by open().
    [[nodiscard]] Expected<Done, StoreError> migrate(const QList<Migration> &migrations);

    // Prepares and runs `sql` with positional `?` bindings. On PostgreSQL, outside a transaction, a lost
    // connection is reopened and a SELECT retried once.
    [[nodiscard]] Expected<QSqlQuery, StoreError> exec(const QString &sql,
                                                       const QVariantList &binds = {}) const;
    // A failed query as a typed error (unique/foreign-key violations become Conflict).
    [[nodiscard]] StoreError errorOf(const QSqlQuery &query, const QString &what) const;

    // Runs `fn` (returning Expected<T, E>, with E constructible from StoreError) in a transaction:
    // committed when it returns a value, rolled back when it returns an error or throws. Nested calls
    // use savepoints, so an inner failure undoes only the inner work.
    template <typename F> auto transaction(F &&fn) -> std::invoke_result_t<F &>
    {
        using R = std::invoke_result_t<F &>;
        using E = typename ExpectedTraits<R>::Error;
        static_assert(std::is_constructible_v<E, StoreError>);
        if (auto began = begin(); !began)
            return unexpected(E(began.error()));
        try {
            R result = fn();
            if (!result) {
                rollback();
                return result;
            }
            if (auto committed = commit(); !committed) {
                rollback();
                return unexpected(E(committed.error()));
            }
            return result;
        } catch (...) {
            rollback();
            throw;
        }
    }

    [[nodiscard]] bool inTransaction() const { return m_depth > 0; }

private:
    Database(Engine engine, QString connectionName, QString description);

    [[nodiscard]] Expected<Done, StoreError> connect(const DatabaseUrl &url);
    [[nodiscard]] Expected<Done, StoreError> openConnection() const;
    [[nodiscard]] Expected<QSqlQuery, StoreError> execOnce(const QString &sql,
                                                           const QVariantList &binds) const;
    [[nodiscard]] StoreError failed(const QSqlQuery &query, const QString &what) const;
    [[nodiscard]] Expected<Done, StoreError> begin();
    [[nodiscard]] Expected<Done, StoreError> commit();
    void rollback();
    [[nodiscard]] Expected<Done, StoreError> migrateLocked(const QList<Migration> &migrations);
    [[nodiscard]] Expected<Done, StoreError> applyStep(const Migration &step);

    Engine m_engine;
    QString m_connectionName;
    QString m_description;
    // A handle; reopening it after a lost connection does not change the store's observable state.
    mutable QSqlDatabase m_db;
    int m_depth = 0;
    mutable std::vector<QSqlQuery> m_failedInTransaction;
};

} // namespace clera
