#pragma once

#include "core/domain/expected.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace clera {

class Database;

// A user's named watchlist: an ordered list of distinct upper-case symbols.
struct WatchlistRecord
{
    QString id;
    QString userId;
    QString name;
    QStringList symbols;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// The watchlists and watchlist_symbols tables. Every call is scoped to a user: another user's
// watchlist is NotFound, exactly like one that does not exist. Names are unique per user ignoring case
// (Conflict otherwise). Symbols are stored as given after trimming and upper-casing, duplicates
// dropped (first place kept); whether they are tradable is the caller's business. Each change is one
// transaction.
class WatchlistRepository
{
public:
    static constexpr qsizetype kMaxNameLength = 64;
    static constexpr qsizetype kMaxSymbols = 200;
    static constexpr qsizetype kMaxWatchlists = 50; // per user

    explicit WatchlistRepository(Database &db) : m_db(db) {}

    [[nodiscard]] Expected<WatchlistRecord, StoreError>
    create(const QString &userId, const QString &name, const QStringList &symbols, const QDateTime &now);
    // The user's watchlists, oldest first.
    [[nodiscard]] Expected<QList<WatchlistRecord>, StoreError> listOf(const QString &userId) const;
    [[nodiscard]] Expected<WatchlistRecord, StoreError> find(const QString &userId, const QString &id) const;
    // Renames and/or replaces the symbol list (a field left nullopt stays).
    [[nodiscard]] Expected<WatchlistRecord, StoreError> update(const QString &userId, const QString &id,
                                                               const std::optional<QString> &name,
                                                               const std::optional<QStringList> &symbols,
                                                               const QDateTime &now);
    [[nodiscard]] Expected<Done, StoreError> remove(const QString &userId, const QString &id);
    // Appends the symbols not on the list yet, in order.
    [[nodiscard]] Expected<WatchlistRecord, StoreError>
    addSymbols(const QString &userId, const QString &id, const QStringList &symbols, const QDateTime &now);
    // NotFound when the symbol is not on the list.
    [[nodiscard]] Expected<WatchlistRecord, StoreError>
    removeSymbol(const QString &userId, const QString &id, const QString &symbol, const QDateTime &now);

    // Trimmed, upper-cased, duplicates dropped.
    [[nodiscard]] static QStringList normalizedSymbols(const QStringList &symbols);

private:
    [[nodiscard]] Expected<Done, StoreError> writeSymbols(const QString &id, const QStringList &symbols);
    [[nodiscard]] Expected<Done, StoreError> touch(const QString &id, const QDateTime &now);

    Database &m_db;
};

} // namespace clera
