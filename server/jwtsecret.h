#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QString>

namespace clera {

// The HS256 key: CLERA_JWT_SECRET when configured, else <data dir>/jwt-secret, generated once
// (32 random bytes from the system generator, base64) with mode 0600 and reused afterwards.
struct JwtSecret
{
    static constexpr qsizetype kMinimumLength = 32;
    static constexpr QStringView kFileName = u"jwt-secret";

    QByteArray key;
    QString file;           // the file it came from; empty when configured
    bool generated = false; // created by this call

    [[nodiscard]] static Expected<JwtSecret, QString> resolve(const QString &configured,
                                                              const QString &dataDir);
};

} // namespace clera
