/*
 * test_badinput.c -- the input domain and the errors of the public API
 * (spec 7 step 1, spec 8; include/mada.h).
 *
 * Every rejected call must return its documented status and leave the
 * optimizer (whole snapshot), the parameter buffer and the gradient buffer
 * byte-identical.  The optimizers are first stepped a few times so that the
 * state compared is not all zeros: "mada" with warmup 0 (partials stored,
 * hyper steps taken) and "adam" (no learning coefficient).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Odd, not a multiple of the reduction lanes; the indices 0, 38 and 76 do not
 * collide with numbers that appear in the diagnostics (2^40, 2^100). */
#define BN 77u

/* An assertion reported at the caller's line. */
#define CHECK_AT(cond, line) \
    CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, (unsigned)(line), #cond, __FILE__, "", CU_FALSE)

static size_t esz_of(mada_dtype d)
{
    return d == MADA_F32 ? sizeof(float) : sizeof(double);
}

static void set_elem(void *buf, mada_dtype d, size_t i, double v)
{
    if (d == MADA_F32)
        ((float *)buf)[i] = (float)v;
    else
        ((double *)buf)[i] = v;
}

/* The smallest value of the element type above bound (a power of two). */
static double above(mada_dtype d, double bound)
{
    return d == MADA_F32 ? (double)nextafterf((float)bound, INFINITY)
                         : nextafter(bound, INFINITY);
}

/* 1 if the decimal form of v appears in s as a whole number (not as part of a
 * longer run of digits). */
