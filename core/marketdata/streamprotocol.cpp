#include "streamprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

// Alpaca sends market-data prices as JSON numbers; a string is accepted too rather than dropped.
std::optional<Decimal> decimalField(const QJsonObject &o, QLatin1StringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isDouble()) {
        auto d = Decimal::fromDouble(v.toDouble());
        if (d)
            return d.value();
    } else if (v.isString()) {
        auto d = Decimal::parse(v.toString());
        if (d)
            return d.value();
    }
    return std::nullopt;
}

std::optional<QStringList> stringList(const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull())
        return QStringList{};
    if (!v.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isString())
            return std::nullopt;
        out.append(e.toString());
    }
    return out;
}

Expected<StreamMessage, QString> decodeElement(const QJsonObject &o)
{
    StreamMessage m;
    m.type = o.value("T"_L1).toString();
    if (m.type.isEmpty())
        return unexpected(u"no \"T\""_s);

    if (m.type == u"success") {
        m.kind = StreamMessage::Kind::Success;
        m.text = o.value("msg"_L1).toString();
        return m;
    }
    if (m.type == u"error") {
        m.kind = StreamMessage::Kind::Error;
        const QJsonValue code = o.value("code"_L1);
        if (!code.isDouble())
            return unexpected(u"error without a numeric \"code\""_s);
        m.code = code.toInt();
        m.text = o.value("msg"_L1).toString();
        return m;
    }
    if (m.type == u"subscription") {
        m.kind = StreamMessage::Kind::Subscription;
        const auto trades = stringList(o.value("trades"_L1));
        const auto quotes = stringList(o.value("quotes"_L1));
        if (!trades || !quotes)
            return unexpected(u"subscription lists are not arrays of strings"_s);
        m.trades = *trades;
        m.quotes = *quotes;
        return m;
    }
    if (m.type != u"t" && m.type != u"q") {
        m.kind = StreamMessage::Kind::Other;
        return m;
    }

    m.symbol = o.value("S"_L1).toString();
    if (m.symbol.isEmpty())
        return unexpected(u"\"%1\" without a symbol"_s.arg(m.type));
    const auto time = Timestamp::parse(o.value("t"_L1).toString());
    if (!time)
        return unexpected(u"%1 %2: bad time: %3"_s.arg(m.type, m.symbol, time.error()));
    m.time = time.value();

    if (m.type == u"t") {
        m.kind = StreamMessage::Kind::Trade;
        const auto price = decimalField(o, "p"_L1);
        if (!price || !price->isPositive())
            return unexpected(u"trade %1: missing or non-positive price"_s.arg(m.symbol));
        m.price = *price;
        return m;
    }
    m.kind = StreamMessage::Kind::Quote;
    const auto bid = decimalField(o, "bp"_L1);
    const auto ask = decimalField(o, "ap"_L1);
    if (!bid || !ask)
        return unexpected(u"quote %1: missing bid or ask price"_s.arg(m.symbol));
    m.bid = *bid;
    m.ask = *ask;
    return m;
}

QJsonArray toJsonArray(const QStringList &list)
{
    QJsonArray a;
    for (const QString &s : list)
        a.append(s);
    return a;
}

} // namespace

StreamFrame parseStreamFrame(const QByteArray &text)
{
    StreamFrame frame;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) {
        frame.problems.append(u"not JSON: %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
        return frame;
    }
    if (!doc.isArray()) {
        frame.problems.append(u"not a JSON array"_s);
        return frame;
    }
    const QJsonArray array = doc.array();
    frame.messages.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue v = array.at(i);
        if (!v.isObject()) {
            frame.problems.append(u"element %1 is not an object"_s.arg(i));
            continue;
        }
        auto m = decodeElement(v.toObject());
        if (m)
            frame.messages.append(std::move(m).value());
        else
            frame.problems.append(u"element %1: %2"_s.arg(i).arg(m.error()));
    }
    return frame;
}

QByteArray streamAuthMessage(const QString &key, const QString &secret)
{
    const QJsonObject o{{"action"_L1, u"auth"_s}, {"key"_L1, key}, {"secret"_L1, secret}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray streamSubscriptionMessage(bool subscribe, const QStringList &trades, const QStringList &quotes)
{
    QJsonObject o{{"action"_L1, subscribe ? u"subscribe"_s : u"unsubscribe"_s}};
    if (!trades.isEmpty())
        o.insert("trades"_L1, toJsonArray(trades));
    if (!quotes.isEmpty())
        o.insert("quotes"_L1, toJsonArray(quotes));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString streamErrorDescription(int code)
{
    switch (code) {
    case 400:
        return u"invalid syntax"_s;
    case 401:
        return u"not authenticated"_s;
    case 402:
        return u"auth failed"_s;
    case 403:
        return u"already authenticated"_s;
    case 404:
        return u"auth timeout"_s;
    case 405:
        return u"symbol limit exceeded"_s;
    case 406:
        return u"connection limit exceeded"_s;
    case 407:
        return u"slow client"_s;
    case 408:
        return u"v2 not enabled"_s;
    case 409:
        return u"insufficient subscription"_s;
    case 410:
        return u"invalid subscribe action for this feed"_s;
    case 411:
        return u"insufficient scope"_s;
    case 500:
        return u"internal error"_s;
    default:
        return {};
    }
}

} // namespace clera
