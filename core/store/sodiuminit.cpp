#include "sodiuminit.h"

#include <sodium.h>

namespace clera {

bool ensureSodium()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

} // namespace clera
