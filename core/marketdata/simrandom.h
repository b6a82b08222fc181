#pragma once

#include <QStringView>
#include <QtGlobal>

namespace clera {

// Small deterministic PRNG (xoshiro256**, seeded through splitmix64) for the simulated market. Unlike
// std::mt19937 + std distributions, every draw is specified here bit for bit, so a seed replays the
// same market on every compiler and platform.
class SimRandom
{
public:
    explicit SimRandom(quint64 seed)
    {
        quint64 x = seed;
        for (quint64 &word : m_s)
            word = splitMix64(x);
    }

    // One splitmix64 step: advances `state` and returns a well-mixed output.
    [[nodiscard]] static quint64 splitMix64(quint64 &state)
    {
        quint64 z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // A stable 64-bit hash of text (FNV-1a over UTF-16 code units); qHash is seeded per process.
    [[nodiscard]] static quint64 hash(QStringView text)
    {
        quint64 h = 0xcbf29ce484222325ULL;
        for (QChar c : text) {
            h ^= c.unicode();
            h *= 0x100000001b3ULL;
        }
        return h;
    }

    [[nodiscard]] quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, bound), without modulo bias; bound must be > 0.
    [[nodiscard]] quint64 below(quint64 bound)
    {
        const quint64 threshold = (0 - bound) % bound;
        for (;;) {
            const quint64 r = next();
            if (r >= threshold)
                return r % bound;
        }
    }

    // Uniform in [lo, hi] (inclusive); lo ≤ hi.
    [[nodiscard]] qint64 uniform(qint64 lo, qint64 hi) { return lo + qint64(below(quint64(hi - lo) + 1)); }

    // Approximately normal with mean 0 and standard deviation kNormalScale (Irwin–Hall: the sum of
    // twelve uniform 16-bit draws, centred). Bounded to ±6 σ, which suits a price process.
    static constexpr qint64 kNormalScale = 65536;
    [[nodiscard]] qint64 normal()
    {
        qint64 sum = 0;
        for (int i = 0; i < 3; ++i) {
            const quint64 r = next();
            for (int k = 0; k < 4; ++k)
                sum += qint64((r >> (16 * k)) & 0xffff);
        }
        return sum - 6 * (kNormalScale - 1); // each draw's mean is (2^16 - 1) / 2
    }

private:
    [[nodiscard]] static constexpr quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }

    quint64 m_s[4];
};

} // namespace clera
