#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

// Masks secrets before anything reaches a log: credentials in URLs (user info, key/secret/token query
// items) and authentication headers (Authorization, APCA-API-KEY-ID, APCA-API-SECRET-KEY, cookies).
namespace clera::redact {

inline constexpr QStringView kMask = u"***";

[[nodiscard]] bool isSecretHeader(const QByteArray &name);
[[nodiscard]] bool isSecretQueryItem(const QString &name);
// "Basic ***", "Bearer ***", or "***".
[[nodiscard]] QByteArray headerValue(const QByteArray &name, const QByteArray &value);
[[nodiscard]] QString headers(const QList<QPair<QByteArray, QByteArray>> &headers);
[[nodiscard]] QString url(const QUrl &url);

} // namespace clera::redact
