/*
 * test_lean.c -- lean configurations (spec 5.1; issue 9).
 *
 * - Memory: each preset keeps exactly the arrays 5.1 lists, and reports its
 *   bytes of state per element and its lean mask.
 * - Lean against full (mada_config.lean = 0) on random configurations and
 *   inputs: every value both keep is equal as an IEEE value (==) at every
 *   step, and equal in bits except a zero whose sign differs, which 5.1
 *   allows; a constructed case shows such a zero.
 * - Revival: mada_set_coef() that would break a lean part is refused and
 *   changes nothing.
 * - Today's bits: runs of the library before lean configurations existed
 *   (tests/data/legacy, format version 1, written by tests/data/gen_legacy.c)
 *   load as full optimizers and continue bit for bit; lean = 0 from scratch
 *   gives the same bytes; lean runs give equal values.
 * - State files of format version 2: lean files round-trip and continue bit
 *   for bit; a lean mask that disagrees with the configuration is refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legacy_run.h"
#include "testutil.h"

#ifndef MADA_TEST_DATA
#define MADA_TEST_DATA "tests/data"
#endif

static size_t esz_of(mada_dtype d)
{
    return d == MADA_F32 ? 4 : 8;
}

static mada_opt *create_or_fail(const mada_config *cfg, size_t n, mada_dtype d)
{
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_create(&o, n, d, cfg) == MADA_OK);
    return o;
}

/* ---- Memory per element -------------------------------------------------------- */
static void test_memory_per_preset(void)
{
    static const struct {
        const char *preset;
        size_t bytes_f32;  /* lean, binary32 */
        unsigned mask;
        unsigned arrays;   /* bit MADA_ARR_* */
    } want[] = {
        {"adam", 8, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_LION | MADA_LEAN_NO_AVG | MADA_LEAN_NO_YOGI,
         1u << MADA_ARR_M | 1u << MADA_ARR_V},
        {"amsgrad", 12, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_LION | MADA_LEAN_NO_YOGI,
         1u << MADA_ARR_M | 1u << MADA_ARR_V | 1u << MADA_ARR_VB},
        {"avgrad", 12, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_LION | MADA_LEAN_NO_YOGI,
         1u << MADA_ARR_M | 1u << MADA_ARR_V | 1u << MADA_ARR_VB},
        {"yogi", 8, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_LION | MADA_LEAN_NO_AVG,
         1u << MADA_ARR_M | 1u << MADA_ARR_V},
        {"adan", 16, MADA_LEAN_NO_LION | MADA_LEAN_NO_AVG | MADA_LEAN_NO_YOGI,
         1u << MADA_ARR_M | 1u << MADA_ARR_V | 1u << MADA_ARR_N | 1u << MADA_ARR_GP},
        {"lion", 4, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_AVG | MADA_LEAN_NO_YOGI | MADA_LEAN_LION_ONLY,
         1u << MADA_ARR_L},
        /* beta1, beta2 learn: their two partials. */
        {"hyperadam", 16, MADA_LEAN_NO_ADAN | MADA_LEAN_NO_LION | MADA_LEAN_NO_AVG | MADA_LEAN_NO_YOGI,
         1u << MADA_ARR_M | 1u << MADA_ARR_V},
        /* Every coefficient learns: six arrays and six partials. */
        {"mada", 48, 0, 0x3Fu},
        /* beta3, rho, c learn; gamma frozen at 1: no l. */
        {"mada-toy", 32, MADA_LEAN_NO_LION,
         1u << MADA_ARR_M | 1u << MADA_ARR_V | 1u << MADA_ARR_VB | 1u << MADA_ARR_N |
             1u << MADA_ARR_GP},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        for (int di = 0; di < 2; di++) {
            const mada_dtype d = di ? MADA_F64 : MADA_F32;
            for (int lean = 0; lean <= 1; lean++) {
                mada_config cfg;
                CU_ASSERT_FATAL(mada_config_preset(&cfg, want[k].preset) == MADA_OK);
                CU_ASSERT(cfg.lean == 1); /* the presets' default */
                cfg.lean = lean;
                mada_opt *o = create_or_fail(&cfg, 10, d);
                mada_info info;
                CU_ASSERT_FATAL(mada_get_info(o, &info) == MADA_OK);
                unsigned arrays = 0;
                int partials = 0;
                for (int a = 0; a < MADA_NARR; a++)
                    arrays |= o->arr[a] ? 1u << a : 0u;
                for (int q = 0; q < MADA_NCOEF; q++)
                    partials += o->part[q] != NULL;
                const size_t per = lean ? want[k].bytes_f32 : (size_t)(6 + partials) * 4;
                const size_t bytes = di ? 2 * per : per;
                if (info.state_bytes_per_elem != bytes || info.lean_mask != (lean ? want[k].mask : 0))
                    printf("\n    %s %s lean=%d: %zu bytes/elem (want %zu), mask 0x%x (want 0x%x)\n",
                           want[k].preset, d == MADA_F32 ? "f32" : "f64", lean,
                           info.state_bytes_per_elem, bytes, info.lean_mask,
                           lean ? want[k].mask : 0u);
                CU_ASSERT(info.state_bytes_per_elem == bytes);
                CU_ASSERT(info.lean_mask == (lean ? want[k].mask : 0u));
                CU_ASSERT(arrays == (lean ? want[k].arrays : 0x3Fu));
                mada_destroy(o);
            }
        }
    }
}

