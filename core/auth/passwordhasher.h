#pragma once

#include "core/domain/expected.h"

#include <QString>

#include <cstddef>

namespace clera {

// Argon2id work factors: operations (t) and memory in bytes (m); parallelism is libsodium's fixed 1.
struct PasswordCost
{
    unsigned long long opsLimit = 0;
    std::size_t memLimitBytes = 0;
};

struct PasswordHashError
{
    enum class Kind { BelowMinimum, OutOfMemory, Unavailable };
    Kind kind = Kind::Unavailable;
    QString message;
};

class PasswordHasherTestAccess;

// Argon2id password hashes through libsodium's crypto_pwhash_str (PHC strings
// "$argon2id$v=19$m=65536,t=2,p=1$salt$hash"). Production costs never go below OWASP's minimum
// (m = 19 MiB, t = 2): create() refuses lower ones. Only tests can build a cheaper hasher, through
// PasswordHasherTestAccess, which is defined in tests/ and nowhere in the product; hashes it makes
// report needsRehash() with any production hasher, so they are upgraded at the next sign-in.
class PasswordHasher
{
public:
    static constexpr PasswordCost kMinimum{2, std::size_t(19) * 1024 * 1024};
    // libsodium's "interactive" preset: t = 2, m = 64 MiB.
    static constexpr PasswordCost kDefault{2, std::size_t(64) * 1024 * 1024};

    PasswordHasher() : m_cost(kDefault) {}
    [[nodiscard]] static Expected<PasswordHasher, PasswordHashError> create(PasswordCost cost);

    [[nodiscard]] PasswordCost cost() const { return m_cost; }
    [[nodiscard]] Expected<QString, PasswordHashError> hash(const QString &password) const;
    // Constant-time check; false for a wrong password or a malformed hash.
    [[nodiscard]] bool verify(const QString &password, const QString &encoded) const;
    // True when `encoded` was made with other (e.g. older, cheaper) parameters than this hasher's.
    [[nodiscard]] bool needsRehash(const QString &encoded) const;

private:
    friend class PasswordHasherTestAccess;
    explicit PasswordHasher(PasswordCost cost) : m_cost(cost) {}

    PasswordCost m_cost;
};

} // namespace clera
