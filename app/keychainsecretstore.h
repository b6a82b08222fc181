#pragma once

#include "core/config/secretstore.h"

namespace clera {

// Secrets in the operating system's keychain (Secret Service on Linux, Keychain on macOS, Credential
// Manager on Windows) through QtKeychain, under one service name.
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);

    [[nodiscard]] QFuture<ReadResult> read(const QString &key) override;
    [[nodiscard]] QFuture<WriteResult> write(const QString &key, const QString &value) override;
    [[nodiscard]] QFuture<WriteResult> remove(const QString &key) override;

private:
    QString m_service;
};

} // namespace clera
