#pragma once

#include "core/domain/decimal.h"
#include "core/domain/order.h"

#include <QString>

// Small helpers shared by the realtime tests.
namespace clera::test {

inline Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

inline OrderRequest marketOrder(const QString &symbol, const char *qty, OrderSide side)
{
    OrderRequest r;
    r.symbol = symbol;
    r.qty = dec(qty);
    r.side = side;
    return r;
}

} // namespace clera::test
