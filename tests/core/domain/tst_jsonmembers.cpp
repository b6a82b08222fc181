// jsonObjectMembers() (an object's members as slices of its text) and PositionsByAccount (the Broker
// API's all-positions answer decoded one account at a time).

#include "codecpayloads.h"
#include "domaintestutils.h"

#include "core/domain/jsonmembers.h"
#include "core/domain/positionsbyaccount.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace clera;
using namespace Qt::StringLiterals;

namespace {

QJsonValue sliceValue(const QByteArray &text, const JsonMember &m)
{
    // A slice parsed on its own, wrapped in an array so that scalars parse too.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text.mid(m.offset, m.length) + "]");
    return doc.isArray() && doc.array().size() == 1 ? doc.array().at(0) : QJsonValue(QJsonValue::Undefined);
}

QJsonValue randomValue(QRandomGenerator &rng, int depth)
{
    static const QStringList words = {u"a"_s, u"x]y"_s, u"q\"uote"_s, u"back\\slash"_s, u"{brace}"_s,
                                      u"line\nbreak"_s, u"tab\t"_s, u"é ü 漢"_s, u"\u0001ctl"_s, QString()};
    switch (rng.bounded(depth > 3 ? 5 : 7)) {
    case 0:
        return words.at(rng.bounded(words.size()));
    case 1:
        return double(rng.bounded(-100000, 100000)) / 100.0;
    case 2:
        return rng.bounded(2) == 1;
    case 3:
        return QJsonValue(QJsonValue::Null);
    case 4:
        return qint64(rng.bounded(1000000));
    case 5: {
        QJsonArray a;
        for (int i = 0, n = int(rng.bounded(4)); i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return a;
    }
    default: {
        QJsonObject o;
        for (int i = 0, n = int(rng.bounded(4)); i < n; ++i)
            o.insert(words.at(rng.bounded(words.size())) + QString::number(i), randomValue(rng, depth + 1));
        return o;
    }
    }
}

} // namespace

class TestJsonMembers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void membersAreSlicesOfTheText();
    void escapedKeysAreDecoded();
    void emptyObjects();
    void malformedTextIsRefused_data();
    void malformedTextIsRefused();
    void agreesWithQJsonDocumentOnGeneratedAndMutatedText();
    void deepNestingIsRefusedWithoutCrashing();

    void positionsDecodeOneAccountAtATime();
    void aBadAccountDoesNotSpoilTheOthers();
    void answersWithoutAPositionsObjectAreRefused();
    void decodedListsAreServedAsTheyAre();
};

void TestJsonMembers::membersAreSlicesOfTheText()
{
    const QByteArray text = R"( { "a" : [1, "x]\"}", {"b": {}}] , "c":"s\\\"}",
        "d":-1.5e3,"e":true, "f" : null } )";
    const auto members = jsonObjectMembers(text);
    QVERIFY2(members, members ? "" : qPrintable(members.error().toString()));
    QStringList keys;
    for (const JsonMember &m : *members)
        keys.append(m.key);
    QCOMPARE(keys, (QStringList{u"a"_s, u"c"_s, u"d"_s, u"e"_s, u"f"_s})); // "b" is nested
    QCOMPARE(text.mid(members->at(0).offset, members->at(0).length), QByteArray(R"([1, "x]\"}", {"b": {}}])"));
    QCOMPARE(text.mid(members->at(1).offset, members->at(1).length), QByteArray(R"("s\\\"}")"));
    QCOMPARE(text.mid(members->at(2).offset, members->at(2).length), QByteArray("-1.5e3"));
    const QJsonObject whole = QJsonDocument::fromJson(text).object();
    for (const JsonMember &m : *members)
        QCOMPARE(sliceValue(text, m), whole.value(m.key));
}

void TestJsonMembers::escapedKeysAreDecoded()
{
    const QByteArray text = R"({"\u0041b\"c\\d\/e\n": 1, "plain": 2})";
    const auto members = jsonObjectMembers(text);
    QVERIFY(members);
    QCOMPARE(members->size(), 2);
    QCOMPARE(members->at(0).key, u"Ab\"c\\d/e\n"_s);
    QCOMPARE(members->at(1).key, u"plain"_s);
}

void TestJsonMembers::emptyObjects()
{
    for (const QByteArray &text : {QByteArray("{}"), QByteArray(" {\n} \n"), QByteArray("\t{ }")}) {
        const auto members = jsonObjectMembers(text);
        QVERIFY2(members, text.constData());
        QVERIFY(members->isEmpty());
    }
}