static int mentions_number(const char *s, size_t v)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", v);
    const size_t len = strlen(num);
    for (const char *p = strstr(s, num); p; p = strstr(p + 1, num)) {
        const int before = p > s && p[-1] >= '0' && p[-1] <= '9';
        const int after = p[len] >= '0' && p[len] <= '9';
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* ---- Fixture ----------------------------------------------------------------- */
typedef struct {
    mada_opt *opt;
    mada_dtype d;
    size_t n, esz;
    void *x, *g;
    rng_t rng;
} fixture;

static mada_opt *create_preset(const char *preset, int warmup0, size_t n, mada_dtype d)
{
    mada_config cfg;
    mada_opt *opt = NULL;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    if (warmup0)
        cfg.warmup = 0;
    CU_ASSERT_FATAL(mada_create(&opt, n, d, &cfg) == MADA_OK);
    return opt;
}

/* An optimizer after a few valid steps, parameters x and a fresh valid
 * gradient g for the next step. */
static void fix_init(fixture *f, const char *preset, int warmup0, mada_dtype d, uint64_t seed)
{
    f->d = d;
    f->n = BN;
    f->esz = esz_of(d);
    f->rng.s = seed;
    f->opt = create_preset(preset, warmup0, f->n, d);
    f->x = malloc(f->n * f->esz);
    f->g = malloc(f->n * f->esz);
    CU_ASSERT_FATAL(f->x && f->g);
    fill_random(f->x, f->n, d, &f->rng, -4, 2, 0.05);
    for (int s = 0; s < 6; s++) {
        fill_random(f->g, f->n, d, &f->rng, -12, 3, 0.05);
        CU_ASSERT_FATAL(mada_step(f->opt, f->x, f->g, 1e-3) == MADA_OK);
    }
    fill_random(f->g, f->n, d, &f->rng, -12, 3, 0.05);
    mada_info info;
    CU_ASSERT(mada_get_info(f->opt, &info) == MADA_OK);
    CU_ASSERT(info.t == 6);
    if (warmup0 && strcmp(preset, "mada") == 0) {
        CU_ASSERT(info.hyper_steps == 5);
        CU_ASSERT(f->opt->part_valid == 1);
    }
}

static void fix_free(fixture *f)
{
    mada_destroy(f->opt);
    free(f->x);
    free(f->g);
    f->opt = NULL;
    f->x = f->g = NULL;
}

/* mada_step(opt, x, g, lr) must return code and change nothing: the optimizer,
 * xbytes bytes at x and gbytes bytes at g (either may be NULL). */
static void expect_step_fail(mada_opt *opt, void *x, size_t xbytes, const void *g,
                             size_t gbytes, double lr, int code, int line)
{
    snapshot s = {NULL, 0};
    if (opt)
        s = snap_take(opt);
    unsigned char *xc = x ? malloc(xbytes) : NULL, *gc = g ? malloc(gbytes) : NULL;
    if (x)
        memcpy(xc, x, xbytes);
    if (g)
        memcpy(gc, g, gbytes);
    const int rc = mada_step(opt, x, g, lr);
    CHECK_AT(rc == code, line);
    if (opt) {
        CHECK_AT(snap_equal(&s, opt), line);
        CHECK_AT(mada_last_error(opt) != NULL && mada_last_error(opt)[0] != '\0', line);
        if (code != MADA_E_GRAD && code != MADA_E_PARAM)
            CHECK_AT(mada_last_error_index(opt) == SIZE_MAX, line);
    }
    if (x)
        CHECK_AT(memcmp(xc, x, xbytes) == 0, line);
    if (g)
        CHECK_AT(memcmp(gc, g, gbytes) == 0, line);
    free(xc);
    free(gc);
    snap_free(&s);
}

/* Make buffer buf (x or g of f) bad at index i with value bad and expect code
 * naming index i; restore the element afterwards. */
static void expect_bad_elem(fixture *f, int is_grad, size_t i, double bad, int line)
{
    void *buf = is_grad ? f->g : f->x;
    unsigned char saved[8];
    memcpy(saved, (unsigned char *)buf + i * f->esz, f->esz);
    set_elem(buf, f->d, i, bad);
    const int code = is_grad ? MADA_E_GRAD : MADA_E_PARAM;
    expect_step_fail(f->opt, f->x, f->n * f->esz, f->g, f->n * f->esz, 1e-3, code, line);
    CHECK_AT(mada_last_error_index(f->opt) == i, line);
    CHECK_AT(mentions_number(mada_last_error(f->opt), i), line);
    memcpy((unsigned char *)buf + i * f->esz, saved, f->esz);
}

/* The gradient (is_grad) or parameter domain with bound: NaN, +-Inf and the
 * next value above the bound (both signs) at the first, a middle and the
 * last index are rejected; the first offending index is named; +-bound itself
 * is accepted. */
static void element_domain(const char *preset, int warmup0, mada_dtype d, int is_grad,
                           double bound)
{
    fixture f;
    fix_init(&f, preset, warmup0, d, 0x5eed0000u + (uint64_t)d * 17u + (uint64_t)is_grad);
    const double up = above(d, bound);
    CU_ASSERT(up > bound && isfinite(up));
    const double bad[] = {NAN, -NAN, INFINITY, -INFINITY, up, -up};
    const size_t idx[] = {0, BN / 2, BN - 1};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
        for (size_t k = 0; k < 3; k++)
            expect_bad_elem(&f, is_grad, idx[k], bad[b], __LINE__);

    /* Two offending elements: the first is named. */
    void *buf = is_grad ? f.g : f.x;
    unsigned char s1[8], s2[8];
    memcpy(s1, (unsigned char *)buf + 20 * f.esz, f.esz);
    memcpy(s2, (unsigned char *)buf + 60 * f.esz, f.esz);
    set_elem(buf, d, 60, NAN);
    expect_bad_elem(&f, is_grad, 20, INFINITY, __LINE__);
    memcpy((unsigned char *)buf + 20 * f.esz, s1, f.esz);
    memcpy((unsigned char *)buf + 60 * f.esz, s2, f.esz);

    /* Exactly +-bound is inside the domain. */
    for (size_t k = 0; k < 3; k++) {
        set_elem(buf, d, idx[k], k == 1 ? -bound : bound);
        set_elem(buf, d, (idx[k] + 1) % BN, k == 1 ? bound : -bound);
        CU_ASSERT(mada_step(f.opt, f.x, f.g, 1e-3) == MADA_OK);
        CU_ASSERT(mada_last_error_index(f.opt) == SIZE_MAX);
        CU_ASSERT(mada_last_error(f.opt)[0] == '\0');
        fill_random(f.g, f.n, d, &f.rng, -12, 3, 0.05);
        if (!is_grad)
            fill_random(f.x, f.n, d, &f.rng, -4, 2, 0.05);
    }
    fix_free(&f);
}

static void test_grad_f32(void)
{
    element_domain("mada", 1, MADA_F32, 1, MADA_GMAX);
    element_domain("adam", 0, MADA_F32, 1, MADA_GMAX);
}

static void test_grad_f64(void)
{
    element_domain("mada", 1, MADA_F64, 1, MADA_GMAX);
    element_domain("adam", 0, MADA_F64, 1, MADA_GMAX);
}

static void test_param_f32(void)
{
    element_domain("mada", 1, MADA_F32, 0, MADA_XMAX);
    element_domain("adam", 0, MADA_F32, 0, MADA_XMAX);
}

static void test_param_f64(void)
{
    element_domain("mada", 1, MADA_F64, 0, MADA_XMAX);
    element_domain("adam", 0, MADA_F64, 0, MADA_XMAX);
}

/* ---- NULL and overlapping buffers ----------------------------------------------- */
static void null_overlap(const char *preset, int warmup0, mada_dtype d)
{
    fixture f;
    fix_init(&f, preset, warmup0, d, 0xabc0u + (uint64_t)d);
    const size_t bytes = f.n * f.esz;

    expect_step_fail(NULL, f.x, bytes, f.g, bytes, 1e-3, MADA_E_NULL, __LINE__);
    expect_step_fail(f.opt, NULL, 0, f.g, bytes, 1e-3, MADA_E_NULL, __LINE__);
    expect_step_fail(f.opt, f.x, bytes, NULL, 0, 1e-3, MADA_E_NULL, __LINE__);
    expect_step_fail(f.opt, NULL, 0, NULL, 0, 1e-3, MADA_E_NULL, __LINE__);
    /* NULL is reported even with an invalid learning rate. */
    expect_step_fail(f.opt, NULL, 0, f.g, bytes, NAN, MADA_E_NULL, __LINE__);

    /* x and g the same buffer. */
    expect_step_fail(f.opt, f.x, bytes, f.x, bytes, 1e-3, MADA_E_OVERLAP, __LINE__);

    /* Overlap by exactly one element, both ways round, in a buffer of 2n - 1
     * valid elements. */
    unsigned char *big = malloc((2 * f.n - 1) * f.esz);
    CU_ASSERT_FATAL(big != NULL);
    fill_random(big, 2 * f.n - 1, d, &f.rng, -6, 1, 0.0);
    void *lo = big, *hi = big + (f.n - 1) * f.esz;
    const size_t all = (2 * f.n - 1) * f.esz;
    expect_step_fail(f.opt, lo, all, hi, bytes, 1e-3, MADA_E_OVERLAP, __LINE__);
    expect_step_fail(f.opt, hi, bytes, lo, all, 1e-3, MADA_E_OVERLAP, __LINE__);
    free(big);

    /* Adjacent but disjoint is accepted. */
    big = malloc(2 * bytes);
    CU_ASSERT_FATAL(big != NULL);
    memcpy(big, f.x, bytes);
    memcpy(big + bytes, f.g, bytes);
    CU_ASSERT(mada_step(f.opt, big, big + bytes, 1e-3) == MADA_OK);
    free(big);

    /* x or g inside the optimizer's own state. */
    expect_step_fail(f.opt, f.opt->arr[MADA_ARR_M], bytes, f.g, bytes, 1e-3, MADA_E_OVERLAP,
                     __LINE__);
    expect_step_fail(f.opt, f.x, bytes, f.opt->arr[MADA_ARR_V], bytes, 1e-3, MADA_E_OVERLAP,
                     __LINE__);
    fix_free(&f);
}

static void test_null_overlap_f32(void)
{
    null_overlap("mada", 1, MADA_F32);
    null_overlap("adam", 0, MADA_F32);
}

static void test_null_overlap_f64(void)
{
    null_overlap("mada", 1, MADA_F64);
    null_overlap("adam", 0, MADA_F64);
}

/* ---- Learning rate ----------------------------------------------------------------- */
static void lr_domain(const char *preset, int warmup0, mada_dtype d)
{
    fixture f;
    fix_init(&f, preset, warmup0, d, 0x1a0u + (uint64_t)d);
    const size_t bytes = f.n * f.esz;
    const double bad[] = {NAN, -NAN, -0.5, INFINITY, -INFINITY, nextafter(MADA_LR_MAX, 2.0),
                          -0x1p-1074, 2.0, 1e300};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
        expect_step_fail(f.opt, f.x, bytes, f.g, bytes, bad[b], MADA_E_LR, __LINE__);

    const double good[] = {0.0, -0.0, 0x1p-1074, MADA_LR_MAX};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        CU_ASSERT(mada_step(f.opt, f.x, f.g, good[k]) == MADA_OK);
        fill_random(f.g, f.n, d, &f.rng, -12, 3, 0.05);
    }
    /* lr = 0 changes no parameter (no weight decay in these presets). */
    unsigned char *xc = malloc(bytes);
    CU_ASSERT_FATAL(xc != NULL);
    memcpy(xc, f.x, bytes);
    CU_ASSERT(mada_step(f.opt, f.x, f.g, 0.0) == MADA_OK);
    CU_ASSERT(memcmp(xc, f.x, bytes) == 0);
    free(xc);
    fix_free(&f);
}

