#pragma once

#include "core/domain/decimal.h"
#include "core/realtime/portfolioupdate.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace clera {

// Incremental valuation of many accounts. Symbols and accounts are interned to dense indexes; each
// symbol keeps its holders, so a tick touches only the accounts that hold the symbol:
// market value += qty × (new − old). Quantities and prices travel as integer nanos (10⁻⁹), whose
// product is exactly a Decimal's raw 10⁻¹⁸ value, so the arithmetic is exact and allocation-free.
//
// Today's return is measured against the account's day basis (finance-math.md "Today's return"):
//   day basis = Σ closeQty × previous close + dayCash
//   today     = Σ qty × last − day basis
// closeQty is what the account held at the previous close (qty − bought today + sold today) and dayCash
// the net cash today's trades spent (Σ buys − Σ sells, each at its fill price). Written out per symbol,
// today = qty × (last − close) + Σ buys q × (close − fill) + Σ sells q × (fill − close): shares bought
// today earn from their fill price, shares sold today realised fill − close, whatever lots they came
// from. A symbol sold out today stays as a holding with qty 0 and its closeQty (it needs its close);
// its account is then one of the symbol's closers, not of its holders, so its ticks skip it.
// The day basis is constant between reloads, so a tick still costs one multiply-add per holder.
class PortfolioEngine
{
public:
    struct Holding
    {
        QString symbol;
        Decimal qty; // signed; at most 9 fractional digits
        // Held at the previous close; nullopt: qty (no trade of the symbol today).
        std::optional<Decimal> closeQty = std::nullopt;
    };

    // Adds or replaces an account's cash and holdings. dayCash: the net cash today's trades spent
    // (Σ buy qty × fill price − Σ sell qty × fill price; 0 without trades today); nullopt when today's
    // trades are not known, which makes today's return unknown (null). Fails (and changes nothing) when
    // a quantity has more than 9 fractional digits. Returns the account's index.
    [[nodiscard]] Expected<int, QString> setAccount(const QString &accountId, Decimal cash,
                                                    const QList<Holding> &holdings,
                                                    std::optional<Decimal> dayCash = Decimal());
    void removeAccount(const QString &accountId);

    // Prices are kept to 9 fractional digits (rounded half-even; market prices have at most 4).
    void setPrice(const QString &symbol, Decimal price);
    void setPreviousClose(const QString &symbol, std::optional<Decimal> previousClose);
    // Hot path: applies a price by symbol index (see symbolIndex) and marks holders dirty.
    void applyPrice(int symbol, std::int64_t priceNanos);

    [[nodiscard]] int symbolIndex(const QString &symbol) const { return m_symbolIndex.value(symbol, -1); }
    [[nodiscard]] int internSymbol(const QString &symbol);
    [[nodiscard]] int accountIndex(const QString &accountId) const { return m_accountIndex.value(accountId, -1); }
    [[nodiscard]] QString accountId(int account) const { return m_accounts[size_t(account)].id; }
    [[nodiscard]] qsizetype accountCount() const { return m_accountIndex.size(); }
    [[nodiscard]] qsizetype symbolCount() const { return qsizetype(m_symbols.size()); }
    [[nodiscard]] QSet<QString> symbolsOf(const QString &accountId) const;
    [[nodiscard]] QStringList accountIds() const { return m_accountIndex.keys(); }
    // Symbols at least one account holds.
    [[nodiscard]] QStringList heldSymbols() const;
    [[nodiscard]] std::optional<Decimal> price(const QString &symbol) const;
    [[nodiscard]] std::optional<Decimal> previousClose(const QString &symbol) const;

    // The current figures of one account.
    [[nodiscard]] PortfolioUpdate snapshot(int account, Timestamp at) const;

    // Accounts whose value changed since the last call, each once.
    [[nodiscard]] std::vector<int> takeDirty();
    // Whether a change of the account lists it for takeDirty() (on for every account by default). Off
    // for accounts whose changes nobody follows, read on demand with snapshot(): a tick then costs
    // them the exact arithmetic only. Turning it back on lists nothing by itself.
    void setFollowed(int account, bool followed) { m_accounts[size_t(account)].followed = followed; }
    [[nodiscard]] bool isFollowed(int account) const { return m_accounts[size_t(account)].followed; }
    [[nodiscard]] std::uint64_t holderUpdates() const { return m_holderUpdates; }

private:
    // A symbol's holder and an account's holding point at each other (`held`, `slot`), so detaching
    // an account is a swap-and-pop per holding, independent of how many others hold the symbol.
    struct HolderRef
    {
        int account;
        std::int64_t qtyNanos;
        int held; // index in the account's holdings
    };
    struct HeldSymbol
    {
        int symbol;
        int slot; // index in the symbol's holders (closers when qtyNanos is 0)
        std::int64_t qtyNanos;
        std::int64_t closeQtyNanos; // held at the previous close
    };
    struct SymbolState
    {
        QString symbol;
        std::int64_t priceNanos = 0;
        std::int64_t previousCloseNanos = 0;
        bool hasPrice = false;
        bool hasPreviousClose = false;
        std::vector<HolderRef> holders;
        // Accounts that sold the symbol out today: no ticks for them, only its previous close.
        std::vector<HolderRef> closers;
    };
    struct AccountState
    {
        QString id;
        Decimal::Raw cash = 0;
        Decimal::Raw marketValue = 0;   // Σ qty × price over priced holdings
        Decimal::Raw previousValue = 0; // Σ closeQty × previous close over holdings with a close
        Decimal::Raw dayCash = 0;       // net cash spent on today's trades
        bool dayKnown = true;           // whether dayCash (today's trades) is known
        int unpriced = 0;               // holdings with qty ≠ 0 without a price
        int withoutClose = 0;           // holdings with closeQty ≠ 0 without a previous close
        std::vector<HeldSymbol> holdings;
        bool dirty = false;
        bool alive = false;
        bool followed = true; // see setFollowed()
    };

    void markDirty(AccountState &a, int index);
    void detachHoldings(int account);

    std::vector<SymbolState> m_symbols;
    std::vector<AccountState> m_accounts;
    std::vector<int> m_freeAccounts;
    std::vector<int> m_dirty;
    QHash<QString, int> m_symbolIndex;
    QHash<QString, int> m_accountIndex;
    std::uint64_t m_holderUpdates = 0;
};

} // namespace clera
