#include "simbrokerfixture.h"

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::test;

// SimBroker's transfers and ACH relationships (settling, cash limits, validation) and its store: a restart
// restores everything, a bad file fails to open cleanly.
class TestSimBrokerFunding : public QObject, protected SimBrokerFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpCatalog(); }
    void init() { openBroker(); }
    void cleanup() { closeBroker(); }

    void transfersSettle();
    void outgoingTransferLimitedByCash();
    void transferValidation();
    void achRelationshipsLikeAlpaca();
    void restartRestoresEverything();
    void openFailsCleanly();
};

void TestSimBrokerFunding::transfersSettle()
{
    QSignalSpy accountSpy(m_broker.get(), &Broker::accountChanged);
    TransferRequest deposit;
    deposit.amount = dec(u"500.25");
    deposit.direction = TransferDirection::Incoming;
    const auto t = take(m_broker->createTransfer(m_accountId, deposit));
    QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
    QCOMPARE(t->status, TransferStatus::Queued);
    QCOMPARE(t->amount, dec(u"500.25"));
    QCOMPARE(t->type, TransferType::Ach);
    QCOMPARE(t->accountId, m_accountId);
    Account a = currentAccount();
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.pendingTransferIn, std::optional<Decimal>(dec(u"500.25")));

    QTRY_COMPARE(currentAccount().cash, dec(u"100500.25"));
    QVERIFY(accountSpy.size() >= 2);
    const auto list = take(m_broker->transfers(m_accountId));
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().status, TransferStatus::Complete);
    QCOMPARE(currentAccount().pendingTransferIn, std::optional<Decimal>(Decimal()));
}

void TestSimBrokerFunding::outgoingTransferLimitedByCash()
{
    m_broker->setSettleDelayMs(60'000);
    TransferRequest withdraw;
    withdraw.direction = TransferDirection::Outgoing;
    withdraw.amount = dec(u"100000.01");
    auto refused = take(m_broker->createTransfer(m_accountId, withdraw));
    QCOMPARE(refused.error().kind, BrokerError::Kind::InsufficientBuyingPower);
    QCOMPARE(refused.error().httpStatus, 403);

    withdraw.amount = dec(u"60000");
    QVERIFY(take(m_broker->createTransfer(m_accountId, withdraw)));
    Account a = currentAccount();
    QCOMPARE(a.cash, dec(u"100000"));
    QCOMPARE(a.buyingPower, dec(u"40000"));
    QCOMPARE(a.pendingTransferOut, std::optional<Decimal>(dec(u"60000")));
    withdraw.amount = dec(u"40000.01");
    refused = take(m_broker->createTransfer(m_accountId, withdraw));
    QCOMPARE(refused.error().kind, BrokerError::Kind::InsufficientBuyingPower);
    QCOMPARE(take(m_broker->submitOrder(m_accountId, market(u"MSFT"_s, dec(u"101")))).error().kind,
             BrokerError::Kind::InsufficientBuyingPower);

    // A limit buy's reservation also limits withdrawals.
    QVERIFY(take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"50"), dec(u"300")))));
    withdraw.amount = dec(u"25000.01");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, withdraw)).error().kind,
             BrokerError::Kind::InsufficientBuyingPower);
}

void TestSimBrokerFunding::transferValidation()
{
    TransferRequest r;
    r.amount = Decimal();
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.amount = dec(u"-5");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.amount = dec(u"1.001");
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().httpStatus, 422);
    r.amount = dec(u"10");
    r.transferType = TransferType::Wire;
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    r.transferType = TransferType::Ach;
    r.direction = TransferDirection::Unknown;
    QCOMPARE(take(m_broker->createTransfer(m_accountId, r)).error().kind, BrokerError::Kind::InvalidRequest);
    QCOMPARE(take(m_broker->createTransfer(u"nope"_s, r)).error().kind, BrokerError::Kind::NotFound);
    QVERIFY(take(m_broker->transfers(m_accountId))->isEmpty());
}

