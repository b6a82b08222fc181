#pragma once

#include "decimal.h"
#include "expected.h"
#include "timestamp.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QStringList>

#include <optional>

namespace clera {

// Why a JSON document could not be decoded: where (a dotted path) and what.
struct DecodeError
{
    QString path;
    QString message;
    [[nodiscard]] QString toString() const { return path.isEmpty() ? message : path + u": " + message; }
};

// Reads fields of one JSON object with Alpaca's conventions (decimals as strings or numbers, null for
// absent optional fields, RFC 3339 timestamps). The first problem is kept; later reads return defaults,
// so a codec reads every field and then asks `error()` once.
class JsonReader
{
public:
    explicit JsonReader(const QJsonObject &object, QString path = {});

    [[nodiscard]] bool ok() const { return !m_error.has_value(); }
    [[nodiscard]] const std::optional<DecodeError> &error() const { return m_error; }
    [[nodiscard]] const QJsonObject &object() const { return m_object; }
    [[nodiscard]] QString pathOf(QStringView key) const;

    [[nodiscard]] bool has(QStringView key) const; // present and not null
    [[nodiscard]] QString string(QStringView key);
    [[nodiscard]] QString optString(QStringView key); // missing or null → empty
    [[nodiscard]] Decimal decimal(QStringView key);
    [[nodiscard]] std::optional<Decimal> optDecimal(QStringView key);
    [[nodiscard]] Timestamp timestamp(QStringView key);
    [[nodiscard]] std::optional<Timestamp> optTimestamp(QStringView key);
    [[nodiscard]] std::optional<QDate> optDate(QStringView key);
    [[nodiscard]] bool boolean(QStringView key);
    [[nodiscard]] std::optional<bool> optBoolean(QStringView key);
    [[nodiscard]] std::optional<qint64> optInteger(QStringView key);
    [[nodiscard]] QStringList stringList(QStringView key); // missing or null → empty
    [[nodiscard]] std::optional<QJsonObject> optObject(QStringView key);
    [[nodiscard]] QJsonArray optArray(QStringView key);

    void fail(QStringView key, const QString &message);
    // Adopts an error from a nested decoder.
    void fail(const DecodeError &error);

    template<typename T>
    [[nodiscard]] Expected<T, DecodeError> finish(T &&value) const
    {
        if (m_error)
            return unexpected(*m_error);
        return std::forward<T>(value);
    }

private:
    [[nodiscard]] QJsonValue present(QStringView key, bool required);

    QJsonObject m_object;
    QString m_path;
    std::optional<DecodeError> m_error;
};

// Helpers for writers: optional fields become JSON null.
[[nodiscard]] QJsonValue jsonDecimal(const std::optional<Decimal> &d);
[[nodiscard]] QJsonValue jsonTimestamp(const std::optional<Timestamp> &t);
[[nodiscard]] QJsonValue jsonString(const QString &s); // empty → null

// Decodes a JSON value that must be an object with `T::fromJson` (a document's root, an array item).
template<typename T>
[[nodiscard]] Expected<T, DecodeError> decodeObject(const QJsonValue &value, const QString &path = {})
{
    if (!value.isObject())
        return unexpected(DecodeError{path, QStringLiteral("must be an object")});
    return T::fromJson(value.toObject(), path);
}

// Decodes an array of objects (Alpaca's bare-array list responses); item i is reported as `path[i]`.
template<typename T>
[[nodiscard]] Expected<QList<T>, DecodeError> decodeArray(const QJsonValue &value, const QString &path = {})
{
    if (!value.isArray())
        return unexpected(DecodeError{path, QStringLiteral("must be an array")});
    const QJsonArray array = value.toArray();
    QList<T> out;
    out.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto item = decodeObject<T>(array.at(i), path + u'[' + QString::number(i) + u']');
        if (!item)
            return unexpected(item.error());
        out.append(std::move(item).value());
    }
    return out;
}

} // namespace clera
