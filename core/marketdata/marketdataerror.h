#pragma once

#include "core/net/apierror.h"

#include <QString>

namespace clera {

// Why a market-data request failed: rejected before sending (a bad timeframe or limit), a broken
// upstream that pages forever, or the REST call itself (`api`: timeout, network, HTTP, bad JSON).
// A server-side 422 "invalid timeframe" is InvalidTimeframe too, with `api` holding Alpaca's answer.
struct MarketDataError
{
    enum class Kind {
        InvalidTimeframe,
        InvalidRequest, // a parameter checked client-side (limit, empty symbol list …)
        TooManyPages,   // next_page_token kept coming past the page cap, or repeated itself
        Api,
    };
    Kind kind = Kind::Api;
    QString message;
    ApiError api; // set for Api, and for server-side rejections of the other kinds

    [[nodiscard]] QString kindName() const;
    [[nodiscard]] QString toString() const;

    [[nodiscard]] static MarketDataError fromApi(const ApiError &error);
    [[nodiscard]] static MarketDataError invalid(Kind kind, const QString &message);
};

} // namespace clera
