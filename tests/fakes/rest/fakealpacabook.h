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
    [[nodiscard]] Decimal lastPrice(const QString &symbol) const;
    // QUEUED → COMPLETE: cash moves.
    void completeTransfer(const QString &accountId, const QString &transferId);

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
    [[nodiscard]] Reply transfers(const QString &accountId) const;
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
    mutable std::int64_t m_stampSeq = 0;
};

} // namespace clera::fake
