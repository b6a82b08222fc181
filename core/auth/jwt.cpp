#include "jwt.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <limits>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr qsizetype kMaxTokenLength = 8192;

QByteArray encode(const QByteArray &bytes)
{
    return bytes.toBase64(kBase64Url);
}

// Strict base64url without padding: only the 64 URL-safe characters, and a length a real encoder emits.
std::optional<QByteArray> decode(QByteArrayView text)
{
    if (text.isEmpty() || text.size() % 4 == 1)
        return std::nullopt;
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_';
        if (!ok)
            return std::nullopt;
    }
    auto result = QByteArray::fromBase64Encoding(text.toByteArray(),
                                                 kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return *result;
}

std::optional<QJsonObject> decodeObject(QByteArrayView segment)
{
    const auto bytes = decode(segment);
    if (!bytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<qint64> integerClaim(const QJsonObject &payload, QLatin1StringView name)
{
    const QJsonValue v = payload.value(name);
    if (!v.isDouble())
        return std::nullopt;
    constexpr qint64 kInvalid = std::numeric_limits<qint64>::min();
    const qint64 n = v.toInteger(kInvalid);
    if (n == kInvalid)
        return std::nullopt;
    return n;
}

bool hasAudience(const QJsonValue &aud)
{
    if (aud.isString())
        return aud.toString() == Jwt::kAudience;
    if (aud.isArray()) {
        const QJsonArray list = aud.toArray();
        return std::any_of(list.begin(), list.end(), [](const QJsonValue &v) {
            return v.isString() && v.toString() == Jwt::kAudience;
        });
    }
    return false;
}

Unexpected<JwtError> fail(JwtError::Kind kind, const QString &message)
{
    return unexpected(JwtError{kind, message});
}

qint64 nowSeconds()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace

QString toString(Role role)
{
    return role == Role::Operator ? u"operator"_s : u"user"_s;
}

std::optional<Role> roleFromString(QStringView text)
{
    if (text == u"user")
        return Role::User;
    if (text == u"operator")
        return Role::Operator;
    return std::nullopt;
}

QString JwtError::kindName() const
{
    switch (kind) {
    case Kind::Malformed:
        return u"malformed"_s;
    case Kind::UnsupportedAlgorithm:
        return u"unsupported_algorithm"_s;
    case Kind::BadSignature:
        return u"bad_signature"_s;
    case Kind::WrongAudience:
        return u"wrong_audience"_s;
    case Kind::Expired:
        return u"expired"_s;
    case Kind::NotYetValid:
        return u"not_yet_valid"_s;
    case Kind::InvalidClaims:
        return u"invalid_claims"_s;
    }
    return u"malformed"_s;
}

Jwt::Jwt(QByteArray key, std::chrono::seconds leeway) : m_key(std::move(key)), m_leeway(leeway.count())
{
    Q_ASSERT(!m_key.isEmpty());
}

QByteArray Jwt::signature(const QByteArray &signingInput) const
{
    return QMessageAuthenticationCode::hash(signingInput, m_key, QCryptographicHash::Sha256);
}

QString Jwt::sign(const TokenClaims &claims) const
{
    static const QByteArray header =
        encode(QJsonDocument(QJsonObject{{u"alg"_s, u"HS256"_s}, {u"typ"_s, u"JWT"_s}})
                   .toJson(QJsonDocument::Compact));
    const QJsonObject payload{
        {u"sub"_s, claims.subject},  {u"role"_s, toString(claims.role)}, {u"aud"_s, kAudience.toString()},
        {u"iat"_s, claims.issuedAt}, {u"exp"_s, claims.expiresAt},
    };
    const QByteArray signingInput =
        header + '.' + encode(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(signingInput + '.' + encode(signature(signingInput)));
}

QString Jwt::issue(const QString &subject, Role role, std::chrono::seconds ttl,
                   std::optional<qint64> now) const
{
    const qint64 at = now.value_or(nowSeconds());
    return sign(TokenClaims{subject, role, at, at + ttl.count()});
}

Expected<TokenClaims, JwtError> Jwt::verify(QStringView token, std::optional<qint64> now) const
{
    using Kind = JwtError::Kind;
    if (token.isEmpty() || token.size() > kMaxTokenLength)
        return fail(Kind::Malformed, u"token is empty or too long"_s);
    const QByteArray bytes = token.toLatin1();
    const QList<QByteArray> parts = bytes.split('.');
    if (parts.size() != 3)
        return fail(Kind::Malformed, u"token must have three segments"_s);

    const auto header = decodeObject(parts[0]);
    if (!header)
        return fail(Kind::Malformed, u"token header is not base64url JSON"_s);
    if (header->value(u"alg"_s).toString() != u"HS256")
        return fail(Kind::UnsupportedAlgorithm, u"only HS256 tokens are accepted"_s);
    if (header->contains(u"crit"_s))
        return fail(Kind::UnsupportedAlgorithm, u"critical header extensions are not supported"_s);

    const auto givenSignature = decode(parts[2]);
    if (!givenSignature)
        return fail(Kind::Malformed, u"token signature is not base64url"_s);
    const QByteArray signingInput = bytes.left(parts[0].size() + 1 + parts[1].size());
    if (!constantTimeEquals(signature(signingInput), *givenSignature))
        return fail(Kind::BadSignature, u"token signature does not match"_s);

    const auto payload = decodeObject(parts[1]);
    if (!payload)
        return fail(Kind::Malformed, u"token payload is not base64url JSON"_s);
    if (!hasAudience(payload->value(u"aud"_s)))
        return fail(Kind::WrongAudience, u"token is not meant for clera"_s);

    TokenClaims claims;
    claims.subject = payload->value(u"sub"_s).toString();
    if (claims.subject.isEmpty())
        return fail(Kind::InvalidClaims, u"token has no subject"_s);
    const auto role = roleFromString(payload->value(u"role"_s).toString());
    if (!role)
        return fail(Kind::InvalidClaims, u"token role must be user or operator"_s);
    claims.role = *role;
    const auto iat = integerClaim(*payload, "iat"_L1);
    const auto exp = integerClaim(*payload, "exp"_L1);
    if (!iat || !exp)
        return fail(Kind::InvalidClaims, u"token needs integer iat and exp claims"_s);
    claims.issuedAt = *iat;
    claims.expiresAt = *exp;

    const qint64 t = now.value_or(nowSeconds());
    if (t > claims.expiresAt + m_leeway)
        return fail(Kind::Expired, u"token has expired"_s);
    if (claims.issuedAt > t + m_leeway)
        return fail(Kind::NotYetValid, u"token is issued in the future"_s);
    if (payload->contains(u"nbf"_s)) {
        const auto nbf = integerClaim(*payload, "nbf"_L1);
        if (!nbf)
            return fail(Kind::InvalidClaims, u"token nbf claim must be an integer"_s);
        if (*nbf > t + m_leeway)
            return fail(Kind::NotYetValid, u"token is not valid yet"_s);
    }
    return claims;
}

} // namespace clera
