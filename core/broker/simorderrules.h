#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/order.h"
#include "core/domain/transfer.h"
#include "core/marketdata/assetcatalog.h"

#include <QHash>

namespace clera {

// Errors the simulated broker answers with, shaped like Alpaca's: HTTP status plus its 8-digit code.
namespace simerror {
inline constexpr qint64 kValidationCode = 40010001; // validation, sent with HTTP 422
inline constexpr qint64 kForbiddenCode = 40310000;  // buying power, qty
inline constexpr qint64 kNotFoundCode = 40410000;
inline constexpr qint64 kUnprocessableCode = 42210000; // not cancelable, sub-penny prices

[[nodiscard]] BrokerError invalid(const QString &message, qint64 code = kValidationCode);
[[nodiscard]] BrokerError notTradable(const QString &message);
[[nodiscard]] BrokerError notFound(const QString &message);
[[nodiscard]] BrokerError unavailable(const QString &message);
[[nodiscard]] BrokerError notOpen(); // the store is not open yet
[[nodiscard]] BrokerError internal(const QString &message);
[[nodiscard]] BrokerError insufficientBuyingPower(const QString &what, Decimal required, Decimal available);
[[nodiscard]] BrokerError insufficientQty(Decimal requested, Decimal available);
[[nodiscard]] BrokerError duplicateClientOrderId();
} // namespace simerror

// Which requests the simulated broker accepts, by Alpaca's documented rules: market and limit orders
// only, qty XOR notional, fractional orders DAY-only on fractionable assets, no sub-penny limits, ACH
// amounts in cents. Balance and position checks need the books and stay with SimBroker.
class SimOrderRules
{
public:
    struct ValidOrder
    {
        const AssetCatalog::Entry *asset = nullptr;
        OrderRequest request; // canonical symbol, client_order_id filled in
    };

    explicit SimOrderRules(const AssetCatalog &catalog);

    [[nodiscard]] const AssetCatalog &catalog() const { return m_catalog; }
    // By symbol (case-insensitive) or asset id; nullptr when unknown.
    [[nodiscard]] const AssetCatalog::Entry *findAsset(const QString &symbolOrId) const;

    [[nodiscard]] BrokerResult<ValidOrder> validate(const OrderRequest &request) const;
    [[nodiscard]] static BrokerResult<Done> validateTransfer(const TransferRequest &request);

private:
    AssetCatalog m_catalog;
    QHash<QString, QString> m_symbolByAssetId;
};

} // namespace clera
