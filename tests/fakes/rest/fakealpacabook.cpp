#include "fakealpacabook.h"

#include "core/domain/account.h"
#include "core/domain/position.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

constexpr qint64 kValidation = 40010001;
constexpr qint64 kForbidden = 40310000;
constexpr qint64 kNotFound = 40410000;
constexpr qint64 kUnprocessable = 42210000;
constexpr qint64 kConflict = 40910000;
constexpr int kMaxClientOrderId = 128;

QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Asset makeAsset(const QString &symbol, const QString &name, const QString &exchange, bool fractionable,
                const QString &assetClass = u"us_equity"_s, const QString &status = u"active"_s)
{
    Asset a;
    a.id = QUuid::createUuidV5(QUuid(), symbol).toString(QUuid::WithoutBraces);
    a.assetClass = assetClass;
    a.exchange = exchange;
    a.symbol = symbol;
    a.name = name;
    a.status = status;
    a.tradable = status == u"active";
    a.marginable = assetClass == u"us_equity";
    a.shortable = a.marginable;
    a.easyToBorrow = a.marginable;
    a.fractionable = fractionable;
    a.maintenanceMarginRequirement = Decimal(30);
    return a;
}

FakeAlpacaBook::Reply ok(QJsonValue body)
{
    return {200, std::move(body)};
}

} // namespace

FakeAlpacaBook::FakeAlpacaBook()
{
    m_assets = {
        makeAsset(u"AAPL"_s, u"Apple Inc. Common Stock"_s, u"NASDAQ"_s, true),
        makeAsset(u"MSFT"_s, u"Microsoft Corporation Common Stock"_s, u"NASDAQ"_s, true),
        makeAsset(u"SPY"_s, u"SPDR S&P 500 ETF Trust"_s, u"ARCA"_s, true),
        makeAsset(u"BRK.A"_s, u"Berkshire Hathaway Inc. Class A"_s, u"NYSE"_s, false),
        makeAsset(u"OLDCO"_s, u"Delisted Example Corp"_s, u"OTC"_s, false, u"us_equity"_s, u"inactive"_s),
        makeAsset(u"BTC/USD"_s, u"Bitcoin / US Dollar"_s, u"CRYPTO"_s, true, u"crypto"_s),
    };
    m_lastPrices = {
        {u"AAPL"_s, Decimal::parse(u"187.31").value()},
        {u"MSFT"_s, Decimal::parse(u"404.21").value()},
        {u"SPY"_s, Decimal::parse(u"512.5").value()},
        {u"BRK.A"_s, Decimal(620000)},
        {u"BTC/USD"_s, Decimal(65000)},
    };
}

Timestamp FakeAlpacaBook::stamp() const
{
    // Whole milliseconds, microseconds or full nanoseconds in turn, so clients meet every width.
    const std::int64_t ms = Timestamp::now().msecs();
    const std::int64_t seq = ++m_stampSeq;
    const std::int64_t extra = seq % 3 == 0 ? 0 : (seq % 3 == 1 ? 123'000 : 456'789);
    return Timestamp::fromNanos(ms * 1'000'000 + extra);
}

FakeAlpacaBook::Reply FakeAlpacaBook::error(int status, qint64 code, const QString &message,
                                            QJsonObject extra)
{
    extra.insert(u"code"_s, code);
    extra.insert(u"message"_s, message);
    return {status, extra};
}

QString FakeAlpacaBook::createAccount(Decimal cash, const QString &email)
{
    AccountState a;
    a.id = newId();
    a.number = QString::number(904000000 + m_accountOrder.size() + 1);
    a.email = email.isEmpty() ? u"user%1@example.org"_s.arg(m_accountOrder.size() + 1) : email;
    a.createdAt = stamp();
    a.cash = cash;
    m_accountOrder.append(a.id);
    const QString id = a.id;
    m_accounts.insert(id, std::move(a));
    return id;
}

void FakeAlpacaBook::seedHolding(const QString &accountId, const QString &symbol, Decimal qty,
                                 Decimal costBasis)
{
    const auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return;
    Holding &h = it->holdings[symbol];
    if (h.assetId.isEmpty()) {
        const Asset *asset = findAsset(symbol);
        h.assetId = asset ? asset->id : newId();
    }
    h.qty = h.qty + qty;
    h.costBasis = h.costBasis + costBasis;
}