/* ---- Lean against full ---------------------------------------------------------- */
/* Compare element i of two arrays of type d: 0 equal bits, 1 equal values
 * differing only in the sign of a zero, 2 different. */
static int cmp_elem(const void *a, const void *b, size_t i, mada_dtype d)
{
    if (d == MADA_F32) {
        const float x = ((const float *)a)[i], y = ((const float *)b)[i];
        if (memcmp(&x, &y, 4) == 0)
            return 0;
        return x == 0.0f && y == 0.0f ? 1 : 2;
    }
    const double x = ((const double *)a)[i], y = ((const double *)b)[i];
    if (memcmp(&x, &y, 8) == 0)
        return 0;
    return x == 0.0 && y == 0.0 ? 1 : 2;
}

typedef struct {
    unsigned long long compared, zero_sign, different;
} cmp_count;

static void cmp_arrays(const void *a, const void *b, size_t n, mada_dtype d, cmp_count *c)
{
    for (size_t i = 0; i < n; i++) {
        const int r = cmp_elem(a, b, i, d);
        c->compared++;
        c->zero_sign += r == 1;
        c->different += r == 2;
    }
}

/* A random configuration: each coefficient frozen at a lean value (0 or 1
 * where 5.1 has a part), frozen elsewhere, or learning. */
static mada_config random_config(rng_t *r)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    for (int q = 0; q < MADA_NCOEF; q++) {
        const unsigned pick = (unsigned)(rng_u64(r) % 4u);
        const double hi = q <= MADA_BETA3 ? 0.99 : 1.0;
        if (pick == 0) { /* frozen at a lean value */
            cfg.eta[q] = 0.0;
            cfg.coef[q] = q == MADA_BETA3 ? 0.0 : q == MADA_GAMMA ? (double)(rng_u64(r) & 1u)
                        : q >= MADA_RHO ? 1.0 : cfg.coef[q];
        } else if (pick == 1) { /* frozen elsewhere */
            cfg.eta[q] = 0.0;
            cfg.coef[q] = q == MADA_BETA2 ? rng_range(r, 0.6, 0.999) : rng_range(r, 0.0, hi);
        } else { /* learning, inside its range */
            cfg.eta[q] = rng_range(r, 1e-4, 0.2);
            cfg.coef[q] = rng_range(r, cfg.lo[q], cfg.hi[q]);
        }
    }
    if (rng_u64(r) % 5u == 0) /* Lion only: nothing learns, gamma frozen at 0 */
        for (int q = 0; q < MADA_NCOEF; q++)
            cfg.eta[q] = 0.0, cfg.coef[MADA_GAMMA] = 0.0;
    cfg.warmup = rng_u64(r) % 3u;
    cfg.mu[0] = cfg.mu[3] = rng_range(r, 0.0, 0.9);
    cfg.vbar = (rng_u64(r) & 1u) ? MADA_VBAR_MAX : MADA_VBAR_AVG;
    cfg.lambda = (rng_u64(r) & 1u) ? rng_range(r, 0.0, 0.1) : 0.0;
    if (rng_u64(r) % 4u == 0)
        mada_config_compat(&cfg);
    cfg.eps = (rng_u64(r) & 1u) ? 1e-8 : 0x1p-40;
    return cfg;
}

