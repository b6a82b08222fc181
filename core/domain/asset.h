#pragma once

#include "decimal.h"
#include "jsonreader.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace clera {

// A tradable instrument, as Alpaca's `/v1/assets` and `/v2/assets` return it (note the wire key `class`).
struct Asset
{
    QString id; // UUID
    QString assetClass = QStringLiteral("us_equity"); // us_equity | crypto | us_option
    QString exchange;                                  // NASDAQ, NYSE, ARCA, BATS, AMEX, OTC … or ""
    QString symbol;
    QString name;
    QString status = QStringLiteral("active"); // active | inactive
    bool tradable = true;
    bool marginable = false;
    bool shortable = false;
    bool easyToBorrow = false;
    bool fractionable = false;
    std::optional<Decimal> maintenanceMarginRequirement;
    std::optional<Decimal> minOrderSize;       // crypto only
    std::optional<Decimal> minTradeIncrement;  // crypto only
    std::optional<Decimal> priceIncrement;     // crypto only
    QStringList attributes;

    [[nodiscard]] static Expected<Asset, DecodeError> fromJson(const QJsonObject &json, const QString &path = {});
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const Asset &, const Asset &) = default;
};

} // namespace clera
