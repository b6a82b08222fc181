#include "assetcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

// Namespace for the catalog's deterministic asset ids (UUID v5 of the symbol).
const QUuid kAssetNamespace(u"6f1d2c3b-8a7e-4f5d-9c0b-1a2b3c4d5e6f"_s);

// Words of a name or query: runs of letters and digits ("Coca-Cola Co." → COCA, COLA, CO).
QStringList wordsOf(const QString &upper)
{
    QStringList words;
    QString word;
    for (QChar c : upper) {
        if (c.isLetterOrNumber()) {
            word.append(c);
        } else if (!word.isEmpty()) {
            words.append(word);
            word.clear();
        }
    }
    if (!word.isEmpty())
        words.append(word);
    return words;
}

// Every query word starts a different name word, in the query's order ("bank amer" → Bank of America).
bool wordsPrefix(const QStringList &nameWords, const QStringList &queryWords)
{
    if (queryWords.isEmpty())
        return false;
    qsizetype from = 0;
    for (const QString &q : queryWords) {
        while (from < nameWords.size() && !nameWords.at(from).startsWith(q))
            ++from;
        if (from == nameWords.size())
            return false;
        ++from;
    }
    return true;
}

int rank(const Asset &asset, const QString &q, const QStringList &queryWords)
{
    const QString symbol = asset.symbol.toUpper();
    if (symbol == q)
        return 0;
    if (symbol.startsWith(q))
        return 1;
    const QString name = asset.name.toUpper();
    const QStringList nameWords = wordsOf(name);
    if (!nameWords.isEmpty() && !queryWords.isEmpty() && nameWords.first().startsWith(queryWords.first()) &&
        wordsPrefix(nameWords, queryWords))
        return 2; // the name starts with the query
    if (wordsPrefix(nameWords, queryWords))
        return 3;
    if (symbol.contains(q))
        return 4;
    if (name.contains(q))
        return 5;
    return -1;
}

} // namespace

Expected<AssetCatalog, QString> AssetCatalog::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unexpected(u"cannot open asset catalog %1: %2"_s.arg(path, file.errorString()));
    return fromJson(file.readAll());
}

AssetCatalog AssetCatalog::fromAssets(const QList<Asset> &assets)
{
    AssetCatalog catalog;
    catalog.m_entries.reserve(assets.size());
    for (const Asset &asset : assets) {
        Entry e;
        e.asset = asset;
        e.asset.symbol = asset.symbol.toUpper();
        if (e.asset.symbol.isEmpty() || catalog.m_bySymbol.contains(e.asset.symbol))
            continue;
        catalog.m_bySymbol.insert(e.asset.symbol, catalog.m_entries.size());
        catalog.m_entries.append(std::move(e));
    }
    return catalog;
}

Expected<AssetCatalog, QString> AssetCatalog::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull())
        return unexpected(u"asset catalog is not JSON: %1"_s.arg(parseError.errorString()));
    const QJsonArray items = doc.object().value(u"assets").toArray();
    AssetCatalog catalog;
    catalog.m_entries.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        JsonReader r(items.at(i).toObject(), u"assets[%1]"_s.arg(i));
        Entry e;
        e.asset.symbol = r.string(u"symbol").toUpper();
        e.asset.name = r.string(u"name");
        e.asset.exchange = r.string(u"exchange");
        e.asset.assetClass = r.string(u"class");
        e.asset.fractionable = r.boolean(u"fractionable");
        e.type = r.string(u"type");
        e.sector = r.optString(u"sector");
        e.referencePrice = r.decimal(u"reference_price");
        if (!r.ok())
            return unexpected(r.error()->toString());
        if (!e.referencePrice.isPositive())
            return unexpected(u"%1: reference_price must be positive"_s.arg(r.pathOf(u"reference_price")));
        if (catalog.m_bySymbol.contains(e.asset.symbol))
            return unexpected(u"duplicate symbol %1 in asset catalog"_s.arg(e.asset.symbol));
        e.asset.id = QUuid::createUuidV5(kAssetNamespace, e.asset.symbol).toString(QUuid::WithoutBraces);
        e.asset.status = u"active"_s;
        e.asset.tradable = true;
        e.asset.marginable = true;
        e.asset.shortable = false;
        e.asset.easyToBorrow = false;
        catalog.m_bySymbol.insert(e.asset.symbol, catalog.m_entries.size());
        catalog.m_entries.append(std::move(e));
    }
    if (catalog.m_entries.isEmpty())
        return unexpected(u"asset catalog lists no assets"_s);
    return catalog;
}

const AssetCatalog::Entry *AssetCatalog::find(QStringView symbol) const
{
    const auto it = m_bySymbol.constFind(symbol.toString().toUpper());
    return it == m_bySymbol.cend() ? nullptr : &m_entries.at(*it);
}

QStringList AssetCatalog::symbols() const
{
    QStringList out;
    out.reserve(m_entries.size());
    for (const Entry &e : m_entries)
        out.append(e.asset.symbol);
    return out;
}

QList<Asset> AssetCatalog::search(QStringView query, int limit) const
{
    const QString q = query.trimmed().toString().toUpper();
    const QStringList queryWords = wordsOf(q);
    struct Hit
    {
        int rank;
        const Asset *asset;
    };
    QList<Hit> hits;
    for (const Entry &e : m_entries) {
        const int r = q.isEmpty() ? 0 : rank(e.asset, q, queryWords);
        if (r >= 0)
            hits.append({r, &e.asset});
    }
    std::sort(hits.begin(), hits.end(), [](const Hit &a, const Hit &b) {
        if (a.rank != b.rank)
            return a.rank < b.rank;
        if (a.asset->symbol.size() != b.asset->symbol.size())
            return a.asset->symbol.size() < b.asset->symbol.size();
        return a.asset->symbol < b.asset->symbol;
    });
    QList<Asset> out;
    for (const Hit &h : hits) {
        if (limit > 0 && out.size() >= limit)
            break;
        out.append(*h.asset);
    }
    return out;
}

} // namespace clera
