#pragma once

#include "fakealpacabook.h"
#include "fakealpacaevents.h"

#include "core/domain/achrelationship.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

namespace clera::fake {

// The Broker API's onboarding and bank-linking endpoints for FakeAlpacaRest (reference §3.1–3.3, 3.7):
// account applications validated like Alpaca, SUBMITTED → APPROVED → ACTIVE (or the sandbox fixture
// status) with account status events, get/list/patch/close, ACH relationships (QUEUED → APPROVED) and
// transfer cancellation. An applied-for account is a FakeAlpacaBook account, so once ACTIVE the trading
// and transfer routes serve it; before that they answer as for an account without a trading account.
// A tax id is checked and then dropped: it is never stored or returned.
class FakeOnboarding : public QObject
{
    Q_OBJECT
public:
    using Reply = FakeAlpacaBook::Reply;

    explicit FakeOnboarding(FakeAlpacaBook &book, QObject *parent = nullptr);
    ~FakeOnboarding() override;

    // Account status events are published here (path /v1/events/accounts/status) when attached.
    void attachEvents(FakeAlpacaEvents *events);
    // Delay of each account status step and of an ACH approval (default 0: the next event-loop turn).
    void setStatusDelay(int ms) { m_statusDelayMs = ms; }
    void setAchApprovalDelay(int ms) { m_achDelayMs = ms; }

    // Test helpers.
    [[nodiscard]] QString status(const QString &accountId) const; // "" for an unknown account
    void setStatus(const QString &accountId, const QString &status);

    // Answers the requests it serves; nullopt for the others (FakeAlpacaRest routes them on).
    // `segments` is the path split on '/', e.g. {"v1", "accounts", "<id>"}.
    [[nodiscard]] std::optional<Reply> route(const QByteArray &method, const QStringList &segments,
                                             const QUrlQuery &query, const QJsonObject &body);

private:
    struct Application
    {
        QString id;
        QJsonObject profile; // the application as sent, without identity.tax_id
        QString status;
        QString targetStatus;
        Timestamp createdAt;
        QJsonArray documents; // as returned: id, type, signed URL
        QList<AchRelationship> relationships;
    };

    [[nodiscard]] Reply create(const QJsonObject &body);
    [[nodiscard]] Reply list(const QUrlQuery &query) const;
    [[nodiscard]] Reply get(const QString &accountId) const;
    [[nodiscard]] Reply patch(const QString &accountId, const QJsonObject &body);
    [[nodiscard]] Reply close(const QString &accountId);
    [[nodiscard]] Reply relationships(const QString &accountId, const QUrlQuery &query) const;
    [[nodiscard]] Reply createRelationship(const QString &accountId, const QJsonObject &body);
    [[nodiscard]] Reply deleteRelationship(const QString &accountId, const QString &relationshipId);
    [[nodiscard]] std::optional<Reply> checkTransfer(const QString &accountId, const QJsonObject &body) const;

    // The full Account object; the book's summary for accounts seeded without an application.
    [[nodiscard]] QJsonObject accountJson(const QString &accountId) const;
    [[nodiscard]] Application &applicationFor(const QString &accountId);
    [[nodiscard]] bool isInactive(const QString &accountId) const;
    void advance(const QString &accountId);
    void moveTo(Application &a, const QString &status);
    void approveLater(const QString &accountId, const QString &relationshipId);

    FakeAlpacaBook &m_book;
    QPointer<FakeAlpacaEvents> m_events;
    QHash<QString, Application> m_applications; // by account id
    int m_statusDelayMs = 0;
    int m_achDelayMs = 0;
};

} // namespace clera::fake
