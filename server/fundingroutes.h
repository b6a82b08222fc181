#pragma once

#include "core/funding/fundingerror.h"
#include "accountaccess.h"
#include "httprouter.h"

#include <QHttpServerResponse>
#include <QObject>

#include <optional>

namespace clera {

class BrokerageAccountRepository;
class FundingService;
struct BankLinkRecord;
struct TransferRecord;

// The funding routes under /api/v1/accounts/{account_id}: GET/POST bank-links, DELETE
// bank-links/{link_id}, GET/POST transfers, GET/DELETE transfers/{transfer_id}. The same access rules
// as the trading routes: a user reaches only their own accounts (others answer 404), an operator may
// read any account but moves money and links banks for nobody else (403).
class FundingRoutes : public QObject
{
    Q_OBJECT
public:
    FundingRoutes(FundingService &funding, BrokerageAccountRepository &accounts, QObject *parent = nullptr);

    void addTo(HttpRouter &router);

    [[nodiscard]] static QHttpServerResponse failure(const FundingError &error);
    [[nodiscard]] static QJsonObject toJson(const BankLinkRecord &link);
    [[nodiscard]] static QJsonObject toJson(const TransferRecord &transfer);

private:
    enum class Access { Read, Move };
    [[nodiscard]] std::optional<QHttpServerResponse> refuse(const RequestContext &context, Access access,
                                                            const QString &action = {}) const;

    FundingService &m_funding;
    AccountAccess m_access;
};

} // namespace clera
