#include "fundingrules.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace clera::FundingRules {

namespace {

bool allDigits(const QString &s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

FundingError invalidAmount(const QString &message)
{
    return {FundingError::Kind::Invalid, u"invalid_amount"_s, message};
}

} // namespace

bool isValidRoutingNumber(const QString &routingNumber)
{
    if (routingNumber.size() != 9 || !allDigits(routingNumber))
        return false;
    static constexpr int kWeights[] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
    int sum = 0;
    for (int i = 0; i < 9; ++i)
        sum += kWeights[i] * routingNumber.at(i).digitValue();
    return sum % 10 == 0;
}

bool isValidAccountNumber(const QString &accountNumber)
{
    return accountNumber.size() >= 4 && accountNumber.size() <= 17 && allDigits(accountNumber);
}

FundingResult<Decimal> transferAmount(const QString &text)
{
    static const QRegularExpression plain(u"^[0-9]{1,9}(\\.[0-9]+)?$"_s);
    if (text.isEmpty())
        return unexpected(invalidAmount(u"amount is required, as a decimal string like \"250.00\""_s));
    if (!plain.match(text).hasMatch())
        return unexpected(invalidAmount(u"amount must be a plain decimal string like \"250.00\""_s));
    const qsizetype dot = text.indexOf(u'.');
    if (dot >= 0 && text.size() - dot - 1 > 2)
        return unexpected(invalidAmount(u"amount may have at most 2 decimal places (cents)"_s));
    const auto amount = Decimal::parse(text);
    if (!amount)
        return unexpected(invalidAmount(u"amount must be a plain decimal string like \"250.00\""_s));
    if (*amount < Decimal::fromUnits(kMinTransferDollars) ||
        *amount > Decimal::fromUnits(kMaxTransferDollars))
        return unexpected(
            invalidAmount(u"amount must be from $1.00 to $50,000.00 per transfer; %1 is not"_s.arg(text)));
    return *amount;
}

} // namespace clera::FundingRules
