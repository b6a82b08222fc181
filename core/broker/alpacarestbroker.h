#pragma once

#include "core/broker/alpacaerror.h"
#include "core/broker/broker.h"
#include "core/broker/tradeupdate.h"
#include "core/domain/activity.h"
#include "core/domain/activityquery.h"
#include "core/domain/calendarday.h"
#include "core/domain/marketclock.h"
#include "core/domain/portfoliohistory.h"
#include "core/domain/portfoliohistoryquery.h"
#include "core/net/restclient.h"

#include <QLoggingCategory>
#include <QPromise>

#include <memory>

namespace clera {

Q_DECLARE_LOGGING_CATEGORY(lcAlpaca)

// How to reach one Alpaca REST API.
struct AlpacaOptions
{
    QUrl baseUrl;
    QString keyId;
    QString secret;
    std::chrono::milliseconds timeout{10'000};
    RetryPolicy retry;
    // After an ambiguous order submission whose look-up by client_order_id finds nothing, the order is
    // sent again with the same client_order_id at most this many times.
    int maxOrderResends = 2;
};

// What the Broker API and the Trading API share: the order, position, account and asset endpoints have
// the same bodies and differ only in their path prefix. Subclasses name the prefixes and implement the
// calls that differ (accounts, all positions, transfers).
//
// Orders are idempotent: an empty client_order_id is filled with a UUID before the first send, the POST
// is never retried blindly, and after an ambiguous failure (timeout, network error, 5xx) the order is
// looked up by client_order_id first: found → returned; not found → sent again with the same id.
class AlpacaRestBroker : public Broker
{
    Q_OBJECT
public:
    ~AlpacaRestBroker() override;

    [[nodiscard]] RestClient &rest() { return *m_rest; }