void TestJsonMembers::malformedTextIsRefused_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("problem");
    QTest::newRow("empty") << QByteArray() << u"expected '{'"_s;
    QTest::newRow("array") << QByteArray("[1]") << u"expected '{'"_s;
    QTest::newRow("unterminated string") << QByteArray(R"({"a": "bc)") << u"unterminated string"_s;
    QTest::newRow("unterminated key") << QByteArray(R"({"a)") << u"unterminated string"_s;
    QTest::newRow("no colon") << QByteArray(R"({"a" 1})") << u"expected ':'"_s;
    QTest::newRow("key not a string") << QByteArray(R"({a: 1})") << u"expected a string"_s;
    QTest::newRow("trailing comma") << QByteArray(R"({"a": 1,})") << u"expected a string"_s;
    QTest::newRow("missing value") << QByteArray(R"({"a": })") << u"expected a value"_s;
    QTest::newRow("bracket mismatch") << QByteArray(R"({"a": [1}})") << u"expected ']'"_s;
    QTest::newRow("unclosed array") << QByteArray(R"({"a": [1, 2)") << u"expected ']'"_s;
    QTest::newRow("unclosed object") << QByteArray(R"({"a": 1)") << u"expected '}'"_s;
    QTest::newRow("text after") << QByteArray(R"({"a": 1} x)") << u"text after the object"_s;
    QTest::newRow("two objects") << QByteArray(R"({} {})") << u"text after the object"_s;
    QTest::newRow("short unicode escape") << QByteArray(R"({"a": "\u12"})") << u"bad \\u escape"_s;
    QTest::newRow("nested member without key") << QByteArray(R"({"a": {1: 2}})") << u"expected a string"_s;
}

void TestJsonMembers::malformedTextIsRefused()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, problem);
    const auto members = jsonObjectMembers(text);
    QVERIFY(!members);
    QVERIFY2(members.error().message.contains(problem), qPrintable(members.error().message));
    QVERIFY(members.error().message.startsWith(u"invalid JSON at offset "_s));
}

// What QJsonDocument reads as an object, the scanner splits into the same members (and every member's
// slice parses to the same value); checked on generated objects in both layouts and on thousands of
// single-byte corruptions of them.
void TestJsonMembers::agreesWithQJsonDocumentOnGeneratedAndMutatedText()
{
    QRandomGenerator rng(20261205);
    static const QByteArray alphabet = R"({}[]":,\ u0a1-.etfn)";
    int accepted = 0;
    int refused = 0;
    for (int round = 0; round < 400; ++round) {
        QJsonObject object;
        for (int i = 0, n = int(rng.bounded(6)); i < n; ++i)
            object.insert(u"k"_s + QString::number(i), randomValue(rng, 0));
        const QJsonDocument::JsonFormat format = rng.bounded(2) ? QJsonDocument::Compact : QJsonDocument::Indented;
        const QByteArray original = QJsonDocument(object).toJson(format);
        for (int mutation = 0; mutation <= 20; ++mutation) {
            QByteArray text = original;
            if (mutation > 0 && !text.isEmpty()) {
                const qsizetype at = rng.bounded(int(text.size()));
                switch (rng.bounded(3)) {
                case 0:
                    text[at] = alphabet.at(rng.bounded(int(alphabet.size())));
                    break;
                case 1:
                    text.remove(at, 1);
                    break;
                default:
                    text.insert(at, alphabet.at(rng.bounded(int(alphabet.size()))));
                }
            }
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
            const auto members = jsonObjectMembers(text);
            if (error.error != QJsonParseError::NoError || !doc.isObject()) {
                ++refused;
                continue; // the scanner may accept what only the slices' parse refuses (e.g. `tru`)
            }
            ++accepted;
            QVERIFY2(members, members ? "" : qPrintable(QString::fromUtf8(text) + u" → "_s + members.error().message));
            const QJsonObject expected = doc.object();
            // A corruption can repeat a key: QJsonObject keeps the last one, so does PositionsByAccount.
            QHash<QString, JsonMember> last;
            for (const JsonMember &m : *members)
                last.insert(m.key, m);
            QCOMPARE(last.size(), expected.size());
            for (const JsonMember &m : std::as_const(last)) {
                QVERIFY2(expected.contains(m.key), qPrintable(m.key));
                QCOMPARE(sliceValue(text, m), expected.value(m.key));
            }
        }
    }
    QVERIFY(accepted > 400);
    QVERIFY(refused > 1000);
}