static void test_lr_f32(void)
{
    lr_domain("mada", 1, MADA_F32);
    lr_domain("adam", 0, MADA_F32);
}

static void test_lr_f64(void)
{
    lr_domain("mada", 1, MADA_F64);
    lr_domain("adam", 0, MADA_F64);
}

/* ---- mada_create and mada_config_check ---------------------------------------------- */
static char sentinel_obj;
#define SENTINEL ((mada_opt *)(void *)&sentinel_obj)

/* mada_create(n, d, cfg) must return code; on failure *out keeps its sentinel
 * and cfg its bytes.  mada_config_check agrees on configuration errors. */
static void expect_create(const mada_config *cfg, size_t n, mada_dtype d, int code, int line)
{
    mada_config copy;
    if (cfg)
        memcpy(&copy, cfg, sizeof copy);
    mada_opt *out = SENTINEL;
    const int rc = mada_create(&out, n, d, cfg);
    CHECK_AT(rc == code, line);
    if (rc == MADA_OK) {
        CHECK_AT(out != SENTINEL && out != NULL, line);
        if (out != SENTINEL)
            mada_destroy(out);
    } else {
        CHECK_AT(out == SENTINEL, line);
    }
    if (cfg) {
        CHECK_AT(memcmp(&copy, cfg, sizeof copy) == 0, line);
        if (code == MADA_OK || code == MADA_E_COEF || code == MADA_E_CONFIG)
            CHECK_AT(mada_config_check(cfg) == code, line);
    }
}

