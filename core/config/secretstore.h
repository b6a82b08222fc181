#pragma once

#include "core/domain/expected.h"

#include <QFuture>
#include <QHash>
#include <QObject>

#include <optional>
#include <variant>

namespace clera {

// Where the desktop keeps secrets (the OS keychain through QtKeychain in the app; memory in tests).
// Asynchronous, because a keychain may ask the user to unlock it.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using ReadResult = Expected<std::optional<QString>, QString>; // nullopt: no such entry
    using WriteResult = Expected<std::monostate, QString>;

    using QObject::QObject;
    ~SecretStore() override = default;

    [[nodiscard]] virtual QFuture<ReadResult> read(const QString &key) = 0;
    [[nodiscard]] virtual QFuture<WriteResult> write(const QString &key, const QString &value) = 0;
    [[nodiscard]] virtual QFuture<WriteResult> remove(const QString &key) = 0;
};

class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    [[nodiscard]] QFuture<ReadResult> read(const QString &key) override;
    [[nodiscard]] QFuture<WriteResult> write(const QString &key, const QString &value) override;
    [[nodiscard]] QFuture<WriteResult> remove(const QString &key) override;
    // Every call fails with this message while it is set (to test how callers cope).
    void setFailure(const QString &message) { m_failure = message; }

private:
    QHash<QString, QString> m_values;
    QString m_failure;
};

} // namespace clera
