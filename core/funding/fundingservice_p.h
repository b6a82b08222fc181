#pragma once

// What the two source files of FundingService share: fundingservice.cpp (transfers, status, reconcile)
// and fundinglinks.cpp (bank links). Not for other users.

#include "core/funding/fundingservice.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QUuid>

#include <functional>
#include <memory>
#include <utility>

Q_DECLARE_LOGGING_CATEGORY(lcFunding)

namespace clera::fundingservice_p {

template <typename T> std::function<void(T)> finisher(const std::shared_ptr<QPromise<T>> &promise)
{
    return [promise](T result) {
        promise->addResult(std::move(result));
        promise->finish();
    };
}

template <typename T> std::pair<QFuture<T>, std::function<void(T)>> started()
{
    auto promise = std::make_shared<QPromise<T>>();
    promise->start();
    return {promise->future(), finisher<T>(promise)};
}

inline FundingError failure(FundingError::Kind kind, const QString &code, const QString &message)
{
    return {kind, code, message};
}

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Failures after which the broker may or may not have the transfer.
inline bool ambiguous(BrokerError::Kind kind)
{
    return kind == BrokerError::Kind::Unavailable || kind == BrokerError::Kind::Network ||
           kind == BrokerError::Kind::Decode || kind == BrokerError::Kind::Internal;
}

inline FundingError invalid(const QString &code, const QString &message)
{
    return {FundingError::Kind::Invalid, code, message};
}

} // namespace clera::fundingservice_p
