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

#define MADA_T float
#define MADA_TN(x) x##_f32
#define MADA_SQRT sqrtf
#include "element_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_SQRT

#define MADA_T double
#define MADA_TN(x) x##_f64
#define MADA_SQRT sqrt
#include "element_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_SQRT

/* Spec 6.1: block length and lane count of the canonical reduction. */
#define MADA_RED_BLOCK 4096u
#define MADA_RED_LANES 16u

/* ---- Per-step scalars (spec 4): ref/scalars.c, the one definition ---------- */
/* Coefficients and settings from which a step's scalars are computed. */
typedef struct {
    double q[MADA_NCOEF];
    uint64_t t;          /* this step's index, >= 1 */
    double eps, lb1, lb2;
    double lr, lambda;
} mada_scalar_inputs;

/* The binary64 values of spec 4 (the f64 kernel uses them as they are). */
void mada_scalars_compute(const mada_scalar_inputs *in, mada_scalars_f64 *out);
/* Round each binary64 scalar once to binary32. */
void mada_scalars_round_f32(const mada_scalars_f64 *in, mada_scalars_f32 *out);

/* ---- Kernel arguments ------------------------------------------------------- */
/* One step over n elements.  gp_in is what the kernel reads as the previous
 * gradient (the state array, or g itself at t = 1, spec 9); every new gp is
 * written to gp.  part[k] is NULL when partial k is not stored. */
#define MADA_KARGS(T, SFX)                                                  \
    typedef struct {                                                        \
        size_t n;                                                           \
        T *x;                                                               \
        const T *g;                                                         \
        const T *gp_in;                                                     \
        T *gp, *m, *v, *vb, *nn, *l;                                        \
        T *part[MADA_NCOEF];                                                \
        mada_scalars_##SFX s;                                               \
        int vbar_max;                                                       \
        int lion_compat;                                                    \
    } mada_kargs_##SFX;
MADA_KARGS(float, f32)
MADA_KARGS(double, f64)
#undef MADA_KARGS

/* ---- Backends ---------------------------------------------------------------- */
typedef struct {
    mada_backend id;
    int (*available)(void);
    /* One step; returns the largest v and vbar stored. */
    float (*kernel_f32)(const mada_kargs_f32 *a);
    double (*kernel_f64)(const mada_kargs_f64 *a);
    /* Canonical reduction of spec 6.1: sum_i g_i * p_i. */
    double (*reduce_f32)(const float *g, const float *p, size_t n);
    double (*reduce_f64)(const double *g, const double *p, size_t n);
} mada_backend_ops;

/* The scalar reference (ref/kernels.c). */
float mada_ref_kernel_f32(const mada_kargs_f32 *a);
double mada_ref_kernel_f64(const mada_kargs_f64 *a);
double mada_ref_reduce_f32(const float *g, const float *p, size_t n);
double mada_ref_reduce_f64(const double *g, const double *p, size_t n);

/* fast/dispatch.c: the ops of backend b, or NULL if unknown or unavailable. */
const mada_backend_ops *mada_backend_ops_get(mada_backend b);

/* ---- Hyper-optimizer (spec 6.2): ref/hyper.c -------------------------------- */
/* Momentum state of one coefficient. */
typedef struct {
    double buf;
    int started;        /* buf holds a value (first finite h seen) */
} mada_hyper_buf;

/* Apply one hyper-gradient h to coefficient *q.  Returns 1 if applied, 0 if
 * h was not finite (then *q and *b are unchanged). */
int mada_hyper_apply(double *q, mada_hyper_buf *b, double h, double eta, double mu,
                     double lo, double hi, double hclip);

/* ---- Validation (spec 8): ref/validate.c ------------------------------------ */
/* Domain of coefficient k: [0, BETA_MAX] for the betas, [0, 1] otherwise. */
double mada_coef_domain_hi(int k);
/* 1 if coefficient k may take value v under cfg: in its domain and, when it
 * learns, in its [lo, hi]. */
int mada_coef_ok(const mada_config *cfg, int k, double v);
/* Index of the first element outside |a[i]| <= bound (NaN and infinities
 * included), or n if none. */
size_t mada_first_outside_f32(const float *a, size_t n, double bound);
size_t mada_first_outside_f64(const double *a, size_t n, double bound);

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
    const mada_backend_ops *be;
    char err[200];
    size_t err_index;
};

/* ref/optimizer.c: allocate the element storage of opt (n, dtype, cfg set;
 * partials for learning coefficients only), initialised for t = 0; on failure
 * nothing stays allocated.  And release it. */
int mada_opt_alloc_arrays(mada_opt *opt);
void mada_opt_free_arrays(mada_opt *opt);

/* 1 if any coefficient learns (eta > 0). */
int mada_any_learning(const mada_config *cfg);

#endif /* MADA_INTERNAL_H */
