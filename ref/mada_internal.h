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

/* The lean parts of spec 5.1 in force (1) or not (0), one field per row of
 * its table (include/mada.h, MADA_LEAN_*): the element kernel evaluates the
 * replaced lines of each part in force, and the kernel neither reads nor
 * stores the arrays it drops. */
typedef struct {
    int adan;      /* no Adan term: gh = g, N = mh; n, gp dropped        */
    int lion;      /* no Lion term: upd = q; l dropped                   */
    int avg;       /* no average: P = v1; vbar dropped                   */
    int yogi;      /* no Yogi term: gt2 = gh2                            */
    int lion_only; /* Lion only: upd = sgn(u); m, v, vbar, n, gp dropped */
} mada_lean;

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
 * A state array a lean configuration drops (spec 5.1) is NULL, and lean
 * says which lines replace the full ones.  part[k] is the array of n
 * partials of coefficient k when it learns, else NULL (docs/DECISIONS.md
 * D6); the kernel writes them only when partials is set (the step stores
 * partials for the next one).  The step's scalars are a separate
 * argument of the kernel, passed by value (the proof of mada_step()'s
 * composition needs them out of this struct, proofs/README.md, "The array
 * loop"). */
#define MADA_KARGS(T, SFX)                                                  \
    typedef struct {                                                        \
        size_t n;                                                           \
        T *x;                                                               \
        const T *g;                                                         \
        T *gp, *m, *v, *vb, *nn, *l;                                        \
        T *part[MADA_NCOEF];                                                \
        int partials; /* this step stores partials into the part[k] present */ \
        int nthreads; /* threads a fast backend may use (>= 1)            */ \
        void *dev;    /* the CUDA backend's context (NULL on the CPU)     */ \
        int vbar_max;                                                       \
        int lion_compat;                                                    \
        mada_lean lean;                                                     \
    } mada_kargs_##SFX;
MADA_KARGS(float, f32)
MADA_KARGS(double, f64)
#undef MADA_KARGS

/* ---- ACSL text shared by the kernel's contracts ------------------------------
 * Macros expanded inside annotations (Frama-C preprocesses them; the
 * compiler never sees them in code).  They name MADA_TN, so each expands for
 * the type of the template that uses it (ref/kernel_pred.h,
 * ref/kernel_impl.h, proofs/domain_harness_impl.h).  An absent array (NULL,
 * spec 5.1) has no facts: each fact is "P == NULL or ...".  The arrays are named x, g,
 * gp, m, v, vb, nn, l (the kernel's parameter names) unless a macro takes
 * them as arguments. */
/* The assigns clauses of the kernel name an array's elements whether or not
 * the array is present: an upper bound (nothing is written through an absent
 * array), which keeps them free of conditionals. */
#define MADA_ALL(P, N) (P)[0 .. (N) - 1]
#define MADA_AT(P, I) (P)[I]
#define MADA_ARR(P, A, B, LO, HI) \
    ((P) == \null || (\forall integer k; (A) <= k < (B) ==> MADA_TN(mada_fin)((P)[k], LO, HI)))
/* An array of n elements, present (valid) or absent. */
#define MADA_VALID_OPT(P, N) ((P) == \null || \valid((P) + (0 .. (N) - 1)))
/* Two of the optimizer's arrays, present or absent: separate allocations
 * (so a store to one never touches the other; stated on the base addresses,
 * which the provers compare directly: proofs/README.md, "The array loop"). */
#define MADA_DISTINCT(P, Q) ((P) == \null || (Q) == \null || \base_addr(P) != \base_addr(Q))
/* An array P, present or absent, disjoint from the caller's x and g. */
#define MADA_APART_XG(P, N) \
    ((P) == \null || (\separated((P) + (0 .. (N) - 1), x + (0 .. (N) - 1)) && \
                      \separated((P) + (0 .. (N) - 1), g + (0 .. (N) - 1))))
/* The caller's x and g (n elements, disjoint) and the six state arrays:
 * each state array disjoint from x and g, and a separate allocation from the
 * others. */
#define MADA_STATE_SEPARATED(N) \
    (\separated(x + (0 .. (N) - 1), g + (0 .. (N) - 1)) && \
     MADA_APART_XG(gp, N) && MADA_APART_XG(m, N) && MADA_APART_XG(v, N) && \
     MADA_APART_XG(vb, N) && MADA_APART_XG(nn, N) && MADA_APART_XG(l, N) && \
     MADA_DISTINCT(gp, m) && MADA_DISTINCT(gp, v) && MADA_DISTINCT(gp, vb) && MADA_DISTINCT(gp, nn) && \
     MADA_DISTINCT(gp, l) && MADA_DISTINCT(m, v) && MADA_DISTINCT(m, vb) && MADA_DISTINCT(m, nn) && \
     MADA_DISTINCT(m, l) && MADA_DISTINCT(v, vb) && MADA_DISTINCT(v, nn) && MADA_DISTINCT(v, l) && \
     MADA_DISTINCT(vb, nn) && MADA_DISTINCT(vb, l) && MADA_DISTINCT(nn, l))
/* A partial array P, present or absent: valid, disjoint from x and g, a
 * separate allocation from the state arrays (partial arrays may share
 * storage with each other: nothing proved depends on their values). */
#define MADA_PART_OK(P, N) \
    (MADA_VALID_OPT(P, N) && MADA_APART_XG(P, N) && \
     MADA_DISTINCT(P, gp) && MADA_DISTINCT(P, m) && MADA_DISTINCT(P, v) && MADA_DISTINCT(P, vb) && \
     MADA_DISTINCT(P, nn) && MADA_DISTINCT(P, l))
/* An object A (the kernel argument struct) disjoint from every array. */
#define MADA_STRUCT_SEPARATED(A, N) \
    (\separated(A, x + (0 .. (N) - 1)) && \separated(A, g + (0 .. (N) - 1)) && \
     ((gp) == \null || \separated(A, gp + (0 .. (N) - 1))) && \
     ((m) == \null || \separated(A, m + (0 .. (N) - 1))) && \
     ((v) == \null || \separated(A, v + (0 .. (N) - 1))) && \
     ((vb) == \null || \separated(A, vb + (0 .. (N) - 1))) && \
     ((nn) == \null || \separated(A, nn + (0 .. (N) - 1))) && \
     ((l) == \null || \separated(A, l + (0 .. (N) - 1))))
/* x, g and the six state arrays valid (writable except g). */
#define MADA_STATE_VALID(N) \
    (\valid(x + (0 .. (N) - 1)) && \valid_read(g + (0 .. (N) - 1)) && \
     MADA_VALID_OPT(gp, N) && MADA_VALID_OPT(m, N) && MADA_VALID_OPT(v, N) && \
     MADA_VALID_OPT(vb, N) && MADA_VALID_OPT(nn, N) && MADA_VALID_OPT(l, N))
/* The inputs of a step in the domain (include/mada.h, mada_internal.h), one
 * clause per array (whole clauses: KW is requires or ensures). */
#define MADA_IN_DOMAIN_KW(KW, N, X, G, GP, M, V, VB, NN, L) \
    KW in_x: \forall integer k; 0 <= k < (N) ==> MADA_TN(mada_fin)((X)[k], -MADA_XMAX, MADA_XMAX); \
    KW in_g: \forall integer k; 0 <= k < (N) ==> MADA_TN(mada_fin)((G)[k], -MADA_GMAX, MADA_GMAX); \
    KW in_gp: MADA_ARR(GP, 0, N, -MADA_GMAX, MADA_GMAX); \
    KW in_m: MADA_ARR(M, 0, N, -MADA_S_MAX, MADA_S_MAX); \
    KW in_v: MADA_ARR(V, 0, N, 0.0, MADA_V_MAX); \
    KW in_vb: MADA_ARR(VB, 0, N, 0.0, MADA_V_MAX); \
    KW in_n: MADA_ARR(NN, 0, N, -MADA_S_MAX, MADA_S_MAX); \
    KW in_l: MADA_ARR(L, 0, N, -MADA_S_MAX, MADA_S_MAX);
#define MADA_IN_DOMAIN(N, X, G, GP, M, V, VB, NN, L) \
    MADA_IN_DOMAIN_KW(requires, N, X, G, GP, M, V, VB, NN, L)
#define MADA_ENSURES_IN_DOMAIN(N, X, G, GP, M, V, VB, NN, L) \
    MADA_IN_DOMAIN_KW(ensures, N, X, G, GP, M, V, VB, NN, L)
/* The facts the array loop carries while it stores element i, one clause per
 * array (KW: requires, ensures or loop invariant).  For x, v and vbar,
 * whose stored values have another domain than their inputs, elements
 * 0 .. D-1 are stored (x finite; v and vbar at most VM) and D .. n-1 not yet
 * (in the input domain), D being i or i + 1 as the stores of element i
 * proceed; gp, m, n and l have one domain for inputs and outputs, stated
 * over the whole array; g is read from element I on. */
#define MADA_PHASE(KW, I, DX, DV, DVB, VM) \
    KW done_x: \forall integer k; 0 <= k < (DX) ==> \is_finite(x[k]); \
    KW todo_x: \forall integer k; (DX) <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX); \
    KW todo_g: \forall integer k; (I) <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX); \
    KW all_gp: MADA_ARR(gp, 0, n, -MADA_GMAX, MADA_GMAX); \
    KW all_m: MADA_ARR(m, 0, n, -MADA_S_MAX, MADA_S_MAX); \
    KW done_v: MADA_ARR(v, 0, DV, 0.0, VM); \
    KW todo_v: MADA_ARR(v, DV, n, 0.0, MADA_V_MAX); \
    KW done_vb: MADA_ARR(vb, 0, DVB, 0.0, VM); \
    KW todo_vb: MADA_ARR(vb, DVB, n, 0.0, MADA_V_MAX); \
    KW all_nn: MADA_ARR(nn, 0, n, -MADA_S_MAX, MADA_S_MAX); \
    KW all_l: MADA_ARR(l, 0, n, -MADA_S_MAX, MADA_S_MAX);

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
/* Pass 1 of a step (spec 7 steps 1 and 2): the value checks of g and x
 * (spec 8), fused in the fast backends with the canonical reductions
 * (spec 6.1) of g against the partials of each learning coefficient when
 * the step updates coefficients. */
