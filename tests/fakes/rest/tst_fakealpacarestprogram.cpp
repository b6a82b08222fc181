// The fake-alpaca-rest program, as a demo uses it: it prints where each fake listens, serves the Broker
// API with the broker keys, the market-data snapshots, and refuses bad flags with exit code 2.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestFakeAlpacaRestProgram : public QObject
{
    Q_OBJECT

private:
    static QJsonDocument getJson(const QUrl &url)
    {
        QNetworkAccessManager http;
        QNetworkRequest request(url);
        request.setRawHeader("Authorization",
                             "Basic " + QByteArray("PKBROKERKEY0001:broker-secret-0001").toBase64());
        QNetworkReply *reply = http.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(5000))
            return {};
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        reply->deleteLater();
        return doc;
    }

private Q_SLOTS:
    void printsItsUrlsAndServes()
    {
        QProcess program;
        program.start(QString::fromUtf8(FAKE_ALPACA_REST_PROGRAM), {u"--accounts"_s, u"3"_s});
        QVERIFY(program.waitForStarted(5000));
        QHash<QString, QUrl> urls;
        QStringList accounts;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                while (program.canReadLine()) {
                    const QString line = QString::fromUtf8(program.readLine()).trimmed();
                    const auto m = QRegularExpression(u"^(ALPACA_\\w+_URL)=(\\S+)"_s).match(line);
                    if (m.hasMatch())
                        urls.insert(m.captured(1), QUrl(m.captured(2)));
                    if (line.startsWith(u"account "_s))
                        accounts.append(line.section(u' ', 1, 1));
                }
                return accounts.size() == 3;
            }(),
            10000);
        for (const QString &name : {u"ALPACA_BROKER_API_URL"_s, u"ALPACA_BROKER_EVENTS_URL"_s,
                                    u"ALPACA_TRADING_STREAM_URL"_s, u"ALPACA_DATA_API_URL"_s})
            QVERIFY2(urls.value(name).isValid() && urls.value(name).port() > 0, qPrintable(name));

        const QJsonArray listed =
            getJson(urls.value(u"ALPACA_BROKER_API_URL"_s).resolved(QUrl(u"/v1/accounts"_s))).array();
        QCOMPARE(listed.size(), 3);
        const QJsonObject snapshots =
            getJson(
                urls.value(u"ALPACA_DATA_API_URL"_s).resolved(QUrl(u"/v2/stocks/snapshots?symbols=AAPL"_s)))
                .object();
        QVERIFY2(snapshots.contains(u"AAPL"_s), QJsonDocument(snapshots).toJson().constData());
        program.terminate();
        QVERIFY(program.waitForFinished(5000));
    }

    void rejectsBadFlags()
    {
        QProcess program;
        program.start(QString::fromUtf8(FAKE_ALPACA_REST_PROGRAM), {u"--accounts"_s, u"many"_s});
        QVERIFY(program.waitForFinished(5000));
        QCOMPARE(program.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestFakeAlpacaRestProgram)
#include "tst_fakealpacarestprogram.moc"
