// Linked against every core library by tests/core/CMakeLists.txt; see the core_links_no_gui test.
#include "core/domain/decimal.h"

int main()
{
    return clera::Decimal::parse(u"1").hasValue() ? 0 : 1;
}
