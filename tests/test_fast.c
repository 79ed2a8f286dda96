/*
 * test_fast.c -- the differential suites: every fast backend available on
 * this machine against the reference, bit for bit (issues 10 and 11):
 * AVX-512 and AVX2; the CUDA kernel bodies run on the host
 * (tests/cuda_emul.c, "cuda-emul"); and, in a suite of its own that is
 * inactive (SKIPPED, with the reason) where no CUDA device is usable, the
 * CUDA backend on device 0 ("cuda": a CUDA optimizer stepped with device
 * copies of the same inputs, its state copied back for the comparison).
 *
 * Compared after every step: the status and the offending index, the
 * parameters, every state array, the stored partials, the coefficients and
 * the hyper-gradients h_q (binary64, from the six canonical sums); and pass 1
 * on its own: the six sums H_q and the first offending element.  Over
 * lengths around every vector width and block boundary, buffer offsets 0 to
 * 15 elements, the special points lean and full, random interior and
 * learning coefficients, boundary inputs (signed zeros, subnormals, the
 * smallest normal, GMAX, XMAX, huge and tiny v, ties gh2 == v, u == 0), bad
 * inputs anywhere, thread counts 1, 2, 3 and 7, and 1000-step learning runs.
 *
 * Each target prints one line: cases compared, mismatches (make verify
 * reads it).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* What is compared with the reference. */
typedef struct {
    const char *name;            /* as printed                                  */
    mada_backend id;             /* mada_set_backend()'s, for a CPU optimizer   */
    const mada_backend_ops *ops; /* installed as is (the emulation), or NULL    */
    int cuda;                    /* a CUDA optimizer on device 0                */
} target;

static const target targets[] = {
    {"avx512", MADA_BACKEND_AVX512, NULL, 0},
    {"avx2", MADA_BACKEND_AVX2, NULL, 0},
    {"cuda-emul", MADA_BACKEND_REF, &mada_cuda_emul_ops, 0},
    {"cuda", MADA_BACKEND_CUDA, NULL, 1},
};
#define NTARGET (sizeof targets / sizeof targets[0])
#define CPU_TARGETS 0x7u /* the first suite's: avx512, avx2, cuda-emul */
#define GPU_TARGETS 0x8u /* the CUDA suite's */

/* Runs, steps compared and mismatches per target over the whole run. */
static unsigned long long cases_of[NTARGET], steps_of[NTARGET], mism_of[NTARGET];
static size_t current; /* the target index of the run in progress */

/* 1 if target b can run here; else 0 and the reason in why. */
static int target_available(size_t b, char *why, size_t cap)
{
    if (targets[b].cuda)
        return mada_cuda_status(0, why, cap) == MADA_OK;
    if (targets[b].ops || mada_backend_available(targets[b].id))
        return 1;
    snprintf(why, cap, "this CPU lacks it");
    return 0;
}

/* The targets of mask that can run here. */
static unsigned runnable(unsigned mask)
{
    unsigned r = 0;
    char why[200];
    for (size_t b = 0; b < NTARGET; b++)
        if (((mask >> b) & 1u) && target_available(b, why, sizeof why))
            r |= 1u << b;
    return r;
}

/* Boundary values of the gradient domain, and of the parameters. */
static double boundary_g(rng_t *r, mada_dtype d)
{
    const double tiny = d == MADA_F32 ? 0x1p-149 : 0x1p-1074;
    const double minnorm = d == MADA_F32 ? 0x1p-126 : 0x1p-1022;
    const double vals[] = {0.0, -0.0, tiny, -tiny, 3 * tiny, minnorm, -minnorm, MADA_GMAX,
                           -MADA_GMAX, 1.0, -1.0, 0x1p-70, 1e-20, 0x1p31};
    const uint64_t u = rng_u64(r);
    if (u % 3 == 0)
        return vals[(u >> 8) % (sizeof vals / sizeof vals[0])];
    return rng_logmag(r, d == MADA_F32 ? -140 : -1000, 32) * ((u >> 16) % 7 == 0 ? 1e-30 : 1.0);
}

static double boundary_x(rng_t *r, mada_dtype d)
{
    const double tiny = d == MADA_F32 ? 0x1p-149 : 0x1p-1074;
    const double vals[] = {0.0, -0.0, tiny, -tiny, MADA_XMAX, -MADA_XMAX, 1.0, 0x1p90};
    const uint64_t u = rng_u64(r);
    if (u % 3 == 0)
        return vals[(u >> 8) % (sizeof vals / sizeof vals[0])];
    return rng_logmag(r, -40, 60);
}

