#include "codectestutils.h"

#include <QTest>

#include <initializer_list>
#include <utility>

using namespace Qt::StringLiterals;
using namespace clera;
using clera::test::dec;
using clera::test::object;
using clera::test::ts;
namespace payloads = clera::test::payloads;

// Enum ↔ wire-name conversions, tolerance of unknown values, and what toJson writes.
class TestCodecsWire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enums_data();
    void enums();
    void terminalStatuses();
    void unknownEnumsTolerated_data();
    void unknownEnumsTolerated();
    void numbersInsteadOfStrings_data();
    void numbersInsteadOfStrings();
    void absentOptionals_data();
    void absentOptionals();
    void wireFormatMatchesReference_data();
    void wireFormatMatchesReference();
    void wireKeysAndCasing();
    void roundTripPayloads_data();
    void roundTripPayloads();
    void roundTripConstructed();
    void lists();
};

namespace {

template <typename E>
void addEnumRows(const char *family, std::initializer_list<std::pair<E, QStringView>> rows)
{
    for (const auto &[value, wire] : rows)
        QTest::addRow("%s %s", family, qPrintable(wire.toString()))
            << QString::fromLatin1(family) << wire.toString() << int(value) << wire.toString();
}

template <typename E> std::pair<int, QString> throughWire(E value)
{
    return {int(value), toWire(value)};
}

// Decodes `wire` as the named enum family, then prints the result back.
std::pair<int, QString> throughWire(QStringView family, QStringView wire)
{
    if (family == u"orderSide")
        return throughWire(orderSideFromWire(wire));
    if (family == u"orderType")
        return throughWire(orderTypeFromWire(wire));
    if (family == u"timeInForce")
        return throughWire(timeInForceFromWire(wire));
    if (family == u"orderClass")
        return throughWire(orderClassFromWire(wire));
    if (family == u"orderStatus")
        return throughWire(orderStatusFromWire(wire));
    if (family == u"accountStatus")
        return throughWire(accountStatusFromWire(wire));
    if (family == u"transferType")
        return throughWire(transferTypeFromWire(wire));
    if (family == u"transferDirection")
        return throughWire(transferDirectionFromWire(wire));
    if (family == u"transferStatus")
        return throughWire(transferStatusFromWire(wire));
    if (family == u"positionSide") {
        const auto side = positionSideFromWire(wire);
        return side ? throughWire(*side) : std::pair{-1, QString()};
    }
    qFatal("unknown enum family");
}

// Equal on the wire: the same JSON, or the same decimal / instant in another spelling.
bool sameOnWire(const QJsonValue &sent, const QJsonValue &written)
{
    if (sent == written)
        return true;
    if (!written.isString())
        return false;
    if (sent.isDouble()) {
        const auto a = Decimal::fromDouble(sent.toDouble());
        const auto b = Decimal::parse(written.toString());
        return a && b && *a == *b;
    }
    if (!sent.isString())
        return false;
    if (const auto a = Decimal::parse(sent.toString()), b = Decimal::parse(written.toString()); a && b)
        return *a == *b;
    const auto a = Timestamp::parse(sent.toString()), b = Timestamp::parse(written.toString());
    return a && b && *a == *b;
}

QString compact(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact));
}

template <typename T> void checkRoundTrip(const QJsonObject &json)
{
    const auto first = T::fromJson(json);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().toString()));
    const QJsonObject written = first->toJson();
    const auto second = T::fromJson(written);
    QVERIFY2(second, qPrintable(second ? QString() : second.error().toString()));
    QCOMPARE(QJsonDocument(second->toJson()).toJson(), QJsonDocument(written).toJson());
    QVERIFY(*second == *first);
}

void checkRoundTrip(QStringView kind, const QJsonObject &json)
{
    if (kind == u"asset")
        checkRoundTrip<Asset>(json);
    else if (kind == u"position")
        checkRoundTrip<Position>(json);
    else if (kind == u"order")
        checkRoundTrip<Order>(json);
    else if (kind == u"orderRequest")
        checkRoundTrip<OrderRequest>(json);
    else if (kind == u"account")
        checkRoundTrip<Account>(json);
    else if (kind == u"transfer")
        checkRoundTrip<Transfer>(json);
    else if (kind == u"transferRequest")
        checkRoundTrip<TransferRequest>(json);
    else
        qFatal("unknown codec kind");
}

template <typename T> void checkValueRoundTrip(const T &value)
{
    const QJsonObject json = value.toJson();
    const auto back = T::fromJson(json);
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QCOMPARE(QJsonDocument(back->toJson()).toJson(), QJsonDocument(json).toJson());
    QVERIFY(*back == value);
}

} // namespace

