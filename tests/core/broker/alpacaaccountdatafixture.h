#pragma once

// What the Alpaca account-data tests share (tst_alpacaportfoliohistory, tst_alpacaaccountdata): a
// FakeAlpacaRest with two accounts, a client on either API, parsing helpers and the reference's example
// payloads.

#include "core/broker/alpacabroker.h"
#include "core/broker/alpacatrading.h"
#include "fakes/rest/fakealpacarest.h"
#include "fakes/rest/futurewait.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <memory>

namespace clera::test {

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using clera::fake::FakeAccountData;
using clera::fake::FakeAlpacaRest;
using clera::fake::FakeFault;

inline Decimal dec(const char *text)
{
    return Decimal::parse(QString::fromLatin1(text)).value();
}

inline Timestamp ts(const char *text)
{
    return Timestamp::parse(QString::fromLatin1(text)).value();
}

inline QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

inline QString describe(const QueryError &e)
{
    return e.toString();
}
inline QString describe(const DecodeError &e)
{
    return e.toString();
}
inline QString describe(const BrokerError &e)
{
    return e.message;
}

// QVERIFY2 evaluates its message even when the check passes: only read the error of a failure.
template <typename R> QByteArray why(const R &r)
{
    return r.hasValue() ? QByteArray() : describe(r.error()).toUtf8();
}

template <typename T> T take(const QFuture<T> &f)
{
    if (!fake::waitFor(f, 15'000))
        qFatal("broker call did not finish");
    return f.result();
}

// §3.10, §3.12: the reference's example payloads.
inline constexpr const char *kHistoryExample =
    R"({"timestamp": [1767623400, 1767624300, 1767625200], "equity": [1025.1, 1026.4, 1024.9],
        "profit_loss": [0.3, 1.6, 0.1], "profit_loss_pct": [0.0003, 0.0016, 0.0001],
        "base_value": 1024.8, "base_value_asof": "2026-01-02", "timeframe": "15Min"})";
inline constexpr const char *kClockExample =
    R"({"timestamp":"2026-01-06T11:02:15.447213308-05:00","is_open":true,
        "next_open":"2026-01-07T09:30:00-05:00","next_close":"2026-01-06T16:00:00-05:00"})";
inline constexpr const char *kCalendarDayExample =
    R"({"date":"2026-01-06","open":"09:30","close":"16:00","session_open":"0400","session_close":"2000"})";

inline FakeFault answer(const QString &path, const QJsonValue &body, int status = 200)
{
    FakeFault f = FakeFault::respond(status).on("GET", path);
    f.body = body;
    return f;
}

class AlpacaAccountDataFixture
{
protected:
    [[nodiscard]] std::unique_ptr<AlpacaRestBroker> client(bool brokerApi) const
    {
        AlpacaOptions o;
        o.baseUrl = m_fake->baseUrl();
        const auto &credentials = brokerApi ? m_fake->brokerCredentials() : m_fake->tradingCredentials();
        o.keyId = credentials.keyId;
        o.secret = credentials.secret;
        o.timeout = 3000ms;
        o.retry.baseDelay = 10ms;
        o.retry.maxDelay = 40ms;
        if (brokerApi)
            return std::make_unique<AlpacaBroker>(o);
        return std::make_unique<AlpacaTrading>(o);
    }

    void addApiRows() const
    {
        QTest::addColumn<bool>("brokerApi");
        QTest::addRow("broker") << true;
        QTest::addRow("trading") << false;
    }

    // A fake with our funded account and someone else's, its clock on an open market day.
    void startFake()
    {
        m_fake = std::make_unique<FakeAlpacaRest>();
        QVERIFY(m_fake->listen() != 0);
        m_own = m_fake->seedAccount(Decimal(5000));
        m_fake->seedAccount(Decimal(1)); // someone else's
        // Tuesday 2026-01-06 11:02:15 New York: the market is open.
        m_fake->accountData().setNow(ts("2026-01-06T16:02:15.5Z"));
    }

    void stopFake() { m_fake.reset(); }

    void fundAndTrade(int fills, int deposits)
    {
        auto &book = m_fake->book();
        for (int i = 0; i < fills; ++i) {
            OrderRequest r;
            r.symbol = i % 2 ? u"AAPL"_s : u"SPY"_s;
            r.qty = Decimal(1);
            r.side = OrderSide::Buy;
            QCOMPARE(book.submitOrder(m_own, r.toJson()).status, 200);
        }
        for (int i = 0; i < deposits; ++i) {
            TransferRequest t;
            t.relationshipId = u"rel-1"_s;
            t.amount = Decimal(100 + i);
            const auto created = book.createTransfer(m_own, t.toJson());
            QCOMPARE(created.status, 200);
            book.completeTransfer(m_own, created.body.toObject().value(u"id").toString());
        }
    }

    std::unique_ptr<FakeAlpacaRest> m_fake;
    QString m_own;
};

} // namespace clera::test
