#pragma once

#include "core/domain/decimal.h"
#include "core/domain/timestamp.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

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

[[nodiscard]] QByteArray streamAuthMessage(const QString &key, const QString &secret);
// {"action":"subscribe"|"unsubscribe","trades":[…],"quotes":[…]}; an empty list is left out.
[[nodiscard]] QByteArray streamSubscriptionMessage(bool subscribe, const QStringList &trades,
                                                   const QStringList &quotes);

// A one-line explanation of a documented stream error code ("auth failed", …), empty when unknown.
[[nodiscard]] QString streamErrorDescription(int code);

} // namespace clera
