#include "apierror.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace clera {

namespace {
constexpr qsizetype kMaxRawMessage = 200;
}

bool ApiError::isAmbiguous() const
{
    switch (kind) {
    case Kind::Timeout:
    case Kind::Network:
        return true;
    case Kind::Http:
        return httpStatus >= 500;
    case Kind::Decode:
        return false;
    }
    return false;
}

QString ApiError::kindName() const
{
    switch (kind) {
    case Kind::Timeout:
        return u"timeout"_s;
    case Kind::Network:
        return u"network"_s;
    case Kind::Http:
        return u"http"_s;
    case Kind::Decode:
        return u"decode"_s;
    }
    return u"unknown"_s;
}

QString ApiError::toString() const
{
    QString out = kindName();
    if (httpStatus)
        out += u' ' + QString::number(httpStatus);
    if (code)
        out += u" code " + QString::number(code);
    if (!message.isEmpty())
        out += u": " + message;
    return out;
}

ApiError ApiError::fromHttp(int status, const QByteArray &body)
{
    ApiError e;
    e.kind = Kind::Http;
    e.httpStatus = status;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && doc.isObject()) {
        e.body = doc.object();
        const QJsonValue code = e.body.value(u"code");
        // Alpaca sends the code as a number; a few gateways send it as a string.
        e.code = code.isString() ? code.toString().toLongLong() : code.toInteger();
        e.message = e.body.value(u"message").toString();
        if (e.message.isEmpty())
            e.message = e.body.value(u"error").toString();
    } else if (!body.trimmed().isEmpty()) {
        e.message = QString::fromUtf8(body.left(kMaxRawMessage)).simplified();
    }
    return e;
}

} // namespace clera
