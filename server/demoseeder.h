#pragma once

#include "core/auth/passwordhasher.h"
#include "core/domain/decimal.h"
#include "core/domain/expected.h"

#include <QList>
#include <QString>

namespace clera {

class BrokerageAccountRepository;
class SimBroker;
class UserRepository;

// --demo: the users demo-alice and demo-bob (alice@demo.clera.invalid, bob@demo.clera.invalid), each
// with a SimBroker account funded with cash and a few positions bought with real market orders, and
// the operator demo-operator (operator@demo.clera.invalid), all in the store with verified emails and
// the password kPassword. Idempotent: a user is found again by email (and left as it is), an account
// by its owner (or its label after an interrupted run), and every order has a fixed client_order_id
// ("demo-alice-AAPL"), so a re-run never creates or buys twice.
class DemoSeeder
{
public:
    struct Holding
    {
        QString symbol;
        Decimal qty;
    };
    struct DemoUser
    {
        QString name; // "demo-alice": the SimBroker account label and the client_order_id prefix
        Decimal initialCash;
        QList<Holding> holdings;
    };

    static constexpr QStringView kOperator = u"demo-operator";
    // Documented (README, banner): the demo is for trying the server out, never for real money.
    static constexpr QStringView kPassword = u"clera-demo-password";
    [[nodiscard]] static const QList<DemoUser> &users();
    // "demo-alice" → "alice@demo.clera.invalid"; empty for a name that is not a demo user.
    [[nodiscard]] static QString emailOf(const QString &demoName);

    DemoSeeder(SimBroker *broker, UserRepository &users, BrokerageAccountRepository &accounts,
               PasswordHasher hasher);

    // Returns the demo users' account ids, in users() order.
    [[nodiscard]] Expected<QStringList, QString> seed();

private:
    // The user's id, creating the user when the email is unknown.
    [[nodiscard]] Expected<QString, QString> ensureUser(const QString &demoName, const QString &role);
    [[nodiscard]] Expected<QString, QString> ensureAccount(const DemoUser &user, const QString &userId);
    [[nodiscard]] Expected<bool, QString> ensureOrder(const QString &accountId, const QString &demoName,
                                                      const Holding &holding);

    SimBroker *m_broker;
    UserRepository &m_users;
    BrokerageAccountRepository &m_accounts;
    PasswordHasher m_hasher;
};

} // namespace clera
