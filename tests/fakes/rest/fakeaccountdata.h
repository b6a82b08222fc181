#pragma once

#include "fakealpacabook.h"

#include "core/domain/activity.h"
#include "core/domain/calendarday.h"
#include "core/domain/marketclock.h"

#include <QByteArray>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace clera::fake {

// The account-data endpoints of the fake Alpaca over a FakeAlpacaBook: portfolio history (generated
// from the account's equity), account activities (FILL from the book's fills, CSD/CSW from completed
// transfers, paged with page_token/page_size), the market clock and the calendar (weekday sessions
// 09:30–16:00 New York, a few fixed holidays and early closes; deterministic for a given "now").
class FakeAccountData
{
public:
    using Reply = FakeAlpacaBook::Reply;

    explicit FakeAccountData(const FakeAlpacaBook &book);

    // The instant the clock, the calendar's default range and the history's end are computed from;
    // unset: the real time.
    void setNow(std::optional<Timestamp> now) { m_now = now; }
    [[nodiscard]] Timestamp now() const;
    // A new account's history: base_value and every profit_loss_pct entry null.
    void setNoBaseValue(bool on) { m_noBaseValue = on; }

    // Answers the account-data paths (`segments`: the path split on '/'); nullopt for any other path.
    [[nodiscard]] std::optional<Reply> route(const QByteArray &method, const QStringList &segments,
                                             const QUrlQuery &query, const QString &tradingAccountId) const;

    // New York's UTC offset on `date` (US rules since 2007; the fake never asks about 02:00).
    [[nodiscard]] static int newYorkOffsetSeconds(const QDate &date);
    [[nodiscard]] static Timestamp newYorkTime(const QDate &date, const QTime &time);
    [[nodiscard]] static QDate newYorkDate(Timestamp t);
    // The trading days from `from` to `to`, inclusive.
    [[nodiscard]] static QList<CalendarDay> sessions(const QDate &from, const QDate &to);
    [[nodiscard]] MarketClock clock() const;
    // Every activity of the account, oldest first.
    [[nodiscard]] QList<Activity> activitiesOf(const QString &accountId) const;

private:
    [[nodiscard]] Reply portfolioHistory(const QString &accountId, const QUrlQuery &query) const;
    [[nodiscard]] Reply activities(const QStringList &accountIds, const QString &pathType,
                                   const QUrlQuery &query) const;
    [[nodiscard]] Reply calendar(const QUrlQuery &query) const;
    [[nodiscard]] QStringList accountIds() const;

    const FakeAlpacaBook &m_book;
    std::optional<Timestamp> m_now;
    bool m_noBaseValue = false;
};

} // namespace clera::fake
