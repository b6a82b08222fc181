#include "buswire.h"

#include "core/domain/jsonreader.h"
#include "core/domain/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <array>

using namespace Qt::StringLiterals;

namespace clera::BusWire {

namespace {

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Expected<QJsonObject, QString> object(const QByteArray &payload)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return unexpected(u"not a JSON object"_s);
    return doc.object();
}

QByteArray prefixed(const char *prefix, const QString &name)
{
    return QByteArray(prefix) + name.toUtf8();
}

} // namespace

QByteArray holdingsKey(const QString &accountId)
{
    return prefixed("holdings:", accountId);
}

QByteArray priceKey(const QString &symbol)
{
    return prefixed("price:", symbol);
}

QByteArray valueKey(const QString &accountId)
{
    return prefixed("value:", accountId);
}

QByteArray portfolioChannel(const QString &accountId)
{
    return prefixed("portfolio:", accountId);
}

QString accountOfChannel(const QByteArray &channel)
{
    return channel.startsWith("portfolio:") ? QString::fromUtf8(channel.mid(10)) : QString();
}

QByteArray encode(const AccountHoldings &h)
{
    if (h.removed)
        return compact({{u"account_id"_s, h.accountId}, {u"removed"_s, true}});
    QJsonArray positions;
    for (const PortfolioEngine::Holding &p : h.positions) {
        QJsonObject o{{u"symbol"_s, p.symbol}, {u"qty"_s, p.qty.toString()}};
        if (p.closeQty)
            o.insert(u"close_qty"_s, p.closeQty->toString());
        positions.append(o);
    }
    return compact({{u"account_id"_s, h.accountId},
                    {u"cash"_s, h.cash.toString()},
                    {u"day_cash"_s, jsonDecimal(h.dayCash)},
                    {u"positions"_s, positions},
                    {u"collected_at"_s, h.collectedAt.toString()}});
}

Expected<AccountHoldings, QString> decodeHoldings(const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    JsonReader r(*o);
    AccountHoldings h;
    h.accountId = r.string(u"account_id");
    h.removed = r.optBoolean(u"removed").value_or(false);
    if (!h.removed) {
        h.cash = r.decimal(u"cash");
        h.collectedAt = r.optTimestamp(u"collected_at").value_or(Timestamp());
        h.dayCash = r.optDecimal(u"day_cash"); // absent before the field existed: unknown
        const QJsonArray positions = r.optArray(u"positions");
        for (const QJsonValue &v : positions) {
            JsonReader p(v.toObject(), u"positions"_s);
            PortfolioEngine::Holding holding{p.string(u"symbol"), p.decimal(u"qty"), p.optDecimal(u"close_qty")};
            if (!p.ok())
                return unexpected(p.error()->toString());
            h.positions.append(holding);
        }
    }
    if (!r.ok())
        return unexpected(r.error()->toString());
    return h;
}

namespace {

Expected<PriceEntry, QString> entryFrom(const QString &symbol, const QJsonObject &o)
{
    JsonReader r(o, symbol);
    PriceEntry e{symbol, r.decimal(u"price"), r.optDecimal(u"previous_close"),
                 r.optTimestamp(u"time").value_or(Timestamp())};
    if (!r.ok())
        return unexpected(r.error()->toString());
    return e;
}

} // namespace

QByteArray encodeEntry(const PriceEntry &e)
{
    // {"previous_close":…,"price":…,"time":…}: QJsonObject's (sorted) key order.
    const QString price = e.price.toString();
    const QString close = e.previousClose ? e.previousClose->toString() : QString();
    const QString time = e.time.toString();
    QByteArray out;
    out.reserve(48 + price.size() + close.size() + time.size());
    out.append("{\"previous_close\":");
    if (e.previousClose)
        appendJsonString(out, close);
    else
        out.append("null");
    out.append(",\"price\":");
    appendJsonString(out, price);
    out.append(",\"time\":");
    appendJsonString(out, time);
    out.append('}');
    return out;
}

Expected<PriceEntry, QString> decodeEntry(const QString &symbol, const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    return entryFrom(symbol, *o);
}

QByteArray encodeFrame(const QList<PriceEntry> &entries)
{
    QList<EncodedEntry> encoded;
    encoded.reserve(entries.size());
    for (const PriceEntry &e : entries)
        encoded.append({e.symbol, encodeEntry(e)});
    return encodeFrame(std::move(encoded));
}

