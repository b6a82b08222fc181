#pragma once

#include <QString>

#include <optional>

namespace clera {

// What Clera accepts as an email address and a password. Passwords: 12 to 128 characters (Unicode
// code points, any characters, no composition rules, per NIST SP 800-63B), not the email address
// itself and not one character repeated. Each check returns a message safe to show, or nullopt.
class SignUpRules
{
public:
    static constexpr int kMinPasswordLength = 12;
    static constexpr int kMaxPasswordLength = 128;
    static constexpr int kMaxEmailLength = 254;

    [[nodiscard]] static std::optional<QString> checkEmail(const QString &email);
    [[nodiscard]] static std::optional<QString> checkPassword(const QString &password,
                                                              const QString &email = {});
};

} // namespace clera
