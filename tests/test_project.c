/*
 * test_project.c -- the projection onto a box (spec 7.1, mada_project()):
 * the clamped values bit for bit, the partials zeroed exactly where an
 * element was clamped and nothing else written, the next hyper-gradient
 * blind to a clamped element, and every refused input changing nothing.
 * Every backend against the reference: the differential suite
 * (tests/test_fast.c) projects between its steps.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Element i of b and the value v (of b's type) have the same bits. */
static int same_bits(const void *b, size_t i, mada_dtype d, double v)
{
    if (d == MADA_F32) {
        const float f = (float)v;
        return memcmp((const float *)b + i, &f, sizeof f) == 0;
    }
    return memcmp((const double *)b + i, &v, sizeof v) == 0;
}

static mada_opt *opt_of(const char *preset, size_t n, mada_dtype d)
{
    mada_config cfg;
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    cfg.warmup = 0;
    CU_ASSERT_FATAL(mada_create(&o, n, d, &cfg) == MADA_OK);
    return o;
}

/* The clamped values, bit for bit: outside -> the nearer bound, inside
 * (bounds and signed zeros included) -> unchanged; finite values beyond
 * XMAX are clamped too; lo == hi collapses everything. */
static void test_values(void)
{
    static const double in[] = {-3.0, -1.0, -0.5, -0.0, 0.0, 0.75, 1.0, 1.5, 1e30, -0x1p-149};
    static const double out[] = {-1.0, -1.0, -0.5, -0.0, 0.0, 0.75, 1.0, 1.0, 1.0, -0x1p-149};
    const size_t n = sizeof in / sizeof in[0];
    for (int t = 0; t < 2; t++) {
        const mada_dtype d = t ? MADA_F64 : MADA_F32;
        mada_opt *o = opt_of("adam", n, d);
        void *x = malloc(n * elem_size(d));
        CU_ASSERT_FATAL(x != NULL);
        for (size_t i = 0; i < n; i++)
            elem_put(x, i, d, in[i]);
        CU_ASSERT(mada_project(o, x, -1.0, 1.0) == MADA_OK);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT(same_bits(x, i, d, out[i]));
        CU_ASSERT(strcmp(mada_last_error(o), "") == 0);
        /* A second projection changes nothing (idempotent). */
        CU_ASSERT(mada_project(o, x, -1.0, 1.0) == MADA_OK);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT(same_bits(x, i, d, out[i]));
        /* lo == hi. */
        CU_ASSERT(mada_project(o, x, 0.25, 0.25) == MADA_OK);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT(same_bits(x, i, d, 0.25));
        free(x);
        mada_destroy(o);
    }
    /* binary64: a finite parameter far beyond XMAX, and the bounds at
     * +-XMAX. */
    mada_opt *o = opt_of("adam", 2, MADA_F64);
    double x2[2] = {1e300, -1e300};
    CU_ASSERT(mada_project(o, x2, -MADA_XMAX, MADA_XMAX) == MADA_OK);
    CU_ASSERT(x2[0] == MADA_XMAX && x2[1] == -MADA_XMAX);
    mada_destroy(o);
}

/* After two steps of an optimizer whose six coefficients learn, a
 * projection zeroes (+0) every partial of each clamped element and keeps
 * every other byte: the other partials, the moments, the coefficients, t. */
