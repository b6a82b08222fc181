#include "codectestutils.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using clera::test::object;
namespace payloads = clera::test::payloads;

// Malformed input: every decoder answers with a DecodeError naming the field, never a crash or a zero.
class TestCodecsErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void malformedField_data();
    void malformedField();
    void malformedNested_data();
    void malformedNested();
    void firstErrorWins();
    void nestedPathPrefix();
};

namespace {
const QByteArray kMissing = "<missing>";
}

void TestCodecsErrors::malformedField_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QByteArray>("value"); // JSON text, or kMissing to remove the key

    const auto row = [](const QString &kind, const QString &key, const QByteArray &value) {
        QTest::addRow("%s %s = %s", qPrintable(kind), qPrintable(key), value.constData())
            << kind << key << value;
    };
    const auto missing = [&](const QString &kind, const QStringList &keys) {
        for (const QString &key : keys)
            row(kind, key, kMissing);
    };

    // Required fields, absent.
    missing(u"order"_s, {u"id"_s, u"client_order_id"_s, u"created_at"_s, u"symbol"_s, u"filled_qty"_s,
                         u"side"_s, u"time_in_force"_s, u"status"_s});
    missing(u"account"_s, {u"id"_s, u"account_number"_s, u"status"_s, u"currency"_s, u"created_at"_s,
                           u"last_equity"_s, u"equity"_s, u"cash"_s, u"buying_power"_s});
    missing(u"position"_s,
            {u"asset_id"_s, u"symbol"_s, u"qty"_s, u"avg_entry_price"_s, u"side"_s, u"cost_basis"_s});
    missing(u"transfer"_s,
            {u"id"_s, u"account_id"_s, u"type"_s, u"status"_s, u"amount"_s, u"direction"_s, u"created_at"_s});
    missing(u"asset"_s, {u"id"_s, u"class"_s, u"symbol"_s, u"status"_s, u"tradable"_s});
    missing(u"orderRequest"_s, {u"symbol"_s, u"side"_s, u"type"_s, u"time_in_force"_s});
    missing(u"transferRequest"_s, {u"transfer_type"_s, u"amount"_s, u"direction"_s});

    // Decimals that are not decimals.
    for (const QByteArray &bad : {QByteArray(R"("abc")"), QByteArray("true"), QByteArray(R"("")"),
                                  QByteArray(R"(" 1")"), QByteArray(R"("1,5")"), QByteArray(R"("NaN")"),
                                  QByteArray(R"("1e19")"), QByteArray(R"("0.1234567890123456789")"),
                                  QByteArray("{}"), QByteArray("[]"), QByteArray("[1]"), QByteArray("1e300")})
        row(u"order"_s, u"qty"_s, bad);
    row(u"order"_s, u"filled_qty"_s, "null");
    row(u"order"_s, u"limit_price"_s, R"("1e400")");
    row(u"order"_s, u"commission"_s, R"("$0")");
    row(u"order"_s, u"hwm"_s, R"("+5")");
    row(u"position"_s, u"qty"_s, R"("2.5.1")");
    row(u"position"_s, u"market_value"_s, R"("abc")");
    row(u"position"_s, u"cost_basis"_s, "null");
    row(u"account"_s, u"cash"_s, R"("1,032.55")");
    row(u"account"_s, u"buying_power"_s, "false");
    row(u"account"_s, u"equity"_s, "null");
    row(u"account"_s, u"multiplier"_s, "true");
    row(u"transfer"_s, u"amount"_s, R"("-")");
    row(u"transfer"_s, u"fee"_s, "false");
    row(u"asset"_s, u"maintenance_margin_requirement"_s, R"("30%")");
    row(u"orderRequest"_s, u"notional"_s, R"("fifty")");
    row(u"transferRequest"_s, u"amount"_s, R"(".5")");

    // Timestamps.
    row(u"order"_s, u"created_at"_s, R"("yesterday")");
    row(u"order"_s, u"created_at"_s, R"("2026-01-06T14:31:02.5187412345Z")");
    row(u"order"_s, u"created_at"_s, R"("2026-01-06T14:31:02")");
    row(u"order"_s, u"created_at"_s, "null");
    row(u"order"_s, u"created_at"_s, "1767709862");
    row(u"order"_s, u"filled_at"_s, R"("2026-01-06")");
    row(u"order"_s, u"updated_at"_s, "{}");
    row(u"account"_s, u"created_at"_s, R"("2026-02-30T00:00:00Z")");
    row(u"account"_s, u"previous_close"_s, R"("2026-01-02 16:00")");
    row(u"transfer"_s, u"expires_at"_s, R"("soon")");
    row(u"transfer"_s, u"created_at"_s, "true");

    // Strings, booleans, integers, enums of the wrong JSON type.
    row(u"order"_s, u"id"_s, "null");
    row(u"order"_s, u"id"_s, "5");
    row(u"order"_s, u"symbol"_s, R"(["MSFT"])");
    row(u"order"_s, u"status"_s, "3");
    row(u"order"_s, u"status"_s, "null");
    row(u"order"_s, u"side"_s, "{}");
    row(u"order"_s, u"extended_hours"_s, R"("false")");
    row(u"order"_s, u"replaced_by"_s, "7");
    row(u"account"_s, u"account_number"_s, "904112233");
    row(u"account"_s, u"status"_s, "null");
    row(u"account"_s, u"crypto_status"_s, "1");
    row(u"account"_s, u"daytrade_count"_s, "1.5");
    row(u"account"_s, u"daytrade_count"_s, R"("x")");
    row(u"account"_s, u"daytrade_count"_s, "1e300");
    row(u"account"_s, u"trading_blocked"_s, R"("no")");
    row(u"position"_s, u"side"_s, "1");
    row(u"position"_s, u"asset_marginable"_s, R"("true")");
    row(u"position"_s, u"asset_class"_s, "false");
    row(u"transfer"_s, u"reason"_s, "5");
    row(u"transfer"_s, u"direction"_s, "null");
    row(u"asset"_s, u"tradable"_s, "null");
    row(u"asset"_s, u"tradable"_s, "1");
    row(u"asset"_s, u"fractionable"_s, R"("yes")");
    row(u"asset"_s, u"attributes"_s, R"("has_options")");
    row(u"asset"_s, u"attributes"_s, "[1]");
    row(u"asset"_s, u"class"_s, "5");
    row(u"orderRequest"_s, u"extended_hours"_s, "1");
    row(u"orderRequest"_s, u"client_order_id"_s, "42");
    row(u"orderRequest"_s, u"take_profit"_s, "[]");
    row(u"orderRequest"_s, u"stop_loss"_s, R"("380")");
    row(u"transferRequest"_s, u"relationship_id"_s, "5");

    // Arrays and objects where the other is expected.
    row(u"order"_s, u"legs"_s, "{}");
    row(u"order"_s, u"legs"_s, R"("none")");
}

