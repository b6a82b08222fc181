#include "fakealpacadata.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse json(const QJsonObject &body, Status status = Status::Ok)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

QHttpServerResponse error(Status status, qint64 code, const QString &message)
{
    return json({{u"code"_s, code}, {u"message"_s, message}}, status);
}

QStringList symbolsOf(const QUrlQuery &query)
{
    return query.queryItemValue(u"symbols"_s, QUrl::FullyDecoded).split(u',', Qt::SkipEmptyParts);
}

const QStringList kLatestParameters{u"symbols"_s, u"feed"_s, u"currency"_s};
const QStringList kBarsParameters{u"symbols"_s, u"timeframe"_s, u"start"_s,      u"end"_s,
                                  u"limit"_s,   u"feed"_s,      u"adjustment"_s, u"page_token"_s,
                                  u"sort"_s,    u"asof"_s,      u"currency"_s};

// Seconds per bar; months are taken as 30 days, which is all a generator needs.
std::int64_t stepSeconds(const QString &timeframe)
{
    static const QRegularExpression shape(u"^([0-9]+)(Min|T|Hour|H|Day|D|Week|W|Month|M)$"_s);
    const auto m = shape.match(timeframe);
    const std::int64_t n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    if (unit == u"Min" || unit == u"T")
        return n * 60;
    if (unit == u"Hour" || unit == u"H")
        return n * 3600;
    if (unit == u"Day" || unit == u"D")
        return n * 86400;
    if (unit == u"Week" || unit == u"W")
        return n * 7 * 86400;
    return n * 30 * 86400;
}

std::optional<Timestamp> parseBound(const QString &text)
{
    if (auto t = Timestamp::parse(text))
        return *t;
    if (auto d = parseIsoDate(text))
        return Timestamp::fromDateTime(QDateTime(*d, QTime(0, 0), Qt::UTC));
    return std::nullopt;
}

} // namespace

FakeAlpacaData::FakeAlpacaData(QObject *parent) : QObject(parent)
{
    m_server.route(u"/v2/stocks/snapshots"_s, [this](const QHttpServerRequest &request) {
        ++m_requests;
        if (auto refused = gate(request, kLatestParameters))
            return std::move(*refused);
        return snapshots(QUrlQuery(request.url()));
    });
    m_server.route(u"/v2/stocks/trades/latest"_s, [this](const QHttpServerRequest &request) {
        if (auto refused = gate(request, kLatestParameters))
            return std::move(*refused);
        return latest(QUrlQuery(request.url()), true);
    });
    m_server.route(u"/v2/stocks/quotes/latest"_s, [this](const QHttpServerRequest &request) {
        if (auto refused = gate(request, kLatestParameters))
            return std::move(*refused);
        return latest(QUrlQuery(request.url()), false);
    });
    m_server.route(u"/v2/stocks/bars"_s, [this](const QHttpServerRequest &request) {
        m_barQueries.append(QUrlQuery(request.url()));
        if (auto refused = gate(request, kBarsParameters))
            return std::move(*refused);
        return bars(QUrlQuery(request.url()), {});
    });
    m_server.route(u"/v2/stocks/<arg>/bars"_s,
                   [this](const QString &symbol, const QHttpServerRequest &request) {
                       m_barQueries.append(QUrlQuery(request.url()));
                       QStringList allowed = kBarsParameters;
                       allowed.removeOne(u"symbols"_s);
                       if (auto refused = gate(request, allowed))
                           return std::move(*refused);
                       return bars(QUrlQuery(request.url()), symbol);
                   });
}

quint16 FakeAlpacaData::listen()
{
    m_port = m_server.listen(QHostAddress::LocalHost, 0);
    return m_port;
}

QUrl FakeAlpacaData::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

void FakeAlpacaData::setCredentials(const QString &keyId, const QString &secret)
{
    m_keyId = keyId;
    m_secret = secret;
}

void FakeAlpacaData::setSnapshot(const QString &symbol, Decimal lastTrade, Decimal previousClose)
{
    m_snapshots.insert(symbol, Snapshot{lastTrade, previousClose});
}

void FakeAlpacaData::setLatestTrade(const QString &symbol, Decimal price, qint64 size, Timestamp time)
{
    m_trades.insert(symbol, Trade{price, size, time});
}

void FakeAlpacaData::setLatestQuote(const QString &symbol, Decimal bid, Decimal ask, Timestamp time)
{
    m_quotes.insert(symbol, Quote{bid, ask, time});
}

void FakeAlpacaData::setBarSeries(const QString &symbol, int count, Decimal firstOpen)
{
    m_series.insert(symbol, Series{count, firstOpen});
}

Timestamp FakeAlpacaData::firstBarTime()
{
    return *Timestamp::parse(u"2026-01-05T14:30:00Z");
}

