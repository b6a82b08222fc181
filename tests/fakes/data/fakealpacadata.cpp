#include "fakealpacadata.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera::fake {

namespace {

QHttpServerResponse json(const QJsonObject &body, QHttpServerResponse::StatusCode status)
{
    return QHttpServerResponse(QByteArrayLiteral("application/json"),
                               QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

} // namespace

FakeAlpacaData::FakeAlpacaData(QObject *parent) : QObject(parent)
{
    m_server.route(u"/v2/stocks/snapshots"_s, [this](const QHttpServerRequest &request) {
        ++m_requests;
        const QByteArray apcaKey = request.value(QByteArrayLiteral("APCA-API-KEY-ID"));
        const QByteArray apcaSecret = request.value(QByteArrayLiteral("APCA-API-SECRET-KEY"));
        const QByteArray basic = "Basic " + (m_keyId + u':' + m_secret).toUtf8().toBase64();
        const bool authorized = (apcaKey == m_keyId.toUtf8() && apcaSecret == m_secret.toUtf8())
                                || request.value(QByteArrayLiteral("Authorization")) == basic;
        if (!authorized)
            return json({{u"code"_s, 40110000}, {u"message"_s, u"request is not authorized"_s}},
                        QHttpServerResponse::StatusCode::Unauthorized);
        if (m_failures > 0) {
            --m_failures;
            return json({{u"message"_s, u"injected failure"_s}},
                        static_cast<QHttpServerResponse::StatusCode>(m_failureStatus));
        }
        const QStringList symbols = QUrlQuery(request.url()).queryItemValue(u"symbols"_s).split(u',', Qt::SkipEmptyParts);
        m_requested.append(symbols);
        QJsonObject body;
        for (const QString &symbol : symbols) {
            const auto it = m_snapshots.constFind(symbol);
            if (it == m_snapshots.cend())
                continue;
            body.insert(symbol, QJsonObject{
                {u"latestTrade"_s, QJsonObject{{u"t"_s, u"2026-11-24T15:01:02.123456Z"_s}, {u"x"_s, u"V"_s},
                                               {u"p"_s, it->lastTrade.toDouble()}, {u"s"_s, 100}, {u"i"_s, qint64(52983525029461)},
                                               {u"c"_s, QJsonArray{u"@"_s}}, {u"z"_s, u"C"_s}}},
                {u"latestQuote"_s, QJsonValue::Null},
                {u"minuteBar"_s, QJsonValue::Null},
                {u"dailyBar"_s, QJsonValue::Null},
                {u"prevDailyBar"_s, QJsonObject{{u"t"_s, u"2026-11-23T05:00:00Z"_s}, {u"o"_s, 1}, {u"h"_s, 1},
                                                {u"l"_s, 1}, {u"c"_s, it->previousClose.toDouble()},
                                                {u"v"_s, 1000}, {u"n"_s, 10}, {u"vw"_s, 1}}},
            });
        }
        return json(body, QHttpServerResponse::StatusCode::Ok);
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

} // namespace clera::fake