    [[nodiscard]] QFuture<BrokerResult<Account>> account(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Position>>> positions(const QString &accountId) override;
    [[nodiscard]] QFuture<BrokerResult<Order>> submitOrder(const QString &accountId,
                                                           const OrderRequest &request) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Order>>> orders(const QString &accountId,
                                                             const OrderQuery &query) override;
    [[nodiscard]] QFuture<BrokerResult<Order>> order(const QString &accountId,
                                                     const QString &orderId) override;
    [[nodiscard]] QFuture<BrokerResult<Order>> orderByClientOrderId(const QString &accountId,
                                                                    const QString &clientOrderId) override;
    [[nodiscard]] QFuture<BrokerResult<Done>> cancelOrder(const QString &accountId,
                                                          const QString &orderId) override;
    [[nodiscard]] QFuture<BrokerResult<QList<Asset>>> assets() override;
    [[nodiscard]] QFuture<BrokerResult<Asset>> asset(const QString &symbolOrId) override;

    // Account data. A query Alpaca would refuse fails with InvalidRequest before any request is sent.
    [[nodiscard]] QFuture<BrokerResult<PortfolioHistory>>
    portfolioHistory(const QString &accountId, const PortfolioHistoryQuery &query) override;
    // One `GET …/activities` request.
    [[nodiscard]] QFuture<BrokerResult<QList<Activity>>> activityPage(const QString &accountId,
                                                                      const ActivityQuery &query) override;
    // Every activity matching `query`, page after page (page_token = the last id) from
    // query.pageToken on, until a page comes back empty or shorter than query.pageSize.
    [[nodiscard]] QFuture<BrokerResult<QList<Activity>>> activities(const QString &accountId,
                                                                    const ActivityQuery &query) override;
    [[nodiscard]] QFuture<BrokerResult<MarketClock>> clock() override;
    // Trading days from `start` to `end`, both inclusive; an invalid date leaves that bound to Alpaca.
    [[nodiscard]] QFuture<BrokerResult<QList<CalendarDay>>> calendar(const QDate &start, const QDate &end);

protected:
    AlpacaRestBroker(const AlpacaOptions &options, RestClient::Auth auth, QObject *parent);

    // "/v1/trading/accounts/{id}" (Broker API) or "/v2" (Trading API).
    [[nodiscard]] virtual QString tradingPath(const QString &accountId) const = 0;
    // "/v1/assets" or "/v2/assets".
    [[nodiscard]] virtual QString assetsPath() const = 0;
    // "/v1/accounts/activities" or "/v2/account/activities".
    [[nodiscard]] virtual QString activitiesPath() const = 0;
    // Names the account in an activities query where the path does not (Broker API: account_id).
    virtual void scopeActivities(QUrlQuery &query, const QString &accountId) const
    {
        Q_UNUSED(query);
        Q_UNUSED(accountId);
    }
    // "/v1/clock" or "/v2/clock"; "/v1/calendar" or "/v2/calendar".
    [[nodiscard]] virtual QString clockPath() const = 0;
    [[nodiscard]] virtual QString calendarPath() const = 0;
    // An error when `accountId` cannot be served by this connection (checked before any request).
    [[nodiscard]] virtual std::optional<BrokerError> foreignAccount(const QString &accountId) const
    {
        Q_UNUSED(accountId);
        return std::nullopt;
    }

    template <typename T>
    [[nodiscard]] QFuture<BrokerResult<T>> fetchObject(const RestRequest &request, const QString &what)
    {
        return m_rest->send(request).then(this,
                                          [what](const RestResult &r) { return decodeOne<T>(r, what); });
    }
    template <typename T>
    [[nodiscard]] QFuture<BrokerResult<QList<T>>> fetchList(const RestRequest &request, const QString &what)
    {
        return m_rest->send(request).then(this,
                                          [what](const RestResult &r) { return decodeMany<T>(r, what); });
    }

    template <typename T>
    [[nodiscard]] static BrokerResult<T> decodeOne(const RestResult &r, const QString &what)
    {
        if (!r)
            return unexpected(brokerErrorFrom(r.error()));
        auto decoded = decodeObject<T>(jsonOf(r->json));
        if (!decoded)
            return unexpected(decodeFailure(what, decoded.error(), r->status));
        return std::move(decoded).value();
    }
    template <typename T>
    [[nodiscard]] static BrokerResult<QList<T>> decodeMany(const RestResult &r, const QString &what)
    {
        if (!r)
            return unexpected(brokerErrorFrom(r.error()));
        auto decoded = decodeArray<T>(jsonOf(r->json));
        if (!decoded)
            return unexpected(decodeFailure(what, decoded.error(), r->status));
        return std::move(decoded).value();
    }

    // A trade event from either stream (Trading API WebSocket, Broker API SSE): orderUpdated when its
    // order decoded; positionsChanged and accountChanged when it moved shares or cash.
    void announceTradeUpdate(const QString &accountId, const TradeUpdate &update);

    [[nodiscard]] static QJsonValue jsonOf(const QJsonDocument &doc);
    // Logs and returns a Decode error: upstream sent something we must not trust.
    [[nodiscard]] static BrokerError decodeFailure(const QString &what, const DecodeError &error, int status);
    template <typename T> [[nodiscard]] static QFuture<BrokerResult<T>> ready(BrokerResult<T> result)
    {
        return QtFuture::makeReadyFuture(std::move(result));
    }

private:
    struct ActivityPages;
    void fetchActivityPage(const std::shared_ptr<ActivityPages> &pages);

    struct Submission;
    void send(const std::shared_ptr<Submission> &submission);
    void lookUp(const std::shared_ptr<Submission> &submission, const BrokerError &cause);
    // Finishes the submission; a placed order is announced (orderUpdated, and on a fill the
    // account's positions and balances changed).
    void placed(const std::shared_ptr<Submission> &submission, const BrokerResult<Order> &result);

    RestClient *m_rest = nullptr;
    int m_maxOrderResends = 2;
};

} // namespace clera