void TestSimBrokerFunding::achRelationshipsLikeAlpaca()
{
    m_broker->setSettleDelayMs(60'000);
    const auto bank = take(m_broker->createAchRelationship(
        m_accountId, AchRelationshipRequest::manual(u"Pat Lee"_s, BankAccountType::Checking, u"000123456789"_s,
                                                    u"121000358"_s, u"Main"_s)));
    QVERIFY2(bank, qPrintable(bank ? QString() : bank.error().message));
    QCOMPARE(bank->status, AchRelationshipStatus::Approved);
    QCOMPARE(bank->accountMask, u"6789"_s);
    QVERIFY(bank->bankAccountNumber.isEmpty());
    // One active relationship per account (Alpaca's 409).
    QCOMPARE(take(m_broker->createAchRelationship(m_accountId, AchRelationshipRequest::plaid(u"processor-x"_s)))
                 .error()
                 .kind,
             BrokerError::Kind::AchRelationshipExists);

    TransferRequest deposit;
    deposit.amount = dec(u"25");
    deposit.relationshipId = u"not-a-relationship"_s;
    QCOMPARE(take(m_broker->createTransfer(m_accountId, deposit)).error().kind, BrokerError::Kind::InvalidRequest);
    deposit.relationshipId = bank->id;
    const auto first = take(m_broker->createTransfer(m_accountId, deposit));
    QVERIFY(first);
    // One bank transfer per day; a canceled one frees the day.
    QCOMPARE(take(m_broker->createTransfer(m_accountId, deposit)).error().kind, BrokerError::Kind::TransferLimit);
    QVERIFY(take(m_broker->cancelTransfer(m_accountId, first->id)));
    QCOMPARE(take(m_broker->cancelTransfer(m_accountId, first->id)).error().httpStatus, 422);
    QCOMPARE(currentAccount().pendingTransferIn, std::optional<Decimal>(Decimal()));
    QVERIFY(take(m_broker->createTransfer(m_accountId, deposit)));

    // Persisted (mask only), and deleted for good.
    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    QVERIFY(m_broker->open());
    const auto restored = take(m_broker->achRelationships(m_accountId));
    QCOMPARE(restored->size(), 1);
    QCOMPARE(restored->first().id, bank->id);
    QCOMPARE(restored->first().accountMask, u"6789"_s);
    QVERIFY(take(m_broker->deleteAchRelationship(m_accountId, bank->id)));
    QCOMPARE(take(m_broker->deleteAchRelationship(m_accountId, bank->id)).error().kind, BrokerError::Kind::NotFound);
    QVERIFY(take(m_broker->achRelationships(m_accountId))->isEmpty());
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("000123456789"));
}

