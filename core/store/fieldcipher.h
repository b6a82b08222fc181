#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

namespace clera {

struct CipherError
{
    enum class Kind { NoKey, BadKey, Malformed, Unsupported, Decrypt };
    Kind kind = Kind::Decrypt;
    QString message; // never contains the key or the clear text
};

// Encrypts sensitive fields (tax ids, dates of birth, bank account numbers) before they reach the
// store: XChaCha20-Poly1305 (libsodium AEAD) with a 32-byte key and a random 24-byte nonce per value.
// Stored as text "v1:" + base64(nonce ‖ ciphertext ‖ tag). The optional context (e.g. "users.tax_id:<id>")
// is authenticated, so a value copied to another row or column does not decrypt.
class FieldCipher
{
public:
    static constexpr int kKeyBytes = 32;
    static constexpr QStringView kEnvironmentName = u"CLERA_DATA_KEY";

    [[nodiscard]] static Expected<FieldCipher, CipherError> fromKey(const QByteArray &key);
    // The key as standard base64 (44 characters).
    [[nodiscard]] static Expected<FieldCipher, CipherError> fromBase64Key(const QString &text);
    [[nodiscard]] static Expected<FieldCipher, CipherError>
    fromEnvironment(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    // A fresh random key, base64, for `clera-server` set-up and tests.
    [[nodiscard]] static QString generateBase64Key();

    FieldCipher() = default;
    ~FieldCipher();
    FieldCipher(const FieldCipher &other);
    FieldCipher &operator=(const FieldCipher &other);

    // Fails with NoKey on a cipher without a valid key, rather than encrypting under garbage.
    [[nodiscard]] Expected<QString, CipherError> encrypt(const QString &clearText, const QString &context = {}) const;
    [[nodiscard]] Expected<QString, CipherError> decrypt(const QString &stored,
                                                         const QString &context = {}) const;

private:
    explicit FieldCipher(const QByteArray &key);

    QByteArray m_key;
};

} // namespace clera
