#include "alpacabroker.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QString accountPath(const QString &accountId)
{
    return u"/v1/accounts/"_s + RestRequest::segment(accountId);
}

// Accounts still in onboarding (or closed) have no trading account; they are left out, not an error.
bool skippable(const BrokerError &e)
{
    return e.kind == BrokerError::Kind::NotFound || e.kind == BrokerError::Kind::Unauthorized;
}

} // namespace

QUrl AlpacaBroker::sandboxUrl()
{
    return QUrl(u"https://broker-api.sandbox.alpaca.markets"_s);
}

QUrl AlpacaBroker::productionUrl()
{
    return QUrl(u"https://broker-api.alpaca.markets"_s);
}

AlpacaBroker::AlpacaBroker(const AlpacaOptions &options, QObject *parent)
    : AlpacaRestBroker(options, RestClient::Auth::Basic, parent), m_eventOptions(options)
{}

AlpacaBroker::~AlpacaBroker() = default;

void AlpacaBroker::startEvents(const QUrl &eventsUrl)
{
    if (m_tradeEvents)
        return;
    AlpacaEventStream::Options trades;
    trades.baseUrl = eventsUrl.isEmpty() ? m_eventOptions.baseUrl : eventsUrl;
    trades.keyId = m_eventOptions.keyId;
    trades.secret = m_eventOptions.secret;
    trades.path = u"/v2/events/trades"_s; // v2: event_id is a ULID, resumed with since_id
    trades.idField = u"event_id"_s;
    trades.sinceParameter = u"since_id"_s;
    m_tradeEvents = std::make_unique<AlpacaEventStream>(trades);
    connect(m_tradeEvents.get(), &AlpacaEventStream::event, this, &AlpacaBroker::onTradeEvent);
    m_tradeEvents->start();

    AlpacaEventStream::Options transfers = trades;
    transfers.path = u"/v1/events/transfers/status"_s; // v1: int event_id, resumed with since_id too
    m_transferEvents = std::make_unique<AlpacaEventStream>(transfers);
    connect(m_transferEvents.get(), &AlpacaEventStream::event, this, &AlpacaBroker::onTransferEvent);
    m_transferEvents->start();
}

void AlpacaBroker::onTradeEvent(const QJsonObject &event)
{
    const auto update = TradeUpdate::fromJson(event, u"event"_s);
    if (!update || update->accountId.isEmpty())
        return;
    announceTradeUpdate(update->accountId, *update);
}

void AlpacaBroker::onTransferEvent(const QJsonObject &event)
{
    const QString accountId = event.value(u"account_id"_s).toString();
    if (!accountId.isEmpty() && isTerminal(transferStatusFromWire(event.value(u"status_to"_s).toString())))
        Q_EMIT accountChanged(accountId);
}

QString AlpacaBroker::name() const
{
    return u"alpaca"_s;
}

QString AlpacaBroker::tradingPath(const QString &accountId) const
{
    return u"/v1/trading/accounts/"_s + RestRequest::segment(accountId);
}

QString AlpacaBroker::assetsPath() const
{
    return u"/v1/assets"_s;
}

QString AlpacaBroker::activitiesPath() const
{
    return u"/v1/accounts/activities"_s;
}

QString AlpacaBroker::clockPath() const
{
    return u"/v1/clock"_s;
}

QString AlpacaBroker::calendarPath() const
{
    return u"/v1/calendar"_s;
}

// An empty id leaves account_id out: the activities of every account.
void AlpacaBroker::scopeActivities(QUrlQuery &query, const QString &accountId) const
{
    if (!accountId.isEmpty())
        query.addQueryItem(u"account_id"_s, accountId);
}

QFuture<BrokerResult<QList<Account>>> AlpacaBroker::accounts()
{
    struct Gather
    {
        QPromise<BrokerResult<QList<Account>>> promise;
        QList<std::optional<Account>> found;
        int pending = 0;
        bool done = false;
    };
    auto g = std::make_shared<Gather>();
    g->promise.start();
    QFuture<BrokerResult<QList<Account>>> future = g->promise.future();

    rest().send(RestRequest::get(u"/v1/accounts"_s)).then(this, [this, g](const RestResult &r) {
        auto finish = [g](BrokerResult<QList<Account>> result) {
            g->done = true;
            g->promise.addResult(std::move(result));
            g->promise.finish();
        };
        if (!r)
            return finish(unexpected(brokerErrorFrom(r.error())));
        if (!r->json.isArray())
            return finish(unexpected(decodeFailure(u"accounts"_s, {{}, u"must be an array"_s}, r->status)));
        QStringList ids;
        const QJsonArray list = r->json.array();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString id = list.at(i).toObject().value(u"id").toString();
            if (id.isEmpty())
                return finish(unexpected(
                    decodeFailure(u"accounts"_s, {u"[%1].id"_s.arg(i), u"is missing"_s}, r->status)));
            ids.append(id);
        }
        if (ids.isEmpty())
            return finish(QList<Account>{});
        g->found.resize(ids.size());
        g->pending = int(ids.size());
        for (qsizetype i = 0; i < ids.size(); ++i) {
            account(ids.at(i)).then(this, [g, i, id = ids.at(i), finish](const BrokerResult<Account> &a) {
                if (g->done)
                    return;
                if (a)
                    g->found[i] = *a;
                else if (skippable(a.error()))
                    qCDebug(lcAlpaca) << "account" << id << "has no trading account:" << a.error().message;
                else
                    return finish(unexpected(a.error()));
                if (--g->pending == 0) {
                    QList<Account> out;
                    for (const auto &account : std::as_const(g->found)) {
                        if (account)
                            out.append(*account);
                    }
                    finish(out);
                }
            });
        }
    });
    return future;
}

QFuture<BrokerResult<QHash<QString, QList<Position>>>> AlpacaBroker::allPositions()
{
    using Result = BrokerResult<QHash<QString, QList<Position>>>;
    return rest()
        .send(RestRequest::get(u"/v1/accounts/positions"_s))
        .then(this, [](const RestResult &r) -> Result {
            if (!r)
                return unexpected(brokerErrorFrom(r.error()));
            const QJsonValue positions = r->json.object().value(u"positions");
            if (!r->json.isObject() || !positions.isObject())
                return unexpected(
                    decodeFailure(u"all positions"_s, {u"positions"_s, u"must be an object"_s}, r->status));
            QHash<QString, QList<Position>> out;
            const QJsonObject byAccount = positions.toObject();
            for (auto it = byAccount.begin(); it != byAccount.end(); ++it) {
                auto list = decodeArray<Position>(it.value(), u"positions."_s + it.key());
                if (!list)
                    return unexpected(decodeFailure(u"all positions"_s, list.error(), r->status));
                out.insert(it.key(), std::move(list).value());
            }
            return out;
        });
}

QFuture<BrokerResult<QList<Transfer>>> AlpacaBroker::transfers(const QString &accountId)
{
    return fetchList<Transfer>(RestRequest::get(accountPath(accountId) + u"/transfers"), u"transfers"_s);
}

QFuture<BrokerResult<Transfer>> AlpacaBroker::createTransfer(const QString &accountId,
                                                             const TransferRequest &request)
{
    // Not retried after an ambiguous failure: a transfer has no client-chosen idempotency key.
    RestRequest post =
        RestRequest::post(accountPath(accountId) + u"/transfers", QJsonDocument(request.toJson()));
    post.idempotent = false;
    return fetchObject<Transfer>(post, u"transfer"_s);
}

} // namespace clera
