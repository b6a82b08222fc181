#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/achrelationship.h"
#include "core/domain/transfer.h"

#include <QFuture>
#include <QList>
#include <QObject>

namespace clera {

// The broker's bank side: ACH relationships and transfers of one account. Two implementations: the
// simulated broker (SimFundingGateway) and Alpaca's Broker API (AlpacaFundingGateway).
class FundingGateway : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~FundingGateway() override = default;

    [[nodiscard]] virtual QFuture<BrokerResult<AchRelationship>>
    createRelationship(const QString &accountId, const AchRelationshipRequest &request) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<QList<AchRelationship>>>
    relationships(const QString &accountId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Done>> deleteRelationship(const QString &accountId,
                                                                         const QString &relationshipId) = 0;
    // Never retried by the gateway: a transfer has no client-chosen id at the broker.
    [[nodiscard]] virtual QFuture<BrokerResult<Transfer>> createTransfer(const QString &accountId,
                                                                         const TransferRequest &request) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<QList<Transfer>>> transfers(const QString &accountId) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<Done>> cancelTransfer(const QString &accountId,
                                                                     const QString &transferId) = 0;

Q_SIGNALS:
    // The broker reports a change of the account's cash or transfers (a transfer event, a settlement).
    void accountChanged(const QString &accountId);
};

} // namespace clera
