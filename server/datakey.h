#pragma once

#include "core/domain/expected.h"
#include "core/store/fieldcipher.h"

#include <QString>

namespace clera {

// The key of the store's encrypted fields (FieldCipher): CLERA_DATA_KEY when configured (32 bytes,
// base64), else <data dir>/data-key, generated once from the system's random source with mode 0600 and
// reused afterwards. Mirrors JwtSecret.
struct DataKey
{
    static constexpr QStringView kFileName = u"data-key";

    FieldCipher cipher;
    QString file;           // the file it came from; empty when configured
    bool generated = false; // created by this call

    [[nodiscard]] static Expected<DataKey, QString> resolve(const QString &configured,
                                                            const QString &dataDir);
};

} // namespace clera
