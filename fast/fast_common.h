/*
 * fast_common.h -- what the CPU fast paths (fast/avx512.c, fast/avx2.c)
 * share: the chunk of pass 2 and the thread count of a pass.
 */
#ifndef MADA_FAST_COMMON_H
#define MADA_FAST_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fpenv.h"
#include "mada_internal.h"

/* Elements per chunk of pass 2 (a multiple of every vector width; large
 * enough that a thread's start costs nothing, small enough to balance). */
#define FAST_CHUNK ((size_t)1 << 15)

/* The threads a pass runs on: the optimizer's count (>= 1), never more than
 * there are chunks or blocks of work. */
static inline int fast_threads_for(int want, size_t items)
{
    if (want < 1)
        want = 1;
    return items < (size_t)want ? (items ? (int)items : 1) : want;
}

#endif