bool FakeAlpacaBook::hasAccount(const QString &accountId) const
{
    return m_accounts.contains(accountId);
}

std::optional<Decimal> FakeAlpacaBook::cash(const QString &accountId) const
{
    const auto it = m_accounts.constFind(accountId);
    return it == m_accounts.cend() ? std::nullopt : std::optional<Decimal>(it->cash);
}

int FakeAlpacaBook::orderCount(const QString &accountId) const
{
    return int(ordersOf(accountId).size());
}

QList<Order> FakeAlpacaBook::ordersOf(const QString &accountId) const
{
    return m_accounts.value(accountId).orders;
}

void FakeAlpacaBook::setLastPrice(const QString &symbol, Decimal price)
{
    m_lastPrices.insert(symbol, price);
}

void FakeAlpacaBook::setPreviousClose(const QString &symbol, Decimal price)
{
    m_previousCloses.insert(symbol, price);
}

Decimal FakeAlpacaBook::lastPrice(const QString &symbol) const
{
    return m_lastPrices.value(symbol, Decimal(100));
}

const Asset *FakeAlpacaBook::findAsset(const QString &symbolOrId) const
{
    for (const Asset &a : m_assets) {
        if (a.symbol.compare(symbolOrId, Qt::CaseInsensitive) == 0 || a.id == symbolOrId)
            return &a;
    }
    return nullptr;
}

FakeAlpacaBook::Reply FakeAlpacaBook::createAccount(const QJsonObject &body)
{
    const QString email = body.value(u"contact").toObject().value(u"email_address").toString();
    if (email.isEmpty())
        return error(422, kValidation, u"contact.email_address is required"_s);
    if (!body.value(u"identity").isObject())
        return error(422, kValidation, u"identity is required"_s);
    for (const AccountState &a : std::as_const(m_accounts)) {
        if (a.email.compare(email, Qt::CaseInsensitive) == 0)
            return error(409, kConflict, u"email address already exists"_s);
    }
    return accountSummary(createAccount(Decimal(), email));
}

FakeAlpacaBook::Reply FakeAlpacaBook::listAccounts() const
{
    QJsonArray out;
    for (const QString &id : m_accountOrder)
        out.append(accountSummary(id).body);
    return ok(out);
}

FakeAlpacaBook::Reply FakeAlpacaBook::accountSummary(const QString &accountId) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    return ok(QJsonObject{
        {u"id"_s, it->id},
        {u"account_number"_s, it->number},
        {u"status"_s, u"ACTIVE"_s},
        {u"crypto_status"_s, u"INACTIVE"_s},
        {u"currency"_s, u"USD"_s},
        {u"last_equity"_s, (it->cash + marketValue(*it)).toString()},
        {u"created_at"_s, it->createdAt.toString()},
        {u"account_type"_s, u"trading"_s},
        {u"kyc_results"_s, QJsonValue(QJsonValue::Null)},
        {u"contact"_s, QJsonObject{{u"email_address"_s, it->email}}},
        {u"enabled_assets"_s, QJsonArray{u"us_equity"_s}},
    });
}

Decimal FakeAlpacaBook::marketValue(const AccountState &account) const
{
    Decimal total;
    for (auto it = account.holdings.cbegin(); it != account.holdings.cend(); ++it)
        total += it->qty * lastPrice(it.key());
    return total;
}

FakeAlpacaBook::Reply FakeAlpacaBook::tradingAccount(const QString &accountId) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    Account a;
    a.id = it->id;
    a.accountNumber = it->number;
    a.status = AccountStatus::Active;
    a.cryptoStatus = AccountStatus::Inactive;
    a.cash = it->cash;
    a.cashWithdrawable = it->cash;
    a.buyingPower = it->cash;
    a.regtBuyingPower = it->cash;
    a.nonMarginableBuyingPower = it->cash;
    const Decimal longValue = marketValue(*it);
    a.longMarketValue = longValue;
    a.shortMarketValue = Decimal();
    a.equity = it->cash + longValue;
    a.portfolioValue = a.equity;
    a.lastEquity = a.equity;
    a.multiplier = Decimal(1);
    a.tradingBlocked = false;
    a.transfersBlocked = false;
    a.accountBlocked = false;
    a.tradeSuspendedByUser = false;
    a.shortingEnabled = false;
    a.createdAt = it->createdAt;
    return ok(a.toJson());
}