void TestCodecsWire::enums_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("wire");
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("canonical");

    addEnumRows<OrderSide>("orderSide", {{OrderSide::Buy, u"buy"}, {OrderSide::Sell, u"sell"}});
    addEnumRows<OrderType>("orderType", {{OrderType::Market, u"market"},
                                         {OrderType::Limit, u"limit"},
                                         {OrderType::Stop, u"stop"},
                                         {OrderType::StopLimit, u"stop_limit"},
                                         {OrderType::TrailingStop, u"trailing_stop"}});
    addEnumRows<TimeInForce>("timeInForce", {{TimeInForce::Day, u"day"},
                                             {TimeInForce::Gtc, u"gtc"},
                                             {TimeInForce::Opg, u"opg"},
                                             {TimeInForce::Cls, u"cls"},
                                             {TimeInForce::Ioc, u"ioc"},
                                             {TimeInForce::Fok, u"fok"}});
    addEnumRows<OrderClass>("orderClass", {{OrderClass::Simple, u"simple"},
                                           {OrderClass::Bracket, u"bracket"},
                                           {OrderClass::Oco, u"oco"},
                                           {OrderClass::Oto, u"oto"},
                                           {OrderClass::Mleg, u"mleg"}});
    addEnumRows<OrderStatus>("orderStatus", {{OrderStatus::New, u"new"},
                                             {OrderStatus::PartiallyFilled, u"partially_filled"},
                                             {OrderStatus::Filled, u"filled"},
                                             {OrderStatus::DoneForDay, u"done_for_day"},
                                             {OrderStatus::Canceled, u"canceled"},
                                             {OrderStatus::Expired, u"expired"},
                                             {OrderStatus::Replaced, u"replaced"},
                                             {OrderStatus::PendingCancel, u"pending_cancel"},
                                             {OrderStatus::PendingReplace, u"pending_replace"},
                                             {OrderStatus::Accepted, u"accepted"},
                                             {OrderStatus::PendingNew, u"pending_new"},
                                             {OrderStatus::AcceptedForBidding, u"accepted_for_bidding"},
                                             {OrderStatus::Stopped, u"stopped"},
                                             {OrderStatus::Rejected, u"rejected"},
                                             {OrderStatus::Suspended, u"suspended"},
                                             {OrderStatus::Calculated, u"calculated"},
                                             {OrderStatus::Held, u"held"}});
    addEnumRows<AccountStatus>("accountStatus", {{AccountStatus::Onboarding, u"ONBOARDING"},
                                                 {AccountStatus::Submitted, u"SUBMITTED"},
                                                 {AccountStatus::Resubmitted, u"RESUBMITTED"},
                                                 {AccountStatus::SubmissionFailed, u"SUBMISSION_FAILED"},
                                                 {AccountStatus::ActionRequired, u"ACTION_REQUIRED"},
                                                 {AccountStatus::Edited, u"EDITED"},
                                                 {AccountStatus::AccountUpdated, u"ACCOUNT_UPDATED"},
                                                 {AccountStatus::ApprovalPending, u"APPROVAL_PENDING"},
                                                 {AccountStatus::ReapprovalPending, u"REAPPROVAL_PENDING"},
                                                 {AccountStatus::SignedUp, u"SIGNED_UP"},
                                                 {AccountStatus::KycSubmitted, u"KYC_SUBMITTED"},
                                                 {AccountStatus::Limited, u"LIMITED"},
                                                 {AccountStatus::AmlReview, u"AML_REVIEW"},
                                                 {AccountStatus::Approved, u"APPROVED"},
                                                 {AccountStatus::Rejected, u"REJECTED"},
                                                 {AccountStatus::Active, u"ACTIVE"},
                                                 {AccountStatus::Disabled, u"DISABLED"},
                                                 {AccountStatus::DisablePending, u"DISABLE_PENDING"},
                                                 {AccountStatus::AccountClosed, u"ACCOUNT_CLOSED"},
                                                 {AccountStatus::PaperOnly, u"PAPER_ONLY"},
                                                 {AccountStatus::Inactive, u"INACTIVE"}});
    addEnumRows<TransferType>("transferType", {{TransferType::Ach, u"ach"}, {TransferType::Wire, u"wire"}});
    addEnumRows<TransferDirection>("transferDirection", {{TransferDirection::Incoming, u"INCOMING"},
                                                         {TransferDirection::Outgoing, u"OUTGOING"}});
    addEnumRows<TransferStatus>("transferStatus", {{TransferStatus::Queued, u"QUEUED"},
                                                   {TransferStatus::ApprovalPending, u"APPROVAL_PENDING"},
                                                   {TransferStatus::Pending, u"PENDING"},
                                                   {TransferStatus::SentToClearing, u"SENT_TO_CLEARING"},
                                                   {TransferStatus::Approved, u"APPROVED"},
                                                   {TransferStatus::Settled, u"SETTLED"},
                                                   {TransferStatus::Complete, u"COMPLETE"},
                                                   {TransferStatus::Rejected, u"REJECTED"},
                                                   {TransferStatus::Canceled, u"CANCELED"},
                                                   {TransferStatus::Returned, u"RETURNED"},
                                                   {TransferStatus::Expired, u"EXPIRED"}});
    addEnumRows<PositionSide>("positionSide",
                              {{PositionSide::Long, u"long"}, {PositionSide::Short, u"short"}});

    const auto row = [](const char *name, const QString &family, const QString &wire, int value,
                        const QString &canonical) {
        QTest::newRow(name) << family << wire << value << canonical;
    };
    row("decoding ignores case: BUY", u"orderSide"_s, u"BUY"_s, int(OrderSide::Buy), u"buy"_s);
    row("decoding ignores case: active", u"accountStatus"_s, u"active"_s, int(AccountStatus::Active),
        u"ACTIVE"_s);
    row("decoding ignores case: incoming", u"transferDirection"_s, u"incoming"_s,
        int(TransferDirection::Incoming), u"INCOMING"_s);
    row("empty order class is simple", u"orderClass"_s, QString(), int(OrderClass::Simple), u"simple"_s);
    row("unknown side", u"orderSide"_s, u"sell_short"_s, int(OrderSide::Unknown), u"unknown"_s);
    row("empty side", u"orderSide"_s, QString(), int(OrderSide::Unknown), u"unknown"_s);
    row("unknown type", u"orderType"_s, u"market_on_close"_s, int(OrderType::Unknown), u"unknown"_s);
    row("unknown tif", u"timeInForce"_s, u"gtd"_s, int(TimeInForce::Unknown), u"unknown"_s);
    row("unknown class", u"orderClass"_s, u"multileg"_s, int(OrderClass::Unknown), u"unknown"_s);
    row("unknown order status", u"orderStatus"_s, u"restated"_s, int(OrderStatus::Unknown), u"unknown"_s);
    row("unknown account status", u"accountStatus"_s, u"FROZEN"_s, int(AccountStatus::Unknown), u"UNKNOWN"_s);
    row("unknown transfer type", u"transferType"_s, u"rtp"_s, int(TransferType::Unknown), u"unknown"_s);
    row("unknown direction", u"transferDirection"_s, u"SIDEWAYS"_s, int(TransferDirection::Unknown),
        u"UNKNOWN"_s);
    row("unknown transfer status", u"transferStatus"_s, u"HELD"_s, int(TransferStatus::Unknown),
        u"UNKNOWN"_s);
    row("unknown position side", u"positionSide"_s, u"flat"_s, -1, QString());
    row("status with spaces is unknown", u"orderStatus"_s, u" new"_s, int(OrderStatus::Unknown),
        u"unknown"_s);
}

