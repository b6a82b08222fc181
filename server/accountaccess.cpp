#include "accountaccess.h"

#include "core/store/brokerageaccountrepository.h"
#include "serverlog.h"

using namespace Qt::StringLiterals;

namespace clera {

QString AccountAccess::accountOf(const RequestContext &context)
{
    return context.path.value(u"account_id"_s);
}

QString AccountAccess::path(const QString &suffix)
{
    return u"/api/v1/accounts/{account_id}"_s + suffix;
}

RouteSpec AccountAccess::routeSpec(QHttpServerRequest::Method method, const QString &suffix,
                                   const QString &operationId, const QString &summary, const QString &tag)
{
    RouteSpec s;
    s.method = method;
    s.path = path(suffix);
    s.operationId = operationId;
    s.summary = summary;
    s.tag = tag;
    s.bearer = true;
    s.errors = {404, 502, 503};
    return s;
}

std::optional<QHttpServerResponse> AccountAccess::check(const RequestContext &context, Use use,
                                                        const QString &operatorMessage,
                                                        const RefusalLog &logRefusal) const
{
    using Status = QHttpServerResponse::StatusCode;
    const auto owner = m_accounts.ownerOf(accountOf(context));
    if (!owner) {
        qCWarning(lcServer) << "brokerage accounts unavailable:" << owner.error().message;
        return errorResponse(Status::InternalServerError, u"internal_error"_s, u"account ownership unavailable"_s);
    }
    if (!owner->isEmpty() && *owner == context.user.userId)
        return std::nullopt;
    const bool isOperator = context.user.role == Role::Operator;
    if (use == Use::Read && isOperator)
        return std::nullopt;
    const QString code = isOperator ? u"forbidden"_s : u"account_not_found"_s;
    if (use == Use::Act && logRefusal)
        logRefusal(code);
    if (isOperator)
        return errorResponse(Status::Forbidden, code, operatorMessage);
    return errorResponse(Status::NotFound, code, u"no such account"_s);
}

} // namespace clera