typedef struct {
    size_t n;
    const void *x, *g;               /* n elements of the optimizer's type       */
    int compat_first;                /* the first step in compat mode: |g| is
                                        checked against mada_grad_bound(1)      */
    const void *part[MADA_NCOEF];    /* partials to reduce against g, or NULL     */
    int nthreads;                    /* threads a fast backend may use (>= 1)     */
    double *blocksums;               /* scratch: MADA_NCOEF doubles per block of
                                        MADA_RED_BLOCK elements                  */
    void *dev;                       /* the CUDA backend's context, or NULL       */
} mada_pass1_t;

/* A projection (spec 7.1): x and the partials have n elements of the
 * optimizer's type (f32: binary32, else binary64); lo and hi are values of
 * that type (mada_project() checks it). */
typedef struct {
    size_t n;
    int f32;
    void *x;
    double lo, hi;
    void *part[MADA_NCOEF];          /* the partials of learning q, or NULL     */
    void *dev;                       /* the CUDA backend's context, or NULL     */
} mada_project_t;

typedef struct {
    mada_backend id;
    /* Pass 1: MADA_OK with H[k] = sum_i g_i part[k]_i (spec 6.1) for each
     * non-NULL part[k]; or MADA_E_GRAD / MADA_E_PARAM with *bad the first
     * offending element (g is checked before x), H unchanged. */
    int (*pass1_f32)(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad);
    int (*pass1_f64)(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad);
    /* Pass 2, one step (spec 5, 5.1, 6); returns the largest v and vbar
     * stored. */
    float (*kernel_f32)(const mada_kargs_f32 *a, mada_scalars_f32 s);
    double (*kernel_f64)(const mada_kargs_f64 *a, mada_scalars_f64 s);
    /* The projection onto [lo, hi] (spec 7.1): MADA_OK with x clamped and
     * the present partials zeroed where x was outside; or MADA_E_PARAM with
     * *bad the first non-finite x, nothing written (or MADA_E_BACKEND). */
    int (*project)(const mada_project_t *a, size_t *bad);
} mada_backend_ops;

