#include "core/store/banklinkrepository.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "core/store/transferrepository.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 3, 2), QTime(15, 0), Qt::UTC);

BankLinkRecord makeLink(const QString &id, const QString &account, const QString &relationship)
{
    BankLinkRecord l;
    l.id = id;
    l.userId = u"user-1"_s;
    l.accountId = account;
    l.relationshipId = relationship;
    l.method = u"manual"_s;
    l.ownerName = u"Pat Lee"_s;
    l.accountType = u"CHECKING"_s;
    l.accountLast4 = u"6789"_s;
    l.routingNumber = u"121000358"_s;
    l.status = u"QUEUED"_s;
    l.createdAt = kNow;
    l.updatedAt = kNow;
    return l;
}

TransferRecord makeTransfer(const QString &id, const QString &key, const QString &linkId,
                            const QDateTime &at = kNow)
{
    TransferRecord t;
    t.id = id;
    t.userId = u"user-1"_s;
    t.accountId = u"acct-1"_s;
    t.idempotencyKey = key;
    t.linkId = linkId;
    t.relationshipId = u"rel-1"_s;
    t.direction = TransferDirection::Outgoing;
    t.amount = Decimal::parse(u"1234.56"_s).value();
    t.createdAt = at;
    t.updatedAt = at;
    return t;
}

} // namespace

