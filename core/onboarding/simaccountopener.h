#pragma once

#include "core/onboarding/accountopener.h"

namespace clera {

class SimBroker;

// Opens paper accounts at the embedded SimBroker: the account is created with no cash (the user funds
// it afterwards) and labelled with the application's reference, so a retried submission finds it instead
// of opening a second one. The simulated review answers SUBMITTED at once and ACTIVE after reviewDelayMs.
class SimAccountOpener : public AccountOpener
{
    Q_OBJECT
public:
    explicit SimAccountOpener(SimBroker &broker, QObject *parent = nullptr);

    // 0: ACTIVE on the next event-loop turn.
    void setReviewDelayMs(int ms) { m_reviewDelayMs = qMax(0, ms); }

    [[nodiscard]] QString brokerName() const override;
    [[nodiscard]] bool isPaper() const override { return true; }
    [[nodiscard]] QFuture<BrokerResult<OpenedAccount>> open(const AccountApplication &application,
                                                            const QString &reference) override;
    [[nodiscard]] QFuture<BrokerResult<std::optional<OpenedAccount>>>
    find(const AccountApplication &application, const QString &reference, const Timestamp &since) override;
    [[nodiscard]] QFuture<BrokerResult<OpenedAccount>> status(const QString &accountId) override;

    // The SimBroker label of the account opened for `reference`.
    [[nodiscard]] static QString labelFor(const QString &reference);

private:
    SimBroker &m_broker;
    int m_reviewDelayMs = 0;
};

} // namespace clera
