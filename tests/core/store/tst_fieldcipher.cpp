#include "core/store/database.h"
#include "core/store/fieldcipher.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestFieldCipher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("clear");
        QTest::addRow("tax id") << u"123-45-6789"_s;
        QTest::addRow("date of birth") << u"1990-01-31"_s;
        QTest::addRow("empty") << QString();
        QTest::addRow("unicode") << u"Zoë Çelik — 口座"_s;
    }

    void roundTrip()
    {
        QFETCH(QString, clear);
        const auto cipher = FieldCipher::fromBase64Key(FieldCipher::generateBase64Key());
        QVERIFY(cipher);
        const QString stored = cipher->encrypt(clear, u"users.tax_id:u1"_s).value();
        QVERIFY(stored.startsWith(u"v1:"_s));
        if (!clear.isEmpty())
            QVERIFY(!stored.contains(clear));
        QCOMPARE(cipher->decrypt(stored, u"users.tax_id:u1"_s).valueOr(u"<failed>"_s), clear);
        QVERIFY(cipher->encrypt(clear, u"users.tax_id:u1"_s).value() != stored);
    }

    void storedValueIsNotClearTextAndDecrypts()
    {
        QTemporaryDir dir;
        auto db = Database::open(dir.filePath(u"s.sqlite"_s));
        QVERIFY(db);
        QVERIFY((*db)->exec(u"CREATE TABLE secrets (v TEXT)"_s));
        const auto cipher = FieldCipher::fromBase64Key(FieldCipher::generateBase64Key());
        QVERIFY(cipher);
        QVERIFY(
            (*db)->exec(u"INSERT INTO secrets (v) VALUES (?)"_s, {cipher->encrypt(u"021000021-99887766"_s).value()}));
        auto q = (*db)->exec(u"SELECT v FROM secrets"_s);
        QVERIFY(q && q->next());
        const QString raw = q->value(0).toString();
        QVERIFY(!raw.contains(u"99887766"_s));
        QCOMPARE(cipher->decrypt(raw).valueOr(QString()), u"021000021-99887766"_s);
    }

    void wrongKeyOrContextFailsCleanly()
    {
        const auto a = FieldCipher::fromBase64Key(FieldCipher::generateBase64Key());
        const auto b = FieldCipher::fromBase64Key(FieldCipher::generateBase64Key());
        QVERIFY(a && b);
        const QString stored = a->encrypt(u"secret"_s, u"ctx"_s).value();
        QCOMPARE(b->decrypt(stored, u"ctx"_s).error().kind, CipherError::Kind::Decrypt);
        QCOMPARE(a->decrypt(stored, u"other"_s).error().kind, CipherError::Kind::Decrypt);
        QString tampered = stored;
        tampered[10] = tampered[10] == u'A' ? u'B' : u'A';
        QVERIFY(!a->decrypt(tampered, u"ctx"_s));
        QCOMPARE(a->decrypt(u"v2:abc"_s).error().kind, CipherError::Kind::Unsupported);
        QCOMPARE(a->decrypt(u"v1:%%%"_s).error().kind, CipherError::Kind::Malformed);
        QCOMPARE(a->decrypt(u"v1:AAAA"_s).error().kind, CipherError::Kind::Malformed);
        QVERIFY(!b->decrypt(stored, u"ctx"_s).error().message.contains(u"secret"_s));
    }

    void keysAreValidated()
    {
        QCOMPARE(FieldCipher::fromBase64Key(u"not base64!"_s).error().kind, CipherError::Kind::BadKey);
        QCOMPARE(FieldCipher::fromBase64Key(QString::fromLatin1(QByteArray(16, 'k').toBase64())).error().kind,
                 CipherError::Kind::BadKey);
        QProcessEnvironment env;
        QCOMPARE(FieldCipher::fromEnvironment(env).error().kind, CipherError::Kind::NoKey);
        env.insert(u"CLERA_DATA_KEY"_s, FieldCipher::generateBase64Key());
        QVERIFY(FieldCipher::fromEnvironment(env));
        QCOMPARE(FieldCipher().decrypt(u"v1:AAAA"_s).error().kind, CipherError::Kind::NoKey);
        QCOMPARE(FieldCipher().encrypt(u"123-45-6789"_s).error().kind, CipherError::Kind::NoKey); // never garbage
    }
};

QTEST_GUILESS_MAIN(TestFieldCipher)
#include "tst_fieldcipher.moc"
