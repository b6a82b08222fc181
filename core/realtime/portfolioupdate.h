#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <optional>

namespace clera {

// One account's live value. A figure that cannot be known honestly (a held symbol without a price,
// an unknown previous close) is nullopt, never zero or an estimate.
struct PortfolioUpdate
{
    QString accountId;
    Decimal cash;
    std::optional<Decimal> marketValue;        // Σ qty × last price
    std::optional<Decimal> totalValue;         // cash + market value
    // Σ qty × (last − previous close) + Σ today's buys q × (previous close − fill)
    // + Σ today's sells q × (fill − previous close): Σ qty × last − the day basis (PortfolioEngine).
    std::optional<Decimal> todayReturn;
    // todayReturn / (cash + day basis) × 100: the base is the value at the previous close with today's
    // trades undone (cash before them + what was held then at the previous close); today's deposits and
    // withdrawals join it at the start of the day. Without trades today: cash + Σ qty × previous close.
    std::optional<Decimal> todayReturnPercent;
    Timestamp timestamp;

    // The WebSocket message: {"type":"portfolio_update","account_id","total_value":"$12,345.67",
    // "today_return":"+$12.34 (0.10%)","raw_value","raw_return","raw_return_percent","timestamp"};
    // raw_* are exact decimal strings or null.
    [[nodiscard]] QJsonObject toJson() const;
    // The same message as compact UTF-8 JSON, byte for byte what QJsonDocument(toJson()).toJson(Compact)
    // gives (keys in its sorted order), written directly without a QJsonObject: the hot path of the
    // WebSocket fan-out and the bus serialise each update once with this.
    [[nodiscard]] QByteArray toJsonBytes() const;
    friend bool operator==(const PortfolioUpdate &, const PortfolioUpdate &) = default;
};

} // namespace clera

Q_DECLARE_METATYPE(clera::PortfolioUpdate)
