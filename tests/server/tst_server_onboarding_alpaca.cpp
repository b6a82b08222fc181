#include "../core/onboarding/onboardingsteps.h"
#include "core/onboarding/onboardingservice.h"
#include "core/store/auditlog.h"
#include "core/store/userrepository.h"
#include "fakes/rest/fakealpacaevents.h"
#include "fakes/rest/fakealpacarest.h"
#include "serverfixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;
using namespace clera::fake;

// Brokerage onboarding over REST with Alpaca's Broker API played by FakeAlpacaRest (its application rules,
// duplicate emails, status progression) and its account status stream by FakeAlpacaEvents.
class TestServerOnboardingAlpaca : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FakeAlpacaRest m_rest;
    std::unique_ptr<FakeAlpacaEvents> m_events;
    std::unique_ptr<ServerRoot> m_root;
    test::Http m_http;

    // A new user of the store and an access token for them.
    QString userToken(const QString &email)
    {
        const auto user =
            m_root->users().create(email, u"$argon2id$unused"_s, u"user"_s, QDateTime::currentDateTimeUtc());
        return user ? m_root->jwt().issue(user->id, Role::User, std::chrono::minutes(10)) : QString();
    }

    void saveAll(const QString &token, const QString &email, bool affiliated = false)
    {
        for (const auto &[step, data] : test::onboarding::completeSteps(email, affiliated)) {
            const auto r = m_http.send("PUT", u"/api/v1/onboarding/"_s + toString(step), token,
                                       QJsonDocument(data).toJson(QJsonDocument::Compact));
            QVERIFY2(r.status == 200, qPrintable(QString::fromUtf8(r.body.toJson())));
        }
    }

    // The audit rows of an action about the user, oldest first.
    [[nodiscard]] QList<AuditEntry> audited(const QString &userId, const QString &action)
    {
        AuditFilter filter;
        filter.subject = userId;
        filter.action = action;
        auto rows = AuditLog(m_root->database()).query(filter).valueOr(QList<AuditEntry>());
        std::reverse(rows.begin(), rows.end());
        return rows;
    }

    [[nodiscard]] QString userIdOf(const QString &token)
    {
        return m_http.get(u"/api/v1/me"_s, token).body[u"id"_s].toString();
    }

    [[nodiscard]] QString state(const QString &token)
    {
        return m_http.get(u"/api/v1/onboarding"_s, token).body[u"state"_s].toString();
    }

    // The application bodies the fake received for `email`.
    [[nodiscard]] QList<QJsonObject> applicationsFor(const QString &email) const
    {
        QList<QJsonObject> out;
        for (const auto &r : m_rest.requests("POST", u"/v1/accounts"_s)) {
            if (r.path == u"/v1/accounts" && r.json()[u"contact"_s][u"email_address"_s].toString() == email)
                out.append(r.json());
        }
        return out;
    }

    // POST …/submit, waiting longer than the broker client's 10 s timeout.
    test::HttpResult submitSlowly(const QString &token)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(
            QUrl(u"http://127.0.0.1:%1/api/v1/onboarding/submit"_s.arg(m_root->restPort())));
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        request.setRawHeader("Content-Type", "application/json");
        std::unique_ptr<QNetworkReply> reply(nam.post(request, QByteArray("{}")));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        test::HttpResult r;
        if (!finished.wait(30000))
            return r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = QJsonDocument::fromJson(reply->readAll());
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(m_rest.listen() != 0);
        const auto credentials = m_rest.brokerCredentials();
        m_events = std::make_unique<FakeAlpacaEvents>(credentials.keyId, credentials.secret);
        QVERIFY(m_events->listen() != 0);
        m_rest.onboarding().attachEvents(m_events.get());
        m_rest.onboarding().setStatusDelay(100);
        m_root = test::startAlpacaServer(
            m_dir.path(), {.brokerUrl = m_rest.baseUrl(),
                           .keyId = credentials.keyId,
                           .secret = credentials.secret,
                           .arguments = {u"--feed"_s, u"sim"_s, u"--alpaca-broker-events-url"_s,
                                         m_events->baseUrl().toString()},
                           .environment = {{u"CLERA_DATA_KEY"_s, FieldCipher::generateBase64Key()}}});
        QVERIFY(m_root);
        QVERIFY(m_root->onboarding());
        QVERIFY(m_root->banner().join(u'\n').contains(
            u"Data key (encrypts tax ids and dates of birth): from CLERA_DATA_KEY"_s));
        QVERIFY(!QFile::exists(m_dir.filePath(u"data-key"_s)));
        m_http.setPort(m_root->restPort());
        QTRY_COMPARE_WITH_TIMEOUT(m_events->clientCount(), 3, 10000);
    }

    void init()
    {
        // Status comes from the event stream unless a test asks for polling.
        m_root->onboarding()->setMinCheckInterval(std::chrono::hours(1));
        m_rest.onboarding().attachEvents(m_events.get());
    }

    void cleanupTestCase()
    {
        m_root.reset();
        m_events.reset();
    }

    void everyFieldReachesThePostBody()
    {
        const QString email = u"affiliate@example.org"_s;
        const QString token = userToken(email);
        saveAll(token, email, true);
        const auto submitted = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(submitted.status, 200);
        QCOMPARE(submitted.body[u"broker"_s].toString(), u"alpaca"_s);
        QCOMPARE(submitted.body[u"paper"_s].toBool(), false);
        const QList<QJsonObject> sent = applicationsFor(email);
        QCOMPARE(sent.size(), 1);
        const QJsonObject body = sent.first();

        // Every field of every step, where Alpaca expects it.
        const QStringList employmentInDisclosures{u"employment_status"_s, u"employer_name"_s,
                                                  u"employer_address"_s, u"employment_position"_s};
        int checked = 0;
        for (const auto &[step, data] : test::onboarding::completeSteps(email, true)) {
            for (auto it = data.constBegin(); it != data.constEnd(); ++it) {
                const QString key = it.key();
                QJsonValue got;
                switch (step) {
                case OnboardingStep::Contact:
                    got = key == u"trusted_contact" ? body.value(key) : body[u"contact"_s][key];
                    break;
                case OnboardingStep::Identity:
                    got = body[u"identity"_s][key];
                    break;
                case OnboardingStep::Employment:
                    got = employmentInDisclosures.contains(key) ? body[u"disclosures"_s][key]
                                                                : body[u"identity"_s][key];
                    if (key == u"employment_status") // sent UPPERCASE as alpaca-py does
                        got = got.toString().toLower();
                    break;
                case OnboardingStep::Disclosures:
                    got = key == u"documents" ? body.value(key) : body[u"disclosures"_s][key];
                    break;
                case OnboardingStep::Agreements:
                    if (key == u"agreements") {
                        QJsonArray stripped;
                        for (const QJsonValue &a : body.value(key).toArray()) {
                            QJsonObject o = a.toObject();
                            QCOMPARE(o.take(u"ip_address"_s).toString(), u"127.0.0.1"_s);
                            QVERIFY(Timestamp::parse(o.take(u"signed_at"_s).toString()));
                            stripped.append(o);
                        }
                        got = stripped;
                    } else {
                        got = body.value(key);
                    }
                    break;
                }
                QVERIFY2(got == it.value(),
                         qPrintable(u"%1.%2: sent %3"_s.arg(
                             toString(step), key,
                             QString::fromUtf8(QJsonDocument(QJsonObject{{key, got}}).toJson()))));
                ++checked;
            }
        }
        QCOMPARE(checked, 9 + 12 + 11 + 6 + 4);
        QCOMPARE(body[u"identity"_s][u"tax_id"_s].toString(), u"123-45-6789"_s);
        QCOMPARE(body[u"documents"_s][1][u"document_type"_s].toString(), u"account_approval_letter"_s);

        // A FINRA affiliate goes to ACTION_REQUIRED: the status event says so.
        QTRY_COMPARE_WITH_TIMEOUT(state(token), u"action_required"_s, 10000);
        const auto view = m_http.get(u"/api/v1/onboarding"_s, token);
        QCOMPARE(view.body[u"broker_status"_s].toString(), u"ACTION_REQUIRED"_s);
        QVERIFY(view.body[u"status_message"_s].toString().contains(u"needs more information"_s));
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 0);
    }

    void theStatusEventsOpenTheAccount()
    {
        const QString email = u"pat.events@example.org"_s;
        const QString token = userToken(email);
        saveAll(token, email);
        const auto submitted = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(submitted.status, 200);
        const QString accountId = submitted.body[u"broker_account_id"_s].toString();
        QVERIFY(!accountId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(state(token), u"active"_s, 10000);
        // Moved by the events alone: the account was never read back.
        QCOMPARE(m_rest.requests("GET", u"/v1/accounts/"_s + accountId).size(), 0);
        const QJsonArray accounts = m_http.get(u"/api/v1/accounts"_s, token).body.array();
        QCOMPARE(accounts.size(), 1);
        QCOMPARE(accounts.at(0)[u"id"_s].toString(), accountId);
        QCOMPARE(accounts.at(0)[u"status"_s].toString(), u"ACTIVE"_s);
        QVERIFY(m_http.get(u"/api/v1/onboarding"_s, token)
                    .body[u"status_message"_s]
                    .toString()
                    .contains(u"Fund it"_s));
    }

    void pollingFindsWhatTheEventsMissed()
    {
        m_rest.onboarding().attachEvents(nullptr); // the fake still moves on, silently
        const QString email = u"pat.polling@example.org"_s;
        const QString token = userToken(email);
        saveAll(token, email);
        const auto submitted = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(submitted.status, 200);
        const QString accountId = submitted.body[u"broker_account_id"_s].toString();
        QTRY_COMPARE_WITH_TIMEOUT(m_rest.onboarding().status(accountId), u"ACTIVE"_s, 10000);
        QCOMPARE(state(token), u"submitted"_s); // checked a moment ago: not asked again yet
        m_root->onboarding()->setMinCheckInterval(std::chrono::milliseconds(0));
        QCOMPARE(state(token), u"active"_s);
        QVERIFY(m_rest.requests("GET", u"/v1/accounts/"_s + accountId).size() >= 1);
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 1);
    }

    void aTakenEmailSendsTheApplicationBack()
    {
        const QString token = userToken(u"someone.else@example.org"_s);
        saveAll(token, u"pat.events@example.org"_s); // already has an account at the broker
        const auto refused = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(refused.status, 409);
        QCOMPARE(refused.errorCode(), u"email_already_registered"_s);
        QCOMPARE(refused.body[u"error"_s][u"fields"_s][0][u"field"_s].toString(), u"contact.email_address"_s);
        const auto view = m_http.get(u"/api/v1/onboarding"_s, token);
        QCOMPARE(view.body[u"state"_s].toString(), u"draft"_s);
        QCOMPARE(view.body[u"last_error"_s][u"code"_s].toString(), u"email_already_registered"_s);
        QCOMPARE(view.body[u"editable"_s].toBool(), true);
        // Nobody else's account became theirs.
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 0);
        // Audited as the user's failed submission, with the broker's code.
        const QString userId = userIdOf(token);
        QVERIFY(!userId.isEmpty());
        const auto rows = audited(userId, u"onboarding.submit"_s);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].actor, userId);
        QCOMPARE(rows[0].ip, u"127.0.0.1"_s);
        QCOMPARE(rows[0].result, u"error"_s);
        QCOMPARE(rows[0].details[u"error"_s].toString(), u"email_already_registered"_s);
        QCOMPARE(rows[0].details[u"broker_code"_s].toInteger(), 40910000);
        QCOMPARE(rows[0].details[u"http_status"_s].toInt(), 409);
        QVERIFY(!QJsonDocument(rows[0].details).toJson().contains("123-45-6789"));
    }

    void aLostAnswerIsFoundNotRepeated()
    {
        const QString email = u"pat.lost@example.org"_s;
        const QString token = userToken(email);
        saveAll(token, email);
        m_rest.injectFault(FakeFault::dropAfterProcess().on("POST", u"/v1/accounts"_s));
        const auto lost = submitSlowly(token);
        QCOMPARE(lost.status, 502);
        QCOMPARE(lost.body[u"error"_s][u"code"_s].toString(), u"broker_unavailable"_s);
        QCOMPARE(applicationsFor(email).size(), 1); // the broker did open it
        QCOMPARE(state(token), u"submitting"_s);

        const auto retried = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(retried.status, 200);
        QVERIFY(!retried.body[u"broker_account_id"_s].toString().isEmpty());
        QCOMPARE(applicationsFor(email).size(), 1); // and was not asked again
        QTRY_COMPARE_WITH_TIMEOUT(state(token), u"active"_s, 10000);
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 1);
        // The lost answer is an error row, the retry an adoption of the account it had opened.
        const QString userId = userIdOf(token);
        const auto submits = audited(userId, u"onboarding.submit"_s);
        QCOMPARE(submits.size(), 2);
        QCOMPARE(submits[0].result, u"error"_s);
        QCOMPARE(submits[0].details[u"error"_s].toString(), u"broker_unavailable"_s);
        QCOMPARE(submits[1].result, u"ok"_s);
        const auto adopted = audited(userId, u"onboarding.adopt"_s);
        QCOMPARE(adopted.size(), 1);
        QCOMPARE(adopted[0].actor, userId);
        QCOMPARE(adopted[0].details[u"broker_account_id"_s], retried.body[u"broker_account_id"_s]);
        QTRY_COMPARE(audited(userId, u"onboarding.link"_s).size(), 1);
    }

    // The retry's time-bounded look-up misses the account the first attempt opened (our clock runs an
    // hour ahead of the broker's): the broker's 409 on the e-mail makes it look again at any time, and
    // the account is linked instead of the application going back to the draft.
    void aLostAnswerMissedByTheLookUpIsStillFound()
    {
        const QString email = u"pat.skewed@example.org"_s;
        const QString token = userToken(email);
        saveAll(token, email);
        m_root->onboarding()->setClock([] { return QDateTime::currentDateTimeUtc().addSecs(3600); });
        m_rest.injectFault(FakeFault::dropAfterProcess().on("POST", u"/v1/accounts"_s));
        const auto lost = submitSlowly(token);
        QCOMPARE(lost.status, 502);
        QCOMPARE(applicationsFor(email).size(), 1);
        QCOMPARE(state(token), u"submitting"_s);

        const auto retried = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        m_root->onboarding()->setClock([] { return QDateTime::currentDateTimeUtc(); });
        QCOMPARE(retried.status, 200);
        QVERIFY(!retried.body[u"broker_account_id"_s].toString().isEmpty());
        // The second POST was refused (409, the e-mail is taken by the first one's account).
        QCOMPARE(applicationsFor(email).size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(state(token), u"active"_s, 10000);
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 1);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TestServerOnboardingAlpaca test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_server_onboarding_alpaca.moc"
