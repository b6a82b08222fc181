#include "demoseeder.h"

#include "core/broker/simbroker.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/userrepository.h"
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

QString DemoSeeder::emailOf(const QString &demoName)
{
    const bool known =
        demoName == kOperator ||
        std::any_of(users().cbegin(), users().cend(), [&](const DemoUser &u) { return u.name == demoName; });
    return known ? demoName.mid(5) + u"@demo.clera.invalid"_s : QString();
}

DemoSeeder::DemoSeeder(SimBroker *broker, UserRepository &users, BrokerageAccountRepository &accounts,
                       PasswordHasher hasher)
    : m_broker(broker), m_users(users), m_accounts(accounts), m_hasher(hasher)
{}

Expected<QString, QString> DemoSeeder::ensureUser(const QString &demoName, const QString &role)
{
    const QString email = emailOf(demoName);
    const auto found = m_users.findByEmail(email);
    if (!found)
        return unexpected(u"cannot look up %1: %2"_s.arg(email, found.error().message));
    if (found->has_value())
        return (*found)->id;
    const auto hash = m_hasher.hash(kPassword.toString());
    if (!hash)
        return unexpected(u"cannot hash the demo password: "_s + hash.error().message);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto created = m_users.create(email, *hash, role, now);
    if (!created)
        return unexpected(u"cannot create the demo user %1: %2"_s.arg(email, created.error().message));
    if (auto verified = m_users.markEmailVerified(created->id, now); !verified)
        return unexpected(u"cannot verify the demo user %1: %2"_s.arg(email, verified.error().message));
    qCInfo(lcServer) << "created demo user" << email;
    return created->id;
}

Expected<QStringList, QString> DemoSeeder::seed()
{
    QStringList accountIds;
    int bought = 0;
    for (const DemoUser &user : users()) {
        const auto userId = ensureUser(user.name, u"user"_s);
        if (!userId)
            return unexpected(userId.error());
        const auto accountId = ensureAccount(user, *userId);
        if (!accountId)
            return unexpected(accountId.error());
        for (const Holding &holding : user.holdings) {
            const auto placed = ensureOrder(*accountId, user.name, holding);
            if (!placed)
                return unexpected(placed.error());
            bought += *placed ? 1 : 0;
        }
        accountIds.append(*accountId);
    }
    if (auto op = ensureUser(kOperator.toString(), u"operator"_s); !op)
        return unexpected(op.error());
    qCInfo(lcServer) << "demo data ready:" << accountIds.size() << "accounts," << bought << "new orders";
    return accountIds;
}

Expected<QString, QString> DemoSeeder::ensureAccount(const DemoUser &user, const QString &userId)
{
    const auto owned = m_accounts.accountsOf(userId);
    if (!owned)
        return unexpected(owned.error().message);
    if (!owned->isEmpty())
        return owned->first();

    // An earlier run may have created the account and stopped before recording its owner (or recorded
    // it in the account directory file older versions kept).
    QString accountId;
    const auto all = finished(m_broker->accounts());
    if (!all)
        return unexpected(u"cannot list accounts: "_s + all.error().message);
    for (const Account &account : *all) {
        if (m_broker->accountLabel(account.id) == user.name) {
            accountId = account.id;
            break;
        }
    }
    if (accountId.isEmpty()) {
        const auto created = m_broker->createAccount(user.initialCash, user.name);
        if (!created)
            return unexpected(
                u"cannot create the account of %1: %2"_s.arg(user.name, created.error().message));
        accountId = created->id;
        qCInfo(lcServer) << "created demo account" << created->accountNumber << "for" << user.name;
    }
    if (auto recorded = m_accounts.add(userId, accountId, m_broker->name(), QDateTime::currentDateTimeUtc());
        !recorded)
        return unexpected(recorded.error().message);
    return accountId;
}

Expected<bool, QString> DemoSeeder::ensureOrder(const QString &accountId, const QString &demoName,
                                                const Holding &holding)
{
    const QString clientOrderId = demoName + u'-' + holding.symbol;
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
