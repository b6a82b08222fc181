#include "core/broker/simbroker.h"
#include "core/funding/fundingservice.h"
#include "core/funding/simfundinggateway.h"
#include "core/marketdata/assetcatalog.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "fakes/rest/futurewait.h"

#include <QDirIterator>
#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QString kRouting = u"121000358"_s;
const QString kAccountNumber = u"987654321098"_s;

// Every message logged while a test runs (debug included), to prove no account number reaches a log.
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_log.append(message);
    if (g_previousHandler && type != QtDebugMsg && type != QtInfoMsg)
        g_previousHandler(type, context, message);
}

// Every clera category at every level, whatever QT_LOGGING_RULES says.
QLoggingCategory::CategoryFilter g_previousFilter = nullptr;
void enableClera(QLoggingCategory *category)
{
    if (g_previousFilter)
        g_previousFilter(category);
    if (qstrncmp(category->categoryName(), "clera.", 6) == 0) {
        category->setEnabled(QtDebugMsg, true);
        category->setEnabled(QtInfoMsg, true);
    }
}

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 10'000))
        qFatal("funding call did not finish");
    return f.result();
}

template <typename T> QFuture<BrokerResult<T>> failed(BrokerError::Kind kind)
{
    return QtFuture::makeReadyFuture(
        BrokerResult<T>(unexpected(BrokerError{kind, u"connection reset by peer"_s, 0, 0})));
}

// The simulated broker's bank side with the faults of a network in between: an answer lost after the
// broker acted, a request lost before it, or a broker that cannot be reached.
class FaultyGateway : public FundingGateway
{
public:
    explicit FaultyGateway(FundingGateway &inner) : m_inner(inner)
    {
        connect(&m_inner, &FundingGateway::accountChanged, this, &FundingGateway::accountChanged);
    }
    bool loseTransferAnswer = false;     // the broker creates the transfer, the answer is lost
    bool loseTransferRequest = false;    // the request never reaches the broker
    bool loseRelationshipAnswer = false; // the broker creates the relationship, the answer is lost
    bool unreachable = false;            // listing transfers fails
    int transferPosts = 0;

    QFuture<BrokerResult<AchRelationship>> createRelationship(const QString &id,
                                                              const AchRelationshipRequest &r) override
    {
        auto created = m_inner.createRelationship(id, r);
        if (!loseRelationshipAnswer)
            return created;
        created.waitForFinished(); // the simulator answers at once
        return failed<AchRelationship>(BrokerError::Kind::Network);
    }
    QFuture<BrokerResult<QList<AchRelationship>>> relationships(const QString &id) override
    {
        return m_inner.relationships(id);
    }
    QFuture<BrokerResult<Done>> deleteRelationship(const QString &id, const QString &rel) override
    {
        return m_inner.deleteRelationship(id, rel);
    }
    QFuture<BrokerResult<Transfer>> createTransfer(const QString &id, const TransferRequest &r) override
    {
        ++transferPosts;
        if (loseTransferRequest)
            return failed<Transfer>(BrokerError::Kind::Network);
        auto created = m_inner.createTransfer(id, r);
        if (!loseTransferAnswer)
            return created;
        created.waitForFinished();
        return failed<Transfer>(BrokerError::Kind::Unavailable);
    }
    QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &id) override
    {
        if (unreachable)
            return failed<QList<Transfer>>(BrokerError::Kind::Network);
        return m_inner.transfers(id);
    }
    QFuture<BrokerResult<Done>> cancelTransfer(const QString &id, const QString &t) override
    {
        return m_inner.cancelTransfer(id, t);
    }

private:
    FundingGateway &m_inner;
};

} // namespace

class TestFundingService : public QObject
{
    Q_OBJECT

private:
    ScratchDatabase m_scratch;
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<SimBroker> m_sim;
    std::unique_ptr<SimFundingGateway> m_simGateway;
    std::unique_ptr<FaultyGateway> m_gateway;
    std::unique_ptr<FundingService> m_service;
    QString m_account;
    QString m_simPath;
    int m_counter = 0;
    const FundingOrigin m_user{u"user-1"_s, u"198.51.100.7"_s};

