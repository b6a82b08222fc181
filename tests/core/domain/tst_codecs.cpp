#include "codectestutils.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using clera::test::dec;
using clera::test::object;
using clera::test::ts;
namespace payloads = clera::test::payloads;

Q_DECLARE_METATYPE(clera::OrderRequest)
Q_DECLARE_METATYPE(clera::TransferRequest)
Q_DECLARE_METATYPE(clera::PositionSide)

class TestCodecs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tradeAccount();
    void minimalTradeAccount();
    void accountNumber_data();
    void accountNumber();
    void brokerAccountIsNotATradeAccount();
    void position();
    void shortPositionWithNumbers();
    void positionSideFallsBackToQtySign_data();
    void positionSideFallsBackToQtySign();
    void order();
    void filledLimitOrderWithNumbers();
    void bracketOrderLegs();
    void multiLegParent();
    void orderTypeFromDeprecatedField();
    void transfer();
    void wireTransfer();
    void assets();
    void sparseAsset();
    void orderRequestFromClient();
    void orderRequestToJson_data();
    void orderRequestToJson();
    void transferRequestToJson_data();
    void transferRequestToJson();
};

void TestCodecs::tradeAccount()
{
    const auto a = Account::fromJson(object(payloads::tradeAccount));
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->id, u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s);
    QCOMPARE(a->accountNumber, u"904112233"_s);
    QCOMPARE(a->status, AccountStatus::Active);
    QCOMPARE(a->cryptoStatus, std::optional(AccountStatus::Inactive));
    QCOMPARE(a->currency, u"USD"_s);
    QCOMPARE(a->cash, dec(u"1032.55"));
    QCOMPARE(a->cashWithdrawable, std::optional(dec(u"1032.55")));
    QCOMPARE(a->cashTransferable, std::optional(dec(u"1000")));
    QCOMPARE(a->buyingPower, dec(u"2065.10"));
    QCOMPARE(a->regtBuyingPower, std::optional(dec(u"2065.1")));
    QCOMPARE(a->daytradingBuyingPower, std::optional(Decimal()));
    QCOMPARE(a->nonMarginableBuyingPower, std::optional(dec(u"1032.55")));
    QCOMPARE(a->equity, dec(u"2057.55"));
    QCOMPARE(a->lastEquity, dec(u"2050.10"));
    QCOMPARE(a->portfolioValue, std::optional(dec(u"2057.55")));
    QCOMPARE(a->longMarketValue, std::optional(dec(u"1025")));
    QCOMPARE(a->shortMarketValue, std::optional(Decimal()));
    QCOMPARE(a->initialMargin, std::optional(dec(u"512.5")));
    QCOMPARE(a->maintenanceMargin, std::optional(dec(u"307.5")));
    QCOMPARE(a->lastMaintenanceMargin, std::optional(dec(u"306")));
    QCOMPARE(a->sma, std::optional(Decimal()));
    QCOMPARE(a->accruedFees, std::optional(Decimal()));
    QCOMPARE(a->pendingTransferIn, std::optional(Decimal()));
    QCOMPARE(a->pendingTransferOut, std::optional(Decimal()));
    QCOMPARE(a->multiplier, std::optional(Decimal(2)));
    QCOMPARE(a->patternDayTrader, std::optional(false));
    QCOMPARE(a->daytradeCount, std::optional<qint64>(0));
    QCOMPARE(a->tradingBlocked, std::optional(false));
    QCOMPARE(a->transfersBlocked, std::optional(false));
    QCOMPARE(a->accountBlocked, std::optional(false));
    QCOMPARE(a->tradeSuspendedByUser, std::optional(false));
    QCOMPARE(a->shortingEnabled, std::optional(true));
    QCOMPARE(a->createdAt, ts(u"2026-01-05T15:04:07.118233Z"));
    QCOMPARE(a->previousClose, std::optional(ts(u"2026-01-02T21:00:00Z")));
}

