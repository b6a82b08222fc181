#pragma once

#include "core/domain/asset.h"
#include "core/domain/decimal.h"

#include <QHash>
#include <QList>
#include <QString>

namespace clera {

// The curated list of tradable US stocks and ETFs shipped in resources/tradable-assets.json (compiled
// in as :/clera/tradable-assets.json). Used by the simulated feed and broker, and as the asset search
// index when the broker has no asset list of its own.
class AssetCatalog
{
public:
    struct Entry
    {
        Asset asset;
        QString type;   // stock | etf
        QString sector;
        Decimal referencePrice; // seeds the simulation; not market data
    };

    static constexpr QStringView kResourcePath = u":/clera/tradable-assets.json";

    [[nodiscard]] static Expected<AssetCatalog, QString> load(const QString &path = kResourcePath.toString());
    [[nodiscard]] static Expected<AssetCatalog, QString> fromJson(const QByteArray &json);
    // A search index over a broker's own asset list (no type, sector or reference price); the first
    // of duplicate symbols wins.
    [[nodiscard]] static AssetCatalog fromAssets(const QList<Asset> &assets);

    [[nodiscard]] const QList<Entry> &entries() const { return m_entries; }
    [[nodiscard]] qsizetype size() const { return m_entries.size(); }
    // Case-insensitive symbol lookup; nullptr when unknown.
    [[nodiscard]] const Entry *find(QStringView symbol) const;
    [[nodiscard]] QStringList symbols() const;
    // Ranked: exact symbol, symbol prefix, name starting with the query's words, every query word
    // starting a name word in order (words are runs of letters and digits, so "cola" finds
    // "Coca-Cola"), symbol contains, name contains; ties by shorter symbol, then alphabetically. Case
    // and surrounding spaces are ignored. An empty query lists all.
    [[nodiscard]] QList<Asset> search(QStringView query, int limit = 20) const;

private:
    QList<Entry> m_entries;
    QHash<QString, qsizetype> m_bySymbol;
};

} // namespace clera
