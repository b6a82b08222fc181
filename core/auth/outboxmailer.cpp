#include "outboxmailer.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

bool isHeaderSafe(const QString &value)
{
    return !value.contains(u'\r') && !value.contains(u'\n');
}

// RFC 2047 encoded-word for non-ASCII subjects.
QString encodeHeader(const QString &value)
{
    for (QChar c : value) {
        if (c.unicode() > 126)
            return u"=?UTF-8?B?"_s + QString::fromLatin1(value.toUtf8().toBase64()) + u"?="_s;
    }
    return value;
}

} // namespace

OutboxMailer::OutboxMailer(QString folder, QString from)
    : m_folder(std::move(folder)), m_from(std::move(from))
{}

QString OutboxMailer::describe() const
{
    return u"outbox "_s + QDir(m_folder).absolutePath();
}

Expected<std::monostate, MailError> OutboxMailer::send(const MailMessage &message)
{
    if (message.to.isEmpty() || !isHeaderSafe(message.to) || !isHeaderSafe(message.subject))
        return unexpected(MailError{u"invalid recipient or subject"_s});
    QDir dir(m_folder);
    if (!dir.exists()) {
        if (!QDir().mkpath(m_folder))
            return unexpected(MailError{u"cannot create the outbox %1"_s.arg(m_folder)});
        QFile::setPermissions(m_folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString name = now.toString(u"yyyyMMdd-HHmmss-zzz"_s) + u'-' + id.left(8) + u".eml"_s;
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFile::ReadOwner | QFile::WriteOwner))
        return unexpected(
            MailError{u"cannot write into the outbox %1: %2"_s.arg(m_folder, file.errorString())});
    QString body = message.body;
    body.replace(u"\r\n"_s, u"\n"_s).replace(u'\n', u"\r\n"_s);
    const QString text =
        u"From: "_s + m_from + u"\r\nTo: "_s + message.to + u"\r\nSubject: "_s +
        encodeHeader(message.subject) + u"\r\nDate: "_s +
        QLocale::c().toString(now, u"ddd, dd MMM yyyy HH:mm:ss +0000"_s) + u"\r\nMessage-ID: <"_s + id +
        u"@clera.invalid>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"_s +
        body + u"\r\n"_s;
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush())
        return unexpected(
            MailError{u"cannot write into the outbox %1: %2"_s.arg(m_folder, file.errorString())});
    return std::monostate{};
}

} // namespace clera
