#pragma once

#include "decimal.h"
#include "jsonreader.h"
#include "timestamp.h"

#include <QDate>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace clera {

// `GET …/account/portfolio/history`: equity over time, one point per window (left-labelled). Alpaca
// sends parallel arrays of JSON numbers; they become one list of points here.
//
// Precision: Qt's JSON parser keeps integers exact but stores other numbers as doubles. A value is
// taken as the shortest decimal that round-trips its double, which is the wire text itself for every
// number of at most 15 significant digits (Alpaca's equity values have 2–4 decimals); a longer
// number may come back with its 16th/17th digit changed. Decimal strings are accepted and exact.
struct PortfolioHistory
{
    struct Point
    {
        Timestamp timestamp;
        Decimal equity;
        Decimal profitLoss;
        std::optional<Decimal> profitLossPct; // null for accounts without a base value yet
        friend bool operator==(const Point &, const Point &) = default;
    };

    QList<Point> points;
    std::optional<Decimal> baseValue;
    std::optional<QDate> baseValueAsOf;
    QString timeframe; // 1Min | 5Min | 15Min | 1H | 1D
    // Optional cash flows by activity type, parallel to `points`.
    QMap<QString, QList<Decimal>> cashflow;

    // Epoch timestamps above 1e12 are taken as milliseconds (the docs' own sample prints them so).
    [[nodiscard]] static Expected<PortfolioHistory, DecodeError> fromJson(const QJsonObject &json,
                                                                          const QString &path = {});
    // The wire form: parallel arrays, epoch seconds, JSON numbers.
    [[nodiscard]] QJsonObject toJson() const;
    friend bool operator==(const PortfolioHistory &, const PortfolioHistory &) = default;
};

} // namespace clera