static void lean_vs_full(mada_dtype d)
{
    const size_t n = 53, esz = esz_of(d);
    cmp_count c = {0, 0, 0};
    unsigned masks_seen = 0;
    int runs = 0;
    for (uint64_t seed = 1; seed <= 120; seed++) {
        rng_t r = {seed * 7777u + (uint64_t)d};
        mada_config cfg = random_config(&r);
        if (mada_config_check(&cfg) != MADA_OK)
            continue;
        mada_config full_cfg = cfg;
        full_cfg.lean = 0;
        mada_opt *lean = create_or_fail(&cfg, n, d), *full = create_or_fail(&full_cfg, n, d);
        mada_info info;
        mada_get_info(lean, &info);
        masks_seen |= 1u << info.lean_mask;
        void *xl = malloc(n * esz), *xf = malloc(n * esz), *g = malloc(n * esz);
        CU_ASSERT_FATAL(xl && xf && g);
        fill_random(xl, n, d, &r, -4, 2, 0.2);
        memcpy(xf, xl, n * esz);
        for (int t = 1; t <= 60; t++) {
            /* Gradients with exact zeros, signed zeros and repeats (g == gp). */
            fill_random(g, n, d, &r, cfg.compat && t == 1 ? -20 : -30, cfg.compat && t == 1 ? 10 : 6,
                        0.15);
            for (size_t i = 0; i < n; i += 7) {
                if (d == MADA_F32)
                    ((float *)g)[i] = -0.0f;
                else
                    ((double *)g)[i] = -0.0;
            }
            const double lr = rng_range(&r, 1e-4, 1e-2);
            const int rl = mada_step(lean, xl, g, lr), rf = mada_step(full, xf, g, lr);
            CU_ASSERT(rl == MADA_OK && rf == MADA_OK);
            if (rl != MADA_OK || rf != MADA_OK)
                break;
            cmp_arrays(xl, xf, n, d, &c);
            for (int a = 0; a < MADA_NARR; a++)
                if (lean->arr[a])
                    cmp_arrays(lean->arr[a], full->arr[a], n, d, &c);
            for (int q = 0; q < MADA_NCOEF; q++)
                if (lean->part[q] && lean->part_valid)
                    cmp_arrays(lean->part[q], full->part[q], n, d, &c);
            /* The coefficients follow the same hyper-gradients. */
            CU_ASSERT(memcmp(lean->cfg.coef, full->cfg.coef, sizeof lean->cfg.coef) == 0);
        }
        runs++;
        free(xl), free(xf), free(g);
        mada_destroy(lean), mada_destroy(full);
    }
    printf("\n    %s: %d random configurations (%d distinct lean masks), %llu values compared, "
           "%llu equal except the sign of a zero, %llu different\n",
           d == MADA_F32 ? "binary32" : "binary64", runs, __builtin_popcount(masks_seen),
           c.compared, c.zero_sign, c.different);
    CU_ASSERT(runs >= 100);
    CU_ASSERT(__builtin_popcount(masks_seen) >= 8);
    CU_ASSERT(c.different == 0);
}

static void test_lean_vs_full_f32(void)
{
    lean_vs_full(MADA_F32);
}

static void test_lean_vs_full_f64(void)
{
    lean_vs_full(MADA_F64);
}

/* The sign of a zero (spec 5.1): with beta1 = 0 and beta3 frozen at 0, a
 * second gradient -0 after -1 makes m1 = 0*(-1) + 1*(-0) = -0, so mh = -0;
 * the full line N = mh + 0*n1 with n1 = d = 1 gives +0, the lean N = mh
 * gives -0; with x = -0, x' = x - lr*upd is -0 (full) and +0 (lean). */
