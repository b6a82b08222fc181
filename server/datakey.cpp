#include "datakey.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace

Expected<DataKey, QString> DataKey::resolve(const QString &configured, const QString &dataDir)
{
    if (!configured.isEmpty()) {
        auto cipher = FieldCipher::fromBase64Key(configured.trimmed());
        if (!cipher)
            return unexpected(u"CLERA_DATA_KEY must be 32 bytes in standard base64 (e.g. from "
                              "`openssl rand -base64 32`): "_s +
                              cipher.error().message);
        return DataKey{*cipher, QString(), false};
    }
    const QString path = QDir(dataDir).filePath(kFileName.toString());
    QFile file(path);
    // NewOnly makes creation atomic: two servers starting together cannot both write a key.
    if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly)) {
        const QByteArray key = FieldCipher::generateBase64Key().toLatin1();
        if (file.write(key + '\n') != key.size() + 1 || !file.flush()) {
            const QString error = file.errorString();
            file.remove();
            return unexpected(u"cannot write %1: %2"_s.arg(path, error));
        }
        auto cipher = FieldCipher::fromBase64Key(QString::fromLatin1(key));
        if (!cipher)
            return unexpected(u"the generated data key is unusable: "_s + cipher.error().message);
        return DataKey{*cipher, path, true};
    }
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(u"cannot read %1: %2"_s.arg(path, file.errorString()));
    if (file.permissions() &
        (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther))
        file.setPermissions(kOwnerOnly);
    auto cipher = FieldCipher::fromBase64Key(QString::fromLatin1(file.readAll().trimmed()));
    if (!cipher)
        return unexpected(u"%1 does not hold a 32-byte base64 key (%2); restore it from a backup: without "
                          "it the encrypted fields cannot be read"_s.arg(path, cipher.error().message));
    return DataKey{*cipher, path, false};
}

} // namespace clera
