#include "jsontext.h"

#include <algorithm>

namespace clera {

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    // The usual case (ids, amounts, times): printable ASCII, copied without a UTF-8 conversion.
    if (std::all_of(text.begin(), text.end(), [](QChar c) {
            return c.unicode() >= 0x20 && c.unicode() < 0x80 && c != u'"' && c != u'\\';
        })) {
        const qsizetype at = out.size();
        out.resize(at + text.size() + 2);
        char *dst = out.data() + at;
        *dst++ = '"';
        for (const QChar c : text)
            *dst++ = char(c.unicode());
        *dst = '"';
        return;
    }
    out.append('"');
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\')
            continue;
        out.append(text.mid(plainFrom, i - plainFrom).toUtf8());
        plainFrom = i + 1;
        out.append('\\');
        switch (c) {
        case u'"': out.append('"'); break;
        case u'\\': out.append('\\'); break;
        case u'\b': out.append('b'); break;
        case u'\f': out.append('f'); break;
        case u'\n': out.append('n'); break;
        case u'\r': out.append('r'); break;
        case u'\t': out.append('t'); break;
        default:
            out.append("u00");
            out.append(kHex[c >> 4]);
            out.append(kHex[c & 0xf]);
        }
    }
    out.append(text.mid(plainFrom).toUtf8());
    out.append('"');
}

} // namespace clera
