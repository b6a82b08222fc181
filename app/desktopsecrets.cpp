#include "desktopsecrets.h"

#include <QLoggingCategory>
#include <QPromise>

#include <memory>

using namespace Qt::StringLiterals;

namespace clera::DesktopSecrets {

namespace {

// Two store operations one after the other, as one future.
template <typename First, typename Second>
QFuture<SecretStore::WriteResult> both(SecretStore &store, First first, Second second)
{
    auto promise = std::make_shared<QPromise<SecretStore::WriteResult>>();
    promise->start();
    first().then(&store, [promise, second](const SecretStore::WriteResult &r) {
        if (!r) {
            promise->addResult(r);
            promise->finish();
            return;
        }
        second().then([promise](const SecretStore::WriteResult &r2) {
            promise->addResult(r2);
            promise->finish();
        });
    });
    return promise->future();
}

} // namespace

QFuture<Config> withStoredKeys(SecretStore &store, Config config, QString *warning)
{
    if (config.isSet(u"APCA_API_KEY_ID"_s) || config.isSet(u"APCA_API_SECRET"_s))
        return QtFuture::makeReadyFuture(config);
    auto promise = std::make_shared<QPromise<Config>>();
    promise->start();
    const auto give = [promise](const Config &c) {
        promise->addResult(c);
        promise->finish();
    };
    store.read(kAlpacaKeyId.toString()).then(&store, [&store, config, warning, give](const SecretStore::ReadResult &keyId) {
        if (!keyId || !*keyId) {
            if (!keyId && warning)
                *warning = keyId.error();
            give(config);
            return;
        }
        store.read(kAlpacaSecret.toString()).then(&store, [config, warning, give, id = **keyId](const SecretStore::ReadResult &secret) {
            if (!secret || !*secret) {
                if (!secret && warning)
                    *warning = secret.error();
                give(config);
                return;
            }
            Config withKeys = config;
            withKeys.set(u"APCA_API_KEY_ID"_s, id, u"keychain"_s);
            withKeys.set(u"APCA_API_SECRET"_s, **secret, u"keychain"_s);
            give(withKeys);
        });
    });
    return promise->future();
}

QFuture<SecretStore::WriteResult> storeAlpacaKeys(SecretStore &store, const QString &keyId, const QString &secret)
{
    return both(store, [&store, keyId] { return store.write(kAlpacaKeyId.toString(), keyId); },
                [&store, secret] { return store.write(kAlpacaSecret.toString(), secret); });
}

QFuture<SecretStore::WriteResult> forgetAlpacaKeys(SecretStore &store)
{
    return both(store, [&store] { return store.remove(kAlpacaKeyId.toString()); },
                [&store] { return store.remove(kAlpacaSecret.toString()); });
}

} // namespace clera::DesktopSecrets
