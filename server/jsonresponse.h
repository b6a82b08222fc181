#pragma once

#include <QByteArray>
#include <QFuture>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace clera {

// JSON bodies with Content-Type application/json, and the error shape every route uses:
// {"error":{"code":"…","message":"…"}}.
[[nodiscard]] QHttpServerResponse
jsonResponse(const QJsonObject &body,
             QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);
[[nodiscard]] QHttpServerResponse
jsonResponse(const QJsonArray &body,
             QHttpServerResponse::StatusCode status = QHttpServerResponse::StatusCode::Ok);
[[nodiscard]] QJsonObject errorBody(const QString &code, const QString &message);
[[nodiscard]] QHttpServerResponse errorResponse(QHttpServerResponse::StatusCode status, const QString &code,
                                                const QString &message);

// An answer known at once, for a route whose handler returns a future.
[[nodiscard]] inline QFuture<QHttpServerResponse> ready(QHttpServerResponse response)
{
    return QtFuture::makeReadyFuture(std::move(response));
}

} // namespace clera