/* Apply STMT to a copy c of base and expect CODE from mada_create. */
#define EXPECT_CFG(base, stmt, code)                                                      \
    do {                                                                                  \
        mada_config c = (base);                                                           \
        stmt;                                                                             \
        expect_create(&c, 5, d, (code), __LINE__);                                        \
    } while (0)

static void create_errors(mada_dtype d)
{
    mada_config frozen, learn;
    CU_ASSERT_FATAL(mada_config_preset(&frozen, "adam") == MADA_OK);
    CU_ASSERT_FATAL(mada_config_preset(&learn, "mada") == MADA_OK);
    for (int k = 0; k < MADA_NCOEF; k++) {
        CU_ASSERT(frozen.eta[k] == 0.0);
        CU_ASSERT(learn.eta[k] > 0.0);
    }

    /* Sizes, types, pointers. */
    expect_create(&frozen, 0, d, MADA_E_SIZE, __LINE__);
    expect_create(&learn, 0, d, MADA_E_SIZE, __LINE__);
    expect_create(&frozen, SIZE_MAX, d, MADA_E_SIZE, __LINE__);
    expect_create(&frozen, 5, (mada_dtype)0, MADA_E_DTYPE, __LINE__);
    expect_create(&frozen, 5, (mada_dtype)3, MADA_E_DTYPE, __LINE__);
    expect_create(&frozen, 5, (mada_dtype)-1, MADA_E_DTYPE, __LINE__);
    expect_create(NULL, 5, d, MADA_E_NULL, __LINE__);
    CU_ASSERT(mada_create(NULL, 5, d, &frozen) == MADA_E_NULL);
    CU_ASSERT(mada_config_check(NULL) == MADA_E_NULL);
    expect_create(&frozen, 5, d, MADA_OK, __LINE__);
    expect_create(&learn, 5, d, MADA_OK, __LINE__);

    /* Coefficients outside their domain: frozen and learning alike. */
    for (int k = 0; k < MADA_NCOEF; k++) {
        const double dhi = k <= MADA_BETA3 ? MADA_BETA_MAX : 1.0;
        const double bad[] = {NAN, -NAN, -0x1p-1074, -0.5, INFINITY, -INFINITY,
                              nextafter(dhi, 2.0), 1.5};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            EXPECT_CFG(frozen, c.coef[k] = bad[b], MADA_E_COEF);
            EXPECT_CFG(learn, c.coef[k] = bad[b], MADA_E_COEF);
        }
        if (k <= MADA_BETA3)
            EXPECT_CFG(frozen, c.coef[k] = 1.0, MADA_E_COEF);
        /* A frozen coefficient may take its whole domain, whatever lo, hi say. */
        EXPECT_CFG(frozen, c.coef[k] = dhi, MADA_OK);
        EXPECT_CFG(frozen, c.coef[k] = 0.0, MADA_OK);
        EXPECT_CFG(frozen, (c.coef[k] = 0.0, c.lo[k] = 0.6, c.hi[k] = 0.4), MADA_OK);
        /* A learning one must lie in [lo, hi]. */
        EXPECT_CFG(learn, c.coef[k] = c.lo[k], MADA_OK);
        EXPECT_CFG(learn, c.coef[k] = c.hi[k], MADA_OK);
        EXPECT_CFG(learn, c.coef[k] = nextafter(c.hi[k], 2.0), MADA_E_COEF);
        EXPECT_CFG(learn, c.coef[k] = nextafter(c.lo[k], -1.0), MADA_E_COEF);
        EXPECT_CFG(learn, (c.lo[k] = 0.25, c.hi[k] = 0.5, c.coef[k] = 0.2), MADA_E_COEF);
        EXPECT_CFG(learn, (c.lo[k] = 0.25, c.hi[k] = 0.5, c.coef[k] = 0.75), MADA_E_COEF);
        EXPECT_CFG(learn, (c.lo[k] = 0.25, c.hi[k] = 0.5, c.coef[k] = 0.3), MADA_OK);
        /* Projection ranges of a learning coefficient. */
        EXPECT_CFG(learn, (c.lo[k] = 0.6, c.hi[k] = 0.4, c.coef[k] = 0.5), MADA_E_CONFIG);
        EXPECT_CFG(learn, c.lo[k] = -0.1, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.lo[k] = NAN, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.hi[k] = nextafter(dhi, 2.0), MADA_E_CONFIG);
        EXPECT_CFG(learn, c.hi[k] = NAN, MADA_E_CONFIG);
        /* Hyper learning rate and momentum. */
        EXPECT_CFG(learn, c.eta[k] = -1e-3, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.eta[k] = INFINITY, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.eta[k] = NAN, MADA_E_CONFIG);
        EXPECT_CFG(frozen, c.eta[k] = -0x1p-1074, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.mu[k] = nextafter(1.0, 2.0), MADA_E_CONFIG);
        EXPECT_CFG(learn, c.mu[k] = -0.1, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.mu[k] = NAN, MADA_E_CONFIG);
        EXPECT_CFG(frozen, c.mu[k] = 1.5, MADA_E_CONFIG);
        EXPECT_CFG(learn, c.mu[k] = 1.0, MADA_OK);
    }

    /* Scalar settings. */
    const mada_config *both[] = {&frozen, &learn};
    for (int b = 0; b < 2; b++) {
        const mada_config base = *both[b];
        EXPECT_CFG(base, c.eps = NAN, MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = 0.0, MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = -1e-8, MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = nextafter(MADA_EPS_MAX, 2.0), MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = nextafter(MADA_EPS_MIN, 0.0), MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = INFINITY, MADA_E_CONFIG);
        EXPECT_CFG(base, c.eps = MADA_EPS_MIN, MADA_OK);
        EXPECT_CFG(base, c.eps = MADA_EPS_MAX, MADA_OK);
        EXPECT_CFG(base, c.lambda = -0x1p-1074, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lambda = -0.1, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lambda = NAN, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lambda = nextafter(MADA_LAMBDA_MAX, 2.0), MADA_E_CONFIG);
        EXPECT_CFG(base, c.lambda = INFINITY, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lambda = MADA_LAMBDA_MAX, MADA_OK);
        EXPECT_CFG(base, c.lb1 = nextafter(MADA_BETA_MAX, 2.0), MADA_E_CONFIG);
        EXPECT_CFG(base, c.lb2 = 1.0, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lb1 = -0.1, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lb1 = NAN, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lb2 = 1.5, MADA_E_CONFIG);
        EXPECT_CFG(base, c.lb2 = NAN, MADA_E_CONFIG);
        EXPECT_CFG(base, (c.lb1 = MADA_BETA_MAX, c.lb2 = 0.0), MADA_OK);
        EXPECT_CFG(base, c.hclip = 0.0, MADA_E_CONFIG);
        EXPECT_CFG(base, c.hclip = -1.0, MADA_E_CONFIG);
        EXPECT_CFG(base, c.hclip = NAN, MADA_E_CONFIG);
        EXPECT_CFG(base, c.hclip = INFINITY, MADA_E_CONFIG);
        EXPECT_CFG(base, c.hclip = 0x1p-1074, MADA_OK);
        EXPECT_CFG(base, c.vbar = (mada_vbar_mode)7, MADA_E_CONFIG);
        EXPECT_CFG(base, c.vbar = (mada_vbar_mode)-1, MADA_E_CONFIG);
        EXPECT_CFG(base, c.vbar = MADA_VBAR_MAX, MADA_OK);
        EXPECT_CFG(base, c.compat = 2, MADA_E_CONFIG);
        EXPECT_CFG(base, c.compat = -1, MADA_E_CONFIG);
        EXPECT_CFG(base, c.compat = 1, MADA_OK);
        EXPECT_CFG(base, c.warmup = UINT64_MAX, MADA_OK);
    }
}

