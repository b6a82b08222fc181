#include "redaction.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera::redact {

namespace {
const QByteArray kMaskBytes = QByteArrayLiteral("***");
}

bool isSecretHeader(const QByteArray &name)
{
    const QByteArray n = name.trimmed().toLower();
    return n == "authorization" || n == "proxy-authorization" || n == "cookie" || n == "set-cookie" ||
           n.startsWith("apca-api-") || n.contains("secret") || n.contains("token") || n.contains("api-key");
}

bool isSecretQueryItem(const QString &name)
{
    const QString n = name.toLower();
    return n.contains(u"key") || n.contains(u"secret") || n.contains(u"token") || n.contains(u"password") ||
           n.contains(u"signature") || n == u"sig";
}

QByteArray headerValue(const QByteArray &name, const QByteArray &value)
{
    if (!isSecretHeader(name))
        return value;
    const QByteArray trimmed = value.trimmed();
    const qsizetype space = trimmed.indexOf(' ');
    // Keep the scheme ("Basic", "Bearer") so a log still shows which form was sent.
    if (name.trimmed().toLower().endsWith("authorization") && space > 0)
        return trimmed.left(space) + ' ' + kMaskBytes;
    return kMaskBytes;
}

QString headers(const QList<QPair<QByteArray, QByteArray>> &list)
{
    QStringList out;
    out.reserve(list.size());
    for (const auto &[name, value] : list)
        out.append(QString::fromLatin1(name) + u": " + QString::fromLatin1(headerValue(name, value)));
    return out.join(u", ");
}

QString url(const QUrl &in)
{
    QUrl u = in;
    if (!u.password().isEmpty())
        u.setPassword(kMask.toString());
    if (!u.userName().isEmpty())
        u.setUserName(kMask.toString());
    if (u.hasQuery()) {
        QUrlQuery query(u);
        const auto items = query.queryItems(QUrl::FullyEncoded);
        QList<QPair<QString, QString>> masked;
        masked.reserve(items.size());
        for (const auto &[key, value] : items)
            masked.append({key, isSecretQueryItem(key) ? kMask.toString() : value});
        query.setQueryItems(masked);
        u.setQuery(query);
    }
    return u.toDisplayString();
}

} // namespace clera::redact
