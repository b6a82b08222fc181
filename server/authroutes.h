#pragma once

#include "core/auth/autherror.h"

#include <QHttpServerResponse>

namespace clera {

class AuthService;
class BrokerageAccountRepository;
class HttpRouter;
class UserRepository;

// The account routes: POST /api/v1/auth/{sign-up, sign-in, refresh, sign-out, sign-out-everywhere,
// change-password, request-verification, verify-email, request-password-reset,
// complete-password-reset} and GET /api/v1/me, over AuthService.
class AuthRoutes
{
public:
    AuthRoutes(AuthService &auth, UserRepository &users, BrokerageAccountRepository &accounts);

    void addTo(HttpRouter &router);

    // The REST answer for a failed auth operation: 400 invalid_input, 401 invalid_credentials, 403
    // account_disabled, `tokenStatus` invalid_token, 429 rate_limited with Retry-After, 500.
    [[nodiscard]] static QHttpServerResponse
    failure(const AuthError &error,
            QHttpServerResponse::StatusCode tokenStatus = QHttpServerResponse::StatusCode::BadRequest);

private:
    AuthService &m_auth;
    UserRepository &m_users;
    BrokerageAccountRepository &m_accounts;
};

} // namespace clera
