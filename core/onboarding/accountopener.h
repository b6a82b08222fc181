#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/account.h"
#include "core/domain/accountapplication.h"
#include "core/domain/timestamp.h"

#include <QFuture>
#include <QObject>

#include <optional>

namespace clera {

// A brokerage account as the opening broker sees it.
struct OpenedAccount
{
    QString id;
    QString accountNumber;
    AccountStatus status = AccountStatus::Submitted;
};

// The broker side of opening an account: submit an application, find the account a submission whose
// answer was lost may have created, read an account's status, and report status changes as they happen.
// Two implementations: SimAccountOpener (the embedded paper broker) and AlpacaAccountOpener (Broker API).
class AccountOpener : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~AccountOpener() override = default;

    // The broker name recorded with the account ("sim", "alpaca").
    [[nodiscard]] virtual QString brokerName() const = 0;
    // True when the account holds no real money (the simulated broker).
    [[nodiscard]] virtual bool isPaper() const = 0;

    // Submits the application once; never retried by the implementation. `reference` is the caller's
    // stable id for this application (the same on every retry).
    [[nodiscard]] virtual QFuture<BrokerResult<OpenedAccount>> open(const AccountApplication &application,
                                                                    const QString &reference) = 0;
    // The account an earlier open() of the same application created, if any (created at or after `since`).
    [[nodiscard]] virtual QFuture<BrokerResult<std::optional<OpenedAccount>>>
    find(const AccountApplication &application, const QString &reference, const Timestamp &since) = 0;
    [[nodiscard]] virtual QFuture<BrokerResult<OpenedAccount>> status(const QString &accountId) = 0;

Q_SIGNALS:
    void statusChanged(const QString &accountId, clera::AccountStatus status);
};

} // namespace clera
