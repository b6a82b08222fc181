#include "storeerror.h"

using namespace Qt::StringLiterals;

namespace clera {

QString StoreError::kindName() const
{
    switch (kind) {
    case Kind::Unavailable:
        return u"unavailable"_s;
    case Kind::Migration:
        return u"migration"_s;
    case Kind::Conflict:
        return u"conflict"_s;
    case Kind::NotFound:
        return u"not_found"_s;
    case Kind::Invalid:
        return u"invalid"_s;
    case Kind::Query:
        break;
    }
    return u"query"_s;
}

} // namespace clera
