#pragma once

#include <QtGlobal>

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

// For a long-running server whose periodic bulk loads allocate and free hundreds of MiB: blocks from
// 128 KiB up always get their own mapping (returned to the system when freed) and the heap top is trimmed
// from 128 KiB. glibc otherwise raises its mmap threshold to the size of the largest block freed (up to
// 32 MiB), so the next bulk answers land in the heap between long-lived objects. (At 10,000 × 25 with a
// reload every 30 s the resident size still grows by about 5 MiB per reload with these settings: the cause
// is open, docs/performance.md.) An explicit GLIBC_TUNABLES setting wins.
inline void configureHeapForLongRuns()
{
#ifdef __GLIBC__
    if (qEnvironmentVariableIsSet("GLIBC_TUNABLES"))
        return;
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
}

} // namespace clera
