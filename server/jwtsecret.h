#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QString>

namespace clera {

// The HS256 key: CLERA_JWT_SECRET when configured, else <data dir>/jwt-secret, generated once
// (32 random bytes from the system generator, base64) with mode 0600 and reused afterwards.
// With a PostgreSQL store (shared by instances) it must be configured: see requiredMessage().
struct JwtSecret
{
    static constexpr qsizetype kMinimumLength = 32;
    static constexpr QStringView kFileName = u"jwt-secret";

    // What to do when nothing is configured and the file does not exist yet.
    enum class IfMissing { Generate, Refuse };

    QByteArray key;
    QString file;           // the file it came from; empty when configured
    bool generated = false; // created by this call

    [[nodiscard]] static Expected<JwtSecret, QString>
    resolve(const QString &configured, const QString &dataDir, IfMissing missing = IfMissing::Generate);

    // Why CLERA_JWT_SECRET must be set with a PostgreSQL store: instances share the store and each must
    // accept the tokens of the others, which a secret generated per instance would not allow.
    [[nodiscard]] static QString requiredMessage();
};

} // namespace clera
