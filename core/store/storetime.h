#pragma once

#include <QDateTime>
#include <QString>
#include <QVariant>

#include <optional>

namespace clera {

// Instants are stored as fixed-width RFC 3339 UTC text with milliseconds ("2026-01-02T03:04:05.678Z"),
// which compares correctly as text on SQLite and PostgreSQL alike.
[[nodiscard]] QString toStoreTime(const QDateTime &at);
[[nodiscard]] QDateTime fromStoreTime(const QVariant &value);
[[nodiscard]] std::optional<QDateTime> optionalStoreTime(const QVariant &value);
// NULL for nullopt.
[[nodiscard]] QVariant bindStoreTime(const std::optional<QDateTime> &at);
// Never NULL: an empty string for a null one (Qt binds a null QString as SQL NULL).
[[nodiscard]] QVariant bindText(const QString &text);
// NULL for an empty string.
[[nodiscard]] QVariant bindNullableText(const QString &text);

} // namespace clera