QJsonArray FakeAlpacaBook::positionsJson(const AccountState &account) const
{
    QJsonArray out;
    for (auto it = account.holdings.cbegin(); it != account.holdings.cend(); ++it) {
        const Asset *asset = findAsset(it.key());
        Position p;
        p.assetId = it->assetId;
        p.symbol = it.key();
        p.exchange = asset ? asset->exchange : QString();
        p.assetClass = asset ? asset->assetClass : u"us_equity"_s;
        p.assetMarginable = asset && asset->marginable;
        p.qty = it->qty;
        p.qtyAvailable = it->qty;
        p.avgEntryPrice = (it->costBasis / it->qty).rounded(4);
        p.costBasis = it->costBasis;
        const Decimal price = lastPrice(it.key());
        const Decimal close = m_previousCloses.value(it.key(), price);
        p.currentPrice = price;
        p.lastdayPrice = close;
        p.changeToday = close.isZero() ? Decimal() : ((price - close) / close).rounded(6);
        p.marketValue = it->qty * price;
        p.unrealizedPl = *p.marketValue - it->costBasis;
        p.unrealizedPlpc = it->costBasis.isZero() ? Decimal() : (*p.unrealizedPl / it->costBasis).rounded(6);
        QList<const Order *> filled;
        for (const Order &o : account.orders)
            if (o.symbol == it.key() && o.filledAt && o.filledQty.isPositive() && o.filledAvgPrice)
                filled.append(&o);
        std::sort(filled.begin(), filled.end(), [](const Order *a, const Order *b) { return *a->filledAt < *b->filledAt; });
        QList<DayFill> fills;
        for (const Order *o : std::as_const(filled))
            fills.append({o->side == OrderSide::Buy, o->filledQty, *o->filledAvgPrice});
        const Decimal basis = intradayBasis(it->qty, close, fills).value_or(it->qty * close);
        p.unrealizedIntradayPl = *p.marketValue - basis;
        p.unrealizedIntradayPlpc = basis.isZero() ? Decimal() : (*p.unrealizedIntradayPl / basis).rounded(6);
        out.append(p.toJson());
    }
    return out;
}

FakeAlpacaBook::Reply FakeAlpacaBook::positions(const QString &accountId) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    return ok(positionsJson(*it));
}

FakeAlpacaBook::Reply FakeAlpacaBook::allPositions() const
{
    QJsonObject byAccount;
    for (const QString &id : m_accountOrder) {
        const QJsonArray list = positionsJson(m_accounts[id]);
        if (!list.isEmpty())
            byAccount.insert(id, list);
    }
    return ok(QJsonObject{{u"as_of"_s, stamp().toString()}, {u"positions"_s, byAccount}});
}

