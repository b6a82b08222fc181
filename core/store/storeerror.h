#pragma once

#include <QString>

#include <variant>

namespace clera {

using Done = std::monostate;

// A failure of the store, with a closed kind the services can branch on. The message is for logs and
// operators; it never contains a password, token or key.
struct StoreError
{
    enum class Kind {
        Unavailable, // cannot connect or open
        Migration,   // schema cannot be brought to this program's version
        Conflict,    // a unique or foreign-key constraint refused the write
        NotFound,
        Invalid, // bad argument or settings
        Query    // any other database error
    };
    Kind kind = Kind::Query;
    QString message;

    [[nodiscard]] QString kindName() const;
};

} // namespace clera
