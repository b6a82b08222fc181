// FundingService's bank links: manual details or a processor token, stored before the broker sees them,
// adopted when a retry finds the broker already has the relationship; listing and unlinking.
#include "fundingservice.h"

#include "fundingservice_p.h"

#include "core/funding/fundinggateway.h"
#include "core/funding/fundingrules.h"
#include "core/store/auditlog.h"
#include "core/store/database.h"

using namespace Qt::StringLiterals;

namespace clera {

using namespace fundingservice_p;

QFuture<FundingResult<BankLinkRecord>> FundingService::link(const FundingOrigin &origin,
                                                            const LinkBank &command)
{
    auto [future, finish] = started<FundingResult<BankLinkRecord>>();
    const auto refuse = [&](const FundingError &error) {
        audit(origin, u"bank_link.create"_s, command.accountId, u"denied"_s, {{u"error"_s, error.code}});
        finish(unexpected(error));
        return future;
    };
    AchRelationshipRequest request;
    const bool manualFields = !command.ownerName.isEmpty() || !command.accountType.isEmpty() ||
                              !command.accountNumber.isEmpty() || !command.routingNumber.isEmpty();
    if (!command.processorToken.isEmpty()) {
        if (manualFields)
            return refuse(invalid(u"invalid_bank_link"_s,
                                  u"send either a processor_token or the bank details, not both"_s));
        request = AchRelationshipRequest::plaid(command.processorToken);
        request.nickname = command.nickname;
    } else {
        const QString owner = command.ownerName.trimmed();
        if (owner.isEmpty() || owner.size() > 100)
            return refuse(invalid(u"invalid_owner_name"_s,
                                  u"account_owner_name is required (at most 100 characters)"_s));
        const QString type = command.accountType.toUpper();
        if (type != u"CHECKING" && type != u"SAVINGS")
            return refuse(
                invalid(u"invalid_account_type"_s, u"bank_account_type must be checking or savings"_s));
        if (!FundingRules::isValidAccountNumber(command.accountNumber))
            return refuse(
                invalid(u"invalid_account_number"_s, u"bank_account_number must be 4 to 17 digits"_s));
        if (!FundingRules::isValidRoutingNumber(command.routingNumber))
            return refuse(invalid(u"invalid_routing_number"_s,
                                  u"bank_routing_number must be 9 digits with a valid ABA checksum"_s));
        request = AchRelationshipRequest::manual(owner, bankAccountTypeFromWire(type), command.accountNumber,
                                                 command.routingNumber, command.nickname);
    }
    m_gateway.createRelationship(command.accountId, request)
        .then(this, [this, origin, command, finish](const BrokerResult<AchRelationship> &created) {
            if (created) {
                finish(storeLink(origin, command, *created));
                return;
            }
            if (created.error().kind == BrokerError::Kind::AchRelationshipExists) {
                adoptOrRefuseLink(origin, command, finish);
                return;
            }
            const FundingError error = FundingError::fromBroker(created.error());
            audit(origin, u"bank_link.create"_s, command.accountId,
                  ambiguous(created.error().kind) ? u"error"_s : u"denied"_s, {{u"error"_s, error.code}});
            finish(unexpected(error));
        });
    return future;
}

FundingResult<BankLinkRecord> FundingService::storeLink(const FundingOrigin &origin, const LinkBank &command,
                                                        const AchRelationship &relationship)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    BankLinkRecord l;
    l.id = newId();
    l.userId = origin.userId;
    l.accountId = command.accountId;
    l.relationshipId = relationship.id;
    l.method = command.processorToken.isEmpty() ? u"manual"_s : u"plaid"_s;
    l.ownerName =
        relationship.accountOwnerName.isEmpty() ? command.ownerName.trimmed() : relationship.accountOwnerName;
    l.accountType = relationship.bankAccountType ? toWire(*relationship.bankAccountType) : QString();
    // The broker holds the full number now; only its last four digits are kept.
    l.accountLast4 =
        command.processorToken.isEmpty() ? command.accountNumber.right(4) : relationship.accountMask.right(4);
    l.routingNumber = command.processorToken.isEmpty() ? command.routingNumber : QString();
    l.nickname = command.nickname;
    l.status = toWire(relationship.status);
    l.createdAt = now;
    l.updatedAt = now;
    const auto stored = m_db.transaction([&] { return m_links.add(l); });
    QJsonObject details{{u"link_id"_s, l.id},
                        {u"relationship_id"_s, l.relationshipId},
                        {u"method"_s, l.method},
                        {u"account_last4"_s, l.accountLast4}};
    if (!stored) {
        qCWarning(lcFunding) << "the broker linked relationship" << relationship.id
                             << "but it cannot be stored:" << stored.error().message;
        details.insert(u"error"_s, u"internal_error"_s);
        audit(origin, u"bank_link.create"_s, command.accountId, u"error"_s, details);
        return unexpected(FundingError::fromStore(stored.error()));
    }
    audit(origin, u"bank_link.create"_s, command.accountId, u"ok"_s, details);
    return *stored;
}