/* Inputs of a step: kind 0 ordinary, 1 boundary values, 2 boundary values
 * with ties gh2 == v (v set to fl(g*g) where that is a finite state), 3 one
 * bad element (NaN, infinite or too large, in g or x) at a random place. */
enum { IN_PLAIN, IN_BOUNDARY, IN_TIES, IN_BAD };

typedef struct {
    mada_opt *o[2];   /* reference, target */
    void *x[2];       /* the parameters, each at the offset of its buffer */
    void *xbuf[2];
    void *g, *gbuf;
    void *dx, *dg;    /* a CUDA target's device copies of x[1] and g */
    void *dxbuf, *dgbuf;
    size_t n;
    mada_dtype d;
} pair;

/* Device memory of o's device, for a CUDA target. */
static void *dev_alloc(mada_opt *o, size_t bytes)
{
    void *p = NULL;
    CU_ASSERT_FATAL(mada_cuda_alloc(o->cuda, &p, bytes) == MADA_OK);
    return p;
}

static void dev_put(mada_opt *o, void *dev, const void *host, size_t bytes)
{
    CU_ASSERT_FATAL(mada_cuda_upload(o->cuda, dev, host, bytes) == MADA_OK);
}

static void dev_get(mada_opt *o, void *host, const void *dev, size_t bytes)
{
    CU_ASSERT_FATAL(mada_cuda_download(o->cuda, host, dev, bytes) == MADA_OK);
}

/* The target's array k made equal to the reference's (after the test has
 * written into the reference's). */
static void sync_array(pair *p, int k)
{
    const size_t bytes = p->n * p->o[0]->esz;
    if (p->o[1]->cuda)
        dev_put(p->o[1], p->o[1]->arr[k], p->o[0]->arr[k], bytes);
    else
        memcpy(p->o[1]->arr[k], p->o[0]->arr[k], bytes);
}

/* One step of the target on x[1] and g (through device copies for CUDA). */
static int target_step(pair *p, double lr)
{
    if (!p->o[1]->cuda)
        return mada_step(p->o[1], p->x[1], p->g, lr);
    const size_t bytes = p->n * p->o[1]->esz;
    dev_put(p->o[1], p->dx, p->x[1], bytes);
    dev_put(p->o[1], p->dg, p->g, bytes);
    const int rc = mada_step_cuda(p->o[1], p->dx, p->dg, lr, NULL);
    dev_get(p->o[1], p->x[1], p->dx, bytes);
    return rc;
}

static void *alloc_at(size_t n, mada_dtype d, size_t offset, void **base)
{
    *base = malloc((n + 16) * elem_size(d));
    CU_ASSERT_FATAL(*base != NULL);
    return (char *)*base + offset * elem_size(d);
}

static int pair_open(pair *p, const mada_config *cfg, size_t n, mada_dtype d, const target *tg,
                     int threads, size_t offset, rng_t *r)
{
    memset(p, 0, sizeof *p);
    p->n = n;
    p->d = d;
    for (int k = 0; k < 2; k++) {
        if (k == 1 && tg->cuda) {
            if (mada_create_cuda(&p->o[k], n, d, cfg, 0) != MADA_OK)
                return 0;
        } else {
            if (mada_create(&p->o[k], n, d, cfg) != MADA_OK)
                return 0;
            CU_ASSERT_FATAL(mada_set_backend(p->o[k], k ? tg->id : MADA_BACKEND_REF) == MADA_OK);
            CU_ASSERT_FATAL(mada_set_threads(p->o[k], threads) == MADA_OK);
            if (k == 1 && tg->ops)
                p->o[k]->be = tg->ops;
        }
        p->x[k] = alloc_at(n, d, offset, &p->xbuf[k]);
    }
    p->g = alloc_at(n, d, 15 - offset, &p->gbuf);
    if (tg->cuda) { /* device buffers at the same element offsets */
        p->dxbuf = dev_alloc(p->o[1], (n + 16) * elem_size(d));
        p->dgbuf = dev_alloc(p->o[1], (n + 16) * elem_size(d));
        p->dx = (char *)p->dxbuf + offset * elem_size(d);
        p->dg = (char *)p->dgbuf + (15 - offset) * elem_size(d);
    }
    for (size_t i = 0; i < n; i++)
        elem_put(p->x[0], i, d, rng_u64(r) % 4 == 0 ? boundary_x(r, d) : rng_logmag(r, -6, 3));
    memcpy(p->x[1], p->x[0], n * elem_size(d));
    return 1;
}