std::optional<FakeAlpacaBook::Reply>
FakeAlpacaBook::checkOrder(const AccountState &account, const OrderRequest &r, const Asset *&asset) const
{
    if (r.side == OrderSide::Unknown)
        return error(422, kValidation, u"invalid side"_s);
    if (r.type == OrderType::Unknown)
        return error(422, kValidation, u"invalid order type"_s);
    if (r.timeInForce == TimeInForce::Unknown)
        return error(422, kValidation, u"invalid time_in_force"_s);
    if (r.qty && r.notional)
        return error(422, kValidation, u"only one of qty or notional may be specified"_s);
    if (!r.qty && !r.notional)
        return error(422, kValidation, u"qty or notional is required"_s);
    if ((r.qty && !r.qty->isPositive()) || (r.notional && !r.notional->isPositive()))
        return error(422, kValidation, u"qty must be > 0"_s);
    if ((r.type == OrderType::Limit || r.type == OrderType::StopLimit) && !r.limitPrice)
        return error(422, kValidation, u"limit_price is required"_s);
    if ((r.type == OrderType::Stop || r.type == OrderType::StopLimit) && !r.stopPrice)
        return error(422, kValidation, u"stop_price is required"_s);
    if (r.type == OrderType::TrailingStop && r.trailPrice.has_value() == r.trailPercent.has_value())
        return error(422, kValidation, u"exactly one of trail_price or trail_percent is required"_s);
    if (r.extendedHours && r.type != OrderType::Limit)
        return error(422, kValidation, u"only type=\"limit\" is allowed for extended hours orders"_s);
    if (r.notional && r.type != OrderType::Market)
        return error(422, kValidation, u"notional orders must be market orders"_s);
    if (r.clientOrderId.size() > kMaxClientOrderId)
        return error(422, kValidation, u"client_order_id must be no more than 128 characters"_s);

    asset = findAsset(r.symbol);
    if (!asset)
        return error(422, kValidation, u"asset \"%1\" not found"_s.arg(r.symbol));
    if (!asset->tradable || asset->status != u"active")
        return error(422, kValidation, u"asset %1 is not active"_s.arg(asset->symbol));
    if (asset->assetClass == u"crypto") {
        if (r.timeInForce != TimeInForce::Gtc && r.timeInForce != TimeInForce::Ioc)
            return error(422, kUnprocessable, u"invalid crypto time_in_force"_s);
    } else {
        const bool fractional = r.notional.has_value() || r.qty->fractionalDigits() > 0;
        if (fractional && r.timeInForce != TimeInForce::Day)
            return error(422, kValidation, u"fractional orders must be DAY orders"_s);
        if (fractional && !asset->fractionable)
            return error(422, kValidation, u"requested asset is not fractionable"_s);
    }
    if (!r.clientOrderId.isEmpty() && account.clientOrderIds.contains(r.clientOrderId))
        return error(422, kValidation, u"client_order_id must be unique"_s);

    const Decimal price = r.limitPrice.value_or(lastPrice(asset->symbol));
    if (r.side == OrderSide::Buy) {
        const Decimal cost = r.notional ? *r.notional : *r.qty * price;
        if (cost < Decimal(1))
            return error(422, kValidation, u"cost basis must be >= 1"_s);
        if (cost > account.cash)
            return error(403, kForbidden, u"insufficient buying power"_s,
                         {{u"buying_power"_s, account.cash.toString()}, {u"cost_basis"_s, cost.toString()}});
    } else {
        const Decimal held = account.holdings.value(asset->symbol).qty;
        const Decimal wanted = r.qty ? *r.qty : (*r.notional / price).truncated(9);
        if (wanted > held)
            return error(403, kForbidden,
                         u"insufficient qty available for order (requested: %1, available: %2)"_s.arg(
                             wanted.toString(), held.toString()),
                         {{u"available"_s, held.toString()},
                          {u"existing_qty"_s, held.toString()},
                          {u"held_for_orders"_s, u"0"_s},
                          {u"symbol"_s, asset->symbol}});
    }
    return std::nullopt;
}

void FakeAlpacaBook::fill(AccountState &account, Order &order, Decimal price)
{
    const Decimal qty = order.qty ? *order.qty : (*order.notional / price).truncated(9);
    const Decimal value = (qty * price).rounded(2);
    Holding &h = account.holdings[order.symbol];
    h.assetId = order.assetId;
    if (order.side == OrderSide::Buy) {
        account.cash -= value;
        h.qty += qty;
        h.costBasis += value;
    } else {
        account.cash += value;
        h.costBasis = h.qty.isZero() ? Decimal() : (h.costBasis - (h.costBasis * qty / h.qty).rounded(2));
        h.qty -= qty;
        if (h.qty.isZero())
            account.holdings.remove(order.symbol);
    }
    order.status = OrderStatus::Filled;
    order.filledQty = qty;
    order.filledAvgPrice = price;
    order.filledAt = stamp();
    order.updatedAt = order.filledAt;
}

FakeAlpacaBook::Reply FakeAlpacaBook::submitOrder(const QString &accountId, const QJsonObject &body)
{
    auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return error(401, 40110000, u"request is not authorized"_s);
    const auto request = OrderRequest::fromJson(body);
    if (!request)
        return error(422, kValidation, request.error().toString());
    const Asset *asset = nullptr;
    if (auto failure = checkOrder(*it, *request, asset))
        return *failure;

    Order o;
    o.id = newId();
    o.clientOrderId = request->clientOrderId.isEmpty() ? newId() : request->clientOrderId;
    o.createdAt = stamp();
    o.submittedAt = o.createdAt;
    o.updatedAt = o.createdAt;
    o.assetId = asset->id;
    o.symbol = asset->symbol;
    o.assetClass = asset->assetClass;
    o.qty = request->qty;
    o.notional = request->notional;
    o.orderClass = request->orderClass;
    o.type = request->type;
    o.side = request->side;
    o.positionIntent = request->side == OrderSide::Buy ? u"buy_to_open"_s : u"sell_to_close"_s;
    o.timeInForce = request->timeInForce;
    o.limitPrice = request->limitPrice;
    o.stopPrice = request->stopPrice;
    o.trailPrice = request->trailPrice;
    o.trailPercent = request->trailPercent;
    o.extendedHours = request->extendedHours;
    o.status = OrderStatus::New;
    o.commission = Decimal();
    if (o.type == OrderType::Market)
        fill(*it, o, lastPrice(o.symbol));
    it->clientOrderIds.insert(o.clientOrderId);
    it->orders.append(o);
    if (m_orderObserver) {
        const bool filled = o.status == OrderStatus::Filled;
        m_orderObserver({accountId, filled ? u"fill"_s : u"new"_s, o,
                         filled ? o.filledAvgPrice : std::nullopt,
                         filled ? std::optional<Decimal>(o.filledQty) : std::nullopt,
                         filled ? std::optional<Decimal>(it->holdings.value(o.symbol).qty) : std::nullopt});
    }
    return ok(o.toJson());
}

