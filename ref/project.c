/* project.c -- the projection onto a box (spec 7.1), binary32 and binary64:
 * the element functions and the contracts (ref/project_impl.h) and the
 * reference's loops (ref/project_loops.h); proof groups `project_leaf` and
 * `project` (proofs/groups.conf).  project_impl.h is included here and by
 * the CUDA kernel bodies only, not by mada_internal.h: its static inline
 * functions then have one definition in the proofs' call graph. */
#include "mada_internal.h"

/* MADA_LT, MADA_GT name ACSL's IEEE comparisons of the type (annotations
 * only). */
#define MADA_T float
#define MADA_TN(x) x##_f32
#define MADA_LT \lt_float
#define MADA_GT \gt_float
#include "project_impl.h"
#include "project_loops.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_LT
#undef MADA_GT

#define MADA_T double
#define MADA_TN(x) x##_f64
#define MADA_LT \lt_double
#define MADA_GT \gt_double
#include "project_impl.h"
#include "project_loops.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_LT
#undef MADA_GT

int mada_ref_project(const mada_project_t *a, size_t *bad)
{
    if (a->f32) {
        float *part[MADA_NCOEF];
        for (int k = 0; k < MADA_NCOEF; k++)
            part[k] = a->part[k];
        return mada_ref_project_f32(a->n, a->x, (float)a->lo, (float)a->hi, part, bad);
    }
    double *part[MADA_NCOEF];
    for (int k = 0; k < MADA_NCOEF; k++)
        part[k] = a->part[k];
    return mada_ref_project_f64(a->n, a->x, a->lo, a->hi, part, bad);
}
