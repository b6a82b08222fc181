#include "core/broker/simbroker.h"
#include "core/store/auditlog.h"
#include "core/store/brokerageaccountrepository.h"
#include "core/store/database.h"
#include "core/store/scratchdatabase.h"
#include "core/trading/orderservice.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

// The pre-trade checks over real sockets on the demo server (embedded SimBroker, its clock moved):
// POST …/orders/preview answers the estimate, the buying power before and after, the market clock
// and the warnings and stores and sends nothing; placing answers the order with its `warnings`.
// SQLite and (under pg_virtualenv) PostgreSQL.
class TestServerOrderPreview : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    Timestamp m_now;

    [[nodiscard]] static QString orders(const QString &account)
    {
        return u"/api/v1/accounts/%1/orders"_s.arg(account);
    }

    static QJsonObject limitBuy(const QString &qty, const QString &price)
    {
        return {{u"symbol"_s, u"AAPL"_s}, {u"side"_s, u"buy"_s},   {u"type"_s, u"limit"_s},
                {u"qty"_s, qty},          {u"limit_price"_s, price}};
    }

    [[nodiscard]] int brokerOrders(const QString &account) const
    {
        OrderQuery query;
        query.status = OrderQuery::Status::All;
        query.limit = 500;
        return int(test::ready(m_root->broker()->orders(account, query)).size());
    }

    [[nodiscard]] qint64 intentRows() const
    {
        auto rows = m_root->database().exec(u"SELECT COUNT(*) FROM order_intents"_s);
        return rows && rows->next() ? rows->value(0).toLongLong() : -1;
    }

    [[nodiscard]] Decimal buyingPower(const QString &account) const
    {
        return test::ready(m_root->broker()->account(account)).buyingPower;
    }

    static QStringList codes(const QJsonValue &warnings)
    {
        QStringList out;
        for (const QJsonValue &w : warnings.toArray())
            out.append(w.toObject().value(u"code"_s).toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
        auto *sim = qobject_cast<SimBroker *>(m_root->broker());
        QVERIFY(sim);
        m_now = Timestamp::parse(u"2026-01-10T15:00:00Z").value(); // a Saturday
        sim->setClock([this] { return m_now; });
        QTRY_VERIFY(m_root->orders()->isReady());
    }

    void cleanup() { stopServer(); }

    void previewAnswersTheEstimateAndPlacesNothing()
    {
        const int ordersBefore = brokerOrders(m_alice);
        const qint64 intentsBefore = intentRows();
        const Decimal power = buyingPower(m_alice);
        const auto r = m_http.post(orders(m_alice) + u"/preview"_s, limitBuy(u"2"_s, u"100.5"_s),
                                   token(u"demo-alice"_s));
        QCOMPARE(r.status, 200);
        const QJsonObject p = r.body.object();
        QCOMPARE(p.value(u"symbol"_s).toString(), u"AAPL"_s);
        QCOMPARE(p.value(u"estimated_price"_s).toString(), u"100.5"_s);
        QCOMPARE(p.value(u"price_source"_s).toString(), u"limit_price"_s);
        QCOMPARE(p.value(u"estimated_cost"_s).toString(), u"201"_s);
        QCOMPARE(p.value(u"buying_power"_s).toString(), power.toString());
        QCOMPARE(p.value(u"buying_power_after"_s).toString(), (power - Decimal(201)).toString());
        const QJsonObject market = p.value(u"market"_s).toObject();
        QCOMPARE(market.value(u"is_open"_s).toBool(true), false);
        QCOMPARE(market.value(u"next_open"_s).toString(), u"2026-01-12T09:30:00-05:00"_s);
        QCOMPARE(codes(p.value(u"warnings"_s)), QStringList{u"market_closed"_s});
        // Nothing stored, nothing sent, nothing audited as placed.
        QCOMPARE(brokerOrders(m_alice), ordersBefore);
        QCOMPARE(intentRows(), intentsBefore);
        AuditFilter filter;
        filter.action = u"order.place"_s;
        QCOMPARE(AuditLog(m_root->database()).query(filter).valueOr(QList<AuditEntry>{AuditEntry()}).size(), 0);
    }

    void previewRefusesAsPlacingWould()
    {
        const QString path = orders(m_alice) + u"/preview"_s;
        QJsonObject noQty = limitBuy(u"1"_s, u"10"_s);
        noQty.remove(u"qty"_s);
        auto r = m_http.post(path, noQty, token(u"demo-alice"_s));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"invalid_order"_s);
        r = m_http.post(path, limitBuy(u"100000000"_s, u"100"_s), token(u"demo-alice"_s));
        QCOMPARE(r.status, 403);
        QCOMPARE(r.errorCode(), u"insufficient_buying_power"_s);
        // Someone else's account is not there; an operator trades (and previews) only their own.
        QCOMPARE(m_http.post(orders(m_bob) + u"/preview"_s, limitBuy(u"1"_s, u"10"_s), token(u"demo-alice"_s))
                     .status,
                 404);
        QCOMPARE(m_http.post(path, limitBuy(u"1"_s, u"10"_s), token(u"demo-operator"_s, Role::Operator)).status,
                 403);
        QCOMPARE(intentRows(), 0);
    }

    void placedOrderCarriesItsWarnings()
    {
        auto r = m_http.post(orders(m_alice), limitBuy(u"1"_s, u"10"_s), token(u"demo-alice"_s));
        QCOMPARE(r.status, 201);
        QVERIFY(!r.body.object().value(u"id"_s).toString().isEmpty());
        QCOMPARE(r.body.object().value(u"status"_s).toString(), u"new"_s);
        QCOMPARE(codes(r.body.object().value(u"warnings"_s)), QStringList{u"market_closed"_s});

        m_now = Timestamp::parse(u"2026-01-06T16:00:00Z").value(); // Tuesday 11:00 New York
        r = m_http.post(orders(m_alice), limitBuy(u"1"_s, u"10"_s), token(u"demo-alice"_s));
        QCOMPARE(r.status, 201);
        QVERIFY(r.body.object().value(u"warnings"_s).isArray());
        QCOMPARE(codes(r.body.object().value(u"warnings"_s)), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestServerOrderPreview)
#include "tst_server_orderpreview.moc"
