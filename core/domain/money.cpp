#include "money.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QString groupThousands(const QString &digits)
{
    QString out;
    const qsizetype n = digits.size();
    out.reserve(n + n / 3);
    for (qsizetype i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0)
            out.append(u',');
        out.append(digits[i]);
    }
    return out;
}

QString unsignedUsd(Decimal magnitude)
{
    const QString fixed = magnitude.toFixed(2, RoundingMode::HalfUp);
    const qsizetype dot = fixed.indexOf(u'.');
    return u'$' + groupThousands(fixed.left(dot)) + fixed.mid(dot);
}

bool roundsToZero(Decimal amount, int digits)
{
    return amount.rounded(digits, RoundingMode::HalfUp).isZero();
}

} // namespace

QString formatUsd(Decimal amount)
{
    const bool negative = amount.isNegative() && !roundsToZero(amount, 2);
    return (negative ? u"-"_s : QString()) + unsignedUsd(amount.abs());
}

QString formatSignedUsd(Decimal amount)
{
    if (roundsToZero(amount, 2))
        return u"$0.00"_s;
    return (amount.isNegative() ? u"-"_s : u"+"_s) + unsignedUsd(amount.abs());
}

QString formatPercent(Decimal fraction, bool withPlusSign)
{
    // Shifting the decimal point of the fraction rounded to 4 digits equals rounding fraction × 100 to 2
    // digits, and cannot overflow for fractions ≥ 1e17 the way the multiplication would.
    const QString fixed = fraction.abs().toFixed(4, RoundingMode::HalfUp);
    const qsizetype dot = fixed.indexOf(u'.');
    QString whole = fixed.left(dot) + QStringView(fixed).mid(dot + 1, 2);
    while (whole.size() > 1 && whole.startsWith(u'0'))
        whole.remove(0, 1);
    const QString text = whole + u'.' + QStringView(fixed).mid(dot + 3) + u'%';
    if (roundsToZero(fraction, 4))
        return text;
    if (fraction.isNegative())
        return u'-' + text;
    return (withPlusSign ? u"+"_s : QString()) + text;
}

} // namespace clera