// The funding tables on SQLite and PostgreSQL: what they keep, and the duplicates they refuse.
class TestFundingRepositories : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    std::unique_ptr<Database> m_db;

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
    }
    void cleanup()
    {
        m_db.reset();
        m_scratch.drop();
    }

    void bankLinksRoundTripAndRefuseDuplicates()
    {
        BankLinkRepository links(*m_db);
        const auto added = links.add(makeLink(u"link-1"_s, u"acct-1"_s, u"rel-1"_s));
        QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
        QCOMPARE(added->accountLast4, u"6789"_s);
        QCOMPARE(added->routingNumber, u"121000358"_s);
        QCOMPARE(added->createdAt, kNow);
        QVERIFY(!added->removedAt);
        // The same broker relationship cannot be linked twice, and the id is unique.
        QCOMPARE(links.add(makeLink(u"link-2"_s, u"acct-1"_s, u"rel-1"_s)).error().kind,
                 StoreError::Kind::Conflict);
        QCOMPARE(links.add(makeLink(u"link-1"_s, u"acct-1"_s, u"rel-2"_s)).error().kind,
                 StoreError::Kind::Conflict);
        // More than four digits of an account number are refused by the repository and by the schema.
        BankLinkRecord full = makeLink(u"link-3"_s, u"acct-1"_s, u"rel-3"_s);
        full.accountLast4 = u"123456789"_s;
        QCOMPARE(links.add(full).error().kind, StoreError::Kind::Invalid);
        const auto raw =
            m_db->exec(u"INSERT INTO bank_links (id, user_id, account_id, relationship_id, method, "
                       "account_last4, status, created_at, updated_at) VALUES ('x', 'u', 'a', 'r', "
                       "'manual', '123456789', 'QUEUED', 'now', 'now')"_s);
        QVERIFY(!raw);

        QVERIFY(links.setStatus(u"link-1"_s, u"APPROVED"_s, kNow.addSecs(5)));
        QCOMPARE(links.byRelationshipId(u"rel-1"_s).value()->status, u"APPROVED"_s);
        QVERIFY(!links.byId(u"acct-2"_s, u"link-1"_s).value()); // another account's link is not found
        QCOMPARE(links.activeOf(u"acct-1"_s)->size(), 1);
        QVERIFY(links.markRemoved(u"link-1"_s, kNow.addSecs(10)));
        QCOMPARE(links.markRemoved(u"link-1"_s, kNow.addSecs(11)).error().kind, StoreError::Kind::NotFound);
        QVERIFY(links.activeOf(u"acct-1"_s)->isEmpty());
        QCOMPARE(*links.byId(u"acct-1"_s, u"link-1"_s).value()->removedAt, kNow.addSecs(10));
    }

    void transfersRoundTripAndRefuseDuplicates()
    {
        BankLinkRepository links(*m_db);
        QVERIFY(links.add(makeLink(u"link-1"_s, u"acct-1"_s, u"rel-1"_s)));
        TransferRepository transfers(*m_db);
        const auto added = transfers.add(makeTransfer(u"t-1"_s, u"key-1"_s, u"link-1"_s));
        QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
        QCOMPARE(added->amount, Decimal::parse(u"1234.56"_s).value());
        QCOMPARE(added->direction, TransferDirection::Outgoing);
        QCOMPARE(toString(added->state), u"pending"_s);

        // One transfer per idempotency key per account; another account may use the same key.
        QCOMPARE(transfers.add(makeTransfer(u"t-2"_s, u"key-1"_s, u"link-1"_s)).error().kind,
                 StoreError::Kind::Conflict);
        TransferRecord elsewhere = makeTransfer(u"t-3"_s, u"key-1"_s, u"link-1"_s);
        elsewhere.accountId = u"acct-2"_s;
        QVERIFY(transfers.add(elsewhere));
        // A transfer needs an existing bank link.
        QCOMPARE(transfers.add(makeTransfer(u"t-4"_s, u"key-4"_s, u"no-link"_s)).error().kind,
                 StoreError::Kind::Conflict);

        QCOMPARE(transfers.unresolved()->size(), 2);
        QVERIFY(transfers.settle(u"t-1"_s, TransferRecord::State::Submitted, u"broker-1"_s,
                                 TransferStatus::Queued, {}, {}, kNow.addSecs(1)));
        QCOMPARE(transfers.accountsWithOpenTransfers().value(), QStringList{u"acct-1"_s});
        // A broker transfer belongs to one of ours only.
        QCOMPARE(transfers
                     .settle(u"t-3"_s, TransferRecord::State::Submitted, u"broker-1"_s,
                             TransferStatus::Queued, {}, {}, kNow)
                     .error()
                     .kind,
                 StoreError::Kind::Conflict);
        QCOMPARE(transfers.byBrokerTransferId(u"broker-1"_s).value()->id, u"t-1"_s);
        QVERIFY(transfers.setStatus(u"t-1"_s, TransferStatus::Complete, kNow.addSecs(2)));
        QVERIFY(transfers.accountsWithOpenTransfers()->isEmpty());
        QCOMPARE(transfers.byIdempotencyKey(u"acct-1"_s, u"key-1"_s).value()->status,
                 TransferStatus::Complete);
        QCOMPARE(transfers.unresolved()->size(), 1);

        QVERIFY(transfers.add(makeTransfer(u"t-5"_s, u"key-5"_s, u"link-1"_s, kNow.addDays(1))));
        const auto all = transfers.ofAccount(u"acct-1"_s);
        QCOMPARE(all->size(), 2);
        QCOMPARE(all->first().id, u"t-5"_s); // newest first
        QCOMPARE(transfers.ofAccount(u"acct-1"_s, kNow.addSecs(1))->size(), 1);
        QCOMPARE(transfers
                     .settle(u"nope"_s, TransferRecord::State::Rejected, {}, TransferStatus::Rejected, {}, {},
                             kNow)
                     .error()
                     .kind,
                 StoreError::Kind::NotFound);
    }

    // One counting transfer per account and broker day, whichever process stores it; a transfer that
    // stops counting (refused, not sent, failed or canceled at the broker) gives its day back.
    void oneCountingTransferPerAccountAndDay()
    {
        BankLinkRepository links(*m_db);
        QVERIFY(links.add(makeLink(u"link-1"_s, u"acct-1"_s, u"rel-1"_s)));
        TransferRepository transfers(*m_db);
        const QDate day(2026, 3, 2);
        auto counting = [&](const QString &id, const QString &account = u"acct-1"_s, QDate on = {}) {
            TransferRecord t = makeTransfer(id, u"key-"_s + id, u"link-1"_s);
            t.accountId = account;
            t.limitDay = on.isValid() ? on : day;
            return t;
        };
        QVERIFY(transfers.add(counting(u"a"_s)));
        QCOMPARE(transfers.holderOfDay(u"acct-1"_s, day).value()->id, u"a"_s);
        QCOMPARE(transfers.add(counting(u"b"_s)).error().kind, StoreError::Kind::Conflict);
        QVERIFY(!transfers.byId(u"acct-1"_s, u"b"_s).value()); // nothing half-written
        QVERIFY(transfers.add(counting(u"c"_s, u"acct-2"_s)));           // another account
        QVERIFY(transfers.add(counting(u"d"_s, u"acct-1"_s, day.addDays(1)))); // another day
        QVERIFY(transfers.add(makeTransfer(u"e"_s, u"key-e"_s, u"link-1"_s))); // takes no day

        // Refused by the broker: the day is free again.
        QVERIFY(transfers.settle(u"a"_s, TransferRecord::State::Rejected, {}, TransferStatus::Rejected, {}, {},
                                 kNow));
        QVERIFY(!transfers.holderOfDay(u"acct-1"_s, day).value());
        QVERIFY(transfers.add(counting(u"f"_s)));
        // Submitted and then canceled at the broker: free again.
        QVERIFY(transfers.settle(u"f"_s, TransferRecord::State::Submitted, u"broker-f"_s, TransferStatus::Queued,
                                 {}, {}, kNow));
        QCOMPARE(transfers.add(counting(u"g"_s)).error().kind, StoreError::Kind::Conflict);
        QVERIFY(transfers.setStatus(u"f"_s, TransferStatus::Complete, kNow)); // a completed one keeps its day
        QCOMPARE(transfers.add(counting(u"g"_s)).error().kind, StoreError::Kind::Conflict);
        QVERIFY(transfers.setStatus(u"f"_s, TransferStatus::Canceled, kNow));
        QVERIFY(transfers.add(counting(u"g"_s)));
        // A transfer whose answer was lost keeps its day whatever status it shows (the broker may have it).
        QVERIFY(transfers.settle(u"g"_s, TransferRecord::State::Unknown, {}, TransferStatus::Queued, {}, {},
                                 kNow));
        QVERIFY(transfers.setStatus(u"g"_s, TransferStatus::Canceled, kNow));
        QCOMPARE(transfers.holderOfDay(u"acct-1"_s, day).value()->id, u"g"_s);
        QCOMPARE(transfers.add(counting(u"h"_s)).error().kind, StoreError::Kind::Conflict);
        // Never sent: free.
        QVERIFY(transfers.settle(u"g"_s, TransferRecord::State::NotSent, {}, TransferStatus::Rejected, {}, {},
                                 kNow));
        QVERIFY(transfers.add(counting(u"h"_s)));
    }
};

QTEST_GUILESS_MAIN(TestFundingRepositories)
#include "tst_fundingrepositories.moc"