void FundingService::adoptOrRefuseLink(const FundingOrigin &origin, const LinkBank &command,
                                       const std::function<void(FundingResult<BankLinkRecord>)> &finish)
{
    // A 409 after a lost answer: the relationship this very request created earlier is the active one.
    m_gateway.relationships(command.accountId)
        .then(this, [this, origin, command, finish](const BrokerResult<QList<AchRelationship>> &list) {
            if (list) {
                for (const AchRelationship &r : *list) {
                    if (r.status == AchRelationshipStatus::CancelRequested)
                        continue;
                    const auto known = m_links.byRelationshipId(r.id);
                    if (!known || *known)
                        continue;
                    const QString mask =
                        r.accountMask.isEmpty() ? r.bankAccountNumber.right(4) : r.accountMask;
                    const bool same = command.processorToken.isEmpty()
                                          ? r.bankRoutingNumber == command.routingNumber &&
                                                mask.right(4) == command.accountNumber.right(4)
                                          : r.approvalMethod.startsWith(u"PLAID");
                    if (same) {
                        qCInfo(lcFunding) << "adopting ACH relationship" << r.id << "whose answer was lost";
                        finish(storeLink(origin, command, r));
                        return;
                    }
                }
            }
            const FundingError error =
                FundingError::fromBroker({BrokerError::Kind::AchRelationshipExists, {}, 409, 0});
            audit(origin, u"bank_link.create"_s, command.accountId, u"denied"_s, {{u"error"_s, error.code}});
            finish(unexpected(error));
        });
}

QFuture<FundingResult<QList<BankLinkRecord>>> FundingService::links(const QString &accountId)
{
    auto [future, finish] = started<FundingResult<QList<BankLinkRecord>>>();
    m_gateway.relationships(accountId).then(this, [this, accountId,
                                                   finish](const BrokerResult<QList<AchRelationship>> &list) {
        const auto stored = m_links.activeOf(accountId);
        if (!stored) {
            finish(unexpected(FundingError::fromStore(stored.error())));
            return;
        }
        if (!list) {
            finish(*stored);
            return;
        }
        QList<BankLinkRecord> out = *stored;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (BankLinkRecord &l : out) {
            for (const AchRelationship &r : *list) {
                if (r.id == l.relationshipId && toWire(r.status) != l.status) {
                    l.status = toWire(r.status);
                    if (const auto set = m_links.setStatus(l.id, l.status, now); !set)
                        qCWarning(lcFunding) << "cannot record a bank link status:" << set.error().message;
                }
            }
        }
        finish(out);
    });
    return future;
}

QFuture<FundingResult<Done>> FundingService::unlink(const FundingOrigin &origin, const QString &accountId,
                                                    const QString &linkId)
{
    auto [future, finish] = started<FundingResult<Done>>();
    const auto link = m_links.byId(accountId, linkId);
    if (!link) {
        finish(unexpected(FundingError::fromStore(link.error())));
        return future;
    }
    if (!*link || (*link)->removedAt) {
        audit(origin, u"bank_link.remove"_s, accountId, u"denied"_s,
              {{u"link_id"_s, linkId}, {u"error"_s, u"bank_link_not_found"_s}});
        finish(unexpected(
            failure(FundingError::Kind::NotFound, u"bank_link_not_found"_s, u"no such bank link"_s)));
        return future;
    }
    const BankLinkRecord l = **link;
    m_gateway.deleteRelationship(accountId, l.relationshipId)
        .then(this, [this, origin, l, finish](const BrokerResult<Done> &deleted) {
            QJsonObject details{{u"link_id"_s, l.id}, {u"relationship_id"_s, l.relationshipId}};
            // Not found at the broker: it is gone already, which is what was asked.
            if (!deleted && deleted.error().kind != BrokerError::Kind::NotFound) {
                const FundingError error = FundingError::fromBroker(deleted.error());
                details.insert(u"error"_s, error.code);
                audit(origin, u"bank_link.remove"_s, l.accountId, u"error"_s, details);
                finish(unexpected(error));
                return;
            }
            if (const auto removed = m_links.markRemoved(l.id, QDateTime::currentDateTimeUtc()); !removed) {
                finish(unexpected(FundingError::fromStore(removed.error())));
                return;
            }
            audit(origin, u"bank_link.remove"_s, l.accountId, u"ok"_s, details);
            finish(Done{});
        });
    return future;
}

// ---- transfers -----------------------------------------------------------------------------------

} // namespace clera
