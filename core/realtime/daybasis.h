#pragma once

#include "core/domain/account.h"
#include "core/domain/activity.h"
#include "core/domain/activityquery.h"
#include "core/domain/decimal.h"
#include "core/domain/position.h"
#include "core/domain/timestamp.h"
#include "core/realtime/portfolioengine.h"

#include <QHash>
#include <QList>

#include <optional>

namespace clera {

// One account's positions and today's fills, folded into what the engine measures today's return
// against (PortfolioEngine's day basis). Per symbol with fills today:
//   closeQty = qty − Σ bought today + Σ sold today,  dayCash += Σ buy q × fill − Σ sell q × fill.
// This is exact whatever lots the broker matched the sells against: the symbol's day is
// qty × last + Σ sells − Σ buys − closeQty × previous close. The broker's unrealized_intraday_pl
// covers the shares still held only (what today's sells realised is not in any position), and how it
// splits a partly sold position between lots is not documented, so it is not used for the figure.
struct DayBook
{
    QList<PortfolioEngine::Holding> holdings; // the positions, plus the symbols sold out today (qty 0)
    std::optional<Decimal> dayCash;           // nullopt: today's fills unknown or unusable
};

// fills: the account's FILL activities since the previous close (todaysFillsQuery), nullopt when they
// could not be read. A fill without a quantity, a price or a buy/sell side makes dayCash unknown.
[[nodiscard]] DayBook dayBook(const QList<Position> &positions, const std::optional<QList<Activity>> &fills);

// The fills that count today: those after the previous close when the broker says when it was (the
// trading account's previous_close), else those of the New York trading date of `now`.
[[nodiscard]] ActivityQuery todaysFillsQuery(const std::optional<Timestamp> &previousClose, Timestamp now);
// The same for one listing of every account's fills: after the first previous close an account reports.
[[nodiscard]] ActivityQuery todaysFillsQuery(const QList<Account> &accounts, Timestamp now);
// One listing of every account's fills, per account id. The single-account Trading API leaves account_id
// out of its activities: with one account listed, those are its.
[[nodiscard]] QHash<QString, QList<Activity>> fillsByAccount(const QList<Activity> &fills,
                                                            const QList<Account> &accounts);

} // namespace clera
