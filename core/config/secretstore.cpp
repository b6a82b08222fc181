#include "secretstore.h"

namespace clera {

QFuture<SecretStore::ReadResult> MemorySecretStore::read(const QString &key)
{
    if (!m_failure.isEmpty())
        return QtFuture::makeReadyFuture(ReadResult(unexpected(m_failure)));
    const auto it = m_values.constFind(key);
    return QtFuture::makeReadyFuture(
        ReadResult(it == m_values.cend() ? std::nullopt : std::optional<QString>(*it)));
}

QFuture<SecretStore::WriteResult> MemorySecretStore::write(const QString &key, const QString &value)
{
    if (!m_failure.isEmpty())
        return QtFuture::makeReadyFuture(WriteResult(unexpected(m_failure)));
    m_values.insert(key, value);
    return QtFuture::makeReadyFuture(WriteResult(std::monostate{}));
}

QFuture<SecretStore::WriteResult> MemorySecretStore::remove(const QString &key)
{
    if (!m_failure.isEmpty())
        return QtFuture::makeReadyFuture(WriteResult(unexpected(m_failure)));
    m_values.remove(key);
    return QtFuture::makeReadyFuture(WriteResult(std::monostate{}));
}

} // namespace clera
