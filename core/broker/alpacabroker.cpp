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

// A 409 has one documented meaning per endpoint; the UI needs to tell which.
template <typename T> BrokerResult<T> conflictAs(BrokerResult<T> result, BrokerError::Kind kind)
{
    if (!result && result.error().kind == BrokerError::Kind::Conflict) {
        BrokerError e = result.error();
        e.kind = kind;
        return unexpected(std::move(e));
    }
    return result;
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

    AlpacaEventStream::Options accounts = trades;
    accounts.path = u"/v1/events/accounts/status"_s; // v1 with event_ulid: resumed with since_ulid
    accounts.idField = u"event_ulid"_s;
    accounts.sinceParameter = u"since_ulid"_s;
    m_accountEvents = std::make_unique<AlpacaEventStream>(accounts);
    connect(m_accountEvents.get(), &AlpacaEventStream::event, this, &AlpacaBroker::onAccountEvent);
    m_accountEvents->start();
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

void AlpacaBroker::onAccountEvent(const QJsonObject &event)
{
    // Events without status_to report other changes (account_blocked, pattern_day_trader, …).
    const QString accountId = event.value(u"account_id"_s).toString();
    const QString statusTo = event.value(u"status_to"_s).toString();
    if (accountId.isEmpty() || statusTo.isEmpty())
        return;
    Q_EMIT accountStatusChanged(accountId, accountStatusFromWire(statusTo));
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
    auto g = std::make_shared<AccountsGather>();
    g->promise.start();
    QFuture<BrokerResult<QList<Account>>> future = g->promise.future();

    // Oldest first (Alpaca's default is newest first), so the order stays put as accounts are added.
    const RestRequest list = RestRequest::get(u"/v1/accounts"_s, QUrlQuery{{u"sort"_s, u"asc"_s}});
    rest().send(list).then(this, [this, g](const RestResult &r) {
        if (!r)
            return g->finish(unexpected(brokerErrorFrom(r.error())));
        if (!r->json.isArray())
            return g->finish(unexpected(decodeFailure(u"accounts"_s, {{}, u"must be an array"_s}, r->status)));
        const QJsonArray list = r->json.array();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QString id = list.at(i).toObject().value(u"id").toString();
            if (id.isEmpty())
                return g->finish(unexpected(
                    decodeFailure(u"accounts"_s, {u"[%1].id"_s.arg(i), u"is missing"_s}, r->status)));
            g->ids.append(id);
        }
        if (g->ids.isEmpty())
            return g->finish(QList<Account>{});
        g->found.resize(g->ids.size());
        g->pending = g->ids.size();
        // The list carries no balances: one trading-account request per account, a few at a time, so
        // thousands of accounts do not queue thousands of requests whose timeouts all run at once.
        for (int n = 0; n < kAccountFetchesInFlight; ++n)
            fetchNextAccount(g);
    });
    return future;
}

void AlpacaBroker::fetchNextAccount(const std::shared_ptr<AccountsGather> &g)
{
    if (g->done || g->next >= g->ids.size())
        return;
    const qsizetype i = g->next++;
    const QString id = g->ids.at(i);
    account(id).then(this, [this, g, i, id](const BrokerResult<Account> &a) {
        if (g->done)
            return;
        if (a)
            g->found[i] = *a;
        else if (skippable(a.error()))
            qCDebug(lcAlpaca) << "account" << id << "has no trading account:" << a.error().message;
        else
            return g->finish(unexpected(a.error()));
        if (--g->pending == 0) {
            QList<Account> out;
            for (const auto &account : std::as_const(g->found)) {
                if (account)
                    out.append(*account);
            }
            return g->finish(out);
        }
        fetchNextAccount(g);
    });
}

QFuture<BrokerResult<PositionsByAccount>> AlpacaBroker::allPositions()
{
    using Result = BrokerResult<PositionsByAccount>;
    // Every position of every account: with thousands of accounts the answer takes seconds to prepare,
    // and is far too large to decode at once (PositionsByAccount keeps it as text).
    RestRequest request = RestRequest::get(u"/v1/accounts/positions"_s);
    request.timeout = kAllPositionsTimeout;
    request.rawBody = true;
    return rest()
        .send(request)
        .then(this, [](const RestResult &r) -> Result {
            if (!r)
                return unexpected(brokerErrorFrom(r.error()));
            auto book = PositionsByAccount::fromBrokerApi(r->body);
            if (!book)
                return unexpected(decodeFailure(u"all positions"_s, book.error(), r->status));
            return std::move(book).value();
        });
}

// Every transfer of the account: Alpaca pages the list by limit/offset (ordered by created_at); the
// next page starts after the items received, until a page comes back short or empty.
struct AlpacaBroker::TransferPages
{
    QString accountId;
    QList<Transfer> transfers;
    int pages = 0;
    QPromise<BrokerResult<QList<Transfer>>> promise;

    void finish(BrokerResult<QList<Transfer>> result)
    {
        promise.addResult(std::move(result));
        promise.finish();
    }
};

QFuture<BrokerResult<QList<Transfer>>> AlpacaBroker::transfers(const QString &accountId)
{
    auto pages = std::make_shared<TransferPages>();
    pages->accountId = accountId;
    pages->promise.start();
    QFuture<BrokerResult<QList<Transfer>>> future = pages->promise.future();
    fetchTransferPage(pages);
    return future;
}

