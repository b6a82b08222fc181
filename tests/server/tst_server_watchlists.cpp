#include "core/store/scratchdatabase.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

// The watchlist routes over real sockets on an in-process demo server, on SQLite and (under
// pg_virtualenv) PostgreSQL: create, list, read, rename, replace, add and remove symbols, delete;
// validation against the asset catalog; one user never sees or changes another's lists; a restart
// keeps them.
class TestServerWatchlists : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    test::HttpResult create(const QString &name, const QString &symbols, const QString &as = u"demo-alice"_s)
    {
        QJsonObject body{{u"name"_s, name}};
        if (!symbols.isNull())
            body.insert(u"symbols"_s, symbols);
        return m_http.post(u"/api/v1/watchlists"_s, body, token(as));
    }

    test::HttpResult send(const QByteArray &method, const QString &path, const QJsonObject &body,
                          const QString &as = u"demo-alice"_s)
    {
        return m_http.send(method, path, token(as),
                           body.isEmpty() ? QByteArray()
                                          : QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    static QStringList symbolsOf(const test::HttpResult &r)
    {
        QStringList out;
        for (const QJsonValue &v : r.body.object().value(u"symbols"_s).toArray())
            out.append(v.toString());
        return out;
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
    }

    void cleanup() { stopServer(); }

    void lifecycle()
    {
        const auto created = create(u"Tech"_s, u"aapl, MSFT,AAPL"_s);
        QCOMPARE(created.status, 201);
        const QString id = created.body[u"id"_s].toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(created.body[u"name"_s].toString(), u"Tech"_s);
        QCOMPARE(symbolsOf(created), (QStringList{u"AAPL"_s, u"MSFT"_s}));
        QVERIFY(!created.body[u"created_at"_s].toString().isEmpty());
        QCOMPARE(create(u"Empty"_s, QString()).status, 201);

        const auto list = m_http.get(u"/api/v1/watchlists"_s, token(u"demo-alice"_s));
        QCOMPARE(list.status, 200);
        QCOMPARE(list.body.array().size(), 2);
        QCOMPARE(list.body.array().at(0)[u"name"_s].toString(), u"Tech"_s);
        QCOMPARE(list.body.array().at(1)[u"symbols"_s].toArray().size(), 0);

        const QString path = u"/api/v1/watchlists/"_s + id;
        QCOMPARE(symbolsOf(m_http.get(path, token(u"demo-alice"_s))), (QStringList{u"AAPL"_s, u"MSFT"_s}));

        const auto added = send("POST", path + u"/symbols"_s, {{u"symbol"_s, u"ko,spy"_s}});
        QCOMPARE(added.status, 200);
        QCOMPARE(symbolsOf(added), (QStringList{u"AAPL"_s, u"MSFT"_s, u"KO"_s, u"SPY"_s}));
        const auto removed = send("DELETE", path + u"/symbols/msft"_s, {});
        QCOMPARE(removed.status, 200);
        QCOMPARE(symbolsOf(removed), (QStringList{u"AAPL"_s, u"KO"_s, u"SPY"_s}));
        verifyError(send("DELETE", path + u"/symbols/TSLA"_s, {}), 404, u"not_found"_s);

        const auto renamed = send("PUT", path, {{u"name"_s, u"Favourites"_s}});
        QCOMPARE(renamed.status, 200);
        QCOMPARE(renamed.body[u"name"_s].toString(), u"Favourites"_s);
        QCOMPARE(symbolsOf(renamed), (QStringList{u"AAPL"_s, u"KO"_s, u"SPY"_s}));
        const auto replaced = send("PUT", path, {{u"symbols"_s, u"NVDA,AAPL"_s}});
        QCOMPARE(symbolsOf(replaced), (QStringList{u"NVDA"_s, u"AAPL"_s}));
        QCOMPARE(replaced.body[u"name"_s].toString(), u"Favourites"_s);

        QCOMPARE(send("DELETE", path, {}).status, 204);
        verifyError(m_http.get(path, token(u"demo-alice"_s)), 404, u"not_found"_s);
        QCOMPARE(m_http.get(u"/api/v1/watchlists"_s, token(u"demo-alice"_s)).body.array().size(), 1);
    }

    void validation()
    {
        verifyError(create(u"Bad"_s, u"AAPL,NOTASYMBOL,ZZZZ"_s), 422, u"unknown_symbol"_s);
        verifyError(create(u"   "_s, u"AAPL"_s), 400, u"invalid_watchlist"_s);
        verifyError(create(QString(65, u'x'), QString()), 400, u"invalid_watchlist"_s);
        verifyError(m_http.post(u"/api/v1/watchlists"_s, {{u"symbols"_s, u"AAPL"_s}}, token(u"demo-alice"_s)),
                    400, u"invalid_request"_s); // name is required
        QCOMPARE(m_http.get(u"/api/v1/watchlists"_s, token(u"demo-alice"_s)).body.array().size(), 0);

        QCOMPARE(create(u"Tech"_s, u"AAPL"_s).status, 201);
        verifyError(create(u"tech"_s, QString()), 409, u"watchlist_exists"_s);
        const QString id = m_http.get(u"/api/v1/watchlists"_s, token(u"demo-alice"_s))
                               .body.array()
                               .at(0)[u"id"_s]
                               .toString();
        const QString path = u"/api/v1/watchlists/"_s + id;
        verifyError(send("PUT", path, {}), 400, u"invalid_watchlist"_s);
        verifyError(send("PUT", path, {{u"symbols"_s, u"AAPL,NOPE1"_s}}), 422, u"unknown_symbol"_s);
        QCOMPARE(symbolsOf(m_http.get(path, token(u"demo-alice"_s))), QStringList{u"AAPL"_s}); // unchanged
        verifyError(send("POST", path + u"/symbols"_s, {{u"symbol"_s, u" , "_s}}), 400,
                    u"invalid_watchlist"_s);
        verifyError(send("POST", path + u"/symbols"_s, {{u"symbol"_s, u"NOPE1"_s}}), 422,
                    u"unknown_symbol"_s);
        verifyError(send("POST", path + u"/symbols"_s, {{u"symbol"_s, 5}}), 400, u"invalid_request"_s);
        verifyError(m_http.get(u"/api/v1/watchlists"_s), 401, u"unauthorized"_s);
    }

    void usersAreIsolated()
    {
        const auto mine = create(u"Alice's"_s, u"AAPL"_s);
        QCOMPARE(mine.status, 201);
        const QString path = u"/api/v1/watchlists/"_s + mine.body[u"id"_s].toString();
        // The same name is free for another user.
        QCOMPARE(create(u"Alice's"_s, u"KO"_s, u"demo-bob"_s).status, 201);

        const QStringList others{u"demo-bob"_s, u"demo-operator"_s};
        for (const QString &other : others) {
            const Role role = other == u"demo-operator" ? Role::Operator : Role::User;
            const QString t = token(other, role);
            for (const QJsonValue &w : m_http.get(u"/api/v1/watchlists"_s, t).body.array())
                QVERIFY(w[u"name"_s].toString() != u"Alice's" || other == u"demo-bob");
            verifyError(m_http.get(path, t), 404, u"not_found"_s);
            verifyError(m_http.send("PUT", path, t, R"({"name":"Mine now"})"), 404, u"not_found"_s);
            verifyError(m_http.send("POST", path + u"/symbols"_s, t, R"({"symbol":"MSFT"})"), 404,
                        u"not_found"_s);
            verifyError(m_http.send("DELETE", path + u"/symbols/AAPL"_s, t), 404, u"not_found"_s);
            verifyError(m_http.send("DELETE", path, t), 404, u"not_found"_s);
        }
        const auto still = m_http.get(path, token(u"demo-alice"_s));
        QCOMPARE(still.status, 200);
        QCOMPARE(still.body[u"name"_s].toString(), u"Alice's"_s);
        QCOMPARE(symbolsOf(still), QStringList{u"AAPL"_s});
        const auto bobs = m_http.get(u"/api/v1/watchlists"_s, token(u"demo-bob"_s));
        QCOMPARE(bobs.body.array().size(), 1);
        QCOMPARE(bobs.body.array().at(0)[u"symbols"_s].toArray().at(0).toString(), u"KO"_s);
    }

    void restartKeepsWatchlists()
    {
        const auto created = create(u"Kept"_s, u"MSFT,AAPL,KO"_s);
        QCOMPARE(created.status, 201);
        const QString path = u"/api/v1/watchlists/"_s + created.body[u"id"_s].toString();
        QCOMPARE(send("DELETE", path + u"/symbols/AAPL"_s, {}).status, 200);
        m_root.reset();
        QVERIFY(startServer());
        const auto again = m_http.get(path, token(u"demo-alice"_s));
        QCOMPARE(again.status, 200);
        QCOMPARE(again.body[u"name"_s].toString(), u"Kept"_s);
        QCOMPARE(symbolsOf(again), (QStringList{u"MSFT"_s, u"KO"_s}));
    }
};

QTEST_GUILESS_MAIN(TestServerWatchlists)
#include "tst_server_watchlists.moc"
