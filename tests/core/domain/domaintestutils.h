#pragma once

#include "core/domain/decimal.h"
#include "core/domain/jsonreader.h"
#include "core/domain/timestamp.h"

#include <QJsonDocument>
#include <QTest>

// QTest finds these through argument-dependent lookup, so failing QCOMPAREs print readable values.
namespace clera {

inline char *toString(const Decimal &d)
{
    return qstrdup(d.toString().toUtf8().constData());
}

inline char *toString(const Timestamp &t)
{
    return qstrdup(t.toString().toUtf8().constData());
}

inline char *toString(const DecodeError &e)
{
    return qstrdup(e.toString().toUtf8().constData());
}

} // namespace clera

namespace clera::test {

// A decimal literal the test trusts; a typo in the test aborts loudly instead of comparing zeros.
[[nodiscard]] inline Decimal dec(QStringView text)
{
    const auto d = Decimal::parse(text);
    if (!d)
        qFatal("test literal '%s' is not a decimal: %s", qPrintable(text.toString()), qPrintable(d.error()));
    return *d;
}

[[nodiscard]] inline Timestamp ts(QStringView text)
{
    const auto t = Timestamp::parse(text);
    if (!t)
        qFatal("test literal '%s' is not a timestamp: %s", qPrintable(text.toString()),
               qPrintable(t.error()));
    return *t;
}

[[nodiscard]] inline QJsonObject object(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("test payload is not a JSON object: %s\n%s", qPrintable(error.errorString()),
               json.constData());
    return doc.object();
}

} // namespace clera::test
