#include "config.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include "core/domain/decimal.h"

using namespace Qt::StringLiterals;

namespace clera {

const QList<Config::Setting> &Config::settings()
{
    static const QList<Setting> all = {
        {u"CLERA_DATA_DIR"_s,
         u"data-dir"_s,
         u"dir"_s,
         u"Folder for databases, the generated JWT secret and caches (default: the user's data folder)"_s,
         {},
         Both},
        {u"CLERA_BROKER"_s,
         u"broker"_s,
         u"name"_s,
         u"sim (embedded paper broker), alpaca (Broker API) or alpaca-trading (Trading API); unset: alpaca "
         u"when BROKER_API_KEY is set, else sim"_s,
         {},
         Both},
        {u"CLERA_FEED"_s,
         u"feed"_s,
         u"name"_s,
         u"sim (simulated market) or alpaca (market-data stream); unset: alpaca when Alpaca keys are set, else sim"_s,
         {},
         Both},
        {u"BROKER_API_KEY"_s,
         {},
         u"key"_s,
         u"Alpaca Broker API key id (environment or config file only)"_s,
         {},
         Server,
         true},
        {u"BROKER_SECRET_KEY"_s,
         {},
         u"secret"_s,
         u"Alpaca Broker API secret (environment or config file only)"_s,
         {},
         Server,
         true},
        {u"APCA_API_KEY_ID"_s,
         {},
         u"key"_s,
         u"Alpaca Trading API key id (environment or config file only)"_s,
         {},
         Both,
         true},
        {u"APCA_API_SECRET"_s,
         {},
         u"secret"_s,
         u"Alpaca Trading API secret (environment or config file only)"_s,
         {},
         Both,
         true},
        {u"ALPACA_SANDBOX"_s, u"alpaca-sandbox"_s, u"true|false"_s,
         u"Use Alpaca's sandbox (Broker API) and paper (Trading API) hosts"_s, u"true"_s, Both},
        {u"ALPACA_BROKER_API_URL"_s,
         u"alpaca-broker-api-url"_s,
         u"url"_s,
         u"Broker API base URL (default: the sandbox or production host per ALPACA_SANDBOX)"_s,
         {},
         Server},
        {u"ALPACA_BROKER_EVENTS_URL"_s,
         u"alpaca-broker-events-url"_s,
         u"url"_s,
         u"Host of the Broker API's event streams (SSE: trades, transfers, account status; default: the Broker API URL)"_s,
         {},
         Server},
        {u"ALPACA_TRADING_API_URL"_s,
         u"alpaca-trading-api-url"_s,
         u"url"_s,
         u"Trading API base URL (default: the paper or live host per ALPACA_SANDBOX)"_s,
         {},
         Both},
        {u"ALPACA_TRADING_STREAM_URL"_s,
         u"alpaca-trading-stream-url"_s,
         u"url"_s,
         u"Trading API trade_updates WebSocket URL (default: the paper or live host per ALPACA_SANDBOX + /stream)"_s,
         {},
         Both},
        {u"ALPACA_DATA_STREAM_URL"_s,
         u"alpaca-data-stream-url"_s,
         u"url"_s,
         u"Market-data WebSocket URL including the feed path (default: Alpaca's stream host + /v2/<feed>)"_s,
         {},
         Both},
        {u"ALPACA_DATA_API_URL"_s,
         u"alpaca-data-api-url"_s,
         u"url"_s,
         u"Market-data REST base URL, for previous closes (default: Alpaca's data host)"_s,
         {},
         Both},
        {u"ALPACA_DATA_FEED"_s, u"alpaca-data-feed"_s, u"iex|sip"_s, u"Market-data feed of the stream"_s,
         u"iex"_s, Both},
        {u"ALPACA_STREAM_STALE_TIMEOUT"_s, u"alpaca-stream-stale-timeout"_s, u"seconds"_s,
         u"Reconnect the market-data stream when it delivers no message and answers no ping for this long"_s,
         u"30"_s, Both},
        {u"CLERA_SIM_SEED"_s, u"sim-seed"_s, u"n"_s,
         u"Seed of the simulated market (same seed, same prices)"_s, u"1"_s, Both},
        {u"CLERA_SIM_TICK_RATE"_s, u"sim-tick-rate"_s, u"ticks/s"_s,
         u"Simulated trades per second across the subscribed symbols"_s, u"20"_s, Both},
        {u"CLERA_API_HOST"_s, u"api-host"_s, u"address"_s, u"Address the REST API listens on"_s, u"0.0.0.0"_s,
         Server},
        {u"CLERA_API_PORT"_s, u"api-port"_s, u"port"_s, u"REST API port (0 picks a free port)"_s, u"8000"_s,
         Server},
        {u"WEBSOCKET_HOST"_s, u"ws-host"_s, u"address"_s, u"Address the WebSocket server listens on"_s,
         u"0.0.0.0"_s, Server},
        {u"WEBSOCKET_PORT"_s, u"ws-port"_s, u"port"_s, u"WebSocket port (0 picks a free port)"_s, u"8001"_s,
         Server},
        {u"WEBSOCKET_ALLOWED_ORIGINS"_s,
         u"ws-allowed-origins"_s,
         u"origins"_s,
         u"Comma-separated browser origins allowed to open a WebSocket (empty: any; clients that send no "
         u"Origin are not affected)"_s,
         {},
         Server},
        {u"WEBSOCKET_FLUSH_INTERVAL"_s, u"ws-flush-interval"_s, u"ms"_s,
         u"Least time between two writes to one WebSocket client (0: every event-loop turn); the updates "
         u"of the interval are coalesced, the latest per account"_s,
         u"0"_s, Server},
        {u"WEBSOCKET_THREADS"_s, u"ws-threads"_s, u"count"_s,
         u"Threads that make the send(2) calls of one WebSocket flush, the event-loop thread included "
         u"(1: all on the event loop; 0: min(4, cores)); used when a flush writes to at least 256 clients"_s,
         u"0"_s, Server},
        {u"CLERA_JWT_SECRET"_s,
         {},
         u"secret"_s,
         u"HS256 key for access tokens (environment or config file only); if unset, one is generated into "
         u"<data dir>/jwt-secret (mode 0600)"_s,
         {},
         Server,
         true},
        {u"CLERA_DATA_KEY"_s,
         {},
         u"base64 key"_s,
         u"Key (32 bytes, base64) that encrypts sensitive fields in the store, such as tax ids and dates of "
         u"birth (environment or config file only); if unset, one is generated into <data dir>/data-key "
         u"(mode 0600)"_s,
         {},
         Server,
         true},
        {u"CLERA_TOKEN_TTL"_s, u"token-ttl"_s, u"seconds"_s,
         u"Lifetime of tokens printed by the token command"_s, u"86400"_s, Server},
        {u"CLERA_DB_URL"_s,
         {},
         u"url"_s,
         u"Server store (users, sessions, account ownership): postgresql://user:pass@host:port/db, a libpq "
         u"keyword string or a SQLite file path (environment or config file only: it may carry a password; "
         u"default: <data dir>/store.sqlite)"_s,
         {},
         Server,
         true},
        {u"CLERA_ACCESS_TOKEN_TTL"_s, u"access-token-ttl"_s, u"seconds"_s,
         u"Lifetime of access tokens handed out by sign-in and refresh"_s, u"900"_s, Server},
        {u"CLERA_REFRESH_TOKEN_TTL"_s, u"refresh-token-ttl"_s, u"seconds"_s,
         u"Lifetime of refresh tokens (each refresh hands out a new one)"_s, u"2592000"_s, Server},
        {u"CLERA_PASSWORD_THREADS"_s, u"password-threads"_s, u"count"_s,
         u"Threads hashing and checking passwords (Argon2id, 64 MiB each) at once; more sign-ins wait "
         u"(0: one per core)"_s,
         u"0"_s, Server},
        {u"CLERA_PUBLIC_URL"_s,
         u"public-url"_s,
         u"url"_s,
         u"Base URL of the links in account mails (default: http://localhost:<CLERA_API_PORT>)"_s,
         {},
         Server},
        {u"CLERA_MAIL_OUTBOX"_s,
         u"mail-outbox"_s,
         u"dir"_s,
         u"Folder the account mails (verification, password reset) are written to as .eml files, since SMTP "
         u"is not supported yet (default: <data dir>/outbox)"_s,
         {},
         Server},
        {u"CLERA_MAIL_FROM"_s, u"mail-from"_s, u"address"_s, u"Sender of account mails"_s,
         u"Clera <no-reply@clera.invalid>"_s, Server},
        {u"MIN_UPDATE_INTERVAL"_s, u"min-update-interval"_s, u"seconds"_s,
         u"At most one portfolio update per account per interval (coalesced; the latest is always sent)"_s,
         u"2"_s, Both},
        {u"RECALCULATION_INTERVAL"_s, u"recalculation-interval"_s, u"seconds"_s,
         u"Full revaluation from broker positions, to heal drift"_s, u"30"_s, Both},
        {u"REDIS_URL"_s, u"redis-url"_s, u"url"_s,
         u"Redis for the scale-out roles: redis://[:password@]host[:port][/db] or "
         u"unix:///path/redis.sock[?db=N] (instead of REDIS_HOST/REDIS_PORT/REDIS_DB)"_s,
         {}, Server},
        {u"REDIS_HOST"_s, u"redis-host"_s, u"host"_s, u"Redis host for the scale-out roles (when REDIS_URL is unset)"_s,
         {}, Server},
        {u"REDIS_PORT"_s, u"redis-port"_s, u"port"_s, u"Redis port"_s, u"6379"_s, Server},
        {u"REDIS_DB"_s, u"redis-db"_s, u"n"_s, u"Redis database number (0-15)"_s, u"0"_s, Server},
        {u"REDIS_PASSWORD"_s, {}, u"secret"_s,
         u"Redis password (environment or config file only; a password in REDIS_URL wins)"_s, {}, Server, true},
        {u"SYMBOL_COLLECTION_INTERVAL"_s, u"symbol-collection-interval"_s, u"seconds"_s,
         u"Collector role: how often every account's cash and positions are read and published"_s, u"300"_s,
         Server},
        {u"PRICE_TTL"_s, u"price-ttl"_s, u"seconds"_s,
         u"Market-data role: expiry of the price:<SYMBOL> keys (calculator: of the value:<account> keys)"_s,
         u"3600"_s, Server},
        {u"CLERA_LEADER_LOCK_PERIOD"_s, u"leader-lock-period"_s, u"seconds"_s,
         u"Market-data role: expiry of the leader lock; a standby takes over within two periods"_s, u"10"_s,
         Server},
        {u"CLERA_LOG_FORMAT"_s, u"log-format"_s, u"text|json"_s, u"Log line format"_s, u"text"_s, Server},
    };
    return all;
}

void Config::addOptions(QCommandLineParser &parser, Scope scope)
{
    parser.addOption(
        QCommandLineOption(u"config"_s, u"Config file of NAME=value lines (env: CLERA_CONFIG)"_s, u"file"_s));
    for (const Setting &s : settings()) {
        // A secret on the command line is visible to every local user (ps, /proc/*/cmdline).
        if (!(s.scope & scope) || s.secret)
            continue;
        QString help = s.description + u" [env: "_s + s.name;
        if (!s.defaultValue.isEmpty())
            help += u", default: "_s + s.defaultValue;
        help += u']';
        parser.addOption(QCommandLineOption(s.flag, help, s.valueName));
    }
}

Expected<Config, QString> Config::resolve(const QCommandLineParser &parser, Scope scope,
                                          const QProcessEnvironment &env)
{
    QHash<QString, QString> fileValues;
    const QString file = parser.isSet(u"config"_s) ? parser.value(u"config"_s) : env.value(u"CLERA_CONFIG"_s);
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
            return unexpected(u"cannot read config file %1: %2"_s.arg(file, f.errorString()));
        int lineNo = 0;
        while (!f.atEnd()) {
            ++lineNo;
            const QString line = QString::fromUtf8(f.readLine()).trimmed();
            if (line.isEmpty() || line.startsWith(u'#'))
                continue;
            const qsizetype eq = line.indexOf(u'=');
            if (eq <= 0)
                return unexpected(u"%1:%2: expected NAME=value"_s.arg(file).arg(lineNo));
            const QString name = line.left(eq).trimmed();
            QString value = line.mid(eq + 1).trimmed();
            if (value.size() >= 2 && (value.startsWith(u'"') && value.endsWith(u'"')))
                value = value.mid(1, value.size() - 2);
            const bool known = std::any_of(settings().cbegin(), settings().cend(),
                                           [&](const Setting &s) { return s.name == name; });
            if (!known)
                return unexpected(u"%1:%2: unknown setting %3"_s.arg(file).arg(lineNo).arg(name));
            fileValues.insert(name, value);
        }
    }
    Config c;
    for (const Setting &s : settings()) {
        if (!(s.scope & scope))
            continue;
        if (!s.secret && parser.isSet(s.flag))
            c.set(s.name, parser.value(s.flag), u"command line"_s);
        else if (env.contains(s.name))
            c.set(s.name, env.value(s.name), u"environment"_s);
        else if (fileValues.contains(s.name))
            c.set(s.name, fileValues.value(s.name), u"config file"_s);
        else
            c.set(s.name, s.defaultValue, u"default"_s);
    }
    return c;
}