static void test_create_f32(void)
{
    create_errors(MADA_F32);
}

static void test_create_f64(void)
{
    create_errors(MADA_F64);
}

/* ---- mada_set_coef ------------------------------------------------------------------ */
static void expect_set_coef_fail(mada_opt *opt, int q, double v, int code, int line)
{
    snapshot s = snap_take(opt);
    CHECK_AT(mada_set_coef(opt, q, v) == code, line);
    CHECK_AT(snap_equal(&s, opt), line);
    CHECK_AT(mada_last_error(opt)[0] != '\0', line);
    CHECK_AT(mada_last_error_index(opt) == SIZE_MAX, line);
    snap_free(&s);
}

static void set_coef_errors(const char *preset, int warmup0, mada_dtype d)
{
    fixture f;
    fix_init(&f, preset, warmup0, d, 0x5e7u + (uint64_t)d);
    mada_config cfg;
    CU_ASSERT_FATAL(mada_get_config(f.opt, &cfg) == MADA_OK);
    const int bad_q[] = {-1, MADA_NCOEF, INT_MIN, INT_MAX, 100};
    for (size_t b = 0; b < sizeof bad_q / sizeof bad_q[0]; b++) {
        expect_set_coef_fail(f.opt, bad_q[b], 0.5, MADA_E_INDEX, __LINE__);
        expect_set_coef_fail(f.opt, bad_q[b], NAN, MADA_E_INDEX, __LINE__);
    }
    for (int k = 0; k < MADA_NCOEF; k++) {
        const double dhi = k <= MADA_BETA3 ? MADA_BETA_MAX : 1.0;
        const double bad[] = {NAN, -NAN, -0x1p-1074, -1.0, INFINITY, -INFINITY,
                              nextafter(dhi, 2.0), 2.0};
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
            expect_set_coef_fail(f.opt, k, bad[b], MADA_E_COEF, __LINE__);
        if (cfg.eta[k] > 0.0) {
            expect_set_coef_fail(f.opt, k, nextafter(cfg.hi[k], 2.0), MADA_E_COEF, __LINE__);
            expect_set_coef_fail(f.opt, k, nextafter(cfg.lo[k], -1.0), MADA_E_COEF, __LINE__);
        }
    }
    CU_ASSERT(mada_set_coef(NULL, 0, 0.5) == MADA_E_NULL);

    /* A valid value changes that coefficient only, and clears the diagnostic. */
    const double v = cfg.eta[MADA_BETA1] > 0.0 ? cfg.hi[MADA_BETA1] : MADA_BETA_MAX;
    CU_ASSERT(mada_set_coef(f.opt, MADA_BETA1, v) == MADA_OK);
    CU_ASSERT(mada_last_error(f.opt)[0] == '\0');
    double coef[MADA_NCOEF];
    CU_ASSERT(mada_get_coefs(f.opt, coef) == MADA_OK);
    CU_ASSERT(memcmp(&coef[MADA_BETA1], &v, sizeof v) == 0);
    for (int k = 1; k < MADA_NCOEF; k++)
        CU_ASSERT(memcmp(&coef[k], &cfg.coef[k], sizeof coef[k]) == 0);
    fix_free(&f);
}

