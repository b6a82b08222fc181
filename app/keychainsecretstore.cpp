#include "keychainsecretstore.h"

#include <QPromise>

#include <qt6keychain/keychain.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

// Runs a keychain job and turns its finished() into a promise's result.
template <typename Result, typename Job, typename OnDone>
QFuture<Result> run(Job *job, OnDone onDone)
{
    auto promise = std::make_shared<QPromise<Result>>();
    promise->start();
    job->setAutoDelete(true);
    QObject::connect(job, &QKeychain::Job::finished, job, [promise, onDone](QKeychain::Job *finished) {
        promise->addResult(onDone(static_cast<Job *>(finished)));
        promise->finish();
    });
    job->start();
    return promise->future();
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{
}

QFuture<SecretStore::ReadResult> KeychainSecretStore::read(const QString &key)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    return run<ReadResult>(job, [](QKeychain::ReadPasswordJob *j) {
        if (j->error() == QKeychain::EntryNotFound)
            return ReadResult(std::nullopt);
        if (j->error() != QKeychain::NoError)
            return ReadResult(unexpected(u"keychain: "_s + j->errorString()));
        return ReadResult(std::optional<QString>(j->textData()));
    });
}

QFuture<SecretStore::WriteResult> KeychainSecretStore::write(const QString &key, const QString &value)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setTextData(value);
    return run<WriteResult>(job, [](QKeychain::WritePasswordJob *j) {
        if (j->error() != QKeychain::NoError)
            return WriteResult(unexpected(u"keychain: "_s + j->errorString()));
        return WriteResult(std::monostate{});
    });
}

QFuture<SecretStore::WriteResult> KeychainSecretStore::remove(const QString &key)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    return run<WriteResult>(job, [](QKeychain::DeletePasswordJob *j) {
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            return WriteResult(unexpected(u"keychain: "_s + j->errorString()));
        return WriteResult(std::monostate{});
    });
}

} // namespace clera
