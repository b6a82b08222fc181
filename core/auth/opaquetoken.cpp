#include "opaquetoken.h"

#include "core/store/sodiuminit.h"

#include <QCryptographicHash>

#include <sodium.h>

namespace clera {

QString OpaqueToken::generate()
{
    const bool ready = ensureSodium();
    Q_ASSERT(ready);
    Q_UNUSED(ready);
    QByteArray bytes(kBytes, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(bytes.size()));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString OpaqueToken::hashOf(QStringView token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

bool OpaqueToken::isWellFormed(QStringView token)
{
    if (token.size() != 43)
        return false;
    for (QChar c : token) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') ||
                        u == u'-' || u == u'_';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace clera
