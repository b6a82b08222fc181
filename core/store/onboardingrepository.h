#pragma once

#include "core/domain/expected.h"
#include "core/store/fieldcipher.h"
#include "core/store/storeerror.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace clera {

class Database;

// A user's brokerage application: the draft of each step and, once submitted, the broker account and
// its status. The tax id and the date of birth are held in clear only in memory; the table keeps them
// encrypted (FieldCipher, bound to the column and the user) plus the tax id's last four characters.
struct OnboardingRecord
{
    QString userId;
    QString state =
        QStringLiteral("draft"); // draft submitting submitted action_required approved rejected active closed
    QJsonObject steps;   // step name → the saved object, without identity.tax_id and identity.date_of_birth
    QString taxId;       // clear text, never stored as such
    QString dateOfBirth; // YYYY-MM-DD, clear text, never stored as such
    QString broker;
    QString brokerAccountId;
    QString brokerStatus; // the broker's own status word (SUBMITTED, ACTION_REQUIRED, …)
    QString submissionId; // the same on every retry of one submission
    int submitAttempts = 0;
    QString errorCode; // the last submission failure, if any
    QString errorMessage;
    QDateTime createdAt;
    QDateTime updatedAt;
    std::optional<QDateTime> submittedAt;
    std::optional<QDateTime> checkedAt; // last status read from the broker

    // The tax id's last four characters ("" without a tax id): what may be shown.
    [[nodiscard]] QString taxIdLast4() const;
};

// The onboarding_applications table: one application per user.
class OnboardingRepository
{
public:
    OnboardingRepository(Database &db, FieldCipher cipher) : m_db(db), m_cipher(std::move(cipher)) {}

    [[nodiscard]] Expected<std::optional<OnboardingRecord>, StoreError> find(const QString &userId) const;
    [[nodiscard]] Expected<std::optional<OnboardingRecord>, StoreError>
    findByBrokerAccount(const QString &broker, const QString &brokerAccountId) const;
    // Inserts or replaces the user's application.
    [[nodiscard]] Expected<Done, StoreError> save(const OnboardingRecord &record);
    // Users whose application waits for the broker (submitting, submitted, action_required, approved).
    [[nodiscard]] Expected<QStringList, StoreError> pendingUsers() const;

private:
    [[nodiscard]] Expected<std::optional<OnboardingRecord>, StoreError> one(const QString &where,
                                                                            const QVariantList &binds) const;

    Database &m_db;
    FieldCipher m_cipher;
};

} // namespace clera