/* The CPU fast paths (fast/avx512.c, fast/avx2.c); call their functions
 * only where fast/dispatch.c found the ISA. */
extern const mada_backend_ops mada_avx512_ops, mada_avx2_ops;

/* The CUDA backend's host side (fast/cuda/mada_cuda.cu; fast/cuda/cuda_none.c
 * when the library is built without nvcc).  Its passes take device
 * pointers and the context in the arguments' dev field.  Every function
 * returns MADA_OK or an error whose text mada_cuda_take_error() (or the
 * why buffer) gives. */
extern const mada_backend_ops mada_cuda_ops;
int mada_cuda_ctx_new(void **ctx, int device, size_t n, char *why, size_t cap);
void mada_cuda_ctx_free(void *ctx);
void mada_cuda_set_stream(void *ctx, void *stream);
const char *mada_cuda_take_error(void *ctx);
int mada_cuda_alloc(void *ctx, void **p, size_t bytes);
void mada_cuda_free(void *p);
int mada_cuda_fill(void *ctx, void *p, size_t n, int f32, double value);
/* MADA_OK if p (the caller's buffer `name`) is device memory of ctx's device
 * or managed memory; else MADA_E_BACKEND and the reason in why (cap bytes). */
int mada_cuda_check_ptr(void *ctx, const void *p, const char *name, char *why, size_t cap);
int mada_cuda_download(void *ctx, void *host, const void *dev, size_t bytes);
int mada_cuda_upload(void *ctx, void *dev, const void *host, size_t bytes);
int mada_cuda_setup(void *ctx, int f32, size_t n, const void *g, void *gp, void *nn);

