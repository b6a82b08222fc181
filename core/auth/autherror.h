#pragma once

#include "core/store/storeerror.h"

#include <QString>

#include <chrono>

namespace clera {

// Why an auth operation failed. Messages are safe to show and never tell whether an email address
// has an account.
struct AuthError
{
    enum class Kind {
        InvalidInput,       // malformed email or a password the rules refuse
        InvalidCredentials, // "invalid email or password", whichever was wrong
        AccountDisabled,    // only after the right password
        InvalidToken,       // refresh, verification or reset token unknown, used, revoked or expired
        RateLimited,        // retryAfter says when to try again
        Forbidden,          // the caller lacks the role for an operator action
        NotFound,           // an operator action names an unknown user
        Conflict,           // an operator action the current state forbids (disabling the last operator)
        Internal            // the store or the mailer failed; details are in the logs
    };

    AuthError() = default;
    AuthError(Kind k, QString m, std::chrono::seconds retry = std::chrono::seconds(0))
        : kind(k), message(std::move(m)), retryAfter(retry)
    {}
    explicit AuthError(const StoreError &store);

    Kind kind = Kind::Internal;
    QString message;
    std::chrono::seconds retryAfter{0};

    // Stable machine code for the REST error body ("invalid_credentials", …).
    [[nodiscard]] QString code() const;
};

} // namespace clera
