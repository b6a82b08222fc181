#pragma once

#include "core/broker/brokererror.h"
#include "core/domain/activity.h"
#include "core/domain/activityquery.h"
#include "core/domain/order.h"
#include "core/domain/portfoliohistory.h"
#include "core/domain/portfoliohistoryquery.h"
#include "core/domain/transfer.h"

#include <QList>

namespace clera {

// How the simulated broker answers account activities and portfolio history, as pure functions of its
// books, so they can be tested without a broker.
//
// Activities: every filled order is one FILL trade activity (the sim fills an order at once and
// whole), every settled transfer one CSD (deposit) or CSW (withdrawal) non-trade activity. Ids are
// "<YYYYMMDDHHMMSSmmm UTC>::<order or transfer id>", so they sort by time and stay the same across
// restarts; they are the page tokens.
//
// Portfolio history: the broker records the account's equity when it is created, after every fill
// and settled transfer, and every sampling interval while it runs. A window's point is the last equity
// recorded before the window ends (carried forward, never interpolated); windows that end before the
// account's first recorded equity have no point. Windows are aligned to multiples of the timeframe
// since the Unix epoch (UTC; 1D windows are UTC days) and reported around the clock: the sim does not
// trim to market hours, so extended_hours and intraday_reporting are validated but change nothing.
// profit_loss is the change in equity since the first point minus the transfers settled since then;
// profit_loss_pct divides it by the first point's equity plus the deposits since (null while that is
// not positive).
class SimAccountData
{
public:
    struct EquityPoint
    {
        Timestamp at;
        Decimal equity;
    };

    [[nodiscard]] static Activity fillActivity(const QString &accountId, const Order &order);
    // A settled (COMPLETE) transfer's activity; nullopt for any other status.
    [[nodiscard]] static std::optional<Activity> transferActivity(const Transfer &transfer);
    // When an activity happened: the fill's transaction time or the transfer's settlement.
    [[nodiscard]] static Timestamp timeOf(const Activity &activity);

    // What `query` selects from `all` (any order): one page (at most pageSize) or, with allPages,
    // every match after the page token. InvalidRequest for a query Alpaca would refuse.
    [[nodiscard]] static BrokerResult<QList<Activity>> select(QList<Activity> all, const ActivityQuery &query,
                                                              bool allPages);

    // The window start and end (both inclusive) and the timeframe a query asks for at `now`.
    struct Range
    {
        Timestamp start;
        Timestamp end;
        PortfolioHistoryQuery::Timeframe timeframe;
    };
    [[nodiscard]] static BrokerResult<Range> resolve(const PortfolioHistoryQuery &query, Timestamp now);
    [[nodiscard]] static std::int64_t windowNanos(PortfolioHistoryQuery::Timeframe timeframe);

    // The history over `range` from `points` (oldest first; the first may precede the range) and the
    // account's settled transfers.
    [[nodiscard]] static PortfolioHistory history(const Range &range, const QList<EquityPoint> &points,
                                                  const QList<Transfer> &transfers,
                                                  const QStringList &cashflowTypes);
};

} // namespace clera