/* The scalar reference (ref/kernels.c). */
float mada_ref_kernel_f32(const mada_kargs_f32 *a, mada_scalars_f32 s);
double mada_ref_kernel_f64(const mada_kargs_f64 *a, mada_scalars_f64 s);
double mada_ref_reduce_f32(const float *g, const float *p, size_t n);
double mada_ref_reduce_f64(const double *g, const double *p, size_t n);
/* ref/project.c: the projection of the CPU backends (host memory). */
int mada_ref_project(const mada_project_t *a, size_t *bad);
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
    mada_lean lean;                      /* lean parts in force (spec 5.1),
                                            decided at creation               */
    void *arr[MADA_NARR];                /* element state, n elements each;
                                            NULL where lean drops the array   */
    void *part[MADA_NCOEF];              /* partials of learning q, else NULL  */
    const mada_backend_ops *be;
    void *cuda;                          /* the CUDA context: the arrays are
                                            device memory (mada_create_cuda) */
    int nthreads;                        /* threads of a fast backend's step  */
    double *blocksums;                   /* pass 1 scratch: MADA_NCOEF doubles
                                            per block of MADA_RED_BLOCK       */
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

/* ref/optimizer.c: allocate the element storage of opt (n, dtype, cfg and
 * lean set: the state arrays lean keeps, partials for learning coefficients
 * only), initialised for t = 0; on failure nothing stays allocated.  And
 * release it. */
int mada_opt_alloc_arrays(mada_opt *opt);
void mada_opt_free_arrays(mada_opt *opt);

/* The state arrays (MADA_ARR_*) a lean optimizer keeps, as a bit mask
 * (spec 5.1). */
unsigned mada_lean_arrays(mada_lean ln);
/* fast/dispatch.c: the thread count of a new optimizer: MADA_NUM_THREADS if
 * set (MADA_E_CONFIG if it is not a count in [1, MADA_MAX_THREADS]), else
 * OpenMP's maximum. */
#define MADA_MAX_THREADS 1024
int mada_threads_default(int *nthreads);

/* The MADA_LEAN_* mask of lean parts, and back. */
unsigned mada_lean_mask(mada_lean ln);
mada_lean mada_lean_from_mask(unsigned mask);

#endif /* MADA_INTERNAL_H */
