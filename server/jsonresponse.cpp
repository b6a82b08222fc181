#include "jsonresponse.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

QHttpServerResponse make(const QJsonDocument &doc, QHttpServerResponse::StatusCode status)
{
    QHttpServerResponse response(QByteArrayLiteral("application/json"), doc.toJson(QJsonDocument::Compact),
                                 status);
    response.addHeader(QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store"));
    return response;
}

} // namespace

QHttpServerResponse jsonResponse(const QJsonObject &body, QHttpServerResponse::StatusCode status)
{
    return make(QJsonDocument(body), status);
}

QHttpServerResponse jsonResponse(const QJsonArray &body, QHttpServerResponse::StatusCode status)
{
    return make(QJsonDocument(body), status);
}

QJsonObject errorBody(const QString &code, const QString &message)
{
    return QJsonObject{{u"error"_s, QJsonObject{{u"code"_s, code}, {u"message"_s, message}}}};
}

QHttpServerResponse errorResponse(QHttpServerResponse::StatusCode status, const QString &code,
                                  const QString &message)
{
    return jsonResponse(errorBody(code, message), status);
}

} // namespace clera
