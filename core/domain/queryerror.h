#pragma once

#include <QString>

namespace clera {

// Why a request's parameters were refused before anything was sent: which parameter, which rule.
struct QueryError
{
    enum class Kind {
        InvalidValue, // a value outside what the API accepts (period "3X", page_size 0)
        Conflict,     // parameters that cannot be combined (start + end + period, date + after)
    };
    Kind kind = Kind::InvalidValue;
    QString parameter;
    QString message;

    [[nodiscard]] QString toString() const
    {
        return parameter.isEmpty() ? message : parameter + u": " + message;
    }
};

} // namespace clera
