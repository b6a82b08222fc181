#include "simorderrules.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

namespace simerror {

BrokerError invalid(const QString &message, qint64 code)
{
    return {BrokerError::Kind::InvalidRequest, message, 422, code};
}
BrokerError notTradable(const QString &message)
{
    return {BrokerError::Kind::NotTradable, message, 422, kValidationCode};
}
BrokerError notFound(const QString &message)
{
    return {BrokerError::Kind::NotFound, message, 404, kNotFoundCode};
}
BrokerError unavailable(const QString &message)
{
    return {BrokerError::Kind::Unavailable, message, 503, 0};
}
BrokerError notOpen()
{
    return unavailable(u"the simulated broker is not open"_s);
}
BrokerError internal(const QString &message)
{
    return {BrokerError::Kind::Internal, message, 500, 0};
}

BrokerError insufficientBuyingPower(const QString &what, Decimal required, Decimal available)
{
    return {BrokerError::Kind::InsufficientBuyingPower,
            u"%1 (required: %2, available: %3)"_s.arg(what, required.toString(), available.toString()), 403,
            kForbiddenCode};
}

BrokerError insufficientQty(Decimal requested, Decimal available)
{
    return {BrokerError::Kind::InsufficientQty,
            u"insufficient qty available for order (requested: %1, available: %2)"_s.arg(
                requested.toString(), available.toString()),
            403, kForbiddenCode};
}

BrokerError duplicateClientOrderId()
{
    return {BrokerError::Kind::DuplicateClientOrderId, u"client_order_id must be unique"_s, 422,
            kValidationCode};
}

} // namespace simerror

namespace {

using namespace simerror;

constexpr int kMaxClientOrderIdLength = 128;
constexpr int kQtyDigits = 9;
constexpr int kCashDigits = 2;

QString typeName(OrderType t)
{
    switch (t) {
    case OrderType::Market:
        return u"market"_s;
    case OrderType::Limit:
        return u"limit"_s;
    case OrderType::Stop:
        return u"stop"_s;
    case OrderType::StopLimit:
        return u"stop_limit"_s;
    case OrderType::TrailingStop:
        return u"trailing_stop"_s;
    case OrderType::Unknown:
        break;
    }
    return u"unknown"_s;
}

QString className(OrderClass c)
{
    switch (c) {
    case OrderClass::Simple:
        return u"simple"_s;
    case OrderClass::Bracket:
        return u"bracket"_s;
    case OrderClass::Oco:
        return u"oco"_s;
    case OrderClass::Oto:
        return u"oto"_s;
    case OrderClass::Mleg:
        return u"mleg"_s;
    case OrderClass::Unknown:
        break;
    }
    return u"unknown"_s;
}

// The request's shape, before the asset is looked up.
std::optional<BrokerError> checkShape(const OrderRequest &r)
{
    if (r.orderClass != OrderClass::Simple)
        return invalid(
            u"order_class %1 is not supported by the simulated broker"_s.arg(className(r.orderClass)));
    if (r.type == OrderType::Unknown)
        return invalid(u"invalid order type"_s);
    if (r.type != OrderType::Market && r.type != OrderType::Limit)
        return invalid(u"%1 orders are not supported by the simulated broker"_s.arg(typeName(r.type)));
    if (r.side == OrderSide::Unknown)
        return invalid(u"side must be buy or sell"_s);
    if (r.timeInForce == TimeInForce::Unknown)
        return invalid(u"invalid time_in_force"_s);
    if (r.timeInForce == TimeInForce::Opg || r.timeInForce == TimeInForce::Cls)
        return invalid(u"opening and closing auction orders are not supported by the simulated broker"_s);

    if (r.qty && r.notional)
        return invalid(u"only one of qty or notional may be specified"_s);
    if (!r.qty && !r.notional)
        return invalid(u"qty or notional is required"_s);
    if (r.qty && !r.qty->isPositive())
        return invalid(u"qty must be > 0"_s);
    if (r.qty && r.qty->fractionalDigits() > kQtyDigits)
        return invalid(u"qty must have at most 9 decimal places"_s);
    if (r.notional) {
        if (r.type != OrderType::Market)
            return invalid(u"notional orders must be market orders"_s);
        if (*r.notional < Decimal(1))
            return invalid(u"notional must be at least 1"_s);
        if (r.notional->fractionalDigits() > kCashDigits)
            return invalid(u"notional must have at most 2 decimal places"_s);
    }
    if (r.type == OrderType::Limit) {
        if (!r.limitPrice)
            return invalid(u"limit_price is required for limit orders"_s);
        if (!r.limitPrice->isPositive())
            return invalid(u"limit_price must be > 0"_s);
        const int allowed = *r.limitPrice >= Decimal(1) ? 2 : 4;
        if (r.limitPrice->fractionalDigits() > allowed)
            return invalid(
                u"invalid limit_price %1. sub-penny increment does not fulfill minimum pricing criteria"_s
                    .arg(r.limitPrice->toString()),
                kUnprocessableCode);
    }
    if (r.extendedHours && r.type != OrderType::Limit)
        return invalid(u"only type=\"limit\" is allowed for extended hours orders"_s);
    if (r.extendedHours && r.timeInForce != TimeInForce::Day)
        return invalid(u"extended hours order must be DAY limit orders"_s);
    if (r.clientOrderId.size() > kMaxClientOrderIdLength)
        return invalid(u"client_order_id must be no more than 128 characters"_s);
    return std::nullopt;
}

} // namespace

