#pragma once

#include "core/trading/tradingerror.h"
#include "accountaccess.h"
#include "httprouter.h"

#include <QHttpServerResponse>
#include <QObject>

#include <optional>

namespace clera {

class Broker;
class BrokerageAccountRepository;
class OrderService;

// The trading routes under /api/v1/accounts/{account_id}: POST/GET orders, POST orders/preview,
// GET/DELETE orders/{order_id} and GET positions. A user reaches only the accounts BrokerageAccountRepository
// says are theirs (others answer 404, as if they did not exist); an operator may read any account but
// trades for nobody else (403).
class TradingRoutes : public QObject
{
    Q_OBJECT
public:
    TradingRoutes(OrderService &orders, Broker &broker, BrokerageAccountRepository &accounts,
                  QObject *parent = nullptr);

    void addTo(HttpRouter &router);

    // The REST answer for a failed order operation.
    [[nodiscard]] static QHttpServerResponse failure(const TradingError &error);

private:
    enum class Access { Read, Trade };
    // The answer when the token may not use the account this way; a refused trade is audit-logged as
    // `action` with result "denied".
    [[nodiscard]] std::optional<QHttpServerResponse> refuse(const RequestContext &context, Access access,
                                                            const QString &action = {}) const;

    [[nodiscard]] QFuture<QHttpServerResponse> place(const RequestContext &context);
    [[nodiscard]] QFuture<QHttpServerResponse> preview(const RequestContext &context);
    [[nodiscard]] QFuture<QHttpServerResponse> list(const QHttpServerRequest &request,
                                                    const RequestContext &context);

    OrderService &m_orders;
    Broker &m_broker;
    AccountAccess m_access;
};

} // namespace clera