static void pair_close(pair *p)
{
    if (p->dxbuf)
        mada_cuda_free(p->dxbuf);
    if (p->dgbuf)
        mada_cuda_free(p->dgbuf);
    for (int k = 0; k < 2; k++) {
        mada_destroy(p->o[k]);
        free(p->xbuf[k]);
    }
    free(p->gbuf);
}

/* Both optimizers byte for byte (every array, partials, coefficients, hyper
 * state, counters); the parameters too. */
static int pair_same(const pair *p)
{
    snapshot a = snap_take(p->o[0]), b = snap_take(p->o[1]);
    const int same = a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0 &&
                     memcmp(p->x[0], p->x[1], p->n * elem_size(p->d)) == 0 &&
                     p->o[0]->vmax == p->o[1]->vmax;
    snap_free(&a);
    snap_free(&b);
    return same;
}

/* One step of both with the same inputs of the given kind; 1 if they agree
 * in status, index and every byte. */
static int pair_step(pair *p, int kind, double lr, rng_t *r)
{
    const mada_dtype d = p->d;
    const size_t n = p->n;
    for (size_t i = 0; i < n; i++)
        elem_put(p->g, i, d, kind == IN_PLAIN ? rng_logmag(r, -12, 2) : boundary_g(r, d));
    if (p->o[0]->cfg.compat && p->o[0]->t == 0) /* the first compat gradient: |g| <= 2^27 */
        for (size_t i = 0; i < n; i++)
            if (fabs(elem_get(p->g, i, d)) > MADA_COMPAT_G1_MAX)
                elem_put(p->g, i, d, 0x1p20);
    if (kind == IN_TIES) {
        /* v = fl(g*g) where v is kept and b3 = 0 (gh = g): the tie s = 0. */
        void *v0 = p->o[0]->arr[MADA_ARR_V];
        if (v0 && p->o[0]->cfg.coef[MADA_BETA3] == 0.0)
            for (size_t i = 0; i < n; i += 2) {
                const double gi = elem_get(p->g, i, d);
                const double sq = d == MADA_F32 ? (double)((float)gi * (float)gi) : gi * gi;
                if (sq <= MADA_V_MAX)
                    elem_put(v0, i, d, sq);
            }
        /* Huge and tiny second moments. */
        if (v0) {
            for (size_t i = 1; i < n; i += 5) {
                const double vv = (i / 5) % 2 ? 0x1p99 : (d == MADA_F32 ? 0x1p-149 : 0x1p-1074);
                elem_put(v0, i, d, vv);
            }
            sync_array(p, MADA_ARR_V); /* the arrays were equal: the same writes */
        }
    }
    if (kind == IN_BAD) {
        const double bad[] = {NAN, INFINITY, -INFINITY, 2 * MADA_GMAX, 3 * MADA_XMAX};
        const size_t i = rng_u64(r) % n;
        const double b = bad[rng_u64(r) % 5];
        /* 2 GMAX is bad only as a gradient, 3 XMAX only as a parameter. */
        if (b == 3 * MADA_XMAX || (b != 2 * MADA_GMAX && rng_u64(r) % 2)) {
            elem_put(p->x[0], i, d, b);
            elem_put(p->x[1], i, d, b);
        } else {
            elem_put(p->g, i, d, b);
        }
    }
    const int rc0 = mada_step(p->o[0], p->x[0], p->g, lr);
    const int rc1 = target_step(p, lr);
    steps_of[current]++;
    const int same = rc0 == rc1 &&
                     mada_last_error_index(p->o[0]) == mada_last_error_index(p->o[1]) &&
                     pair_same(p);
    if (!same && getenv("MADA_TEST_DEBUG")) {
        snapshot a = snap_take(p->o[0]), bb = snap_take(p->o[1]);
        size_t at = 0;
        while (at < a.len && at < bb.len && a.bytes[at] == bb.bytes[at])
            at++;
        printf("\n    step kind %d: rc %d %d, index %zu %zu, snapshots %zu/%zu bytes differ at %zu, "
               "x %s, vmax %a %a\n", kind, rc0, rc1, mada_last_error_index(p->o[0]),
               mada_last_error_index(p->o[1]), a.len, bb.len, at,
               memcmp(p->x[0], p->x[1], n * elem_size(d)) ? "differ" : "equal", p->o[0]->vmax,
               p->o[1]->vmax);
        snap_free(&a), snap_free(&bb);
    }
    if (kind == IN_BAD && rc0 == MADA_OK)
        return 0; /* a bad element must be refused */
    if (kind == IN_BAD) { /* restore the parameters the caller keeps */
        memcpy(p->x[1], p->x[0], n * elem_size(d));
        for (size_t i = 0; i < n; i++)
            if (!(fabs(elem_get(p->x[0], i, d)) <= MADA_XMAX)) {
                elem_put(p->x[0], i, d, 1.0);
                elem_put(p->x[1], i, d, 1.0);
            }
    }
    return same;
}

