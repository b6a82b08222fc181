#include "autherror.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcAuthError, "clera.auth")

namespace clera {

AuthError::AuthError(const StoreError &store) : kind(Kind::Internal), message(u"internal error"_s)
{
    qCWarning(lcAuthError) << "store error:" << store.kindName() << store.message;
}

QString AuthError::code() const
{
    switch (kind) {
    case Kind::InvalidInput:
        return u"invalid_input"_s;
    case Kind::InvalidCredentials:
        return u"invalid_credentials"_s;
    case Kind::AccountDisabled:
        return u"account_disabled"_s;
    case Kind::InvalidToken:
        return u"invalid_token"_s;
    case Kind::RateLimited:
        return u"rate_limited"_s;
    case Kind::Forbidden:
        return u"forbidden"_s;
    case Kind::NotFound:
        return u"not_found"_s;
    case Kind::Conflict:
        return u"conflict"_s;
    case Kind::Internal:
        break;
    }
    return u"internal"_s;
}

} // namespace clera
