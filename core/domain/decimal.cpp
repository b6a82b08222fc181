#include "decimal.h"

#include <QByteArray>
#include <QLocale>

#include <cmath>
#include <cstdint>
#include <limits>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using U128 = UInt128;
constexpr U128 kOneU = U128(Decimal::kOne);
// |value| < 1e19 ⇔ |raw| < 1e37.
constexpr U128 kRawLimit = U128(10'000'000'000'000'000'000ULL) * U128(1'000'000'000'000'000'000ULL);

constexpr U128 pow10u(int n)
{
    U128 r = 1;
    for (int i = 0; i < n; ++i)
        r *= 10;
    return r;
}

// Decimal digits of v, at least minDigits (zero-padded). The digits are produced with 64-bit
// arithmetic: at most one 128-bit division splits off the low 19 digits (a 128-bit division per digit
// was the most expensive part of printing a value).
void appendUnsigned(QString &out, U128 v, int minDigits = 1)
{
    constexpr std::uint64_t kTen19 = 10'000'000'000'000'000'000ULL;
    char buf[48];
    int n = 0;
    auto digits64 = [&](std::uint64_t w, int atLeast) {
        const int start = n;
        do {
            buf[n++] = char('0' + int(w % 10));
            w /= 10;
        } while (w != 0);
        while (n - start < atLeast)
            buf[n++] = '0';
    };
    while (v > U128(std::numeric_limits<std::uint64_t>::max())) {
        digits64(std::uint64_t(v % kTen19), 19); // buf holds the digits lowest first
        v /= kTen19;
    }
    digits64(std::uint64_t(v), 1);
    while (n < minDigits)
        buf[n++] = '0';
    const qsizetype at = out.size();
    out.resize(at + n);
    QChar *dst = out.data() + at;
    while (n > 0)
        *dst++ = QLatin1Char(buf[--n]);
}

U128 magnitude(Decimal::Raw r) { return r < 0 ? U128(-(r + 1)) + 1 : U128(r); }

Decimal::Raw signedFrom(U128 mag, bool negative)
{
    return negative ? -Decimal::Raw(mag) : Decimal::Raw(mag);
}

} // namespace

Expected<Decimal, QString> Decimal::parse(QStringView text)
{
    const qsizetype n = text.size();
    qsizetype i = 0;
    if (n == 0)
        return unexpected(u"empty decimal"_s);
    bool negative = false;
    if (text[0] == u'-') {
        negative = true;
        ++i;
    }
    U128 mantissa = 0;
    int significant = 0;
    int fractionDigits = 0;
    auto takeDigits = [&](bool fraction) -> int {
        int count = 0;
        while (i < n && text[i] >= u'0' && text[i] <= u'9') {
            const int digit = text[i].unicode() - u'0';
            if (mantissa != 0 || digit != 0) {
                if (++significant > 38)
                    return -1;
                mantissa = mantissa * 10 + U128(digit);
            }
            if (fraction)
                ++fractionDigits;
            ++count;
            ++i;
        }
        return count;
    };
    const int intDigits = takeDigits(false);
    if (intDigits < 0)
        return unexpected(u"too many digits"_s);
    if (intDigits == 0)
        return unexpected(u"'%1' is not a decimal number"_s.arg(text));
    if (i < n && text[i] == u'.') {
        ++i;
        const int fd = takeDigits(true);
        if (fd < 0)
            return unexpected(u"too many digits"_s);
        if (fd == 0)
            return unexpected(u"'%1' is not a decimal number"_s.arg(text));
    }
    int exponent = 0;
    if (i < n && (text[i] == u'e' || text[i] == u'E')) {
        ++i;
        bool expNegative = false;
        if (i < n && (text[i] == u'-' || text[i] == u'+')) {
            expNegative = text[i] == u'-';
            ++i;
        }
        int expDigits = 0;
        while (i < n && text[i] >= u'0' && text[i] <= u'9') {
            exponent = exponent * 10 + (text[i].unicode() - u'0');
            if (exponent > 400)
                return unexpected(u"exponent out of range"_s);
            ++expDigits;
            ++i;
        }
        if (expDigits == 0)
            return unexpected(u"'%1' is not a decimal number"_s.arg(text));
        if (expNegative)
            exponent = -exponent;
    }
    if (i != n)
        return unexpected(u"'%1' is not a decimal number"_s.arg(text));

    int scale = fractionDigits - exponent; // value = mantissa × 10^-scale
    while (scale > kScale && mantissa % 10 == 0 && mantissa != 0) {
        mantissa /= 10;
        --scale;
    }
    if (mantissa == 0)
        return Decimal();
    if (scale > kScale)
        return unexpected(u"'%1' has more than 18 fractional digits"_s.arg(text));
    const int shift = kScale - scale;
    if (shift > 37)
        return unexpected(u"'%1' is out of range"_s.arg(text));
    const U128 factor = pow10u(shift);
    if (mantissa > kRawLimit / factor || mantissa * factor >= kRawLimit)
        return unexpected(u"'%1' is out of range"_s.arg(text));
    return fromRaw(signedFrom(mantissa * factor, negative));
}