static void test_zero_sign(void)
{
    for (int di = 0; di < 2; di++) {
        const mada_dtype d = di ? MADA_F64 : MADA_F32;
        mada_config cfg;
        CU_ASSERT_FATAL(mada_config_preset(&cfg, "adam") == MADA_OK);
        cfg.coef[MADA_BETA1] = 0.0;
        mada_config full_cfg = cfg;
        full_cfg.lean = 0;
        mada_opt *lean = create_or_fail(&cfg, 1, d), *full = create_or_fail(&full_cfg, 1, d);
        double xd[2] = {-0.0, -0.0}, gd[2] = {-1.0, -0.0};
        float xf[2] = {-0.0f, -0.0f}, gf[2] = {-1.0f, -0.0f};
        void *x0 = d == MADA_F32 ? (void *)&xf[0] : (void *)&xd[0];
        void *x1 = d == MADA_F32 ? (void *)&xf[1] : (void *)&xd[1];
        const void *g0 = d == MADA_F32 ? (void *)&gf[0] : (void *)&gd[0];
        const void *g1 = d == MADA_F32 ? (void *)&gf[1] : (void *)&gd[1];
        CU_ASSERT(mada_step(lean, x0, g0, 1e-3) == MADA_OK);
        CU_ASSERT(mada_step(full, x1, g0, 1e-3) == MADA_OK);
        /* The caller puts its parameter back at -0 (both the same). */
        if (d == MADA_F32)
            xf[0] = xf[1] = -0.0f;
        else
            xd[0] = xd[1] = -0.0;
        CU_ASSERT(mada_step(lean, x0, g1, 1e-3) == MADA_OK);
        CU_ASSERT(mada_step(full, x1, g1, 1e-3) == MADA_OK);
        const double vl = d == MADA_F32 ? xf[0] : xd[0], vf = d == MADA_F32 ? xf[1] : xd[1];
        CU_ASSERT(vl == 0.0 && vf == 0.0);   /* equal values */
        CU_ASSERT(!signbit(vl) && signbit(vf)); /* lean +0, full -0 */
        /* Everything the lean optimizer keeps is the same in bits. */
        CU_ASSERT(memcmp(lean->arr[MADA_ARR_M], full->arr[MADA_ARR_M], esz_of(d)) == 0);
        CU_ASSERT(memcmp(lean->arr[MADA_ARR_V], full->arr[MADA_ARR_V], esz_of(d)) == 0);
        mada_destroy(lean), mada_destroy(full);
    }
}