bool FakeAlpacaData::isValidTimeframe(const QString &timeframe)
{
    static const QRegularExpression shape(u"^([1-9][0-9]*)(Min|T|Hour|H|Day|D|Week|W|Month|M)$"_s);
    const auto m = shape.match(timeframe);
    if (!m.hasMatch())
        return false;
    const int n = m.captured(1).toInt();
    const QString unit = m.captured(2);
    if (unit == u"Min" || unit == u"T")
        return n <= 59;
    if (unit == u"Hour" || unit == u"H")
        return n <= 23;
    if (unit == u"Month" || unit == u"M")
        return n == 1 || n == 2 || n == 3 || n == 6 || n == 12;
    return n == 1;
}

std::optional<QHttpServerResponse> FakeAlpacaData::gate(const QHttpServerRequest &request,
                                                        const QStringList &allowedParameters)
{
    const QByteArray apcaKey = request.value(QByteArrayLiteral("APCA-API-KEY-ID"));
    const QByteArray apcaSecret = request.value(QByteArrayLiteral("APCA-API-SECRET-KEY"));
    const QByteArray basic = "Basic " + (m_keyId + u':' + m_secret).toUtf8().toBase64();
    const bool apca = apcaKey == m_keyId.toUtf8() && apcaSecret == m_secret.toUtf8();
    const bool basicOk = request.value(QByteArrayLiteral("Authorization")) == basic;
    if (!apca && !basicOk)
        return error(Status::Unauthorized, 40110000, u"request is not authorized"_s);
    m_lastAuth = apca ? u"apca"_s : u"basic"_s;
    if (m_failures > 0) {
        --m_failures;
        return json({{u"message"_s, u"injected failure"_s}}, static_cast<Status>(m_failureStatus));
    }
    if (m_rawCount > 0) {
        --m_rawCount;
        const QByteArray body = m_rawBody;
        return QHttpServerResponse(QByteArrayLiteral("application/json"), body,
                                   static_cast<Status>(m_rawStatus));
    }
    QStringList unexpected;
    const auto items = QUrlQuery(request.url()).queryItems();
    for (const auto &item : items) {
        if (!allowedParameters.contains(item.first))
            unexpected.append(item.first);
    }
    if (!unexpected.isEmpty())
        return error(Status::BadRequest, 40010000, u"unexpected parameter(s): "_s + unexpected.join(u", "_s));
    return std::nullopt;
}

QHttpServerResponse FakeAlpacaData::snapshots(const QUrlQuery &query)
{
    const QStringList symbols = symbolsOf(query);
    m_requested.append(symbols);
    QJsonObject body;
    for (const QString &symbol : symbols) {
        const auto it = m_snapshots.constFind(symbol);
        if (it == m_snapshots.cend())
            continue;
        body.insert(symbol, QJsonObject{
                                {u"latestTrade"_s, QJsonObject{{u"t"_s, u"2026-11-24T15:01:02.123456Z"_s},
                                                               {u"x"_s, u"V"_s},
                                                               {u"p"_s, it->lastTrade.toDouble()},
                                                               {u"s"_s, 100},
                                                               {u"i"_s, qint64(52983525029461)},
                                                               {u"c"_s, QJsonArray{u"@"_s}},
                                                               {u"z"_s, u"C"_s}}},
                                {u"latestQuote"_s, QJsonValue::Null},
                                {u"minuteBar"_s, QJsonValue::Null},
                                {u"dailyBar"_s, QJsonValue::Null},
                                {u"prevDailyBar"_s, QJsonObject{{u"t"_s, u"2026-11-23T05:00:00Z"_s},
                                                                {u"o"_s, 1},
                                                                {u"h"_s, 1},
                                                                {u"l"_s, 1},
                                                                {u"c"_s, it->previousClose.toDouble()},
                                                                {u"v"_s, 1000},
                                                                {u"n"_s, 10},
                                                                {u"vw"_s, 1}}},
                            });
    }
    return json(body);
}

QHttpServerResponse FakeAlpacaData::latest(const QUrlQuery &query, bool trades) const
{
    const QStringList symbols = symbolsOf(query);
    if (symbols.isEmpty())
        return error(Status::BadRequest, 40010001, u"symbols is required"_s);
    QJsonObject bySymbol;
    for (const QString &symbol : symbols) {
        if (trades) {
            const auto it = m_trades.constFind(symbol);
            if (it != m_trades.cend())
                bySymbol.insert(symbol, QJsonObject{{u"t"_s, it->time.toString()},
                                                    {u"x"_s, u"V"_s},
                                                    {u"p"_s, it->price.toDouble()},
                                                    {u"s"_s, it->size},
                                                    {u"c"_s, QJsonArray{u"@"_s}},
                                                    {u"i"_s, qint64(52983525029461)},
                                                    {u"z"_s, u"C"_s}});
        } else {
            const auto it = m_quotes.constFind(symbol);
            if (it != m_quotes.cend())
                bySymbol.insert(symbol, QJsonObject{{u"t"_s, it->time.toString()},
                                                    {u"ax"_s, u"V"_s},
                                                    {u"ap"_s, it->ask.toDouble()},
                                                    {u"as"_s, 200},
                                                    {u"bx"_s, u"V"_s},
                                                    {u"bp"_s, it->bid.toDouble()},
                                                    {u"bs"_s, 300},
                                                    {u"c"_s, QJsonArray{u"R"_s}},
                                                    {u"z"_s, u"C"_s}});
        }
    }
    return json({{trades ? u"trades"_s : u"quotes"_s, bySymbol}});
}