/* The projection (spec 7.1) of the target on x[1] (through the device copy
 * for CUDA). */
static int target_project(pair *p, double lo, double hi)
{
    if (!p->o[1]->cuda)
        return mada_project(p->o[1], p->x[1], lo, hi);
    const size_t bytes = p->n * p->o[1]->esz;
    dev_put(p->o[1], p->dx, p->x[1], bytes);
    const int rc = mada_project_cuda(p->o[1], p->dx, lo, hi, NULL);
    dev_get(p->o[1], p->x[1], p->dx, bytes);
    return rc;
}

/* A projection of both onto a box that clamps some of the parameters (and
 * zeroes their partials), or, with bad set, a refused one (a non-finite
 * parameter: both refuse it, name the same index and change nothing); 1 if
 * they agree in status, index and every byte. */
static int pair_project(pair *p, int bad, rng_t *r)
{
    const mada_dtype d = p->d;
    /* Bounds of the parameters' type around the values pair_open() draws. */
    const double lo = -(double)(float)rng_range(r, 0.01, 4.0);
    const double hi = (double)(float)rng_range(r, 0.0, 4.0);
    size_t at = 0;
    double keep = 0.0;
    if (bad) {
        const double vals[] = {NAN, INFINITY, -INFINITY};
        at = rng_u64(r) % p->n;
        keep = elem_get(p->x[0], at, d);
        elem_put(p->x[0], at, d, vals[rng_u64(r) % 3]);
        elem_put(p->x[1], at, d, elem_get(p->x[0], at, d));
    }
    const int rc0 = mada_project(p->o[0], p->x[0], lo, hi);
    const int rc1 = target_project(p, lo, hi);
    const int same = rc0 == rc1 && rc0 == (bad ? MADA_E_PARAM : MADA_OK) &&
                     mada_last_error_index(p->o[0]) == mada_last_error_index(p->o[1]) &&
                     (!bad || mada_last_error_index(p->o[0]) == at) && pair_same(p);
    if (bad) { /* the parameter the caller keeps */
        elem_put(p->x[0], at, d, keep);
        elem_put(p->x[1], at, d, keep);
    }
    return same;
}

/* Count one compared case for target b; report the first mismatches. */
static void record(size_t b, int same, const char *what)
{
    cases_of[b]++;
    if (!same) {
        if (mism_of[b]++ < 5)
            printf("\n    MISMATCH %s: %s\n", targets[b].name, what);
    }
    CU_ASSERT(same);
}

/* A run of `steps` steps of every input kind on the reference and target b. */
static void run_case(size_t b, const mada_config *cfg, size_t n, mada_dtype d, int threads,
                     size_t offset, int steps, uint64_t seed, const char *what)
{
    rng_t r = {seed};
    pair p;
    current = b;
    if (!pair_open(&p, cfg, n, d, &targets[b], threads, offset, &r)) {
        pair_close(&p);
        CU_FAIL("create");
        return;
    }
    int same = 1;
    for (int t = 0; t < steps && same; t++) {
        const int kind = t % 7 == 3 ? IN_BAD : t % 5 == 1 ? IN_TIES : t % 3 == 2 ? IN_BOUNDARY
                                                                                : IN_PLAIN;
        same = pair_step(&p, kind, rng_range(&r, 1e-4, 0.5), &r);
        if (same && t % 4 == 1) /* projections between steps (spec 7.1) */
            same = pair_project(&p, t % 8 == 5, &r);
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s n=%zu %s threads=%d offset=%zu", what, n,
             d == MADA_F32 ? "f32" : "f64", threads, offset);
    record(b, same, msg);
    pair_close(&p);
}