/* ---- Revival refused ---------------------------------------------------------------- */
static void test_revival_refused(void)
{
    static const struct {
        const char *preset;
        int q;
        double value;
        const char *names; /* what the message must name */
    } cases[] = {
        {"adam", MADA_BETA3, 0.5, "beta3"},  {"adam", MADA_GAMMA, 0.5, "gamma"},
        {"adam", MADA_RHO, 0.0, "rho"},      {"adam", MADA_C, 0.0, "Yogi"},
        {"avgrad", MADA_GAMMA, 0.0, "l"},    {"lion", MADA_GAMMA, 1.0, "m, v, vbar, n and gp"},
        {"adan", MADA_RHO, 0.5, "vbar"},     {"mada-toy", MADA_GAMMA, 0.9, "the array l"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        mada_opt *o = make_opt(cases[k].preset, 16, MADA_F32);
        float x[16] = {0}, g[16];
        for (int i = 0; i < 16; i++)
            g[i] = 0.1f * (float)(i - 8);
        CU_ASSERT(mada_step(o, x, g, 1e-3) == MADA_OK);
        snapshot s = snap_take(o);
        CU_ASSERT(mada_set_coef(o, cases[k].q, cases[k].value) == MADA_E_CONFIG);
        CU_ASSERT(strstr(mada_last_error(o), cases[k].names) != NULL);
        CU_ASSERT(strstr(mada_last_error(o), "lean") != NULL);
        if (strstr(mada_last_error(o), cases[k].names) == NULL)
            printf("\n    message: %s\n", mada_last_error(o));
        CU_ASSERT(snap_equal(&s, o));
        /* The value it is frozen at is accepted; so is a change of a
         * coefficient no part depends on. */
        double q[MADA_NCOEF];
        mada_get_coefs(o, q);
        CU_ASSERT(mada_set_coef(o, cases[k].q, q[cases[k].q]) == MADA_OK);
        snap_free(&s);
        mada_destroy(o);
    }
    mada_opt *o = make_opt("adam", 4, MADA_F64);
    CU_ASSERT(mada_set_coef(o, MADA_BETA1, 0.8) == MADA_OK);
    mada_destroy(o);
    /* lean = 0 keeps every array: the same changes are accepted. */
    mada_config cfg;
    mada_config_preset(&cfg, "adam");
    cfg.lean = 0;
    o = create_or_fail(&cfg, 4, MADA_F64);
    CU_ASSERT(mada_set_coef(o, MADA_BETA3, 0.5) == MADA_OK);
    CU_ASSERT(mada_set_coef(o, MADA_GAMMA, 0.5) == MADA_OK);
    mada_destroy(o);
}

/* ---- Today's bits: the legacy runs ---------------------------------------------------- */
static void *read_raw(const char *name, size_t want)
{
    char path[512];
    snprintf(path, sizeof path, "%s/legacy/%s", MADA_TEST_DATA, name);
    size_t len = 0;
    unsigned char *b = slurp(path, &len);
    if (!b || len != want) {
        printf("\n    cannot read %s (%zu bytes, want %zu)\n", path, len, want);
        free(b);
        return NULL;
    }
    return b;
}

static void legacy_path(char *out, size_t cap, const legacy_case *c, const char *what)
{
    snprintf(out, cap, "%s/legacy/%s.%s", MADA_TEST_DATA, c->name, what);
}

static void test_legacy_v1(void)
{
    int checked = 0;
    for (size_t k = 0; k < LEGACY_NCASES; k++) {
        const legacy_case *c = &legacy_cases[k];
        const size_t bytes = c->n * esz_of(c->dtype);
        mada_config cfg;
        CU_ASSERT_FATAL(legacy_config(c, &cfg) == 0);
        char path[512];

        /* 1. The version-1 file loads as a full optimizer and continues bit
         *    for bit like the library that wrote it. */
        mada_opt *o = create_or_fail(&cfg, c->n, c->dtype);
        legacy_path(path, sizeof path, c, "before.mada");
        CU_ASSERT_FATAL(mada_load(o, path) == MADA_OK);
        mada_info info;
        mada_get_info(o, &info);
        CU_ASSERT(info.lean_mask == 0 && o->cfg.lean == 0);
        void *x = read_raw((snprintf(path, sizeof path, "%s.before.x", c->name), path), bytes);
        void *xa = read_raw((snprintf(path, sizeof path, "%s.after.x", c->name), path), bytes);
        void *g = malloc(bytes);
        CU_ASSERT_FATAL(x && xa && g);
        CU_ASSERT(legacy_steps(o, c, x, g, c->steps_before, c->steps_after) == 0);
        CU_ASSERT(memcmp(x, xa, bytes) == 0);
        mada_opt *after = create_or_fail(&cfg, c->n, c->dtype);
        legacy_path(path, sizeof path, c, "after.mada");
        CU_ASSERT_FATAL(mada_load(after, path) == MADA_OK);
        snapshot s = snap_take(after);
        CU_ASSERT(snap_equal(&s, o));

        /* 2. lean = 0 from scratch: the same bytes after all steps. */
        mada_config full = cfg;
        full.lean = 0;
        mada_opt *f = create_or_fail(&full, c->n, c->dtype);
        void *xf = calloc(1, bytes);
        CU_ASSERT(legacy_steps(f, c, xf, g, 0, c->steps_before + c->steps_after) == 0);
        CU_ASSERT(memcmp(xf, xa, bytes) == 0);
        CU_ASSERT(snap_equal(&s, f));

        /* 3. lean (the preset as it is): equal values of x and of every
         *    array it keeps. */
        mada_opt *l = create_or_fail(&cfg, c->n, c->dtype);
        void *xl = calloc(1, bytes);
        CU_ASSERT(legacy_steps(l, c, xl, g, 0, c->steps_before + c->steps_after) == 0);
        cmp_count cc = {0, 0, 0};
        cmp_arrays(xl, xa, c->n, c->dtype, &cc);
        for (int a = 0; a < MADA_NARR; a++)
            if (l->arr[a])
                cmp_arrays(l->arr[a], after->arr[a], c->n, c->dtype, &cc);
        CU_ASSERT(cc.different == 0);
        CU_ASSERT(memcmp(l->cfg.coef, after->cfg.coef, sizeof l->cfg.coef) == 0);

        snap_free(&s);
        free(x), free(xa), free(g), free(xf), free(xl);
        mada_destroy(o), mada_destroy(after), mada_destroy(f), mada_destroy(l);
        checked++;
    }
    CU_ASSERT(checked == (int)LEGACY_NCASES);
}

/* ---- State files of version 2 ------------------------------------------------------------- */
static void test_lean_files(void)
{
    char dir[32], path[64];
    make_dir(dir);
    path_in(path, sizeof path, dir, "s.mada");
    static const char *const presets[] = {"adam", "amsgrad", "yogi", "adan", "lion", "hyperadam",
                                          "mada-toy"};
    for (size_t k = 0; k < sizeof presets / sizeof presets[0]; k++) {
        for (int di = 0; di < 2; di++) {
            const mada_dtype d = di ? MADA_F64 : MADA_F32;
            const size_t n = 21, esz = esz_of(d);
            mada_config cfg;
            mada_config_preset(&cfg, presets[k]);
            cfg.warmup = 0;
            mada_opt *a = create_or_fail(&cfg, n, d), *b = create_or_fail(&cfg, n, d);
            void *x = malloc(n * esz), *g = malloc(n * esz);
            rng_t r = {k * 10u + (unsigned)di};
            fill_random(x, n, d, &r, -3, 1, 0.0);
            for (int t = 0; t < 30; t++) {
                fill_random(g, n, d, &r, -10, 2, 0.1);
                CU_ASSERT(mada_step(a, x, g, 1e-3) == MADA_OK);
            }
            CU_ASSERT(mada_save(a, path) == MADA_OK);
            CU_ASSERT(mada_load(b, path) == MADA_OK);
            snapshot s = snap_take(a);
            CU_ASSERT(snap_equal(&s, b));
            snap_free(&s);
            /* Both continue bit for bit. */
            void *x2 = malloc(n * esz);
            memcpy(x2, x, n * esz);
            for (int t = 0; t < 20; t++) {
                fill_random(g, n, d, &r, -10, 2, 0.1);
                CU_ASSERT(mada_step(a, x, g, 1e-3) == MADA_OK);
                CU_ASSERT(mada_step(b, x2, g, 1e-3) == MADA_OK);
            }
            CU_ASSERT(memcmp(x, x2, n * esz) == 0);
            s = snap_take(a);
            CU_ASSERT(snap_equal(&s, b));
            snap_free(&s);

            /* A lean mask that disagrees with the configuration.  The mask
             * is the last u32 of the header, lean the one before. */
            size_t len = 0;
            unsigned char *img = slurp(path, &len);
            CU_ASSERT_FATAL(img != NULL);
            mada_info info;
            mada_get_info(a, &info);
            const size_t arrays = info.state_bytes_per_elem / esz;
            const size_t hlen = len - 8 - arrays * n * esz;
            unsigned char *w = malloc(len);
            snapshot sb = snap_take(b);
            /* (i) a part whose condition the configuration does not meet:
             *     Yogi (no arrays, so the length still fits) on c != 1, or
             *     c moved off 1 under an existing Yogi part. */
            memcpy(w, img, len);
            if (info.lean_mask & MADA_LEAN_NO_YOGI) {
                const double c = 0.5;
                memcpy(w + 40 + 8 * MADA_C, &c, 8); /* coef[c] */
            } else {
                put_le32(w + hlen - 4, info.lean_mask | MADA_LEAN_NO_YOGI);
            }
            fix_crc(w, len);
            spit(path, w, len);
            CU_ASSERT(mada_load(b, path) == MADA_E_STATE);
            CU_ASSERT(snap_equal(&sb, b));
            /* (ii) lean = 0 with parts in force (or an unknown bit). */
            memcpy(w, img, len);
            if (info.lean_mask)
                put_le32(w + hlen - 8, 0);
            else
                put_le32(w + hlen - 4, 1u << 7);
            fix_crc(w, len);
            spit(path, w, len);
            CU_ASSERT(mada_load(b, path) == MADA_E_STATE);
            CU_ASSERT(snap_equal(&sb, b));
            snap_free(&sb);
            free(w), free(img), free(x), free(x2), free(g);
            mada_destroy(a), mada_destroy(b);
        }
    }
    rm_tree(dir);
}

void register_lean_suite(void)
{
    static const test_entry tests[] = {
        {"each preset keeps exactly the arrays of spec 5.1 (bytes per element, mask)",
         test_memory_per_preset},
        {"lean == full on random configurations, binary32", test_lean_vs_full_f32},
        {"lean == full on random configurations, binary64", test_lean_vs_full_f64},
        {"lean and full differ only in the sign of a zero (constructed case)", test_zero_sign},
        {"set_coef that would revive dropped state is refused", test_revival_refused},
        {"version-1 files of the previous library: load, continue bit for bit; lean = 0 "
         "gives the same bytes",
         test_legacy_v1},
        {"lean state files: round trip, continue, mask checked against the configuration",
         test_lean_files},
        {NULL, NULL},
    };
    add_suite("lean configurations (spec 5.1)", tests);
}
