#include "simfundinggateway.h"

#include "core/broker/simbroker.h"

namespace clera {

SimFundingGateway::SimFundingGateway(SimBroker &broker, QObject *parent)
    : FundingGateway(parent), m_broker(broker)
{
    connect(&m_broker, &Broker::accountChanged, this, &FundingGateway::accountChanged);
}

QFuture<BrokerResult<AchRelationship>>
SimFundingGateway::createRelationship(const QString &accountId, const AchRelationshipRequest &request)
{
    return m_broker.createAchRelationship(accountId, request);
}

QFuture<BrokerResult<QList<AchRelationship>>> SimFundingGateway::relationships(const QString &accountId)
{
    return m_broker.achRelationships(accountId);
}

QFuture<BrokerResult<Done>> SimFundingGateway::deleteRelationship(const QString &accountId,
                                                                  const QString &relationshipId)
{
    return m_broker.deleteAchRelationship(accountId, relationshipId);
}

QFuture<BrokerResult<Transfer>> SimFundingGateway::createTransfer(const QString &accountId,
                                                                  const TransferRequest &request)
{
    return m_broker.createTransfer(accountId, request);
}

QFuture<BrokerResult<QList<Transfer>>> SimFundingGateway::transfers(const QString &accountId)
{
    return m_broker.transfers(accountId);
}

QFuture<BrokerResult<Done>> SimFundingGateway::cancelTransfer(const QString &accountId,
                                                              const QString &transferId)
{
    return m_broker.cancelTransfer(accountId, transferId);
}

} // namespace clera
