#pragma once

#include "codecpayloads.h"
#include "domaintestutils.h"

#include "core/domain/account.h"
#include "core/domain/asset.h"
#include "core/domain/order.h"
#include "core/domain/position.h"
#include "core/domain/transfer.h"

#include <QJsonArray>

#include <optional>

namespace clera::test {

// Lets data-driven tests name the codec under test with a string column.
struct Decoded
{
    std::optional<DecodeError> error;
    QJsonObject reencoded; // toJson() of the decoded value
};

template <typename T> [[nodiscard]] Decoded decodeWith(const QJsonObject &json)
{
    auto result = T::fromJson(json);
    if (!result)
        return {result.error(), {}};
    return {std::nullopt, result->toJson()};
}

[[nodiscard]] inline Decoded decodeAs(QStringView kind, const QJsonObject &json)
{
    if (kind == u"asset")
        return decodeWith<Asset>(json);
    if (kind == u"position")
        return decodeWith<Position>(json);
    if (kind == u"order")
        return decodeWith<Order>(json);
    if (kind == u"orderRequest")
        return decodeWith<OrderRequest>(json);
    if (kind == u"account")
        return decodeWith<Account>(json);
    if (kind == u"transfer")
        return decodeWith<Transfer>(json);
    if (kind == u"transferRequest")
        return decodeWith<TransferRequest>(json);
    qFatal("unknown codec kind '%s'", qPrintable(kind.toString()));
}

// The reference payload each kind's field mutations start from.
[[nodiscard]] inline QJsonObject basePayload(QStringView kind)
{
    if (kind == u"asset")
        return object(payloads::asset);
    if (kind == u"position")
        return object(payloads::position);
    if (kind == u"order")
        return object(payloads::order);
    if (kind == u"orderRequest")
        return object(payloads::orderRequest);
    if (kind == u"account")
        return object(payloads::tradeAccount);
    if (kind == u"transfer")
        return object(payloads::transfer);
    if (kind == u"transferRequest")
        return object(payloads::transferRequest);
    qFatal("unknown codec kind '%s'", qPrintable(kind.toString()));
}

// Request bodies omit absent optionals; response objects write them as null.
[[nodiscard]] inline bool isRequestKind(QStringView kind)
{
    return kind == u"orderRequest" || kind == u"transferRequest";
}

// `value` undefined removes the key.
[[nodiscard]] inline QJsonObject withField(QJsonObject json, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        json.remove(key);
    else
        json.insert(key, value);
    return json;
}

[[nodiscard]] inline QJsonValue parseValue(const QByteArray &json)
{
    return object("{\"v\": " + json + '}').value(u"v");
}

} // namespace clera::test
