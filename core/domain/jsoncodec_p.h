#pragma once

// Internal to clera_domain: reading nested objects and writing request bodies that carry only what is
// set (the onboarding codecs: applications, Broker API accounts, ACH relationships).

#include "jsonreader.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonObject>

#include <optional>

namespace clera::detail {

// A nested object decoded with `T::fromJson`; missing or null → nullopt, anything else wrong fails `r`.
template <typename T> [[nodiscard]] std::optional<T> nestedObject(JsonReader &r, QStringView key)
{
    const std::optional<QJsonObject> object = r.optObject(key);
    if (!object)
        return std::nullopt;
    auto decoded = T::fromJson(*object, r.pathOf(key));
    if (!decoded) {
        r.fail(decoded.error());
        return std::nullopt;
    }
    return std::move(decoded).value();
}

// An array of objects decoded with `T::fromJson`; missing or null → empty.
template <typename T> [[nodiscard]] QList<T> nestedList(JsonReader &r, QStringView key)
{
    if (!r.has(key))
        return {};
    auto decoded = decodeArray<T>(r.object().value(key), r.pathOf(key));
    if (!decoded) {
        r.fail(decoded.error());
        return {};
    }
    return std::move(decoded).value();
}

// An optional enum: missing, null or "" → nullopt; other text through `fromWire` (unseen → Unknown).
template <typename E>
[[nodiscard]] std::optional<E> optEnum(JsonReader &r, QStringView key, E (*fromWire)(QStringView))
{
    const QString text = r.optString(key);
    if (text.isEmpty())
        return std::nullopt;
    return fromWire(text);
}

template <typename E>
[[nodiscard]] QList<E> enumList(JsonReader &r, QStringView key, E (*fromWire)(QStringView))
{
    QList<E> out;
    const QStringList texts = r.stringList(key);
    for (const QString &text : texts)
        out.append(fromWire(text));
    return out;
}

// Address lines: an array of strings, or (alpaca-py, the markdown docs) one string.
[[nodiscard]] inline QStringList addressLines(JsonReader &r, QStringView key)
{
    const QJsonValue v = r.object().value(key);
    if (v.isString())
        return v.toString().isEmpty() ? QStringList() : QStringList{v.toString()};
    return r.stringList(key);
}

inline void putString(QJsonObject &json, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        json.insert(key, value);
}

inline void putStrings(QJsonObject &json, const QString &key, const QStringList &values)
{
    if (!values.isEmpty())
        json.insert(key, QJsonArray::fromStringList(values));
}

inline void putBool(QJsonObject &json, const QString &key, const std::optional<bool> &value)
{
    if (value)
        json.insert(key, *value);
}

inline void putDate(QJsonObject &json, const QString &key, const std::optional<QDate> &value)
{
    if (value)
        json.insert(key, value->toString(Qt::ISODate));
}

inline void putDecimal(QJsonObject &json, const QString &key, const std::optional<Decimal> &value)
{
    if (value)
        json.insert(key, value->toString());
}

template <typename E> void putEnum(QJsonObject &json, const QString &key, const std::optional<E> &value)
{
    if (value)
        json.insert(key, toWire(*value));
}

template <typename E> void putEnums(QJsonObject &json, const QString &key, const QList<E> &values)
{
    if (values.isEmpty())
        return;
    QJsonArray array;
    for (const E &v : values)
        array.append(toWire(v));
    json.insert(key, array);
}

template <typename T> void putObjects(QJsonObject &json, const QString &key, const QList<T> &values)
{
    if (values.isEmpty())
        return;
    QJsonArray array;
    for (const T &v : values)
        array.append(v.toJson());
    json.insert(key, array);
}

} // namespace clera::detail
