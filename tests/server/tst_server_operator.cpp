#include "core/auth/authservice.h"
#include "core/auth/opaquetoken.h"
#include "core/store/migration.h"
#include "core/store/scratchdatabase.h"
#include "server/restapi.h"
#include "server/serverroot.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

// The operator routes (/api/v1/admin/…) and the auth hardening over real sockets on an in-process
// server with the demo data, on SQLite and (under pg_virtualenv) PostgreSQL: every route for an
// operator, a user (403) and no token (401); disabling a user ends their sessions and tokens at once;
// the audit log's paging and filters; the sign-up limits; and /health answering while the production
// Argon2id runs on its pool.
class TestServerOperator : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    [[nodiscard]] QString idOf(const QString &demoName) const { return test::userId(*m_root, demoName); }
    [[nodiscard]] QString operatorToken() const
    {
        return test::tokenFor(*m_root, u"demo-operator"_s, Role::Operator);
    }
    [[nodiscard]] QString aliceToken() const { return test::tokenFor(*m_root, u"demo-alice"_s, Role::User); }

    test::HttpResult signIn(const QString &email)
    {
        return m_http.post(u"/api/v1/auth/sign-in"_s,
                           {{u"email"_s, email}, {u"password"_s, DemoSeeder::kPassword.toString()}});
    }

    // Every entry of the audit log through pages of `limit`, newest first.
    QList<QJsonObject> auditPages(const QString &filter, int limit, int *pages)
    {
        QList<QJsonObject> all;
        QString cursor;
        *pages = 0;
        for (;;) {
            const auto page = m_http.get(u"/api/v1/admin/audit?limit=%1%2%3"_s.arg(limit).arg(filter, cursor),
                                         operatorToken());
            if (page.status != 200)
                return {};
            ++*pages;
            const QJsonArray entries = page.body[u"entries"_s].toArray();
            for (const QJsonValue &e : entries)
                all.append(e.toObject());
            const QJsonValue next = page.body[u"next_before_id"_s];
            if (next.isNull())
                return all;
            cursor = u"&before_id=%1"_s.arg(next.toInteger());
        }
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
    }

    void cleanup() { stopServer(); }

    void everyRouteNeedsAnOperator_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addRow("users") << QByteArray("GET") << u"/users"_s;
        QTest::addRow("user") << QByteArray("GET") << u"/users/{bob}"_s;
        QTest::addRow("sessions") << QByteArray("GET") << u"/users/{bob}/sessions"_s;
        QTest::addRow("disable") << QByteArray("POST") << u"/users/{bob}/disable"_s;
        QTest::addRow("enable") << QByteArray("POST") << u"/users/{bob}/enable"_s;
        QTest::addRow("accounts") << QByteArray("GET") << u"/accounts"_s;
        QTest::addRow("audit") << QByteArray("GET") << u"/audit"_s;
        QTest::addRow("status") << QByteArray("GET") << u"/status"_s;
    }

    void everyRouteNeedsAnOperator()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        const QString url = u"/api/v1/admin"_s + QString(path).replace(u"{bob}"_s, idOf(u"demo-bob"_s));
        const QByteArray body = method == "POST" ? QByteArray("{}") : QByteArray();

        const auto anonymous = m_http.send(method, url, {}, body);
        verifyError(anonymous, 401, u"unauthorized"_s);
        QVERIFY(anonymous.headers.value("www-authenticate").startsWith("Bearer"));
        verifyError(m_http.send(method, url, u"garbage"_s, body), 401, u"unauthorized"_s);
        verifyError(m_http.send(method, url, aliceToken(), body), 403, u"forbidden"_s);
        QVERIFY(!(*m_root->users().findById(idOf(u"demo-bob"_s)))->disabled); // refused means untouched

        const auto served = m_http.send(method, url, operatorToken(), body);
        QCOMPARE(served.status, 200);
        QVERIFY(served.contentType.startsWith("application/json"));
        QVERIFY(served.body.isObject() && !served.body.object().isEmpty());
    }

    void usersArePagedAndFiltered()
    {
        const auto all = m_http.get(u"/api/v1/admin/users"_s, operatorToken());
        QCOMPARE(all.status, 200);
        QCOMPARE(all.body[u"total"_s].toInt(), 3);
        QCOMPARE(all.body[u"limit"_s].toInt(), 50);
        const QJsonArray users = all.body[u"users"_s].toArray();
        QCOMPARE(users.size(), 3);
        QHash<QString, QJsonObject> byEmail;
        for (const QJsonValue &u : users)
            byEmail.insert(u[u"email"_s].toString(), u.toObject());
        const QJsonObject alice = byEmail.value(u"alice@demo.clera.invalid"_s);
        QCOMPARE(alice[u"id"_s].toString(), idOf(u"demo-alice"_s));
        QCOMPARE(alice[u"role"_s].toString(), u"user"_s);
        QCOMPARE(alice[u"email_verified"_s].toBool(), true);
        QCOMPARE(alice[u"disabled"_s].toBool(), false);
        QVERIFY(QDateTime::fromString(alice[u"created_at"_s].toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(alice[u"accounts"_s].toArray().size(), 1);
        QCOMPARE(alice[u"accounts"_s][0][u"id"_s].toString(), m_root->demoAccounts().at(0));
        QCOMPARE(alice[u"accounts"_s][0][u"broker"_s].toString(), u"sim"_s);
        QCOMPARE(byEmail.value(u"operator@demo.clera.invalid"_s)[u"role"_s].toString(), u"operator"_s);
        QCOMPARE(byEmail.value(u"operator@demo.clera.invalid"_s)[u"accounts"_s].toArray().size(), 0);
        for (const QJsonValue &u : users)
            QVERIFY(!u.toObject().contains(u"password_hash"_s));

        const auto filtered = m_http.get(u"/api/v1/admin/users?q=ALICE"_s, operatorToken());
        QCOMPARE(filtered.body[u"total"_s].toInt(), 1);
        QCOMPARE(filtered.body[u"users"_s][0][u"email"_s].toString(), u"alice@demo.clera.invalid"_s);
        QCOMPARE(m_http.get(u"/api/v1/admin/users?q=nobody"_s, operatorToken()).body[u"total"_s].toInt(), 0);

        QSet<QString> seen;
        for (int offset = 0; offset < 3; ++offset) {
            const auto page =
                m_http.get(u"/api/v1/admin/users?limit=1&offset=%1"_s.arg(offset), operatorToken());
            QCOMPARE(page.body[u"users"_s].toArray().size(), 1);
            QCOMPARE(page.body[u"total"_s].toInt(), 3);
            seen.insert(page.body[u"users"_s][0][u"id"_s].toString());
        }
        QCOMPARE(seen.size(), 3);
        QCOMPARE(
            m_http.get(u"/api/v1/admin/users?offset=3"_s, operatorToken()).body[u"users"_s].toArray().size(),
            0);
        for (const QString &bad : {u"limit=0"_s, u"limit=501"_s, u"limit=x"_s, u"offset=-1"_s,
                                   QString(u"q="_s + QString(300, u'a'))})
            verifyError(m_http.get(u"/api/v1/admin/users?"_s + bad, operatorToken()), 400,
                        u"invalid_query"_s);
    }

    void userDetailAndSessionsNeverShowTokens()
    {
        const auto first = signIn(u"alice@demo.clera.invalid"_s);
        const auto second = signIn(u"alice@demo.clera.invalid"_s);
        QCOMPARE(second.status, 200);
        // Rotated once: the first sign-in's old session is replaced, not active.
        QCOMPARE(
            m_http.post(u"/api/v1/auth/refresh"_s, {{u"refresh_token"_s, first.body[u"refresh_token"_s]}})
                .status,
            200);
        const QString alice = idOf(u"demo-alice"_s);

        const auto detail = m_http.get(u"/api/v1/admin/users/"_s + alice, operatorToken());
        QCOMPARE(detail.status, 200);
        QCOMPARE(detail.body[u"email"_s].toString(), u"alice@demo.clera.invalid"_s);
        QCOMPARE(detail.body[u"active_sessions"_s].toInt(), 2);
        QCOMPARE(detail.body[u"accounts"_s].toArray().size(), 1);

        const auto all = m_http.get(u"/api/v1/admin/users/%1/sessions"_s.arg(alice), operatorToken());
        QCOMPARE(all.status, 200);
        QCOMPARE(all.body[u"user_id"_s].toString(), alice);
        const QJsonArray sessions = all.body[u"sessions"_s].toArray();
        QCOMPARE(sessions.size(), 3);
        int active = 0;
        for (const QJsonValue &s : sessions) {
            const QJsonObject o = s.toObject();
            QVERIFY(!o.contains(u"token_hash"_s));
            QCOMPARE(o[u"ip"_s].toString(), u"127.0.0.1"_s);
            QCOMPARE(o[u"user_agent"_s].toString(), u"clera-tests"_s);
            active += o[u"active"_s].toBool() ? 1 : 0;
            if (!o[u"active"_s].toBool()) {
                QVERIFY(!o[u"replaced_by"_s].toString().isEmpty());
                QVERIFY(!o[u"revoked_at"_s].isNull());
            }
        }
        QCOMPARE(active, 2);
        const QByteArray text = all.body.toJson();
        for (const QString &token :
             {first.body[u"refresh_token"_s].toString(), second.body[u"refresh_token"_s].toString()}) {
            QVERIFY(!text.contains(token.toLatin1()));
            QVERIFY(!text.contains(OpaqueToken::hashOf(token).toLatin1()));
        }
        const auto onlyActive =
            m_http.get(u"/api/v1/admin/users/%1/sessions?active=true"_s.arg(alice), operatorToken());
        QCOMPARE(onlyActive.body[u"sessions"_s].toArray().size(), 2);
        verifyError(m_http.get(u"/api/v1/admin/users/%1/sessions?active=maybe"_s.arg(alice), operatorToken()),
                    400, u"invalid_query"_s);

        for (const QString &path :
             {u"/api/v1/admin/users/nobody"_s, u"/api/v1/admin/users/nobody/sessions"_s})
            verifyError(m_http.get(path, operatorToken()), 404, u"not_found"_s);
        verifyError(m_http.post(u"/api/v1/admin/users/nobody/disable"_s, {}, operatorToken()), 404,
                    u"not_found"_s);
    }

    void disablingEndsSessionsAndTokensAtOnce()
    {
        const auto session = signIn(u"alice@demo.clera.invalid"_s);
        QCOMPARE(session.status, 200);
        const QString access = session.body[u"access_token"_s].toString();
        const QString refreshToken = session.body[u"refresh_token"_s].toString();
        QCOMPARE(m_http.get(u"/api/v1/me"_s, access).status, 200);
        const QString alice = idOf(u"demo-alice"_s);

        const auto disabled =
            m_http.post(u"/api/v1/admin/users/%1/disable"_s.arg(alice), {}, operatorToken());
        QCOMPARE(disabled.status, 200);
        QCOMPARE(disabled.body[u"disabled"_s].toBool(), true);
        QCOMPARE(disabled.body[u"active_sessions"_s].toInt(), 0);
        verifyError(m_http.get(u"/api/v1/me"_s, access), 401, u"unauthorized"_s);
        verifyError(m_http.post(u"/api/v1/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}}), 401,
                    u"invalid_token"_s);
        verifyError(signIn(u"alice@demo.clera.invalid"_s), 403, u"account_disabled"_s);
        QCOMPARE(m_http.get(u"/api/v1/admin/users/%1/sessions?active=true"_s.arg(alice), operatorToken())
                     .body[u"sessions"_s]
                     .toArray()
                     .size(),
                 0);

        const auto logged = m_http.get(
            u"/api/v1/admin/audit?action=admin.user_disable&subject=%1"_s.arg(alice), operatorToken());
        QCOMPARE(logged.body[u"entries"_s].toArray().size(), 1);
        const QJsonObject entry = logged.body[u"entries"_s][0].toObject();
        QCOMPARE(entry[u"actor"_s].toString(), idOf(u"demo-operator"_s));
        QCOMPARE(entry[u"result"_s].toString(), u"ok"_s);
        QCOMPARE(entry[u"ip"_s].toString(), u"127.0.0.1"_s);
        QCOMPARE(entry[u"details"_s][u"revoked"_s].toInt(), 1);

        const auto enabled = m_http.post(u"/api/v1/admin/users/%1/enable"_s.arg(alice), {}, operatorToken());
        QCOMPARE(enabled.status, 200);
        QCOMPARE(enabled.body[u"disabled"_s].toBool(), false);
        // Enabling does not bring the old sessions back; a new sign-in works.
        verifyError(m_http.post(u"/api/v1/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}}), 401,
                    u"invalid_token"_s);
        QCOMPARE(signIn(u"alice@demo.clera.invalid"_s).status, 200);
        QCOMPARE(m_http.get(u"/api/v1/admin/audit?action=admin.user_enable"_s, operatorToken())
                     .body[u"entries"_s]
                     .toArray()
                     .size(),
                 1);
    }

    void operatorsCannotDisableThemselves()
    {
        const QString self = idOf(u"demo-operator"_s);
        verifyError(m_http.post(u"/api/v1/admin/users/%1/disable"_s.arg(self), {}, operatorToken()), 409,
                    u"conflict"_s);
        QVERIFY(!(*m_root->users().findById(self))->disabled);
        QCOMPARE(m_http.get(u"/api/v1/admin/status"_s, operatorToken()).status, 200);
        const auto denied = m_http.get(u"/api/v1/admin/audit?actor=%1&action=admin.user_disable"_s.arg(self),
                                       operatorToken());
        QCOMPARE(denied.body[u"entries"_s][0][u"result"_s].toString(), u"denied"_s);
        QCOMPARE(denied.body[u"entries"_s][0][u"details"_s][u"reason"_s].toString(), u"self"_s);

        // A second operator may disable the first; the one left is then the last and stays enabled.
        QVERIFY(m_root->users().setRole(idOf(u"demo-bob"_s), u"operator"_s));
        const QString bobToken = test::tokenFor(*m_root, u"demo-bob"_s, Role::Operator);
        QCOMPARE(m_http.post(u"/api/v1/admin/users/%1/disable"_s.arg(self), {}, bobToken).status, 200);
        verifyError(m_http.get(u"/api/v1/admin/status"_s, operatorToken()), 401, u"unauthorized"_s);
        verifyError(m_http.post(u"/api/v1/admin/users/%1/disable"_s.arg(idOf(u"demo-bob"_s)), {}, bobToken),
                    409, u"conflict"_s);
    }

    void auditLogPagesAndFilters()
    {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_http
                         .post(u"/api/v1/auth/sign-in"_s, {{u"email"_s, u"bob@demo.clera.invalid"_s},
                                                           {u"password"_s, u"wrong password"_s}})
                         .status,
                     401);
        QCOMPARE(signIn(u"alice@demo.clera.invalid"_s).status, 200);

        const auto everything = m_http.get(u"/api/v1/admin/audit?limit=500"_s, operatorToken());
        QCOMPARE(everything.status, 200);
        QVERIFY(everything.body[u"next_before_id"_s].isNull());
        const QJsonArray all = everything.body[u"entries"_s].toArray();
        QVERIFY(all.size() >= 4);

        int pages = 0;
        const QList<QJsonObject> paged = auditPages({}, 2, &pages);
        QCOMPARE(paged.size(), all.size());
        QVERIFY(pages >= 2);
        for (qsizetype i = 0; i < paged.size(); ++i) {
            QCOMPARE(paged.at(i)[u"id"_s].toInteger(), all.at(i)[u"id"_s].toInteger());
            if (i > 0)
                QVERIFY(paged.at(i)[u"id"_s].toInteger() < paged.at(i - 1)[u"id"_s].toInteger());
        }

        const QString bob = idOf(u"demo-bob"_s);
        const QList<QJsonObject> denied = auditPages(u"&action=auth.sign_in&subject="_s + bob, 1, &pages);
        QCOMPARE(denied.size(), 3);
        for (const QJsonObject &e : denied) {
            QCOMPARE(e[u"action"_s].toString(), u"auth.sign_in"_s);
            QCOMPARE(e[u"subject"_s].toString(), bob);
            QCOMPARE(e[u"result"_s].toString(), u"denied"_s);
            QCOMPARE(e[u"details"_s][u"reason"_s].toString(), u"invalid_credentials"_s);
            QVERIFY(!QJsonDocument(e).toJson().contains("wrong password"));
        }
        const QString alice = idOf(u"demo-alice"_s);
        const auto byActor = m_http.get(u"/api/v1/admin/audit?actor="_s + alice, operatorToken());
        const QJsonArray aliceEntries = byActor.body[u"entries"_s].toArray();
        QCOMPARE(aliceEntries.size(), 1);
        QCOMPARE(aliceEntries[0][u"action"_s].toString(), u"auth.sign_in"_s);
        QCOMPARE(aliceEntries[0][u"result"_s].toString(), u"ok"_s);

        for (const QString &bad : {u"before_id=0"_s, u"before_id=x"_s, u"limit=0"_s, u"limit=1000"_s})
            verifyError(m_http.get(u"/api/v1/admin/audit?"_s + bad, operatorToken()), 400,
                        u"invalid_query"_s);
    }

    void brokerageAccountsOfEveryUser()
    {
        const auto listed = m_http.get(u"/api/v1/admin/accounts"_s, operatorToken());
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.body[u"total"_s].toInt(), 2);
        const QJsonArray accounts = listed.body[u"accounts"_s].toArray();
        QCOMPARE(accounts.size(), 2);
        QCOMPARE(accounts[0][u"id"_s].toString(), m_root->demoAccounts().at(0));
        QCOMPARE(accounts[0][u"user_id"_s].toString(), idOf(u"demo-alice"_s));
        QCOMPARE(accounts[0][u"email"_s].toString(), u"alice@demo.clera.invalid"_s);
        QCOMPARE(accounts[1][u"email"_s].toString(), u"bob@demo.clera.invalid"_s);
        QCOMPARE(accounts[1][u"broker"_s].toString(), u"sim"_s);
        const auto second = m_http.get(u"/api/v1/admin/accounts?limit=1&offset=1"_s, operatorToken());
        QCOMPARE(second.body[u"accounts"_s].toArray().size(), 1);
        QCOMPARE(second.body[u"accounts"_s][0][u"id"_s].toString(), m_root->demoAccounts().at(1));
    }

    void statusCountsWhatRuns()
    {
        QFETCH_GLOBAL(QString, engine);
        QCOMPARE(signIn(u"bob@demo.clera.invalid"_s).status, 200);
        test::WsClient client;
        QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(m_root->webSocketPort()));
        url.setQuery(u"token="_s + aliceToken());
        QVERIFY(client.open(url));
        QTRY_COMPARE(client.count(u"authenticated"_s), 1);

        const auto status = m_http.get(u"/api/v1/admin/status"_s, operatorToken());
        QCOMPARE(status.status, 200);
        const QJsonObject s = status.body.object();
        QCOMPARE(s[u"status"_s].toString(), m_http.get(u"/health"_s).body[u"status"_s].toString());
        QVERIFY(s[u"components"_s].toObject().contains(u"database"_s));
        QCOMPARE(s[u"counts"_s][u"users"_s].toInt(), 3);
        QCOMPARE(s[u"counts"_s][u"sessions_active"_s].toInt(), 1);
        QCOMPARE(s[u"counts"_s][u"brokerage_accounts"_s].toInt(), 2);
        QCOMPARE(s[u"websocket"_s][u"clients"_s].toInt(), 1);
        QVERIFY(s[u"websocket"_s].toObject().contains(u"updates_sent"_s));
        QCOMPARE(s[u"store"_s][u"engine"_s].toString(), engine);
        QCOMPARE(s[u"store"_s][u"schema_version"_s].toInt(), storeMigrations().last().version);
        QVERIFY(s[u"password_hashing"_s][u"threads"_s].toInt() >= 1);
        QCOMPARE(s[u"version"_s].toString(), m_http.get(u"/health"_s).body[u"version"_s].toString());
        QVERIFY(!s[u"version"_s].toString().isEmpty());
        QVERIFY(s.contains(u"uptime_seconds"_s));
    }

    void signUpIsRateLimitedWithoutTellingAccountsApart()
    {
        const AuthPolicy &policy = m_root->auth().policy();
        QList<test::HttpResult> limited;
        for (const QString &email : {u"alice@demo.clera.invalid"_s, u"newcomer@example.com"_s}) {
            for (int i = 0; i < policy.signUpsPerAccount; ++i)
                QCOMPARE(m_http
                             .post(u"/api/v1/auth/sign-up"_s,
                                   {{u"email"_s, email}, {u"password"_s, u"a long enough password"_s}})
                             .status,
                         202);
            limited.append(m_http.post(u"/api/v1/auth/sign-up"_s,
                                       {{u"email"_s, email}, {u"password"_s, u"a long enough password"_s}}));
        }
        for (const test::HttpResult &r : std::as_const(limited)) {
            verifyError(r, 429, u"rate_limited"_s);
            QVERIFY(r.headers.value("retry-after").toInt() > 0);
            QVERIFY(r.headers.value("retry-after").toInt() <= policy.signUpWindow.count());
        }
        QCOMPARE(limited.at(0).body, limited.at(1).body);
        QCOMPARE(limited.at(0).headers.value("retry-after"), limited.at(1).headers.value("retry-after"));

        // Per address: what is left of this address's allowance, then 429 for any address.
        const int left = policy.signUpsPerAddress - 2 * policy.signUpsPerAccount;
        for (int i = 0; i < left; ++i)
            QCOMPARE(m_http
                         .post(u"/api/v1/auth/sign-up"_s, {{u"email"_s, u"user%1@example.com"_s.arg(i)},
                                                           {u"password"_s, u"a long enough password"_s}})
                         .status,
                     202);
        verifyError(m_http.post(u"/api/v1/auth/sign-up"_s, {{u"email"_s, u"one-more@example.com"_s},
                                                            {u"password"_s, u"a long enough password"_s}}),
                    429, u"rate_limited"_s);
        QVERIFY(!m_root->users().findByEmail(u"one-more@example.com"_s)->has_value());
        QCOMPARE(m_root->users().count().valueOr(0), 3 + 1 + left);
    }

    // The production hasher (64 MiB, t = 2) on a pool of one thread: while a batch of sign-ins waits for
    // it, the loop still serves /health.
    void healthAnswersWhileSignInsHash()
    {
        m_root.reset();
        auto config = scratchStoreConfig(m_dir->path(), {u"--password-threads"_s, u"1"_s});
        QVERIFY(config);
        test::setSharedStoreKeys(*config);
        m_root = std::make_unique<ServerRoot>(*config);
        ServerRoot::Options options = test::options(true);
        options.passwordHasher = std::nullopt;
        const auto started = m_root->start(options);
        QVERIFY2(started, qPrintable(started ? QString() : started.error().message));
        m_root->simFeed()->stop();
        QCOMPARE(m_root->auth().passwordWork().threads, 1);

        QNetworkAccessManager nam;
        std::vector<std::unique_ptr<QNetworkReply>> signIns;
        for (const QString &email : {u"alice@demo.clera.invalid"_s, u"bob@demo.clera.invalid"_s,
                                     u"alice@demo.clera.invalid"_s, u"bob@demo.clera.invalid"_s}) {
            QNetworkRequest request(
                QUrl(u"http://127.0.0.1:%1/api/v1/auth/sign-in"_s.arg(m_root->restPort())));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            signIns.emplace_back(nam.post(
                request, QJsonDocument(QJsonObject{{u"email"_s, email},
                                                   {u"password"_s, DemoSeeder::kPassword.toString()}})
                             .toJson(QJsonDocument::Compact)));
        }
        // Argon2id is running on the pool ...
        QTRY_VERIFY_WITH_TIMEOUT(m_root->auth().passwordWork().running == 1, 10000);
        // ... and /health, asked now, is answered while sign-ins still wait for it.
        test::Http other(m_root->restPort());
        const auto health = other.get(u"/health"_s);
        QCOMPARE(health.status, 200);
        const auto finished = [&] {
            return std::count_if(signIns.cbegin(), signIns.cend(),
                                 [](const auto &r) { return r->isFinished(); });
        };
        QVERIFY2(finished() < 4, "every sign-in finished before /health was answered");
        const PasswordWorkStatus busy = m_root->auth().passwordWork();
        QVERIFY(busy.running + busy.queued >= 1);

        QTRY_COMPARE_WITH_TIMEOUT(finished(), 4, 60000);
        for (const auto &reply : signIns)
            QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        // Never more than the pool's one Argon2id at a time.
        QCOMPARE(m_root->auth().passwordWork().peakRunning, 1);
    }
};

QTEST_GUILESS_MAIN(TestServerOperator)
#include "tst_server_operator.moc"
