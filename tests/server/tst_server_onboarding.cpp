#include "../core/onboarding/onboardingsteps.h"
#include "../core/store/scratchdatabase.h"
#include "core/broker/simbroker.h"
#include "core/onboarding/simaccountopener.h"
#include "core/store/brokerageaccountrepository.h"
#include "serverfixture.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

namespace {

const QString kPassword = u"correct horse battery"_s;

} // namespace

// Brokerage onboarding over REST with the embedded simulated broker (no keys): sign up, save each step,
// submit, and the paper account appears among the user's accounts. On SQLite and PostgreSQL.
class TestServerOnboarding : public QObject, protected test::DemoServerTest
{
    Q_OBJECT

private:
    test::HttpResult put(const QString &step, const QJsonObject &body, const QString &token)
    {
        return m_http.send("PUT", u"/api/v1/onboarding/"_s + step, token,
                           QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    // Saves every step and checks each answer.
    void saveAll(const QString &token, const QString &email)
    {
        for (const auto &[step, data] : test::onboarding::completeSteps(email)) {
            const auto r = put(toString(step), data, token);
            QVERIFY2(r.status == 200,
                     qPrintable(toString(step) + u": "_s + QString::fromUtf8(r.body.toJson())));
            QVERIFY(r.body[u"completed_steps"_s].toArray().contains(toString(step)));
        }
    }

    // Signs a new user up over REST (mail verification included) and returns an access token.
    QString signUp(const QString &email)
    {
        if (m_http.post(u"/api/v1/auth/sign-up"_s, {{u"email"_s, email}, {u"password"_s, kPassword}})
                .status != 202)
            return {};
        const QStringList codes = test::takeMailCodes(m_root->outboxDir(), email);
        if (codes.isEmpty() ||
            m_http.post(u"/api/v1/auth/verify-email"_s, {{u"token"_s, codes.first()}}).status != 200)
            return {};
        const auto session =
            m_http.post(u"/api/v1/auth/sign-in"_s, {{u"email"_s, email}, {u"password"_s, kPassword}});
        return session.body[u"access_token"_s].toString();
    }

private Q_SLOTS:
    void initTestCase_data() { ScratchDatabase::addEngineRows(); }

    void init()
    {
        CLERA_SCRATCH_INIT(m_scratch);
        QVERIFY(startServer());
        QVERIFY(m_root->onboarding());
    }

    void cleanup() { stopServer(); }

    void signUpOnboardAndTheAccountAppears()
    {
        const QString token = signUp(u"new.user@example.org"_s);
        QVERIFY(!token.isEmpty());
        QCOMPARE(m_http.get(u"/api/v1/accounts"_s, token).body.array().size(), 0);

        const auto fresh = m_http.get(u"/api/v1/onboarding"_s, token);
        QCOMPARE(fresh.status, 200);
        QCOMPARE(fresh.body[u"state"_s].toString(), u"draft"_s);
        QCOMPARE(fresh.body[u"broker"_s].toString(), u"sim"_s);
        QCOMPARE(fresh.body[u"paper"_s].toBool(), true);
        QCOMPARE(fresh.body[u"remaining_steps"_s].toArray().size(), 5);

        saveAll(token, u"new.user@example.org"_s);
        const auto complete = m_http.get(u"/api/v1/onboarding"_s, token);
        QCOMPARE(complete.body[u"can_submit"_s].toBool(), true);
        QCOMPARE(complete.body[u"steps"_s][u"identity"_s][u"tax_id_last4"_s].toString(), u"6789"_s);
        QVERIFY(!complete.body.toJson().contains("123-45-6789"));
        QCOMPARE(complete.body[u"steps"_s][u"agreements"_s][u"agreements"_s][0][u"ip_address"_s].toString(),
                 u"127.0.0.1"_s);

        const auto submitted = m_http.post(u"/api/v1/onboarding/submit"_s, {}, token);
        QCOMPARE(submitted.status, 200);
        QCOMPARE(submitted.body[u"state"_s].toString(), u"submitted"_s);
        const QString accountId = submitted.body[u"broker_account_id"_s].toString();
        QVERIFY(!accountId.isEmpty());

        QTRY_COMPARE(m_http.get(u"/api/v1/onboarding"_s, token).body[u"state"_s].toString(), u"active"_s);
        const auto done = m_http.get(u"/api/v1/onboarding"_s, token);
        QVERIFY(done.body[u"status_message"_s].toString().contains(u"paper account"_s));
        const QJsonArray accounts = m_http.get(u"/api/v1/accounts"_s, token).body.array();
        QCOMPARE(accounts.size(), 1);
        QCOMPARE(accounts.at(0)[u"id"_s].toString(), accountId);
        QCOMPARE(accounts.at(0)[u"cash"_s].toString(), u"0"_s);
        QCOMPARE(accounts.at(0)[u"status"_s].toString(), u"ACTIVE"_s);
        // The trading routes see it too: no positions yet.
        const auto positions = m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(accountId), token);
        QCOMPARE(positions.status, 200);
        QCOMPARE(positions.body.array().size(), 0);
        // Once submitted, the steps are closed.
        const auto late =
            put(u"contact"_s, test::onboarding::completeSteps(u"x@example.org"_s).at(0).second, token);
        QCOMPARE(late.status, 409);
        QCOMPARE(late.errorCode(), u"application_submitted"_s);
    }

    void validationErrorsPerStep_data()
    {
        QTest::addColumn<QString>("step");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("contact") << u"contact"_s
                                 << QByteArray(R"({"email_address": "nope", "street_address": ["1 Main St"],
                                              "city": "Austin", "country": "USA"})")
                                 << QStringList{u"contact.email_address"_s, u"contact.phone_number"_s,
                                                u"contact.postal_code"_s};
        QTest::newRow("identity") << u"identity"_s
                                  << QByteArray(R"({"given_name": "Pat", "family_name": "Lee",
                                      "date_of_birth": "2015-01-01", "tax_id": "123", "tax_id_type": "USA_SSN",
                                      "country_of_citizenship": "MEX", "country_of_tax_residence": "USA"})")
                                  << QStringList{u"identity.date_of_birth"_s, u"identity.tax_id"_s,
                                                 u"identity.visa_type"_s};
        QTest::newRow("employment") << u"employment"_s
                                    << QByteArray(
                                           R"({"employment_status": "employed", "funding_source": ["gold"]})")
                                    << QStringList{u"employment.employer_name"_s,
                                                   u"employment.employment_position"_s,
                                                   u"employment.funding_source"_s};
        QTest::newRow("disclosures")
            << u"disclosures"_s
            << QByteArray(R"({"is_control_person": false, "is_affiliated_exchange_or_finra": true,
                                         "is_politically_exposed": "no", "immediate_family_exposed": false})")
            << QStringList{u"disclosures.context"_s, u"disclosures.documents"_s,
                           u"disclosures.is_politically_exposed"_s};
        QTest::newRow("agreements") << u"agreements"_s
                                    << QByteArray(R"({"agreements": [{"agreement": "margin_agreement",
                                        "ip_address": "1.2.3.4"}], "enabled_assets": ["us_option"]})")
                                    << QStringList{u"agreements.agreements"_s,
                                                   u"agreements.agreements[0].ip_address"_s};
    }

    void validationErrorsPerStep()
    {
        QFETCH(QString, step);
        QFETCH(QByteArray, body);
        QFETCH(QStringList, fields);
        const QString alice = token(u"demo-alice"_s);
        const auto r = m_http.send("PUT", u"/api/v1/onboarding/"_s + step, alice, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.errorCode(), u"validation_failed"_s);
        QStringList got;
        for (const QJsonValue &f : r.body[u"error"_s][u"fields"_s].toArray()) {
            got.append(f[u"field"_s].toString());
            QVERIFY(!f[u"message"_s].toString().isEmpty());
        }
        got.removeDuplicates();
        got.sort();
        QCOMPARE(got, fields);
        // Nothing was saved.
        QVERIFY(!m_http.get(u"/api/v1/onboarding"_s, alice).body[u"steps"_s].toObject().contains(step));
    }

    void malformedBodies()
    {
        const QString alice = token(u"demo-alice"_s);
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/contact"_s, alice, "{\"email").errorCode(),
                 u"invalid_json"_s);
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/contact"_s, alice, "[1, 2]").errorCode(),
                 u"invalid_json"_s);
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/contact"_s, alice, "{}", "text/plain").status, 415);
        const QByteArray big = "{\"city\": \"" + QByteArray(70 * 1024, 'x') + "\"}";
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/contact"_s, alice, big).status, 413);
        // The disclosures step takes documents, so a larger body: checked by the rules instead.
        const auto withLetter = m_http.send("PUT", u"/api/v1/onboarding/disclosures"_s, alice, big);
        QCOMPARE(withLetter.status, 400);
        QCOMPARE(withLetter.errorCode(), u"validation_failed"_s);
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/payment"_s, alice, "{}").status, 404);
        QCOMPARE(m_http.send("PUT", u"/api/v1/onboarding/contact"_s, {}, "{}").status, 401);
        QCOMPARE(m_http.get(u"/api/v1/onboarding"_s).status, 401);
        QCOMPARE(m_http.post(u"/api/v1/onboarding/submit"_s, {{u"force"_s, u"yes"_s}}, alice).status, 400);
        const auto incomplete = m_http.post(u"/api/v1/onboarding/submit"_s, {}, alice);
        QCOMPARE(incomplete.status, 400);
        QCOMPARE(incomplete.body[u"error"_s][u"fields"_s].toArray().size(), 5);
    }

    void usersNeverSeeEachOthersApplication()
    {
        const QString alice = token(u"demo-alice"_s);
        const QString bob = token(u"demo-bob"_s);
        saveAll(alice, u"alice.applicant@example.org"_s);
        const auto bobs = m_http.get(u"/api/v1/onboarding"_s, bob);
        QCOMPARE(bobs.status, 200);
        QCOMPARE(bobs.body[u"steps"_s].toObject(), QJsonObject());
        QVERIFY(!bobs.body.toJson().contains("alice.applicant"));
        // Bob's saves and submits are his own.
        QJsonObject contact = test::onboarding::completeSteps(u"bob.applicant@example.org"_s).at(0).second;
        QCOMPARE(put(u"contact"_s, contact, bob).status, 200);
        QCOMPARE(m_http.post(u"/api/v1/onboarding/submit"_s, {}, bob).status, 400);
        const auto alices = m_http.get(u"/api/v1/onboarding"_s, alice);
        QCOMPARE(alices.body[u"steps"_s][u"contact"_s][u"email_address"_s].toString(),
                 u"alice.applicant@example.org"_s);
        QCOMPARE(alices.body[u"completed_steps"_s].toArray().size(), 5);
        QCOMPARE(alices.body[u"state"_s].toString(), u"draft"_s);
        // Alice's submission links the new account to Alice only.
        const auto submitted = m_http.post(u"/api/v1/onboarding/submit"_s, {}, alice);
        QCOMPARE(submitted.status, 200);
        const QString accountId = submitted.body[u"broker_account_id"_s].toString();
        QTRY_COMPARE(m_http.get(u"/api/v1/onboarding"_s, alice).body[u"state"_s].toString(), u"active"_s);
        QCOMPARE(m_http.get(u"/api/v1/accounts/%1/positions"_s.arg(accountId), bob).status, 404);
        QCOMPARE(m_http.get(u"/api/v1/onboarding"_s, bob).body[u"broker_account_id"_s],
                 QJsonValue(QJsonValue::Null));
    }

    void theDraftSurvivesARestart()
    {
        const QString alice = token(u"demo-alice"_s);
        saveAll(alice, u"alice.applicant@example.org"_s);
        const QString keyFile = QDir(m_dir->path()).filePath(u"data-key"_s);
        if (m_scratch.url().engine == DatabaseUrl::Engine::Postgres) {
            // A PostgreSQL store is shared between instances: the key must be configured, never generated.
            QVERIFY(!QFileInfo::exists(keyFile));
            QVERIFY(m_root->banner().join(u'\n').contains(
                u"Data key (encrypts tax ids and dates of birth): from CLERA_DATA_KEY"_s));
            m_root.reset();
            auto config = scratchStoreConfig(m_dir->path());
            QVERIFY(config);
            config->set(u"CLERA_JWT_SECRET"_s, test::sharedJwtSecret(), u"environment"_s);
            verifyRefusedFor(*config, u"CLERA_DATA_KEY"_s);
            QVERIFY(startServer());
        } else {
            QVERIFY(QFileInfo::exists(keyFile));
            QCOMPARE(QFileInfo(keyFile).permissions() & (QFile::ReadGroup | QFile::ReadOther),
                     QFile::Permissions());
            QVERIFY(m_root->banner().join(u'\n').contains(
                u"Data key (encrypts tax ids and dates of birth): generated file"_s));
            m_root.reset();
            QVERIFY(startServer());
            QVERIFY(m_root->banner().join(u'\n').contains(u"using generated file "_s + keyFile));
        }
        const auto back = m_http.get(u"/api/v1/onboarding"_s, token(u"demo-alice"_s));
        QCOMPARE(back.status, 200);
        QCOMPARE(back.body[u"completed_steps"_s].toArray().size(), 5);
        QCOMPARE(back.body[u"steps"_s][u"identity"_s][u"tax_id_last4"_s].toString(), u"6789"_s);
        QCOMPARE(back.body[u"steps"_s][u"identity"_s][u"date_of_birth"_s].toString(), u"1988-04-12"_s);
        QCOMPARE(m_http.post(u"/api/v1/onboarding/submit"_s, {}, token(u"demo-alice"_s)).status, 200);
    }

    void submitIsIdempotent()
    {
        const QString alice = token(u"demo-alice"_s);
        const QString aliceId = test::userId(*m_root, u"demo-alice"_s);
        const QStringList before = m_root->brokerageAccounts().accountsOf(aliceId).value();
        saveAll(alice, u"alice.applicant@example.org"_s);
        const auto first = m_http.post(u"/api/v1/onboarding/submit"_s, {}, alice);
        const auto second = m_http.post(u"/api/v1/onboarding/submit"_s, {}, alice);
        QCOMPARE(first.status, 200);
        QCOMPARE(second.status, 200);
        const QString accountId = first.body[u"broker_account_id"_s].toString();
        QCOMPARE(second.body[u"broker_account_id"_s].toString(), accountId);
        QTRY_COMPARE(m_http.get(u"/api/v1/onboarding"_s, alice).body[u"state"_s].toString(), u"active"_s);
        QCOMPARE(
            m_http.post(u"/api/v1/onboarding/submit"_s, {}, alice).body[u"broker_account_id"_s].toString(),
            accountId);
        QCOMPARE(m_root->brokerageAccounts().accountsOf(aliceId).value(), before + QStringList{accountId});
        // One paper account for the application at the simulated broker.
        int opened = 0;
        const auto accounts = m_root->simBroker()->accounts().result();
        for (const Account &a : *accounts)
            opened += m_root->simBroker()->accountLabel(a.id).startsWith(u"onboarding:"_s) ? 1 : 0;
        QCOMPARE(opened, 1);
    }
};

QTEST_GUILESS_MAIN(TestServerOnboarding)
#include "tst_server_onboarding.moc"
