#include "marketdataerror.h"

using namespace Qt::StringLiterals;

namespace clera {

QString MarketDataError::kindName() const
{
    switch (kind) {
    case Kind::InvalidTimeframe:
        return u"invalid-timeframe"_s;
    case Kind::InvalidRequest:
        return u"invalid-request"_s;
    case Kind::TooManyPages:
        return u"too-many-pages"_s;
    case Kind::Api:
        return u"api"_s;
    }
    return u"unknown"_s;
}

QString MarketDataError::toString() const
{
    return kind == Kind::Api ? api.toString() : kindName() + u": "_s + message;
}

MarketDataError MarketDataError::fromApi(const ApiError &error)
{
    MarketDataError e;
    e.api = error;
    e.message = error.message.isEmpty() ? error.toString() : error.message;
    if (error.kind == ApiError::Kind::Http && (error.httpStatus == 422 || error.httpStatus == 400) &&
        error.message.contains(u"invalid timeframe", Qt::CaseInsensitive))
        e.kind = Kind::InvalidTimeframe;
    return e;
}

MarketDataError MarketDataError::invalid(Kind kind, const QString &message)
{
    MarketDataError e;
    e.kind = kind;
    e.message = message;
    return e;
}

} // namespace clera
