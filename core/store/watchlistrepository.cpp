#include "watchlistrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QSet>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

StoreError invalid(const QString &message)
{
    return {StoreError::Kind::Invalid, message};
}

StoreError notFound()
{
    return {StoreError::Kind::NotFound, u"no such watchlist"_s};
}

Expected<QString, StoreError> checkedName(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return unexpected(invalid(u"name must not be empty"_s));
    if (trimmed.size() > WatchlistRepository::kMaxNameLength)
        return unexpected(
            invalid(u"name must be at most %1 characters"_s.arg(WatchlistRepository::kMaxNameLength)));
    return trimmed;
}

QString nameKey(const QString &name)
{
    return name.toCaseFolded();
}

StoreError duplicateName(const QString &name)
{
    return {StoreError::Kind::Conflict, u"a watchlist named '%1' exists already"_s.arg(name)};
}

} // namespace

QStringList WatchlistRepository::normalizedSymbols(const QStringList &symbols)
{
    QStringList out;
    QSet<QString> seen;
    for (const QString &s : symbols) {
        const QString symbol = s.trimmed().toUpper();
        if (symbol.isEmpty() || seen.contains(symbol))
            continue;
        seen.insert(symbol);
        out.append(symbol);
    }
    return out;
}

Expected<WatchlistRecord, StoreError> WatchlistRepository::create(const QString &userId, const QString &name,
                                                                  const QStringList &symbols,
                                                                  const QDateTime &now)
{
    const auto checked = checkedName(name);
    if (!checked)
        return unexpected(checked.error());
    const QStringList list = normalizedSymbols(symbols);
    if (list.size() > kMaxSymbols)
        return unexpected(invalid(u"a watchlist holds at most %1 symbols"_s.arg(kMaxSymbols)));
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto created = m_db.transaction([&]() -> Expected<Done, StoreError> {
        auto count = m_db.exec(u"SELECT COUNT(*) FROM watchlists WHERE user_id = ?"_s, {userId});
        if (!count)
            return unexpected(count.error());
        if (count->next() && count->value(0).toLongLong() >= kMaxWatchlists)
            return unexpected(invalid(u"a user has at most %1 watchlists"_s.arg(kMaxWatchlists)));
        // Checked first so the common refusal does not abort a PostgreSQL transaction; the unique key
        // still decides races.
        auto taken = m_db.exec(u"SELECT 1 FROM watchlists WHERE user_id = ? AND name_key = ?"_s,
                               {userId, nameKey(*checked)});
        if (!taken)
            return unexpected(taken.error());
        if (taken->next())
            return unexpected(duplicateName(*checked));
        auto q = m_db.exec(u"INSERT INTO watchlists (id, user_id, name, name_key, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)"_s,
                           {id, userId, *checked, nameKey(*checked), toStoreTime(now), toStoreTime(now)});
        if (!q)
            return unexpected(q.error());
        return writeSymbols(id, list);
    });
    if (!created)
        return unexpected(created.error());
    return find(userId, id);
}

Expected<QList<WatchlistRecord>, StoreError> WatchlistRepository::listOf(const QString &userId) const
{
    auto q = m_db.exec(u"SELECT w.id, w.name, w.created_at, w.updated_at, s.symbol FROM watchlists w "
                       "LEFT JOIN watchlist_symbols s ON s.watchlist_id = w.id "
                       "WHERE w.user_id = ? ORDER BY w.created_at, w.id, s.ordinal"_s,
                       {userId});
    if (!q)
        return unexpected(q.error());
    QList<WatchlistRecord> out;
    while (q->next()) {
        const QString id = q->value(0).toString();
        if (out.isEmpty() || out.constLast().id != id) {
            WatchlistRecord r;
            r.id = id;
            r.userId = userId;
            r.name = q->value(1).toString();
            r.createdAt = fromStoreTime(q->value(2));
            r.updatedAt = fromStoreTime(q->value(3));
            out.append(std::move(r));
        }
        if (!q->value(4).isNull())
            out.last().symbols.append(q->value(4).toString());
    }
    return out;
}

Expected<WatchlistRecord, StoreError> WatchlistRepository::find(const QString &userId,
                                                                const QString &id) const
{
    auto q = m_db.exec(u"SELECT name, created_at, updated_at FROM watchlists WHERE id = ? AND user_id = ?"_s,
                       {id, userId});
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return unexpected(notFound());
    WatchlistRecord r;
    r.id = id;
    r.userId = userId;
    r.name = q->value(0).toString();
    r.createdAt = fromStoreTime(q->value(1));
    r.updatedAt = fromStoreTime(q->value(2));
    auto symbols =
        m_db.exec(u"SELECT symbol FROM watchlist_symbols WHERE watchlist_id = ? ORDER BY ordinal"_s, {id});
    if (!symbols)
        return unexpected(symbols.error());
    while (symbols->next())
        r.symbols.append(symbols->value(0).toString());
    return r;
}

