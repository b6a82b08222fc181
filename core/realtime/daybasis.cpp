#include "daybasis.h"

#include <QHash>
#include <QTimeZone>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

DayBook dayBook(const QList<Position> &positions, const std::optional<QList<Activity>> &fills)
{
    DayBook book;
    QHash<QString, Decimal> bought; // net quantity bought today per symbol
    Decimal cash;
    bool known = fills.has_value();
    if (fills) {
        for (const Activity &a : *fills) {
            if (!a.isTrade())
                continue;
            if (!a.qty || !a.price || a.side == OrderSide::Unknown || a.symbol.isEmpty()) {
                known = false;
                break;
            }
            const auto amount = a.qty->checkedMul(*a.price);
            if (!amount) {
                known = false;
                break;
            }
            const bool buy = a.side == OrderSide::Buy;
            bought[a.symbol] += buy ? *a.qty : -*a.qty;
            cash += buy ? *amount : -*amount;
        }
    }
    if (!known)
        bought.clear();

    book.holdings.reserve(positions.size());
    for (const Position &p : positions) {
        if (p.qty.isZero() && !bought.contains(p.symbol))
            continue;
        const auto it = bought.constFind(p.symbol);
        book.holdings.append({p.symbol, p.qty, it == bought.cend() ? std::nullopt : std::optional(p.qty - *it)});
        if (it != bought.cend())
            bought.erase(it);
    }
    // What is left was sold out today: nothing held now, what was held at the close still counts.
    for (auto it = bought.cbegin(); it != bought.cend(); ++it)
        if (!it->isZero())
            book.holdings.append({it.key(), Decimal(), -*it});
    std::sort(book.holdings.begin(), book.holdings.end(),
              [](const auto &a, const auto &b) { return a.symbol < b.symbol; });
    if (known)
        book.dayCash = cash;
    return book;
}

ActivityQuery todaysFillsQuery(const std::optional<Timestamp> &previousClose, Timestamp now)
{
    ActivityQuery q;
    q.activityTypes = {u"FILL"_s};
    q.newestFirst = false;
    if (previousClose && *previousClose < now) {
        q.after = *previousClose;
    } else {
        static const QTimeZone newYork(QByteArrayLiteral("America/New_York"));
        q.date = now.toDateTime().toTimeZone(newYork).date();
    }
    return q;
}

ActivityQuery todaysFillsQuery(const QList<Account> &accounts, Timestamp now)
{
    const auto reported = std::find_if(accounts.cbegin(), accounts.cend(),
                                       [](const Account &a) { return a.previousClose.has_value(); });
    return todaysFillsQuery(reported == accounts.cend() ? std::nullopt : reported->previousClose, now);
}

QHash<QString, QList<Activity>> fillsByAccount(const QList<Activity> &fills, const QList<Account> &accounts)
{
    QHash<QString, QList<Activity>> out;
    for (const Activity &a : fills)
        out[a.accountId.isEmpty() && accounts.size() == 1 ? accounts.first().id : a.accountId].append(a);
    return out;
}

} // namespace clera
