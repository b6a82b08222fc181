#pragma once

#include <QLoggingCategory>

// clera.marketdata: feeds, subscriptions, the simulated market.
Q_DECLARE_LOGGING_CATEGORY(lcMarketData)