static const size_t lengths[] = {1,  2,  3,  7,  8,    9,    15,   16,    17,
                                 31, 33, 64, 4095, 4096, 4097, 8193, 100003};

static mada_config preset_of(const char *name, int lean, mada_vbar_mode vbar)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, name) == MADA_OK);
    cfg.lean = lean;
    cfg.vbar = vbar;
    cfg.warmup = 0;
    return cfg;
}

/* Every special point and the learning presets, lean and full, AVG and MAX,
 * with and without weight decay, every length, both types. */
static void presets_lengths(unsigned mask)
{
    static const char *const presets[] = {"adam", "amsgrad", "avgrad", "yogi", "adan",
                                          "lion", "hyperadam", "mada", "mada-toy"};
    int ran = 0;
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++)
            for (int lean = 0; lean <= 1; lean++)
                for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
                    const size_t n = lengths[li];
                    const mada_dtype d = (li + k) % 2 ? MADA_F64 : MADA_F32;
                    mada_config cfg = preset_of(presets[k], lean, (li % 3 == 0) ? MADA_VBAR_MAX
                                                                                : MADA_VBAR_AVG);
                    if (li % 4 == 1)
                        cfg.lambda = 0.01;
                    if (li % 5 == 2)
                        mada_config_compat(&cfg);
                    const int steps = n > 5000 ? 4 : 12;
                    run_case(b, &cfg, n, d, 1 + (int)(li % 3), li % 16, steps,
                             1000 * k + 10 * li + (uint64_t)lean, presets[k]);
                    ran++;
                }
    }
    printf("\n    %d runs", ran);
}

/* Random interior and learning coefficients, random offsets and thread
 * counts 1, 2, 3, 7. */
static void random_configs(unsigned mask)
{
    static const int threads[] = {1, 2, 3, 7};
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        for (uint64_t s = 0; s < 48; s++) {
            rng_t r = {77 + s};
            mada_config cfg = preset_of("mada", (int)(s % 2), (s / 2) % 2 ? MADA_VBAR_MAX
                                                                        : MADA_VBAR_AVG);
            for (int q = 0; q < MADA_NCOEF; q++) {
                const unsigned pick = (unsigned)(rng_u64(&r) % 4);
                if (pick == 0) { /* frozen at a lean value */
                    cfg.eta[q] = 0.0;
                    cfg.coef[q] = q == MADA_BETA3 ? 0.0 : q >= MADA_RHO ? 1.0 : cfg.coef[q];
                } else if (pick == 1) { /* frozen inside */
                    cfg.eta[q] = 0.0;
                    cfg.coef[q] = rng_range(&r, 0.05, 0.95);
                } else { /* learning */
                    cfg.eta[q] = rng_range(&r, 1e-3, 0.3);
                    cfg.coef[q] = rng_range(&r, cfg.lo[q], cfg.hi[q]);
                }
            }
            if (s % 7 == 0)
                for (int q = 0; q < MADA_NCOEF; q++)
                    cfg.eta[q] = 0.0, cfg.coef[MADA_GAMMA] = 0.0; /* Lion only */
            cfg.lambda = s % 3 == 0 ? 0.05 : 0.0;
            const size_t n = 1 + (size_t)(rng_u64(&r) % 20000);
            run_case(b, &cfg, n, s % 2 ? MADA_F64 : MADA_F32, threads[s % 4], s % 16, 10,
                     9000 + s, "random configuration");
        }
    }
}

/* 1000 steps with every coefficient learning, compared at every step, on
 * 1, 2, 3 and 7 threads. */