void TestCodecsWire::enums()
{
    QFETCH(QString, family);
    QFETCH(QString, wire);
    QFETCH(int, value);
    QFETCH(QString, canonical);
    const auto [decoded, printed] = throughWire(family, wire);
    QCOMPARE(decoded, value);
    QCOMPARE(printed, canonical);
}

void TestCodecsWire::terminalStatuses()
{
    const QList<OrderStatus> terminalOrders{OrderStatus::Filled, OrderStatus::Canceled, OrderStatus::Expired,
                                            OrderStatus::Rejected, OrderStatus::Replaced};
    for (int i = 0; i <= int(OrderStatus::Unknown); ++i) {
        const auto s = OrderStatus(i);
        QVERIFY2(isTerminal(s) == terminalOrders.contains(s), qPrintable(toWire(s)));
    }
    const QList<TransferStatus> terminalTransfers{TransferStatus::Complete, TransferStatus::Settled,
                                                  TransferStatus::Rejected, TransferStatus::Canceled,
                                                  TransferStatus::Returned, TransferStatus::Expired};
    for (int i = 0; i <= int(TransferStatus::Unknown); ++i) {
        const auto s = TransferStatus(i);
        QVERIFY2(isTerminal(s) == terminalTransfers.contains(s), qPrintable(toWire(s)));
    }
}