void TestCodecs::minimalTradeAccount()
{
    const auto a = Account::fromJson(object(payloads::minimalTradeAccount));
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->accountNumber, QString());
    QCOMPARE(a->status, AccountStatus::Submitted);
    QCOMPARE(a->cryptoStatus, std::nullopt);
    QCOMPARE(a->cash, Decimal());
    QCOMPARE(a->equity, Decimal());
    QCOMPARE(a->patternDayTrader, std::nullopt);
    QCOMPARE(a->daytradeCount, std::nullopt);
    QCOMPARE(a->multiplier, std::nullopt);
    QCOMPARE(a->previousClose, std::nullopt);
    QCOMPARE(a->shortingEnabled, std::nullopt);
}

void TestCodecs::accountNumber_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::addRow("number") << QJsonValue(u"904112233"_s) << u"904112233"_s;
    QTest::addRow("empty string") << QJsonValue(u""_s) << QString();
    QTest::addRow("null") << QJsonValue(QJsonValue::Null) << QString();
}

void TestCodecs::accountNumber()
{
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    const auto a =
        Account::fromJson(test::withField(object(payloads::tradeAccount), u"account_number"_s, value));
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->accountNumber, expected);
    QCOMPARE(a->toJson().value(u"account_number"), QJsonValue(expected));
}

void TestCodecs::brokerAccountIsNotATradeAccount()
{
    const auto a = Account::fromJson(object(payloads::brokerAccount));
    QVERIFY(!a);
    QCOMPARE(a.error().path, u"cash"_s);
    QCOMPARE(a.error().message, u"is missing"_s);
}

void TestCodecs::position()
{
    const auto p = Position::fromJson(object(payloads::position));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->assetId, u"5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c"_s);
    QCOMPARE(p->symbol, u"MSFT"_s);
    QCOMPARE(p->exchange, u"NASDAQ"_s);
    QCOMPARE(p->assetClass, u"us_equity"_s);
    QCOMPARE(p->assetMarginable, std::optional(true));
    QCOMPARE(p->qty, dec(u"2.5"));
    QCOMPARE(p->qtyAvailable, std::optional(dec(u"2.5")));
    QCOMPARE(p->avgEntryPrice, dec(u"400"));
    QCOMPARE(p->side, PositionSide::Long);
    QCOMPARE(p->marketValue, std::optional(dec(u"1025")));
    QCOMPARE(p->costBasis, dec(u"1000"));
    QCOMPARE(p->unrealizedPl, std::optional(dec(u"25")));
    QCOMPARE(p->unrealizedPlpc, std::optional(dec(u"0.025")));
    QCOMPARE(p->unrealizedIntradayPl, std::optional(dec(u"5")));
    QCOMPARE(p->unrealizedIntradayPlpc, std::optional(dec(u"0.0049")));
    QCOMPARE(p->currentPrice, std::optional(dec(u"410")));
    QCOMPARE(p->lastdayPrice, std::optional(dec(u"408")));
    QCOMPARE(p->changeToday, std::optional(dec(u"0.0049")));
    QCOMPARE(p->qty * p->avgEntryPrice, p->costBasis);
}

void TestCodecs::shortPositionWithNumbers()
{
    const auto p = Position::fromJson(object(payloads::shortPosition));
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->assetClass, u"crypto"_s);
    QCOMPARE(p->side, PositionSide::Short);
    QCOMPARE(p->qty, dec(u"-0.38962051"));
    QCOMPARE(p->avgEntryPrice, dec(u"97123.5"));
    QCOMPARE(p->costBasis, dec(u"-37841.93"));
    QCOMPARE(p->currentPrice, std::optional(dec(u"97200")));
    QCOMPARE(p->assetMarginable, std::nullopt);
    QCOMPARE(p->qtyAvailable, std::nullopt);
    QCOMPARE(p->marketValue, std::nullopt);
    QCOMPARE(p->unrealizedPl, std::nullopt);
    QCOMPARE(p->toJson().value(u"qty"), QJsonValue(u"-0.38962051"_s));
    QCOMPARE(p->toJson().value(u"side"), QJsonValue(u"short"_s));
}

void TestCodecs::positionSideFallsBackToQtySign_data()
{
    QTest::addColumn<QString>("side");
    QTest::addColumn<QString>("qty");
    QTest::addColumn<PositionSide>("expected");
    QTest::addRow("upper case long") << u"LONG"_s << u"1"_s << PositionSide::Long;
    QTest::addRow("unknown, negative qty") << u"borrowed"_s << u"-3"_s << PositionSide::Short;
    QTest::addRow("unknown, positive qty") << u"borrowed"_s << u"3"_s << PositionSide::Long;
    QTest::addRow("empty, negative qty") << QString() << u"-0.5"_s << PositionSide::Short;
}

