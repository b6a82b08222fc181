// SimBroker's bank side: ACH relationships, the per-day transfer limit and transfer cancellation.

#include "simbroker.h"

#include <QLoggingCategory>
#include <QTimeZone>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcSimFunding, "clera.broker")

using namespace simerror;

template <typename T> QFuture<BrokerResult<T>> ready(BrokerResult<T> result)
{
    return QtFuture::makeReadyFuture(std::move(result));
}

QDate newYorkDate(Timestamp at)
{
    static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
    const QTimeZone zone = newYork.isValid() ? newYork : QTimeZone(-5 * 3600);
    return at.toDateTime().toTimeZone(zone).date();
}

bool failedOrCanceled(TransferStatus s)
{
    return s == TransferStatus::Rejected || s == TransferStatus::Canceled || s == TransferStatus::Returned ||
           s == TransferStatus::Expired;
}

} // namespace

QFuture<BrokerResult<AchRelationship>> SimBroker::createAchRelationship(const QString &accountId,
                                                                        const AchRelationshipRequest &request)
{
    if (auto e = checkAccount(accountId))
        return ready<AchRelationship>(unexpected(*e));
    AchRelationship r;
    if (!request.processorToken.isEmpty()) {
        if (!request.processorToken.startsWith(u"processor-"))
            return ready<AchRelationship>(unexpected(invalid(u"processor_token is invalid"_s)));
        r.approvalMethod = u"PLAID"_s;
        r.accountOwnerName = accountLabel(accountId);
        r.accountMask = u"0000"_s;
    } else {
        if (request.accountOwnerName.trimmed().isEmpty())
            return ready<AchRelationship>(unexpected(invalid(u"account_owner_name is required"_s)));
        if (!request.bankAccountType || *request.bankAccountType == BankAccountType::Unknown)
            return ready<AchRelationship>(
                unexpected(invalid(u"bank_account_type must be CHECKING or SAVINGS"_s)));
        if (request.bankAccountNumber.size() < 4)
            return ready<AchRelationship>(unexpected(invalid(u"bank_account_number is invalid"_s)));
        if (request.bankRoutingNumber.size() != 9)
            return ready<AchRelationship>(unexpected(invalid(u"bank_routing_number is invalid"_s)));
        r.approvalMethod = u"MICRO_DEPOSIT"_s;
        r.accountOwnerName = request.accountOwnerName;
        r.bankAccountType = request.bankAccountType;
        r.bankRoutingNumber = request.bankRoutingNumber;
        r.accountMask = request.bankAccountNumber.right(4);
    }
    for (const AchRelationship &existing : std::as_const(m_relationships)) {
        if (existing.accountId == accountId && existing.status != AchRelationshipStatus::CancelRequested)
            return ready<AchRelationship>(
                unexpected(BrokerError{BrokerError::Kind::AchRelationshipExists,
                                       u"account already has an active relationship"_s, 409, 40910000}));
    }
    r.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.accountId = accountId;
    r.nickname = request.nickname;
    r.status = AchRelationshipStatus::Approved;
    r.createdAt = now();
    r.updatedAt = r.createdAt;
    SimBrokerStore::Changes changes;
    changes.relationships.append(r);
    if (auto c = commit(changes); !c)
        return ready<AchRelationship>(unexpected(c.error()));
    m_relationships.append(r);
    qCDebug(lcSimFunding) << "linked ACH relationship" << r.id << "to" << accountId;
    return ready<AchRelationship>(r);
}

QFuture<BrokerResult<QList<AchRelationship>>> SimBroker::achRelationships(const QString &accountId)
{
    if (auto e = checkAccount(accountId))
        return ready<QList<AchRelationship>>(unexpected(*e));
    QList<AchRelationship> out;
    for (const AchRelationship &r : std::as_const(m_relationships)) {
        if (r.accountId == accountId)
            out.append(r);
    }
    return ready<QList<AchRelationship>>(out);
}

QFuture<BrokerResult<Done>> SimBroker::deleteAchRelationship(const QString &accountId,
                                                             const QString &relationshipId)
{
    if (auto e = checkAccount(accountId))
        return ready<Done>(unexpected(*e));
    const auto it =
        std::find_if(m_relationships.begin(), m_relationships.end(), [&](const AchRelationship &r) {
            return r.id == relationshipId && r.accountId == accountId;
        });
    if (it == m_relationships.end())
        return ready<Done>(unexpected(notFound(u"relationship not found"_s)));
    SimBrokerStore::Changes changes;
    changes.removedRelationships.append(relationshipId);
    if (auto c = commit(changes); !c)
        return ready<Done>(unexpected(c.error()));
    m_relationships.erase(it);
    return ready<Done>(Done{});
}

QFuture<BrokerResult<Done>> SimBroker::cancelTransfer(const QString &accountId, const QString &transferId)
{
    if (auto e = checkAccount(accountId))
        return ready<Done>(unexpected(*e));
    const TransferRow *found = m_ledger.transfer(transferId);
    if (!found || found->transfer.accountId != accountId)
        return ready<Done>(unexpected(notFound(u"transfer not found"_s)));
    if (found->transfer.status != TransferStatus::Queued)
        return ready<Done>(unexpected(invalid(u"transfer is not cancelable"_s, kUnprocessableCode)));
    TransferRow row = *found;
    row.transfer.status = TransferStatus::Canceled;
    row.transfer.updatedAt = now();
    SimBrokerStore::Changes changes;
    changes.transfers.append(row);
    if (auto c = commit(changes); !c)
        return ready<Done>(unexpected(c.error()));
    Q_EMIT accountChanged(accountId);
    return ready<Done>(Done{});
}

std::optional<BrokerError> SimBroker::checkTransferBank(const QString &accountId,
                                                        const TransferRequest &request) const
{
    if (request.relationshipId.isEmpty())
        return std::nullopt;
    const bool approved = std::any_of(m_relationships.cbegin(), m_relationships.cend(), [&](const auto &r) {
        return r.id == request.relationshipId && r.accountId == accountId &&
               r.status == AchRelationshipStatus::Approved;
    });
    if (!approved)
        return invalid(u"relationship_id is not an approved ACH relationship"_s);
    const QDate today = newYorkDate(now());
    for (const Transfer &t : m_ledger.transfers(accountId)) {
        if (!t.relationshipId.isEmpty() && !failedOrCanceled(t.status) && newYorkDate(t.createdAt) == today)
            return BrokerError{BrokerError::Kind::TransferLimit,
                               u"ACH transfer limit reached: one transfer per account per day"_s, 422,
                               kValidationCode};
    }
    return std::nullopt;
}

} // namespace clera
