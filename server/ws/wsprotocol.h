#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

// RFC 6455 pieces shared by the server transport (WsServer, WsConnection) and the hub that builds
// frames once and hands the same bytes to many connections.
namespace clera::ws {

enum class Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA
};

enum class CloseCode : quint16 {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    WrongDatatype = 1007, // text that is not UTF-8
    PolicyViolated = 1008,
    TooMuchData = 1009,
    BadOperation = 1011,
};

inline constexpr qsizetype kMaxControlPayload = 125;

// The size of an unmasked server frame header for a payload of `payloadSize` bytes: 2, 4 or 10.
[[nodiscard]] constexpr qsizetype frameHeaderSize(qsizetype payloadSize)
{
    return payloadSize < 126 ? 2 : payloadSize <= 0xFFFF ? 4 : 10;
}
// Appends a final (FIN) unmasked frame header; the caller appends exactly `payloadSize` bytes.
void appendFrameHeader(QByteArray &out, Opcode opcode, qsizetype payloadSize);
// One complete final unmasked frame: header + payload, in one allocation.
[[nodiscard]] QByteArray frame(Opcode opcode, QByteArrayView payload);
[[nodiscard]] inline QByteArray textFrame(QByteArrayView utf8)
{
    return frame(Opcode::Text, utf8);
}
// A close frame's payload: the code, then the reason cut to fit 125 bytes on a character boundary.
[[nodiscard]] QByteArray closePayload(CloseCode code, const QString &reason);

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
[[nodiscard]] bool isValidUtf8(QByteArrayView bytes);
// Close codes a peer may send (RFC 6455 7.4.1 and the registry; 1005, 1006 and 1015 never on the wire).
[[nodiscard]] bool isValidCloseCode(quint16 code);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + the RFC's GUID)).
[[nodiscard]] QByteArray acceptKey(QByteArrayView key);

// The upgrade request as far as the server needs it.
struct HandshakeRequest
{
    QString path;                                     // percent-decoded, without the query
    QByteArray query;                                 // as sent, without '?'
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-case, values trimmed

    // The value of the first header named `lowerName` (lower-case), or a null QByteArray.
    [[nodiscard]] QByteArray header(QByteArrayView lowerName) const;
    // The query item's fully decoded value, or empty.
    [[nodiscard]] QString queryItem(const QString &name) const;
};

struct HandshakeResult
{
    int status = 0;      // 101 when the connection is upgraded
    QByteArray response; // the complete HTTP response to write
    QString problem;     // why it was refused (for the log), empty on 101
    HandshakeRequest request;
};

inline constexpr qsizetype kMaxHandshakeBytes = 8 * 1024;

// Parses an HTTP/1.1 upgrade request head (everything up to and including the blank line) and answers
// it: 101 with the accept key, 400 (malformed, not GET, missing Host/Upgrade/Connection/key),
// 426 with Sec-WebSocket-Version: 13 (another version), 403 (Origin present, origins configured and this
// one not among them).
[[nodiscard]] HandshakeResult answerHandshake(QByteArrayView head, const QStringList &allowedOrigins);
// A complete HTTP error response with a short plain-text body; the connection is closed after it.
[[nodiscard]] QByteArray httpError(int status, QByteArrayView body, QByteArrayView extraHeaders = {});

} // namespace clera::ws