void TestCodecs::positionSideFallsBackToQtySign()
{
    QFETCH(QString, side);
    QFETCH(QString, qty);
    QFETCH(PositionSide, expected);
    QJsonObject json = object(payloads::position);
    json.insert(u"side"_s, side);
    json.insert(u"qty"_s, qty);
    const auto p = Position::fromJson(json);
    QVERIFY2(p, qPrintable(p ? QString() : p.error().toString()));
    QCOMPARE(p->side, expected);
}

void TestCodecs::order()
{
    const auto o = Order::fromJson(object(payloads::order));
    QVERIFY2(o, qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(o->id, u"c0ffee00-1234-4abc-9def-0123456789ab"_s);
    QCOMPARE(o->clientOrderId, u"app-9f2e7c"_s);
    QCOMPARE(o->createdAt, ts(u"2026-01-06T14:31:02.51874Z"));
    QCOMPARE(o->updatedAt, std::optional(ts(u"2026-01-06T14:31:02.55102Z")));
    QCOMPARE(o->submittedAt, std::optional(ts(u"2026-01-06T14:31:02.50922Z")));
    QCOMPARE(o->filledAt, std::nullopt);
    QCOMPARE(o->expiredAt, std::nullopt);
    QCOMPARE(o->canceledAt, std::nullopt);
    QCOMPARE(o->failedAt, std::nullopt);
    QCOMPARE(o->replacedAt, std::nullopt);
    QCOMPARE(o->replacedBy, QString());
    QCOMPARE(o->replaces, QString());
    QCOMPARE(o->assetId, u"5c1d7e2a-0b3f-4a61-9e27-6c4d8f1a2b3c"_s);
    QCOMPARE(o->symbol, u"MSFT"_s);
    QCOMPARE(o->assetClass, u"us_equity"_s);
    QCOMPARE(o->notional, std::optional(Decimal(50)));
    QCOMPARE(o->qty, std::nullopt);
    QCOMPARE(o->filledQty, Decimal());
    QCOMPARE(o->filledAvgPrice, std::nullopt);
    QCOMPARE(o->orderClass, OrderClass::Simple);
    QCOMPARE(o->type, OrderType::Market);
    QCOMPARE(o->side, OrderSide::Buy);
    QCOMPARE(o->positionIntent, u"buy_to_open"_s);
    QCOMPARE(o->timeInForce, TimeInForce::Day);
    QCOMPARE(o->limitPrice, std::nullopt);
    QCOMPARE(o->stopPrice, std::nullopt);
    QCOMPARE(o->status, OrderStatus::Accepted);
    QVERIFY(!isTerminal(o->status));
    QCOMPARE(o->extendedHours, false);
    QVERIFY(o->legs.empty());
    QCOMPARE(o->trailPercent, std::nullopt);
    QCOMPARE(o->trailPrice, std::nullopt);
    QCOMPARE(o->hwm, std::nullopt);
    QCOMPARE(o->commission, std::optional(Decimal()));
}

void TestCodecs::filledLimitOrderWithNumbers()
{
    const auto o = Order::fromJson(object(payloads::filledLimitOrder));
    QVERIFY2(o, qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(o->orderClass, OrderClass::Simple);
    QCOMPARE(o->type, OrderType::Limit);
    QCOMPARE(o->side, OrderSide::Sell);
    QCOMPARE(o->timeInForce, TimeInForce::Gtc);
    QCOMPARE(o->status, OrderStatus::Filled);
    QVERIFY(isTerminal(o->status));
    QCOMPARE(o->qty, std::optional(Decimal(1)));
    QCOMPARE(o->filledQty, Decimal(1));
    QCOMPARE(o->filledAvgPrice, std::optional(dec(u"120.5")));
    QCOMPARE(o->limitPrice, std::optional(dec(u"120.5")));
    QCOMPARE(o->commission, std::optional(dec(u"1.25")));
    QCOMPARE(o->filledAt, std::optional(ts(u"2021-03-16T18:38:02.208Z")));
    QCOMPARE(o->extendedHours, true);
    QCOMPARE(o->positionIntent, QString());
    QCOMPARE(o->replacedBy, QString());
    QCOMPARE(o->notional, std::nullopt);
    QCOMPARE(o->toJson().value(u"order_class"), QJsonValue(u"simple"_s));
    QCOMPARE(o->toJson().value(u"commission"), QJsonValue(u"1.25"_s));
}

void TestCodecs::bracketOrderLegs()
{
    const auto o = Order::fromJson(object(payloads::bracketOrder));
    QVERIFY2(o, qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(o->orderClass, OrderClass::Bracket);
    QCOMPARE(o->updatedAt, std::nullopt);
    QCOMPARE(o->legs.size(), std::size_t(2));
    const Order &takeProfit = o->legs[0];
    QCOMPARE(takeProfit.clientOrderId, u"bracket-1-tp"_s);
    QCOMPARE(takeProfit.type, OrderType::Limit);
    QCOMPARE(takeProfit.side, OrderSide::Sell);
    QCOMPARE(takeProfit.limitPrice, std::optional(Decimal(440)));
    QCOMPARE(takeProfit.status, OrderStatus::Held);
    QCOMPARE(takeProfit.assetClass, u"us_equity"_s);
    QVERIFY(takeProfit.legs.empty());
    const Order &stopLoss = o->legs[1];
    QCOMPARE(stopLoss.type, OrderType::StopLimit);
    QCOMPARE(stopLoss.stopPrice, std::optional(Decimal(380)));
    QCOMPARE(stopLoss.limitPrice, std::optional(dec(u"379.5")));
    QCOMPARE(stopLoss.extendedHours, false);

    const QJsonArray legs = o->toJson().value(u"legs").toArray();
    QCOMPARE(legs.size(), 2);
    QCOMPARE(legs.at(1).toObject().value(u"stop_price"), QJsonValue(u"380"_s));
    QVERIFY(legs.at(0).toObject().value(u"legs").isNull());
}

void TestCodecs::multiLegParent()
{
    QJsonObject json = object(payloads::order);
    json.insert(u"order_class"_s, u"mleg"_s);
    json.insert(u"symbol"_s, QString());
    json.insert(u"side"_s, QJsonValue::Null);
    json.insert(u"legs"_s, QJsonArray{object(payloads::order), object(payloads::order)});
    const auto o = Order::fromJson(json);
    QVERIFY2(o, qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(o->orderClass, OrderClass::Mleg);
    QCOMPARE(o->side, OrderSide::Unknown);
    QCOMPARE(o->symbol, QString());
    QCOMPARE(o->legs.size(), std::size_t(2));
    QCOMPARE(o->legs[1].side, OrderSide::Buy);
    QVERIFY(o->toJson().value(u"side").isNull());
    json.remove(u"symbol"_s);
    json.remove(u"side"_s);
    QVERIFY(Order::fromJson(json));
}

void TestCodecs::orderTypeFromDeprecatedField()
{
    QJsonObject json = object(payloads::order);
    json.remove(u"type"_s);
    json.insert(u"order_type"_s, u"trailing_stop"_s);
    auto o = Order::fromJson(json);
    QVERIFY2(o, qPrintable(o ? QString() : o.error().toString()));
    QCOMPARE(o->type, OrderType::TrailingStop);
    json.insert(u"type"_s, u"stop"_s);
    o = Order::fromJson(json);
    QVERIFY(o);
    QCOMPARE(o->type, OrderType::Stop);
}

void TestCodecs::transfer()
{
    const auto t = Transfer::fromJson(object(payloads::transfer));
    QVERIFY2(t, qPrintable(t ? QString() : t.error().toString()));
    QCOMPARE(t->id, u"0e9d8c7b-6a54-4321-8fed-cba987654321"_s);
    QCOMPARE(t->relationshipId, u"11112222-3333-4444-5555-666677778888"_s);
    QCOMPARE(t->bankId, QString());
    QCOMPARE(t->accountId, u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s);
    QCOMPARE(t->type, TransferType::Ach);
    QCOMPARE(t->status, TransferStatus::Queued);
    QVERIFY(!isTerminal(t->status));
    QCOMPARE(t->currency, QString());
    QCOMPARE(t->reason, QString());
    QCOMPARE(t->amount, Decimal(250));
    QCOMPARE(t->instantAmount, std::nullopt);
    QCOMPARE(t->requestedAmount, std::optional(Decimal(250)));
    QCOMPARE(t->fee, std::optional(Decimal()));
    QCOMPARE(t->feePaymentMethod, u"invoice"_s);
    QCOMPARE(t->direction, TransferDirection::Incoming);
    QCOMPARE(t->createdAt, ts(u"2026-01-06T16:00:01.20311Z"));
    QCOMPARE(t->updatedAt, std::optional(ts(u"2026-01-06T16:00:01.20311Z")));
    QCOMPARE(t->expiresAt, std::optional(ts(u"2026-01-13T16:00:01.20299Z")));
    QCOMPARE(t->holdUntil, std::nullopt);
    QCOMPARE(t->additionalInformation, QString());
}

void TestCodecs::wireTransfer()
{
    const auto t = Transfer::fromJson(object(payloads::wireTransfer));
    QVERIFY2(t, qPrintable(t ? QString() : t.error().toString()));
    QCOMPARE(t->type, TransferType::Wire);
    QCOMPARE(t->status, TransferStatus::Returned);
    QVERIFY(isTerminal(t->status));
    QCOMPARE(t->direction, TransferDirection::Outgoing);
    QCOMPARE(t->relationshipId, QString());
    QCOMPARE(t->bankId, u"b7a1e0c2-3333-4444-5555-666677778888"_s);
    QCOMPARE(t->currency, u"USD"_s);
    QCOMPARE(t->reason, u"account closed at receiving bank"_s);
    QCOMPARE(t->amount, Decimal(1000));
    QCOMPARE(t->instantAmount, std::optional(Decimal()));
    QCOMPARE(t->requestedAmount, std::optional(Decimal(1025)));
    QCOMPARE(t->fee, std::optional(Decimal(25)));
    QCOMPARE(t->updatedAt, std::optional(ts(u"2026-01-07T15:00:00.5Z")));
    QCOMPARE(t->expiresAt, std::nullopt);
    QCOMPARE(t->holdUntil, std::optional(ts(u"2026-01-08T16:00:00Z")));
    QCOMPARE(t->additionalInformation, u"/fixtures/status=REJECTED/fixtures/"_s);
}

void TestCodecs::assets()
{
    const auto a = Asset::fromJson(object(payloads::asset));
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->id, u"b0b6dd9d-8b9b-48a9-ba46-b9d54906e415"_s);
    QCOMPARE(a->assetClass, u"us_equity"_s);
    QCOMPARE(a->exchange, u"NASDAQ"_s);
    QCOMPARE(a->symbol, u"AAPL"_s);
    QCOMPARE(a->name, u"Apple Inc. Common Stock"_s);
    QCOMPARE(a->status, u"active"_s);
    QVERIFY(a->tradable && a->marginable && a->shortable && a->easyToBorrow && a->fractionable);
    QCOMPARE(a->maintenanceMarginRequirement, std::optional(Decimal(30)));
    QCOMPARE(a->minOrderSize, std::nullopt);
    QCOMPARE(a->attributes, (QStringList{u"has_options"_s, u"overnight_tradable"_s}));

    const auto c = Asset::fromJson(object(payloads::cryptoAsset));
    QVERIFY2(c, qPrintable(c ? QString() : c.error().toString()));
    QCOMPARE(c->assetClass, u"crypto"_s);
    QCOMPARE(c->symbol, u"BTC/USD"_s);
    QVERIFY(!c->marginable && !c->shortable && !c->easyToBorrow && c->fractionable);
    QCOMPARE(c->minOrderSize, std::optional(dec(u"0.000044966")));
    QCOMPARE(c->minTradeIncrement, std::optional(dec(u"0.000000001")));
    QCOMPARE(c->priceIncrement, std::optional(Decimal(1)));
    QVERIFY(c->attributes.isEmpty());
}

void TestCodecs::sparseAsset()
{
    const auto a = Asset::fromJson(object(payloads::sparseAsset));
    QVERIFY2(a, qPrintable(a ? QString() : a.error().toString()));
    QCOMPARE(a->exchange, QString());
    QCOMPARE(a->name, QString());
    QCOMPARE(a->status, u"inactive"_s);
    QVERIFY(!a->tradable && !a->marginable && !a->shortable && !a->easyToBorrow && !a->fractionable);
    QCOMPARE(a->maintenanceMarginRequirement, std::nullopt);
    QVERIFY(a->attributes.isEmpty());
    QCOMPARE(a->toJson().value(u"attributes"), QJsonValue(QJsonArray()));
}

void TestCodecs::orderRequestFromClient()
{
    const auto r = OrderRequest::fromJson(object(R"({"symbol": "AAPL", "qty": 0.123456789, "side": "sell",
        "type": "stop_limit", "time_in_force": "gtc", "limit_price": 187.31, "stop_price": "187.3456",
        "extended_hours": false, "client_order_id": "c-1", "order_class": "bracket",
        "take_profit": {"limit_price": "200"}, "stop_loss": {"stop_price": 180, "limit_price": "179.99"}})"));
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(r->symbol, u"AAPL"_s);
    QCOMPARE(r->qty, std::optional(dec(u"0.123456789")));
    QCOMPARE(r->notional, std::nullopt);
    QCOMPARE(r->side, OrderSide::Sell);
    QCOMPARE(r->type, OrderType::StopLimit);
    QCOMPARE(r->timeInForce, TimeInForce::Gtc);
    QCOMPARE(r->limitPrice, std::optional(dec(u"187.31")));
    QCOMPARE(r->stopPrice, std::optional(dec(u"187.3456")));
    QCOMPARE(r->clientOrderId, u"c-1"_s);
    QCOMPARE(r->orderClass, OrderClass::Bracket);
    QCOMPARE(r->takeProfitLimitPrice, std::optional(Decimal(200)));
    QCOMPARE(r->stopLossStopPrice, std::optional(Decimal(180)));
    QCOMPARE(r->stopLossLimitPrice, std::optional(dec(u"179.99")));

    const auto minimal = OrderRequest::fromJson(object(payloads::orderRequest));
    QVERIFY(minimal);
    QCOMPARE(minimal->notional, std::optional(Decimal(50)));
    QCOMPARE(minimal->orderClass, OrderClass::Simple);
    QCOMPARE(minimal->extendedHours, false);
    QCOMPARE(minimal->clientOrderId, QString());
    QCOMPARE(minimal->takeProfitLimitPrice, std::nullopt);
}

void TestCodecs::orderRequestToJson_data()
{
    QTest::addColumn<OrderRequest>("request");
    QTest::addColumn<QByteArray>("expected");

    OrderRequest market;
    market.symbol = u"MSFT"_s;
    market.notional = Decimal(50);
    QTest::addRow("notional market") << market << payloads::orderRequest;

    OrderRequest limit;
    limit.symbol = u"AAPL"_s;
    limit.qty = dec(u"0.123456789");
    limit.side = OrderSide::Sell;
    limit.type = OrderType::Limit;
    limit.limitPrice = dec(u"187.3100");
    limit.extendedHours = true;
    limit.clientOrderId = u"app-9f2e7c"_s;
    QTest::addRow("extended-hours limit") << limit << QByteArray(R"({"symbol": "AAPL", "qty": "0.123456789",
        "side": "sell", "type": "limit", "time_in_force": "day", "limit_price": "187.31",
        "extended_hours": true, "client_order_id": "app-9f2e7c"})");

    OrderRequest bracket;
    bracket.symbol = u"MSFT"_s;
    bracket.qty = Decimal(10);
    bracket.type = OrderType::Limit;
    bracket.timeInForce = TimeInForce::Gtc;
    bracket.limitPrice = Decimal(400);
    bracket.orderClass = OrderClass::Bracket;
    bracket.takeProfitLimitPrice = Decimal(440);
    bracket.stopLossStopPrice = Decimal(380);
    bracket.stopLossLimitPrice = dec(u"379.5");
    QTest::addRow("bracket") << bracket << QByteArray(R"({"symbol": "MSFT", "qty": "10", "side": "buy",
        "type": "limit", "time_in_force": "gtc", "limit_price": "400", "order_class": "bracket",
        "take_profit": {"limit_price": "440"}, "stop_loss": {"stop_price": "380", "limit_price": "379.5"}})");

    OrderRequest trailing;
    trailing.symbol = u"TSLA"_s;
    trailing.qty = Decimal(3);
    trailing.side = OrderSide::Sell;
    trailing.type = OrderType::TrailingStop;
    trailing.timeInForce = TimeInForce::Gtc;
    trailing.trailPercent = dec(u"2.5");
    QTest::addRow("trailing stop") << trailing << QByteArray(R"({"symbol": "TSLA", "qty": "3", "side": "sell",
        "type": "trailing_stop", "time_in_force": "gtc", "trail_percent": "2.5"})");

    OrderRequest oto;
    oto.symbol = u"SPY"_s;
    oto.qty = Decimal(1);
    oto.type = OrderType::Stop;
    oto.timeInForce = TimeInForce::Opg;
    oto.stopPrice = dec(u"0.000000001");
    oto.trailPrice = dec(u"1.5");
    oto.orderClass = OrderClass::Oto;
    oto.stopLossStopPrice = Decimal(5);
    QTest::addRow("oto, stop loss without limit") << oto << QByteArray(R"({"symbol": "SPY", "qty": "1",
        "side": "buy", "type": "stop", "time_in_force": "opg", "stop_price": "0.000000001",
        "trail_price": "1.5", "order_class": "oto", "stop_loss": {"stop_price": "5"}})");
}

