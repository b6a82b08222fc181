#include "alpacarestbroker.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

Q_LOGGING_CATEGORY(lcAlpaca, "clera.broker")

struct AlpacaRestBroker::Submission
{
    QString accountId;
    OrderRequest request;
    bool generatedId = false;
    int sends = 0;
    int resendsLeft = 0;
    QPromise<BrokerResult<Order>> promise;

    void finish(BrokerResult<Order> result)
    {
        promise.addResult(std::move(result));
        promise.finish();
    }
};

AlpacaRestBroker::AlpacaRestBroker(const AlpacaOptions &options, RestClient::Auth auth, QObject *parent)
    : Broker(parent), m_maxOrderResends(std::max(options.maxOrderResends, 0))
{
    RestClient::Options rest;
    rest.baseUrl = options.baseUrl;
    rest.auth = auth;
    rest.keyId = options.keyId;
    rest.secret = options.secret;
    rest.timeout = options.timeout;
    rest.retry = options.retry;
    m_rest = new RestClient(rest, this);
}

AlpacaRestBroker::~AlpacaRestBroker() = default;

QJsonValue AlpacaRestBroker::jsonOf(const QJsonDocument &doc)
{
    if (doc.isObject())
        return doc.object();
    if (doc.isArray())
        return doc.array();
    return QJsonValue(QJsonValue::Null);
}

BrokerError AlpacaRestBroker::decodeFailure(const QString &what, const DecodeError &error, int status)
{
    qCWarning(lcAlpaca).noquote() << "unexpected Alpaca answer to" << what << "-" << error.toString();
    return {BrokerError::Kind::Decode, u"unexpected answer to %1: %2"_s.arg(what, error.toString()), status,
            0};
}

QFuture<BrokerResult<Account>> AlpacaRestBroker::account(const QString &accountId)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<Account>(unexpected(*foreign));
    return fetchObject<Account>(RestRequest::get(tradingPath(accountId) + u"/account"), u"account"_s);
}

QFuture<BrokerResult<QList<Position>>> AlpacaRestBroker::positions(const QString &accountId)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<QList<Position>>(unexpected(*foreign));
    return fetchList<Position>(RestRequest::get(tradingPath(accountId) + u"/positions"), u"positions"_s);
}

QFuture<BrokerResult<Order>> AlpacaRestBroker::submitOrder(const QString &accountId,
                                                           const OrderRequest &request)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<Order>(unexpected(*foreign));
    auto s = std::make_shared<Submission>();
    s->accountId = accountId;
    s->request = request;
    if (s->request.clientOrderId.isEmpty()) {
        s->request.clientOrderId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        s->generatedId = true;
    }
    s->resendsLeft = m_maxOrderResends;
    s->promise.start();
    QFuture<BrokerResult<Order>> future = s->promise.future();
    send(s);
    return future;
}

void AlpacaRestBroker::send(const std::shared_ptr<Submission> &s)
{
    ++s->sends;
    RestRequest post =
        RestRequest::post(tradingPath(s->accountId) + u"/orders", QJsonDocument(s->request.toJson()));
    post.idempotent = false;
    m_rest->send(post).then(this, [this, s](const RestResult &result) {
        if (result) {
            placed(s, decodeOne<Order>(result, u"order submission"_s));
            return;
        }
        const BrokerError error = brokerErrorFrom(result.error());
        if (result.error().isAmbiguous()) {
            qCWarning(lcAlpaca).noquote()
                << "order" << s->request.clientOrderId
                << u"submission ambiguous (" + result.error().toString() + u"), looking it up";
            lookUp(s, error);
            return;
        }
        // Our own generated id, or a resend: the order the id names is ours.
        if (error.kind == BrokerError::Kind::DuplicateClientOrderId && (s->generatedId || s->sends > 1)) {
            lookUp(s, error);
            return;
        }
        s->finish(unexpected(error));
    });
}

void AlpacaRestBroker::placed(const std::shared_ptr<Submission> &s, const BrokerResult<Order> &result)
{
    s->finish(result);
    if (!result)
        return;
    Q_EMIT orderUpdated(s->accountId, *result);
    if (result->status == OrderStatus::Filled || result->status == OrderStatus::PartiallyFilled) {
        Q_EMIT positionsChanged(s->accountId);
        Q_EMIT accountChanged(s->accountId);
    }
}