void AlpacaBroker::fetchTransferPage(const std::shared_ptr<TransferPages> &pages)
{
    QUrlQuery q;
    q.addQueryItem(u"limit"_s, QString::number(kTransferPageSize));
    q.addQueryItem(u"offset"_s, QString::number(pages->transfers.size()));
    ++pages->pages;
    fetchList<Transfer>(RestRequest::get(accountPath(pages->accountId) + u"/transfers", q), u"transfers"_s)
        .then(this, [this, pages](const BrokerResult<QList<Transfer>> &page) {
            if (!page)
                return pages->finish(unexpected(page.error()));
            pages->transfers.append(*page);
            if (page->size() < kTransferPageSize)
                return pages->finish(pages->transfers);
            // A server that ignores offset would send the same page forever.
            if (pages->pages >= kMaxTransferPages)
                return pages->finish(unexpected(decodeFailure(
                    u"transfers"_s,
                    {u"offset"_s, u"more than %1 pages of transfers"_s.arg(kMaxTransferPages)}, 200)));
            fetchTransferPage(pages);
        });
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

QFuture<BrokerResult<Done>> AlpacaBroker::sendExpectingNoContent(const RestRequest &request)
{
    return rest().send(request).then(this, [](const RestResult &r) -> BrokerResult<Done> {
        if (!r)
            return unexpected(brokerErrorFrom(r.error()));
        return Done{};
    });
}

QFuture<BrokerResult<Done>> AlpacaBroker::cancelTransfer(const QString &accountId, const QString &transferId)
{
    return sendExpectingNoContent(
        RestRequest::del(accountPath(accountId) + u"/transfers/" + RestRequest::segment(transferId)));
}

QFuture<BrokerResult<BrokerAccount>> AlpacaBroker::createAccount(const AccountApplication &application)
{
    // Not retried after an ambiguous failure: Alpaca has no idempotency key for applications, and a
    // second POST of an application that did arrive answers 409.
    RestRequest post = RestRequest::post(u"/v1/accounts"_s, QJsonDocument(application.toJson()));
    post.idempotent = false;
    return rest().send(post).then(this, [](const RestResult &r) {
        return conflictAs(decodeOne<BrokerAccount>(r, u"account application"_s),
                          BrokerError::Kind::EmailAlreadyRegistered);
    });
}

QFuture<BrokerResult<BrokerAccount>> AlpacaBroker::brokerAccount(const QString &accountId)
{
    return fetchObject<BrokerAccount>(RestRequest::get(accountPath(accountId)), u"broker account"_s);
}

QFuture<BrokerResult<QList<BrokerAccount>>> AlpacaBroker::brokerAccounts(const BrokerAccountQuery &query)
{
    QUrlQuery q;
    if (!query.query.isEmpty())
        q.addQueryItem(u"query"_s, QString::fromUtf8(QUrl::toPercentEncoding(query.query)));
    if (!query.statuses.isEmpty()) {
        QStringList statuses;
        for (AccountStatus s : query.statuses)
            statuses.append(toWire(s));
        q.addQueryItem(u"status"_s, statuses.join(u','));
    }
    if (!query.entities.isEmpty())
        q.addQueryItem(u"entities"_s, query.entities.join(u','));
    if (query.createdAfter)
        q.addQueryItem(u"created_after"_s,
                       QString::fromLatin1(QUrl::toPercentEncoding(query.createdAfter->toString())));
    if (query.createdBefore)
        q.addQueryItem(u"created_before"_s,
                       QString::fromLatin1(QUrl::toPercentEncoding(query.createdBefore->toString())));
    q.addQueryItem(u"sort"_s, query.newestFirst ? u"desc"_s : u"asc"_s);
    return fetchList<BrokerAccount>(RestRequest::get(u"/v1/accounts"_s, q), u"broker accounts"_s);
}

QFuture<BrokerResult<BrokerAccount>> AlpacaBroker::updateAccount(const QString &accountId,
                                                                 const QJsonObject &patch)
{
    RestRequest request = RestRequest::post(accountPath(accountId), QJsonDocument(patch));
    request.method = QByteArrayLiteral("PATCH");
    return fetchObject<BrokerAccount>(request, u"account update"_s);
}

QFuture<BrokerResult<Done>> AlpacaBroker::closeAccount(const QString &accountId)
{
    RestRequest close;
    close.method = QByteArrayLiteral("POST");
    close.path = accountPath(accountId) + u"/actions/close";
    return sendExpectingNoContent(close);
}

QFuture<BrokerResult<QList<AchRelationship>>>
AlpacaBroker::achRelationships(const QString &accountId, const QList<AchRelationshipStatus> &statuses)
{
    QUrlQuery q;
    if (!statuses.isEmpty()) {
        QStringList names;
        for (AchRelationshipStatus s : statuses)
            names.append(toWire(s));
        q.addQueryItem(u"statuses"_s, names.join(u','));
    }
    return fetchList<AchRelationship>(RestRequest::get(accountPath(accountId) + u"/ach_relationships", q),
                                      u"ACH relationships"_s);
}

QFuture<BrokerResult<AchRelationship>>
AlpacaBroker::createAchRelationship(const QString &accountId, const AchRelationshipRequest &request)
{
    RestRequest post =
        RestRequest::post(accountPath(accountId) + u"/ach_relationships", QJsonDocument(request.toJson()));
    post.idempotent = false;
    return rest().send(post).then(this, [](const RestResult &r) {
        return conflictAs(decodeOne<AchRelationship>(r, u"ACH relationship"_s),
                          BrokerError::Kind::AchRelationshipExists);
    });
}

QFuture<BrokerResult<Done>> AlpacaBroker::deleteAchRelationship(const QString &accountId,
                                                                const QString &relationshipId)
{
    return sendExpectingNoContent(RestRequest::del(accountPath(accountId) + u"/ach_relationships/" +
                                                   RestRequest::segment(relationshipId)));
}

} // namespace clera