void TestCodecs::orderRequestToJson()
{
    QFETCH(OrderRequest, request);
    QFETCH(QByteArray, expected);
    const QJsonObject json = request.toJson();
    QCOMPARE(QJsonDocument(json).toJson(QJsonDocument::Compact),
             QJsonDocument(object(expected)).toJson(QJsonDocument::Compact));
    const auto back = OrderRequest::fromJson(json);
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QVERIFY(*back == request);
}

void TestCodecs::transferRequestToJson_data()
{
    QTest::addColumn<TransferRequest>("request");
    QTest::addColumn<QByteArray>("expected");

    TransferRequest ach;
    ach.relationshipId = u"11112222-3333-4444-5555-666677778888"_s;
    ach.amount = dec(u"250.00");
    QTest::addRow("ach deposit") << ach << QByteArray(R"({"transfer_type": "ach",
        "relationship_id": "11112222-3333-4444-5555-666677778888", "amount": "250",
        "direction": "INCOMING", "timing": "immediate"})");

    TransferRequest wire;
    wire.transferType = TransferType::Wire;
    wire.bankId = u"b7a1e0c2-3333-4444-5555-666677778888"_s;
    wire.amount = dec(u"1000.5");
    wire.direction = TransferDirection::Outgoing;
    wire.feePaymentMethod = u"user"_s;
    wire.additionalInformation = u"/fixtures/status=REJECTED/fixtures/"_s;
    QTest::addRow("wire withdrawal") << wire << QByteArray(R"({"transfer_type": "wire",
        "bank_id": "b7a1e0c2-3333-4444-5555-666677778888", "amount": "1000.5", "direction": "OUTGOING",
        "timing": "immediate", "fee_payment_method": "user",
        "additional_information": "/fixtures/status=REJECTED/fixtures/"})");

    TransferRequest noTiming;
    noTiming.relationshipId = u"r"_s;
    noTiming.amount = dec(u"0.01");
    noTiming.direction = TransferDirection::Outgoing;
    noTiming.timing.clear();
    QTest::addRow("empty timing omitted") << noTiming << QByteArray(R"({"transfer_type": "ach",
        "relationship_id": "r", "amount": "0.01", "direction": "OUTGOING"})");
}

void TestCodecs::transferRequestToJson()
{
    QFETCH(TransferRequest, request);
    QFETCH(QByteArray, expected);
    const QJsonObject json = request.toJson();
    QCOMPARE(QJsonDocument(json).toJson(QJsonDocument::Compact),
             QJsonDocument(object(expected)).toJson(QJsonDocument::Compact));
    const auto back = TransferRequest::fromJson(json);
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QVERIFY(*back == request);
}

QTEST_GUILESS_MAIN(TestCodecs)
#include "tst_codecs.moc"
