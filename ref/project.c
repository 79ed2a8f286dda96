/* project.c -- the projection onto a box (spec 7.1), binary32 and binary64:
 * the reference's loops (contracts: ref/project_impl.h; proof group
 * `project`, proofs/groups.conf). */
#include "mada_internal.h"

#define MADA_T float
#define MADA_TN(x) x##_f32
#include "project_loops.h"
#undef MADA_T
#undef MADA_TN

#define MADA_T double
#define MADA_TN(x) x##_f64
#include "project_loops.h"
#undef MADA_T
#undef MADA_TN

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
