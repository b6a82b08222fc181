#include "activityquery.h"

using namespace Qt::StringLiterals;

namespace clera {

namespace {

bool isTypeName(const QString &s)
{
    if (s.isEmpty())
        return false;
    for (QChar c : s) {
        if (c < u'A' || c > u'Z')
            return false;
    }
    return true;
}

} // namespace

Expected<QUrlQuery, QueryError> ActivityQuery::toUrlQuery() const
{
    using Kind = QueryError::Kind;
    if (date && (after || until))
        return unexpected(QueryError{Kind::Conflict, u"date"_s, u"excludes after and until"_s});
    if (after && until && *after > *until)
        return unexpected(QueryError{Kind::InvalidValue, u"after"_s, u"is later than until"_s});
    if (pageSize < 1 || pageSize > kMaxPageSize)
        return unexpected(QueryError{Kind::InvalidValue, u"page_size"_s,
                                     u"must be 1–%1, not %2"_s.arg(kMaxPageSize).arg(pageSize)});
    for (const QString &type : activityTypes) {
        if (!isTypeName(type))
            return unexpected(QueryError{Kind::InvalidValue, u"activity_types"_s,
                                         u"'%1' is not an activity type"_s.arg(type)});
    }

    QUrlQuery q;
    if (!activityTypes.isEmpty())
        q.addQueryItem(u"activity_types"_s, activityTypes.join(u','));
    if (date)
        q.addQueryItem(u"date"_s, date->toString(Qt::ISODate));
    if (after)
        q.addQueryItem(u"after"_s, after->toString());
    if (until)
        q.addQueryItem(u"until"_s, until->toString());
    q.addQueryItem(u"direction"_s, newestFirst ? u"desc"_s : u"asc"_s);
    q.addQueryItem(u"page_size"_s, QString::number(pageSize));
    if (!pageToken.isEmpty())
        q.addQueryItem(u"page_token"_s, QString::fromLatin1(QUrl::toPercentEncoding(pageToken)));
    return q;
}

} // namespace clera