void TestCodecsWire::unknownEnumsTolerated_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QJsonValue>("written");

    const auto row = [](const char *name, const QString &kind, const QString &key, const QString &value,
                        const QJsonValue &written) {
        QTest::newRow(name) << kind << key << value << written;
    };
    row("order status", u"order"_s, u"status"_s, u"brand_new_status"_s, u"unknown"_s);
    row("order side", u"order"_s, u"side"_s, u"sell_short"_s, u"unknown"_s);
    row("order type", u"order"_s, u"type"_s, u"market_on_close"_s, u"unknown"_s);
    row("order tif", u"order"_s, u"time_in_force"_s, u"gtd"_s, u"unknown"_s);
    row("order class", u"order"_s, u"order_class"_s, u"multileg"_s, u"unknown"_s);
    row("empty order class", u"order"_s, u"order_class"_s, QString(), u"simple"_s);
    row("account status", u"account"_s, u"status"_s, u"FROZEN"_s, u"UNKNOWN"_s);
    row("crypto status", u"account"_s, u"crypto_status"_s, u"PENDING_KYC"_s, u"UNKNOWN"_s);
    row("empty crypto status", u"account"_s, u"crypto_status"_s, QString(), QJsonValue::Null);
    row("transfer status", u"transfer"_s, u"status"_s, u"HELD"_s, u"UNKNOWN"_s);
    row("transfer type", u"transfer"_s, u"type"_s, u"instant"_s, u"unknown"_s);
    row("transfer direction", u"transfer"_s, u"direction"_s, u"SIDEWAYS"_s, u"UNKNOWN"_s);
    row("request order type", u"orderRequest"_s, u"type"_s, u"market_on_open"_s, u"unknown"_s);
    row("request order class", u"orderRequest"_s, u"order_class"_s, u"strangle"_s, u"unknown"_s);
    row("request transfer type", u"transferRequest"_s, u"transfer_type"_s, u"rtp"_s, u"unknown"_s);
    row("asset status is free text", u"asset"_s, u"status"_s, u"delisted"_s, u"delisted"_s);
}

void TestCodecsWire::unknownEnumsTolerated()
{
    QFETCH(QString, kind);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QJsonValue, written);
    const auto decoded = test::decodeAs(kind, test::withField(test::basePayload(kind), key, value));
    QVERIFY2(!decoded.error, qPrintable(decoded.error ? decoded.error->toString() : QString()));
    QCOMPARE(decoded.reencoded.value(key), written);
}

void TestCodecsWire::numbersInsteadOfStrings_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("number");
    QTest::addColumn<QString>("written");

    const auto row = [](const char *name, const QString &kind, const QString &key, const QByteArray &number,
                        const QString &written) { QTest::newRow(name) << kind << key << number << written; };
    row("order qty integer", u"order"_s, u"qty"_s, "1", u"1"_s);
    row("order qty fraction", u"order"_s, u"qty"_s, "2.5", u"2.5"_s);
    row("order qty 9 digits", u"order"_s, u"qty"_s, "0.123456789", u"0.123456789"_s);
    row("order limit price", u"order"_s, u"limit_price"_s, "187.31", u"187.31"_s);
    row("order commission", u"order"_s, u"commission"_s, "1.25", u"1.25"_s);
    row("order filled qty zero", u"order"_s, u"filled_qty"_s, "0", u"0"_s);
    row("order hwm exponent", u"order"_s, u"hwm"_s, "1.5e2", u"150"_s);
    row("position qty", u"position"_s, u"qty"_s, "2.5", u"2.5"_s);
    row("position negative qty", u"position"_s, u"qty"_s, "-10", u"-10"_s);
    row("position avg entry", u"position"_s, u"avg_entry_price"_s, "400.00", u"400"_s);
    row("position plpc", u"position"_s, u"unrealized_plpc"_s, "0.025", u"0.025"_s);
    row("account cash", u"account"_s, u"cash"_s, "1032.55", u"1032.55"_s);
    row("account buying power", u"account"_s, u"buying_power"_s, "0.1", u"0.1"_s);
    row("account multiplier", u"account"_s, u"multiplier"_s, "4", u"4"_s);
    row("transfer amount", u"transfer"_s, u"amount"_s, "250", u"250"_s);
    row("transfer fee", u"transfer"_s, u"fee"_s, "0.5", u"0.5"_s);
    row("asset margin requirement", u"asset"_s, u"maintenance_margin_requirement"_s, "30", u"30"_s);
    row("asset min order size", u"asset"_s, u"min_order_size"_s, "1e-7", u"0.0000001"_s);
    row("request qty", u"orderRequest"_s, u"qty"_s, "0.123456789", u"0.123456789"_s);
    row("request notional", u"orderRequest"_s, u"notional"_s, "50", u"50"_s);
    row("transfer request amount", u"transferRequest"_s, u"amount"_s, "100.5", u"100.5"_s);
}

void TestCodecsWire::numbersInsteadOfStrings()
{
    QFETCH(QString, kind);
    QFETCH(QString, key);
    QFETCH(QByteArray, number);
    QFETCH(QString, written);
    const QJsonValue value = test::parseValue(number);
    QVERIFY(value.isDouble());
    const auto decoded = test::decodeAs(kind, test::withField(test::basePayload(kind), key, value));
    QVERIFY2(!decoded.error, qPrintable(decoded.error ? decoded.error->toString() : QString()));
    QCOMPARE(decoded.reencoded.value(key), QJsonValue(written));
}

