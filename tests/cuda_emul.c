/*
 * cuda_emul.c -- the CUDA backend's kernel bodies (fast/cuda/cuda_impl.h)
 * run on the host, as a backend the differential suite (test_fast.c)
 * compares with the reference like any other (issue 11): the decomposition
 * of pass 1 into lanes, lane trees and block totals, the first offending
 * element found by a minimum over lanes, pass 2's stores and its running
 * maximum through the bits of max(v', vbar').
 *
 * What a GPU does concurrently is run here in an order no sequential
 * reference would use (threads from the last to the first, and pass 2 in a
 * strided permutation), so a result that depended on the order of the
 * threads would differ.  The device's arithmetic is not exercised here:
 * that is make gpu-check's, on a machine with a GPU.  The differential
 * fuzzer (fuzz/fuzz_diff.c) runs it too.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"

/* The emulation as a backend (declared in tests/testutil.h too). */
extern const mada_backend_ops mada_cuda_emul_ops;

#define MADA_T float
#define MADA_TN(x) x##_f32
#include "project_impl.h"
#include "cuda_impl.h"
#undef MADA_T
#undef MADA_TN
#define MADA_T double
#define MADA_TN(x) x##_f64
#include "project_impl.h"
#include "cuda_impl.h"
#undef MADA_T
#undef MADA_TN

/* Pass 2's thread order: i = (j * stride) mod n for j = 0 .. n - 1, stride
 * odd and coprime with n (a permutation), so neighbours run far apart. */
static size_t stride_for(size_t n)
{
    size_t s = n / 3 | 1;
    while (s > 1) {
        size_t a = n, b = s;
        while (b) {
            const size_t r = a % b;
            a = b;
            b = r;
        }
        if (a == 1)
            break;
        s += 2;
    }
    return s ? s : 1;
}

#define EMUL(T, SFX)                                                                        \
    static int emul_pass1_##SFX(const mada_pass1_t *p, double H[MADA_NCOEF], size_t *bad)    \
    {                                                                                        \
        mada_cuda_p1_##SFX a;                                                                \
        memset(&a, 0, sizeof a);                                                             \
        a.n = p->n;                                                                          \
        a.nblocks = (p->n + MADA_RED_BLOCK - 1) / MADA_RED_BLOCK;                            \
        a.x = (const T *)p->x;                                                               \
        a.g = (const T *)p->g;                                                               \
        for (int k = 0; k < MADA_NCOEF; k++)                                                 \
            a.part[k] = (const T *)p->part[k];                                               \
        a.gbound = mada_grad_bound(p->compat_first);                                         \
        a.lanes = malloc((a.nblocks + 1) * MADA_NCOEF * MADA_RED_LANES * sizeof(double));    \
        a.blocksums = malloc((a.nblocks + 1) * MADA_NCOEF * sizeof(double));                 \
        if (!a.lanes || !a.blocksums)                                                        \
            abort();                                                                         \
        size_t min_g = p->n, min_x = p->n; /* the device's atomicMin */                      \
        for (size_t tid = a.nblocks * MADA_RED_LANES; tid-- > 0;) {                          \
            size_t bg, bx;                                                                   \
            mada_cuda_lane_##SFX(tid, &a, &bg, &bx);                                         \
            min_g = bg < min_g ? bg : min_g;                                                 \
            min_x = bx < min_x ? bx : min_x;                                                 \
        }                                                                                    \
        int rc = MADA_OK;                                                                    \
        if (min_g < p->n) {                                                                  \
            *bad = min_g;                                                                    \
            rc = MADA_E_GRAD;                                                                \
        } else if (min_x < p->n) {                                                           \
            *bad = min_x;                                                                    \
            rc = MADA_E_PARAM;                                                               \
        } else {                                                                             \
            for (size_t tid = a.nblocks * MADA_NCOEF; tid-- > 0;)                            \
                mada_cuda_tree_##SFX(tid, &a);                                               \
            for (int k = MADA_NCOEF; k-- > 0;)                                               \
                if (a.part[k])                                                               \
                    H[k] = a.nblocks ? mada_cuda_total_##SFX(k, &a) : 0.0;                   \
        }                                                                                    \
        free(a.lanes);                                                                       \
        free(a.blocksums);                                                                   \
        return rc;                                                                           \
    }                                                                                        \
    static T emul_kernel_##SFX(const mada_kargs_##SFX *a, mada_scalars_##SFX s)              \
    {                                                                                        \
        uint64_t m = 0; /* the device's atomicMax over the bits */                           \
        const size_t stride = stride_for(a->n);                                              \
        size_t i = 0;                                                                        \
        for (size_t j = 0; j < a->n; j++) {                                                  \
            const uint64_t b = mada_cuda_elem_##SFX(i, a, s);                                \
            m = b > m ? b : m;                                                               \
            i = (i + stride) % a->n;                                                         \
        }                                                                                    \
        return mada_cuda_unbits_##SFX(m);                                                    \
    }

EMUL(float, f32)
EMUL(double, f64)

/* The projection: every thread's check (the minimum of the results, as the
 * device's atomicMin), then every element in pass 2's permuted order. */
#define EMUL_PROJ(T, SFX)                                                                   \
    static int emul_project_##SFX(const mada_project_t *p, size_t *bad)                     \
    {                                                                                        \
        mada_cuda_proj_##SFX a;                                                              \
        a.n = p->n;                                                                          \
        a.x = (T *)p->x;                                                                     \
        a.lo = (T)p->lo;                                                                     \
        a.hi = (T)p->hi;                                                                     \
        for (int k = 0; k < MADA_NCOEF; k++)                                                 \
            a.part[k] = (T *)p->part[k];                                                     \
        size_t first = p->n;                                                                 \
        for (size_t i = p->n; i-- > 0;) {                                                    \
            const size_t b = mada_cuda_proj_check_##SFX(i, &a);                              \
            first = b < first ? b : first;                                                   \
        }                                                                                    \
        if (first < p->n) {                                                                  \
            *bad = first;                                                                    \
            return MADA_E_PARAM;                                                             \
        }                                                                                    \
        const size_t stride = stride_for(p->n);                                              \
        size_t i = 0;                                                                        \
        for (size_t j = 0; j < p->n; j++) {                                                  \
            mada_cuda_proj_elem_##SFX(i, &a);                                                \
            i = (i + stride) % p->n;                                                         \
        }                                                                                    \
        return MADA_OK;                                                                      \
    }

EMUL_PROJ(float, f32)
EMUL_PROJ(double, f64)

static int emul_project(const mada_project_t *p, size_t *bad)
{
    return p->f32 ? emul_project_f32(p, bad) : emul_project_f64(p, bad);
}

const mada_backend_ops mada_cuda_emul_ops = {
    MADA_BACKEND_CUDA, emul_pass1_f32, emul_pass1_f64, emul_kernel_f32, emul_kernel_f64,
    emul_project,
};