void TestSimBrokerFunding::restartRestoresEverything()
{
    QVERIFY(take(m_broker->submitOrder(m_accountId, market(u"AAPL"_s, dec(u"2.5")))));
    const auto openLimit = take(m_broker->submitOrder(m_accountId, limit(u"MSFT"_s, dec(u"1"), dec(u"390"))));
    QVERIFY(openLimit);
    const auto canceled = take(m_broker->submitOrder(m_accountId, limit(u"AAPL"_s, dec(u"1"), dec(u"100"))));
    QVERIFY(take(m_broker->cancelOrder(m_accountId, canceled->id)));
    TransferRequest deposit;
    deposit.amount = dec(u"1000");
    QVERIFY(take(m_broker->createTransfer(m_accountId, deposit)));
    QTRY_COMPARE(currentAccount().cash, dec(u"101000") - dec(u"468.28"));
    m_broker->setSettleDelayMs(60'000);
    deposit.amount = dec(u"250.5");
    const auto pending = take(m_broker->createTransfer(m_accountId, deposit));
    QVERIFY(pending);
    const auto second = m_broker->createAccount(dec(u"42.42"), u"Second"_s);
    QVERIFY(second);

    const auto accountsBefore = take(m_broker->accounts()).value();
    const auto positionsBefore = take(m_broker->positions(m_accountId)).value();
    OrderQuery all;
    all.status = OrderQuery::Status::All;
    const auto ordersBefore = take(m_broker->orders(m_accountId, all)).value();
    const auto transfersBefore = take(m_broker->transfers(m_accountId)).value();
    QCOMPARE(ordersBefore.size(), 3);
    QCOMPARE(transfersBefore.size(), 2);

    m_broker.reset();
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 0);
    m_feed->setPrice(u"MSFT"_s, dec(u"395"));

    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    m_broker->setSettleDelayMs(60'000);
    QVERIFY(m_broker->open());
    QCOMPARE(take(m_broker->accounts()).value(), accountsBefore);
    QCOMPARE(take(m_broker->positions(m_accountId)).value(), positionsBefore);
    QCOMPARE(take(m_broker->orders(m_accountId, all)).value(), ordersBefore);
    QCOMPARE(take(m_broker->transfers(m_accountId)).value(), transfersBefore);
    QCOMPARE(m_broker->accountLabel(second->id), u"Second"_s);
    QCOMPARE(m_registry->holderCount(u"MSFT"_s), 1);
    QCOMPARE(m_registry->holderCount(u"AAPL"_s), 1);

    // The duplicate check survives the restart.
    OrderRequest dup = limit(u"AAPL"_s, dec(u"1"), dec(u"100"));
    dup.clientOrderId = canceled->clientOrderId;
    QCOMPARE(take(m_broker->submitOrder(m_accountId, dup)).error().kind,
             BrokerError::Kind::DuplicateClientOrderId);

    // The restored open limit order still fills on a tick.
    QSignalSpy orderSpy(m_broker.get(), &Broker::orderUpdated);
    m_feed->tick(u"MSFT"_s, dec(u"389"));
    QCOMPARE(orderSpy.size(), 1);
    QCOMPARE(take(m_broker->order(m_accountId, openLimit->id))->status, OrderStatus::Filled);
    const Decimal cashAfterFill = dec(u"101000") - dec(u"468.28") - dec(u"389");
    QCOMPARE(currentAccount().cash, cashAfterFill);

    // The pending transfer settles after a restart too.
    m_broker.reset();
    m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
    m_broker->setSettleDelayMs(0);
    QVERIFY(m_broker->open());
    QCOMPARE(currentAccount().cash, cashAfterFill);
    QTRY_COMPARE(currentAccount().cash, cashAfterFill + dec(u"250.5"));
    QCOMPARE(take(m_broker->transfers(m_accountId))->last().status, TransferStatus::Complete);
    QCOMPARE(take(m_broker->positions(m_accountId))->size(), 2);
}

void TestSimBrokerFunding::openFailsCleanly()
{
    SimBroker missingDir(m_feed.get(), *m_catalog, nullptr, m_dir.filePath(u"no/such/dir/sim.sqlite"_s));
    const auto opened = missingDir.open();
    QVERIFY(!opened);
    QVERIFY(opened.error().contains(u"no/such/dir"_s));
    QVERIFY(!missingDir.isOpen());
    QCOMPARE(take(missingDir.accounts()).error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(missingDir.createAccount(dec(u"1")).error().kind, BrokerError::Kind::Unavailable);
    QCOMPARE(take(missingDir.submitOrder(u"x"_s, market(u"AAPL"_s, dec(u"1")))).error().kind,
             BrokerError::Kind::Unavailable);

    const QString garbagePath = m_dir.filePath(u"garbage.sqlite"_s);
    {
        QFile garbage(garbagePath);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(4096, 'x'));
    }
    SimBroker notADatabase(m_feed.get(), *m_catalog, nullptr, garbagePath);
    const auto garbageOpened = notADatabase.open();
    QVERIFY(!garbageOpened);
    QVERIFY(!garbageOpened.error().isEmpty());

    const QString newerPath = m_dir.filePath(u"newer.sqlite"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"newer"_s);
        db.setDatabaseName(newerPath);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"CREATE TABLE schema_version (version INTEGER NOT NULL)"_s));
        QVERIFY(q.exec(u"INSERT INTO schema_version VALUES (99)"_s));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"newer"_s);
    SimBroker newer(m_feed.get(), *m_catalog, nullptr, newerPath);
    const auto newerOpened = newer.open();
    QVERIFY(!newerOpened);
    QVERIFY(newerOpened.error().contains(u"newer"_s));
}

QTEST_GUILESS_MAIN(TestSimBrokerFunding)
#include "tst_simbrokerfunding.moc"