void TestCodecsWire::absentOptionals_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("written"); // undefined: omitted

    const QJsonValue null(QJsonValue::Null);
    const QJsonValue omitted(QJsonValue::Undefined);
    const auto rows = [](const QString &kind, const QStringList &keys, const QJsonValue &written) {
        for (const QString &key : keys)
            QTest::addRow("%s %s", qPrintable(kind), qPrintable(key)) << kind << key << written;
    };
    rows(u"order"_s,
         {u"updated_at"_s, u"submitted_at"_s, u"filled_at"_s,        u"expired_at"_s,      u"canceled_at"_s,
          u"failed_at"_s,  u"replaced_at"_s,  u"replaced_by"_s,      u"replaces"_s,        u"asset_id"_s,
          u"notional"_s,   u"qty"_s,          u"filled_avg_price"_s, u"position_intent"_s, u"limit_price"_s,
          u"stop_price"_s, u"legs"_s,         u"trail_percent"_s,    u"trail_price"_s,     u"hwm"_s,
          u"commission"_s},
         null);
    rows(u"order"_s, {u"order_class"_s}, u"simple"_s);
    rows(u"order"_s, {u"asset_class"_s}, u"us_equity"_s);
    rows(u"order"_s, {u"extended_hours"_s}, false);
    rows(u"order"_s, {u"order_type"_s}, u"market"_s);
    rows(u"position"_s,
         {u"asset_marginable"_s, u"qty_available"_s, u"market_value"_s, u"unrealized_pl"_s,
          u"unrealized_plpc"_s, u"unrealized_intraday_pl"_s, u"unrealized_intraday_plpc"_s,
          u"current_price"_s, u"lastday_price"_s, u"change_today"_s},
         null);
    rows(u"position"_s, {u"exchange"_s}, u""_s);
    rows(u"position"_s, {u"asset_class"_s}, u"us_equity"_s);
    rows(u"account"_s,
         {u"crypto_status"_s,
          u"cash_withdrawable"_s,
          u"cash_transferable"_s,
          u"regt_buying_power"_s,
          u"daytrading_buying_power"_s,
          u"non_marginable_buying_power"_s,
          u"portfolio_value"_s,
          u"long_market_value"_s,
          u"short_market_value"_s,
          u"initial_margin"_s,
          u"maintenance_margin"_s,
          u"last_maintenance_margin"_s,
          u"sma"_s,
          u"accrued_fees"_s,
          u"pending_transfer_in"_s,
          u"pending_transfer_out"_s,
          u"multiplier"_s,
          u"pattern_day_trader"_s,
          u"daytrade_count"_s,
          u"trading_blocked"_s,
          u"transfers_blocked"_s,
          u"account_blocked"_s,
          u"trade_suspended_by_user"_s,
          u"shorting_enabled"_s,
          u"previous_close"_s},
         null);
    rows(u"transfer"_s,
         {u"relationship_id"_s, u"currency"_s, u"reason"_s, u"instant_amount"_s, u"requested_amount"_s,
          u"fee"_s, u"fee_payment_method"_s, u"updated_at"_s, u"expires_at"_s, u"hold_until"_s,
          u"additional_information"_s},
         null);
    rows(u"asset"_s,
         {u"maintenance_margin_requirement"_s, u"min_order_size"_s, u"min_trade_increment"_s,
          u"price_increment"_s},
         null);
    rows(u"asset"_s, {u"exchange"_s, u"name"_s}, u""_s);
    rows(u"asset"_s, {u"marginable"_s, u"shortable"_s, u"easy_to_borrow"_s, u"fractionable"_s}, false);
    rows(u"asset"_s, {u"attributes"_s}, QJsonArray());
    rows(u"orderRequest"_s,
         {u"notional"_s, u"qty"_s, u"limit_price"_s, u"stop_price"_s, u"trail_price"_s, u"trail_percent"_s,
          u"extended_hours"_s, u"client_order_id"_s, u"order_class"_s, u"take_profit"_s, u"stop_loss"_s},
         omitted);
    rows(u"transferRequest"_s,
         {u"relationship_id"_s, u"bank_id"_s, u"timing"_s, u"fee_payment_method"_s,
          u"additional_information"_s},
         omitted);
}

void TestCodecsWire::absentOptionals()
{
    QFETCH(QString, kind);
    QFETCH(QString, key);
    QFETCH(QJsonValue, written);
    for (const QJsonValue &absent : {QJsonValue(QJsonValue::Null), QJsonValue(QJsonValue::Undefined)}) {
        const auto decoded = test::decodeAs(kind, test::withField(test::basePayload(kind), key, absent));
        QVERIFY2(!decoded.error, qPrintable(decoded.error ? decoded.error->toString() : QString()));
        QCOMPARE(decoded.reencoded.contains(key), !written.isUndefined());
        QCOMPARE(decoded.reencoded.value(key), written);
    }
}

