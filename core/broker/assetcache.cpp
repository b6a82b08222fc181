#include "assetcache.h"

#include "core/broker/broker.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Q_LOGGING_CATEGORY(lcAssetCache, "clera.broker.assets")

constexpr int kFileVersion = 1;

bool cacheable(const Asset &a)
{
    return a.assetClass == u"us_equity" && a.status.compare(u"active", Qt::CaseInsensitive) == 0 &&
           a.tradable;
}

} // namespace

AssetCache::AssetCache(Broker *broker, Options options, QObject *parent)
    : QObject(parent), m_broker(broker), m_options(std::move(options))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { (void)refresh(); });
}

AssetCache::~AssetCache() = default;

QString AssetCache::filePath() const
{
    return QDir(m_options.folder).filePath(m_options.fileName);
}

const Asset *AssetCache::find(QStringView symbol) const
{
    for (const Asset &a : m_assets) {
        if (symbol.compare(a.symbol, Qt::CaseInsensitive) == 0)
            return &a;
    }
    return nullptr;
}

bool AssetCache::isStale() const
{
    return !staleReason().isEmpty();
}

QString AssetCache::staleReason() const
{
    if (m_lastError)
        return u"the last refresh failed (%1): %2"_s.arg(m_lastError->kindName(), m_lastError->message);
    if (!m_fetchedAt.isValid())
        return m_fileProblem.isEmpty() ? u"never fetched"_s : u"never fetched; "_s + m_fileProblem;
    const qint64 age = m_fetchedAt.msecsTo(m_options.clock());
    if (age >= m_options.refreshInterval.count())
        return u"fetched %1 min ago, refresh due every %2 min"_s.arg(age / 60'000)
            .arg(m_options.refreshInterval.count() / 60'000);
    return {};
}

void AssetCache::start()
{
    const bool loaded = load();
    const qint64 age = loaded ? m_fetchedAt.msecsTo(m_options.clock()) : -1;
    if (!loaded || age < 0 || age >= m_options.refreshInterval.count())
        (void)refresh();
    else
        schedule(m_options.refreshInterval - std::chrono::milliseconds(age));
}

bool AssetCache::refreshIfDue()
{
    if (m_inFlight ||
        (m_fetchedAt.isValid() && m_fetchedAt.msecsTo(m_options.clock()) < m_options.refreshInterval.count()))
        return false;
    (void)refresh();
    return true;
}

QFuture<BrokerResult<qsizetype>> AssetCache::refresh()
{
    if (m_inFlight)
        return *m_inFlight;
    if (!m_broker)
        return QtFuture::makeReadyFuture(BrokerResult<qsizetype>(
            unexpected(BrokerError{BrokerError::Kind::Internal, u"no broker"_s, 0, 0})));
    m_timer.stop();
    QFuture<BrokerResult<qsizetype>> future =
        m_broker->assets().then(this, [this](const BrokerResult<QList<Asset>> &result) {
            m_inFlight.reset();
            return finishRefresh(result);
        });
    m_inFlight = future;
    return future;
}

BrokerResult<qsizetype> AssetCache::finishRefresh(const BrokerResult<QList<Asset>> &result)
{
    BrokerResult<QList<Asset>> filtered = result;
    if (filtered) {
        QList<Asset> keep;
        for (const Asset &a : *filtered) {
            if (cacheable(a))
                keep.append(a);
        }
        if (keep.isEmpty())
            filtered =
                unexpected(BrokerError{BrokerError::Kind::Decode,
                                       u"the broker listed no active, tradable us_equity assets"_s, 200, 0});
        else
            filtered = std::move(keep);
    }
    if (!filtered) {
        m_lastError = filtered.error();
        qCWarning(lcAssetCache).noquote() << "asset refresh failed, serving" << m_assets.size()
                                          << "cached assets:" << filtered.error().message;
        schedule(std::min(m_options.retryInterval, m_options.refreshInterval));
        Q_EMIT refreshFailed(filtered.error());
        return unexpected(filtered.error());
    }
    m_assets = std::move(filtered).value();
    m_fetchedAt = m_options.clock();
    m_lastError.reset();
    save();
    schedule(m_options.refreshInterval);
    Q_EMIT assetsChanged();
    return m_assets.size();
}

void AssetCache::schedule(std::chrono::milliseconds delay)
{
    m_timer.start(std::max(delay, std::chrono::milliseconds(0)));
}

bool AssetCache::load()
{
    QFile file(filePath());
    if (!file.exists())
        return false;
    const auto problem = [this](const QString &why) {
        m_fileProblem = u"%1 ignored: %2"_s.arg(filePath(), why);
        qCWarning(lcAssetCache).noquote() << m_fileProblem;
        return false;
    };
    if (!file.open(QIODevice::ReadOnly))
        return problem(file.errorString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return problem(parseError.errorString());
    const QJsonObject root = doc.object();
    if (root.value(u"version").toInt() != kFileVersion)
        return problem(u"unknown version"_s);
    JsonReader r(root);
    const std::optional<Timestamp> fetchedAt = r.optTimestamp(u"fetched_at");
    if (!r.ok() || !fetchedAt)
        return problem(r.ok() ? u"fetched_at is missing"_s : r.error()->toString());
    auto assets = decodeArray<Asset>(root.value(u"assets"), u"assets"_s);
    if (!assets)
        return problem(assets.error().toString());
    if (assets->isEmpty())
        return problem(u"no assets"_s);
    m_assets = std::move(assets).value();
    m_fetchedAt = fetchedAt->toDateTime();
    m_fileProblem.clear();
    qCInfo(lcAssetCache).noquote() << "loaded" << m_assets.size() << "assets from" << filePath();
    Q_EMIT assetsChanged();
    return true;
}

void AssetCache::save()
{
    QJsonArray assets;
    for (const Asset &a : std::as_const(m_assets))
        assets.append(a.toJson());
    const QJsonObject root{
        {u"version"_s, kFileVersion},
        {u"fetched_at"_s, Timestamp::fromDateTime(m_fetchedAt).toString()},
        {u"assets"_s, assets},
    };
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0 || !file.commit()) {
        m_fileProblem = u"%1 not written: %2"_s.arg(filePath(), file.errorString());
        qCWarning(lcAssetCache).noquote() << m_fileProblem;
        return;
    }
    m_fileProblem.clear();
}

} // namespace clera
