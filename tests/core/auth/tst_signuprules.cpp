#include "core/auth/opaquetoken.h"
#include "core/auth/signuprules.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestSignUpRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emails_data()
    {
        QTest::addColumn<QString>("email");
        QTest::addColumn<bool>("ok");
        QTest::addRow("plain") << u"alice@example.com"_s << true;
        QTest::addRow("plus, subdomain") << u"a.b+c@mail.example.co.uk"_s << true;
        QTest::addRow("trimmed") << u"  alice@example.com "_s << true;
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("no at") << u"alice.example.com"_s << false;
        QTest::addRow("two ats") << u"a@b@example.com"_s << false;
        QTest::addRow("no tld") << u"alice@localhost"_s << false;
        QTest::addRow("space") << u"ali ce@example.com"_s << false;
        QTest::addRow("too long") << (QString(250, u'a') + u"@example.com"_s) << false;
    }

    void emails()
    {
        QFETCH(QString, email);
        QFETCH(bool, ok);
        QCOMPARE(!SignUpRules::checkEmail(email).has_value(), ok);
    }

    void passwords_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("ok");
        QTest::addRow("12 chars") << u"abcdefghijkl"_s << true;
        QTest::addRow("11 chars") << u"abcdefghijk"_s << false;
        QTest::addRow("12 code points, emoji") << u"😀😀😀😀😀😀😀😀😀😀😀x"_s << true;
        QTest::addRow("11 code points, 22 UTF-16 units") << u"😀😀😀😀😀😀😀😀😀😀😀"_s << false;
        QTest::addRow("repeated") << u"aaaaaaaaaaaaaaaa"_s << false;
        QTest::addRow("128") << QString(127, u'x') + u'y' << true;
        QTest::addRow("129") << QString(128, u'x') + u'y' << false;
        QTest::addRow("the email") << u"Alice@Example.com"_s << false;
    }

    void passwords()
    {
        QFETCH(QString, password);
        QFETCH(bool, ok);
        QCOMPARE(!SignUpRules::checkPassword(password, u"alice@example.com"_s).has_value(), ok);
    }

    void opaqueTokens()
    {
        const QString a = OpaqueToken::generate();
        const QString b = OpaqueToken::generate();
        QCOMPARE(a.size(), 43);
        QVERIFY(a != b);
        QVERIFY(OpaqueToken::isWellFormed(a));
        QVERIFY(!OpaqueToken::isWellFormed(a.left(42)));
        QVERIFY(!OpaqueToken::isWellFormed(QString(a.left(42) + u'=')));
        QCOMPARE(OpaqueToken::hashOf(a).size(), 64);
        QVERIFY(OpaqueToken::hashOf(a) != a);
        QCOMPARE(OpaqueToken::hashOf(u"abc"_s),
                 u"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"_s);
    }
};

QTEST_GUILESS_MAIN(TestSignUpRules)
#include "tst_signuprules.moc"
