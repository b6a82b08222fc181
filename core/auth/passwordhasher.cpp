#include "passwordhasher.h"

#include "core/store/sodiuminit.h"

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace clera {

Expected<PasswordHasher, PasswordHashError> PasswordHasher::create(PasswordCost cost)
{
    if (cost.opsLimit < kMinimum.opsLimit || cost.memLimitBytes < kMinimum.memLimitBytes)
        return unexpected(PasswordHashError{PasswordHashError::Kind::BelowMinimum,
                                            u"Argon2id cost below the minimum (m = 19 MiB, t = 2)"_s});
    if (cost.opsLimit > crypto_pwhash_OPSLIMIT_MAX || cost.memLimitBytes > crypto_pwhash_MEMLIMIT_MAX)
        return unexpected(
            PasswordHashError{PasswordHashError::Kind::Unavailable, u"Argon2id cost too high"_s});
    return PasswordHasher(cost);
}

Expected<QString, PasswordHashError> PasswordHasher::hash(const QString &password) const
{
    if (!ensureSodium())
        return unexpected(
            PasswordHashError{PasswordHashError::Kind::Unavailable, u"libsodium cannot start"_s});
    QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    const int rc = crypto_pwhash_str_alg(out, utf8.constData(), static_cast<unsigned long long>(utf8.size()),
                                         m_cost.opsLimit, m_cost.memLimitBytes, crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    if (rc != 0)
        return unexpected(PasswordHashError{PasswordHashError::Kind::OutOfMemory,
                                            u"Argon2id could not allocate its memory"_s});
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &password, const QString &encoded) const
{
    if (!ensureSodium() || !encoded.startsWith(u"$argon2id$"_s))
        return false;
    const QByteArray stored = encoded.toLatin1();
    if (stored.size() >= qsizetype(crypto_pwhash_STRBYTES))
        return false;
    QByteArray utf8 = password.toUtf8();
    const bool ok = crypto_pwhash_str_verify(stored.constData(), utf8.constData(),
                                             static_cast<unsigned long long>(utf8.size())) == 0;
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    return ok;
}

bool PasswordHasher::needsRehash(const QString &encoded) const
{
    if (!ensureSodium())
        return true;
    const QByteArray stored = encoded.toLatin1();
    return crypto_pwhash_str_needs_rehash(stored.constData(), m_cost.opsLimit, m_cost.memLimitBytes) != 0;
}

} // namespace clera
