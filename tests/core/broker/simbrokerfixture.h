#pragma once

// What the SimBroker tests share (tst_simbroker, tst_simbrokerorders, tst_simbrokerfunding): a catalog of
// three assets, a ManualFeed with their prices, a broker on a fresh SQLite file per test with one funded
// account, and order builders.

#include "core/broker/simbroker.h"
#include "core/marketdata/symbolregistry.h"
#include "manualfeed.h"

#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

Q_DECLARE_METATYPE(clera::OrderRequest)

namespace clera {
// Readable QCOMPARE failures.
inline char *toString(const Decimal &d)
{
    return qstrdup(qPrintable(d.toString()));
}
inline char *toString(const std::optional<Decimal> &d)
{
    return qstrdup(d ? qPrintable(d->toString()) : "nullopt");
}
} // namespace clera

namespace clera::test {

using namespace Qt::StringLiterals;

inline const QByteArray kCatalog = R"({"assets": [
  {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "230.00"},
  {"symbol": "MSFT", "name": "Microsoft Corporation", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": true, "reference_price": "420.00"},
  {"symbol": "LCID", "name": "Lucid Group, Inc.", "exchange": "NASDAQ", "class": "us_equity", "type": "stock", "fractionable": false, "reference_price": "20.00"}
]})";

inline Decimal dec(QStringView text)
{
    auto d = Decimal::parse(text);
    if (!d)
        qFatal("bad decimal literal in test");
    return *d;
}

inline OrderRequest market(const QString &symbol, std::optional<Decimal> qty, OrderSide side = OrderSide::Buy)
{
    OrderRequest r;
    r.symbol = symbol;
    r.qty = qty;
    r.side = side;
    r.type = OrderType::Market;
    r.timeInForce = TimeInForce::Day;
    return r;
}

inline OrderRequest notional(const QString &symbol, Decimal amount, OrderSide side = OrderSide::Buy)
{
    OrderRequest r = market(symbol, std::nullopt, side);
    r.notional = amount;
    return r;
}

inline OrderRequest limit(const QString &symbol, Decimal qty, Decimal limitPrice,
                          OrderSide side = OrderSide::Buy)
{
    OrderRequest r = market(symbol, qty, side);
    r.type = OrderType::Limit;
    r.limitPrice = limitPrice;
    return r;
}

// Futures from SimBroker are finished when returned.
template <typename T> T take(const QFuture<T> &future)
{
    if (!future.isFinished())
        qFatal("SimBroker returned an unfinished future");
    return future.result();
}

class SimBrokerFixture
{
protected:
    void setUpCatalog()
    {
        QVERIFY(m_dir.isValid());
        auto catalog = AssetCatalog::fromJson(kCatalog);
        QVERIFY2(catalog, qPrintable(catalog.hasValue() ? QString() : catalog.error()));
        m_catalog = *catalog;
    }

    void makeBroker()
    {
        m_broker = std::make_unique<SimBroker>(m_feed.get(), *m_catalog, m_registry.get(), m_path);
        m_broker->setSettleDelayMs(0);
    }

    // A broker on a fresh database with the feed's prices and one account with 100,000 in cash.
    void openBroker()
    {
        m_feed = std::make_unique<ManualFeed>();
        m_feed->setPrice(u"AAPL"_s, dec(u"187.31"));
        m_feed->setPrice(u"MSFT"_s, dec(u"400"));
        m_feed->setPrice(u"LCID"_s, dec(u"20"));
        m_registry = std::make_unique<SymbolRegistry>(m_feed.get());
        m_path = m_dir.filePath(u"sim-%1.sqlite"_s.arg(++m_dbCounter));
        makeBroker();
        const auto opened = m_broker->open();
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error()));
        const auto account = m_broker->createAccount(dec(u"100000"), u"Test"_s);
        QVERIFY(account);
        m_accountId = account->id;
    }

    void closeBroker()
    {
        m_broker.reset();
        m_registry.reset();
        m_feed.reset();
    }

    [[nodiscard]] Account currentAccount() const
    {
        const auto a = take(m_broker->account(m_accountId));
        if (!a)
            qFatal("account() failed: %s", qPrintable(a.error().message));
        return *a;
    }

    QTemporaryDir m_dir;
    std::optional<AssetCatalog> m_catalog;
    std::unique_ptr<ManualFeed> m_feed;
    std::unique_ptr<SymbolRegistry> m_registry;
    std::unique_ptr<SimBroker> m_broker;
    QString m_path;
    QString m_accountId;
    int m_dbCounter = 0;
};

} // namespace clera::test
