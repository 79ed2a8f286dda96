/*
 * mada_internal.h -- definitions shared by the reference, the fast paths and
 * the API layer: the element kernel for both types, the per-step scalars, the
 * kernel arguments, the backend table and the optimizer object.
 * Not installed; include/mada.h is the public interface.
 */
#ifndef MADA_INTERNAL_H
#define MADA_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "mada.h"

/* The state domain the proofs keep (docs/DECISIONS.md D1): |m|, |n|, |l| <=
 * S_MAX is preserved by every step; v and vbar are kept <= V_MAX by a check
 * in mada_step() of the largest value the previous step stored.  IB_MAX
 * bounds the bias corrections 1/(1 - beta^t) <= 2^20 with the rounding of
 * their computation. */
#define MADA_S_MAX  0x1p54
#define MADA_V_MAX  0x1p100
#define MADA_IB_MAX 0x1.0001p20
/* Compat mode starts n at g_1^2 (spec 9): the first gradient must then obey
 * g_1^2 <= MADA_S_MAX. */
#define MADA_COMPAT_G1_MAX 0x1p27

#if defined(__CUDACC__)
#define MADA_HD __host__ __device__
#else
#define MADA_HD
#endif

/* MADA_EQ names ACSL's IEEE equality of the type; only annotations use it. */
#define MADA_T float
#define MADA_TN(x) x##_f32
#define MADA_SQRT sqrtf
#define MADA_EQ \eq_float
#include "element_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_SQRT
#undef MADA_EQ

#define MADA_T double
#define MADA_TN(x) x##_f64
#define MADA_SQRT sqrt
#define MADA_EQ \eq_double
#include "element_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_SQRT
#undef MADA_EQ

/* Spec 6.1: block length and lane count of the canonical reduction. */
#define MADA_RED_BLOCK 4096u
#define MADA_RED_LANES 16u

#include "scalars.h"

/* ---- Kernel arguments ------------------------------------------------------- */
/* One step over n elements.  The kernel reads the previous gradient from gp
 * and writes g there (at t = 1 mada_step() first copies g into gp, spec 9).
 * part[] is all NULL when no partial is stored this step; otherwise every
 * part[k] is an array of n elements, those of coefficients that do not learn
 * pointing to one shared scratch array (docs/DECISIONS.md D6).  The step's
 * scalars are a separate argument of the kernel, passed by value (the proof
 * of mada_step()'s composition needs them out of this struct,
 * proofs/README.md, "The array loop"). */
#define MADA_KARGS(T, SFX)                                                  \
    typedef struct {                                                        \
        size_t n;                                                           \
        T *x;                                                               \
        const T *g;                                                         \
        T *gp, *m, *v, *vb, *nn, *l;                                        \
        T *part[MADA_NCOEF];                                                \
        int vbar_max;                                                       \
        int lion_compat;                                                    \
    } mada_kargs_##SFX;
MADA_KARGS(float, f32)
MADA_KARGS(double, f64)
#undef MADA_KARGS

#define MADA_T float
#define MADA_TN(x) x##_f32
#include "kernel_pred.h"
#undef MADA_T
#undef MADA_TN
#define MADA_T double
#define MADA_TN(x) x##_f64
#include "kernel_pred.h"
#undef MADA_T
#undef MADA_TN

/* ---- Backends ---------------------------------------------------------------- */
typedef struct {
    mada_backend id;
    int (*available)(void);
    /* One step; returns the largest v and vbar stored. */
    float (*kernel_f32)(const mada_kargs_f32 *a, mada_scalars_f32 s);
    double (*kernel_f64)(const mada_kargs_f64 *a, mada_scalars_f64 s);
    /* Canonical reduction of spec 6.1: sum_i g_i * p_i. */
    double (*reduce_f32)(const float *g, const float *p, size_t n);
    double (*reduce_f64)(const double *g, const double *p, size_t n);
} mada_backend_ops;

/* The scalar reference (ref/kernels.c). */
float mada_ref_kernel_f32(const mada_kargs_f32 *a, mada_scalars_f32 s);
double mada_ref_kernel_f64(const mada_kargs_f64 *a, mada_scalars_f64 s);
double mada_ref_reduce_f32(const float *g, const float *p, size_t n);
double mada_ref_reduce_f64(const double *g, const double *p, size_t n);
/* Spec 9, t = 1: gp[i] = g[i] (the previous gradient is g_1 itself). */
void mada_first_gp_f32(size_t n, const float *g, float *gp);
void mada_first_gp_f64(size_t n, const double *g, double *gp);
/* Spec 9 compat, t = 1: n[i] = g[i] * g[i]. */
void mada_compat_init_n_f32(size_t n, const float *g, float *nn);
void mada_compat_init_n_f64(size_t n, const double *g, double *nn);

/* fast/dispatch.c: the ops of backend b, or NULL if unknown or unavailable. */
const mada_backend_ops *mada_backend_ops_get(mada_backend b);

#include "hyper.h"
#include "validate.h"

/* ---- State file checksum: ref/crc64.c ---------------------------------------- */
/* CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones), as an
 * update: crc = mada_crc64(crc, p, len), starting from crc = 0. */
uint64_t mada_crc64(uint64_t crc, const void *p, size_t len);

/* ---- The optimizer object ----------------------------------------------------- */
enum { MADA_ARR_M, MADA_ARR_V, MADA_ARR_VB, MADA_ARR_N, MADA_ARR_GP, MADA_ARR_L,
       MADA_NARR };

struct mada_opt {
    size_t n;
    mada_dtype dtype;
    size_t esz;                          /* bytes per element                 */
    mada_config cfg;                     /* cfg.coef holds the current q      */
    uint64_t t;                          /* completed steps                   */
    double lr_prev;                      /* alpha_{t}, for the next hyper step */
    mada_hyper_buf hb[MADA_NCOEF];
    double hypergrad[MADA_NCOEF];
    uint64_t hyper_steps, skipped, skipped_coef[MADA_NCOEF];
    int part_valid;                      /* partials of step t are stored      */
    double vmax;                         /* largest v, vbar stored (checked <= MADA_V_MAX) */
    void *arr[MADA_NARR];                /* element state, n elements each     */
    void *part[MADA_NCOEF];              /* partials of learning q, else NULL  */
    void *part_sink;                     /* scratch for the partials of the
                                            others, when some but not all learn */
    const mada_backend_ops *be;
    char *err;                           /* diagnostic of the last call, sized
                                            to fit (never truncated)          */
    size_t err_cap;                      /* bytes allocated at err            */
    size_t err_index;
};

/* Initial size of the diagnostic buffer (it grows as a message needs). */
#define MADA_ERR_MIN 256u

/* ref/optimizer.c: set opt's diagnostic (printf-style) and its element index
 * (SIZE_MAX if none); returns status.  And clear it. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int mada_fail(mada_opt *opt, int status, size_t index, const char *fmt, ...);
void mada_clear_error(mada_opt *opt);

/* ref/optimizer.c: allocate the element storage of opt (n, dtype, cfg set;
 * partials for learning coefficients only), initialised for t = 0; on failure
 * nothing stays allocated.  And release it. */
int mada_opt_alloc_arrays(mada_opt *opt);
void mada_opt_free_arrays(mada_opt *opt);

/* 1 if any coefficient learns (eta > 0). */
int mada_any_learning(const mada_config *cfg);

#endif /* MADA_INTERNAL_H */
