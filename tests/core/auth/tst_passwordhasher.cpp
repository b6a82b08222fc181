#include "core/auth/passwordhasher.h"
#include "passwordhashertestaccess.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

struct Params
{
    int version = 0;
    qint64 memKiB = 0;
    qint64 time = 0;
    qint64 parallelism = 0;
};

std::optional<Params> parse(const QString &encoded)
{
    static const QRegularExpression re(
        u"^\\$argon2id\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+$"_s);
    const auto m = re.match(encoded);
    if (!m.hasMatch())
        return std::nullopt;
    return Params{m.captured(1).toInt(), m.captured(2).toLongLong(), m.captured(3).toLongLong(),
                  m.captured(4).toLongLong()};
}

} // namespace

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void productionParametersMeetTheMinimum()
    {
        const PasswordHasher hasher;
        QVERIFY(hasher.cost().opsLimit >= 2);
        QVERIFY(hasher.cost().memLimitBytes >= 19u * 1024 * 1024);
        const auto hash = hasher.hash(u"correct horse battery staple"_s);
        QVERIFY(hash);
        const auto p = parse(*hash);
        QVERIFY2(p, qPrintable(*hash));
        QCOMPARE(p->version, 19);
        QVERIFY(p->memKiB >= 19 * 1024);
        QVERIFY(p->time >= 2);
        QCOMPARE(p->memKiB, qint64(PasswordHasher::kDefault.memLimitBytes / 1024));
        QCOMPARE(p->time, qint64(PasswordHasher::kDefault.opsLimit));
        QVERIFY(hasher.verify(u"correct horse battery staple"_s, *hash));
        QVERIFY(!hasher.needsRehash(*hash));
    }

    void minimumCostIsExactlyOwasp()
    {
        const auto hasher = PasswordHasher::create(PasswordHasher::kMinimum);
        QVERIFY(hasher);
        const auto hash = hasher->hash(u"another long passphrase"_s);
        QVERIFY(hash);
        const auto p = parse(*hash);
        QVERIFY(p);
        QCOMPARE(p->memKiB, 19456);
        QCOMPARE(p->time, 2);
        QVERIFY(PasswordHasher().needsRehash(*hash));
    }

    void createRefusesLowerCosts_data()
    {
        QTest::addColumn<qulonglong>("ops");
        QTest::addColumn<qulonglong>("mem");
        QTest::addRow("t=1") << 1ull << qulonglong(64 * 1024 * 1024);
        QTest::addRow("m=18MiB") << 2ull << qulonglong(18 * 1024 * 1024);
        QTest::addRow("m=19MiB-1") << 3ull << qulonglong(19 * 1024 * 1024 - 1);
        QTest::addRow("libsodium minimum") << 1ull << 8192ull;
    }

    void createRefusesLowerCosts()
    {
        QFETCH(qulonglong, ops);
        QFETCH(qulonglong, mem);
        const auto hasher = PasswordHasher::create({ops, std::size_t(mem)});
        QVERIFY(!hasher);
        QCOMPARE(hasher.error().kind, PasswordHashError::Kind::BelowMinimum);
    }

    void verifyAcceptsOnlyTheRightPassword()
    {
        const PasswordHasher hasher = PasswordHasherTestAccess::cheap();
        const auto hash = hasher.hash(u"pässwörd with ünicode"_s);
        QVERIFY(hash);
        QVERIFY(hasher.verify(u"pässwörd with ünicode"_s, *hash));
        QVERIFY(!hasher.verify(u"passwörd with ünicode"_s, *hash));
        QVERIFY(!hasher.verify(QString(), *hash));
        QVERIFY(!hasher.verify(u"pässwörd with ünicode"_s, QString()));
        QVERIFY(!hasher.verify(u"x"_s, u"$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA"_s));
        QVERIFY(!hasher.verify(u"x"_s, u"plain text"_s));
        const auto again = hasher.hash(u"pässwörd with ünicode"_s);
        QVERIFY(again && *again != *hash);
    }

    void cheapHashesAreUpgraded()
    {
        const auto cheapHash = PasswordHasherTestAccess::cheap().hash(u"some passphrase"_s);
        QVERIFY(cheapHash);
        QVERIFY(PasswordHasher().needsRehash(*cheapHash));
        QVERIFY(PasswordHasher().verify(u"some passphrase"_s, *cheapHash));
        QVERIFY(PasswordHasher().needsRehash(u"garbage"_s));
    }
};

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "tst_passwordhasher.moc"
