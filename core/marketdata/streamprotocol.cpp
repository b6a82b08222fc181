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

QString SymbolTexts::intern(QStringView symbol)
{
    if (symbol.size() > kMaxSymbolLength)
        return symbol.toString();
    const std::u16string_view key(symbol.utf16(), size_t(symbol.size()));
    if (const auto it = m_texts.find(key); it != m_texts.end())
        return it->second;
    if (m_texts.size() >= kLimit)
        m_texts.clear();
    QString text = symbol.toString();
    m_texts.emplace(std::u16string(key), text);
    return text;
}

namespace {

// A cursor over a frame for parseTradeFrame(). Every reader returns false on anything it does not
// handle (the frame then goes to the full parser), so it only has to be right about what it accepts:
// plain JSON without escapes, non-ASCII text, nested objects or numbers it cannot bound.
struct TradeScanner
{
    const char16_t *p;
    const char16_t *end;

    void skipSpace()
    {
        while (p < end && (*p == u' ' || *p == u'\t' || *p == u'\n' || *p == u'\r'))
            ++p;
    }
    bool take(char16_t c)
    {
        skipSpace();
        if (p == end || *p != c)
            return false;
        ++p;
        return true;
    }
    bool peek(char16_t c)
    {
        skipSpace();
        return p < end && *p == c;
    }
    // A string of printable ASCII without escapes; `out` views its contents.
    bool string(QStringView &out)
    {
        if (!take(u'"'))
            return false;
        const char16_t *start = p;
        while (p < end && *p != u'"') {
            if (*p < 0x20 || *p >= 0x7f || *p == u'\\')
                return false;
            ++p;
        }
        if (p == end)
            return false;
        out = QStringView(start, p - start);
        ++p;
        return true;
    }
    static bool isDigit(char16_t c) { return c >= u'0' && c <= u'9'; }
    // A JSON number, strictly; `out` views it. Long ones and big exponents are refused so that
    // nothing accepted here can be out of a double's range for the full parser.
    bool number(QStringView &out)
    {
        skipSpace();
        const char16_t *start = p;
        if (p < end && *p == u'-')
            ++p;
        if (p == end || !isDigit(*p))
            return false;
        if (*p == u'0')
            ++p;
        else
            while (p < end && isDigit(*p))
                ++p;
        if (p < end && *p == u'.') {
            ++p;
            if (p == end || !isDigit(*p))
                return false;
            while (p < end && isDigit(*p))
                ++p;
        }
        if (p < end && (*p == u'e' || *p == u'E')) {
            ++p;
            if (p < end && (*p == u'+' || *p == u'-'))
                ++p;
            const char16_t *digits = p;
            while (p < end && isDigit(*p))
                ++p;
            if (p == digits || p - digits > 2)
                return false;
        }
        if (p - start > 32)
            return false;
        out = QStringView(start, p - start);
        return true;
    }
    bool literal(QStringView word)
    {
        skipSpace();
        if (end - p < word.size() || QStringView(p, word.size()) != word)
            return false;
        p += word.size();
        return true;
    }
    // A value this path does not use: a string, number, literal or array of those.
    bool skipScalar()
    {
        skipSpace();
        if (p == end)
            return false;
        QStringView ignored;
        switch (*p) {
        case u'"':
            return string(ignored);
        case u't':
            return literal(u"true");
        case u'f':
            return literal(u"false");
        case u'n':
            return literal(u"null");
        default:
            return number(ignored);
        }
    }
    bool skipValue()
    {
        if (!peek(u'['))
            return skipScalar();
        ++p;
        if (take(u']'))
            return true;
        do {
            if (!skipScalar())
                return false;
        } while (take(u','));
        return take(u']');
    }
};

// A positive price of at most 15 digits without an exponent, as the full parser would read it: it
// reads a JSON number as a double and takes the shortest decimal that gives that double back
// (Decimal::fromDouble), which for up to 15 significant digits is the number as written.
std::optional<Decimal> plainPrice(QStringView number)
{
    if (number.isEmpty() || number.front() == u'-')
        return std::nullopt;
    std::uint64_t mantissa = 0;
    int digits = 0;
    int fractionDigits = 0;
    bool fraction = false;
    for (const QChar c : number) {
        if (c == u'.') {
            fraction = true;
            continue;
        }
        if (c < u'0' || c > u'9' || ++digits > 15)
            return std::nullopt; // an exponent, or more digits than a double keeps
        mantissa = mantissa * 10 + std::uint64_t(c.unicode() - u'0');
        if (fraction)
            ++fractionDigits;
    }
    if (mantissa == 0)
        return std::nullopt;
    Decimal::Raw raw = Decimal::Raw(mantissa);
    for (int i = fractionDigits; i < Decimal::kScale; ++i)
        raw *= 10;
    return Decimal::fromRaw(raw);
}

} // namespace

std::optional<StreamFrame> parseTradeFrame(QStringView text, SymbolTexts &symbols)
{
    static const QString kTradeType = u"t"_s;
    TradeScanner in{text.utf16(), text.utf16() + text.size()};
    StreamFrame frame;
    if (!in.take(u'['))
        return std::nullopt;
    if (!in.take(u']')) {
        do {
            if (!in.take(u'{'))
                return std::nullopt;
            QStringView type, symbol, time, price;
            bool hasType = false, hasSymbol = false, hasTime = false, hasPrice = false;
            if (!in.take(u'}')) {
                do {
                    QStringView key;
                    if (!in.string(key) || !in.take(u':'))
                        return std::nullopt;
                    auto field = [&](QStringView &value, bool &seen, bool isNumber) {
                        if (seen) // a repeated key: the full parser decides which one counts
                            return false;
                        seen = true;
                        return isNumber ? in.number(value) : in.string(value);
                    };
                    bool ok;
                    if (key == u"T")
                        ok = field(type, hasType, false);
                    else if (key == u"S")
                        ok = field(symbol, hasSymbol, false);
                    else if (key == u"t")
                        ok = field(time, hasTime, false);
                    else if (key == u"p")
                        ok = field(price, hasPrice, true);
                    else
                        ok = in.skipValue();
                    if (!ok)
                        return std::nullopt;
                } while (in.take(u','));
                if (!in.take(u'}'))
                    return std::nullopt;
            }
            if (!hasType || type != u"t" || !hasSymbol || symbol.isEmpty() || !hasTime || !hasPrice)
                return std::nullopt;
            const auto at = Timestamp::parse(time);
            const auto value = plainPrice(price);
            if (!at || !value)
                return std::nullopt;
            StreamMessage m;
            m.kind = StreamMessage::Kind::Trade;
            m.type = kTradeType;
            m.symbol = symbols.intern(symbol);
            m.time = *at;
            m.price = *value;
            frame.messages.append(std::move(m));
        } while (in.take(u','));
        if (!in.take(u']'))
            return std::nullopt;
    }
    in.skipSpace();
    if (in.p != in.end)
        return std::nullopt;
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
