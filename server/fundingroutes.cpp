#include "fundingroutes.h"

#include "core/funding/fundingservice.h"
#include "jsonresponse.h"
#include "serverlog.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

using Status = QHttpServerResponse::StatusCode;
using Method = QHttpServerRequest::Method;

FundingOrigin originOf(const RequestContext &c)
{
    return {c.user.userId, c.client.ip};
}

RouteSpec spec(Method method, const QString &suffix, const QString &operationId, const QString &summary)
{
    return AccountAccess::routeSpec(method, suffix, operationId, summary, u"funding"_s);
}

QString isoTime(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

FundingRoutes::FundingRoutes(FundingService &funding, BrokerageAccountRepository &accounts, QObject *parent)
    : QObject(parent), m_funding(funding), m_access(accounts)
{}

QHttpServerResponse FundingRoutes::failure(const FundingError &error)
{
    return serviceFailure(error);
}

QJsonObject FundingRoutes::toJson(const BankLinkRecord &l)
{
    return {{u"id"_s, l.id},
            {u"account_id"_s, l.accountId},
            {u"method"_s, l.method},
            {u"account_owner_name"_s, l.ownerName},
            {u"bank_account_type"_s, l.accountType},
            {u"account_last4"_s, l.accountLast4},
            {u"bank_routing_number"_s, l.routingNumber},
            {u"nickname"_s, l.nickname},
            {u"status"_s, l.status},
            {u"created_at"_s, isoTime(l.createdAt)}};
}

QJsonObject FundingRoutes::toJson(const TransferRecord &t)
{
    QJsonObject out{{u"id"_s, t.id},
                    {u"account_id"_s, t.accountId},
                    {u"link_id"_s, t.linkId},
                    {u"direction"_s, toWire(t.direction)},
                    {u"amount"_s, t.amount.toFixed(2)},
                    {u"idempotency_key"_s, t.idempotencyKey},
                    {u"state"_s, toString(t.state)},
                    {u"status"_s, toWire(t.status)},
                    {u"broker_transfer_id"_s,
                     t.brokerTransferId.isEmpty() ? QJsonValue() : QJsonValue(t.brokerTransferId)},
                    {u"created_at"_s, isoTime(t.createdAt)},
                    {u"updated_at"_s, isoTime(t.updatedAt)}};
    if (!t.errorCode.isEmpty())
        out.insert(u"error"_s, QJsonObject{{u"code"_s, t.errorCode}, {u"message"_s, t.errorMessage}});
    return out;
}

std::optional<QHttpServerResponse> FundingRoutes::refuse(const RequestContext &c, Access access,
                                                         const QString &action) const
{
    return m_access.check(c, access == Access::Read ? AccountAccess::Use::Read : AccountAccess::Use::Act,
                          u"operators may read any account but move money only on their own"_s,
                          [&](const QString &code) {
                              m_funding.auditRefusal(originOf(c), AccountAccess::accountOf(c), action, code);
                          });
}

void FundingRoutes::addTo(HttpRouter &router)
{
    {
        RouteSpec s = spec(Method::Get, u"/bank-links"_s, u"listBankLinks"_s,
                           u"The account's linked bank accounts (last four digits only)"_s);
        s.responseSchema = u"BankLinkList"_s;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Read))
                return ready(std::move(*refused));
            return m_funding.links(AccountAccess::accountOf(c))
                .then(this, [](const FundingResult<QList<BankLinkRecord>> &links) {
                    if (!links)
                        return failure(links.error());
                    QJsonArray out;
                    for (const BankLinkRecord &l : *links)
                        out.append(toJson(l));
                    return jsonResponse(out);
                });
        });
    }
    {
        RouteSpec s = spec(Method::Post, u"/bank-links"_s, u"linkBank"_s,
                           u"Link a bank account for ACH: manual details (routing number with a valid ABA "
                           "checksum) or a Plaid processor token. The full account number goes to the broker "
                           "only"_s);
        s.body = {
            {u"account_owner_name"_s, u"Manual: the bank account owner's name"_s, false, 100},
            {u"bank_account_type"_s, u"Manual: checking or savings"_s, false, 16},
            {u"bank_account_number"_s, u"Manual: 4 to 17 digits"_s, false, 17},
            {u"bank_routing_number"_s, u"Manual: 9 digits, ABA checksum"_s, false, 9},
            {u"nickname"_s, u"Optional label"_s, false, 64},
            {u"processor_token"_s, u"Plaid: a processor token for Alpaca, instead of the details"_s, false,
             512},
        };
        s.status = 201;
        s.responseSchema = u"BankLink"_s;
        s.errors += {403, 409, 422, 429};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Move, u"bank_link.create"_s))
                return ready(std::move(*refused));
            LinkBank command;
            command.accountId = AccountAccess::accountOf(c);
            command.ownerName = c.body.value(u"account_owner_name"_s).toString();
            command.accountType = c.body.value(u"bank_account_type"_s).toString();
            command.accountNumber = c.body.value(u"bank_account_number"_s).toString();
            command.routingNumber = c.body.value(u"bank_routing_number"_s).toString();
            command.nickname = c.body.value(u"nickname"_s).toString();
            command.processorToken = c.body.value(u"processor_token"_s).toString();
            return m_funding.link(originOf(c), command)
                .then(this, [](const FundingResult<BankLinkRecord> &link) {
                    if (!link)
                        return failure(link.error());
                    return jsonResponse(toJson(*link), Status::Created);
                });
        });
    }
    {
        RouteSpec s = spec(Method::Delete, u"/bank-links/{link_id}"_s, u"unlinkBank"_s,
                           u"Remove a bank link (at the broker too)"_s);
        s.status = 204;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Move, u"bank_link.remove"_s))
                return ready(std::move(*refused));
            return m_funding.unlink(originOf(c), AccountAccess::accountOf(c), c.path.value(u"link_id"_s))
                .then(this, [](const FundingResult<Done> &done) {
                    if (!done)
                        return failure(done.error());
                    return QHttpServerResponse(Status::NoContent);
                });
        });
    }
    {
        RouteSpec s = spec(Method::Get, u"/transfers"_s, u"listTransfers"_s,
                           u"The account's deposits and withdrawals, newest first, statuses synced with the "
                           "broker"_s);
        s.responseSchema = u"TransferList"_s;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Read))
                return ready(std::move(*refused));
            return m_funding.transfers(AccountAccess::accountOf(c))
                .then(this, [](const FundingResult<QList<TransferRecord>> &list) {
                    if (!list)
                        return failure(list.error());
                    QJsonArray out;
                    for (const TransferRecord &t : *list)
                        out.append(toJson(t));
                    return jsonResponse(out);
                });
        });
    }
    {
        RouteSpec s =
            spec(Method::Post, u"/transfers"_s, u"createTransfer"_s,
                 u"Deposit (INCOMING) or withdraw (OUTGOING) $1 to $50,000 by ACH over a linked bank; "
                 "one transfer per account per day. Stored before the broker sees it; a retry with "
                 "the same idempotency_key never sends a second one"_s);
        s.body = {
            {u"link_id"_s, u"The bank link to use"_s, true, 64},
            {u"direction"_s, u"INCOMING (deposit) or OUTGOING (withdrawal)"_s, true, 16},
            {u"amount"_s, u"Dollars as a decimal string with at most 2 decimal places"_s, true, 32},
            {u"idempotency_key"_s, u"Required: a fresh value per transfer, the same value to retry it"_s,
             true, 128},
        };
        s.status = 201;
        s.responseSchema = u"Transfer"_s;
        s.errors += {403, 409, 422, 429};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Move, u"transfer.create"_s))
                return ready(std::move(*refused));
            RequestTransfer command;
            command.accountId = AccountAccess::accountOf(c);
            command.linkId = c.body.value(u"link_id"_s).toString();
            command.direction = c.body.value(u"direction"_s).toString();
            command.amount = c.body.value(u"amount"_s).toString();
            command.idempotencyKey = c.body.value(u"idempotency_key"_s).toString();
            return m_funding.transfer(originOf(c), command)
                .then(this, [](const FundingResult<TransferRecord> &t) {
                    if (!t)
                        return failure(t.error());
                    return jsonResponse(toJson(*t), Status::Created);
                });
        });
    }
    {
        RouteSpec s = spec(Method::Get, u"/transfers/{transfer_id}"_s, u"transfer"_s,
                           u"One transfer, its status synced with the broker"_s);
        s.responseSchema = u"Transfer"_s;
        s.errors += {403};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Read))
                return ready(std::move(*refused));
            return m_funding.transferById(AccountAccess::accountOf(c), c.path.value(u"transfer_id"_s))
                .then(this, [](const FundingResult<TransferRecord> &t) {
                    if (!t)
                        return failure(t.error());
                    return jsonResponse(toJson(*t));
                });
        });
    }
    {
        RouteSpec s = spec(Method::Delete, u"/transfers/{transfer_id}"_s, u"cancelTransfer"_s,
                           u"Cancel a transfer the broker still has QUEUED"_s);
        s.responseSchema = u"Transfer"_s;
        s.errors += {403, 422};
        router.add(s, [this](const QHttpServerRequest &, const RequestContext &c) {
            if (auto refused = refuse(c, Access::Move, u"transfer.cancel"_s))
                return ready(std::move(*refused));
            return m_funding.cancel(originOf(c), AccountAccess::accountOf(c), c.path.value(u"transfer_id"_s))
                .then(this, [](const FundingResult<TransferRecord> &t) {
                    if (!t)
                        return failure(t.error());
                    return jsonResponse(toJson(*t));
                });
        });
    }
}

} // namespace clera
