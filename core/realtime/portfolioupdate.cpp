#include "portfolioupdate.h"

#include "core/domain/money.h"

using namespace Qt::StringLiterals;

namespace clera {

QJsonObject PortfolioUpdate::toJson() const
{
    QString todayText;
    if (todayReturn) {
        todayText = formatSignedUsd(*todayReturn);
        if (todayReturnPercent)
            todayText += u" ("_s + formatPercent(*todayReturnPercent / Decimal(100)) + u')';
    }
    auto exact = [](const std::optional<Decimal> &d, int digits) {
        return d ? QJsonValue(d->rounded(digits).toString()) : QJsonValue(QJsonValue::Null);
    };
    return QJsonObject{
        {u"type"_s, u"portfolio_update"_s},
        {u"account_id"_s, accountId},
        {u"total_value"_s, totalValue ? QJsonValue(formatUsd(*totalValue)) : QJsonValue(QJsonValue::Null)},
        {u"today_return"_s, todayReturn ? QJsonValue(todayText) : QJsonValue(QJsonValue::Null)},
        {u"raw_value"_s, exact(totalValue, 18)},
        {u"raw_return"_s, exact(todayReturn, 18)},
        {u"raw_return_percent"_s, exact(todayReturnPercent, 4)},
        {u"raw_cash"_s, cash.toString()},
        {u"timestamp"_s, timestamp.toString()},
    };
}

} // namespace clera