QByteArray encodeFrame(QList<EncodedEntry> entries)
{
    // A symbol once, with its last entry; symbols in QJsonObject's order.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const EncodedEntry &a, const EncodedEntry &b) { return a.symbol < b.symbol; });
    qsizetype size = 16;
    for (const EncodedEntry &e : std::as_const(entries))
        size += e.symbol.size() + e.json.size() + 4;
    QByteArray out;
    out.reserve(size);
    out.append("{\"prices\":{");
    bool first = true;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        if (i + 1 < entries.size() && entries[i + 1].symbol == entries[i].symbol)
            continue; // a later trade of the same symbol wins
        if (!first)
            out.append(',');
        first = false;
        appendJsonString(out, entries[i].symbol);
        out.append(':');
        out.append(entries[i].json);
    }
    out.append("}}");
    return out;
}

Expected<QList<PriceEntry>, QString> decodeFrame(const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    const QJsonObject prices = o->value(u"prices"_s).toObject();
    QList<PriceEntry> out;
    out.reserve(prices.size());
    for (auto it = prices.constBegin(); it != prices.constEnd(); ++it) {
        const auto e = entryFrom(it.key(), it.value().toObject());
        if (!e)
            return unexpected(e.error());
        out.append(*e);
    }
    return out;
}

QByteArray encode(const SymbolChange &change)
{
    return compact({{u"added"_s, QJsonArray::fromStringList(change.added)},
                    {u"removed"_s, QJsonArray::fromStringList(change.removed)}});
}

Expected<SymbolChange, QString> decodeSymbolChange(const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    JsonReader r(*o);
    SymbolChange c{r.stringList(u"added"), r.stringList(u"removed")};
    if (!r.ok())
        return unexpected(r.error()->toString());
    return c;
}

namespace {
constexpr std::array<std::pair<BusWire::WatchMessage::Op, QStringView>, 4> kWatchOps{{
    {BusWire::WatchMessage::Op::Add, u"add"},
    {BusWire::WatchMessage::Op::Remove, u"remove"},
    {BusWire::WatchMessage::Op::All, u"all"},
    {BusWire::WatchMessage::Op::Query, u"query"},
}};
} // namespace

QByteArray encode(const WatchMessage &message)
{
    QString op;
    for (const auto &[value, name] : kWatchOps)
        if (value == message.op)
            op = name.toString();
    return compact({{u"op"_s, op},
                    {u"instance"_s, message.instance},
                    {u"accounts"_s, QJsonArray::fromStringList(message.accounts)}});
}

Expected<WatchMessage, QString> decodeWatch(const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    JsonReader r(*o);
    WatchMessage m;
    const QString op = r.string(u"op");
    m.instance = r.optString(u"instance");
    m.accounts = r.stringList(u"accounts");
    if (!r.ok())
        return unexpected(r.error()->toString());
    const auto known = std::find_if(kWatchOps.cbegin(), kWatchOps.cend(),
                                    [&op](const auto &entry) { return entry.second == op; });
    if (known == kWatchOps.cend())
        return unexpected(u"unknown watch op '%1'"_s.arg(op.left(32)));
    m.op = known->first;
    if (m.op != WatchMessage::Op::Query && m.instance.isEmpty())
        return unexpected(u"a watch message needs its instance"_s);
    return m;
}

QByteArray encode(const PortfolioUpdate &update)
{
    return update.toJsonBytes();
}

Expected<PortfolioUpdate, QString> decodeUpdate(const QByteArray &payload)
{
    const auto o = object(payload);
    if (!o)
        return unexpected(o.error());
    JsonReader r(*o);
    PortfolioUpdate u;
    u.accountId = r.string(u"account_id");
    u.cash = r.decimal(u"raw_cash");
    u.totalValue = r.optDecimal(u"raw_value");
    if (u.totalValue)
        u.marketValue = *u.totalValue - u.cash;
    u.todayReturn = r.optDecimal(u"raw_return");
    u.todayReturnPercent = r.optDecimal(u"raw_return_percent");
    u.timestamp = r.timestamp(u"timestamp");
    if (!r.ok())
        return unexpected(r.error()->toString());
    return u;
}

} // namespace clera::BusWire
