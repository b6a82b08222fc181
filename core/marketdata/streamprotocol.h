#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace clera {

// One element of a market-data stream frame (Alpaca §5.4–5.5), reduced to what AlpacaStream uses.
struct StreamMessage
{
    enum class Kind { Success, Error, Subscription, Trade, Quote, Other };

    Kind kind = Kind::Other;
    QString type;   // the "T" discriminator as sent
    QString symbol; // trades and quotes
    QString text;   // success and error "msg"
    int code = 0;   // error code
    Decimal price;  // trade price
    Decimal bid;    // quote
    Decimal ask;
    Timestamp time;
    QStringList trades; // subscription: full current sets
    QStringList quotes;
};

// A decoded frame: the well-formed elements in order, and one line per element that was not.
struct StreamFrame
{
    QList<StreamMessage> messages;
    QStringList problems;
};

// Decodes one text frame. A frame that is not a JSON array of objects gives no messages and one
// problem; a malformed element is skipped, never guessed at.
[[nodiscard]] StreamFrame parseStreamFrame(const QByteArray &text);

// Symbol texts seen in trade frames, so that a symbol seen before costs no allocation (one per AlpacaStream).
// Bounded: past kLimit distinct symbols it starts over; a text longer than kMaxSymbolLength (no real
// symbol is) is returned as a plain copy and not kept, so a hostile feed cannot fill the table with big keys.
class SymbolTexts
{
public:
    static constexpr std::size_t kLimit = 50'000;
    static constexpr qsizetype kMaxSymbolLength = 32;
    [[nodiscard]] QString intern(QStringView symbol);
    [[nodiscard]] std::size_t size() const { return m_texts.size(); }

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::u16string_view s) const noexcept
        {
            return std::hash<std::u16string_view>{}(s);
        }
    };
    std::unordered_map<std::u16string, QString, Hash, std::equal_to<>> m_texts;
};

// The fast path for the bulk of the traffic: a frame whose elements are all well-formed trades
// ({"T":"t","S":…,"p":<number>,"t":…} plus any other scalar or scalar-array fields) is decoded straight
// from the text, without a QJsonDocument. Gives exactly what parseStreamFrame() gives for such a frame;
// anything else (control messages, quotes, escapes, nested objects, a price as a string, with an
// exponent or with more than 15 digits, a malformed element, …) gives std::nullopt and is for
// parseStreamFrame() to decode, problems included.
[[nodiscard]] std::optional<StreamFrame> parseTradeFrame(QStringView text, SymbolTexts &symbols);

[[nodiscard]] QByteArray streamAuthMessage(const QString &key, const QString &secret);
// {"action":"subscribe"|"unsubscribe","trades":[…],"quotes":[…]}; an empty list is left out.
[[nodiscard]] QByteArray streamSubscriptionMessage(bool subscribe, const QStringList &trades,
                                                   const QStringList &quotes);

// A one-line explanation of a documented stream error code ("auth failed", …), empty when unknown.
[[nodiscard]] QString streamErrorDescription(int code);

} // namespace clera
