#pragma once

#include "expected.h"

#include <QMetaType>
#include <QString>
#include <QStringView>

#include <compare>
#include <cstdint>
#include <optional>

namespace clera {

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer types.
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

enum class RoundingMode { HalfEven, HalfUp, TowardZero };

// Exact signed fixed-point decimal with 18 fractional digits, stored in a 128-bit integer.
// Range |x| < 1e19. Used for every amount of money, price and quantity; no binary floating point.
// Addition and subtraction are exact; multiplication is exact whenever the product has at most
// 18 fractional digits (always so for a 9-digit quantity times a 9-digit price), otherwise rounded
// half-even; division rounds half-even at 18 digits.
class Decimal
{
public:
    using Raw = Int128;
    static constexpr int kScale = 18;
    static constexpr Raw kOne = Raw(1'000'000'000'000'000'000LL);
    static constexpr std::int64_t kNanosPerUnit = 1'000'000'000;

    constexpr Decimal() = default;
    constexpr explicit Decimal(int units) : m_raw(Raw(units) * kOne) {}

    [[nodiscard]] static constexpr Decimal fromRaw(Raw raw)
    {
        Decimal d;
        d.m_raw = raw;
        return d;
    }
    [[nodiscard]] static Decimal fromUnits(std::int64_t units) { return fromRaw(Raw(units) * kOne); }
    // value = nanos × 10⁻⁹ (prices and quantities on the hot path travel as nanos).
    [[nodiscard]] static Decimal fromNanos(std::int64_t nanos) { return fromRaw(Raw(nanos) * 1'000'000'000LL); }
    // value = cents × 10⁻².
    [[nodiscard]] static Decimal fromCents(std::int64_t cents) { return fromRaw(Raw(cents) * 10'000'000'000'000'000LL); }

    // Parses a plain decimal ("-12.5", "0.000000001", "1e-5"). Rejects empty text, white space,
    // stray characters, more than 18 significant fractional digits and magnitudes ≥ 1e19.
    [[nodiscard]] static Expected<Decimal, QString> parse(QStringView text);
    // The shortest decimal that round-trips the double (for JSON numbers in market data).
    [[nodiscard]] static Expected<Decimal, QString> fromDouble(double value);

    [[nodiscard]] constexpr Raw raw() const { return m_raw; }
    [[nodiscard]] constexpr bool isZero() const { return m_raw == 0; }
    [[nodiscard]] constexpr bool isNegative() const { return m_raw < 0; }
    [[nodiscard]] constexpr bool isPositive() const { return m_raw > 0; }
    [[nodiscard]] constexpr int sign() const { return m_raw < 0 ? -1 : (m_raw > 0 ? 1 : 0); }
    [[nodiscard]] constexpr Decimal abs() const { return fromRaw(m_raw < 0 ? -m_raw : m_raw); }
    // Number of fractional digits needed to print the value exactly (0–18).
    [[nodiscard]] int fractionalDigits() const;
    // The value in units of 10⁻⁹ when it is exactly representable in an int64, else nullopt.
    [[nodiscard]] std::optional<std::int64_t> toNanos() const;

    [[nodiscard]] Decimal rounded(int digits, RoundingMode mode = RoundingMode::HalfEven) const;
    [[nodiscard]] Decimal truncated(int digits) const { return rounded(digits, RoundingMode::TowardZero); }

    // Canonical text: no exponent, no trailing fractional zeros ("12.5", "-0.001", "0").
    [[nodiscard]] QString toString() const;
    // Rounded to exactly `digits` fractional digits ("12.50").
    [[nodiscard]] QString toFixed(int digits, RoundingMode mode = RoundingMode::HalfEven) const;
    // For chart series only; never for arithmetic.
    [[nodiscard]] double toDouble() const;

    [[nodiscard]] std::optional<Decimal> checkedAdd(Decimal other) const;
    [[nodiscard]] std::optional<Decimal> checkedMul(Decimal other) const;
    // nullopt when dividing by zero or on overflow.
    [[nodiscard]] std::optional<Decimal> checkedDiv(Decimal other) const;

    friend constexpr Decimal operator+(Decimal a, Decimal b) { return fromRaw(a.m_raw + b.m_raw); }
    friend constexpr Decimal operator-(Decimal a, Decimal b) { return fromRaw(a.m_raw - b.m_raw); }
    friend constexpr Decimal operator-(Decimal a) { return fromRaw(-a.m_raw); }
    friend Decimal operator*(Decimal a, Decimal b);
    // Division by zero is a programming error (asserts); use checkedDiv for untrusted divisors.
    friend Decimal operator/(Decimal a, Decimal b);
    Decimal &operator+=(Decimal o)
    {
        m_raw += o.m_raw;
        return *this;
    }
    Decimal &operator-=(Decimal o)
    {
        m_raw -= o.m_raw;
        return *this;
    }
    friend constexpr bool operator==(Decimal a, Decimal b) = default;
    friend constexpr std::strong_ordering operator<=>(Decimal a, Decimal b) { return a.m_raw <=> b.m_raw; }

private:
    Raw m_raw = 0;
};

[[nodiscard]] inline size_t qHash(Decimal d, size_t seed = 0)
{
    const auto r = static_cast<UInt128>(d.raw());
    return ::qHash(quint64(r) ^ quint64(r >> 64), seed);
}

} // namespace clera

Q_DECLARE_METATYPE(clera::Decimal)