static void test_set_coef_f32(void)
{
    set_coef_errors("mada", 1, MADA_F32);
    set_coef_errors("adam", 0, MADA_F32);
}

static void test_set_coef_f64(void)
{
    set_coef_errors("mada", 1, MADA_F64);
    set_coef_errors("adam", 0, MADA_F64);
}

/* ---- Presets and status text ----------------------------------------------------------- */
static void test_preset_unknown(void)
{
    const char *bad[] = {"", "ADAM", "adam ", " adam", "mad", "madaa", "mada-to", "mada_toy",
                         "sgd", "adamw"};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        mada_config cfg, copy;
        memset(&cfg, 0xA5, sizeof cfg);
        memcpy(&copy, &cfg, sizeof cfg);
        CU_ASSERT(mada_config_preset(&cfg, bad[b]) == MADA_E_PRESET);
        CU_ASSERT(memcmp(&cfg, &copy, sizeof cfg) == 0);
    }
    mada_config cfg, copy;
    memset(&cfg, 0x5A, sizeof cfg);
    memcpy(&copy, &cfg, sizeof cfg);
    CU_ASSERT(mada_config_preset(&cfg, NULL) == MADA_E_NULL);
    CU_ASSERT(memcmp(&cfg, &copy, sizeof cfg) == 0);
    CU_ASSERT(mada_config_preset(NULL, "adam") == MADA_E_NULL);
    CU_ASSERT(mada_config_compat(NULL) == MADA_E_NULL);
    const char *good[] = {"adam", "amsgrad", "avgrad", "yogi", "adan", "lion", "hyperadam",
                          "mada", "mada-toy"};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        CU_ASSERT(mada_config_preset(&cfg, good[k]) == MADA_OK);
        CU_ASSERT(mada_config_check(&cfg) == MADA_OK);
    }
}

