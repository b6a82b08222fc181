#include "portfolioengine.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

constexpr Decimal::Raw product(std::int64_t qtyNanos, std::int64_t priceNanos)
{
    return Decimal::Raw(qtyNanos) * priceNanos;
}

std::int64_t priceToNanos(Decimal price)
{
    return price.rounded(9).toNanos().value_or(0);
}

} // namespace

int PortfolioEngine::internSymbol(const QString &symbol)
{
    const auto it = m_symbolIndex.constFind(symbol);
    if (it != m_symbolIndex.cend())
        return *it;
    const int index = int(m_symbols.size());
    m_symbols.push_back(SymbolState{symbol, 0, 0, false, false, {}, {}});
    m_symbolIndex.insert(symbol, index);
    return index;
}

Expected<int, QString> PortfolioEngine::setAccount(const QString &accountId, Decimal cash,
                                                   const QList<Holding> &holdings, std::optional<Decimal> dayCash)
{
    struct Quantities
    {
        std::int64_t qty = 0;
        std::int64_t closeQty = 0;
    };
    QHash<int, Quantities> merged;
    for (const Holding &h : holdings) {
        const auto qty = h.qty.toNanos();
        if (!qty)
            return unexpected(u"quantity %1 of %2 has more than 9 fractional digits"_s.arg(h.qty.toString(), h.symbol));
        const auto closeQty = h.closeQty ? h.closeQty->toNanos() : qty;
        if (!closeQty)
            return unexpected(u"quantity at the previous close %1 of %2 has more than 9 fractional digits"_s.arg(
                h.closeQty->toString(), h.symbol));
        Quantities &q = merged[internSymbol(h.symbol)];
        q.qty += *qty;
        q.closeQty += *closeQty;
    }
    merged.removeIf([](const auto &it) { return it.value().qty == 0 && it.value().closeQty == 0; });
    const Decimal::Raw dayCashRaw = dayCash ? dayCash->raw() : 0;

    int index = accountIndex(accountId);
    if (index >= 0) {
        AccountState &existing = m_accounts[size_t(index)];
        // A reload that only confirms the holdings (the periodic recalculation) changes the cash and the
        // day's trades alone.
        const bool same = qsizetype(existing.holdings.size()) == merged.size()
                          && std::all_of(existing.holdings.cbegin(), existing.holdings.cend(), [&](const HeldSymbol &h) {
                                 const auto it = merged.constFind(h.symbol);
                                 return it != merged.cend() && it->qty == h.qtyNanos && it->closeQty == h.closeQtyNanos;
                             });
        if (same) {
            if (existing.cash != cash.raw() || existing.dayCash != dayCashRaw
                || existing.dayKnown != dayCash.has_value()) {
                existing.cash = cash.raw();
                existing.dayCash = dayCashRaw;
                existing.dayKnown = dayCash.has_value();
                markDirty(existing, index);
            }
            return index;
        }
        detachHoldings(index);
    } else {
        if (!m_freeAccounts.empty()) {
            index = m_freeAccounts.back();
            m_freeAccounts.pop_back();
        } else {
            index = int(m_accounts.size());
            m_accounts.emplace_back();
        }
        m_accountIndex.insert(accountId, index);
    }
    AccountState &a = m_accounts[size_t(index)];
    a.id = accountId;
    a.alive = true;
    a.cash = cash.raw();
    a.dayCash = dayCashRaw;
    a.dayKnown = dayCash.has_value();
    a.marketValue = 0;
    a.previousValue = 0;
    a.unpriced = 0;
    a.withoutClose = 0;
    a.holdings.clear();
    for (auto it = merged.cbegin(); it != merged.cend(); ++it) {
        SymbolState &s = m_symbols[size_t(it.key())];
        const int held = int(a.holdings.size());
        auto &list = it->qty != 0 ? s.holders : s.closers;
        a.holdings.push_back({it.key(), int(list.size()), it->qty, it->closeQty});
        list.push_back({index, it->qty, held});
        if (s.hasPrice)
            a.marketValue += product(it->qty, s.priceNanos);
        else if (it->qty != 0)
            ++a.unpriced;
        if (s.hasPreviousClose)
            a.previousValue += product(it->closeQty, s.previousCloseNanos);
        else if (it->closeQty != 0)
            ++a.withoutClose;
    }
    markDirty(a, index);
    return index;
}

void PortfolioEngine::detachHoldings(int account)
{
    for (const HeldSymbol &h : m_accounts[size_t(account)].holdings) {
        SymbolState &s = m_symbols[size_t(h.symbol)];
        auto &holders = h.qtyNanos != 0 ? s.holders : s.closers;
        const HolderRef moved = holders.back();
        holders[size_t(h.slot)] = moved;
        m_accounts[size_t(moved.account)].holdings[size_t(moved.held)].slot = h.slot;
        holders.pop_back();
    }
    m_accounts[size_t(account)].holdings.clear();
}

void PortfolioEngine::removeAccount(const QString &accountId)
{
    const int index = accountIndex(accountId);
    if (index < 0)
        return;
    detachHoldings(index);
    AccountState &a = m_accounts[size_t(index)];
    const bool queued = a.dirty; // still listed in m_dirty; keep the flag so a reuse is not listed twice
    a = AccountState{};
    a.dirty = queued;
    m_accountIndex.remove(accountId);
    m_freeAccounts.push_back(index);
}