static void learning_runs(unsigned mask)
{
    static const int threads[] = {1, 2, 3, 7};
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        for (int k = 0; k < 4; k++) {
            mada_config cfg = preset_of("mada", 1, k % 2 ? MADA_VBAR_MAX : MADA_VBAR_AVG);
            const mada_dtype d = k < 2 ? MADA_F32 : MADA_F64;
            rng_t r = {555 + (uint64_t)k};
            pair p;
            current = b;
            CU_ASSERT_FATAL(pair_open(&p, &cfg, 9000 + 17 * (size_t)k, d, &targets[b],
                                      threads[k], (size_t)k * 5, &r));
            int same = 1, t = 0;
            for (; t < 1000 && same; t++)
                same = pair_step(&p, t % 4 == 3 ? IN_BOUNDARY : IN_PLAIN, 1e-3, &r);
            mada_info info;
            mada_get_info(p.o[0], &info);
            char msg[160];
            snprintf(msg, sizeof msg, "1000-step learning run %s threads=%d: stopped at step %d "
                     "(hyper steps %llu)", d == MADA_F32 ? "f32" : "f64", threads[k], t,
                     (unsigned long long)info.hyper_steps);
            record(b, same && t == 1000 && info.hyper_steps > 900, msg);
            pair_close(&p);
        }
    }
}

/* Pass 1 of target b on host arrays (a CUDA target: device copies, and the
 * scratch of a CUDA optimizer `holder` whose n is at least a->n). */
static int pass1_of(size_t b, mada_opt *holder, const mada_pass1_t *a, mada_dtype d,
                    double H[MADA_NCOEF], size_t *bad)
{
    const target *tg = &targets[b];
    if (!tg->cuda) {
        const mada_backend_ops *ops = tg->ops ? tg->ops : mada_backend_ops_get(tg->id);
        return d == MADA_F32 ? ops->pass1_f32(a, H, bad) : ops->pass1_f64(a, H, bad);
    }
    const size_t bytes = (a->n + 1) * elem_size(d);
    mada_pass1_t da = *a;
    void *dev[2 + MADA_NCOEF];
    const void *host[2 + MADA_NCOEF] = {a->x, a->g};
    for (int k = 0; k < MADA_NCOEF; k++)
        host[2 + k] = a->part[k];
    for (int k = 0; k < 2 + MADA_NCOEF; k++) {
        dev[k] = dev_alloc(holder, bytes);
        dev_put(holder, dev[k], host[k], a->n * elem_size(d));
    }
    da.x = dev[0];
    da.g = dev[1];
    for (int k = 0; k < MADA_NCOEF; k++)
        da.part[k] = a->part[k] ? dev[2 + k] : NULL;
    da.dev = holder->cuda;
    const int rc = d == MADA_F32 ? mada_cuda_ops.pass1_f32(&da, H, bad)
                                 : mada_cuda_ops.pass1_f64(&da, H, bad);
    for (int k = 0; k < 2 + MADA_NCOEF; k++)
        mada_cuda_free(dev[k]);
    return rc;
}

/* Pass 1 alone: the six sums and the first offending element, for every
 * length (0 included), thread counts and a bad element anywhere. */
