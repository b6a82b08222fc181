#include "fieldcipher.h"

#include "core/store/sodiuminit.h"

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr QStringView kPrefix = u"v1:";

Unexpected<CipherError> fail(CipherError::Kind kind, const QString &message)
{
    return unexpected(CipherError{kind, message});
}

const unsigned char *bytes(const QByteArray &a)
{
    return reinterpret_cast<const unsigned char *>(a.constData());
}

} // namespace

FieldCipher::FieldCipher(const QByteArray &key) : m_key(key) {}

FieldCipher::~FieldCipher()
{
    if (!m_key.isEmpty())
        sodium_memzero(m_key.data(), size_t(m_key.size()));
}

FieldCipher::FieldCipher(const FieldCipher &other) : m_key(other.m_key) {}

FieldCipher &FieldCipher::operator=(const FieldCipher &other)
{
    if (this != &other) {
        if (!m_key.isEmpty())
            sodium_memzero(m_key.data(), size_t(m_key.size()));
        m_key = other.m_key;
        m_key.detach();
    }
    return *this;
}

Expected<FieldCipher, CipherError> FieldCipher::fromKey(const QByteArray &key)
{
    if (!ensureSodium())
        return fail(CipherError::Kind::Unsupported, u"libsodium cannot be initialised"_s);
    if (key.size() != kKeyBytes)
        return fail(CipherError::Kind::BadKey, u"the data key must be %1 bytes"_s.arg(kKeyBytes));
    QByteArray copy(key.constData(), key.size());
    return FieldCipher(copy);
}

Expected<FieldCipher, CipherError> FieldCipher::fromBase64Key(const QString &text)
{
    auto decoded = QByteArray::fromBase64Encoding(
        text.trimmed().toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return fail(CipherError::Kind::BadKey, u"the data key is not valid base64"_s);
    auto result = fromKey(*decoded);
    sodium_memzero(decoded.decoded.data(), size_t(decoded.decoded.size()));
    return result;
}

Expected<FieldCipher, CipherError> FieldCipher::fromEnvironment(const QProcessEnvironment &env)
{
    const QString name = kEnvironmentName.toString();
    if (!env.contains(name) || env.value(name).isEmpty())
        return fail(CipherError::Kind::NoKey, u"%1 is not set"_s.arg(name));
    return fromBase64Key(env.value(name));
}

QString FieldCipher::generateBase64Key()
{
    if (!ensureSodium())
        return {};
    QByteArray key(kKeyBytes, Qt::Uninitialized);
    randombytes_buf(key.data(), size_t(key.size()));
    const QString text = QString::fromLatin1(key.toBase64());
    sodium_memzero(key.data(), size_t(key.size()));
    return text;
}

Expected<QString, CipherError> FieldCipher::encrypt(const QString &clearText, const QString &context) const
{
    if (m_key.size() != kKeyBytes)
        return fail(CipherError::Kind::NoKey, u"no data key"_s);
    const QByteArray message = clearText.toUtf8();
    const QByteArray ad = context.toUtf8();
    QByteArray out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + message.size() +
                       crypto_aead_xchacha20poly1305_ietf_ABYTES,
                   Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
                                               bytes(message), size_t(message.size()), bytes(ad),
                                               size_t(ad.size()), nullptr, nonce, bytes(m_key));
    return QString(kPrefix + QString::fromLatin1(out.toBase64()));
}

Expected<QString, CipherError> FieldCipher::decrypt(const QString &stored, const QString &context) const
{
    if (m_key.size() != kKeyBytes)
        return fail(CipherError::Kind::NoKey, u"no data key"_s);
    if (!stored.startsWith(kPrefix))
        return fail(CipherError::Kind::Unsupported, u"unknown encrypted value format"_s);
    const auto decoded =
        QByteArray::fromBase64Encoding(stored.mid(kPrefix.size()).toLatin1(),
                                       QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    constexpr qsizetype overhead =
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (!decoded || decoded.decoded.size() < overhead)
        return fail(CipherError::Kind::Malformed, u"malformed encrypted value"_s);
    const QByteArray ad = context.toUtf8();
    const auto *nonce = bytes(*decoded);
    const auto *cipher = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    const size_t cipherSize = size_t(decoded.decoded.size()) - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    QByteArray clear(decoded.decoded.size() - overhead, Qt::Uninitialized);
    unsigned long long clearSize = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char *>(clear.data()),
                                                   &clearSize, nullptr, cipher, cipherSize, bytes(ad),
                                                   size_t(ad.size()), nonce, bytes(m_key)) != 0)
        return fail(CipherError::Kind::Decrypt, u"the value does not decrypt with this key"_s);
    return QString::fromUtf8(clear.constData(), qsizetype(clearSize));
}

} // namespace clera
