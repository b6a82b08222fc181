#include "auditlog.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

Expected<qint64, StoreError> AuditLog::append(const AuditEntry &e)
{
    if (e.actor.isEmpty() || e.action.isEmpty() || e.result.isEmpty())
        return unexpected(
            StoreError{StoreError::Kind::Invalid, u"an audit entry needs actor, action and result"_s});
    const QDateTime at = e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc();
    auto q = m_db.exec(u"INSERT INTO audit_log (at, actor, action, subject, ip, result, details) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"_s,
                       {toStoreTime(at), e.actor, e.action, bindText(e.subject), bindText(e.ip), e.result,
                        QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact))});
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return unexpected(StoreError{StoreError::Kind::Query, u"the audit row id was not returned"_s});
    return q->value(0).toLongLong();
}

Expected<QList<AuditEntry>, StoreError> AuditLog::query(const AuditFilter &f) const
{
    QStringList where;
    QVariantList binds;
    const auto add = [&](const QString &clause, const QVariant &value) {
        where.append(clause);
        binds.append(value);
    };
    if (!f.actor.isEmpty())
        add(u"actor = ?"_s, f.actor);
    if (!f.subject.isEmpty())
        add(u"subject = ?"_s, f.subject);
    if (!f.action.isEmpty())
        add(u"action = ?"_s, f.action);
    if (f.beforeId > 0)
        add(u"id < ?"_s, f.beforeId);
    binds.append(qBound(1, f.limit, 1000));
    const QString sql =
        u"SELECT id, at, actor, action, subject, ip, result, details FROM audit_log%1 "
        "ORDER BY id DESC LIMIT ?"_s.arg(where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s));
    auto q = m_db.exec(sql, binds);
    if (!q)
        return unexpected(q.error());
    QList<AuditEntry> entries;
    while (q->next()) {
        AuditEntry e;
        e.id = q->value(0).toLongLong();
        e.at = fromStoreTime(q->value(1));
        e.actor = q->value(2).toString();
        e.action = q->value(3).toString();
        e.subject = q->value(4).toString();
        e.ip = q->value(5).toString();
        e.result = q->value(6).toString();
        e.details = QJsonDocument::fromJson(q->value(7).toString().toUtf8()).object();
        entries.append(e);
    }
    return entries;
}

} // namespace clera
