#include "serverrole.h"

#include <array>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr std::array<std::pair<ServerRole, QStringView>, 6> kRoles{{
    {ServerRole::All, u"all"},
    {ServerRole::Api, u"api"},
    {ServerRole::WebSocket, u"websocket"},
    {ServerRole::MarketData, u"market-data"},
    {ServerRole::Collector, u"collector"},
    {ServerRole::Calculator, u"calculator"},
}};

} // namespace

QString toString(ServerRole role)
{
    for (const auto &[r, name] : kRoles)
        if (r == role)
            return name.toString();
    return u"all"_s;
}

std::optional<ServerRole> serverRoleFromString(QStringView text)
{
    for (const auto &[r, name] : kRoles)
        if (name == text)
            return r;
    return std::nullopt;
}

QString serverRoleNames()
{
    QStringList names;
    for (const auto &[r, name] : kRoles)
        names.append(name.toString());
    return names.join(u'|');
}

Expected<ScaleOutSettings, QString> ScaleOutSettings::from(const Config &config)
{
    ScaleOutSettings s;
    if (config.isSet(u"REDIS_URL"_s)) {
        const auto options = RedisOptions::fromUrl(config.value(u"REDIS_URL"_s));
        if (!options)
            return unexpected(options.error());
        s.redis = *options;
        if (s.redis.password.isEmpty())
            s.redis.password = config.value(u"REDIS_PASSWORD"_s);
    } else if (config.isSet(u"REDIS_HOST"_s)) {
        s.redis.host = config.value(u"REDIS_HOST"_s);
        const auto port = config.integer(u"REDIS_PORT"_s, 1, 65535);
        if (!port)
            return unexpected(port.error());
        s.redis.port = quint16(*port);
        const auto db = config.integer(u"REDIS_DB"_s, 0, 15);
        if (!db)
            return unexpected(db.error());
        s.redis.db = int(*db);
        s.redis.password = config.value(u"REDIS_PASSWORD"_s);
    } else {
        return unexpected(u"the scale-out roles need Redis: set REDIS_URL or REDIS_HOST"_s);
    }
    const auto collection = config.seconds(u"SYMBOL_COLLECTION_INTERVAL"_s);
    if (!collection)
        return unexpected(collection.error());
    const auto ttl = config.seconds(u"PRICE_TTL"_s);
    if (!ttl)
        return unexpected(ttl.error());
    const auto lock = config.seconds(u"CLERA_LEADER_LOCK_PERIOD"_s);
    if (!lock)
        return unexpected(lock.error());
    if (collection->count() < 100 || ttl->count() < 1000 || lock->count() < 300)
        return unexpected(u"SYMBOL_COLLECTION_INTERVAL must be at least 0.1 s, PRICE_TTL at least 1 s and "
                          u"CLERA_LEADER_LOCK_PERIOD at least 0.3 s"_s);
    s.symbolCollectionInterval = *collection;
    s.priceTtl = *ttl;
    s.lockPeriod = *lock;
    return s;
}

} // namespace clera