void TestCodecsErrors::malformedField()
{
    QFETCH(QString, kind);
    QFETCH(QString, key);
    QFETCH(QByteArray, value);
    const QJsonValue replacement =
        value == kMissing ? QJsonValue(QJsonValue::Undefined) : test::parseValue(value);
    const auto decoded = test::decodeAs(kind, test::withField(test::basePayload(kind), key, replacement));
    QVERIFY2(decoded.error,
             qPrintable(u"accepted: "_s + QString::fromUtf8(QJsonDocument(decoded.reencoded).toJson())));
    QCOMPARE(decoded.error->path, key);
    QVERIFY(!decoded.error->message.isEmpty());
    QVERIFY(decoded.error->toString().startsWith(key + u": "));
}

void TestCodecsErrors::malformedNested_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("path");

    QJsonObject leg = object(payloads::order);
    QJsonObject badLeg = leg;
    badLeg.insert(u"qty"_s, u"abc"_s);
    QJsonObject undated = leg;
    undated.remove(u"created_at"_s);
    QJsonObject middle = leg;
    middle.insert(u"legs"_s, QJsonArray{undated});
    QJsonObject withDeepBadLeg = leg;
    withDeepBadLeg.insert(u"legs"_s, QJsonArray{leg, middle});
    const auto json = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
    const auto withLegs = [&](const QJsonArray &legs) {
        QJsonObject o = leg;
        o.insert(u"legs"_s, legs);
        return json(o);
    };

    QTest::addRow("leg with bad qty") << u"order"_s << withLegs({leg, badLeg}) << u"legs[1].qty"_s;
    QTest::addRow("empty leg object") << u"order"_s << withLegs({QJsonObject()}) << u"legs[0].id"_s;
    QJsonArray nestedArray;
    nestedArray.append(QJsonArray());
    QTest::addRow("leg is an array") << u"order"_s << withLegs(nestedArray) << u"legs[0]"_s;
    QTest::addRow("leg is a string") << u"order"_s << withLegs({leg, u"x"_s}) << u"legs[1]"_s;
    QTest::addRow("leg is null") << u"order"_s << withLegs({QJsonValue::Null}) << u"legs[0]"_s;
    QTest::addRow("leg of a leg") << u"order"_s << json(withDeepBadLeg) << u"legs[1].legs[0].created_at"_s;
    QTest::addRow("take profit without price")
        << u"orderRequest"_s
        << QByteArray(R"({"symbol": "A", "side": "buy", "type": "limit", "time_in_force": "day",
                         "take_profit": {}})")
        << u"take_profit.limit_price"_s;
    QTest::addRow("take profit with bad price")
        << u"orderRequest"_s
        << QByteArray(R"({"symbol": "A", "side": "buy", "type": "limit", "time_in_force": "day",
                         "take_profit": {"limit_price": "x"}})")
        << u"take_profit.limit_price"_s;
    QTest::addRow("stop loss without stop price")
        << u"orderRequest"_s
        << QByteArray(R"({"symbol": "A", "side": "buy", "type": "limit", "time_in_force": "day",
                         "stop_loss": {"limit_price": "1"}})")
        << u"stop_loss.stop_price"_s;
    QTest::addRow("stop loss with bad limit")
        << u"orderRequest"_s
        << QByteArray(R"({"symbol": "A", "side": "buy", "type": "limit", "time_in_force": "day",
                         "stop_loss": {"stop_price": "1", "limit_price": true}})")
        << u"stop_loss.limit_price"_s;
    QTest::addRow("neither type nor order_type") << u"order"_s << [&] {
        QJsonObject o = leg;
        o.remove(u"type"_s);
        o.remove(u"order_type"_s);
        return json(o);
    }() << u"type"_s;
    QTest::addRow("broker account object") << u"account"_s << payloads::brokerAccount << u"cash"_s;
    QTest::addRow("empty object") << u"account"_s << QByteArray("{}") << u"id"_s;
}

