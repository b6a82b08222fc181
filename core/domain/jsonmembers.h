#pragma once

#include "expected.h"
#include "jsonreader.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace clera {

// One member of a JSON object: its key, and where its value's text is (offset and length into the text
// that was scanned).
struct JsonMember
{
    QString key;
    qsizetype offset = 0;
    qsizetype length = 0;
};

// The members of the JSON object `text` holds, found without building a document: each value stays a
// slice of the text, to be parsed on its own when needed. For answers too large to hold as one
// QJsonDocument at once (every position of every account: hundreds of MiB of parser containers).
// The structure is checked (strings, nesting, commas and colons in place, nothing after the
// object; as lenient as QJsonDocument inside strings); scalars are only delimited, so a value must still
// be parsed before it is trusted. An error
// names the byte offset of the first problem.
[[nodiscard]] Expected<QList<JsonMember>, DecodeError> jsonObjectMembers(QByteArrayView text);

} // namespace clera