static void test_strerror(void)
{
    const int codes[] = {MADA_OK,         MADA_E_NULL,     MADA_E_OVERLAP, MADA_E_GRAD,
                         MADA_E_PARAM,    MADA_E_LR,       MADA_E_COEF,    MADA_E_CONFIG,
                         MADA_E_SIZE,     MADA_E_NOMEM,    MADA_E_DTYPE,   MADA_E_PRESET,
                         MADA_E_BACKEND,  MADA_E_IO,       MADA_E_FORMAT,  MADA_E_VERSION,
                         MADA_E_CHECKSUM, MADA_E_MISMATCH, MADA_E_STATE,   MADA_E_INDEX};
    const size_t nc = sizeof codes / sizeof codes[0];
    CU_ASSERT(nc == 20);
    for (size_t i = 0; i < nc; i++) {
        CU_ASSERT(codes[i] == -(int)i); /* 0, -1, ..., -19: the list is complete */
        const char *s = mada_strerror(codes[i]);
        CU_ASSERT_FATAL(s != NULL);
        CU_ASSERT(s[0] != '\0');
        CU_ASSERT(mada_strerror(codes[i]) == s || strcmp(mada_strerror(codes[i]), s) == 0);
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(strcmp(s, mada_strerror(codes[j])) != 0);
    }
    const int unknown[] = {1, 2, -20, -100, INT_MIN, INT_MAX};
    for (size_t u = 0; u < sizeof unknown / sizeof unknown[0]; u++) {
        const char *s = mada_strerror(unknown[u]);
        CU_ASSERT_FATAL(s != NULL);
        CU_ASSERT(s[0] != '\0');
        for (size_t j = 0; j < nc; j++)
            CU_ASSERT(strcmp(s, mada_strerror(codes[j])) != 0);
    }
}

