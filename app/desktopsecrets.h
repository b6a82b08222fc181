#pragma once

#include "core/config/config.h"
#include "core/config/secretstore.h"

#include <QFuture>

namespace clera {

// The desktop keeps the user's Alpaca Trading API keys in the OS keychain, never in a file.
namespace DesktopSecrets {

inline constexpr QStringView kService = u"Clera";
inline constexpr QStringView kAlpacaKeyId = u"alpaca/api-key-id";
inline constexpr QStringView kAlpacaSecret = u"alpaca/api-secret";

// The configuration with APCA_API_KEY_ID / APCA_API_SECRET taken from the store, unless the
// environment (or a config file) already set them. A store that cannot be read leaves the
// configuration as it is (the app then runs the simulation) and reports why in `warning`.
[[nodiscard]] QFuture<Config> withStoredKeys(SecretStore &store, Config config, QString *warning = nullptr);

[[nodiscard]] QFuture<SecretStore::WriteResult> storeAlpacaKeys(SecretStore &store, const QString &keyId,
                                                              const QString &secret);
[[nodiscard]] QFuture<SecretStore::WriteResult> forgetAlpacaKeys(SecretStore &store);

} // namespace DesktopSecrets

} // namespace clera