Expected<Decimal, QString> Decimal::fromDouble(double value)
{
    if (!std::isfinite(value))
        return unexpected(u"not a finite number"_s);
    const QByteArray text = QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
    return parse(QString::fromLatin1(text));
}

int Decimal::fractionalDigits() const
{
    U128 frac = magnitude(m_raw) % kOneU;
    if (frac == 0)
        return 0;
    int digits = kScale;
    while (frac % 10 == 0) {
        frac /= 10;
        --digits;
    }
    return digits;
}

std::optional<std::int64_t> Decimal::toNanos() const
{
    constexpr Raw perNano = Raw(1'000'000'000LL);
    const Raw nanos = m_raw / perNano; // one 128-bit division, not two
    if (nanos * perNano != m_raw)
        return std::nullopt;
    if (nanos > Raw(INT64_MAX) || nanos < Raw(INT64_MIN))
        return std::nullopt;
    return std::int64_t(nanos);
}

Decimal Decimal::rounded(int digits, RoundingMode mode) const
{
    if (digits >= kScale)
        return *this;
    if (digits < 0)
        digits = 0;
    const Raw unit = Raw(pow10u(kScale - digits));
    Raw q = m_raw / unit;
    const Raw r = m_raw - q * unit; // m_raw % unit without a second 128-bit division
    if (r != 0 && mode != RoundingMode::TowardZero) {
        const U128 twice = magnitude(r) * 2;
        const bool up = twice > U128(unit) || (twice == U128(unit) && (mode == RoundingMode::HalfUp || (q % 2) != 0));
        if (up)
            q += (m_raw < 0 ? -1 : 1);
    }
    return fromRaw(q * unit);
}

QString Decimal::toString() const
{
    QString out;
    out.reserve(41);
    const U128 mag = magnitude(m_raw);
    if (m_raw < 0)
        out.append(u'-');
    // Any 128-bit raw value: appendUnsigned prints the integer part in 19-digit pieces (it may pass 64 bits),
    // and the fraction (mag mod 10¹⁸) always fits 64 bits.
    const U128 units = mag / kOneU;
    appendUnsigned(out, units);
    std::uint64_t frac = std::uint64_t(mag - units * kOneU);
    if (frac != 0) {
        int digits = kScale;
        while (frac % 10 == 0) {
            frac /= 10;
            --digits;
        }
        out.append(u'.');
        appendUnsigned(out, frac, digits);
    }
    return out;
}

QString Decimal::toFixed(int digits, RoundingMode mode) const
{
    digits = std::clamp(digits, 0, kScale);
    const Decimal r = rounded(digits, mode);
    const U128 mag = magnitude(r.m_raw);
    QString out;
    if (r.m_raw < 0)
        out.append(u'-');
    appendUnsigned(out, mag / kOneU);
    if (digits > 0) {
        out.append(u'.');
        appendUnsigned(out, (mag % kOneU) / pow10u(kScale - digits), digits);
    }
    return out;
}

double Decimal::toDouble() const
{
    const U128 mag = magnitude(m_raw);
    const double v = double(mag / kOneU) + double(mag % kOneU) / 1e18;
    return m_raw < 0 ? -v : v;
}

std::optional<Decimal> Decimal::checkedAdd(Decimal other) const
{
    Raw out;
    if (__builtin_add_overflow(m_raw, other.m_raw, &out) || magnitude(out) >= kRawLimit)
        return std::nullopt;
    return fromRaw(out);
}

std::optional<Decimal> Decimal::checkedMul(Decimal other) const
{
    // a·b/10¹⁸ split into integer (1) and fractional (0) parts so no term overflows 128 bits:
    // a1·b1·10¹⁸ + a1·b0 + a0·b1 + a0·b0/10¹⁸, where |a0·b0| < 10³⁶.
    const Raw a1 = m_raw / kOne, a0 = m_raw % kOne;
    const Raw b1 = other.m_raw / kOne, b0 = other.m_raw % kOne;
    Raw hi, mid1, mid2, sum;
    if (__builtin_mul_overflow(a1, b1, &hi) || __builtin_mul_overflow(hi, kOne, &hi))
        return std::nullopt;
    if (__builtin_mul_overflow(a1, b0, &mid1) || __builtin_mul_overflow(a0, b1, &mid2))
        return std::nullopt;
    const Raw low = a0 * b0;
    if (__builtin_add_overflow(hi, mid1, &sum) || __builtin_add_overflow(sum, mid2, &sum)
        || __builtin_add_overflow(sum, low / kOne, &sum))
        return std::nullopt;
    // Every term has the product's sign, so `sum` is the product truncated toward zero; a tie goes to
    // the even neighbour of the whole sum, not of the sub-unit part alone.
    const Raw lowR = low % kOne;
    if (lowR != 0) {
        const U128 twice = magnitude(lowR) * 2;
        if ((twice > kOneU || (twice == kOneU && (sum % 2) != 0))
            && __builtin_add_overflow(sum, Raw(low < 0 ? -1 : 1), &sum))
            return std::nullopt;
    }
    if (magnitude(sum) >= kRawLimit)
        return std::nullopt;
    return fromRaw(sum);
}

std::optional<Decimal> Decimal::checkedDiv(Decimal other) const
{
    if (other.m_raw == 0)
        return std::nullopt;
    const bool negative = (m_raw < 0) != (other.m_raw < 0);
    const U128 ua = magnitude(m_raw), ub = magnitude(other.m_raw);
    const U128 q = ua / ub;
    U128 r = ua % ub;
    if (q >= kRawLimit / kOneU)
        return std::nullopt;
    auto nextDigits = [&](U128 factor) {
        r *= factor;
        const U128 d = r / ub;
        r %= ub;
        return d;
    };
    U128 frac = 0;
    constexpr U128 billion = 1'000'000'000ULL;
    if (ub < (~U128(0)) / billion) {
        frac = nextDigits(billion) * billion;
        frac += nextDigits(billion);
    } else {
        for (int k = 0; k < kScale; ++k)
            frac = frac * 10 + nextDigits(10);
    }
    const U128 roundDigit = nextDigits(10);
    if (roundDigit > 5 || (roundDigit == 5 && (r != 0 || (frac % 2) != 0)))
        ++frac;
    const U128 mag = q * kOneU + frac;
    if (mag >= kRawLimit)
        return std::nullopt;
    return fromRaw(signedFrom(mag, negative));
}

Decimal operator*(Decimal a, Decimal b)
{
    const auto r = a.checkedMul(b);
    if (!r) // a wrong amount is worse than a stop: callers with untrusted magnitudes use checkedMul
        qFatal("Decimal multiplication overflow");
    return *r;
}

Decimal operator/(Decimal a, Decimal b)
{
    const auto r = a.checkedDiv(b);
    if (!r)
        qFatal("Decimal division by zero or overflow");
    return *r;
}

} // namespace clera
