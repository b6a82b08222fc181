#include "simaccountopener.h"

#include "core/broker/simbroker.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace clera {

SimAccountOpener::SimAccountOpener(SimBroker &broker, QObject *parent)
    : AccountOpener(parent), m_broker(broker)
{}

QString SimAccountOpener::brokerName() const
{
    return m_broker.name();
}

QString SimAccountOpener::labelFor(const QString &reference)
{
    return u"onboarding:"_s + reference;
}

QFuture<BrokerResult<OpenedAccount>> SimAccountOpener::open(const AccountApplication &,
                                                            const QString &reference)
{
    const auto created = m_broker.createAccount(Decimal(), labelFor(reference));
    if (!created)
        return QtFuture::makeReadyFuture(BrokerResult<OpenedAccount>(unexpected(created.error())));
    const QString id = created->id;
    // The simulated review approves every complete application; the delay keeps SUBMITTED observable.
    QTimer::singleShot(m_reviewDelayMs, this,
                       [this, id] { Q_EMIT statusChanged(id, AccountStatus::Active); });
    return QtFuture::makeReadyFuture(
        BrokerResult<OpenedAccount>(OpenedAccount{id, created->accountNumber, AccountStatus::Submitted}));
}

QFuture<BrokerResult<std::optional<OpenedAccount>>>
SimAccountOpener::find(const AccountApplication &, const QString &reference, const Timestamp &)
{
    using Result = BrokerResult<std::optional<OpenedAccount>>;
    // SimBroker's futures are finished when returned.
    const auto accounts = m_broker.accounts().result();
    if (!accounts)
        return QtFuture::makeReadyFuture(Result(unexpected(accounts.error())));
    const QString label = labelFor(reference);
    for (const Account &a : *accounts) {
        if (m_broker.accountLabel(a.id) == label)
            return QtFuture::makeReadyFuture(Result(std::optional<OpenedAccount>(
                OpenedAccount{a.id, a.accountNumber, AccountStatus::Submitted})));
    }
    return QtFuture::makeReadyFuture(Result(std::optional<OpenedAccount>()));
}

QFuture<BrokerResult<OpenedAccount>> SimAccountOpener::status(const QString &accountId)
{
    const auto account = m_broker.account(accountId).result();
    if (!account)
        return QtFuture::makeReadyFuture(BrokerResult<OpenedAccount>(unexpected(account.error())));
    return QtFuture::makeReadyFuture(
        BrokerResult<OpenedAccount>(OpenedAccount{account->id, account->accountNumber, account->status}));
}

} // namespace clera
