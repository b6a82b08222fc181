#include "jsonmembers.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cctype>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr int kMaxDepth = 1024; // QJsonDocument refuses deeper nesting too

struct Scanner
{
    QByteArrayView text;
    qsizetype at = 0;
    QString problem;

    bool fail(const QString &what)
    {
        if (problem.isEmpty())
            problem = what;
        return false;
    }
    void skipSpace()
    {
        while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
            ++at;
    }
    bool expect(char c)
    {
        skipSpace();
        if (at >= text.size() || text[at] != c)
            return fail(u"expected '%1'"_s.arg(QLatin1Char(c)));
        ++at;
        return true;
    }
    // A string from its opening quote; `escaped` tells whether it holds a backslash.
    bool string(bool *escaped = nullptr)
    {
        if (at >= text.size() || text[at] != '"')
            return fail(u"expected a string"_s);
        ++at;
        bool hasEscape = false;
        while (at < text.size()) {
            const auto c = static_cast<unsigned char>(text[at]);
            if (c == '"') {
                ++at;
                if (escaped)
                    *escaped = hasEscape;
                return true;
            }
            // As lenient as QJsonDocument, which parses the slices: any character may follow a
            // backslash and control characters pass; only a \u escape needs its four hex digits.
            if (c == '\\') {
                hasEscape = true;
                if (++at >= text.size())
                    break;
                if (text[at] == 'u') {
                    for (int i = 1; i <= 4; ++i)
                        if (at + i >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[at + i])))
                            return fail(u"bad \\u escape"_s);
                    at += 4;
                }
            }
            ++at;
        }
        return fail(u"unterminated string"_s);
    }
    bool scalar()
    {
        const qsizetype start = at;
        while (at < text.size()) {
            const char c = text[at];
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.'))
                break;
            ++at;
        }
        return at > start || fail(u"expected a value"_s);
    }
    bool value(int depth)
    {
        skipSpace();
        if (at >= text.size())
            return fail(u"expected a value"_s);
        const char c = text[at];
        if (c == '"')
            return string();
        if (c != '{' && c != '[')
            return scalar();
        if (depth >= kMaxDepth)
            return fail(u"nested too deeply"_s);
        const char close = c == '{' ? '}' : ']';
        ++at;
        skipSpace();
        if (at < text.size() && text[at] == close) {
            ++at;
            return true;
        }
        for (;;) {
            if (c == '{') {
                skipSpace();
                if (!string() || !expect(':'))
                    return false;
            }
            if (!value(depth + 1))
                return false;
            skipSpace();
            if (at < text.size() && text[at] == ',') {
                ++at;
                continue;
            }
            return expect(close);
        }
    }
};

QString keyText(QByteArrayView quoted, bool escaped)
{
    if (!escaped)
        return QString::fromUtf8(quoted.sliced(1, quoted.size() - 2));
    // Rare (account ids are UUIDs): let the JSON parser undo the escapes.
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray("[") + quoted.toByteArray() + QByteArray("]"));
    return doc.array().at(0).toString();
}

} // namespace

Expected<QList<JsonMember>, DecodeError> jsonObjectMembers(QByteArrayView text)
{
    Scanner in{text, 0, {}};
    QList<JsonMember> members;
    auto failure = [&in] {
        return unexpected(DecodeError{{}, u"invalid JSON at offset %1: %2"_s.arg(in.at).arg(in.problem)});
    };
    if (!in.expect('{'))
        return failure();
    in.skipSpace();
    if (in.at < text.size() && text[in.at] == '}') {
        ++in.at;
    } else {
        for (;;) {
            in.skipSpace();
            const qsizetype keyStart = in.at;
            bool escaped = false;
            if (!in.string(&escaped))
                return failure();
            const QByteArrayView quoted = text.sliced(keyStart, in.at - keyStart);
            if (!in.expect(':'))
                return failure();
            in.skipSpace();
            const qsizetype valueStart = in.at;
            if (!in.value(1))
                return failure();
            members.append({keyText(quoted, escaped), valueStart, in.at - valueStart});
            in.skipSpace();
            if (in.at < text.size() && text[in.at] == ',') {
                ++in.at;
                continue;
            }
            if (!in.expect('}'))
                return failure();
            break;
        }
    }
    in.skipSpace();
    if (in.at != text.size()) {
        in.problem = u"text after the object"_s;
        return failure();
    }
    return members;
}

} // namespace clera
