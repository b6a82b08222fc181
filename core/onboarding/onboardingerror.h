#pragma once

#include <QList>
#include <QString>

namespace clera {

// One problem with one field of an application, named by its path in the step's JSON
// ("identity.visa_type", "agreements[1].agreement"). The message is safe to show and never holds the value.
struct FieldError
{
    QString field;
    QString message;

    friend bool operator==(const FieldError &, const FieldError &) = default;
};

// Why an onboarding call failed, with a closed kind the REST layer maps to a status.
struct OnboardingError
{
    enum class Kind {
        Invalid,     // field errors (400)
        Refused,     // the broker answered and refused the application; back to the draft (422)
        Conflict,    // not editable in this state, email already registered at the broker (409)
        Unavailable, // the broker could not be reached or answered ambiguously; retry (502)
        Internal     // the store failed (500)
    };
    Kind kind = Kind::Internal;
    QString code; // stable machine code, e.g. validation_failed, application_submitted
    QString message;
    QList<FieldError> fields;
};

} // namespace clera
