#pragma once

#include "fakeaccountdata.h"
#include "fakealpacabook.h"
#include "fakefault.h"
#include "fakeonboarding.h"

#include <QHttpServer>
#include <QJsonDocument>
#include <QList>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <memory>

class QHttpServerRequest;
class QHttpServerResponder;

namespace clera::fake {

// A local Alpaca for tests: the Broker REST API under /v1 (HTTP Basic) and the Trading REST API under
// /v2 (APCA-API-KEY-ID / APCA-API-SECRET-KEY) on 127.0.0.1 and a free port, over one FakeAlpacaBook.
// It records every request and injects faults (429, 5xx, slow and lost answers) on demand.
class FakeAlpacaRest : public QObject
{
    Q_OBJECT
public:
    struct Credentials
    {
        QString keyId;
        QString secret;
    };
    struct RecordedRequest
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;

        [[nodiscard]] QByteArray header(const QByteArray &name) const;
        [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    explicit FakeAlpacaRest(QObject *parent = nullptr);
    ~FakeAlpacaRest() override;

    // 127.0.0.1 on `port` (0: a free one); returns the bound port, 0 when it cannot listen.
    [[nodiscard]] quint16 listen(quint16 port = 0);
    [[nodiscard]] QUrl baseUrl() const;

    [[nodiscard]] const Credentials &brokerCredentials() const { return m_broker; }
    [[nodiscard]] const Credentials &tradingCredentials() const { return m_trading; }
    void setBrokerCredentials(const Credentials &c) { m_broker = c; }
    void setTradingCredentials(const Credentials &c) { m_trading = c; }

    [[nodiscard]] FakeAlpacaBook &book() { return m_book; }
    // Portfolio history, activities, clock and calendar over the book.
    [[nodiscard]] FakeAccountData &accountData() { return m_accountData; }
    // Account applications, ACH relationships, account status events (see FakeOnboarding).
    [[nodiscard]] FakeOnboarding &onboarding() { return m_onboarding; }
    // A funded ACTIVE account; the first one seeded is also the Trading API's own account.
    QString seedAccount(Decimal cash);
    void setTradingAccountId(const QString &id) { m_tradingAccountId = id; }
    [[nodiscard]] QString tradingAccountId() const { return m_tradingAccountId; }
    // QUEUED → COMPLETE after this many ms (default 0: on the next event-loop turn).
    void setTransferDelay(int ms) { m_transferDelayMs = ms; }

    void injectFault(const FakeFault &fault) { m_faults.append(fault); }
    void clearFaults() { m_faults.clear(); }

    [[nodiscard]] const QList<RecordedRequest> &requests() const { return m_requests; }
    [[nodiscard]] QList<RecordedRequest> requests(const QByteArray &method,
                                                  const QString &pathContains) const;
    void clearRequests() { m_requests.clear(); }

private:
    using Reply = FakeAlpacaBook::Reply;

    void dispatch(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    [[nodiscard]] std::optional<FakeFault> takeFault(const QByteArray &method, const QString &path);
    [[nodiscard]] Reply route(const QByteArray &method, const QString &path, const QUrlQuery &query,
                              const QByteArray &body);
    [[nodiscard]] Reply routeTrading(const QByteArray &method, const QString &accountId,
                                     const QStringList &rest, const QUrlQuery &query,
                                     const QJsonObject &body);
    [[nodiscard]] Reply routeAssets(const QByteArray &method, const QStringList &rest,
                                    const QUrlQuery &query);
    [[nodiscard]] bool authorized(const QHttpServerRequest &request, bool brokerApi) const;
    void write(const Reply &reply, QHttpServerResponder &&responder, const FakeFault *fault = nullptr);
    void scheduleTransfer(const QString &accountId, const Reply &created);

    QHttpServer m_server;
    quint16 m_port = 0;
    FakeAlpacaBook m_book;
    FakeAccountData m_accountData{m_book};
    FakeOnboarding m_onboarding{m_book};
    Credentials m_broker{QStringLiteral("PKBROKERKEY0001"), QStringLiteral("broker-secret-0001")};
    Credentials m_trading{QStringLiteral("PKTRADINGKEY001"), QStringLiteral("trading-secret-0001")};
    QString m_tradingAccountId;
    int m_transferDelayMs = 0;
    QList<FakeFault> m_faults;
    QList<RecordedRequest> m_requests;
    int m_rateLimitRemaining = 200;
    // Responders of answers that are delayed or never sent, kept until their connection ends.
    QList<std::shared_ptr<QHttpServerResponder>> m_held;
};

} // namespace clera::fake