static void test_partials(void)
{
    const size_t n = 257;
    for (int t = 0; t < 2; t++) {
        const mada_dtype d = t ? MADA_F64 : MADA_F32;
        const size_t bytes = n * elem_size(d);
        mada_opt *o = opt_of("mada", n, d);
        void *x = malloc(bytes), *g = malloc(bytes), *x0 = malloc(bytes);
        CU_ASSERT_FATAL(x && g && x0);
        rng_t r = {42u + (uint64_t)t};
        for (size_t i = 0; i < n; i++)
            elem_put(x, i, d, rng_range(&r, -1.0, 1.0));
        for (int s = 0; s < 2; s++) {
            for (size_t i = 0; i < n; i++)
                elem_put(g, i, d, rng_range(&r, -2.0, 2.0));
            CU_ASSERT_FATAL(mada_step(o, x, g, 0.05) == MADA_OK);
        }
        int learning = 0;
        for (int k = 0; k < MADA_NCOEF; k++)
            learning += o->part[k] != NULL;
        CU_ASSERT_FATAL(learning == MADA_NCOEF && o->part_valid);
        void *before[MADA_NCOEF];
        for (int k = 0; k < MADA_NCOEF; k++) {
            before[k] = malloc(bytes);
            CU_ASSERT_FATAL(before[k] != NULL);
            memcpy(before[k], o->part[k], bytes);
        }
        /* The state arrays, compared after the projection. */
        void *arr[MADA_NARR];
        for (int a = 0; a < MADA_NARR; a++) {
            arr[a] = o->arr[a] ? malloc(bytes) : NULL;
            if (o->arr[a])
                memcpy(arr[a], o->arr[a], bytes);
        }
        double coef[MADA_NCOEF];
        CU_ASSERT(mada_get_coefs(o, coef) == MADA_OK);
        const uint64_t t_before = o->t;
        memcpy(x0, x, bytes);

        const double lo = -0.25, hi = 0.5;
        CU_ASSERT(mada_project(o, x, lo, hi) == MADA_OK);
        size_t clamped = 0, kept = 0;
        for (size_t i = 0; i < n; i++) {
            const double xi = elem_get(x0, i, d);
            const int out = xi < lo || xi > hi;
            clamped += out;
            kept += !out;
            CU_ASSERT(same_bits(x, i, d, xi < lo ? lo : xi > hi ? hi : xi));
            for (int k = 0; k < MADA_NCOEF; k++) {
                const int ok = out ? same_bits(o->part[k], i, d, 0.0) /* +0 */
                                   : memcmp((char *)o->part[k] + i * elem_size(d),
                                            (char *)before[k] + i * elem_size(d), elem_size(d)) == 0;
                CU_ASSERT(ok);
            }
        }
        CU_ASSERT(clamped > n / 4 && kept > n / 4); /* the case is not degenerate */
        for (int a = 0; a < MADA_NARR; a++)
            if (arr[a])
                CU_ASSERT(memcmp(arr[a], o->arr[a], bytes) == 0);
        double coef2[MADA_NCOEF];
        CU_ASSERT(mada_get_coefs(o, coef2) == MADA_OK);
        CU_ASSERT(memcmp(coef, coef2, sizeof coef) == 0);
        CU_ASSERT(o->t == t_before);
        for (int a = 0; a < MADA_NARR; a++)
            free(arr[a]);
        for (int k = 0; k < MADA_NCOEF; k++)
            free(before[k]);
        free(x), free(g), free(x0);
        mada_destroy(o);
    }
}

/* The next hyper-gradient does not see a clamped element (spec 7.1): one
 * element, clamped after step 1, gives h_q = 0 for every coefficient at
 * step 2, so the coefficients keep their values; unclamped, the same run
 * moves them (the control). */
static void test_next_hypergradient(void)
{
    for (int clamp = 0; clamp < 2; clamp++) {
        mada_opt *o = opt_of("mada", 1, MADA_F64);
        double x = 0.9, g = 1.0;
        CU_ASSERT_FATAL(mada_step(o, &x, &g, 0.1) == MADA_OK);
        double c0[MADA_NCOEF], c1[MADA_NCOEF];
        CU_ASSERT(mada_get_coefs(o, c0) == MADA_OK);
        if (clamp)
            CU_ASSERT(mada_project(o, &x, 0.95, 1.0) == MADA_OK);
        g = -0.75;
        CU_ASSERT_FATAL(mada_step(o, &x, &g, 0.1) == MADA_OK);
        mada_info info;
        CU_ASSERT(mada_get_info(o, &info) == MADA_OK);
        CU_ASSERT(info.hyper_steps == 1);
        CU_ASSERT(mada_get_coefs(o, c1) == MADA_OK);
        int zero = 1, moved = 0;
        for (int k = 0; k < MADA_NCOEF; k++) {
            zero &= info.hypergrad[k] == 0.0;
            moved |= c1[k] != c0[k];
        }
        CU_ASSERT(clamp ? zero && !moved : !zero && moved);
        mada_destroy(o);
    }
}

/* Every refused input: the status, a sentence that names the cause, and
 * nothing changed (the optimizer byte for byte, the parameters). */
static void expect_refused(mada_opt *o, void *x, double lo, double hi, int want,
                           const char *words, size_t index)
{
    const size_t bytes = o->n * o->esz;
    snapshot s = snap_take(o);
    unsigned char *keep = malloc(bytes);
    CU_ASSERT_FATAL(keep != NULL);
    if (x)
        memcpy(keep, x, bytes);
    const int rc = mada_project(o, x, lo, hi);
    CU_ASSERT(rc == want);
    if (rc != want || !strstr(mada_last_error(o), words))
        printf("\n    project(%g, %g): %d \"%s\", expected %d with \"%s\"\n", lo, hi, rc,
               mada_last_error(o), want, words);
    CU_ASSERT(strstr(mada_last_error(o), words) != NULL);
    CU_ASSERT(mada_last_error_index(o) == index);
    CU_ASSERT(snap_equal(&s, o));
    if (x)
        CU_ASSERT(memcmp(keep, x, bytes) == 0);
    free(keep);
    snap_free(&s);
}

