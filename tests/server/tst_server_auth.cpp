#include "core/auth/authservice.h"
#include "core/marketdata/simfeed.h"
#include "core/realtime/portfoliotracker.h"
#include "core/store/scratchdatabase.h"
#include "server/restapi.h"
#include "server/serverroot.h"
#include "server/websockethub.h"
#include "serverfixture.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QString kPassword = u"correct horse battery"_s;
const ClientInfo kOperatorClient{u"127.0.0.1"_s, u"tst_server_auth"_s};

} // namespace

// The account routes over real sockets on an in-process server with the demo data, on SQLite and (under
// pg_virtualenv) PostgreSQL: sign-up to sign-out everywhere with mails read from the outbox, reset,
// the shared route checks (400, 405, 413, 415, 401), rate limits, per-user isolation on REST and the
// WebSocket, disabled users and demoted operators, a restart, and the OpenAPI document against the
// router.
class TestServerAuth : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    [[nodiscard]] QStringList mails(const QString &to) const
    {
        return test::takeMailCodes(m_root->outboxDir(), to);
    }

    // Signs up and verifies `email`; returns the session of a sign-in.
    QJsonObject verifiedUser(const QString &email)
    {
        if (m_http.post(u"/api/v1/auth/sign-up"_s, {{u"email"_s, email}, {u"password"_s, kPassword}})
                .status != 202)
            return {};
        const QStringList codes = mails(email);
        if (codes.size() != 1 ||
            m_http.post(u"/api/v1/auth/verify-email"_s, {{u"token"_s, codes.first()}}).status != 200)
            return {};
        return signIn(email, kPassword).body.object();
    }

    test::HttpResult signIn(const QString &email, const QString &password)
    {
        return m_http.post(u"/api/v1/auth/sign-in"_s, {{u"email"_s, email}, {u"password"_s, password}});
    }

    test::HttpResult refresh(const QString &refreshToken)
    {
        return m_http.post(u"/api/v1/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}});
    }

    [[nodiscard]] QUrl wsUrl(const QString &path, const QString &token) const
    {
        QUrl url(u"ws://127.0.0.1:%1%2"_s.arg(m_root->webSocketPort()).arg(path));
        url.setQuery(u"token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)));
        return url;
    }

    [[nodiscard]] QString operatorId() const { return test::userId(*m_root, u"demo-operator"_s); }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
    }

    void cleanup() { stopServer(); }

    void signUpVerifySignInRefreshChangePasswordSignOutEverywhere()
    {
        const QString email = u"carol@example.com"_s;
        const auto signedUp =
            m_http.post(u"/api/v1/auth/sign-up"_s, {{u"email"_s, email}, {u"password"_s, kPassword}});
        QCOMPARE(signedUp.status, 202);
        QCOMPARE(signedUp.body.object().value(u"status"_s).toString(), u"accepted"_s);
        const QStringList codes = mails(email);
        QCOMPARE(codes.size(), 1);

        // Signed in but not verified yet; a new verification mail can be asked for with the token.
        auto first = signIn(email, kPassword);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body[u"user"_s][u"email_verified"_s].toBool(), false);
        const QString unverifiedAccess = first.body[u"access_token"_s].toString();
        QCOMPARE(m_http.post(u"/api/v1/auth/request-verification"_s, {}, unverifiedAccess).status, 202);
        const QStringList again = mails(email);
        QCOMPARE(again.size(), 1);
        QVERIFY(again.first() != codes.first());
        // The newer code replaced the older one.
        verifyError(m_http.post(u"/api/v1/auth/verify-email"_s, {{u"token"_s, codes.first()}}), 400,
                    u"invalid_token"_s);
        const auto verified = m_http.post(u"/api/v1/auth/verify-email"_s, {{u"token"_s, again.first()}});
        QCOMPARE(verified.status, 200);
        QCOMPARE(verified.body[u"email_verified"_s].toBool(), true);
        verifyError(m_http.post(u"/api/v1/auth/verify-email"_s, {{u"token"_s, again.first()}}), 400,
                    u"invalid_token"_s);
        QCOMPARE(m_http.post(u"/api/v1/auth/request-verification"_s, {}, unverifiedAccess).status, 202);
        QVERIFY(mails(email).isEmpty()); // already verified: no mail

        const auto session = signIn(email, kPassword);
        QCOMPARE(session.status, 200);
        const QJsonObject s = session.body.object();
        QCOMPARE(s.value(u"token_type"_s).toString(), u"Bearer"_s);
        QVERIFY(s.value(u"expires_in"_s).toInt() > 800);
        QVERIFY(
            QDateTime::fromString(s.value(u"refresh_expires_at"_s).toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(s[u"user"_s][u"email_verified"_s].toBool(), true);
        QCOMPARE(s[u"user"_s][u"role"_s].toString(), u"user"_s);
        const QString access = s.value(u"access_token"_s).toString();

        const auto me = m_http.get(u"/api/v1/me"_s, access);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.body[u"email"_s].toString(), email);
        QCOMPARE(me.body[u"id"_s].toString(), s[u"user"_s][u"id"_s].toString());
        QCOMPARE(me.body[u"email_verified"_s].toBool(), true);
        QCOMPARE(me.body[u"accounts"_s].toArray().size(), 0);
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, access).body.array().size(), 0);

        // Rotation: each refresh token works once; presenting a used one ends the whole sign-in.
        const QString r1 = s.value(u"refresh_token"_s).toString();
        const auto rotated = refresh(r1);
        QCOMPARE(rotated.status, 200);
        const QString r2 = rotated.body[u"refresh_token"_s].toString();
        QVERIFY(r2 != r1);
        QCOMPARE(m_http.get(u"/api/v1/me"_s, rotated.body[u"access_token"_s].toString()).status, 200);
        const auto reused = refresh(r1);
        verifyError(reused, 401, u"invalid_token"_s);
        QVERIFY(reused.headers.value("www-authenticate").startsWith("Bearer"));
        verifyError(refresh(r2), 401, u"invalid_token"_s);

        // Password change: wrong current password is 403 (the token is fine), then every session ends.
        const auto other = signIn(email, kPassword);
        QCOMPARE(other.status, 200);
        verifyError(m_http.post(u"/api/v1/auth/change-password"_s,
                                {{u"current_password"_s, u"not the password"_s},
                                 {u"new_password"_s, u"another long password"_s}},
                                access),
                    403, u"invalid_credentials"_s);
        const auto changed = m_http.post(
            u"/api/v1/auth/change-password"_s,
            {{u"current_password"_s, kPassword}, {u"new_password"_s, u"another long password"_s}}, access);
        QCOMPARE(changed.status, 200);
        verifyError(refresh(other.body[u"refresh_token"_s].toString()), 401, u"invalid_token"_s);
        verifyError(signIn(email, kPassword), 401, u"invalid_credentials"_s);
        const auto withNew = signIn(email, u"another long password"_s);
        QCOMPARE(withNew.status, 200);

        // Sign out everywhere: the refresh tokens of both live sessions stop working.
        const auto everywhere = m_http.post(u"/api/v1/auth/sign-out-everywhere"_s, {},
                                            changed.body[u"access_token"_s].toString());
        QCOMPARE(everywhere.status, 200);
        QCOMPARE(everywhere.body[u"revoked_sessions"_s].toInt(), 2);
        verifyError(refresh(changed.body[u"refresh_token"_s].toString()), 401, u"invalid_token"_s);
        verifyError(refresh(withNew.body[u"refresh_token"_s].toString()), 401, u"invalid_token"_s);

        // Sign out of one device; idempotent, and unknown tokens are fine.
        const auto device = signIn(email, u"another long password"_s);
        const QString deviceRefresh = device.body[u"refresh_token"_s].toString();
        QCOMPARE(m_http.post(u"/api/v1/auth/sign-out"_s, {{u"refresh_token"_s, deviceRefresh}}).status, 204);
        QCOMPARE(m_http.post(u"/api/v1/auth/sign-out"_s, {{u"refresh_token"_s, deviceRefresh}}).status, 204);
        QCOMPARE(m_http.post(u"/api/v1/auth/sign-out"_s, {{u"refresh_token"_s, u"unknown"_s}}).status, 204);
        verifyError(refresh(deviceRefresh), 401, u"invalid_token"_s);
    }

    void answersDoNotRevealWhetherAnEmailExists()
    {
        const auto known =
            m_http.post(u"/api/v1/auth/sign-up"_s,
                        {{u"email"_s, u"alice@demo.clera.invalid"_s}, {u"password"_s, kPassword}});
        const auto fresh = m_http.post(u"/api/v1/auth/sign-up"_s,
                                       {{u"email"_s, u"dave@example.com"_s}, {u"password"_s, kPassword}});
        QCOMPARE(known.status, 202);
        QCOMPARE(known.body, fresh.body);
        QCOMPARE(mails(u"alice@demo.clera.invalid"_s), QStringList{QString()}); // a notice, no code
        QCOMPARE(mails(u"dave@example.com"_s).size(), 1);

        const auto unknownReset =
            m_http.post(u"/api/v1/auth/request-password-reset"_s, {{u"email"_s, u"nobody@example.com"_s}});
        const auto knownReset = m_http.post(u"/api/v1/auth/request-password-reset"_s,
                                            {{u"email"_s, u"bob@demo.clera.invalid"_s}});
        QCOMPARE(unknownReset.status, 202);
        QCOMPARE(unknownReset.body, knownReset.body);

        const auto wrongPassword = signIn(u"alice@demo.clera.invalid"_s, u"wrong password here"_s);
        const auto unknownUser = signIn(u"nobody@example.com"_s, u"wrong password here"_s);
        verifyError(wrongPassword, 401, u"invalid_credentials"_s);
        QCOMPARE(wrongPassword.body, unknownUser.body);
    }

    void passwordResetThroughTheOutbox()
    {
        const QString email = u"bob@demo.clera.invalid"_s;
        const auto before = signIn(email, DemoSeeder::kPassword.toString());
        QCOMPARE(before.status, 200);
        QCOMPARE(m_http.post(u"/api/v1/auth/request-password-reset"_s, {{u"email"_s, email}}).status, 202);
        const QStringList codes = mails(email);
        QCOMPARE(codes.size(), 1);
        verifyError(m_http.post(u"/api/v1/auth/complete-password-reset"_s,
                                {{u"token"_s, codes.first()}, {u"password"_s, u"short"_s}}),
                    400, u"invalid_input"_s);
        QCOMPARE(m_http
                     .post(u"/api/v1/auth/complete-password-reset"_s,
                           {{u"token"_s, codes.first()}, {u"password"_s, u"a brand new password"_s}})
                     .status,
                 204);
        verifyError(m_http.post(u"/api/v1/auth/complete-password-reset"_s,
                                {{u"token"_s, codes.first()}, {u"password"_s, u"yet another password"_s}}),
                    400, u"invalid_token"_s);
        verifyError(refresh(before.body[u"refresh_token"_s].toString()), 401, u"invalid_token"_s);
        verifyError(signIn(email, DemoSeeder::kPassword.toString()), 401, u"invalid_credentials"_s);
        QCOMPARE(signIn(email, u"a brand new password"_s).status, 200);
    }

    void malformedBodiesAre400_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addRow("not json") << u"sign-in"_s << QByteArray("{\"email\":") << u"invalid_json"_s;
        QTest::addRow("array") << u"sign-in"_s << QByteArray("[1,2]") << u"invalid_json"_s;
        QTest::addRow("number for string")
            << u"sign-in"_s << QByteArray("{\"email\":1,\"password\":\"x\"}") << u"invalid_request"_s;
        QTest::addRow("null required")
            << u"sign-up"_s << QByteArray("{\"email\":null,\"password\":\"x\"}") << u"invalid_request"_s;
        QTest::addRow("missing field") << u"refresh"_s << QByteArray("{}") << u"invalid_request"_s;
        QTest::addRow("empty body") << u"verify-email"_s << QByteArray() << u"invalid_request"_s;
        QTest::addRow("unknown field")
            << u"request-password-reset"_s << QByteArray("{\"email\":\"a@example.com\",\"admin\":\"true\"}")
            << u"invalid_request"_s;
        QTest::addRow("too long") << u"sign-in"_s
                                  << ("{\"email\":\"" + QByteArray(300, 'a') + "\",\"password\":\"x\"}")
                                  << u"invalid_request"_s;
        QTest::addRow("bad email") << u"sign-up"_s
                                   << QByteArray(
                                          "{\"email\":\"not-an-email\",\"password\":\"long enough pw\"}")
                                   << u"invalid_input"_s;
        QTest::addRow("weak password")
            << u"sign-up"_s << QByteArray("{\"email\":\"e@example.com\",\"password\":\"short\"}")
            << u"invalid_input"_s;
    }

    void malformedBodiesAre400()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        verifyError(m_http.send("POST", u"/api/v1/auth/"_s + path, {}, body), 400, code);
    }

    void sharedRouteChecks()
    {
        const auto get = m_http.get(u"/api/v1/auth/sign-in"_s);
        verifyError(get, 405, u"method_not_allowed"_s);
        QCOMPARE(get.headers.value("allow"), QByteArray("POST"));
        const auto postMe = m_http.post(u"/api/v1/me"_s);
        verifyError(postMe, 405, u"method_not_allowed"_s);
        QCOMPARE(postMe.headers.value("allow"), QByteArray("GET"));

        const QByteArray huge = "{\"email\":\"" + QByteArray(70 * 1024, 'a') + "\"}";
        verifyError(m_http.send("POST", u"/api/v1/auth/request-password-reset"_s, {}, huge), 413,
                    u"payload_too_large"_s);
        verifyError(m_http.send("POST", u"/api/v1/auth/sign-in"_s, {}, "email=a&password=b",
                                "application/x-www-form-urlencoded"),
                    415, u"unsupported_media_type"_s);

        for (const QString &path : {u"/api/v1/me"_s}) {
            const auto missing = m_http.get(path);
            verifyError(missing, 401, u"unauthorized"_s);
            QVERIFY(missing.headers.value("www-authenticate").startsWith("Bearer"));
            verifyError(m_http.get(path, u"garbage"_s), 401, u"unauthorized"_s);
        }
        for (const QString &path : {u"/api/v1/auth/sign-out-everywhere"_s, u"/api/v1/auth/change-password"_s,
                                    u"/api/v1/auth/request-verification"_s}) {
            const auto missing = m_http.post(path);
            verifyError(missing, 401, u"unauthorized"_s);
            QVERIFY(missing.headers.value("www-authenticate").startsWith("Bearer"));
        }
        // A refresh token is not an access token.
        const auto session = signIn(u"alice@demo.clera.invalid"_s, DemoSeeder::kPassword.toString());
        verifyError(m_http.get(u"/api/v1/me"_s, session.body[u"refresh_token"_s].toString()), 401,
                    u"unauthorized"_s);
    }

    void signInIsRateLimited()
    {
        const QString email = u"alice@demo.clera.invalid"_s;
        const int allowed = m_root->auth().policy().signInFailuresPerAccount;
        for (int i = 0; i < allowed; ++i)
            verifyError(signIn(email, u"wrong password %1"_s.arg(i)), 401, u"invalid_credentials"_s);
        const auto limited = signIn(email, DemoSeeder::kPassword.toString());
        verifyError(limited, 429, u"rate_limited"_s);
        QVERIFY(limited.headers.value("retry-after").toInt() > 0);
        // Other accounts are not affected.
        QCOMPARE(signIn(u"bob@demo.clera.invalid"_s, DemoSeeder::kPassword.toString()).status, 200);

        const int resets = m_root->auth().policy().resetRequestsPerAccount;
        for (int i = 0; i < resets; ++i)
            QCOMPARE(m_http.post(u"/api/v1/auth/request-password-reset"_s, {{u"email"_s, u"x@example.com"_s}})
                         .status,
                     202);
        verifyError(m_http.post(u"/api/v1/auth/request-password-reset"_s, {{u"email"_s, u"x@example.com"_s}}),
                    429, u"rate_limited"_s);
    }

    void usersSeeOnlyTheirOwnAccounts()
    {
        const QString alice = m_root->demoAccounts().at(0);
        const QString bob = m_root->demoAccounts().at(1);
        const QString access = signIn(u"alice@demo.clera.invalid"_s, DemoSeeder::kPassword.toString())
                                   .body[u"access_token"_s]
                                   .toString();
        const auto accounts = m_http.get(u"/api/v1/accounts"_s, access);
        QCOMPARE(accounts.status, 200);
        QCOMPARE(accounts.body.array().size(), 1);
        QCOMPARE(accounts.body.array().first()[u"id"_s].toString(), alice);
        const auto me = m_http.get(u"/api/v1/me"_s, access);
        QCOMPARE(me.body[u"accounts"_s].toArray().size(), 1);
        QCOMPARE(me.body[u"accounts"_s][0][u"id"_s].toString(), alice);
        QCOMPARE(me.body[u"accounts"_s][0][u"broker"_s].toString(), u"sim"_s);

        test::WsClient single;
        QVERIFY(single.open(wsUrl(u"/ws/portfolio/"_s + bob, access)));
        QTRY_COMPARE(single.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(single.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(single.messages.isEmpty());

        test::WsClient multi;
        QVERIFY(multi.open(wsUrl(u"/ws"_s, access)));
        QTRY_COMPARE(multi.count(u"authenticated"_s), 1);
        multi.socket.sendTextMessage(
            u"{\"type\":\"subscribe\",\"account_ids\":[\"%1\",\"%2\"]}"_s.arg(alice, bob));
        QTRY_COMPARE(multi.count(u"subscribed"_s), 1);
        QTRY_COMPARE(multi.count(u"error"_s), 1);
        for (const QJsonObject &m : std::as_const(multi.messages)) {
            if (m.value(u"type"_s).toString() == u"error")
                QCOMPARE(m.value(u"account_id"_s).toString(), bob);
            if (m.value(u"type"_s).toString() == u"portfolio_update")
                QCOMPARE(m.value(u"account_id"_s).toString(), alice);
        }
        QCOMPARE(m_root->hub()->watcherCount(bob), 0);
    }

    void disabledUserLosesAccessBeforeTheTokenExpires()
    {
        const QString alice = m_root->demoAccounts().at(0);
        const QString access = signIn(u"alice@demo.clera.invalid"_s, DemoSeeder::kPassword.toString())
                                   .body[u"access_token"_s]
                                   .toString();
        QCOMPARE(m_http.get(u"/api/v1/me"_s, access).status, 200);
        test::WsClient connected;
        QVERIFY(connected.open(wsUrl(u"/ws"_s, access)));
        QTRY_COMPARE(connected.count(u"authenticated"_s), 1);

        QVERIFY(m_root->auth().setUserDisabled(operatorId(), test::userId(*m_root, u"demo-alice"_s), true,
                                               kOperatorClient));
        verifyError(m_http.get(u"/api/v1/me"_s, access), 401, u"unauthorized"_s);
        verifyError(m_http.get(u"/api/v1/accounts"_s, access), 401, u"unauthorized"_s);
        verifyError(signIn(u"alice@demo.clera.invalid"_s, DemoSeeder::kPassword.toString()), 403,
                    u"account_disabled"_s);

        // The open connection is closed at its next request; a new one is refused at once.
        connected.socket.sendTextMessage(u"{\"type\":\"subscribe\",\"account_ids\":[\"%1\"]}"_s.arg(alice));
        QTRY_COMPARE(connected.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(connected.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(connected.count(u"subscribed"_s), 0);
        test::WsClient fresh;
        QVERIFY(fresh.open(wsUrl(u"/ws/portfolio/"_s + alice, access)));
        QTRY_COMPARE(fresh.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(fresh.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QVERIFY(fresh.messages.isEmpty());
    }

    void idleConnectionsAreRevalidated()
    {
        WebSocketHub::Options options;
        options.revalidateIntervalMs = 100;
        WebSocketHub hub(&m_root->auth(), m_root->broker(), &m_root->brokerageAccounts(), m_root->tracker(),
                         options);
        const auto port = hub.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port);
        const QString access = signIn(u"bob@demo.clera.invalid"_s, DemoSeeder::kPassword.toString())
                                   .body[u"access_token"_s]
                                   .toString();
        test::WsClient client;
        QVERIFY(client.open(QUrl(u"ws://127.0.0.1:%1/ws/portfolio/%2?token=%3"_s.arg(*port).arg(
            m_root->demoAccounts().at(1), access))));
        QTRY_VERIFY(!client.messages.isEmpty());
        QVERIFY(m_root->auth().setUserDisabled(operatorId(), test::userId(*m_root, u"demo-bob"_s), true,
                                               kOperatorClient));
        QTRY_COMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(client.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(client.socket.closeReason(), u"access revoked"_s);
    }

    void demotedOperatorLosesOtherAccounts()
    {
        const QString access = signIn(u"operator@demo.clera.invalid"_s, DemoSeeder::kPassword.toString())
                                   .body[u"access_token"_s]
                                   .toString();
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, access).body.array().size(), 2);
        test::WsClient watching;
        QVERIFY(watching.open(wsUrl(u"/ws/portfolio/"_s + m_root->demoAccounts().at(1), access)));
        QTRY_VERIFY(!watching.messages.isEmpty());

        QVERIFY(m_root->auth().setUserRole(operatorId(), operatorId(), Role::User, kOperatorClient));
        const auto after = m_http.get(u"/api/v1/accounts"_s, access);
        QCOMPARE(after.status, 200);
        QCOMPARE(after.body.array().size(), 0);
        test::WsClient refused;
        QVERIFY(refused.open(wsUrl(u"/ws/portfolio/"_s + m_root->demoAccounts().at(1), access)));
        QTRY_COMPARE(refused.socket.state(), QAbstractSocket::UnconnectedState);
        QCOMPARE(refused.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void restartKeepsUsersAndSessions()
    {
        const QJsonObject session = verifiedUser(u"erin@example.com"_s);
        QVERIFY(!session.isEmpty());
        const QString access = session.value(u"access_token"_s).toString();
        const QString refreshToken = session.value(u"refresh_token"_s).toString();
        const QString dataDir = m_root->dataDir();
        m_root.reset();
        QVERIFY(startServer());
        QCOMPARE(m_root->dataDir(), dataDir);
        QCOMPARE(m_http.get(u"/api/v1/me"_s, access).body[u"email"_s].toString(), u"erin@example.com"_s);
        const auto rotated = refresh(refreshToken);
        QCOMPARE(rotated.status, 200);
        QCOMPARE(rotated.body[u"user"_s][u"email_verified"_s].toBool(), true);
        QCOMPARE(signIn(u"erin@example.com"_s, kPassword).status, 200);
        QCOMPARE(m_root->users().count().valueOr(0), 4); // the demo users were not created twice
    }

    // A PostgreSQL store is shared by instances, each of which must accept the tokens the others sign: the
    // secret must be configured, never generated into one instance's data folder. SQLite generates it.
    void jwtSecretIsConfiguredWithPostgres()
    {
        const QString secretFile = QDir(m_dir->path()).filePath(u"jwt-secret"_s);
        if (m_scratch.url().engine == DatabaseUrl::Engine::Sqlite) {
            QVERIFY(QFileInfo::exists(secretFile));
            QCOMPARE(QFileInfo(secretFile).permissions() & (QFile::ReadGroup | QFile::ReadOther),
                     QFile::Permissions());
            return;
        }
        QVERIFY(!QFileInfo::exists(secretFile));
        const QString signedBefore = token(u"demo-alice"_s);
        m_root.reset();
        QTemporaryDir otherInstance; // another instance's data folder, on the same store
        auto config = scratchStoreConfig(otherInstance.path());
        QVERIFY(config);
        config->set(u"CLERA_DATA_KEY"_s, test::sharedDataKey(), u"environment"_s);
        verifyRefusedFor(*config, u"CLERA_JWT_SECRET"_s);
        QVERIFY(!QFileInfo::exists(QDir(otherInstance.path()).filePath(u"jwt-secret"_s)));

        // With the secret configured, that instance accepts what the first one signed.
        config->set(u"CLERA_JWT_SECRET"_s, test::sharedJwtSecret(), u"environment"_s);
        auto other = test::startRoot(*config, test::options(false));
        QVERIFY(other);
        m_http.setPort(other->restPort());
        QCOMPARE(m_http.get(u"/api/v1/me"_s, signedBefore).status, 200);
    }

    void openApiDocumentMatchesTheRouter()
    {
        const auto doc = m_http.get(u"/api/v1/openapi.json"_s);
        QCOMPARE(doc.status, 200);
        QVERIFY(doc.body[u"openapi"_s].toString().startsWith(u"3.0"_s));
        const QJsonObject paths = doc.body[u"paths"_s].toObject();
        QSet<QString> documented;
        for (auto p = paths.constBegin(); p != paths.constEnd(); ++p) {
            const QJsonObject item = p.value().toObject();
            for (auto m = item.constBegin(); m != item.constEnd(); ++m) {
                documented.insert(m.key().toUpper() + u' ' + p.key());
                const QJsonObject op = m.value().toObject();
                QVERIFY2(!op.value(u"operationId"_s).toString().isEmpty(), qPrintable(p.key()));
                QVERIFY(op.value(u"responses"_s).toObject().contains(u"405"_s));
            }
        }
        QSet<QString> registered;
        for (const RouteSpec &r : m_root->rest()->routes())
            registered.insert(HttpRouter::methodName(r.method) + u' ' + r.path);
        QCOMPARE(documented, registered);
        for (const QString &route : {u"POST /api/v1/auth/sign-up"_s,
                                     u"POST /api/v1/auth/sign-in"_s,
                                     u"POST /api/v1/auth/refresh"_s,
                                     u"POST /api/v1/auth/sign-out"_s,
                                     u"POST /api/v1/auth/sign-out-everywhere"_s,
                                     u"POST /api/v1/auth/change-password"_s,
                                     u"POST /api/v1/auth/request-verification"_s,
                                     u"POST /api/v1/auth/verify-email"_s,
                                     u"POST /api/v1/auth/request-password-reset"_s,
                                     u"POST /api/v1/auth/complete-password-reset"_s,
                                     u"GET /api/v1/me"_s,
                                     u"GET /api/v1/openapi.json"_s,
                                     u"GET /health"_s,
                                     u"GET /api/v1/assets"_s,
                                     u"GET /api/v1/accounts"_s,
                                     u"POST /api/v1/accounts/{account_id}/orders"_s,
                                     u"GET /api/v1/accounts/{account_id}/orders"_s,
                                     u"GET /api/v1/accounts/{account_id}/orders/{order_id}"_s,
                                     u"DELETE /api/v1/accounts/{account_id}/orders/{order_id}"_s,
                                     u"GET /api/v1/accounts/{account_id}/positions"_s})
            QVERIFY2(documented.contains(route), qPrintable(route));

        // Over the socket: every documented operation is served (not 404/405), and every other method on
        // a documented path is 405 with exactly the documented methods in Allow.
        for (auto p = paths.constBegin(); p != paths.constEnd(); ++p) {
            const QStringList methods = p.value().toObject().keys();
            for (const QString &method : methods) {
                const auto r = m_http.send(method.toUpper().toLatin1(), p.key(), {}, "{}");
                QVERIFY2(r.status != 404 && r.status != 405,
                         qPrintable(u"%1 %2 -> %3"_s.arg(method, p.key()).arg(r.status)));
            }
            const auto other = m_http.send("PATCH", p.key());
            QCOMPARE(other.status, 405);
            QStringList allowed = QString::fromLatin1(other.headers.value("allow")).split(u", "_s);
            allowed.sort();
            QStringList expected;
            for (const QString &m : methods)
                expected.append(m.toUpper());
            expected.sort();
            QCOMPARE(allowed, expected);
        }
        // Schemas referenced by operations exist.
        const QJsonObject schemas = doc.body[u"components"_s][u"schemas"_s].toObject();
        const QString text = QString::fromUtf8(doc.body.toJson(QJsonDocument::Compact));
        static const QRegularExpression refs(u"#/components/schemas/([A-Za-z]+)"_s);
        for (auto it = refs.globalMatch(text); it.hasNext();) {
            const QString name = it.next().captured(1);
            QVERIFY2(schemas.contains(name), qPrintable(name));
        }
    }
};

QTEST_GUILESS_MAIN(TestServerAuth)
#include "tst_server_auth.moc"
