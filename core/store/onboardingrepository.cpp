#include "onboardingrepository.h"

#include "core/store/database.h"
#include "core/store/storetime.h"

#include <QJsonDocument>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace clera {

namespace {

const QString kColumns =
    u"user_id, state, steps, tax_id_cipher, tax_id_last4, date_of_birth_cipher, broker, broker_account_id, "
    "broker_status, submission_id, submit_attempts, error_code, error_message, created_at, updated_at, "
    "submitted_at, checked_at"_s;

// The authenticated context: a value copied to another row or column does not decrypt.
QString contextOf(const QString &column, const QString &userId)
{
    return u"onboarding_applications.%1:%2"_s.arg(column, userId);
}

} // namespace

QString OnboardingRecord::taxIdLast4() const
{
    QString compact = taxId;
    compact.remove(u'-').remove(u' ');
    return compact.right(4);
}

Expected<std::optional<OnboardingRecord>, StoreError>
OnboardingRepository::one(const QString &where, const QVariantList &binds) const
{
    auto q = m_db.exec(u"SELECT %1 FROM onboarding_applications WHERE %2"_s.arg(kColumns, where), binds);
    if (!q)
        return unexpected(q.error());
    if (!q->next())
        return std::optional<OnboardingRecord>();
    OnboardingRecord r;
    r.userId = q->value(0).toString();
    r.state = q->value(1).toString();
    r.steps = QJsonDocument::fromJson(q->value(2).toString().toUtf8()).object();
    for (const auto &[column, index, target] :
         {std::tuple{u"tax_id"_s, 3, &r.taxId}, std::tuple{u"date_of_birth"_s, 5, &r.dateOfBirth}}) {
        const QString stored = q->value(index).toString();
        if (stored.isEmpty())
            continue;
        const auto clear = m_cipher.decrypt(stored, contextOf(column, r.userId));
        if (!clear)
            return unexpected(
                StoreError{StoreError::Kind::Invalid,
                           u"cannot decrypt onboarding_applications.%1 (wrong CLERA_DATA_KEY?): %2"_s.arg(
                               column, clear.error().message)});
        *target = *clear;
    }
    r.broker = q->value(6).toString();
    r.brokerAccountId = q->value(7).toString();
    r.brokerStatus = q->value(8).toString();
    r.submissionId = q->value(9).toString();
    r.submitAttempts = q->value(10).toInt();
    r.errorCode = q->value(11).toString();
    r.errorMessage = q->value(12).toString();
    r.createdAt = fromStoreTime(q->value(13));
    r.updatedAt = fromStoreTime(q->value(14));
    r.submittedAt = optionalStoreTime(q->value(15));
    r.checkedAt = optionalStoreTime(q->value(16));
    return std::optional<OnboardingRecord>(std::move(r));
}

Expected<std::optional<OnboardingRecord>, StoreError> OnboardingRepository::find(const QString &userId) const
{
    return one(u"user_id = ?"_s, {userId});
}

Expected<std::optional<OnboardingRecord>, StoreError>
OnboardingRepository::findByBrokerAccount(const QString &broker, const QString &brokerAccountId) const
{
    return one(u"broker = ? AND broker_account_id = ?"_s, {broker, brokerAccountId});
}

Expected<Done, StoreError> OnboardingRepository::save(const OnboardingRecord &r)
{
    QVariant taxId;
    QVariant dateOfBirth;
    for (const auto &[column, clear, target] :
         {std::tuple{u"tax_id"_s, &r.taxId, &taxId},
          std::tuple{u"date_of_birth"_s, &r.dateOfBirth, &dateOfBirth}}) {
        if (clear->isEmpty()) {
            *target = QVariant(QMetaType::fromType<QString>());
            continue;
        }
        const auto sealed = m_cipher.encrypt(*clear, contextOf(column, r.userId));
        if (!sealed)
            return unexpected(StoreError{
                StoreError::Kind::Invalid,
                u"cannot encrypt onboarding_applications.%1: %2"_s.arg(column, sealed.error().message)});
        *target = *sealed;
    }
    const QString steps = QString::fromUtf8(QJsonDocument(r.steps).toJson(QJsonDocument::Compact));
    const QVariantList values{r.state,
                              steps,
                              taxId,
                              bindNullableText(r.taxIdLast4()),
                              dateOfBirth,
                              bindNullableText(r.broker),
                              bindNullableText(r.brokerAccountId),
                              bindNullableText(r.brokerStatus),
                              bindNullableText(r.submissionId),
                              r.submitAttempts,
                              bindNullableText(r.errorCode),
                              bindNullableText(r.errorMessage),
                              toStoreTime(r.updatedAt),
                              bindStoreTime(r.submittedAt),
                              bindStoreTime(r.checkedAt)};
    return m_db.transaction([&]() -> Expected<Done, StoreError> {
        auto exists = m_db.exec(u"SELECT 1 FROM onboarding_applications WHERE user_id = ?"_s, {r.userId});
        if (!exists)
            return unexpected(exists.error());
        if (exists->next()) {
            QVariantList binds = values;
            binds.append(r.userId);
            auto q = m_db.exec(
                u"UPDATE onboarding_applications SET state = ?, steps = ?, tax_id_cipher = ?, tax_id_last4 = "
                u"?, "
                "date_of_birth_cipher = ?, broker = ?, broker_account_id = ?, broker_status = ?, "
                "submission_id = ?, submit_attempts = ?, error_code = ?, error_message = ?, updated_at = ?, "
                "submitted_at = ?, checked_at = ? WHERE user_id = ?"_s,
                binds);
            if (!q)
                return unexpected(q.error());
            return Done{};
        }
        QVariantList binds{r.userId};
        binds += values;
        binds.append(toStoreTime(r.createdAt.isValid() ? r.createdAt : r.updatedAt));
        auto q = m_db.exec(
            u"INSERT INTO onboarding_applications (user_id, state, steps, tax_id_cipher, tax_id_last4, "
            "date_of_birth_cipher, broker, broker_account_id, broker_status, submission_id, submit_attempts, "
            "error_code, error_message, updated_at, submitted_at, checked_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
            binds);
        if (!q)
            return unexpected(q.error());
        return Done{};
    });
}

Expected<QStringList, StoreError> OnboardingRepository::pendingUsers() const
{
    auto q =
        m_db.exec(u"SELECT user_id FROM onboarding_applications WHERE state IN ('submitting', 'submitted', "
                  "'action_required', 'approved') ORDER BY updated_at"_s);
    if (!q)
        return unexpected(q.error());
    QStringList out;
    while (q->next())
        out.append(q->value(0).toString());
    return out;
}

} // namespace clera
