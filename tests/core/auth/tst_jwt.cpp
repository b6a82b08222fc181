#include "core/auth/jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

constexpr qint64 kNow = 1'700'000'000;
const QByteArray kKey = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

QByteArray b64(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject header(const QString &alg = u"HS256"_s)
{
    return {{u"alg"_s, alg}, {u"typ"_s, u"JWT"_s}};
}

QJsonObject payload()
{
    return {{u"sub"_s, u"demo-alice"_s},
            {u"role"_s, u"user"_s},
            {u"aud"_s, u"clera"_s},
            {u"iat"_s, kNow - 10},
            {u"exp"_s, kNow + 3600}};
}

// A token built by hand, so the tests do not depend on Jwt::sign for the malformed cases.
QString handMade(const QJsonObject &h, const QJsonObject &p, const QByteArray &key = kKey,
                 QCryptographicHash::Algorithm alg = QCryptographicHash::Sha256)
{
    const QByteArray input = b64(json(h)) + '.' + b64(json(p));
    return QString::fromLatin1(input + '.' + b64(QMessageAuthenticationCode::hash(input, key, alg)));
}

QJsonObject with(QJsonObject o, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        o.remove(key);
    else
        o.insert(key, value);
    return o;
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        const Jwt jwt(kKey);
        const QString token = jwt.issue(u"demo-bob"_s, Role::Operator, std::chrono::hours(1), kNow);
        QCOMPARE(token.count(u'.'), 2);
        QVERIFY(!token.contains(u'='));
        const auto claims = jwt.verify(token, kNow + 5);
        QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().message));
        QCOMPARE(claims->subject, u"demo-bob"_s);
        QVERIFY(claims->role == Role::Operator);
        QCOMPARE(claims->issuedAt, kNow);
        QCOMPARE(claims->expiresAt, kNow + 3600);
    }

    void verify_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("kind");

        const QString good = handMade(header(), payload());
        const QByteArray goodHeader = b64(json(header()));
        const QByteArray goodSig = good.section(u'.', 2).toLatin1();
        const auto bad = [](JwtError::Kind k) { return int(k); };
        using K = JwtError::Kind;

        QTest::addRow("valid user") << good << true << 0;
        QTest::addRow("valid operator")
            << handMade(header(), with(payload(), u"role"_s, u"operator"_s)) << true << 0;
        QTest::addRow("aud as array")
            << handMade(header(), with(payload(), u"aud"_s, QJsonArray{u"x"_s, u"clera"_s})) << true << 0;
        QTest::addRow("expired within leeway")
            << handMade(header(), with(payload(), u"exp"_s, kNow - 20)) << true << 0;
        QTest::addRow("wrong secret") << handMade(header(), payload(), "another secret of enough length!!")
                                      << false << bad(K::BadSignature);
        QTest::addRow("alg none, no signature")
            << QString::fromLatin1(b64(json(header(u"none"_s))) + '.' + b64(json(payload())) + '.') << false
            << bad(K::UnsupportedAlgorithm);
        QTest::addRow("alg none with signature")
            << handMade(header(u"none"_s), payload()) << false << bad(K::UnsupportedAlgorithm);
        QTest::addRow("alg HS512") << handMade(header(u"HS512"_s), payload(), kKey,
                                               QCryptographicHash::Sha512)
                                   << false << bad(K::UnsupportedAlgorithm);
        QTest::addRow("alg RS256") << handMade(header(u"RS256"_s), payload()) << false
                                   << bad(K::UnsupportedAlgorithm);
        QTest::addRow("alg missing") << handMade(QJsonObject{{u"typ"_s, u"JWT"_s}}, payload()) << false
                                     << bad(K::UnsupportedAlgorithm);
        QTest::addRow("expired") << handMade(header(), with(payload(), u"exp"_s, kNow - 31)) << false
                                 << bad(K::Expired);
        QTest::addRow("not yet valid (nbf)")
            << handMade(header(), with(payload(), u"nbf"_s, kNow + 600)) << false << bad(K::NotYetValid);
        QTest::addRow("issued in the future")
            << handMade(header(), with(payload(), u"iat"_s, kNow + 600)) << false << bad(K::NotYetValid);
        QTest::addRow("nbf passed") << handMade(header(), with(payload(), u"nbf"_s, kNow - 1)) << true << 0;
        QTest::addRow("wrong aud") << handMade(header(), with(payload(), u"aud"_s, u"other"_s)) << false
                                   << bad(K::WrongAudience);
        QTest::addRow("no aud") << handMade(header(), with(payload(), u"aud"_s, QJsonValue::Undefined))
                                << false << bad(K::WrongAudience);
        QTest::addRow("role admin") << handMade(header(), with(payload(), u"role"_s, u"admin"_s)) << false
                                    << bad(K::InvalidClaims);
        QTest::addRow("role missing") << handMade(header(), with(payload(), u"role"_s, QJsonValue::Undefined))
                                      << false << bad(K::InvalidClaims);
        QTest::addRow("role Operator (case)") << handMade(header(), with(payload(), u"role"_s, u"Operator"_s))
                                              << false << bad(K::InvalidClaims);
        QTest::addRow("no subject") << handMade(header(), with(payload(), u"sub"_s, QJsonValue::Undefined))
                                    << false << bad(K::InvalidClaims);
        QTest::addRow("exp missing") << handMade(header(), with(payload(), u"exp"_s, QJsonValue::Undefined))
                                     << false << bad(K::InvalidClaims);
        QTest::addRow("exp as string") << handMade(header(), with(payload(), u"exp"_s, u"1700003600"_s))
                                       << false << bad(K::InvalidClaims);
        QTest::addRow("exp fractional") << handMade(header(), with(payload(), u"exp"_s, double(kNow) + 0.5))
                                        << false << bad(K::InvalidClaims);
        QTest::addRow("empty") << QString() << false << bad(K::Malformed);
        QTest::addRow("garbage") << u"garbage"_s << false << bad(K::Malformed);
        QTest::addRow("two segments") << good.section(u'.', 0, 1) << false << bad(K::Malformed);
        QTest::addRow("four segments") << good + u".x"_s << false << bad(K::Malformed);
        QTest::addRow("empty signature") << good.section(u'.', 0, 1) + u'.' << false << bad(K::Malformed);
        QTest::addRow("padded signature") << good + u"="_s << false << bad(K::Malformed);
        QTest::addRow("header not json")
            << QString::fromLatin1(b64("not json") + '.' + b64(json(payload())) + '.' + goodSig) << false
            << bad(K::Malformed);
        QTest::addRow("header not base64") << u"!!!."_s + good.section(u'.', 1) << false << bad(K::Malformed);
        QTest::addRow("tampered payload")
            << QString::fromLatin1(goodHeader + '.' + b64(json(with(payload(), u"role"_s, u"operator"_s))) +
                                   '.' + goodSig)
            << false << bad(K::BadSignature);
        QTest::addRow("tampered subject")
            << QString::fromLatin1(goodHeader + '.' + b64(json(with(payload(), u"sub"_s, u"demo-bob"_s))) +
                                   '.' + goodSig)
            << false << bad(K::BadSignature);
        QTest::addRow("truncated signature") << good.left(good.size() - 1) << false << bad(K::BadSignature);
        QTest::addRow("payload not json, signed") << [] {
            const QByteArray input = b64(json(header())) + '.' + b64("[1,2");
            return QString::fromLatin1(
                input + '.' + b64(QMessageAuthenticationCode::hash(input, kKey, QCryptographicHash::Sha256)));
        }() << false << bad(K::Malformed);
    }

    void verify()
    {
        QFETCH(QString, token);
        QFETCH(bool, valid);
        QFETCH(int, kind);
        const Jwt jwt(kKey);
        const auto claims = jwt.verify(token, kNow);
        if (valid) {
            QVERIFY2(claims, qPrintable(claims ? QString() : claims.error().message));
            QCOMPARE(claims->subject, u"demo-alice"_s);
        } else {
            QVERIFY(!claims);
            QCOMPARE(int(claims.error().kind), kind);
            QVERIFY(!claims.error().message.isEmpty());
        }
    }

    void errorMessageNeverContainsToken()
    {
        const Jwt jwt(kKey);
        const QString token = handMade(header(), payload(), "another secret of enough length!!");
        const auto claims = jwt.verify(token, kNow);
        QVERIFY(!claims);
        QVERIFY(!claims.error().message.contains(token.section(u'.', 2)));
    }

    void roles_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("known");
        QTest::addColumn<int>("role");
        QTest::addRow("user") << u"user"_s << true << int(Role::User);
        QTest::addRow("operator") << u"operator"_s << true << int(Role::Operator);
        QTest::addRow("empty") << QString() << false << 0;
        QTest::addRow("USER") << u"USER"_s << false << 0;
        QTest::addRow("admin") << u"admin"_s << false << 0;
    }

    void roles()
    {
        QFETCH(QString, text);
        QFETCH(bool, known);
        QFETCH(int, role);
        const auto parsed = roleFromString(text);
        QCOMPARE(parsed.has_value(), known);
        if (known) {
            QCOMPARE(int(*parsed), role);
            QCOMPARE(toString(*parsed), text);
        }
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