void PortfolioEngine::markDirty(AccountState &a, int index)
{
    if (!a.dirty && a.followed) {
        a.dirty = true;
        m_dirty.push_back(index);
    }
}

void PortfolioEngine::setPrice(const QString &symbol, Decimal price)
{
    applyPrice(internSymbol(symbol), priceToNanos(price));
}

void PortfolioEngine::applyPrice(int symbol, std::int64_t priceNanos)
{
    SymbolState &s = m_symbols[size_t(symbol)];
    if (s.hasPrice) {
        const std::int64_t delta = priceNanos - s.priceNanos;
        if (delta == 0)
            return;
        s.priceNanos = priceNanos;
        for (const HolderRef &h : s.holders) {
            AccountState &a = m_accounts[size_t(h.account)];
            a.marketValue += product(h.qtyNanos, delta);
            markDirty(a, h.account);
        }
    } else {
        s.priceNanos = priceNanos;
        s.hasPrice = true;
        for (const HolderRef &h : s.holders) {
            AccountState &a = m_accounts[size_t(h.account)];
            a.marketValue += product(h.qtyNanos, priceNanos);
            --a.unpriced;
            markDirty(a, h.account);
        }
    }
    m_holderUpdates += s.holders.size();
}

void PortfolioEngine::setPreviousClose(const QString &symbol, std::optional<Decimal> previousClose)
{
    SymbolState &s = m_symbols[size_t(internSymbol(symbol))];
    const bool had = s.hasPreviousClose;
    const std::int64_t old = s.previousCloseNanos;
    const std::int64_t now = previousClose ? priceToNanos(*previousClose) : 0;
    if (had == previousClose.has_value() && old == now)
        return;
    const auto apply = [&](const HolderRef &h) {
        AccountState &a = m_accounts[size_t(h.account)];
        const std::int64_t closeQty = a.holdings[size_t(h.held)].closeQtyNanos;
        if (closeQty == 0) // bought today: measured from its fill price, not from the close
            return;
        if (had)
            a.previousValue -= product(closeQty, old);
        else
            --a.withoutClose;
        if (previousClose)
            a.previousValue += product(closeQty, now);
        else
            ++a.withoutClose;
        markDirty(a, h.account);
    };
    for (const HolderRef &h : s.holders)
        apply(h);
    for (const HolderRef &h : s.closers)
        apply(h);
    s.hasPreviousClose = previousClose.has_value();
    s.previousCloseNanos = now;
}

QSet<QString> PortfolioEngine::symbolsOf(const QString &accountId) const
{
    QSet<QString> out;
    const int index = accountIndex(accountId);
    if (index < 0)
        return out;
    for (const HeldSymbol &h : m_accounts[size_t(index)].holdings)
        out.insert(m_symbols[size_t(h.symbol)].symbol);
    return out;
}

std::optional<Decimal> PortfolioEngine::price(const QString &symbol) const
{
    const int index = symbolIndex(symbol);
    if (index < 0 || !m_symbols[size_t(index)].hasPrice)
        return std::nullopt;
    return Decimal::fromNanos(m_symbols[size_t(index)].priceNanos);
}

std::optional<Decimal> PortfolioEngine::previousClose(const QString &symbol) const
{
    const int index = symbolIndex(symbol);
    if (index < 0 || !m_symbols[size_t(index)].hasPreviousClose)
        return std::nullopt;
    return Decimal::fromNanos(m_symbols[size_t(index)].previousCloseNanos);
}

PortfolioUpdate PortfolioEngine::snapshot(int account, Timestamp at) const
{
    const AccountState &a = m_accounts[size_t(account)];
    PortfolioUpdate u;
    u.accountId = a.id;
    u.cash = Decimal::fromRaw(a.cash);
    u.timestamp = at;
    if (a.unpriced == 0) {
        u.marketValue = Decimal::fromRaw(a.marketValue);
        u.totalValue = Decimal::fromRaw(a.cash + a.marketValue);
        if (a.withoutClose == 0 && a.dayKnown) {
            // Measured against the day basis (see the class comment); the percent's base is the value
            // at the previous close with today's trades undone: cash before them + what was held then.
            const Decimal::Raw dayBasis = a.previousValue + a.dayCash;
            const Decimal today = Decimal::fromRaw(a.marketValue - dayBasis);
            const Decimal base = Decimal::fromRaw(a.cash + dayBasis);
            u.todayReturn = today;
            if (base.isPositive())
                u.todayReturnPercent = (today * Decimal(100)).checkedDiv(base);
        }
    }
    return u;
}

std::vector<int> PortfolioEngine::takeDirty()
{
    std::vector<int> out;
    out.swap(m_dirty);
    for (int index : out)
        m_accounts[size_t(index)].dirty = false;
    // Removed accounts, and accounts no longer followed since they were listed, are not reported.
    out.erase(std::remove_if(out.begin(), out.end(),
                             [this](int i) {
                                 const AccountState &a = m_accounts[size_t(i)];
                                 return !a.alive || !a.followed;
                             }),
              out.end());
    return out;
}

QStringList PortfolioEngine::heldSymbols() const
{
    QStringList out;
    for (const SymbolState &s : m_symbols)
        if (!s.holders.empty() || !s.closers.empty())
            out.append(s.symbol);
    return out;
}

} // namespace clera