void TestCodecsWire::wireFormatMatchesReference_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QStringList>("unmodelled"); // keys the domain type drops on purpose

    QTest::addRow("order") << u"order"_s << payloads::order << QStringList();
    QTest::addRow("position") << u"position"_s << payloads::position << QStringList();
    QTest::addRow("short position") << u"position"_s << payloads::shortPosition
                                    << QStringList{u"swap_rate"_s, u"usd"_s};
    QTest::addRow("transfer") << u"transfer"_s << payloads::transfer << QStringList();
    QTest::addRow("wire transfer") << u"transfer"_s << payloads::wireTransfer << QStringList();
    QTest::addRow("asset") << u"asset"_s << payloads::asset << QStringList();
    QTest::addRow("crypto asset") << u"asset"_s << payloads::cryptoAsset << QStringList();
    QTest::addRow("trade account")
        << u"account"_s << payloads::tradeAccount
        << QStringList{
               u"options_buying_power"_s,   u"last_daytrade_count"_s,     u"last_daytrading_buying_power"_s,
               u"last_long_market_value"_s, u"last_short_market_value"_s, u"last_cash"_s,
               u"last_initial_margin"_s,    u"last_regt_buying_power"_s,  u"last_buying_power"_s,
               u"clearing_broker"_s,        u"options_approved_level"_s,  u"options_trading_level"_s};
    QTest::addRow("order request") << u"orderRequest"_s << payloads::orderRequest << QStringList();
    QTest::addRow("transfer request") << u"transferRequest"_s << payloads::transferRequest << QStringList();
}

void TestCodecsWire::wireFormatMatchesReference()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, payload);
    QFETCH(QStringList, unmodelled);
    const QJsonObject sent = object(payload);
    const auto decoded = test::decodeAs(kind, sent);
    QVERIFY2(!decoded.error, qPrintable(decoded.error ? decoded.error->toString() : QString()));
    for (auto it = sent.begin(); it != sent.end(); ++it) {
        if (unmodelled.contains(it.key())) {
            QVERIFY2(!decoded.reencoded.contains(it.key()), qPrintable(it.key()));
            continue;
        }
        QVERIFY2(decoded.reencoded.contains(it.key()), qPrintable(it.key() + u" is not written"_s));
        const QJsonValue written = decoded.reencoded.value(it.key());
        QVERIFY2(sameOnWire(it.value(), written),
                 qPrintable(it.key() + u": sent "_s + compact(it.value()) + u" wrote "_s + compact(written)));
    }
}

void TestCodecsWire::wireKeysAndCasing()
{
    const QJsonObject asset = Asset().toJson();
    QVERIFY(asset.contains(u"class"));
    QVERIFY(!asset.contains(u"asset_class"));
    QVERIFY(!asset.contains(u"assetClass"));

    Transfer transfer;
    transfer.status = TransferStatus::SentToClearing;
    transfer.direction = TransferDirection::Outgoing;
    transfer.type = TransferType::Wire;
    const QJsonObject response = transfer.toJson();
    QCOMPARE(response.value(u"type"), QJsonValue(u"wire"_s));
    QVERIFY(!response.contains(u"transfer_type"));
    QCOMPARE(response.value(u"status"), QJsonValue(u"SENT_TO_CLEARING"_s));
    QCOMPARE(response.value(u"direction"), QJsonValue(u"OUTGOING"_s));

    TransferRequest request;
    request.transferType = TransferType::Wire;
    const QJsonObject body = request.toJson();
    QCOMPARE(body.value(u"transfer_type"), QJsonValue(u"wire"_s));
    QVERIFY(!body.contains(u"type"));
    QCOMPARE(body.value(u"amount"), QJsonValue(u"0"_s));

    Account account;
    account.status = AccountStatus::ActionRequired;
    account.cryptoStatus = AccountStatus::Active;
    account.cash = dec(u"1032.55");
    const QJsonObject accountJson = account.toJson();
    QCOMPARE(accountJson.value(u"status"), QJsonValue(u"ACTION_REQUIRED"_s));
    QCOMPARE(accountJson.value(u"crypto_status"), QJsonValue(u"ACTIVE"_s));
    QCOMPARE(accountJson.value(u"cash"), QJsonValue(u"1032.55"_s));
    QCOMPARE(accountJson.value(u"created_at"), QJsonValue(u"1970-01-01T00:00:00Z"_s));

    Order order;
    order.status = OrderStatus::PartiallyFilled;
    order.type = OrderType::TrailingStop;
    order.timeInForce = TimeInForce::Gtc;
    order.side = OrderSide::Sell;
    order.createdAt = ts(u"2022-04-19T10:12:30.57117938-04:00");
    order.filledQty = dec(u"0.38962051");
    const QJsonObject orderJson = order.toJson();
    QCOMPARE(orderJson.value(u"status"), QJsonValue(u"partially_filled"_s));
    QCOMPARE(orderJson.value(u"type"), QJsonValue(u"trailing_stop"_s));
    QCOMPARE(orderJson.value(u"order_type"), QJsonValue(u"trailing_stop"_s));
    QCOMPARE(orderJson.value(u"time_in_force"), QJsonValue(u"gtc"_s));
    QCOMPARE(orderJson.value(u"side"), QJsonValue(u"sell"_s));
    QCOMPARE(orderJson.value(u"created_at"), QJsonValue(u"2022-04-19T14:12:30.57117938Z"_s));
    QCOMPARE(orderJson.value(u"filled_qty"), QJsonValue(u"0.38962051"_s));
    QVERIFY(orderJson.value(u"filled_at").isNull());
    QVERIFY(orderJson.value(u"legs").isNull());

    Position position;
    position.side = PositionSide::Short;
    position.qty = dec(u"-400.00");
    QCOMPARE(position.toJson().value(u"side"), QJsonValue(u"short"_s));
    QCOMPARE(position.toJson().value(u"qty"), QJsonValue(u"-400"_s));
}

