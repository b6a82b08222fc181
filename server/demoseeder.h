#pragma once

#include "core/domain/decimal.h"
#include "core/domain/expected.h"

#include <QList>
#include <QString>

namespace clera {

class AccountDirectory;
class SimBroker;

// --demo: the users demo-alice and demo-bob, each with a SimBroker account funded with cash and a
// few positions bought with real market orders, and the operator demo-operator. Idempotent: an
// account is found again by its owner (or its label after an interrupted run), and every order has a
// fixed client_order_id ("demo-alice-AAPL"), so a re-run never creates or buys twice.
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
        QString userId;
        Decimal initialCash;
        QList<Holding> holdings;
    };

    static constexpr QStringView kOperator = u"demo-operator";
    [[nodiscard]] static const QList<DemoUser> &users();

    DemoSeeder(SimBroker *broker, AccountDirectory *directory);

    // Returns the demo users' account ids, in users() order.
    [[nodiscard]] Expected<QStringList, QString> seed();

private:
    [[nodiscard]] Expected<QString, QString> ensureAccount(const DemoUser &user);
    [[nodiscard]] Expected<bool, QString> ensureOrder(const QString &accountId, const QString &userId,
                                                      const Holding &holding);

    SimBroker *m_broker;
    AccountDirectory *m_directory;
};

} // namespace clera
