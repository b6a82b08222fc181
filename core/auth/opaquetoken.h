#pragma once

#include <QString>

namespace clera {

// Opaque bearer secrets (refresh, verification and reset tokens): 32 random bytes as base64url without
// padding. The store keeps only hashOf(token), so a database leak does not yield usable tokens.
class OpaqueToken
{
public:
    static constexpr int kBytes = 32;

    [[nodiscard]] static QString generate();
    // Hex SHA-256 of the token text.
    [[nodiscard]] static QString hashOf(QStringView token);
    // Shape check before any lookup: 43 base64url characters.
    [[nodiscard]] static bool isWellFormed(QStringView token);
};

} // namespace clera
