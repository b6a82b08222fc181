#include "alpacafundinggateway.h"

#include "core/broker/alpacabroker.h"

namespace clera {

AlpacaFundingGateway::AlpacaFundingGateway(AlpacaBroker &broker, QObject *parent)
    : FundingGateway(parent), m_broker(broker)
{
    connect(&m_broker, &Broker::accountChanged, this, &FundingGateway::accountChanged);
}

QFuture<BrokerResult<AchRelationship>>
AlpacaFundingGateway::createRelationship(const QString &accountId, const AchRelationshipRequest &request)
{
    return m_broker.createAchRelationship(accountId, request);
}

QFuture<BrokerResult<QList<AchRelationship>>> AlpacaFundingGateway::relationships(const QString &accountId)
{
    return m_broker.achRelationships(accountId);
}

QFuture<BrokerResult<Done>> AlpacaFundingGateway::deleteRelationship(const QString &accountId,
                                                                     const QString &relationshipId)
{
    return m_broker.deleteAchRelationship(accountId, relationshipId);
}

QFuture<BrokerResult<Transfer>> AlpacaFundingGateway::createTransfer(const QString &accountId,
                                                                     const TransferRequest &request)
{
    return m_broker.createTransfer(accountId, request);
}

QFuture<BrokerResult<QList<Transfer>>> AlpacaFundingGateway::transfers(const QString &accountId)
{
    return m_broker.transfers(accountId);
}

QFuture<BrokerResult<Done>> AlpacaFundingGateway::cancelTransfer(const QString &accountId,
                                                                 const QString &transferId)
{
    return m_broker.cancelTransfer(accountId, transferId);
}

} // namespace clera
