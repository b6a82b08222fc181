#pragma once

#include "core/onboarding/accountopener.h"

namespace clera {

class AlpacaBroker;

// Opens accounts through Alpaca's Broker API (`POST /v1/accounts`), reads them back
// (`GET /v1/accounts/{id}`) and relays the account status event stream (AlpacaBroker::accountStatusChanged,
// once its events are started). Alpaca has no idempotency key for applications, so find() looks the
// applicant up by email and accepts only an account whose email, names and date of birth all match.
class AlpacaAccountOpener : public AccountOpener
{
    Q_OBJECT
public:
    explicit AlpacaAccountOpener(AlpacaBroker &broker, QObject *parent = nullptr);

    [[nodiscard]] QString brokerName() const override;
    [[nodiscard]] bool isPaper() const override { return false; }
    [[nodiscard]] QFuture<BrokerResult<OpenedAccount>> open(const AccountApplication &application,
                                                            const QString &reference) override;
    [[nodiscard]] QFuture<BrokerResult<std::optional<OpenedAccount>>>
    find(const AccountApplication &application, const QString &reference, const Timestamp &since) override;
    [[nodiscard]] QFuture<BrokerResult<OpenedAccount>> status(const QString &accountId) override;

private:
    AlpacaBroker &m_broker;
};

} // namespace clera
