#include "core/marketdata/assetcatalog.h"

#include <QSet>
#include <QTest>
#include <QUuid>

#include <optional>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

QStringList symbolsOf(const QList<Asset> &assets)
{
    QStringList out;
    for (const Asset &a : assets)
        out.append(a.symbol);
    return out;
}

QByteArray entry(QByteArrayView symbol, QByteArrayView price = "10.00")
{
    return R"({"symbol":")" + symbol.toByteArray() + R"(","name":"Test )" + symbol.toByteArray() +
           R"(","exchange":"NYSE","class":"us_equity","type":"stock","fractionable":true,"reference_price":")" +
           price.toByteArray() + R"("})";
}

QByteArray document(const QList<QByteArray> &entries)
{
    QByteArray out = R"({"version":1,"assets":[)";
    for (qsizetype i = 0; i < entries.size(); ++i)
        out += (i ? "," : "") + entries.at(i);
    return out + "]}";
}

} // namespace

class TestAssetCatalog : public QObject
{
    Q_OBJECT

private:
    std::optional<AssetCatalog> m_catalog;

private Q_SLOTS:
    void initTestCase()
    {
        auto catalog = AssetCatalog::load();
        if (!catalog)
            QFAIL(qPrintable(catalog.error()));
        m_catalog = std::move(*catalog);
    }

    void embeddedCatalogIsComplete()
    {
        QVERIFY(m_catalog->size() >= 300);
        QCOMPARE(m_catalog->entries().size(), m_catalog->size());
        QSet<QString> symbols, ids;
        for (const AssetCatalog::Entry &e : m_catalog->entries()) {
            const Asset &a = e.asset;
            const auto where = qPrintable(a.symbol);
            QVERIFY2(!a.symbol.isEmpty(), where);
            QCOMPARE(a.symbol, a.symbol.toUpper());
            QVERIFY2(!a.name.isEmpty(), where);
            QVERIFY2(!a.exchange.isEmpty(), where);
            QCOMPARE(a.assetClass, u"us_equity"_s);
            QVERIFY2(e.type == u"stock" || e.type == u"etf", where);
            QVERIFY2(e.referencePrice.isPositive(), where);
            QVERIFY2(e.referencePrice.fractionalDigits() <= 2, where);
            QVERIFY(a.tradable);
            QCOMPARE(a.status, u"active"_s);

            const QUuid id(a.id);
            QVERIFY2(!id.isNull(), where);
            QCOMPARE(id.toString(QUuid::WithoutBraces), a.id);
            QCOMPARE(id.version(), QUuid::Sha1);

            QVERIFY2(!symbols.contains(a.symbol), where);
            symbols.insert(a.symbol);
            ids.insert(a.id);
        }
        QCOMPARE(ids.size(), symbols.size());
        QCOMPARE(m_catalog->symbols().size(), m_catalog->size());
    }

    void idsAreStable()
    {
        // Ids are persisted with orders and positions: they must never change between releases.
        const AssetCatalog::Entry *aapl = m_catalog->find(u"AAPL");
        QVERIFY(aapl);
        QCOMPARE(aapl->asset.id, u"c04c85ad-d73f-525a-a976-f87420839862"_s);

        auto again = AssetCatalog::load();
        QVERIFY(again);
        for (const AssetCatalog::Entry &e : m_catalog->entries())
            QCOMPARE(again->find(e.asset.symbol)->asset.id, e.asset.id);

        // Derived from the symbol, not the position in the file.
        auto small = AssetCatalog::fromJson(document({entry("AAPL")}));
        if (!small)
            QFAIL(qPrintable(small.error()));
        QCOMPARE(small->find(u"AAPL")->asset.id, aapl->asset.id);
    }

