#pragma once

#include "core/store/watchlistrepository.h"
#include "httprouter.h"

#include <QHttpServerResponse>
#include <QObject>

namespace clera {

class AssetCatalog;

// The caller's own watchlists: GET/POST /api/v1/watchlists, GET/PUT/DELETE
// /api/v1/watchlists/{watchlist_id}, POST /api/v1/watchlists/{watchlist_id}/symbols and DELETE
// /api/v1/watchlists/{watchlist_id}/symbols/{symbol}. Symbols travel as one comma-separated string
// and must be in the asset catalog (the broker's asset list when the broker has one). Another user's
// watchlist answers 404, as if it did not exist; operators have only their own, too.
class WatchlistRoutes : public QObject
{
    Q_OBJECT
public:
    WatchlistRoutes(Database &db, const AssetCatalog &catalog, QObject *parent = nullptr);

    void addTo(HttpRouter &router);

private:
    // The symbols of a comma-separated list, normalized; which are unknown when some are.
    [[nodiscard]] Expected<QStringList, QString> symbolsFrom(const QString &text) const;

    WatchlistRepository m_watchlists;
    const AssetCatalog &m_catalog;
};

} // namespace clera
