#pragma once

#include "expected.h"
#include "queryerror.h"
#include "timestamp.h"

#include <QDate>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace clera {

// The parameters of `GET …/account/portfolio/history`. Unset fields are left to Alpaca's defaults
// (period 1M; timeframe 1Min under 7 days, 15Min under 30 days, else 1D).
struct PortfolioHistoryQuery
{
    enum class Timeframe { Default, OneMinute, FiveMinutes, FifteenMinutes, OneHour, OneDay };
    enum class IntradayReporting { Default, MarketHours, ExtendedHours, Continuous };
    enum class PnlReset { Default, PerDay, NoReset };

    QString period; // "<n><D|W|M|A>"; a year written "1Y" is sent as "1A"; empty: Alpaca's default
    Timeframe timeframe = Timeframe::Default;
    std::optional<QDate> dateEnd;
    std::optional<Timestamp> start;
    std::optional<Timestamp> end;
    std::optional<bool> extendedHours; // intraday timeframes only
    IntradayReporting intradayReporting = IntradayReporting::Default;
    PnlReset pnlReset = PnlReset::Default;
    QStringList cashflowTypes; // activity types, e.g. "CSD", "DIV"

    // The query string, or why Alpaca would refuse it: a malformed period, more than two of
    // start/end/period, start after end, a span over 30 days with an intraday timeframe,
    // extended_hours with 1D.
    [[nodiscard]] Expected<QUrlQuery, QueryError> toUrlQuery() const;

    // "1Y" → "1A", "2W" stays; an error for anything that is not a positive count and a unit.
    [[nodiscard]] static Expected<QString, QueryError> normalizedPeriod(const QString &period);
    // Calendar days a period spans (W = 7, M = 30, A = 365), for the intraday limit.
    [[nodiscard]] static qint64 periodDays(const QString &normalizedPeriod);
    [[nodiscard]] static QString toWire(Timeframe t); // Default → ""
    [[nodiscard]] static std::optional<Timeframe> timeframeFromWire(QStringView s);

    friend bool operator==(const PortfolioHistoryQuery &, const PortfolioHistoryQuery &) = default;
};

} // namespace clera