QHttpServerResponse FakeAlpacaData::bars(const QUrlQuery &query, const QString &singleSymbol)
{
    const QString timeframe = query.queryItemValue(u"timeframe"_s);
    if (!isValidTimeframe(timeframe))
        return error(Status::UnprocessableEntity, 42210000, u"invalid timeframe"_s);
    int limit = 1000;
    if (query.hasQueryItem(u"limit"_s)) {
        bool ok = false;
        limit = query.queryItemValue(u"limit"_s).toInt(&ok);
        if (!ok || limit < 1 || limit > 10'000)
            return error(Status::UnprocessableEntity, 42210000,
                         u"invalid limit: must be between 1 and 10000"_s);
    }
    std::optional<Timestamp> start, end;
    if (query.hasQueryItem(u"start"_s) &&
        !(start = parseBound(query.queryItemValue(u"start"_s, QUrl::FullyDecoded))))
        return error(Status::UnprocessableEntity, 42210000, u"invalid start"_s);
    if (query.hasQueryItem(u"end"_s) &&
        !(end = parseBound(query.queryItemValue(u"end"_s, QUrl::FullyDecoded))))
        return error(Status::UnprocessableEntity, 42210000, u"invalid end"_s);
    qsizetype offset = 0;
    if (query.hasQueryItem(u"page_token"_s)) {
        const QByteArray token =
            QByteArray::fromBase64(query.queryItemValue(u"page_token"_s, QUrl::FullyDecoded).toLatin1());
        bool ok = false;
        offset = token.startsWith("offset:") ? token.mid(7).toLongLong(&ok) : -1;
        if (!ok || offset < 0)
            return error(Status::UnprocessableEntity, 42210000, u"invalid page token"_s);
    }

    QStringList symbols = singleSymbol.isEmpty() ? symbolsOf(query) : QStringList{singleSymbol};
    if (symbols.isEmpty())
        return error(Status::BadRequest, 40010001, u"symbols is required"_s);
    std::sort(symbols.begin(), symbols.end());
    symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());

    // The whole answer, sorted by symbol then time; a page is a window on it.
    struct Point
    {
        QString symbol;
        int index;
    };
    QList<Point> all;
    const std::int64_t step = stepSeconds(timeframe) * 1'000'000'000LL;
    for (const QString &symbol : std::as_const(symbols)) {
        const Series series = m_series.value(symbol);
        for (int i = 0; i < series.count; ++i) {
            const Timestamp t = Timestamp::fromNanos(firstBarTime().nanos() + i * step);
            if ((start && t < *start) || (end && t > *end))
                continue;
            all.append({symbol, i});
        }
    }
    const qsizetype stop = std::min<qsizetype>(all.size(), offset + limit);
    QHash<QString, QJsonArray> pages;
    for (qsizetype k = offset; k < stop; ++k) {
        const Point &p = all.at(k);
        const Decimal cent = *Decimal::parse(u"0.01");
        const Decimal o = m_series.value(p.symbol).firstOpen + cent * Decimal(p.index);
        pages[p.symbol].append(QJsonObject{
            {u"t"_s, Timestamp::fromNanos(firstBarTime().nanos() + p.index * step).toString()},
            {u"o"_s, o.toDouble()},
            {u"h"_s, (o + *Decimal::parse(u"0.5")).toDouble()},
            {u"l"_s, (o - *Decimal::parse(u"0.25")).toDouble()},
            {u"c"_s, (o + *Decimal::parse(u"0.13")).toDouble()},
            {u"v"_s, 1000 + p.index},
            {u"n"_s, 10 + p.index},
            {u"vw"_s, (o + *Decimal::parse(u"0.071")).toDouble()},
        });
    }
    const bool more = stop < all.size() || m_endless;
    // Endless: the token points past the data and keeps moving, as a broken upstream's would.
    const qsizetype nextOffset = m_endless ? std::max<qsizetype>(stop, offset) + 1 : stop;
    const QJsonValue next = more ? QJsonValue(QString::fromLatin1(
                                       QByteArray("offset:" + QByteArray::number(nextOffset)).toBase64()))
                                 : QJsonValue(QJsonValue::Null);
    if (!singleSymbol.isEmpty()) {
        const QJsonArray list = pages.value(singleSymbol);
        return json({{u"bars"_s, list.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(list)},
                     {u"symbol"_s, singleSymbol},
                     {u"next_page_token"_s, next}});
    }
    QJsonObject bySymbol;
    for (auto it = pages.cbegin(); it != pages.cend(); ++it)
        bySymbol.insert(it.key(), it.value());
    return json({{u"bars"_s, bySymbol}, {u"next_page_token"_s, next}});
}

} // namespace clera::fake
