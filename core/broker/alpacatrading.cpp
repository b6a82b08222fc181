#include "alpacatrading.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

BrokerError noTransfers()
{
    return {BrokerError::Kind::InvalidRequest, u"transfers are not available with the Trading API"_s, 0, 0};
}

} // namespace

QUrl AlpacaTrading::paperUrl()
{
    return QUrl(u"https://paper-api.alpaca.markets"_s);
}

QUrl AlpacaTrading::liveUrl()
{
    return QUrl(u"https://api.alpaca.markets"_s);
}

AlpacaTrading::AlpacaTrading(const AlpacaOptions &options, QObject *parent)
    : AlpacaRestBroker(options, RestClient::Auth::ApcaHeaders, parent), m_keyId(options.keyId),
      m_secret(options.secret)
{}

AlpacaTrading::~AlpacaTrading() = default;

void AlpacaTrading::startTradeUpdates(const QUrl &streamUrl, AlpacaTradeUpdates::Options tuning)
{
    if (m_tradeUpdates)
        return;
    tuning.url = streamUrl;
    tuning.keyId = m_keyId;
    tuning.secret = m_secret;
    m_tradeUpdates = std::make_unique<AlpacaTradeUpdates>(std::move(tuning));
    connect(m_tradeUpdates.get(), &AlpacaTradeUpdates::tradeUpdate, this, &AlpacaTrading::onTradeUpdate);
    connect(m_tradeUpdates.get(), &AlpacaTradeUpdates::reconnected, this, &AlpacaTrading::onReconnected);
    m_tradeUpdates->start();
}

void AlpacaTrading::onTradeUpdate(const TradeUpdate &update)
{
    withOwnAccountId([this, update](const QString &id) { announceTradeUpdate(id, update); });
}

void AlpacaTrading::onReconnected()
{
    withOwnAccountId([this](const QString &id) {
        Q_EMIT positionsChanged(id);
        Q_EMIT accountChanged(id);
    });
}

void AlpacaTrading::withOwnAccountId(std::function<void(const QString &)> then)
{
    if (!m_accountId.isEmpty())
        return then(m_accountId);
    account({}).then(this, [then = std::move(then)](const BrokerResult<Account> &a) {
        if (a)
            then(a->id);
        else
            qCWarning(lcAlpaca).noquote()
                << "trade updates: cannot learn the own account id:" << a.error().message;
    });
}

QString AlpacaTrading::name() const
{
    return u"alpaca-trading"_s;
}

QString AlpacaTrading::tradingPath(const QString &) const
{
    return u"/v2"_s;
}

QString AlpacaTrading::assetsPath() const
{
    return u"/v2/assets"_s;
}

QString AlpacaTrading::activitiesPath() const
{
    return u"/v2/account/activities"_s;
}

QString AlpacaTrading::clockPath() const
{
    return u"/v2/clock"_s;
}

QString AlpacaTrading::calendarPath() const
{
    return u"/v2/calendar"_s;
}

std::optional<BrokerError> AlpacaTrading::foreignAccount(const QString &accountId) const
{
    if (accountId.isEmpty() || m_accountId.isEmpty() || accountId == m_accountId)
        return std::nullopt;
    return BrokerError{BrokerError::Kind::NotFound,
                       u"account %1 is not the account of these Trading API keys"_s.arg(accountId), 0, 0};
}

QFuture<BrokerResult<Account>> AlpacaTrading::account(const QString &accountId)
{
    return AlpacaRestBroker::account(accountId).then(this, [this](const BrokerResult<Account> &a) {
        if (a)
            m_accountId = a->id;
        return a;
    });
}

QFuture<BrokerResult<QList<Account>>> AlpacaTrading::accounts()
{
    return account({}).then(this, [](const BrokerResult<Account> &a) -> BrokerResult<QList<Account>> {
        if (!a)
            return unexpected(a.error());
        return QList<Account>{*a};
    });
}

QFuture<BrokerResult<PositionsByAccount>> AlpacaTrading::allPositions()
{
    using Result = BrokerResult<PositionsByAccount>;
    auto promise = std::make_shared<QPromise<Result>>();
    promise->start();
    QFuture<Result> future = promise->future();
    auto finish = [promise](Result r) {
        promise->addResult(std::move(r));
        promise->finish();
    };
    account({}).then(this, [this, finish](const BrokerResult<Account> &a) {
        if (!a)
            return finish(unexpected(a.error()));
        positions(a->id).then(this, [finish, id = a->id](const BrokerResult<QList<Position>> &p) {
            if (!p)
                return finish(unexpected(p.error()));
            QHash<QString, QList<Position>> out;
            if (!p->isEmpty())
                out.insert(id, *p);
            finish(PositionsByAccount(std::move(out)));
        });
    });
    return future;
}

QFuture<BrokerResult<QList<Transfer>>> AlpacaTrading::transfers(const QString &)
{
    return ready<QList<Transfer>>(unexpected(noTransfers()));
}

QFuture<BrokerResult<Transfer>> AlpacaTrading::createTransfer(const QString &, const TransferRequest &)
{
    return ready<Transfer>(unexpected(noTransfers()));
}

} // namespace clera