    void find_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expected");
        QTest::addRow("exact") << u"AAPL"_s << u"AAPL"_s;
        QTest::addRow("lower case") << u"aapl"_s << u"AAPL"_s;
        QTest::addRow("mixed case") << u"MsFt"_s << u"MSFT"_s;
        QTest::addRow("with a dot") << u"brk.b"_s << u"BRK.B"_s;
        QTest::addRow("unknown") << u"NOPE"_s << QString();
        QTest::addRow("prefix is not a match") << u"AAP"_s << QString();
        QTest::addRow("empty") << QString() << QString();
    }

    void find()
    {
        QFETCH(QString, query);
        QFETCH(QString, expected);
        const AssetCatalog::Entry *e = m_catalog->find(query);
        if (expected.isEmpty()) {
            QVERIFY(!e);
        } else {
            QVERIFY(e);
            QCOMPARE(e->asset.symbol, expected);
        }
    }

    void search_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QStringList>("expectedFirst");
        QTest::addColumn<int>("expectedCount"); // -1: do not check

        QTest::addRow("exact symbol first") << u"AAPL"_s << 20 << QStringList{u"AAPL"_s} << -1;
        QTest::addRow("case and space insensitive") << u"  aapl "_s << 20 << QStringList{u"AAPL"_s} << -1;
        QTest::addRow("exact, then prefixes by length")
            << u"MS"_s << 20 << QStringList{u"MS"_s, u"MSI"_s, u"MSFT"_s} << -1;
        QTest::addRow("limit cuts the ranked list") << u"ms"_s << 2 << QStringList{u"MS"_s, u"MSI"_s} << 2;
        QTest::addRow("one-letter exact then prefixes")
            << u"T"_s << 3 << QStringList{u"T"_s, u"TT"_s, u"TAN"_s} << 3;
        QTest::addRow("name word") << u"apple"_s << 20 << QStringList{u"AAPL"_s} << 1;
        QTest::addRow("name start before a later name word, ties by symbol length")
            << u"micro"_s << 20 << QStringList{u"MU"_s, u"MSFT"_s, u"AMD"_s, u"SMCI"_s} << 4;
        QTest::addRow("words split on punctuation, before a name containing it")
            << u"cola"_s << 20 << QStringList{u"KO"_s, u"ECL"_s} << 2;
        QTest::addRow("hyphenated name") << u"coca-cola"_s << 20 << QStringList{u"KO"_s} << 1;
        QTest::addRow("several query words prefix name words in order")
            << u"bank amer"_s << 20 << QStringList{u"BAC"_s} << 1;
        QTest::addRow("name start beats a later word")
            << u"bank of"_s << 20 << QStringList{u"BAC"_s, u"BK"_s} << 2;
        QTest::addRow("same name rank, shorter symbol first")
            << u"alphabet"_s << 20 << QStringList{u"GOOG"_s, u"GOOGL"_s} << 2;
        QTest::addRow("symbol prefix before name start")
            << u"ba"_s << 3 << QStringList{u"BA"_s, u"BAC"_s} << 3;
        QTest::addRow("symbol prefix with a dot") << u"brk"_s << 20 << QStringList{u"BRK.B"_s} << 1;
        QTest::addRow("no match") << u"zzqqzz"_s << 20 << QStringList{} << 0;
        QTest::addRow("empty lists all up to the limit") << QString() << 10 << QStringList{} << 10;
        QTest::addRow("empty with no limit lists all") << QString() << 0 << QStringList{} << -2;
    }

    void search()
    {
        QFETCH(QString, query);
        QFETCH(int, limit);
        QFETCH(QStringList, expectedFirst);
        QFETCH(int, expectedCount);
        const QStringList found = symbolsOf(m_catalog->search(query, limit));
        QCOMPARE(found.mid(0, expectedFirst.size()), expectedFirst);
        if (expectedCount >= 0)
            QCOMPARE(found.size(), qsizetype(expectedCount));
        else if (expectedCount == -2)
            QCOMPARE(found.size(), m_catalog->size());
        if (limit > 0)
            QVERIFY(found.size() <= limit);
    }

    void searchRanksSymbolMatchesBeforeNameMatches()
    {
        const QStringList found = symbolsOf(m_catalog->search(u"MS", 0));
        // MSCI ETFs match on a name word; HIMS only contains the query in its symbol.
        QVERIFY(found.indexOf(u"MSFT"_s) < found.indexOf(u"EFA"_s));
        QVERIFY(found.indexOf(u"EFA"_s) < found.indexOf(u"HIMS"_s));
    }

    void fromJsonAcceptsMinimalDocument()
    {
        auto catalog = AssetCatalog::fromJson(document({entry("aapl", "230.5"), entry("KO", "62")}));
        if (!catalog)
            QFAIL(qPrintable(catalog.error()));
        QCOMPARE(catalog->size(), 2);
        QCOMPARE(catalog->symbols(), (QStringList{u"AAPL"_s, u"KO"_s}));
        QCOMPARE(catalog->find(u"aapl")->referencePrice, Decimal::fromCents(23050));
        QVERIFY(catalog->find(u"KO")->sector.isEmpty()); // sector is optional
    }

    void fromJsonRejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("errorContains");

        QTest::addRow("not JSON") << QByteArray("{\"assets\": [") << u"not JSON"_s;
        QTest::addRow("garbage") << QByteArray("hello") << u"not JSON"_s;
        QTest::addRow("no assets") << QByteArray(R"({"version":1})") << u"no assets"_s;
        QTest::addRow("empty list") << document({}) << u"no assets"_s;
        QTest::addRow("missing symbol")
            << document(
                   {entry("AAPL"),
                    QByteArray(
                        R"({"name":"X","exchange":"NYSE","class":"us_equity","type":"stock","fractionable":true,"reference_price":"1"})")})
            << u"assets[1].symbol"_s;
        QTest::addRow("missing name")
            << document({QByteArray(
                   R"({"symbol":"X","exchange":"NYSE","class":"us_equity","type":"stock","fractionable":true,"reference_price":"1"})")})
            << u"assets[0].name"_s;
        QTest::addRow("missing price")
            << document({QByteArray(
                   R"({"symbol":"X","name":"X","exchange":"NYSE","class":"us_equity","type":"stock","fractionable":true})")})
            << u"reference_price"_s;
        QTest::addRow("price not a decimal") << document({entry("X", "ten")}) << u"reference_price"_s;
        QTest::addRow("zero price") << document({entry("X", "0")}) << u"must be positive"_s;
        QTest::addRow("negative price") << document({entry("X", "-1.50")}) << u"must be positive"_s;
        QTest::addRow("duplicate symbol")
            << document({entry("AAPL"), entry("KO"), entry("AAPL")}) << u"duplicate symbol AAPL"_s;
        QTest::addRow("duplicate symbol, other case")
            << document({entry("AAPL"), entry("aapl")}) << u"duplicate symbol AAPL"_s;
    }

    void fromJsonRejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, errorContains);
        const auto catalog = AssetCatalog::fromJson(json);
        QVERIFY(!catalog);
        QVERIFY2(catalog.error().contains(errorContains), qPrintable(catalog.error()));
    }

    void loadReportsMissingFile()
    {
        const auto catalog = AssetCatalog::load(u"/nonexistent/assets.json"_s);
        QVERIFY(!catalog);
        QVERIFY2(catalog.error().contains(u"/nonexistent/assets.json"_s), qPrintable(catalog.error()));
    }
};

QTEST_GUILESS_MAIN(TestAssetCatalog)
#include "tst_assetcatalog.moc"