    void openBroker()
    {
        m_sim = std::make_unique<SimBroker>(nullptr, AssetCatalog::fromAssets({}), nullptr, m_simPath);
        QVERIFY(m_sim->open());
        m_sim->setSettleDelayMs(50);
        m_simGateway = std::make_unique<SimFundingGateway>(*m_sim);
        m_gateway = std::make_unique<FaultyGateway>(*m_simGateway);
    }

    void startService()
    {
        m_service = std::make_unique<FundingService>(*m_gateway, *m_db, *m_audit);
        QSignalSpy reconciled(m_service.get(), &FundingService::reconciled);
        m_service->reconcile();
        QTRY_VERIFY(m_service->isReady());
    }

    LinkBank manualBank(const QString &routing = kRouting) const
    {
        LinkBank b;
        b.accountId = m_account;
        b.ownerName = u"Pat Lee"_s;
        b.accountType = u"savings"_s;
        b.accountNumber = kAccountNumber;
        b.routingNumber = routing;
        return b;
    }

    QString link()
    {
        const auto linked = take(m_service->link(m_user, manualBank()));
        if (!linked)
            qFatal("cannot link: %s", qPrintable(linked.error().message));
        return linked->id;
    }

    RequestTransfer deposit(const QString &linkId, const QString &amount, const QString &key) const
    {
        return {m_account, linkId, u"incoming"_s, amount, key};
    }

    qsizetype brokerTransfers() const { return take(m_sim->transfers(m_account))->size(); }

