#pragma once

#include "core/store/auditlog.h"
#include "core/store/sessionrepository.h"

#include <QElapsedTimer>
#include <QHttpServerResponse>
#include <QJsonObject>

#include <functional>

namespace clera {

class AuthService;
class BrokerageAccountRepository;
class Database;
class HttpRouter;
struct RequestContext;
class UserRepository;
class WebSocketHub;

// The operator routes under /api/v1/admin/: users (paged, filtered by email), one user, disable and
// enable (audited; disabling revokes every session), a user's sessions (never their token hashes),
// every brokerage account, the audit log (paged by id, filtered by actor, subject and action) and the
// system status. Each needs a bearer token of an enabled operator: 401 without one, 403 for a user.
class OperatorRoutes
{
public:
    struct Services
    {
        AuthService *auth = nullptr;
        Database *database = nullptr;
        UserRepository *users = nullptr;
        BrokerageAccountRepository *accounts = nullptr;
        const WebSocketHub *hub = nullptr;
        std::function<QJsonObject()> health; // the body of GET /health
        QString version;
    };

    static constexpr int kDefaultPageSize = 50;
    static constexpr int kMaxPageSize = 500;

    explicit OperatorRoutes(Services services);

    void addTo(HttpRouter &router);

private:
    [[nodiscard]] QHttpServerResponse users(const QHttpServerRequest &request) const;
    [[nodiscard]] QHttpServerResponse user(const QString &userId) const;
    [[nodiscard]] QHttpServerResponse setDisabled(const RequestContext &context, bool disabled);
    [[nodiscard]] QHttpServerResponse sessions(const QHttpServerRequest &request,
                                               const QString &userId) const;
    [[nodiscard]] QHttpServerResponse accounts(const QHttpServerRequest &request) const;
    [[nodiscard]] QHttpServerResponse audit(const QHttpServerRequest &request) const;
    [[nodiscard]] QHttpServerResponse status() const;

    Services m_services;
    SessionRepository m_sessions;
    AuditLog m_audit;
};

} // namespace clera