static void test_refused(void)
{
    const size_t n = 64;
    for (int t = 0; t < 2; t++) {
        const mada_dtype d = t ? MADA_F64 : MADA_F32;
        mada_opt *o = opt_of("mada", n, d);
        void *x = malloc(n * elem_size(d)), *g = malloc(n * elem_size(d));
        CU_ASSERT_FATAL(x && g);
        for (size_t i = 0; i < n; i++) {
            elem_put(x, i, d, 2.0 * sin((double)i));
            elem_put(g, i, d, cos((double)i));
        }
        CU_ASSERT_FATAL(mada_step(o, x, g, 0.01) == MADA_OK);
        CU_ASSERT(mada_project(NULL, x, -1.0, 1.0) == MADA_E_NULL);
        expect_refused(o, NULL, -1.0, 1.0, MADA_E_NULL, "x is NULL", SIZE_MAX);
        expect_refused(o, x, NAN, 1.0, MADA_E_BOUNDS, "lo is NaN", SIZE_MAX);
        expect_refused(o, x, -1.0, INFINITY, MADA_E_BOUNDS, "hi is infinite", SIZE_MAX);
        expect_refused(o, x, -INFINITY, 1.0, MADA_E_BOUNDS, "lo is infinite", SIZE_MAX);
        expect_refused(o, x, 1.0, -1.0, MADA_E_BOUNDS, "above hi", SIZE_MAX);
        expect_refused(o, x, -0x1p101, 1.0, MADA_E_BOUNDS, "lo = ", SIZE_MAX);
        expect_refused(o, x, -1.0, 0x1p101, MADA_E_BOUNDS, "MADA_XMAX", SIZE_MAX);
        if (d == MADA_F32) { /* 0.1 is not a binary32 value; (float)0.1 is */
            expect_refused(o, x, -1.0, 0.1, MADA_E_BOUNDS, "not a binary32 value", SIZE_MAX);
            CU_ASSERT(mada_project(o, x, -1.0, (double)(float)0.1) == MADA_OK);
        } else {
            CU_ASSERT(mada_project(o, x, -1.0, 0.1) == MADA_OK);
        }
        /* x overlapping the optimizer's own state. */
        expect_refused(o, o->arr[MADA_ARR_M], -1.0, 1.0, MADA_E_OVERLAP, "own state", SIZE_MAX);
        expect_refused(o, o->part[MADA_RHO], -1.0, 1.0, MADA_E_OVERLAP, "own state", SIZE_MAX);
        /* Non-finite parameters: the first one named, nothing clamped. */
        elem_put(x, 40, d, INFINITY);
        elem_put(x, 17, d, NAN);
        elem_put(x, 3, d, 5.0); /* outside: would be clamped */
        expect_refused(o, x, -1.0, 1.0, MADA_E_PARAM, "x[17]", 17);
        CU_ASSERT(strstr(mada_last_error(o), "NaN") != NULL);
        elem_put(x, 17, d, 0.0);
        expect_refused(o, x, -1.0, 1.0, MADA_E_PARAM, "infinite", 40);
        elem_put(x, 40, d, 0.0);
        CU_ASSERT(mada_project(o, x, -1.0, 1.0) == MADA_OK);
        CU_ASSERT(elem_get(x, 3, d) == 1.0);
        free(x), free(g);
        mada_destroy(o);
    }
}

/* A lean optimizer with no partials (adam) projects its parameters only;
 * projecting before the first step is allowed, and the steps after it run. */
static void test_lean_and_first(void)
{
    mada_opt *o = opt_of("adam", 3, MADA_F32);
    mada_info info;
    CU_ASSERT(mada_get_info(o, &info) == MADA_OK && info.state_bytes_per_elem == 8);
    float x[3] = {-2.0f, 0.5f, 2.0f}, g[3] = {1.0f, 1.0f, 1.0f};
    CU_ASSERT(mada_project(o, x, -1.0, 1.0) == MADA_OK);
    CU_ASSERT(x[0] == -1.0f && x[1] == 0.5f && x[2] == 1.0f);
    CU_ASSERT(mada_step(o, x, g, 1e-3) == MADA_OK);
    CU_ASSERT(mada_project(o, x, -1.0, 1.0) == MADA_OK);
    CU_ASSERT(x[0] >= -1.0f && x[2] <= 1.0f);
    mada_destroy(o);
}

void register_project_suite(void)
{
    static const test_entry tests[] = {
        {"clamped values bit for bit (binary32, binary64)", test_values},
        {"partials zeroed exactly where clamped, nothing else written", test_partials},
        {"the next hyper-gradient does not see a clamped element", test_next_hypergradient},
        {"refused inputs name the cause and change nothing", test_refused},
        {"lean optimizer without partials; projection before the first step",
         test_lean_and_first},
        {NULL, NULL},
    };
    add_suite("projection (spec 7.1)", tests);
}
