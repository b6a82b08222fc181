#include "timeframe.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

struct UnitSpelling
{
    Timeframe::Unit unit;
    QStringView name;
};

constexpr UnitSpelling kUnits[] = {
    {Timeframe::Unit::Minute, u"Min"}, {Timeframe::Unit::Hour, u"Hour"},   {Timeframe::Unit::Day, u"Day"},
    {Timeframe::Unit::Week, u"Week"},  {Timeframe::Unit::Month, u"Month"},
};

bool allowed(int amount, Timeframe::Unit unit)
{
    switch (unit) {
    case Timeframe::Unit::Minute:
        return amount >= 1 && amount <= 59;
    case Timeframe::Unit::Hour:
        return amount >= 1 && amount <= 23;
    case Timeframe::Unit::Day:
    case Timeframe::Unit::Week:
        return amount == 1;
    case Timeframe::Unit::Month:
        // 4Month is listed by Alpaca's own skills but not by the SDKs; accepted, the server decides.
        return amount == 1 || amount == 2 || amount == 3 || amount == 4 || amount == 6 || amount == 12;
    }
    return false;
}

} // namespace

std::optional<Timeframe> Timeframe::of(int amount, Unit unit)
{
    if (!allowed(amount, unit))
        return std::nullopt;
    return Timeframe(amount, unit);
}

std::optional<Timeframe> Timeframe::parse(QStringView text)
{
    static const QRegularExpression shape(u"^([1-9][0-9]?)(Min|Hour|Day|Week|Month)$"_s);
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QStringView name = m.capturedView(2);
    for (const UnitSpelling &u : kUnits) {
        if (u.name == name)
            return of(m.capturedView(1).toInt(), u.unit);
    }
    return std::nullopt;
}

QString Timeframe::toString() const
{
    for (const UnitSpelling &u : kUnits) {
        if (u.unit == m_unit)
            return QString::number(m_amount) + u.name;
    }
    return {};
}

} // namespace clera
