#include "core/marketdata/streamprotocol.h"

#include <QTest>

#include <random>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

// Frame texts are written with ' for " (and turned back here) to keep them readable.
QString q(const char *text)
{
    return QString::fromUtf8(text).replace(u'\'', u'"');
}

// Both parsers' view of one frame, for comparing them.
QString render(const StreamFrame &frame)
{
    QStringList out;
    for (const StreamMessage &m : frame.messages)
        out.append(u"%1|%2|%3|%4|%5|%6|%7"_s.arg(int(m.kind))
                       .arg(m.type, m.symbol, m.price.toString(), m.time.toString(), m.bid.toString(),
                            m.ask.toString()));
    for (const QString &p : frame.problems)
        out.append(u"problem: "_s + p);
    return out.join(u'\n');
}

const QString kTrade = q("{'T':'t','S':'AAPL','i':96921,'x':'D','p':126.55,'s':1,'t':'2021-02-22T15:51:44."
                         "208Z','c':['@','I'],'z':'C'}");

} // namespace

// parseTradeFrame(), the stream's fast path for trade frames: it must give exactly what the full parser
// (parseStreamFrame) gives, and leave every frame it is not sure about to it.
class TestTradeFrame : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsTradeFramesLikeTheFullParser_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addColumn<int>("trades");
        QTest::addRow("alpaca's example") << u"["_s + kTrade + u"]"_s << 1;
        QTest::addRow("empty") << u"[]"_s << 0;
        QTest::addRow("whitespace")
            << u" [ \n{ \"T\" : \"t\" ,\t\"S\":\"MSFT\",\r\n\"p\": 400.5 , \"t\":\"2026-01-06T15:01:02.123456789Z\" } ] "_s
            << 1;
        QTest::addRow("several")
            << u"["_s + kTrade + u","_s + kTrade +
                   u",{\"T\":\"t\",\"S\":\"BRK.B\",\"p\":412,\"t\":\"2026-01-06T15:01:02Z\"}]"_s
            << 3;
        QTest::addRow("integer price") << q("[{'T':'t','S':'A','p':100000,'t':'2026-01-06T15:01:02Z'}]") << 1;
        QTest::addRow("trailing zeros")
            << q("[{'T':'t','S':'A','p':126.5500,'t':'2026-01-06T15:01:02Z'}]") << 1;
        QTest::addRow("tiny price") << q("[{'T':'t','S':'A','p':0.00001,'t':'2026-01-06T15:01:02Z'}]") << 1;
        QTest::addRow("15 digits") << q("[{'T':'t','S':'A','p':123456789.012345,'t':'2026-01-06T15:01:02Z'}]")
                                   << 1;
        QTest::addRow("offset time") << q("[{'T':'t','S':'A','p':1.5,'t':'2026-01-06T10:01:02-05:00'}]") << 1;
        QTest::addRow("odd scalars") << q("[{'c':[],'z':null,'x':true,'y':false,'i':-1.5e+10,'T':'t','S':'A',"
                                          "'p':2,'t':'2026-01-06T15:01:02Z'}]")
                                     << 1;
    }
    void acceptsTradeFramesLikeTheFullParser()
    {
        QFETCH(QString, frame);
        QFETCH(int, trades);
        SymbolTexts symbols;
        const auto fast = parseTradeFrame(frame, symbols);
        QVERIFY(fast);
        QCOMPARE(fast->messages.size(), trades);
        QVERIFY(fast->problems.isEmpty());
        const StreamFrame full = parseStreamFrame(frame.toUtf8());
        QCOMPARE(render(*fast), render(full));
        for (qsizetype i = 0; i < full.messages.size(); ++i) // Decimal's == is exact; the texts above are too
            QCOMPARE(fast->messages[i].price, full.messages[i].price);
    }

    void leavesEverythingElseToTheFullParser_data()
    {
        QTest::addColumn<QString>("frame");
        const auto trade = [](const QString &fields) -> QString { return u"[{"_s + fields + u"}]"_s; };
        const QString ok = q("'S':'A','t':'2026-01-06T15:01:02Z'");
        QTest::addRow("control") << q("[{'T':'success','msg':'authenticated'}]");
        QTest::addRow("subscription") << q("[{'T':'subscription','trades':['AAPL'],'quotes':[]}]");
        QTest::addRow("quote") << q("[{'T':'q','S':'A','bp':1,'ap':2,'t':'2026-01-06T15:01:02Z'}]");
        QTest::addRow("trade then quote")
            << u"["_s + kTrade + q(",{'T':'q','S':'A','bp':1,'ap':2,'t':'2026-01-06T15:01:02Z'}]");
        QTest::addRow("not JSON") << u"[{"_s;
        QTest::addRow("object") << u"{}"_s;
        QTest::addRow("trailing garbage") << u"["_s + kTrade + u"]x"_s;
        QTest::addRow("trailing comma") << u"["_s + kTrade + u",]"_s;
        QTest::addRow("element not an object") << u"[7]"_s;
        QTest::addRow("no T") << trade(u"\"p\":1,"_s + ok);
        QTest::addRow("no price") << trade(u"\"T\":\"t\","_s + ok);
        QTest::addRow("zero price") << trade(u"\"T\":\"t\",\"p\":0,"_s + ok);
        QTest::addRow("negative price") << trade(u"\"T\":\"t\",\"p\":-1.5,"_s + ok);
        QTest::addRow("price as a string") << trade(u"\"T\":\"t\",\"p\":\"1.5\","_s + ok);
        QTest::addRow("price with exponent") << trade(u"\"T\":\"t\",\"p\":1.5e2,"_s + ok);
        QTest::addRow("price of 16 digits") << trade(u"\"T\":\"t\",\"p\":1234567890.123456,"_s + ok);
        QTest::addRow("price with leading zero") << trade(u"\"T\":\"t\",\"p\":01.5,"_s + ok);
        QTest::addRow("price without fraction digits") << trade(u"\"T\":\"t\",\"p\":1.,"_s + ok);
        QTest::addRow("no symbol") << trade(q("'T':'t','p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("empty symbol") << trade(q("'T':'t','S':'','p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("numeric symbol") << trade(q("'T':'t','S':7,'p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("bad time") << trade(q("'T':'t','S':'A','p':1,'t':'yesterday'"));
        QTest::addRow("10 fraction digits in time")
            << trade(q("'T':'t','S':'A','p':1,'t':'2026-01-06T15:01:02.1234567891Z'"));
        QTest::addRow("escaped symbol")
            << trade(q("'T':'t','S':'A\\u0041','p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("escaped key") << trade(q("'\\u0054':'t','S':'A','p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("non-ASCII") << trade(q("'T':'t','S':'Ä','p':1,'t':'2026-01-06T15:01:02Z'"));
        QTest::addRow("repeated price") << trade(u"\"T\":\"t\",\"p\":1,\"p\":2,"_s + ok);
        QTest::addRow("nested object") << trade(u"\"T\":\"t\",\"p\":1,\"x\":{},"_s + ok);
        QTest::addRow("nested array") << trade(u"\"T\":\"t\",\"p\":1,\"c\":[[]],"_s + ok);
        QTest::addRow("huge other number") << trade(u"\"T\":\"t\",\"p\":1,\"i\":1e999,"_s + ok);
    }
    void leavesEverythingElseToTheFullParser()
    {
        QFETCH(QString, frame);
        SymbolTexts symbols;
        QVERIFY2(!parseTradeFrame(frame, symbols), qPrintable(frame));
    }

    // Frames of random trades, each with one random edit (a character replaced, inserted or removed, or
    // the frame cut short): whatever the fast path accepts, the full parser reads the same way without a
    // problem.
    void mutatedFramesNeverDisagree()
    {
        std::mt19937 rng(20261205);
        const QString alphabet = q(" '[]{},:.-+eE0123456789tTSpqAZ\\ul");
        int accepted = 0, acceptedEdited = 0;
        for (int round = 0; round < 20'000; ++round) {
            QString frame = u"["_s;
            const int count = 1 + int(rng() % 3);
            for (int i = 0; i < count; ++i) {
                if (i > 0)
                    frame += u',';
                frame +=
                    u"{\"T\":\"t\",\"S\":\"S%1\",\"p\":%2.%3,\"t\":\"2026-01-06T15:01:%4Z\",\"c\":[\"@\"]}"_s
                        .arg(rng() % 50)
                        .arg(rng() % 100000)
                        .arg(rng() % 10000)
                        .arg(rng() % 60, 2, 10, QChar(u'0'));
            }
            frame += u']';
            const bool edit = round % 4 != 0;
            if (edit) {
                const qsizetype at = qsizetype(rng() % quint32(frame.size()));
                const QChar c = alphabet[qsizetype(rng() % quint32(alphabet.size()))];
                switch (rng() % 4) {
                case 0:
                    frame[at] = c;
                    break;
                case 1:
                    frame.insert(at, c);
                    break;
                case 2:
                    frame.remove(at, 1);
                    break;
                default:
                    frame.truncate(at);
                    break;
                }
            }
            SymbolTexts symbols;
            const auto fast = parseTradeFrame(frame, symbols);
            if (!edit)
                QVERIFY2(fast, qPrintable(frame)); // the plain frames are the fast path's to take
            if (!fast)
                continue;
            ++accepted;
            acceptedEdited += edit ? 1 : 0;
            const StreamFrame full = parseStreamFrame(frame.toUtf8());
            QVERIFY2(full.problems.isEmpty(), qPrintable(frame));
            QCOMPARE(render(*fast), render(full));
        }
        QVERIFY(accepted >= 5'000);
        QVERIFY(acceptedEdited > 0); // some edits keep the frame valid (a digit for a digit): compared too
    }

    void symbolTextsAreShared()
    {
        SymbolTexts symbols;
        const QString frame = u"["_s + kTrade + u","_s + kTrade + u"]"_s;
        const auto fast = parseTradeFrame(frame, symbols);
        QVERIFY(fast);
        QCOMPARE(fast->messages[0].symbol, u"AAPL"_s);
        QCOMPARE(fast->messages[0].symbol.constData(), fast->messages[1].symbol.constData());
        QCOMPARE(symbols.size(), size_t(1));
        for (int i = 0; i < int(SymbolTexts::kLimit) + 10; ++i)
            (void)symbols.intern(u"S%1"_s.arg(i));
        QVERIFY(symbols.size() <= SymbolTexts::kLimit); // bounded whatever the feed sends
    }

    void longSymbolsAreNotInterned()
    {
        SymbolTexts symbols;
        const QString longest(SymbolTexts::kMaxSymbolLength, u'L');
        const QString tooLong(SymbolTexts::kMaxSymbolLength + 1, u'X');
        const QString kept = symbols.intern(longest);
        QCOMPARE(symbols.intern(longest).constData(), kept.constData()); // up to the limit: shared
        QCOMPARE(symbols.size(), size_t(1));
        const QString first = symbols.intern(tooLong);
        const QString second = symbols.intern(tooLong);
        QCOMPARE(first, tooLong);
        QCOMPARE(second, tooLong);
        QVERIFY(first.constData() != second.constData()); // a plain copy each time
        QCOMPARE(symbols.size(), size_t(1));              // and never kept

        // Through the trade parser: a long symbol still decodes, and is not kept either.
        SymbolTexts fresh;
        const QString frame = uR"([{"T":"t","S":"%1","p":1.5,"t":"2024-01-02T15:04:05Z"}])"_s.arg(tooLong);
        const auto parsed = parseTradeFrame(frame, fresh);
        QVERIFY(parsed);
        QCOMPARE(parsed->messages.size(), 1);
        QCOMPARE(parsed->messages[0].symbol, tooLong);
        QCOMPARE(fresh.size(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestTradeFrame)
#include "tst_tradeframe.moc"
