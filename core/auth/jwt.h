#pragma once

#include "core/domain/expected.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <optional>

namespace clera {

enum class Role { User, Operator };

[[nodiscard]] QString toString(Role role);
// "user" | "operator"; nullopt for anything else.
[[nodiscard]] std::optional<Role> roleFromString(QStringView text);

// The claims Clera puts in an access token. Times are seconds since the epoch.
struct TokenClaims
{
    QString subject; // user id
    Role role = Role::User;
    qint64 issuedAt = 0;
    qint64 expiresAt = 0;

    friend bool operator==(const TokenClaims &, const TokenClaims &) = default;
};

struct JwtError
{
    enum class Kind {
        Malformed,
        UnsupportedAlgorithm,
        BadSignature,
        WrongAudience,
        Expired,
        NotYetValid,
        InvalidClaims
    };
    Kind kind = Kind::Malformed;
    QString message; // safe to show to the client; never contains the token

    [[nodiscard]] QString kindName() const;
};

// HS256 JSON Web Tokens (RFC 7519) with audience "clera". Verification accepts only alg HS256 (never
// "none" or another algorithm named by the token), compares signatures in constant time and allows
// a small clock skew on exp, iat and nbf.
class Jwt
{
public:
    static constexpr QStringView kAudience = u"clera";

    explicit Jwt(QByteArray key, std::chrono::seconds leeway = std::chrono::seconds(30));

    [[nodiscard]] QString sign(const TokenClaims &claims) const;
    // A token for `subject` valid from `now` for `ttl`.
    [[nodiscard]] QString issue(const QString &subject, Role role, std::chrono::seconds ttl,
                                std::optional<qint64> now = std::nullopt) const;
    [[nodiscard]] Expected<TokenClaims, JwtError> verify(QStringView token,
                                                         std::optional<qint64> now = std::nullopt) const;

private:
    [[nodiscard]] QByteArray signature(const QByteArray &signingInput) const;

    QByteArray m_key;
    qint64 m_leeway;
};

} // namespace clera
