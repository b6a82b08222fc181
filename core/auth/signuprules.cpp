#include "signuprules.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace clera {

std::optional<QString> SignUpRules::checkEmail(const QString &email)
{
    static const QRegularExpression shape(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s.]{2,}$"_s);
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty())
        return u"an email address is required"_s;
    if (trimmed.size() > kMaxEmailLength || !shape.match(trimmed).hasMatch())
        return u"this is not a valid email address"_s;
    return std::nullopt;
}

std::optional<QString> SignUpRules::checkPassword(const QString &password, const QString &email)
{
    const auto codePoints = password.toUcs4();
    if (codePoints.size() < kMinPasswordLength)
        return u"the password must be at least %1 characters long"_s.arg(kMinPasswordLength);
    if (codePoints.size() > kMaxPasswordLength)
        return u"the password must be at most %1 characters long"_s.arg(kMaxPasswordLength);
    if (std::all_of(codePoints.begin(), codePoints.end(),
                    [&](char32_t c) { return c == codePoints.first(); }))
        return u"the password must not be one character repeated"_s;
    if (!email.isEmpty() && password.trimmed().compare(email.trimmed(), Qt::CaseInsensitive) == 0)
        return u"the password must not be the email address"_s;
    return std::nullopt;
}

} // namespace clera