void AlpacaRestBroker::lookUp(const std::shared_ptr<Submission> &s, const BrokerError &cause)
{
    orderByClientOrderId(s->accountId, s->request.clientOrderId)
        .then(this, [this, s, cause](const BrokerResult<Order> &found) {
            if (found) {
                qCInfo(lcAlpaca).noquote()
                    << "order" << s->request.clientOrderId << "was placed as" << found->id;
                placed(s, found);
                return;
            }
            const bool absent = found.error().kind == BrokerError::Kind::NotFound;
            if (absent && cause.kind != BrokerError::Kind::DuplicateClientOrderId && s->resendsLeft > 0) {
                --s->resendsLeft;
                qCInfo(lcAlpaca).noquote()
                    << "order" << s->request.clientOrderId << "was not placed, sending it again";
                send(s);
                return;
            }
            BrokerError error = cause;
            if (!absent)
                error.message += u" (order state unknown: look-up failed: %1)"_s.arg(found.error().message);
            s->finish(unexpected(error));
        });
}

QFuture<BrokerResult<QList<Order>>> AlpacaRestBroker::orders(const QString &accountId,
                                                             const OrderQuery &query)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<QList<Order>>(unexpected(*foreign));
    QUrlQuery q;
    q.addQueryItem(u"status"_s, query.status == OrderQuery::Status::Open     ? u"open"_s
                                : query.status == OrderQuery::Status::Closed ? u"closed"_s
                                                                             : u"all"_s);
    q.addQueryItem(u"limit"_s, QString::number(query.limit));
    q.addQueryItem(u"direction"_s, query.newestFirst ? u"desc"_s : u"asc"_s);
    if (!query.symbols.isEmpty())
        q.addQueryItem(u"symbols"_s, query.symbols.join(u','));
    return fetchList<Order>(RestRequest::get(tradingPath(accountId) + u"/orders", q), u"orders"_s);
}

QFuture<BrokerResult<Order>> AlpacaRestBroker::order(const QString &accountId, const QString &orderId)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<Order>(unexpected(*foreign));
    return fetchObject<Order>(
        RestRequest::get(tradingPath(accountId) + u"/orders/" + RestRequest::segment(orderId)), u"order"_s);
}

QFuture<BrokerResult<Order>> AlpacaRestBroker::orderByClientOrderId(const QString &accountId,
                                                                    const QString &clientOrderId)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<Order>(unexpected(*foreign));
    QUrlQuery q;
    q.addQueryItem(u"client_order_id"_s, QString::fromLatin1(QUrl::toPercentEncoding(clientOrderId)));
    const RestRequest get = RestRequest::get(tradingPath(accountId) + u"/orders:by_client_order_id", q);
    return m_rest->send(get).then(this, [clientOrderId](const RestResult &r) -> BrokerResult<Order> {
        // The SDKs parse one object; older documentation shows an array.
        if (r && r->json.isArray()) {
            const QJsonArray list = r->json.array();
            if (list.isEmpty())
                return unexpected(BrokerError{BrokerError::Kind::NotFound,
                                              u"no order with client_order_id %1"_s.arg(clientOrderId), 200,
                                              0});
            auto decoded = decodeObject<Order>(list.first());
            if (!decoded)
                return unexpected(decodeFailure(u"order by client_order_id"_s, decoded.error(), r->status));
            return std::move(decoded).value();
        }
        return decodeOne<Order>(r, u"order by client_order_id"_s);
    });
}

QFuture<BrokerResult<Done>> AlpacaRestBroker::cancelOrder(const QString &accountId, const QString &orderId)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<Done>(unexpected(*foreign));
    const RestRequest del =
        RestRequest::del(tradingPath(accountId) + u"/orders/" + RestRequest::segment(orderId));
    return m_rest->send(del).then(this, [](const RestResult &r) -> BrokerResult<Done> {
        if (!r)
            return unexpected(brokerErrorFrom(r.error()));
        return Done{};
    });
}

QFuture<BrokerResult<QList<Asset>>> AlpacaRestBroker::assets()
{
    QUrlQuery q;
    q.addQueryItem(u"status"_s, u"active"_s);
    q.addQueryItem(u"asset_class"_s, u"us_equity"_s);
    return fetchList<Asset>(RestRequest::get(assetsPath(), q), u"assets"_s);
}

QFuture<BrokerResult<Asset>> AlpacaRestBroker::asset(const QString &symbolOrId)
{
    return fetchObject<Asset>(RestRequest::get(assetsPath() + u'/' + RestRequest::segment(symbolOrId)),
                              u"asset"_s);
}