/* ---- A rejected step, fixed and retried, is the step never rejected ------------------------ */
static void retry_after_reject(const char *preset, int warmup0, mada_dtype d)
{
    const size_t n = BN, esz = esz_of(d), bytes = n * esz;
    mada_opt *a = create_preset(preset, warmup0, n, d);
    mada_opt *b = create_preset(preset, warmup0, n, d);
    void *xa = malloc(bytes), *xb = malloc(bytes), *g = malloc(bytes);
    CU_ASSERT_FATAL(xa && xb && g);
    rng_t r = {0x7e57u + (uint64_t)d};
    fill_random(xa, n, d, &r, -4, 2, 0.05);
    memcpy(xb, xa, bytes);
    for (int s = 0; s < 40; s++) {
        fill_random(g, n, d, &r, -12, 3, 0.05);
        const double lr = rng_range(&r, 1e-4, 1e-2);
        if (s % 4 == 3) {
            /* Rejections on a only: gradient, parameter, learning rate. */
            const size_t i = (size_t)(rng_u64(&r) % n);
            unsigned char keep[8];
            memcpy(keep, (unsigned char *)g + i * esz, esz);
            set_elem(g, d, i, (s % 8 == 3) ? NAN : -INFINITY);
            expect_step_fail(a, xa, bytes, g, bytes, lr, MADA_E_GRAD, __LINE__);
            CU_ASSERT(mada_last_error_index(a) == i);
            memcpy((unsigned char *)g + i * esz, keep, esz);

            memcpy(keep, (unsigned char *)xa + i * esz, esz);
            set_elem(xa, d, i, above(d, MADA_XMAX));
            expect_step_fail(a, xa, bytes, g, bytes, lr, MADA_E_PARAM, __LINE__);
            CU_ASSERT(mada_last_error_index(a) == i);
            memcpy((unsigned char *)xa + i * esz, keep, esz);

            expect_step_fail(a, xa, bytes, g, bytes, -lr, MADA_E_LR, __LINE__);
        }
        CU_ASSERT(mada_step(a, xa, g, lr) == MADA_OK);
        CU_ASSERT(mada_step(b, xb, g, lr) == MADA_OK);
        CU_ASSERT(mada_last_error_index(a) == SIZE_MAX);
        CU_ASSERT(mada_last_error(a)[0] == '\0');
        snapshot sb = snap_take(b);
        CU_ASSERT(snap_equal(&sb, a));
        snap_free(&sb);
        CU_ASSERT(memcmp(xa, xb, bytes) == 0);
    }
    mada_info ia, ib;
    CU_ASSERT(mada_get_info(a, &ia) == MADA_OK && mada_get_info(b, &ib) == MADA_OK);
    CU_ASSERT(memcmp(&ia, &ib, sizeof ia) == 0);
    CU_ASSERT(ia.t == 40);
    if (warmup0 && strcmp(preset, "mada") == 0)
        CU_ASSERT(ia.hyper_steps == 39);
    mada_destroy(a);
    mada_destroy(b);
    free(xa);
    free(xb);
    free(g);
}

static void test_retry_f32(void)
{
    retry_after_reject("mada", 1, MADA_F32);
    retry_after_reject("adam", 0, MADA_F32);
}

static void test_retry_f64(void)
{
    retry_after_reject("mada", 1, MADA_F64);
    retry_after_reject("adam", 0, MADA_F64);
}

void register_badinput_suite(void)
{
    static const test_entry tests[] = {
        {"gradient domain, binary32", test_grad_f32},
        {"gradient domain, binary64", test_grad_f64},
        {"parameter domain, binary32", test_param_f32},
        {"parameter domain, binary64", test_param_f64},
        {"NULL and overlapping buffers, binary32", test_null_overlap_f32},
        {"NULL and overlapping buffers, binary64", test_null_overlap_f64},
        {"learning rate domain, binary32", test_lr_f32},
        {"learning rate domain, binary64", test_lr_f64},
        {"mada_create errors, binary32", test_create_f32},
        {"mada_create errors, binary64", test_create_f64},
        {"mada_set_coef errors, binary32", test_set_coef_f32},
        {"mada_set_coef errors, binary64", test_set_coef_f64},
        {"unknown preset", test_preset_unknown},
        {"mada_strerror", test_strerror},
        {"rejected step then fixed step, binary32", test_retry_f32},
        {"rejected step then fixed step, binary64", test_retry_f64},
        {NULL, NULL},
    };
    add_suite("bad input", tests);
}