void TestCodecsWire::roundTripPayloads_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("payload");

    QTest::addRow("trade account") << u"account"_s << payloads::tradeAccount;
    QTest::addRow("minimal trade account") << u"account"_s << payloads::minimalTradeAccount;
    QTest::addRow("position") << u"position"_s << payloads::position;
    QTest::addRow("short position") << u"position"_s << payloads::shortPosition;
    QTest::addRow("order") << u"order"_s << payloads::order;
    QTest::addRow("filled limit order") << u"order"_s << payloads::filledLimitOrder;
    QTest::addRow("bracket order") << u"order"_s << payloads::bracketOrder;
    QTest::addRow("transfer") << u"transfer"_s << payloads::transfer;
    QTest::addRow("wire transfer") << u"transfer"_s << payloads::wireTransfer;
    QTest::addRow("asset") << u"asset"_s << payloads::asset;
    QTest::addRow("crypto asset") << u"asset"_s << payloads::cryptoAsset;
    QTest::addRow("sparse asset") << u"asset"_s << payloads::sparseAsset;
    QTest::addRow("order request") << u"orderRequest"_s << payloads::orderRequest;
    QTest::addRow("transfer request") << u"transferRequest"_s << payloads::transferRequest;
}

void TestCodecsWire::roundTripPayloads()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, payload);
    checkRoundTrip(kind, object(payload));
}

