#include "alpacaaccountopener.h"

#include "core/broker/alpacabroker.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

OpenedAccount openedFrom(const BrokerAccount &a)
{
    return {a.id, a.accountNumber, a.status};
}

} // namespace

AlpacaAccountOpener::AlpacaAccountOpener(AlpacaBroker &broker, QObject *parent)
    : AccountOpener(parent), m_broker(broker)
{
    connect(&m_broker, &AlpacaBroker::accountStatusChanged, this, &AccountOpener::statusChanged);
}

QString AlpacaAccountOpener::brokerName() const
{
    return m_broker.name();
}

QFuture<BrokerResult<OpenedAccount>> AlpacaAccountOpener::open(const AccountApplication &application,
                                                               const QString &)
{
    return m_broker.createAccount(application)
        .then(this, [](const BrokerResult<BrokerAccount> &r) -> BrokerResult<OpenedAccount> {
            if (!r)
                return unexpected(r.error());
            return openedFrom(*r);
        });
}

QFuture<BrokerResult<std::optional<OpenedAccount>>>
AlpacaAccountOpener::find(const AccountApplication &application, const QString &, const Timestamp &since)
{
    using Result = BrokerResult<std::optional<OpenedAccount>>;
    BrokerAccountQuery query;
    query.query = application.contact.emailAddress;
    query.entities = {u"contact"_s, u"identity"_s};
    // A minute of slack for clocks that disagree.
    query.createdAfter = Timestamp::fromDateTime(since.toDateTime().addSecs(-60));
    const AccountContact contact = application.contact;
    const AccountIdentity identity = application.identity;
    return m_broker.brokerAccounts(query).then(
        this, [contact, identity](const BrokerResult<QList<BrokerAccount>> &r) -> Result {
            if (!r)
                return unexpected(r.error());
            for (const BrokerAccount &a : *r) {
                // Someone else may hold an account under this email: only the same person counts.
                const bool same =
                    a.contact && a.identity &&
                    a.contact->emailAddress.compare(contact.emailAddress, Qt::CaseInsensitive) == 0 &&
                    a.identity->givenName == identity.givenName &&
                    a.identity->familyName == identity.familyName &&
                    a.identity->dateOfBirth == identity.dateOfBirth;
                if (same)
                    return std::optional<OpenedAccount>(openedFrom(a));
            }
            return std::optional<OpenedAccount>();
        });
}

QFuture<BrokerResult<OpenedAccount>> AlpacaAccountOpener::status(const QString &accountId)
{
    return m_broker.brokerAccount(accountId).then(
        this, [](const BrokerResult<BrokerAccount> &r) -> BrokerResult<OpenedAccount> {
            if (!r)
                return unexpected(r.error());
            return openedFrom(*r);
        });
}

} // namespace clera
