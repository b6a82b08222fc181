#include "wsprotocol.h"

#include <QCryptographicHash>
#include <QUrl>
#include <QUrlQuery>

#include <cstring>

using namespace Qt::StringLiterals;

namespace clera::ws {

namespace {

const QByteArray kGuid = QByteArrayLiteral("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");

bool isTokenChar(char c)
{
    // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

// Whether the comma-separated header value lists `token` (case-insensitive).
bool listsToken(QByteArrayView value, QByteArrayView token)
{
    qsizetype from = 0;
    while (from <= value.size()) {
        qsizetype comma = value.indexOf(',', from);
        if (comma < 0)
            comma = value.size();
        if (value.sliced(from, comma - from).trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        from = comma + 1;
    }
    return false;
}

HandshakeResult refuse(int status, const QString &problem, QByteArrayView extraHeaders = {})
{
    HandshakeResult result;
    result.status = status;
    result.problem = problem;
    result.response = httpError(status, problem.toUtf8(), extraHeaders);
    return result;
}

} // namespace

void appendFrameHeader(QByteArray &out, Opcode opcode, qsizetype payloadSize)
{
    out.append(char(0x80 | quint8(opcode)));
    if (payloadSize < 126) {
        out.append(char(payloadSize));
    } else if (payloadSize <= 0xFFFF) {
        out.append(char(126));
        out.append(char((payloadSize >> 8) & 0xFF));
        out.append(char(payloadSize & 0xFF));
    } else {
        out.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.append(char((quint64(payloadSize) >> shift) & 0xFF));
    }
}

QByteArray frame(Opcode opcode, QByteArrayView payload)
{
    QByteArray out;
    out.reserve(frameHeaderSize(payload.size()) + payload.size());
    appendFrameHeader(out, opcode, payload.size());
    out.append(payload);
    return out;
}

QByteArray closePayload(CloseCode code, const QString &reason)
{
    QByteArray out;
    out.append(char(quint16(code) >> 8));
    out.append(char(quint16(code) & 0xFF));
    QByteArray text = reason.toUtf8();
    if (text.size() > kMaxControlPayload - 2) {
        qsizetype cut = kMaxControlPayload - 2;
        while (cut > 0 && (quint8(text.at(cut)) & 0xC0) == 0x80) // not inside a character
            --cut;
        text.truncate(cut);
    }
    out.append(text);
    return out;
}

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const quint8 *>(bytes.data());
    const auto *const end = p + bytes.size();
    while (p < end) {
        // ASCII runs, eight bytes at a time.
        while (end - p >= 8) {
            quint64 word;
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const quint8 c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int more;
        quint32 cp;
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            cp = c & 0x07;
        } else {
            return false; // continuation byte first, 0xC0/0xC1 (overlong) or above U+10FFFF
        }
        if (end - p <= more)
            return false;
        for (int i = 1; i <= more; ++i) {
            const quint8 b = p[i];
            if ((b & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
            return false;
        if (more == 3 && (cp < 0x10000 || cp > 0x10FFFF))
            return false;
        p += more + 1;
    }
    return true;
}

bool isValidCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

QByteArray acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(kGuid);
    return sha1.result().toBase64();
}

QByteArray HandshakeRequest::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

QString HandshakeRequest::queryItem(const QString &name) const
{
    return QUrlQuery(QString::fromUtf8(query)).queryItemValue(name, QUrl::FullyDecoded);
}

QByteArray httpError(int status, QByteArrayView body, QByteArrayView extraHeaders)
{
    QByteArray reason;
    switch (status) {
    case 400:
        reason = "Bad Request";
        break;
    case 403:
        reason = "Forbidden";
        break;
    case 426:
        reason = "Upgrade Required";
        break;
    case 431:
        reason = "Request Header Fields Too Large";
        break;
    default:
        reason = "Error";
        break;
    }
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                     "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                     QByteArray::number(body.size() + 1) + "\r\nConnection: close\r\n";
    out.append(extraHeaders);
    out.append("\r\n");
    out.append(body);
    out.append('\n');
    return out;
}

HandshakeResult answerHandshake(QByteArrayView head, const QStringList &allowedOrigins)
{
    if (head.size() > kMaxHandshakeBytes)
        return refuse(431, u"request head larger than %1 bytes"_s.arg(kMaxHandshakeBytes));
    if (!head.endsWith("\r\n\r\n"))
        return refuse(400, u"incomplete request head"_s);
    head.chop(4);
    HandshakeRequest request;
    bool first = true;
    QByteArrayView method, target;
    for (qsizetype from = 0; from <= head.size();) {
        qsizetype eol = head.indexOf("\r\n", from);
        if (eol < 0)
            eol = head.size();
        const QByteArrayView line = head.sliced(from, eol - from);
        from = eol + 2;
        if (line.contains('\n') || line.contains('\r') || line.contains('\0'))
            return refuse(400, u"bad line ending"_s);
        if (first) {
            first = false;
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 <= sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0)
                return refuse(400, u"malformed request line"_s);
            method = line.first(sp1);
            target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
            if (line.sliced(sp2 + 1) != "HTTP/1.1")
                return refuse(400, u"HTTP/1.1 required"_s);
            continue;
        }
        if (line.isEmpty() || line.front() == ' ' || line.front() == '\t')
            return refuse(400, u"malformed header"_s);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refuse(400, u"malformed header"_s);
        const QByteArrayView name = line.first(colon);
        for (const char c : name) {
            if (!isTokenChar(c))
                return refuse(400, u"malformed header name"_s);
        }
        request.headers.append(
            {name.toByteArray().toLower(), line.sliced(colon + 1).trimmed().toByteArray()});
    }
    if (method != "GET")
        return refuse(400, u"a WebSocket upgrade is a GET"_s);
    if (!target.startsWith('/'))
        return refuse(400, u"the request target must be a path"_s);
    const qsizetype question = target.indexOf('?');
    const QByteArrayView pathPart = question < 0 ? target : target.first(question);
    request.path = QUrl::fromPercentEncoding(pathPart.toByteArray());
    if (question >= 0)
        request.query = target.sliced(question + 1).toByteArray();

    int hosts = 0;
    for (const auto &header : std::as_const(request.headers))
        hosts += header.first == "host" ? 1 : 0;
    if (hosts != 1 || request.header("host").isEmpty())
        return refuse(400, u"exactly one Host header required"_s);
    if (!request.header("transfer-encoding").isNull() ||
        (!request.header("content-length").isNull() && request.header("content-length") != "0"))
        return refuse(400, u"a WebSocket upgrade has no body"_s);
    if (!listsToken(request.header("upgrade"), "websocket"))
        return refuse(400, u"Upgrade: websocket required"_s);
    if (!listsToken(request.header("connection"), "upgrade"))
        return refuse(400, u"Connection: Upgrade required"_s);
    const QByteArray version = request.header("sec-websocket-version");
    if (version.isNull())
        return refuse(400, u"Sec-WebSocket-Version required"_s);
    if (version != "13")
        return refuse(426, u"only WebSocket version 13 is supported"_s, "Sec-WebSocket-Version: 13\r\n");
    const QByteArray key = request.header("sec-websocket-key");
    const auto decoded = QByteArray::fromBase64Encoding(key, QByteArray::AbortOnBase64DecodingErrors);
    if (key.size() != 24 || !decoded || decoded.decoded.size() != 16)
        return refuse(400, u"Sec-WebSocket-Key must be 16 bytes in base64"_s);
    // Browsers send Origin; when origins are configured, a page from elsewhere cannot connect.
    const QByteArray origin = request.header("origin");
    if (!allowedOrigins.isEmpty() && !origin.isEmpty() && !allowedOrigins.contains(QString::fromUtf8(origin)))
        return refuse(403, u"origin not allowed"_s);

    HandshakeResult result;
    result.status = 101;
    result.response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: " +
                      acceptKey(key) + "\r\n\r\n";
    result.request = std::move(request);
    return result;
}

} // namespace clera::ws
