#pragma once

#include "core/domain/asset.h"
#include "core/domain/decimal.h"
#include "core/domain/order.h"
#include "core/domain/timestamp.h"
#include "core/domain/transfer.h"

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QSet>
#include <QUrlQuery>

#include <functional>

namespace clera::fake {

// Alpaca's state and rules as the fake REST server serves them: accounts with cash, positions, orders,
// transfers and a small asset list. Every answer is an HTTP status and Alpaca's JSON body (decimals as
// strings, timestamps with varying fractional digits, errors as {"code","message"}).
class FakeAlpacaBook
{
public:
    struct Reply
    {
        int status = 200;
        QJsonValue body = QJsonValue(QJsonValue::Undefined); // Undefined: no body (204)
    };

    FakeAlpacaBook();

    // Test helpers.
    QString createAccount(Decimal cash, const QString &email = {});
    [[nodiscard]] bool hasAccount(const QString &accountId) const;
    [[nodiscard]] std::optional<Decimal> cash(const QString &accountId) const;
    [[nodiscard]] int orderCount(const QString &accountId) const;
    [[nodiscard]] QList<Order> ordersOf(const QString &accountId) const;
    void setLastPrice(const QString &symbol, Decimal price);
    // The symbol's previous close (positions' lastday_price; the last price when never set). Every fill
    // of the fake is today's: unrealized_intraday_pl measures today's buys from their fill price.
    void setPreviousClose(const QString &symbol, Decimal price);
    // A holding that appears without an order (a transfer in, or a benchmark's book): any symbol,
    // known to the asset list or not; adds to an existing holding.
    void seedHolding(const QString &accountId, const QString &symbol, Decimal qty, Decimal costBasis);
    [[nodiscard]] Decimal lastPrice(const QString &symbol) const;
    // QUEUED → COMPLETE: cash moves.
    void completeTransfer(const QString &accountId, const QString &transferId);
    // Told after an order is accepted ("new"), filled ("fill", with the fill's price and qty and the
    // position after it) or canceled ("canceled"); feeds FakeTradeUpdates.
    struct OrderEvent
    {
        QString accountId;
        QString event;
        Order order;
        std::optional<Decimal> price;
        std::optional<Decimal> qty;
        std::optional<Decimal> positionQty;
    };
    void setOrderObserver(std::function<void(const OrderEvent &)> observer)
    {
        m_orderObserver = std::move(observer);
    }

    // Endpoints.
    [[nodiscard]] Reply createAccount(const QJsonObject &body);
    [[nodiscard]] Reply listAccounts() const;
    [[nodiscard]] Reply accountSummary(const QString &accountId) const;
    [[nodiscard]] Reply tradingAccount(const QString &accountId) const;
    [[nodiscard]] Reply positions(const QString &accountId) const;
    [[nodiscard]] Reply allPositions() const;
    [[nodiscard]] Reply submitOrder(const QString &accountId, const QJsonObject &body);
    [[nodiscard]] Reply orders(const QString &accountId, const QUrlQuery &query) const;
    [[nodiscard]] Reply order(const QString &accountId, const QString &orderId) const;
    [[nodiscard]] Reply orderByClientOrderId(const QString &accountId, const QString &clientOrderId) const;
    [[nodiscard]] Reply cancelOrder(const QString &accountId, const QString &orderId);
    // Like Alpaca: ordered by created_at, `direction`, `limit` (default kTransferPageSize) and `offset`.
    static constexpr int kTransferPageSize = 100;
    [[nodiscard]] Reply transfers(const QString &accountId, const QUrlQuery &query = {}) const;
    [[nodiscard]] Reply createTransfer(const QString &accountId, const QJsonObject &body);
    // 204 and CANCELED while QUEUED; 422 once it has moved on; 404 unknown.
    [[nodiscard]] Reply cancelTransfer(const QString &accountId, const QString &transferId);
    [[nodiscard]] Reply assets(const QUrlQuery &query) const;
    [[nodiscard]] Reply asset(const QString &symbolOrId) const;

    [[nodiscard]] static Reply error(int status, qint64 code, const QString &message, QJsonObject extra = {});

private:
    struct Holding
    {
        QString assetId;
        Decimal qty;
        Decimal costBasis;
    };
    struct AccountState
    {
        QString id;
        QString number;
        QString email;
        Timestamp createdAt;
        Decimal cash;
        QMap<QString, Holding> holdings; // by symbol
        QList<Order> orders;             // oldest first
        QSet<QString> clientOrderIds;    // never released, even after cancel
        QList<Transfer> transfers;
    };

    [[nodiscard]] const Asset *findAsset(const QString &symbolOrId) const;
    [[nodiscard]] QJsonArray positionsJson(const AccountState &account) const;
    [[nodiscard]] Decimal marketValue(const AccountState &account) const;
    [[nodiscard]] std::optional<Reply> checkOrder(const AccountState &account, const OrderRequest &r,
                                                  const Asset *&asset) const;
    void fill(AccountState &account, Order &order, Decimal price);
    [[nodiscard]] Timestamp stamp() const;

    QMap<QString, AccountState> m_accounts; // by id
    QList<QString> m_accountOrder;
    QList<Asset> m_assets;
    QHash<QString, Decimal> m_lastPrices;
    QHash<QString, Decimal> m_previousCloses;
    mutable std::int64_t m_stampSeq = 0;
    std::function<void(const OrderEvent &)> m_orderObserver;
};

} // namespace clera::fake