Expected<WatchlistRecord, StoreError> WatchlistRepository::update(const QString &userId, const QString &id,
                                                                  const std::optional<QString> &name,
                                                                  const std::optional<QStringList> &symbols,
                                                                  const QDateTime &now)
{
    std::optional<QString> newName;
    if (name) {
        const auto checked = checkedName(*name);
        if (!checked)
            return unexpected(checked.error());
        newName = *checked;
    }
    std::optional<QStringList> list;
    if (symbols) {
        list = normalizedSymbols(*symbols);
        if (list->size() > kMaxSymbols)
            return unexpected(invalid(u"a watchlist holds at most %1 symbols"_s.arg(kMaxSymbols)));
    }
    auto updated = m_db.transaction([&]() -> Expected<Done, StoreError> {
        if (auto existing = find(userId, id); !existing)
            return unexpected(existing.error());
        if (newName) {
            auto taken =
                m_db.exec(u"SELECT 1 FROM watchlists WHERE user_id = ? AND name_key = ? AND id <> ?"_s,
                          {userId, nameKey(*newName), id});
            if (!taken)
                return unexpected(taken.error());
            if (taken->next())
                return unexpected(duplicateName(*newName));
            auto q = m_db.exec(u"UPDATE watchlists SET name = ?, name_key = ? WHERE id = ?"_s,
                               {*newName, nameKey(*newName), id});
            if (!q)
                return unexpected(q.error());
        }
        if (list) {
            if (auto cleared = m_db.exec(u"DELETE FROM watchlist_symbols WHERE watchlist_id = ?"_s, {id});
                !cleared)
                return unexpected(cleared.error());
            if (auto written = writeSymbols(id, *list); !written)
                return written;
        }
        return touch(id, now);
    });
    if (!updated)
        return unexpected(updated.error());
    return find(userId, id);
}

Expected<Done, StoreError> WatchlistRepository::remove(const QString &userId, const QString &id)
{
    auto q = m_db.exec(u"DELETE FROM watchlists WHERE id = ? AND user_id = ?"_s, {id, userId});
    if (!q)
        return unexpected(q.error());
    if (q->numRowsAffected() < 1)
        return unexpected(notFound());
    return Done{};
}

Expected<WatchlistRecord, StoreError> WatchlistRepository::addSymbols(const QString &userId,
                                                                      const QString &id,
                                                                      const QStringList &symbols,
                                                                      const QDateTime &now)
{
    auto added = m_db.transaction([&]() -> Expected<Done, StoreError> {
        const auto existing = find(userId, id);
        if (!existing)
            return unexpected(existing.error());
        const QStringList list = normalizedSymbols(existing->symbols + symbols);
        if (list.size() > kMaxSymbols)
            return unexpected(invalid(u"a watchlist holds at most %1 symbols"_s.arg(kMaxSymbols)));
        const QStringList fresh = list.mid(existing->symbols.size());
        // Removals leave gaps in the ordinals; new symbols go after the highest.
        auto last = m_db.exec(
            u"SELECT COALESCE(MAX(ordinal), -1) FROM watchlist_symbols WHERE watchlist_id = ?"_s, {id});
        if (!last)
            return unexpected(last.error());
        const qint64 base = last->next() ? last->value(0).toLongLong() + 1 : 0;
        for (qsizetype i = 0; i < fresh.size(); ++i) {
            auto q =
                m_db.exec(u"INSERT INTO watchlist_symbols (watchlist_id, symbol, ordinal) VALUES (?, ?, ?)"_s,
                          {id, fresh.at(i), base + i});
            if (!q)
                return unexpected(q.error());
        }
        return touch(id, now);
    });
    if (!added)
        return unexpected(added.error());
    return find(userId, id);
}

Expected<WatchlistRecord, StoreError> WatchlistRepository::removeSymbol(const QString &userId,
                                                                        const QString &id,
                                                                        const QString &symbol,
                                                                        const QDateTime &now)
{
    auto removed = m_db.transaction([&]() -> Expected<Done, StoreError> {
        if (auto existing = find(userId, id); !existing)
            return unexpected(existing.error());
        auto q = m_db.exec(u"DELETE FROM watchlist_symbols WHERE watchlist_id = ? AND symbol = ?"_s,
                           {id, symbol.trimmed().toUpper()});
        if (!q)
            return unexpected(q.error());
        if (q->numRowsAffected() < 1)
            return unexpected(StoreError{StoreError::Kind::NotFound,
                                         u"%1 is not on the watchlist"_s.arg(symbol.trimmed().toUpper())});
        return touch(id, now);
    });
    if (!removed)
        return unexpected(removed.error());
    return find(userId, id);
}

Expected<Done, StoreError> WatchlistRepository::writeSymbols(const QString &id, const QStringList &symbols)
{
    for (qsizetype i = 0; i < symbols.size(); ++i) {
        auto q =
            m_db.exec(u"INSERT INTO watchlist_symbols (watchlist_id, symbol, ordinal) VALUES (?, ?, ?)"_s,
                      {id, symbols.at(i), i});
        if (!q)
            return unexpected(q.error());
    }
    return Done{};
}

Expected<Done, StoreError> WatchlistRepository::touch(const QString &id, const QDateTime &now)
{
    auto q = m_db.exec(u"UPDATE watchlists SET updated_at = ? WHERE id = ?"_s, {toStoreTime(now), id});
    if (!q)
        return unexpected(q.error());
    return Done{};
}

} // namespace clera
