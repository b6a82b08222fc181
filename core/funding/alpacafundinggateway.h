#pragma once

#include "core/funding/fundinggateway.h"

namespace clera {

class AlpacaBroker;

// FundingGateway over Alpaca's Broker API (AlpacaBroker, not owned); transfer events arrive
// through the broker's accountChanged once AlpacaBroker::startEvents() runs.
class AlpacaFundingGateway : public FundingGateway
{
    Q_OBJECT
public:
    explicit AlpacaFundingGateway(AlpacaBroker &broker, QObject *parent = nullptr);

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
    AlpacaBroker &m_broker;
};

} // namespace clera
