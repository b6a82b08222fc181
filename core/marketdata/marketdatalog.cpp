#include "marketdatalog.h"

Q_LOGGING_CATEGORY(lcMarketData, "clera.marketdata")
