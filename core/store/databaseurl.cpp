#include "databaseurl.h"

#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

Unexpected<StoreError> invalid(const QString &message)
{
    return unexpected(StoreError{StoreError::Kind::Invalid, message});
}

bool looksLikeKeywordString(const QString &text)
{
    static const QStringList keywords = {u"host"_s, u"hostaddr"_s, u"port"_s,    u"dbname"_s,
                                         u"user"_s, u"password"_s, u"sslmode"_s, u"service"_s};
    const QString first = text.section(u'=', 0, 0).trimmed();
    return text.contains(u'=') && keywords.contains(first);
}

// libpq keyword/value pairs separated by spaces; values may be single-quoted with \' and \\ escapes.
Expected<QList<std::pair<QString, QString>>, StoreError> splitKeywords(const QString &text)
{
    QList<std::pair<QString, QString>> pairs;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && text[i].isSpace())
            ++i;
        if (i >= n)
            break;
        const qsizetype eq = text.indexOf(u'=', i);
        if (eq < 0)
            return invalid(u"malformed PostgreSQL keyword string: missing '='"_s);
        const QString key = text.mid(i, eq - i).trimmed();
        i = eq + 1;
        while (i < n && text[i].isSpace())
            ++i;
        QString value;
        if (i < n && text[i] == u'\'') {
            ++i;
            bool closed = false;
            while (i < n) {
                if (text[i] == u'\\' && i + 1 < n) {
                    value.append(text[i + 1]);
                    i += 2;
                } else if (text[i] == u'\'') {
                    ++i;
                    closed = true;
                    break;
                } else {
                    value.append(text[i++]);
                }
            }
            if (!closed)
                return invalid(u"malformed PostgreSQL keyword string: unterminated quote"_s);
        } else {
            while (i < n && !text[i].isSpace())
                value.append(text[i++]);
        }
        if (key.isEmpty())
            return invalid(u"malformed PostgreSQL keyword string: empty keyword"_s);
        pairs.append({key, value});
    }
    return pairs;
}

} // namespace

Expected<DatabaseUrl, StoreError> DatabaseUrl::parse(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty())
        return invalid(u"empty database location"_s);
    DatabaseUrl result;
    if (text.startsWith(u"postgresql://"_s) || text.startsWith(u"postgres://"_s)) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid())
            return invalid(u"malformed PostgreSQL URL"_s);
        result.engine = Engine::Postgres;
        result.host = url.host();
        if (url.port() > 0)
            result.port = url.port();
        result.user = url.userName(QUrl::FullyDecoded);
        result.password = url.password(QUrl::FullyDecoded);
        result.database = url.path(QUrl::FullyDecoded).mid(1);
        const QUrlQuery query(url);
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded))
            result.options.append(key + u'=' + value);
        return result;
    }
    if (text.startsWith(u"sqlite://"_s)) {
        result.path = QUrl(text).path(QUrl::FullyDecoded);
        if (result.path.isEmpty())
            return invalid(u"sqlite URL without a path"_s);
        return result;
    }
    if (looksLikeKeywordString(text)) {
        const auto pairs = splitKeywords(text);
        if (!pairs)
            return unexpected(pairs.error());
        result.engine = Engine::Postgres;
        for (const auto &[key, value] : *pairs) {
            if (key == u"host")
                result.host = value;
            else if (key == u"port") {
                bool ok = false;
                const int port = value.toInt(&ok);
                if (!ok || port <= 0 || port > 65535)
                    return invalid(u"bad PostgreSQL port"_s);
                result.port = port;
            } else if (key == u"user")
                result.user = value;
            else if (key == u"password")
                result.password = value;
            else if (key == u"dbname")
                result.database = value;
            else
                result.options.append(key + u'=' + value);
        }
        return result;
    }
    if (text.contains(u"://"_s))
        return invalid(u"unsupported database URL scheme (use postgresql:// or a SQLite file path)"_s);
    result.path = text;
    return result;
}

QString DatabaseUrl::redacted() const
{
    if (engine == Engine::Sqlite)
        return u"sqlite:"_s + path;
    QString text = u"postgresql://"_s;
    if (!user.isEmpty())
        text += user + (password.isEmpty() ? u"@"_s : u":***@"_s);
    text += host;
    if (port)
        text += u':' + QString::number(*port);
    return text + u'/' + database;
}

} // namespace clera
