#pragma once

#include <QString>

#include <optional>

namespace clera {

// A bar width as Alpaca's market-data API spells it (reference §5.0): [1-59]Min, [1-23]Hour, 1Day,
// 1Week and [1,2,3,4,6,12]Month. The short forms (5T, 1H, 1D …) are not produced; parse() rejects
// them so every request names its timeframe one way.
class Timeframe
{
public:
    enum class Unit { Minute, Hour, Day, Week, Month };

    // nullopt for anything Alpaca would answer with 422 "invalid timeframe".
    [[nodiscard]] static std::optional<Timeframe> parse(QStringView text);
    [[nodiscard]] static std::optional<Timeframe> of(int amount, Unit unit);

    [[nodiscard]] int amount() const { return m_amount; }
    [[nodiscard]] Unit unit() const { return m_unit; }
    [[nodiscard]] QString toString() const; // "15Min", "1Day"

    friend bool operator==(const Timeframe &, const Timeframe &) = default;

private:
    Timeframe(int amount, Unit unit) : m_amount(amount), m_unit(unit) {}

    int m_amount = 1;
    Unit m_unit = Unit::Day;
};

} // namespace clera