SimOrderRules::SimOrderRules(const AssetCatalog &catalog) : m_catalog(catalog)
{
    for (const AssetCatalog::Entry &e : m_catalog.entries())
        m_symbolByAssetId.insert(e.asset.id, e.asset.symbol);
}

const AssetCatalog::Entry *SimOrderRules::findAsset(const QString &symbolOrId) const
{
    const QString key = symbolOrId.trimmed();
    if (const AssetCatalog::Entry *e = m_catalog.find(key))
        return e;
    const auto it = m_symbolByAssetId.constFind(key.toLower());
    return it == m_symbolByAssetId.cend() ? nullptr : m_catalog.find(*it);
}

BrokerResult<SimOrderRules::ValidOrder> SimOrderRules::validate(const OrderRequest &request) const
{
    if (auto error = checkShape(request))
        return unexpected(*error);
    const AssetCatalog::Entry *entry = findAsset(request.symbol);
    if (!entry)
        return unexpected(notTradable(u"asset \"%1\" not found"_s.arg(request.symbol)));
    if (!entry->asset.tradable || entry->asset.status != u"active")
        return unexpected(notTradable(u"asset %1 is not tradable"_s.arg(entry->asset.symbol)));
    const bool fractional = request.notional.has_value() || request.qty->fractionalDigits() > 0;
    if (fractional && request.timeInForce != TimeInForce::Day)
        return unexpected(invalid(u"fractional orders must be DAY orders"_s));
    if (fractional && !entry->asset.fractionable)
        return unexpected(notTradable(u"requested asset %1 is not fractionable"_s.arg(entry->asset.symbol)));

    ValidOrder valid{entry, request};
    valid.request.symbol = entry->asset.symbol;
    if (valid.request.clientOrderId.isEmpty())
        valid.request.clientOrderId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return valid;
}

BrokerResult<Done> SimOrderRules::validateTransfer(const TransferRequest &request)
{
    if (request.transferType == TransferType::Wire)
        return unexpected(invalid(u"wire transfers are not supported by the simulated broker"_s));
    if (request.transferType != TransferType::Ach)
        return unexpected(invalid(u"invalid transfer_type"_s));
    if (request.direction != TransferDirection::Incoming && request.direction != TransferDirection::Outgoing)
        return unexpected(invalid(u"direction must be INCOMING or OUTGOING"_s));
    if (!request.amount.isPositive())
        return unexpected(invalid(u"amount must be > 0"_s));
    if (request.amount.fractionalDigits() > kCashDigits)
        return unexpected(invalid(u"amount must have at most 2 decimal places"_s));
    return Done{};
}

} // namespace clera