void TestCodecsWire::roundTripConstructed()
{
    checkValueRoundTrip(Asset());
    checkValueRoundTrip(Position());
    checkValueRoundTrip(Order());
    checkValueRoundTrip(OrderRequest());
    checkValueRoundTrip(Account());
    checkValueRoundTrip(Transfer());
    checkValueRoundTrip(TransferRequest());

    Order leg;
    leg.id = u"leg"_s;
    leg.createdAt = Timestamp::fromNanos(-1);
    leg.symbol = u"AAPL"_s;
    leg.side = OrderSide::Unknown;
    leg.type = OrderType::Unknown;
    leg.timeInForce = TimeInForce::Unknown;
    leg.status = OrderStatus::Unknown;
    leg.orderClass = OrderClass::Unknown;
    leg.qty = dec(u"0.000000001");
    Order middle = leg;
    middle.id = u"middle"_s;
    middle.legs = {leg, leg};
    Order order;
    order.id = u"c0ffee00"_s;
    order.clientOrderId = u"client"_s;
    order.createdAt = ts(u"2026-01-06T14:31:02.518740001Z");
    order.updatedAt = ts(u"2026-01-06T14:31:02Z");
    order.submittedAt = ts(u"2026-01-06T14:31:02.1Z");
    order.filledAt = ts(u"2026-01-06T14:31:03Z");
    order.expiredAt = ts(u"2026-01-06T14:31:04Z");
    order.canceledAt = ts(u"2026-01-06T14:31:05Z");
    order.failedAt = ts(u"2026-01-06T14:31:06Z");
    order.replacedAt = ts(u"2026-01-06T14:31:07Z");
    order.replacedBy = u"new-id"_s;
    order.replaces = u"old-id"_s;
    order.assetId = u"asset"_s;
    order.symbol = u"MSFT"_s;
    order.assetClass = u"us_option"_s;
    order.notional = dec(u"50.01");
    order.qty = dec(u"-0.123456789");
    order.filledQty = dec(u"0.1");
    order.filledAvgPrice = dec(u"187.3456");
    order.orderClass = OrderClass::Oco;
    order.type = OrderType::StopLimit;
    order.side = OrderSide::Sell;
    order.positionIntent = u"sell_to_close"_s;
    order.timeInForce = TimeInForce::Fok;
    order.limitPrice = dec(u"9999999999999999999.999999999999999999");
    order.stopPrice = dec(u"0.000000000000000001");
    order.status = OrderStatus::AcceptedForBidding;
    order.extendedHours = true;
    order.legs = {middle, leg};
    order.trailPercent = dec(u"1.5");
    order.trailPrice = dec(u"2");
    order.hwm = dec(u"3");
    order.commission = dec(u"-0.01");
    checkValueRoundTrip(order);

    Order mlegParent = order;
    mlegParent.orderClass = OrderClass::Mleg;
    mlegParent.side = OrderSide::Unknown;
    mlegParent.symbol.clear();
    checkValueRoundTrip(mlegParent);

    OrderRequest request;
    request.symbol = u"AAPL"_s;
    request.qty = dec(u"1");
    request.notional = dec(u"2");
    request.side = OrderSide::Unknown;
    request.type = OrderType::Unknown;
    request.timeInForce = TimeInForce::Unknown;
    request.limitPrice = dec(u"3");
    request.stopPrice = dec(u"4");
    request.trailPrice = dec(u"5");
    request.trailPercent = dec(u"6");
    request.extendedHours = true;
    request.clientOrderId = u"id"_s;
    request.orderClass = OrderClass::Unknown;
    request.takeProfitLimitPrice = dec(u"7");
    request.stopLossStopPrice = dec(u"8");
    request.stopLossLimitPrice = dec(u"7.5");
    checkValueRoundTrip(request);

    Account account;
    account.id = u"id"_s;
    account.status = AccountStatus::Unknown;
    account.cryptoStatus = AccountStatus::PaperOnly;
    account.currency = u"EUR"_s;
    account.cash = dec(u"-5");
    account.cashWithdrawable = dec(u"1");
    account.multiplier = dec(u"4");
    account.patternDayTrader = true;
    account.daytradeCount = 3;
    account.tradingBlocked = true;
    account.previousClose = ts(u"2026-01-02T16:00:00-05:00");
    checkValueRoundTrip(account);

    Transfer transfer;
    transfer.id = u"t"_s;
    transfer.bankId = u"bank"_s;
    transfer.accountId = u"a"_s;
    transfer.type = TransferType::Unknown;
    transfer.status = TransferStatus::Unknown;
    transfer.direction = TransferDirection::Unknown;
    transfer.currency = u"USD"_s;
    transfer.reason = u"because"_s;
    transfer.amount = dec(u"0.01");
    transfer.instantAmount = dec(u"0");
    transfer.holdUntil = ts(u"2026-01-08T16:00:00Z");
    transfer.additionalInformation = u"info"_s;
    checkValueRoundTrip(transfer);

    TransferRequest transferRequest;
    transferRequest.transferType = TransferType::Unknown;
    transferRequest.direction = TransferDirection::Unknown;
    transferRequest.bankId = u"b"_s;
    transferRequest.timing.clear();
    transferRequest.feePaymentMethod = u"user"_s;
    checkValueRoundTrip(transferRequest);

    Position position;
    position.assetMarginable = false;
    position.qty = dec(u"-2");
    position.side = PositionSide::Short;
    position.changeToday = dec(u"-0.0049");
    checkValueRoundTrip(position);

    Asset asset;
    asset.assetClass = u"crypto"_s;
    asset.attributes = {u"ipo"_s};
    asset.priceIncrement = dec(u"0.01");
    asset.tradable = false;
    checkValueRoundTrip(asset);
}

void TestCodecsWire::lists()
{
    const QJsonArray positions{object(payloads::position), object(payloads::shortPosition)};
    const auto decoded = decodeArray<Position>(positions);
    QVERIFY2(decoded, qPrintable(decoded ? QString() : decoded.error().toString()));
    QCOMPARE(decoded->size(), 2);
    QCOMPARE(decoded->at(1).symbol, u"BTC/USD"_s);
    QVERIFY(decodeArray<Order>(QJsonArray())->isEmpty());

    const auto notArray = decodeArray<Position>(object(payloads::position));
    QVERIFY(!notArray);
    QCOMPARE(notArray.error().path, QString());
    QCOMPARE(notArray.error().message, u"must be an array"_s);

    const auto notObject = decodeObject<Account>(QJsonArray{object(payloads::tradeAccount)});
    QVERIFY(!notObject);
    QCOMPARE(notObject.error().message, u"must be an object"_s);
    QVERIFY(decodeObject<Account>(object(payloads::tradeAccount)));

    const auto itemNotObject = decodeArray<Transfer>(QJsonArray{object(payloads::transfer), 42});
    QVERIFY(!itemNotObject);
    QCOMPARE(itemNotObject.error().path, u"[1]"_s);

    QJsonObject bad = object(payloads::transfer);
    bad.insert(u"amount"_s, u"abc"_s);
    const auto itemInvalid =
        decodeArray<Transfer>(QJsonArray{object(payloads::transfer), bad}, u"transfers"_s);
    QVERIFY(!itemInvalid);
    QCOMPARE(itemInvalid.error().path, u"transfers[1].amount"_s);
    QCOMPARE(itemInvalid.error().toString().left(21), u"transfers[1].amount: "_s);
}

QTEST_GUILESS_MAIN(TestCodecsWire)
#include "tst_codecs_wire.moc"
