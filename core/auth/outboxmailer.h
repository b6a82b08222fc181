#pragma once

#include "core/auth/mailer.h"

namespace clera {

// Writes each mail as an RFC 5322 .eml file (mode 0600) into a folder (created 0700), for set-ups
// without SMTP: the operator reads the verification and reset links there.
class OutboxMailer : public Mailer
{
public:
    explicit OutboxMailer(QString folder, QString from = QStringLiteral("Clera <no-reply@clera.invalid>"));

    [[nodiscard]] Expected<std::monostate, MailError> send(const MailMessage &message) override;
    [[nodiscard]] QString describe() const override;
    [[nodiscard]] QString folder() const { return m_folder; }

private:
    QString m_folder;
    QString m_from;
};

} // namespace clera
