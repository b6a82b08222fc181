#pragma once

#include "core/funding/fundinggateway.h"

namespace clera {

class SimBroker;

// FundingGateway over the embedded SimBroker (not owned).
class SimFundingGateway : public FundingGateway
{
    Q_OBJECT
public:
    explicit SimFundingGateway(SimBroker &broker, QObject *parent = nullptr);

    [[nodiscard]] QFuture<BrokerResult<AchRelationship>>
    createRelationship(const QString &accountId, const AchRelationshipRequest &request) override;
    [[nodiscard]] QFuture<BrokerResult<QList<AchRelationship>>>
    relationships(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Done>> deleteRelationship(const QString &accountId,
                                                                 const QString &relationshipId) override;
    [[nodiscard]] QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                 const TransferRequest &request) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Done>> cancelTransfer(const QString &accountId,
                                                             const QString &transferId) override;

private:
    SimBroker &m_broker;
};

} // namespace clera