static void pass1_cases(unsigned mask)
{
    static const size_t lens[] = {0, 1, 15, 16, 17, 4095, 4096, 4097, 12289, 100003};
    const mada_backend_ops *ref = mada_backend_ops_get(MADA_BACKEND_REF);
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        mada_opt *holder = NULL;
        if (targets[b].cuda) {
            mada_config cfg;
            CU_ASSERT_FATAL(mada_config_preset(&cfg, "adam") == MADA_OK);
            CU_ASSERT_FATAL(mada_create_cuda(&holder, 100003, MADA_F64, &cfg, 0) == MADA_OK);
        }
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
            for (int di = 0; di < 2; di++) {
                const mada_dtype d = di ? MADA_F64 : MADA_F32;
                const size_t n = lens[li], es = elem_size(d);
                rng_t r = {31 * li + (uint64_t)di};
                void *x = malloc((n + 1) * es), *g = malloc((n + 1) * es), *pk[MADA_NCOEF];
                double *sums = malloc((n / MADA_RED_BLOCK + 1) * MADA_NCOEF * sizeof(double));
                CU_ASSERT_FATAL(x && g && sums);
                for (size_t i = 0; i < n; i++) {
                    elem_put(x, i, d, rng_logmag(&r, -10, 10));
                    elem_put(g, i, d, boundary_g(&r, d));
                }
                for (int k = 0; k < MADA_NCOEF; k++) {
                    pk[k] = malloc((n + 1) * es);
                    for (size_t i = 0; i < n; i++) /* partials may be huge or non-finite */
                        elem_put(pk[k], i, d, i % 997 == 5 && k == 2 ? INFINITY
                                         : rng_logmag(&r, d == MADA_F32 ? -120 : -300,
                                                      d == MADA_F32 ? 120 : 300));
                }
                for (int variant = 0; variant < 5; variant++) {
                    if (variant >= 2 && n == 0)
                        break;
                    const size_t at = n ? rng_u64(&r) % n : 0;
                    void *xv = malloc((n + 1) * es), *gv = malloc((n + 1) * es);
                    memcpy(xv, x, n * es);
                    memcpy(gv, g, n * es);
                    if (variant == 2)
                        elem_put(gv, at, d, NAN);
                    if (variant == 3)
                        elem_put(xv, at, d, -INFINITY);
                    if (variant == 4) { /* bad x before a bad g: g is reported */
                        elem_put(xv, at / 2, d, NAN);
                        elem_put(gv, at, d, INFINITY);
                        elem_put(gv, n - 1 - (n - 1 - at) / 3, d, NAN);
                    }
                    mada_pass1_t a = {.n = n, .x = xv, .g = gv, .compat_first = variant == 1,
                                      .nthreads = 1, .blocksums = sums};
                    for (int k = 0; k < MADA_NCOEF; k++)
                        a.part[k] = (k + (int)li) % 4 ? pk[k] : NULL;
                    double H0[MADA_NCOEF] = {0};
                    size_t bad0 = 7;
                    const int rc0 = d == MADA_F32 ? ref->pass1_f32(&a, H0, &bad0)
                                                  : ref->pass1_f64(&a, H0, &bad0);
                    for (int th = 1; th <= 7; th += 2) {
                        a.nthreads = th;
                        double H1[MADA_NCOEF] = {0};
                        size_t bad1 = 7;
                        const int rc1 = pass1_of(b, holder, &a, d, H1, &bad1);
                        const int same = rc0 == rc1 && (rc0 == MADA_OK ? memcmp(H0, H1, sizeof H0) == 0
                                                                       : bad0 == bad1);
                        char msg[120];
                        snprintf(msg, sizeof msg, "pass 1 n=%zu %s variant %d threads %d", n,
                                 d == MADA_F32 ? "f32" : "f64", variant, th);
                        record(b, same, msg);
                        if (targets[b].cuda || targets[b].ops)
                            break; /* no thread count */
                    }
                    free(xv), free(gv);
                }
                for (int k = 0; k < MADA_NCOEF; k++)
                    free(pk[k]);
                free(x), free(g), free(sums);
            }
        mada_destroy(holder);
    }
}

/* Negative control: the comparison sees a difference of one learning-rate
 * ulp on the target's side. */
static void negative_control(unsigned mask)
{
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        mada_config cfg = preset_of("adam", 1, MADA_VBAR_AVG);
        rng_t r = {4242};
        pair p;
        CU_ASSERT_FATAL(pair_open(&p, &cfg, 100, MADA_F64, &targets[b], 2, 3, &r));
        for (size_t i = 0; i < p.n; i++)
            elem_put(p.g, i, MADA_F64, rng_logmag(&r, -3, 1));
        CU_ASSERT(mada_step(p.o[0], p.x[0], p.g, 1e-2) == MADA_OK);
        CU_ASSERT(target_step(&p, nextafter(1e-2, 1.0)) == MADA_OK);
        CU_ASSERT(!pair_same(&p));
        pair_close(&p);
    }
}

/* One line per target of mask: what make verify prints.  The CPU suite's
 * summary also prints the device target's SKIPPED line where no device is
 * usable (its own suite is then inactive and prints nothing). */
static void summary(unsigned mask)
{
    char why[200];
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u)) {
            if (mask == CPU_TARGETS && ((GPU_TARGETS >> b) & 1u) &&
                !target_available(b, why, sizeof why))
                printf("\n    differential %s: SKIPPED (not run, not counted as passed: %s)",
                       targets[b].name, why);
            continue;
        }
        if (target_available(b, why, sizeof why))
            printf("\n    differential %s: %llu cases compared (%llu runs and pass-1 cases, "
                   "%llu steps), %llu mismatches",
                   targets[b].name, cases_of[b] + steps_of[b], cases_of[b], steps_of[b],
                   mism_of[b]);
        else
            printf("\n    differential %s: SKIPPED (%s)", targets[b].name, why);
    }
    printf("\n");
    for (size_t b = 0; b < NTARGET; b++)
        if ((mask >> b) & 1u)
            CU_ASSERT(mism_of[b] == 0);
}