void Config::set(const QString &name, const QString &value, const QString &source)
{
    m_values.insert(name, value);
    m_sources.insert(name, source);
}

Expected<qint64, QString> Config::integer(const QString &name, qint64 min, qint64 max) const
{
    bool ok = false;
    const qint64 v = value(name).toLongLong(&ok);
    if (!ok || v < min || v > max)
        return unexpected(
            u"%1 must be a whole number from %2 to %3 (got '%4')"_s.arg(name).arg(min).arg(max).arg(
                value(name)));
    return v;
}

Expected<quint16, QString> Config::port(const QString &name) const
{
    const auto v = integer(name, 0, 65535);
    if (!v)
        return unexpected(v.error());
    return quint16(*v);
}

Expected<std::chrono::milliseconds, QString> Config::seconds(const QString &name) const
{
    const auto d = Decimal::parse(value(name));
    if (!d || d->isNegative() || *d > Decimal(86400 * 365))
        return unexpected(
            u"%1 must be a number of seconds, e.g. 2 or 0.5 (got '%2')"_s.arg(name, value(name)));
    const Decimal ms = (*d * Decimal(1000)).rounded(0);
    return std::chrono::milliseconds(static_cast<qint64>(ms.raw() / Decimal::kOne));
}

Expected<QString, QString> Config::dataDir() const
{
    QString dir = value(u"CLERA_DATA_DIR"_s);
    if (dir.isEmpty()) {
        dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
        if (dir.isEmpty())
            return unexpected(u"no user data folder is known; set CLERA_DATA_DIR"_s);
        dir += u"/clera"_s;
    }
    QDir d(dir);
    if (!d.exists()) {
        if (!d.mkpath(u"."_s))
            return unexpected(u"cannot create data folder %1"_s.arg(dir));
        // Only a folder created here is made private; an existing one (perhaps shared) is left alone.
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    return d.absolutePath();
}

QStringList Config::describe(Scope scope) const
{
    QStringList out;
    for (const Setting &s : settings()) {
        if (!(s.scope & scope))
            continue;
        const QString v = value(s.name);
        const QString shown =
            s.secret ? (v.isEmpty() ? u"(unset)"_s : u"(set)"_s) : (v.isEmpty() ? u"(unset)"_s : v);
        out.append(u"%1=%2 (%3)"_s.arg(s.name, shown, source(s.name)));
    }
    return out;
}

} // namespace clera
