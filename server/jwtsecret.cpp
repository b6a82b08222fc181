#include "jwtsecret.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr auto kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

QByteArray randomSecret()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return bytes.toBase64();
}

} // namespace

QString JwtSecret::requiredMessage()
{
    return u"CLERA_JWT_SECRET must be set when the store is PostgreSQL (CLERA_DB_URL): every instance needs "
           "the same secret to accept the tokens the others sign (make one with: openssl rand -base64 32)"_s;
}

Expected<JwtSecret, QString> JwtSecret::resolve(const QString &configured, const QString &dataDir,
                                                IfMissing missing)
{
    if (!configured.isEmpty()) {
        const QByteArray key = configured.toUtf8();
        if (key.size() < kMinimumLength)
            return unexpected(u"CLERA_JWT_SECRET must be at least %1 bytes long"_s.arg(kMinimumLength));
        return JwtSecret{key, QString(), false};
    }
    const QString path = QDir(dataDir).filePath(kFileName.toString());
    QFile file(path);
    if (missing == IfMissing::Refuse && !file.exists())
        return unexpected(u"no CLERA_JWT_SECRET and no %1: set CLERA_JWT_SECRET (or CLERA_DATA_DIR) as the "
                          "server has it"_s.arg(path));
    // NewOnly makes creation atomic: two servers starting together cannot both write a secret.
    if (file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly)) {
        const QByteArray key = randomSecret();
        if (file.write(key + '\n') != key.size() + 1 || !file.flush()) {
            const QString error = file.errorString();
            file.remove();
            return unexpected(u"cannot write %1: %2"_s.arg(path, error));
        }
        return JwtSecret{key, path, true};
    }
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(u"cannot read %1: %2"_s.arg(path, file.errorString()));
    if (file.permissions() &
        (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther))
        file.setPermissions(kOwnerOnly);
    const QByteArray key = file.readAll().trimmed();
    if (key.size() < kMinimumLength)
        return unexpected(u"%1 holds fewer than %2 bytes; delete it to generate a new secret"_s.arg(path).arg(
            kMinimumLength));
    return JwtSecret{key, path, false};
}

} // namespace clera
