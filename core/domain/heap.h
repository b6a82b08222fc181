#pragma once

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace clera {

// Gives the heap's free pages back to the system (glibc; elsewhere nothing). After a bulk answer (every
// position of every account) is gone, the heap otherwise keeps that high-water mark — hundreds of MiB
// at 10,000 accounts × 25 positions — for the life of the process.
inline void releaseFreeHeap()
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace clera