FakeAlpacaBook::Reply FakeAlpacaBook::orders(const QString &accountId, const QUrlQuery &query) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    const QString status =
        query.queryItemValue(u"status"_s).isEmpty() ? u"open"_s : query.queryItemValue(u"status"_s);
    if (status != u"open" && status != u"closed" && status != u"all")
        return error(422, kValidation, u"invalid status"_s);
    int limit = 50;
    if (query.hasQueryItem(u"limit"_s)) {
        bool okLimit = false;
        limit = query.queryItemValue(u"limit"_s).toInt(&okLimit);
        if (!okLimit || limit < 1 || limit > 500)
            return error(422, kValidation, u"limit must be between 1 and 500"_s);
    }
    const QStringList symbols =
        query.queryItemValue(u"symbols"_s, QUrl::FullyDecoded).split(u',', Qt::SkipEmptyParts);
    QList<Order> matched;
    for (const Order &o : it->orders) {
        const bool open = !isTerminal(o.status);
        if ((status == u"open" && !open) || (status == u"closed" && open))
            continue;
        if (!symbols.isEmpty() && !symbols.contains(o.symbol))
            continue;
        matched.append(o);
    }
    if (query.queryItemValue(u"direction"_s) != u"asc")
        std::reverse(matched.begin(), matched.end());
    QJsonArray out;
    for (qsizetype i = 0; i < matched.size() && i < limit; ++i)
        out.append(matched.at(i).toJson());
    return ok(out);
}

FakeAlpacaBook::Reply FakeAlpacaBook::order(const QString &accountId, const QString &orderId) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    for (const Order &o : it->orders) {
        if (o.id == orderId)
            return ok(o.toJson());
    }
    return error(404, kNotFound, u"order not found"_s);
}

FakeAlpacaBook::Reply FakeAlpacaBook::orderByClientOrderId(const QString &accountId,
                                                           const QString &clientOrderId) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    for (const Order &o : it->orders) {
        if (o.clientOrderId == clientOrderId)
            return ok(o.toJson());
    }
    return error(404, kNotFound, u"order not found"_s);
}

FakeAlpacaBook::Reply FakeAlpacaBook::cancelOrder(const QString &accountId, const QString &orderId)
{
    auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return error(401, 40110000, u"request is not authorized"_s);
    for (Order &o : it->orders) {
        if (o.id != orderId)
            continue;
        if (isTerminal(o.status))
            return error(422, kUnprocessable, u"order is not cancelable"_s);
        o.status = OrderStatus::Canceled;
        o.canceledAt = stamp();
        o.updatedAt = o.canceledAt;
        if (m_orderObserver)
            m_orderObserver({accountId, u"canceled"_s, o, std::nullopt, std::nullopt, std::nullopt});
        return {204, QJsonValue(QJsonValue::Undefined)};
    }
    return error(404, kNotFound, u"order not found"_s);
}

