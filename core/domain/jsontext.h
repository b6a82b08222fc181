#pragma once

#include <QByteArray>
#include <QStringView>

namespace clera {

// Appends `text` as a JSON string exactly as Qt's JSON writer (QJsonDocument::Compact) escapes it:
// ", \ and control characters escaped, everything else as UTF-8. For payloads built straight into bytes
// on hot paths (live updates, price frames) that must stay byte-identical to what QJsonDocument writes.
void appendJsonString(QByteArray &out, QStringView text);

} // namespace clera
