#include "demoseeder.h"

#include "core/broker/simbroker.h"
#include "core/store/accountdirectory.h"
#include "serverlog.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

// SimBroker returns finished futures; reading one never blocks. Anything else is a programming error.
template <typename T> BrokerResult<T> finished(const QFuture<BrokerResult<T>> &future)
{
    if (!future.isFinished())
        return unexpected(
            BrokerError{BrokerError::Kind::Internal, u"the simulated broker did not answer at once"_s});
    return future.result();
}

} // namespace

const QList<DemoSeeder::DemoUser> &DemoSeeder::users()
{
    static const QList<DemoUser> all = {
        {u"demo-alice"_s,
         Decimal(25000),
         {{u"AAPL"_s, Decimal(20)},
          {u"MSFT"_s, Decimal(8)},
          {u"NVDA"_s, Decimal(25)},
          {u"KO"_s, Decimal(40)}}},
        {u"demo-bob"_s,
         Decimal(60000),
         {{u"SPY"_s, Decimal(30)},
          {u"AMZN"_s, Decimal(40)},
          {u"GOOGL"_s, Decimal(30)},
          {u"TSLA"_s, Decimal(15)},
          {u"JPM"_s, Decimal(20)}}},
    };
    return all;
}

DemoSeeder::DemoSeeder(SimBroker *broker, AccountDirectory *directory)
    : m_broker(broker), m_directory(directory)
{}

Expected<QStringList, QString> DemoSeeder::seed()
{
    QStringList accountIds;
    int bought = 0;
    for (const DemoUser &user : users()) {
        const auto accountId = ensureAccount(user);
        if (!accountId)
            return unexpected(accountId.error());
        for (const Holding &holding : user.holdings) {
            const auto placed = ensureOrder(*accountId, user.userId, holding);
            if (!placed)
                return unexpected(placed.error());
            bought += *placed ? 1 : 0;
        }
        accountIds.append(*accountId);
    }
    if (auto role = m_directory->setUserRole(kOperator.toString(), u"operator"_s); !role)
        return unexpected(role.error());
    qCInfo(lcServer) << "demo data ready:" << accountIds.size() << "accounts," << bought << "new orders";
    return accountIds;
}

Expected<QString, QString> DemoSeeder::ensureAccount(const DemoUser &user)
{
    if (auto role = m_directory->setUserRole(user.userId, u"user"_s); !role)
        return unexpected(role.error());
    const auto owned = m_directory->accountsOf(user.userId);
    if (!owned)
        return unexpected(owned.error());
    if (!owned->isEmpty())
        return owned->first();

    // An earlier run may have created the account and stopped before recording its owner.
    QString accountId;
    const auto all = finished(m_broker->accounts());
    if (!all)
        return unexpected(u"cannot list accounts: "_s + all.error().message);
    for (const Account &account : *all) {
        if (m_broker->accountLabel(account.id) == user.userId) {
            accountId = account.id;
            break;
        }
    }
    if (accountId.isEmpty()) {
        const auto created = m_broker->createAccount(user.initialCash, user.userId);
        if (!created)
            return unexpected(
                u"cannot create the account of %1: %2"_s.arg(user.userId, created.error().message));
        accountId = created->id;
        qCInfo(lcServer) << "created demo account" << created->accountNumber << "for" << user.userId;
    }
    if (auto recorded = m_directory->addOwner(user.userId, accountId); !recorded)
        return unexpected(recorded.error());
    return accountId;
}

Expected<bool, QString> DemoSeeder::ensureOrder(const QString &accountId, const QString &userId,
                                                const Holding &holding)
{
    const QString clientOrderId = userId + u'-' + holding.symbol;
    const auto existing = finished(m_broker->orderByClientOrderId(accountId, clientOrderId));
    if (existing)
        return false;
    if (existing.error().kind != BrokerError::Kind::NotFound)
        return unexpected(u"cannot look up order %1: %2"_s.arg(clientOrderId, existing.error().message));

    OrderRequest request;
    request.symbol = holding.symbol;
    request.qty = holding.qty;
    request.side = OrderSide::Buy;
    request.type = OrderType::Market;
    request.timeInForce = TimeInForce::Day;
    request.clientOrderId = clientOrderId;
    const auto order = finished(m_broker->submitOrder(accountId, request));
    if (!order) {
        if (order.error().kind == BrokerError::Kind::DuplicateClientOrderId)
            return false;
        return unexpected(u"demo order %1 failed: %2"_s.arg(clientOrderId, order.error().message));
    }
    return true;
}

} // namespace clera