void TestJsonMembers::deepNestingIsRefusedWithoutCrashing()
{
    const QByteArray deep = "{\"a\":" + QByteArray(5000, '[') + QByteArray(5000, ']') + "}";
    const auto members = jsonObjectMembers(deep);
    QVERIFY(!members);
    QVERIFY(members.error().message.contains(u"nested too deeply"_s));
    const QByteArray fine = "{\"a\":" + QByteArray(500, '[') + QByteArray(500, ']') + "}";
    QVERIFY(jsonObjectMembers(fine));
}

void TestJsonMembers::positionsDecodeOneAccountAtATime()
{
    const QByteArray answer = R"({"as_of": "2026-12-05T10:00:00Z", "positions": {
        "7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a": [)" + test::payloads::position + "," +
                              test::payloads::shortPosition + R"(],
        "00000000-0000-0000-0000-00000000000e": []}})";
    const auto book = PositionsByAccount::fromBrokerApi(answer);
    QVERIFY2(book, book ? "" : qPrintable(book.error().toString()));
    QCOMPARE(book->size(), 2);
    QStringList ids = book->accountIds();
    ids.sort();
    QCOMPARE(ids, (QStringList{u"00000000-0000-0000-0000-00000000000e"_s, u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s}));
    QVERIFY(book->contains(u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s));
    QVERIFY(!book->contains(u"someone-else"_s));

    const auto alice = book->positions(u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"_s);
    QVERIFY2(alice, alice ? "" : qPrintable(alice.error().toString()));
    const auto whole = decodeArray<Position>(QJsonDocument::fromJson(answer)
                                                 .object()
                                                 .value(u"positions")
                                                 .toObject()
                                                 .value(u"7a1c2e44-9b0f-4d1e-8c55-1f0e2d3c4b5a"));
    QVERIFY(whole);
    QCOMPARE(alice->size(), 2);
    QCOMPARE(*alice, *whole); // the same positions as decoding the whole document
    QCOMPARE(alice->at(0).symbol, u"MSFT"_s);
    QCOMPARE(alice->at(0).unrealizedIntradayPl, std::optional<Decimal>(Decimal(5)));
    QCOMPARE(alice->at(1).qty, Decimal::parse(u"-0.38962051").value());

    const auto empty = book->positions(u"00000000-0000-0000-0000-00000000000e"_s);
    QVERIFY(empty && empty->isEmpty());
    const auto unknown = book->positions(u"someone-else"_s);
    QVERIFY(unknown && unknown->isEmpty());
}

void TestJsonMembers::aBadAccountDoesNotSpoilTheOthers()
{
    QByteArray broken = test::payloads::position;
    broken.replace(R"("qty": "2.5")", R"("qty": "two")");
    const QByteArray answer = R"({"positions": {"good": [)" + test::payloads::position + R"(], "bad": [)" +
                              broken + R"(], "tru": [tru]}})";
    const auto book = PositionsByAccount::fromBrokerApi(answer);
    QVERIFY(book);
    QVERIFY(book->positions(u"good"_s));
    const auto bad = book->positions(u"bad"_s);
    QVERIFY(!bad);
    QCOMPARE(bad.error().path, u"positions.bad[0].qty"_s);
    const auto invalid = book->positions(u"tru"_s);
    QVERIFY(!invalid);
    QCOMPARE(invalid.error().path, u"positions.tru"_s);
    QVERIFY(invalid.error().message.startsWith(u"invalid JSON"_s));
}

void TestJsonMembers::answersWithoutAPositionsObjectAreRefused()
{
    const auto missing = PositionsByAccount::fromBrokerApi(R"({"as_of": "2026-12-05T10:00:00Z"})");
    QVERIFY(!missing);
    QCOMPARE(missing.error().path, u"positions"_s);
    const auto list = PositionsByAccount::fromBrokerApi(R"({"positions": []})");
    QVERIFY(!list);
    QCOMPARE(list.error().message, u"must be an object"_s);
    const auto truncated = PositionsByAccount::fromBrokerApi(R"({"positions": {"a": [{"symbol": "X"})");
    QVERIFY(!truncated);
    QVERIFY(truncated.error().message.startsWith(u"invalid JSON at offset"_s));
}

void TestJsonMembers::decodedListsAreServedAsTheyAre()
{
    Position p;
    p.symbol = u"AAPL"_s;
    p.qty = Decimal(3);
    const PositionsByAccount book(QHash<QString, QList<Position>>{{u"a"_s, {p}}});
    QCOMPARE(book.size(), 1);
    QCOMPARE(book.accountIds(), QStringList{u"a"_s});
    QCOMPARE(book.positions(u"a"_s)->at(0).qty, Decimal(3));
    QVERIFY(book.positions(u"b"_s)->isEmpty());
}

QTEST_GUILESS_MAIN(TestJsonMembers)
#include "tst_jsonmembers.moc"
