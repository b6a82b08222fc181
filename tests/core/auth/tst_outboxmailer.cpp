#include "core/auth/outboxmailer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace clera;

class TestOutboxMailer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesPrivateEmlFiles()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(u"outbox"_s);
        OutboxMailer mailer(folder);
        QVERIFY(mailer.describe().contains(u"outbox"_s));
        QVERIFY(mailer.send(
            {u"zoë@example.com"_s, u"Confirm — your address"_s, u"Line one\nLine two: token123"_s}));
        QVERIFY(mailer.send({u"b@example.com"_s, u"Second"_s, u"x"_s}));
        const QStringList files = QDir(folder).entryList({u"*.eml"_s}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 2);
        QCOMPARE(QFile::permissions(folder) & 0x7077, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        bool found = false;
        for (const QString &name : files) {
            QFile f(QDir(folder).filePath(name));
            QCOMPARE(f.permissions() & 0x7077, QFile::ReadOwner | QFile::WriteOwner);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString text = QString::fromUtf8(f.readAll());
            if (!text.contains(u"To: zoë@example.com\r\n"_s))
                continue;
            found = true;
            QVERIFY(text.contains(u"Subject: =?UTF-8?B?"_s));
            QVERIFY(text.contains(u"Content-Type: text/plain; charset=UTF-8\r\n"_s));
            QVERIFY(text.contains(u"\r\n\r\nLine one\r\nLine two: token123\r\n"_s));
        }
        QVERIFY(found);
    }

    void refusesHeaderInjection()
    {
        QTemporaryDir dir;
        OutboxMailer mailer(dir.path());
        QVERIFY(!mailer.send({u"a@example.com\r\nBcc: x@evil.test"_s, u"s"_s, u"b"_s}));
        QVERIFY(!mailer.send({u"a@example.com"_s, u"s\nBcc: x"_s, u"b"_s}));
        QVERIFY(!mailer.send({QString(), u"s"_s, u"b"_s}));
        QCOMPARE(QDir(dir.path()).entryList({u"*.eml"_s}, QDir::Files).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestOutboxMailer)
#include "tst_outboxmailer.moc"