FakeAlpacaBook::Reply FakeAlpacaBook::transfers(const QString &accountId, const QUrlQuery &query) const
{
    const auto it = m_accounts.constFind(accountId);
    if (it == m_accounts.cend())
        return error(401, 40110000, u"request is not authorized"_s);
    bool limitOk = true;
    bool offsetOk = true;
    const int limit = query.hasQueryItem(u"limit"_s) ? query.queryItemValue(u"limit"_s).toInt(&limitOk)
                                                     : kTransferPageSize;
    const int offset = query.hasQueryItem(u"offset"_s) ? query.queryItemValue(u"offset"_s).toInt(&offsetOk) : 0;
    if (!limitOk || !offsetOk || limit <= 0 || offset < 0)
        return error(422, kValidation, u"invalid limit or offset"_s);
    const QString direction = query.queryItemValue(u"direction"_s).toUpper();
    QList<Transfer> sorted = it->transfers;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Transfer &a, const Transfer &b) { return a.createdAt < b.createdAt; });
    QJsonArray out;
    int skipped = 0;
    for (const Transfer &t : std::as_const(sorted)) {
        if (!direction.isEmpty() && toWire(t.direction) != direction)
            continue;
        if (skipped++ < offset)
            continue;
        if (out.size() == limit)
            break;
        out.append(t.toJson());
    }
    return ok(out);
}

FakeAlpacaBook::Reply FakeAlpacaBook::createTransfer(const QString &accountId, const QJsonObject &body)
{
    auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return error(401, 40110000, u"request is not authorized"_s);
    const auto request = TransferRequest::fromJson(body);
    if (!request)
        return error(422, kValidation, request.error().toString());
    if (request->transferType == TransferType::Unknown)
        return error(422, kValidation, u"invalid transfer_type"_s);
    if (request->transferType == TransferType::Ach && request->relationshipId.isEmpty())
        return error(422, kValidation, u"relationship_id is required"_s);
    if (request->direction == TransferDirection::Unknown)
        return error(422, kValidation, u"invalid direction"_s);
    if (!request->amount.isPositive())
        return error(422, kValidation, u"amount must be > 0"_s);
    if (request->direction == TransferDirection::Outgoing && request->amount > it->cash)
        return error(403, kForbidden, u"insufficient funds for withdrawal"_s);

    Transfer t;
    t.id = newId();
    t.relationshipId = request->relationshipId;
    t.bankId = request->bankId;
    t.accountId = accountId;
    t.type = request->transferType;
    t.status = TransferStatus::Queued;
    t.currency = u"USD"_s;
    t.amount = request->amount;
    t.requestedAmount = request->amount;
    t.fee = Decimal();
    t.feePaymentMethod = request->feePaymentMethod.isEmpty() ? u"invoice"_s : request->feePaymentMethod;
    t.direction = request->direction;
    t.createdAt = stamp();
    t.updatedAt = t.createdAt;
    t.expiresAt = Timestamp::fromNanos(t.createdAt.nanos() + 7LL * 86'400'000'000'000LL);
    it->transfers.append(t);
    return ok(t.toJson());
}

void FakeAlpacaBook::completeTransfer(const QString &accountId, const QString &transferId)
{
    auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return;
    for (Transfer &t : it->transfers) {
        if (t.id != transferId || t.status != TransferStatus::Queued)
            continue;
        t.status = TransferStatus::Complete;
        t.updatedAt = stamp();
        it->cash += t.direction == TransferDirection::Incoming ? t.amount : -t.amount;
    }
}

FakeAlpacaBook::Reply FakeAlpacaBook::cancelTransfer(const QString &accountId, const QString &transferId)
{
    auto it = m_accounts.find(accountId);
    if (it == m_accounts.end())
        return error(401, 40110000, u"request is not authorized"_s);
    for (Transfer &t : it->transfers) {
        if (t.id != transferId)
            continue;
        if (t.status != TransferStatus::Queued)
            return error(422, kUnprocessable, u"transfer is not cancelable"_s);
        t.status = TransferStatus::Canceled;
        t.updatedAt = stamp();
        return {204, QJsonValue(QJsonValue::Undefined)};
    }
    return error(404, kNotFound, u"transfer not found"_s);
}

FakeAlpacaBook::Reply FakeAlpacaBook::assets(const QUrlQuery &query) const
{
    const QString status = query.queryItemValue(u"status"_s).toLower();
    const QString assetClass = query.queryItemValue(u"asset_class"_s);
    QJsonArray out;
    for (const Asset &a : m_assets) {
        if (!status.isEmpty() && a.status != status)
            continue;
        if (!assetClass.isEmpty() && a.assetClass != assetClass)
            continue;
        out.append(a.toJson());
    }
    return ok(out);
}

FakeAlpacaBook::Reply FakeAlpacaBook::asset(const QString &symbolOrId) const
{
    if (const Asset *a = findAsset(symbolOrId))
        return ok(a->toJson());
    return error(404, kNotFound, u"asset not found for %1"_s.arg(symbolOrId));
}

} // namespace clera::fake