/* A few short runs over every kernel path (lean and full, compat, weight
 * decay, partials, one and several blocks, a bad element): small enough for
 * compute-sanitizer's memcheck and racecheck (make gpu-check). */
static void small_cases(unsigned mask)
{
    static const char *const presets[] = {"adam", "lion", "adan", "mada"};
    static const size_t lens[] = {1, 17, 4097};
    for (size_t b = 0; b < NTARGET; b++) {
        if (!((mask >> b) & 1u))
            continue;
        for (size_t k = 0; k < 4; k++)
            for (size_t li = 0; li < 3; li++) {
                mada_config cfg = preset_of(presets[k], (int)(li % 2), li == 2 ? MADA_VBAR_MAX
                                                                              : MADA_VBAR_AVG);
                if (k == 3 && li == 1)
                    mada_config_compat(&cfg);
                if (li == 0)
                    cfg.lambda = 0.01;
                run_case(b, &cfg, lens[li], (k + li) % 2 ? MADA_F64 : MADA_F32, 1, li, 5,
                         500 + 10 * k + li, presets[k]);
            }
    }
}

/* The CPU suite: the fast backends this CPU has and the CUDA emulation. */
static void test_presets_lengths(void) { presets_lengths(runnable(CPU_TARGETS)); }
static void test_random_configs(void) { random_configs(runnable(CPU_TARGETS)); }
static void test_learning_runs(void) { learning_runs(runnable(CPU_TARGETS)); }
static void test_pass1(void) { pass1_cases(runnable(CPU_TARGETS)); }
static void test_negative_control(void) { negative_control(runnable(CPU_TARGETS)); }
static void test_summary(void)
{
    mada_opt *o = make_opt("adam", 1, MADA_F32);
    mada_info info;
    mada_get_info(o, &info);
    printf("\n    default backend here: %s, %d threads", mada_backend_name(info.backend),
           info.threads);
    mada_destroy(o);
    summary(CPU_TARGETS);
}

/* The GPU suite: the same cases on CUDA device 0. */
static void test_gpu_presets_lengths(void) { presets_lengths(GPU_TARGETS); }
static void test_gpu_random_configs(void) { random_configs(GPU_TARGETS); }
static void test_gpu_learning_runs(void) { learning_runs(GPU_TARGETS); }
static void test_gpu_pass1(void) { pass1_cases(GPU_TARGETS); }
static void test_gpu_negative_control(void) { negative_control(GPU_TARGETS); }
static void test_gpu_summary(void) { summary(GPU_TARGETS); }
static void test_gpu_small(void)
{
    small_cases(GPU_TARGETS);
    summary(GPU_TARGETS);
}

void register_fast_suite(void)
{
    static const test_entry tests[] = {
        {"presets lean and full, lengths 1 .. 100003, offsets, threads", test_presets_lengths},
        {"random configurations, threads 1, 2, 3, 7", test_random_configs},
        {"1000-step learning runs compared at every step", test_learning_runs},
        {"pass 1: sums and first offending element, lengths 0 .. 100003", test_pass1},
        {"negative control: one ulp of the learning rate is seen", test_negative_control},
        {"summary: one line per target", test_summary},
        {NULL, NULL},
    };
    add_suite("differential: fast backends and the CUDA emulation against the reference",
              tests);
    static const test_entry gpu[] = {
        {"presets lean and full, lengths 1 .. 100003, offsets", test_gpu_presets_lengths},
        {"random configurations", test_gpu_random_configs},
        {"1000-step learning runs compared at every step", test_gpu_learning_runs},
        {"pass 1: sums and first offending element, lengths 0 .. 100003", test_gpu_pass1},
        {"negative control: one ulp of the learning rate is seen", test_gpu_negative_control},
        {"summary", test_gpu_summary},
        {NULL, NULL},
    };
    char why[200];
    const int dev = mada_cuda_status(0, why, sizeof why) == MADA_OK;
    add_suite_gpu("differential: CUDA device 0 against the reference", gpu, dev, why);
    static const test_entry small[] = {
        {"short runs over every kernel path, compared", test_gpu_small},
        {NULL, NULL},
    };
    add_suite_gpu("CUDA small cases (for compute-sanitizer)", small, dev, why);
}
