#pragma once

#include "core/bus/redisbus.h"
#include "core/config/config.h"
#include "core/domain/expected.h"

#include <QString>

#include <chrono>
#include <optional>

namespace clera {

// What one clera-server process does: everything (all, in-process, no Redis) or one scale-out role
// over Redis (docs/redis.md).
enum class ServerRole { All, Api, WebSocket, MarketData, Collector, Calculator };

[[nodiscard]] QString toString(ServerRole role); // "all", "api", "websocket", "market-data", …
[[nodiscard]] std::optional<ServerRole> serverRoleFromString(QStringView text);
[[nodiscard]] QString serverRoleNames(); // "all|api|websocket|market-data|collector|calculator"

// The settings of the scale-out roles: where Redis is (REDIS_URL, else REDIS_HOST/REDIS_PORT/REDIS_DB
// and REDIS_PASSWORD) and the roles' intervals.
struct ScaleOutSettings
{
    RedisOptions redis;
    std::chrono::milliseconds symbolCollectionInterval{300'000};
    std::chrono::milliseconds priceTtl{3'600'000};
    std::chrono::milliseconds lockPeriod{10'000};

    // Fails when Redis is not configured: a role other than all needs it.
    [[nodiscard]] static Expected<ScaleOutSettings, QString> from(const Config &config);
};

} // namespace clera
