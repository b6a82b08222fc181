#pragma once

#include "core/domain/expected.h"

#include <QString>

#include <variant>

namespace clera {

struct MailMessage
{
    QString to;
    QString subject;
    QString body; // plain text, UTF-8
};

struct MailError
{
    QString message; // never contains the message body (it may carry a token)
};

// Sends account mails (verification, password reset). Two implementations: OutboxMailer (files an
// operator can read) and, later, SMTP.
class Mailer
{
public:
    virtual ~Mailer() = default;
    [[nodiscard]] virtual Expected<std::monostate, MailError> send(const MailMessage &message) = 0;
    // For start-up logs: where the mail goes ("outbox /var/lib/clera/outbox", "smtp …").
    [[nodiscard]] virtual QString describe() const = 0;
};

} // namespace clera