void AlpacaRestBroker::announceTradeUpdate(const QString &accountId, const TradeUpdate &update)
{
    if (update.order)
        Q_EMIT orderUpdated(accountId, *update.order);
    else
        qCWarning(lcAlpaca).noquote() << u"trade event with an undecodable order: "_s + update.problem;
    if (update.movesPositions()) {
        Q_EMIT positionsChanged(accountId);
        Q_EMIT accountChanged(accountId);
    }
}

namespace {

constexpr int kMaxActivityPages = 1000;

BrokerError refused(const QueryError &error)
{
    return {BrokerError::Kind::InvalidRequest, error.toString(), 0, 0};
}

} // namespace

QFuture<BrokerResult<PortfolioHistory>> AlpacaRestBroker::portfolioHistory(const QString &accountId,
                                                                           const PortfolioHistoryQuery &query)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<PortfolioHistory>(unexpected(*foreign));
    const auto q = query.toUrlQuery();
    if (!q)
        return ready<PortfolioHistory>(unexpected(refused(q.error())));
    return fetchObject<PortfolioHistory>(
        RestRequest::get(tradingPath(accountId) + u"/account/portfolio/history", *q), u"portfolio history"_s);
}

QFuture<BrokerResult<QList<Activity>>> AlpacaRestBroker::activityPage(const QString &accountId,
                                                                      const ActivityQuery &query)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<QList<Activity>>(unexpected(*foreign));
    auto q = query.toUrlQuery();
    if (!q)
        return ready<QList<Activity>>(unexpected(refused(q.error())));
    scopeActivities(*q, accountId);
    return fetchList<Activity>(RestRequest::get(activitiesPath(), *q), u"activities"_s);
}

struct AlpacaRestBroker::ActivityPages
{
    QString accountId;
    ActivityQuery query;
    QList<Activity> activities;
    int pages = 0;
    QPromise<BrokerResult<QList<Activity>>> promise;

    void finish(BrokerResult<QList<Activity>> result)
    {
        promise.addResult(std::move(result));
        promise.finish();
    }
};

QFuture<BrokerResult<QList<Activity>>> AlpacaRestBroker::activities(const QString &accountId,
                                                                    const ActivityQuery &query)
{
    if (auto foreign = foreignAccount(accountId))
        return ready<QList<Activity>>(unexpected(*foreign));
    if (const auto q = query.toUrlQuery(); !q)
        return ready<QList<Activity>>(unexpected(refused(q.error())));
    auto pages = std::make_shared<ActivityPages>();
    pages->accountId = accountId;
    pages->query = query;
    pages->promise.start();
    QFuture<BrokerResult<QList<Activity>>> future = pages->promise.future();
    fetchActivityPage(pages);
    return future;
}

void AlpacaRestBroker::fetchActivityPage(const std::shared_ptr<ActivityPages> &pages)
{
    QUrlQuery q = pages->query.toUrlQuery().value();
    scopeActivities(q, pages->accountId);
    ++pages->pages;
    fetchList<Activity>(RestRequest::get(activitiesPath(), q), u"activities"_s)
        .then(this, [this, pages](const BrokerResult<QList<Activity>> &page) {
            if (!page)
                return pages->finish(unexpected(page.error()));
            pages->activities.append(*page);
            if (page->isEmpty() || page->size() < pages->query.pageSize)
                return pages->finish(pages->activities);
            const QString next = page->constLast().id;
            // A server that ignores page_token would send the same page forever.
            if (next == pages->query.pageToken || pages->pages >= kMaxActivityPages)
                return pages->finish(unexpected(decodeFailure(
                    u"activities"_s, {u"page_token"_s, u"the next page did not move past %1"_s.arg(next)},
                    200)));
            pages->query.pageToken = next;
            fetchActivityPage(pages);
        });
}

QFuture<BrokerResult<MarketClock>> AlpacaRestBroker::clock()
{
    return fetchObject<MarketClock>(RestRequest::get(clockPath()), u"clock"_s);
}

QFuture<BrokerResult<QList<CalendarDay>>> AlpacaRestBroker::calendar(const QDate &start, const QDate &end)
{
    if (start.isValid() && end.isValid() && start > end)
        return ready<QList<CalendarDay>>(
            unexpected(refused({QueryError::Kind::InvalidValue, u"start"_s, u"is after end"_s})));
    QUrlQuery q;
    if (start.isValid())
        q.addQueryItem(u"start"_s, start.toString(Qt::ISODate));
    if (end.isValid())
        q.addQueryItem(u"end"_s, end.toString(Qt::ISODate));
    return fetchList<CalendarDay>(RestRequest::get(calendarPath(), q), u"calendar"_s);
}

} // namespace clera