    QList<AuditEntry> audit(const QString &action) const
    {
        AuditFilter f;
        f.action = action;
        return m_audit->query(f).valueOr(QList<AuditEntry>());
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }
    void initTestCase()
    {
        g_previousFilter = QLoggingCategory::installFilter(enableClera);
        g_previousHandler = qInstallMessageHandler(recordMessage);
    }
    void cleanupTestCase() { qInstallMessageHandler(g_previousHandler); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        auto db = Database::open(m_scratch.url());
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(db).value();
        m_audit = std::make_unique<AuditLog>(*m_db);
        m_simPath = m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_counter));
        openBroker();
        const auto account = m_sim->createAccount(Decimal::fromUnits(1000), u"Pat Lee"_s);
        QVERIFY(account);
        m_account = account->id;
        startService();
    }

    void cleanup()
    {
        m_service.reset();
        m_gateway.reset();
        m_simGateway.reset();
        m_sim.reset();
        m_audit.reset();
        m_db.reset();
        m_scratch.drop();
    }

    void settlementFollowsTheBrokersEvents()
    {
        const QString linkId = link();
        QSignalSpy updated(m_service.get(), &FundingService::transferUpdated);
        const auto t = take(m_service->transfer(m_user, deposit(linkId, u"12.34"_s, u"k1"_s)));
        QVERIFY(t);
        QCOMPARE(toString(t->state), u"submitted"_s);
        QCOMPARE(t->status, TransferStatus::Queued);
        // No read: the broker's settlement signal alone brings the stored status along.
        QVERIFY(updated.wait(5000));
        const auto stored = m_service->transferStore().byId(m_account, t->id);
        QCOMPARE((*stored)->status, TransferStatus::Complete);
        QCOMPARE(take(m_sim->account(m_account))->cash, Decimal::parse(u"1012.34"_s).value());
    }

    void lostTransferAnswerIsAdoptedOnRetry()
    {
        const QString linkId = link();
        m_gateway->loseTransferAnswer = true;
        const auto lost = take(m_service->transfer(m_user, deposit(linkId, u"99.99"_s, u"lost"_s)));
        QVERIFY(!lost);
        QCOMPARE(lost.error().code, u"transfer_state_unknown"_s);
        QCOMPARE(brokerTransfers(), 1);
        const auto unknown = m_service->transferStore().byIdempotencyKey(m_account, u"lost"_s);
        QCOMPARE(toString((*unknown)->state), u"unknown"_s);

        m_gateway->loseTransferAnswer = false;
        const auto retried = take(m_service->transfer(m_user, deposit(linkId, u"99.99"_s, u"lost"_s)));
        QVERIFY2(retried, qPrintable(retried ? QString() : retried.error().message));
        QCOMPARE(retried->id, (*unknown)->id);
        QCOMPARE(toString(retried->state), u"submitted"_s);
        QCOMPARE(retried->brokerTransferId, take(m_sim->transfers(m_account))->first().id);
        QCOMPARE(m_gateway->transferPosts, 1); // the retry looked it up and sent nothing
        QCOMPARE(brokerTransfers(), 1);
        QCOMPARE(audit(u"transfer.reconcile"_s).size(), 1);
        QCOMPARE(audit(u"transfer.create"_s).first().result, u"error"_s);
    }

    void transferThatNeverReachedTheBrokerIsNotSent()
    {
        m_service->setResolveWindow(std::chrono::milliseconds(400));
        const QString linkId = link();
        m_gateway->loseTransferRequest = true;
        QVERIFY(!take(m_service->transfer(m_user, deposit(linkId, u"5"_s, u"never"_s))));
        m_gateway->loseTransferRequest = false;
        // Within the window the broker may still be processing it: unknown, and it holds the day.
        const auto early = take(m_service->transfer(m_user, deposit(linkId, u"5"_s, u"never"_s)));
        QCOMPARE(early.error().code, u"transfer_state_unknown"_s);
        const auto blocked = take(m_service->transfer(m_user, deposit(linkId, u"5"_s, u"early"_s)));
        QCOMPARE(blocked.error().code, u"daily_transfer_limit"_s);
        QTest::qWait(500);
        const auto retried = take(m_service->transfer(m_user, deposit(linkId, u"5"_s, u"never"_s)));
        QVERIFY(!retried);
        QCOMPARE(retried.error().code, u"transfer_not_sent"_s);
        QCOMPARE(brokerTransfers(), 0);
        QCOMPARE(m_gateway->transferPosts, 1);
        // A transfer that never went out does not use up the day.
        QVERIFY(take(m_service->transfer(m_user, deposit(linkId, u"5"_s, u"fresh"_s))));
        QCOMPARE(brokerTransfers(), 1);
    }

    // The request timed out while the broker was still processing it: a quick retry does not see it
    // yet and must not call it not_sent; once it shows up (here without any retry: the poll) it is
    // adopted, and no second transfer could be sent meanwhile.
    void slowBrokerTransferIsNotDeclaredNotSentAndThePollAdoptsIt()
    {
        const QString linkId = link();
        m_gateway->loseTransferRequest = true; // our request "timed out"; the broker has not shown it
        QVERIFY(!take(m_service->transfer(m_user, deposit(linkId, u"40"_s, u"slow"_s))));
        m_gateway->loseTransferRequest = false;
        const auto retried = take(m_service->transfer(m_user, deposit(linkId, u"40"_s, u"slow"_s)));
        QCOMPARE(retried.error().code, u"transfer_state_unknown"_s);
        QCOMPARE(toString(m_service->transferStore().byIdempotencyKey(m_account, u"slow"_s).value()->state),
                 u"unknown"_s);
        const auto second = take(m_service->transfer(m_user, deposit(linkId, u"40"_s, u"again"_s)));
        QCOMPARE(second.error().code, u"daily_transfer_limit"_s);
        QCOMPARE(m_gateway->transferPosts, 1);

        // The broker finishes processing the first request.
        TransferRequest late;
        late.relationshipId = take(m_sim->achRelationships(m_account))->first().id;
        late.amount = Decimal::fromUnits(40);
        const auto landed = take(m_sim->createTransfer(m_account, late));
        QVERIFY(landed);
        m_service->setPollInterval(50);
        QTRY_COMPARE(
            toString(m_service->transferStore().byIdempotencyKey(m_account, u"slow"_s).value()->state),
            u"submitted"_s);
        QCOMPARE(m_service->transferStore().byIdempotencyKey(m_account, u"slow"_s).value()->brokerTransferId,
                 landed->id);
        QCOMPARE(brokerTransfers(), 1);
    }

    // A broker transfer created after the record's window cannot be the record's (Monday's lost
    // request must not adopt Tuesday's transfer).
    void brokerTransferAfterTheWindowIsNotAdopted()
    {
        m_service->setResolveWindow(std::chrono::milliseconds(300));
        const QString linkId = link();
        m_gateway->loseTransferRequest = true;
        QVERIFY(!take(m_service->transfer(m_user, deposit(linkId, u"25"_s, u"monday"_s))));
        m_gateway->loseTransferRequest = false;
        QTest::qWait(400);
        TransferRequest later;
        later.relationshipId = take(m_sim->achRelationships(m_account))->first().id;
        later.amount = Decimal::fromUnits(25);
        const auto tuesday = take(m_sim->createTransfer(m_account, later));
        QVERIFY(tuesday);
        const auto retried = take(m_service->transfer(m_user, deposit(linkId, u"25"_s, u"monday"_s)));
        QCOMPARE(retried.error().code, u"transfer_not_sent"_s);
        QVERIFY(!m_service->transferStore().byBrokerTransferId(tuesday->id).value());
    }

    void brokersDailyLimitIsAPlainRefusal()
    {
        const QString linkId = link();
        // A transfer made at the broker directly (another channel) already uses today's slot.
        TransferRequest direct;
        direct.relationshipId = take(m_sim->achRelationships(m_account))->first().id;
        direct.amount = Decimal::fromUnits(10);
        QVERIFY(take(m_sim->createTransfer(m_account, direct)));
        const auto refused = take(m_service->transfer(m_user, deposit(linkId, u"20"_s, u"day"_s)));
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, FundingError::Kind::Rejected);
        QCOMPARE(refused.error().code, u"daily_transfer_limit"_s);
        const auto again = take(m_service->transfer(m_user, deposit(linkId, u"20"_s, u"day"_s)));
        QCOMPARE(again.error().code, u"daily_transfer_limit"_s);
        QCOMPARE(m_gateway->transferPosts, 1);
        QCOMPARE(brokerTransfers(), 1);
    }

    // Two API instances can both pass the read of today's transfers before either has stored its own:
    // the store's one-per-day slot refuses the second, which is answered daily_transfer_limit and never
    // reaches the broker. (The other instance's row is written here with yesterday's created_at, so that
    // the service's read cannot see it and only the slot can: the race, made deterministic.)
    void theStoreRefusesASecondTransferOfTheDayFromAnotherInstance()
    {
        const QString linkId = link();
        static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        TransferRecord other;
        other.id = u"other-instance"_s;
        other.userId = m_user.userId;
        other.accountId = m_account;
        other.idempotencyKey = u"theirs"_s;
        other.linkId = linkId;
        other.relationshipId = u"rel"_s;
        other.amount = Decimal::fromUnits(15);
        other.createdAt = now.addDays(-1);
        other.updatedAt = other.createdAt;
        other.limitDay = now.toTimeZone(newYork).date();
        TransferRepository elsewhere(*m_db);
        QVERIFY(elsewhere.add(other));

        const auto refused = take(m_service->transfer(m_user, deposit(linkId, u"20"_s, u"mine"_s)));
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, FundingError::Kind::Rejected);
        QCOMPARE(refused.error().code, u"daily_transfer_limit"_s);
        QVERIFY2(refused.error().message.contains(u"other-instance"_s), qPrintable(refused.error().message));
        QCOMPARE(m_gateway->transferPosts, 0);
        QCOMPARE(brokerTransfers(), 0);
        QVERIFY(!m_service->transferStore().byIdempotencyKey(m_account, u"mine"_s).value()); // not stored

        // Once the other transfer stops counting, the day is free.
        QVERIFY(elsewhere.settle(other.id, TransferRecord::State::Rejected, {}, TransferStatus::Rejected, {}, {},
                                 now));
        QVERIFY(take(m_service->transfer(m_user, deposit(linkId, u"20"_s, u"mine"_s))));
        QCOMPARE(brokerTransfers(), 1);
    }

    void lostLinkAnswerIsAdoptedAndASecondBankRefused()
    {
        m_gateway->loseRelationshipAnswer = true;
        const auto lost = take(m_service->link(m_user, manualBank()));
        QVERIFY(!lost);
        QCOMPARE(lost.error().code, u"broker_unavailable"_s);
        QVERIFY(m_service->linkStore().activeOf(m_account)->isEmpty());
        m_gateway->loseRelationshipAnswer = false;
        const auto adopted = take(m_service->link(m_user, manualBank()));
        QVERIFY2(adopted, qPrintable(adopted ? QString() : adopted.error().message));
        QCOMPARE(adopted->relationshipId, take(m_sim->achRelationships(m_account))->first().id);
        QCOMPARE(adopted->accountLast4, u"1098"_s);
        QCOMPARE(adopted->accountType, u"SAVINGS"_s);

        LinkBank other = manualBank(u"021000021"_s);
        const auto refused = take(m_service->link(m_user, other));
        QCOMPARE(refused.error().kind, FundingError::Kind::Conflict);
        QCOMPARE(refused.error().code, u"bank_link_exists"_s);
        QCOMPARE(take(m_sim->achRelationships(m_account))->size(), 1);
    }

    void plaidProcessorToken()
    {
        LinkBank plaid;
        plaid.accountId = m_account;
        plaid.processorToken = u"processor-sandbox-0123"_s;
        const auto linked = take(m_service->link(m_user, plaid));
        QVERIFY2(linked, qPrintable(linked ? QString() : linked.error().message));
        QCOMPARE(linked->method, u"plaid"_s);
        QCOMPARE(linked->accountLast4, u"0000"_s);
        QVERIFY(linked->routingNumber.isEmpty());
        QCOMPARE(take(m_sim->achRelationships(m_account))->first().approvalMethod, u"PLAID"_s);
        QVERIFY(take(m_service->unlink(m_user, m_account, linked->id)));
        plaid.processorToken = u"public-sandbox-0123"_s;
        const auto refused = take(m_service->link(m_user, plaid));
        QCOMPARE(refused.error().kind, FundingError::Kind::Rejected);
    }

    void bankAccountNumberIsNeverOnDiskNorInALog()
    {
        g_log.clear();
        m_gateway->loseRelationshipAnswer = true;
        QVERIFY(!take(m_service->link(m_user, manualBank())));
        m_gateway->loseRelationshipAnswer = false;
        link();
        QVERIFY(take(m_service->transfer(
            m_user, deposit(m_service->linkStore().activeOf(m_account)->first().id, u"3"_s, u"disk"_s))));
        // The simulator's file (and its WAL) and, on SQLite, the store's files.
        m_sim.reset();
        QStringList files;
        for (QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories); it.hasNext();)
            files.append(it.next());
        if (m_db->engine() == Database::Engine::Sqlite) {
            for (QDirIterator it(QFileInfo(m_scratch.url().path).absolutePath(), QDir::Files); it.hasNext();)
                files.append(it.next());
        }
        QVERIFY(!files.isEmpty());
        for (const QString &path : std::as_const(files)) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!f.readAll().contains(kAccountNumber.toLatin1()), qPrintable(path));
        }
        // Reopened, the simulator still has the link, by its last four digits.
        openBroker();
        const auto relationships = take(m_sim->achRelationships(m_account));
        QCOMPARE(relationships->size(), 1);
        QCOMPARE(relationships->first().accountMask, u"1098"_s);
        QCOMPARE(relationships->first().bankRoutingNumber, kRouting);
        QVERIFY(g_log.size() > 3); // the service and the simulator did log their steps
        for (const QString &line : std::as_const(g_log))
            QVERIFY2(!line.contains(kAccountNumber), qPrintable(line));
    }

    void reconcileGatesNewTransfersAndKeepsUnknownsWhenTheBrokerIsDown()
    {
        const QString linkId = link();
        m_gateway->loseTransferAnswer = true;
        QVERIFY(!take(m_service->transfer(m_user, deposit(linkId, u"8"_s, u"crash"_s))));
        m_gateway->loseTransferAnswer = false;

        // A restart while the broker cannot be reached: the transfer stays unknown.
        m_gateway->unreachable = true;
        m_service = std::make_unique<FundingService>(*m_gateway, *m_db, *m_audit);
        const auto early = take(m_service->transfer(m_user, deposit(linkId, u"8"_s, u"crash"_s)));
        QCOMPARE(early.error().code, u"reconciling"_s);
        QSignalSpy reconciled(m_service.get(), &FundingService::reconciled);
        m_service->reconcile();
        QTRY_COMPARE(reconciled.size(), 1);
        QCOMPARE(reconciled.first().at(0).toInt(), 0);
        QCOMPARE(reconciled.first().at(1).toInt(), 1);
        QCOMPARE(m_service->transferStore().unresolved()->size(), 1);

        // The next start, with the broker back, adopts it.
        m_gateway->unreachable = false;
        startService();
        QVERIFY(m_service->transferStore().unresolved()->isEmpty());
        const auto adopted = m_service->transferStore().byIdempotencyKey(m_account, u"crash"_s);
        QCOMPARE(toString((*adopted)->state), u"submitted"_s);
        QCOMPARE(brokerTransfers(), 1);
        QCOMPARE(m_gateway->transferPosts, 1);
    }
};

QTEST_GUILESS_MAIN(TestFundingService)
#include "tst_fundingservice.moc"
