#include "storetime.h"

namespace clera {

QString toStoreTime(const QDateTime &at)
{
    return at.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromStoreTime(const QVariant &value)
{
    QDateTime at = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return at.toUTC();
}

std::optional<QDateTime> optionalStoreTime(const QVariant &value)
{
    if (value.isNull() || value.toString().isEmpty())
        return std::nullopt;
    return fromStoreTime(value);
}

QVariant bindStoreTime(const std::optional<QDateTime> &at)
{
    return at ? QVariant(toStoreTime(*at)) : QVariant(QMetaType::fromType<QString>());
}

QVariant bindText(const QString &text)
{
    return text.isNull() ? QVariant(QString(QLatin1StringView(""))) : QVariant(text);
}

QVariant bindNullableText(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

} // namespace clera
