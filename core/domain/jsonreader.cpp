#include "jsonreader.h"

using namespace Qt::StringLiterals;

namespace clera {

JsonReader::JsonReader(const QJsonObject &object, QString path) : m_object(object), m_path(std::move(path)) {}

QString JsonReader::pathOf(QStringView key) const
{
    return m_path.isEmpty() ? key.toString() : m_path + u'.' + key;
}

void JsonReader::fail(QStringView key, const QString &message)
{
    if (!m_error)
        m_error = DecodeError{pathOf(key), message};
}

void JsonReader::fail(const DecodeError &error)
{
    if (!m_error)
        m_error = error;
}

bool JsonReader::has(QStringView key) const
{
    const auto v = m_object.value(key);
    return !v.isUndefined() && !v.isNull();
}

QJsonValue JsonReader::present(QStringView key, bool required)
{
    const QJsonValue v = m_object.value(key);
    if ((v.isUndefined() || v.isNull()) && required)
        fail(key, v.isNull() ? u"must not be null"_s : u"is missing"_s);
    return v;
}

QString JsonReader::string(QStringView key)
{
    const QJsonValue v = present(key, true);
    if (!v.isString() && !v.isNull() && !v.isUndefined())
        fail(key, u"must be a string"_s);
    return v.toString();
}

QString JsonReader::optString(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (!v.isString() && !v.isNull() && !v.isUndefined())
        fail(key, u"must be a string"_s);
    return v.toString();
}

std::optional<Decimal> JsonReader::optDecimal(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    Expected<Decimal, QString> d = v.isString() ? Decimal::parse(v.toString())
                                   : v.isDouble() ? Decimal::fromDouble(v.toDouble())
                                                  : Expected<Decimal, QString>(unexpected(u"must be a decimal string or number"_s));
    if (!d) {
        fail(key, d.error());
        return std::nullopt;
    }
    return *d;
}

Decimal JsonReader::decimal(QStringView key)
{
    if (!has(key)) {
        (void)present(key, true);
        return {};
    }
    return optDecimal(key).value_or(Decimal());
}

std::optional<Timestamp> JsonReader::optTimestamp(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isString()) {
        fail(key, u"must be an RFC 3339 string"_s);
        return std::nullopt;
    }
    auto t = Timestamp::parse(v.toString());
    if (!t) {
        fail(key, t.error());
        return std::nullopt;
    }
    return *t;
}

Timestamp JsonReader::timestamp(QStringView key)
{
    if (!has(key)) {
        (void)present(key, true);
        return {};
    }
    return optTimestamp(key).value_or(Timestamp());
}

std::optional<QDate> JsonReader::optDate(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isString()) {
        fail(key, u"must be a YYYY-MM-DD string"_s);
        return std::nullopt;
    }
    auto d = parseIsoDate(v.toString());
    if (!d) {
        fail(key, d.error());
        return std::nullopt;
    }
    return *d;
}

std::optional<bool> JsonReader::optBoolean(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isBool()) {
        fail(key, u"must be true or false"_s);
        return std::nullopt;
    }
    return v.toBool();
}

bool JsonReader::boolean(QStringView key)
{
    (void)present(key, true);
    return optBoolean(key).value_or(false);
}

std::optional<qint64> JsonReader::optInteger(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok)
            return n;
    } else if (v.isDouble()) {
        // Range-check before converting: a double outside qint64 converts with undefined behaviour.
        const double d = v.toDouble();
        constexpr double kLimit = 9223372036854775808.0; // 2^63
        if (d >= -kLimit && d < kLimit && d == double(qint64(d)))
            return qint64(d);
    }
    fail(key, u"must be an integer"_s);
    return std::nullopt;
}

QStringList JsonReader::stringList(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return {};
    if (!v.isArray()) {
        fail(key, u"must be an array of strings"_s);
        return {};
    }
    QStringList out;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString()) {
            fail(key, u"must be an array of strings"_s);
            return {};
        }
        out.append(item.toString());
    }
    return out;
}

std::optional<QJsonObject> JsonReader::optObject(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    if (!v.isObject()) {
        fail(key, u"must be an object"_s);
        return std::nullopt;
    }
    return v.toObject();
}

QJsonArray JsonReader::optArray(QStringView key)
{
    const QJsonValue v = present(key, false);
    if (v.isNull() || v.isUndefined())
        return {};
    if (!v.isArray()) {
        fail(key, u"must be an array"_s);
        return {};
    }
    return v.toArray();
}

QJsonValue jsonDecimal(const std::optional<Decimal> &d)
{
    return d ? QJsonValue(d->toString()) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonTimestamp(const std::optional<Timestamp> &t)
{
    return t ? QJsonValue(t->toString()) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonString(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

} // namespace clera