void TestCodecsErrors::malformedNested()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, payload);
    QFETCH(QString, path);
    const auto decoded = test::decodeAs(kind, object(payload));
    QVERIFY2(decoded.error, "accepted");
    QCOMPARE(decoded.error->path, path);
    QVERIFY(!decoded.error->message.isEmpty());
}

void TestCodecsErrors::firstErrorWins()
{
    QJsonObject json = object(payloads::order);
    json.insert(u"qty"_s, u"abc"_s);
    json.insert(u"id"_s, 5);
    json.remove(u"status"_s);
    const auto o = Order::fromJson(json);
    QVERIFY(!o);
    QCOMPARE(o.error().path, u"id"_s);
    QCOMPARE(o.error().message, u"must be a string"_s);
}

void TestCodecsErrors::nestedPathPrefix()
{
    QJsonObject json = object(payloads::position);
    json.insert(u"qty"_s, true);
    const auto p = Position::fromJson(json, u"positions[3]"_s);
    QVERIFY(!p);
    QCOMPARE(p.error().path, u"positions[3].qty"_s);
    QCOMPARE(p.error().toString(), u"positions[3].qty: must be a decimal string or number"_s);
}

QTEST_GUILESS_MAIN(TestCodecsErrors)
#include "tst_codecs_errors.moc"
