#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "core/store/userrepository.h"
#include "core/store/watchlistrepository.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);

} // namespace

class TestWatchlistRepository : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;
    QString m_alice;
    QString m_bob;

    QString makeUser(const QString &email)
    {
        UserRepository users(*m_db);
        auto u = users.create(email, u"$argon2id$placeholder"_s, u"user"_s, kNow);
        if (!u)
            qFatal("cannot create a user: %s", qPrintable(u.error().message));
        return u->id;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_alice = makeUser(u"alice@example.com"_s);
        m_bob = makeUser(u"bob@example.com"_s);
    }
    void cleanup()
    {
        m_db.reset();
        m_scratch.drop();
    }

    void createListAndFind()
    {
        WatchlistRepository lists(*m_db);
        const auto tech =
            lists.create(m_alice, u"  Tech "_s, {u"aapl"_s, u" MSFT"_s, u"AAPL"_s, u""_s}, kNow);
        QVERIFY2(tech, qPrintable(tech ? QString() : tech.error().message));
        QCOMPARE(tech->name, u"Tech"_s);
        QCOMPARE(tech->symbols, (QStringList{u"AAPL"_s, u"MSFT"_s})); // upper-cased, duplicates dropped
        QCOMPARE(tech->createdAt, kNow);
        const auto empty = lists.create(m_alice, u"Later"_s, {}, kNow.addSecs(1));
        QVERIFY(empty && empty->symbols.isEmpty());

        const auto all = lists.listOf(m_alice);
        QVERIFY(all && all->size() == 2);
        QCOMPARE(all->at(0).name, u"Tech"_s);
        QCOMPARE(all->at(0).symbols, (QStringList{u"AAPL"_s, u"MSFT"_s}));
        QCOMPARE(all->at(1).name, u"Later"_s);
        QVERIFY(all->at(1).symbols.isEmpty());
        QCOMPARE(lists.find(m_alice, tech->id)->symbols, tech->symbols);
    }

    void namesAreUniquePerUserIgnoringCase()
    {
        WatchlistRepository lists(*m_db);
        QVERIFY(lists.create(m_alice, u"Tech"_s, {}, kNow));
        const auto again = lists.create(m_alice, u"TECH"_s, {}, kNow);
        QVERIFY(!again);
        QCOMPARE(again.error().kind, StoreError::Kind::Conflict);
        QVERIFY(lists.create(m_bob, u"Tech"_s, {}, kNow)); // another user may use the name
        const auto other = lists.create(m_alice, u"Other"_s, {}, kNow);
        QVERIFY(other);
        const auto rename = lists.update(m_alice, other->id, u"tech"_s, std::nullopt, kNow);
        QVERIFY(!rename);
        QCOMPARE(rename.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(lists.find(m_alice, other->id)->name, u"Other"_s); // nothing half-written
        QCOMPARE(lists.update(m_alice, other->id, u"OTHER"_s, std::nullopt, kNow)->name, u"OTHER"_s);
    }

    void validation()
    {
        WatchlistRepository lists(*m_db);
        QCOMPARE(lists.create(m_alice, u"   "_s, {}, kNow).error().kind, StoreError::Kind::Invalid);
        QCOMPARE(lists.create(m_alice, QString(65, u'x'), {}, kNow).error().kind, StoreError::Kind::Invalid);
        QStringList many;
        for (int i = 0; i <= WatchlistRepository::kMaxSymbols; ++i)
            many.append(u"S%1"_s.arg(i));
        QCOMPARE(lists.create(m_alice, u"Big"_s, many, kNow).error().kind, StoreError::Kind::Invalid);
        QVERIFY(lists.listOf(m_alice)->isEmpty());
    }

    void symbolsKeepTheirOrder()
    {
        WatchlistRepository lists(*m_db);
        const auto w = lists.create(m_alice, u"W"_s, {u"AAPL"_s, u"MSFT"_s, u"KO"_s}, kNow);
        QVERIFY(w);
        const auto removed = lists.removeSymbol(m_alice, w->id, u"aapl"_s, kNow.addSecs(5));
        QVERIFY(removed);
        QCOMPARE(removed->symbols, (QStringList{u"MSFT"_s, u"KO"_s}));
        QCOMPARE(removed->updatedAt, kNow.addSecs(5));
        const auto added = lists.addSymbols(m_alice, w->id, {u"KO"_s, u"NVDA"_s, u"AAPL"_s}, kNow);
        QCOMPARE(added->symbols, (QStringList{u"MSFT"_s, u"KO"_s, u"NVDA"_s, u"AAPL"_s}));
        const auto missing = lists.removeSymbol(m_alice, w->id, u"TSLA"_s, kNow);
        QCOMPARE(missing.error().kind, StoreError::Kind::NotFound);
        const auto replaced =
            lists.update(m_alice, w->id, std::nullopt, QStringList{u"ko"_s, u"aapl"_s}, kNow);
        QCOMPARE(replaced->symbols, (QStringList{u"KO"_s, u"AAPL"_s}));
        QCOMPARE(replaced->name, u"W"_s);
    }

    void anotherUsersWatchlistDoesNotExist()
    {
        WatchlistRepository lists(*m_db);
        const auto w = lists.create(m_alice, u"Mine"_s, {u"AAPL"_s}, kNow);
        QVERIFY(w);
        QCOMPARE(lists.find(m_bob, w->id).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(lists.update(m_bob, w->id, u"Hijack"_s, std::nullopt, kNow).error().kind,
                 StoreError::Kind::NotFound);
        QCOMPARE(lists.addSymbols(m_bob, w->id, {u"MSFT"_s}, kNow).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(lists.removeSymbol(m_bob, w->id, u"AAPL"_s, kNow).error().kind, StoreError::Kind::NotFound);
        QCOMPARE(lists.remove(m_bob, w->id).error().kind, StoreError::Kind::NotFound);
        QVERIFY(lists.listOf(m_bob)->isEmpty());
        QCOMPARE(lists.find(m_alice, w->id)->symbols, QStringList{u"AAPL"_s});
        QCOMPARE(lists.find(m_alice, w->id)->name, u"Mine"_s);

        QVERIFY(lists.remove(m_alice, w->id));
        QCOMPARE(lists.find(m_alice, w->id).error().kind, StoreError::Kind::NotFound);
        auto left = m_db->exec(u"SELECT COUNT(*) FROM watchlist_symbols WHERE watchlist_id = ?"_s, {w->id});
        QVERIFY(left && left->next());
        QCOMPARE(left->value(0).toInt(), 0);
    }

    void deletingAUserRemovesTheirWatchlists()
    {
        WatchlistRepository lists(*m_db);
        const auto w = lists.create(m_bob, u"B"_s, {u"AAPL"_s}, kNow);
        QVERIFY(w);
        QVERIFY(m_db->exec(u"DELETE FROM users WHERE id = ?"_s, {m_bob}));
        QCOMPARE(lists.find(m_bob, w->id).error().kind, StoreError::Kind::NotFound);
    }

    void survivesReopening()
    {
        QVERIFY(WatchlistRepository(*m_db).create(m_alice, u"Kept"_s, {u"MSFT"_s, u"AAPL"_s}, kNow));
        m_db.reset();
        auto db = Database::open(m_scratch.url());
        QVERIFY(db);
        m_db = std::move(db).value();
        const auto all = WatchlistRepository(*m_db).listOf(m_alice);
        QVERIFY(all && all->size() == 1);
        QCOMPARE(all->first().symbols, (QStringList{u"MSFT"_s, u"AAPL"_s}));
    }
};

QTEST_GUILESS_MAIN(TestWatchlistRepository)
#include "tst_watchlistrepository.moc"
