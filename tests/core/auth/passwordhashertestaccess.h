#pragma once

#include "core/auth/passwordhasher.h"

namespace clera {

// Test-only door into PasswordHasher: cheap Argon2id costs so flow tests stay fast. Defined only here,
// never in the product (PasswordHasher::create() refuses these costs).
class PasswordHasherTestAccess
{
public:
    // t = 1, m = 8 KiB: libsodium's minimum.
    [[nodiscard]] static PasswordHasher cheap(unsigned long long ops = 1, std::size_t memBytes = 8192)
    {
        return PasswordHasher(PasswordCost{ops, memBytes});
    }
};

} // namespace clera
