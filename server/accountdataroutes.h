#pragma once

#include "core/broker/brokererror.h"
#include "accountaccess.h"
#include "httprouter.h"

#include <QHttpServerResponse>
#include <QObject>

#include <optional>

namespace clera {

class AssetCatalog;
class Broker;
class BrokerageAccountRepository;
class MarketFeed;

// Read-only account data from the broker: GET /api/v1/accounts/{account_id}/activities (one page, with
// the next page's token), GET /api/v1/accounts/{account_id}/history (portfolio history, money as exact
// decimal strings) and GET /api/v1/assets/{symbol} (the broker's asset data plus the feed's last price
// when it has one). A user reads only their own accounts (others answer 404 as if they did not
// exist); an operator reads any account.
class AccountDataRoutes : public QObject
{
    Q_OBJECT
public:
    // `catalog` and `feed` may be null (no curated details, no prices).
    AccountDataRoutes(Broker &broker, BrokerageAccountRepository &accounts, const AssetCatalog *catalog,
                      const MarketFeed *feed, QObject *parent = nullptr);

    void addTo(HttpRouter &router);

    // The REST answer for a failed broker read.
    [[nodiscard]] static QHttpServerResponse failure(const BrokerError &error);

private:
    [[nodiscard]] std::optional<QHttpServerResponse> refuse(const RequestContext &context) const;
    [[nodiscard]] QFuture<QHttpServerResponse> activities(const QHttpServerRequest &request,
                                                          const RequestContext &context);
    [[nodiscard]] QFuture<QHttpServerResponse> history(const QHttpServerRequest &request,
                                                       const RequestContext &context);
    [[nodiscard]] QFuture<QHttpServerResponse> profile(const RequestContext &context);

    Broker &m_broker;
    AccountAccess m_access;
    const AssetCatalog *m_catalog;
    const MarketFeed *m_feed;
};

} // namespace clera
