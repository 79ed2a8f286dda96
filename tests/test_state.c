/*
 * test_state.c -- mada_save() and mada_load() (include/mada.h; the layout is
 * described at the top of ref/state_file.c).
 *
 * A saved and reloaded optimizer continues bit for bit like the original and
 * like a run that was never saved; every malformed, corrupted, foreign or
 * out-of-domain file is refused with its documented status and leaves the
 * target optimizer byte-identical; saving never leaves partial or temporary
 * files behind.  Files live in a mkdtemp() directory removed at the end of
 * each test.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* Fixed header offsets: magic "MADASTF\0" (8 bytes), u32 version, u32 dtype,
 * u64 n, u64 t, f64 lr_prev, then the six f64 coefficients. */
#define OFF_VERSION 8u
#define OFF_T 24u
#define OFF_LR_PREV 32u
#define OFF_COEF 40u

/* An assertion reported at the caller's line. */
#define CHECK_AT(cond, line) \
    CU_assertImplementation((cond) ? CU_TRUE : CU_FALSE, (unsigned)(line), #cond, __FILE__, "", CU_FALSE)

static size_t esz_of(mada_dtype d)
{
    return d == MADA_F32 ? sizeof(float) : sizeof(double);
}

/* Store value v in element i of the array that starts at byte off. */
static void put_elem(unsigned char *b, size_t off, mada_dtype d, size_t i, double v)
{
    if (d == MADA_F32) {
        const float f = (float)v;
        memcpy(b + off + i * 4, &f, 4);
    } else {
        memcpy(b + off + i * 8, &v, 8);
    }
}

/* ---- Runs ----------------------------------------------------------------------- */
static mada_opt *create_cfg(const mada_config *cfg, size_t n, mada_dtype d)
{
    mada_opt *opt = NULL;
    CU_ASSERT_FATAL(mada_create(&opt, n, d, cfg) == MADA_OK);
    return opt;
}

static mada_config preset_cfg(const char *preset, int warmup0)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    if (warmup0)
        cfg.warmup = 0;
    return cfg;
}

/* Steps [from, to) of a seeded gradient and learning-rate sequence, applied
 * to count optimizers, each with its own parameters. */
static void run(mada_opt **opts, void **xs, int count, size_t n, mada_dtype d, uint64_t seed,
                uint64_t from, uint64_t to)
{
    void *g = malloc(n * esz_of(d));
    CU_ASSERT_FATAL(g != NULL);
    for (uint64_t s = from; s < to; s++) {
        rng_t r = {seed * 0x9E3779B97F4A7C15ull + s};
        fill_random(g, n, d, &r, -12, 3, 0.02);
        const double lr = rng_range(&r, 1e-4, 3e-3);
        for (int k = 0; k < count; k++)
            CU_ASSERT(mada_step(opts[k], xs[k], g, lr) == MADA_OK);
    }
    free(g);
}

static void *init_x(size_t n, mada_dtype d, uint64_t seed)
{
    void *x = malloc(n * esz_of(d));
    CU_ASSERT_FATAL(x != NULL);
    rng_t r = {seed};
    fill_random(x, n, d, &r, -4, 2, 0.02);
    return x;
}

static void *dup_bytes(const void *p, size_t len)
{
    void *q = malloc(len);
    CU_ASSERT_FATAL(q != NULL);
    memcpy(q, p, len);
    return q;
}

/* ---- Round trip ------------------------------------------------------------------- */
#define RT_N 1000u

static void round_trip(mada_dtype d, int warmup0)
{
    char dir[32], path[128];
    make_dir(dir);
    path_in(path, sizeof path, dir, "state.bin");
    const size_t n = RT_N, bytes = n * esz_of(d);
    const mada_config cfg = preset_cfg("mada", warmup0);
    const uint64_t seed = 1000u + (uint64_t)d * 10u + (uint64_t)warmup0;

    /* a: saved at step 500 and continued; c: never saved. */
    mada_opt *a = create_cfg(&cfg, n, d), *c = create_cfg(&cfg, n, d);
    void *xa = init_x(n, d, seed), *xc = dup_bytes(xa, bytes);
    {
        mada_opt *o[] = {a, c};
        void *x[] = {xa, xc};
        run(o, x, 2, n, d, seed, 0, 500);
    }
    mada_info ia;
    CU_ASSERT(mada_get_info(a, &ia) == MADA_OK);
    CU_ASSERT(ia.t == 500);
    CU_ASSERT(ia.hyper_steps == (warmup0 ? 499u : 449u));
    int moved = 0;
    for (int k = 0; k < MADA_NCOEF; k++)
        moved += ia.coef[k] != cfg.coef[k];
    CU_ASSERT(moved > 0);

    snapshot sa = snap_take(a);
    CU_ASSERT(mada_save(a, path) == MADA_OK);
    CU_ASSERT(snap_equal(&sa, a));
    const char *only[] = {"state.bin"};
    CU_ASSERT(dir_is(dir, only, 1));

    /* b: a fresh optimizer of the same preset, loaded. */
    mada_opt *b = create_cfg(&cfg, n, d);
    CU_ASSERT(mada_load(b, path) == MADA_OK);
    CU_ASSERT(mada_last_error(b)[0] == '\0');
    CU_ASSERT(snap_equal(&sa, b));
    mada_info ib;
    CU_ASSERT(mada_get_info(b, &ib) == MADA_OK);
    CU_ASSERT(memcmp(&ia, &ib, sizeof ia) == 0);
    mada_config ca, cb;
    CU_ASSERT(mada_get_config(a, &ca) == MADA_OK && mada_get_config(b, &cb) == MADA_OK);
    CU_ASSERT(memcmp(&ca, &cb, sizeof ca) == 0);
    void *xb = dup_bytes(xa, bytes);
    {
        mada_opt *o[] = {a, b, c};
        void *x[] = {xa, xb, xc};
        run(o, x, 3, n, d, seed, 500, 800);
    }
    snapshot sc = snap_take(c);
    CU_ASSERT(snap_equal(&sc, a));
    CU_ASSERT(snap_equal(&sc, b));
    CU_ASSERT(memcmp(xa, xc, bytes) == 0);
    CU_ASSERT(memcmp(xb, xc, bytes) == 0);
    CU_ASSERT(mada_get_info(a, &ia) == MADA_OK && mada_get_info(b, &ib) == MADA_OK);
    CU_ASSERT(memcmp(&ia, &ib, sizeof ia) == 0);
    CU_ASSERT(ib.t == 800);

    snap_free(&sa);
    snap_free(&sc);
    mada_destroy(a);
    mada_destroy(b);
    mada_destroy(c);
    free(xa);
    free(xb);
    free(xc);
    rm_tree(dir);
}

static void test_round_trip_f32_w0(void)
{
    round_trip(MADA_F32, 1);
}

static void test_round_trip_f64_w0(void)
{
    round_trip(MADA_F64, 1);
}

static void test_round_trip_f32_w50(void)
{
    round_trip(MADA_F32, 0);
}

static void test_round_trip_f64_w50(void)
{
    round_trip(MADA_F64, 0);
}

/* Load replaces the whole optimizer, configuration included: a file of a
 * "mada" run loads into an "adam" (no partials) or compat optimizer, and a
 * file of a fresh optimizer resets a stepped one.  Save, load, save gives the
 * same bytes. */
static void replace_whole(mada_dtype d)
{
    char dir[32], p1[128], p2[128], p0[128];
    make_dir(dir);
    path_in(p1, sizeof p1, dir, "one.bin");
    path_in(p2, sizeof p2, dir, "two.bin");
    path_in(p0, sizeof p0, dir, "zero.bin");
    const size_t n = 300, bytes = n * esz_of(d);
    const mada_config mada = preset_cfg("mada", 1);
    mada_config other = preset_cfg("hyperadam", 0);
    CU_ASSERT(mada_config_compat(&other) == MADA_OK);
    const mada_config adam = preset_cfg("adam", 0);

    mada_opt *src = create_cfg(&mada, n, d);
    mada_opt *fresh = create_cfg(&mada, n, d);
    void *xs = init_x(n, d, 77);
    run(&src, &xs, 1, n, d, 77, 0, 60);
    CU_ASSERT(mada_save(src, p1) == MADA_OK);
    CU_ASSERT(mada_save(fresh, p0) == MADA_OK);
    snapshot ss = snap_take(src), sf = snap_take(fresh);

    const mada_config *targets[] = {&adam, &other, &mada};
    for (int k = 0; k < 3; k++) {
        mada_opt *t = create_cfg(targets[k], n, d);
        void *xt = init_x(n, d, 5);
        run(&t, &xt, 1, n, d, 5, 0, 7);
        CU_ASSERT(mada_load(t, p1) == MADA_OK);
        CU_ASSERT(snap_equal(&ss, t));
        CU_ASSERT(mada_save(t, p2) == MADA_OK);
        size_t l1 = 0, l2 = 0;
        unsigned char *b1 = slurp(p1, &l1), *b2 = slurp(p2, &l2);
        CU_ASSERT(b1 && b2 && l1 == l2 && memcmp(b1, b2, l1) == 0);
        free(b1);
        free(b2);
        /* Both continue alike. */
        memcpy(xt, xs, bytes);
        mada_opt *s2 = create_cfg(&adam, n, d);
        CU_ASSERT(mada_load(s2, p1) == MADA_OK);
        void *x2 = dup_bytes(xs, bytes);
        {
            mada_opt *o[] = {t, s2};
            void *x[] = {xt, x2};
            run(o, x, 2, n, d, 78, 60, 100);
        }
        snapshot s = snap_take(s2);
        CU_ASSERT(snap_equal(&s, t));
        CU_ASSERT(memcmp(xt, x2, bytes) == 0);
        snap_free(&s);
        /* Back to a fresh (t = 0) state. */
        CU_ASSERT(mada_load(t, p0) == MADA_OK);
        CU_ASSERT(snap_equal(&sf, t));
        mada_destroy(s2);
        mada_destroy(t);
        free(x2);
        free(xt);
    }
    snap_free(&ss);
    snap_free(&sf);
    mada_destroy(src);
    mada_destroy(fresh);
    free(xs);
    rm_tree(dir);
}

static void test_replace_f32(void)
{
    replace_whole(MADA_F32);
}

static void test_replace_f64(void)
{
    replace_whole(MADA_F64);
}

/* ---- Load rejects ---------------------------------------------------------------------- */
/* mada_load(opt, path) must return code and leave opt byte-identical. */
static void expect_load_fail(mada_opt *opt, const char *path, int code, int line)
{
    snapshot s = snap_take(opt);
    const int rc = mada_load(opt, path);
    CHECK_AT(rc == code, line);
    CHECK_AT(snap_equal(&s, opt), line);
    CHECK_AT(mada_last_error(opt)[0] != '\0', line);
    snap_free(&s);
}

/* Write image (len bytes) to dir/name and expect code from loading it. */
static void expect_image(mada_opt *opt, const char *dir, const char *name,
                         const unsigned char *img, size_t len, int code, int line)
{
    char p[128];
    path_in(p, sizeof p, dir, name);
    spit(p, img, len);
    expect_load_fail(opt, p, code, line);
}

#define LR_N 300u

static void load_rejects(mada_dtype d)
{
    char dir[32], good[128], missing[128];
    make_dir(dir);
    path_in(good, sizeof good, dir, "good.bin");
    path_in(missing, sizeof missing, dir, "missing.bin");
    const size_t n = LR_N, esz = esz_of(d);
    const mada_config cfg = preset_cfg("mada", 1);

    mada_opt *src = create_cfg(&cfg, n, d);
    void *xs = init_x(n, d, 31);
    run(&src, &xs, 1, n, d, 31, 0, 20);
    CU_ASSERT(mada_save(src, good) == MADA_OK);
    size_t len = 0;
    unsigned char *img = slurp(good, &len);
    CU_ASSERT_FATAL(img != NULL);
    /* Layout: header, 6 state arrays and 6 partials (all coefficients learn),
     * 8-byte CRC trailer. */
    CU_ASSERT_FATAL(len > 12 * n * esz + 8);
    const size_t hlen = len - 8 - 12 * n * esz;
    CU_ASSERT_FATAL(hlen >= OFF_COEF + 8 * MADA_NCOEF + 8 && hlen < 1024);
    CU_ASSERT(memcmp(img, "MADASTF", 8) == 0);
    CU_ASSERT(mada_crc64(0, img, len - 8) ==
              (uint64_t)img[len - 8] + ((uint64_t)img[len - 7] << 8) +
                  ((uint64_t)img[len - 6] << 16) + ((uint64_t)img[len - 5] << 24) +
                  ((uint64_t)img[len - 4] << 32) + ((uint64_t)img[len - 3] << 40) +
                  ((uint64_t)img[len - 2] << 48) + ((uint64_t)img[len - 1] << 56));
    const size_t off_m = hlen, off_v = hlen + n * esz, off_vb = hlen + 2 * n * esz;
    const size_t off_n = hlen + 3 * n * esz, off_part0 = hlen + 6 * n * esz;

    /* The target: another stepped optimizer of the same kind. */
    mada_opt *t = create_cfg(&cfg, n, d);
    void *xt = init_x(n, d, 32);
    run(&t, &xt, 1, n, d, 32, 0, 10);
    unsigned char *w = malloc(len + 1);
    CU_ASSERT_FATAL(w != NULL);

    /* Not there. */
    expect_load_fail(t, missing, MADA_E_IO, __LINE__);
    char nodir[160];
    path_in(nodir, sizeof nodir, dir, "no-such-dir/good.bin");
    expect_load_fail(t, nodir, MADA_E_IO, __LINE__);

    /* Not a state file. */
    expect_image(t, dir, "empty.bin", img, 0, MADA_E_FORMAT, __LINE__);
    rng_t r = {99};
    for (size_t i = 0; i < len; i++)
        w[i] = (unsigned char)rng_u64(&r);
    expect_image(t, dir, "garbage.bin", w, 4096, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "garbage2.bin", w, len, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "magic.bin", img, 8, MADA_E_FORMAT, __LINE__);
    memcpy(w, img, len);
    w[0] ^= 0x20; /* "mADASTF" */
    expect_image(t, dir, "badmagic.bin", w, len, MADA_E_FORMAT, __LINE__);

    /* Truncated or extended. */
    expect_image(t, dir, "cut1.bin", img, len - 1, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "cut8.bin", img, len - 8, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "half.bin", img, len / 2, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "header.bin", img, hlen, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "header-1.bin", img, hlen - 1, MADA_E_FORMAT, __LINE__);
    expect_image(t, dir, "seven.bin", img, 7, MADA_E_FORMAT, __LINE__);
    memcpy(w, img, len);
    w[len] = 0;
    expect_image(t, dir, "long.bin", w, len + 1, MADA_E_FORMAT, __LINE__);

    /* One byte flipped: arrays, header coefficients, t, lr_prev, trailer. */
    const size_t flips[] = {off_m, off_v + (n / 2) * esz + 1, off_part0 + 3, len - 9,
                            OFF_COEF + 3, OFF_COEF + 8 * 5 + 7, OFF_T, OFF_LR_PREV + 6,
                            len - 8, len - 3, len - 1};
    for (size_t k = 0; k < sizeof flips / sizeof flips[0]; k++) {
        memcpy(w, img, len);
        w[flips[k]] ^= (unsigned char)(1u << (k % 8));
        expect_image(t, dir, "flip.bin", w, len, MADA_E_CHECKSUM, __LINE__);
    }

    /* Other format versions: checked before the checksum, and with it fixed. */
    const uint32_t versions[] = {0, 3, 0xFFFFFFFFu, 0x100u};
    for (size_t k = 0; k < sizeof versions / sizeof versions[0]; k++) {
        memcpy(w, img, len);
        put_le32(w + OFF_VERSION, versions[k]);
        expect_image(t, dir, "version.bin", w, len, MADA_E_VERSION, __LINE__);
        fix_crc(w, len);
        expect_image(t, dir, "version2.bin", w, len, MADA_E_VERSION, __LINE__);
    }

    /* Saved for another n or element type. */
    const mada_dtype od = d == MADA_F32 ? MADA_F64 : MADA_F32;
    const struct {
        size_t n;
        mada_dtype d;
    } others[] = {{n + 1, d}, {n - 1, d}, {n, od}, {1, d}, {2 * n, od}};
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        mada_opt *o = create_cfg(&cfg, others[k].n, others[k].d);
        void *xo = init_x(others[k].n, others[k].d, 40 + k);
        run(&o, &xo, 1, others[k].n, others[k].d, 40 + k, 0, 3);
        char p[128];
        path_in(p, sizeof p, dir, "other.bin");
        CU_ASSERT(mada_save(o, p) == MADA_OK);
        expect_load_fail(t, p, MADA_E_MISMATCH, __LINE__);
        mada_destroy(o);
        free(xo);
    }

    /* Intact checksum, content outside the valid domain. */
    const struct {
        size_t off;
        double v;
    } bad_elems[] = {
        {off_v, -1.0}, {off_v, NAN}, {off_v, INFINITY}, {off_vb, -1.0}, {off_vb, NAN},
        {off_m, INFINITY}, {off_m, -NAN}, {off_n, -INFINITY}, {off_n, NAN},
    };
    for (size_t k = 0; k < sizeof bad_elems / sizeof bad_elems[0]; k++) {
        const size_t idx[] = {0, n / 2, n - 1};
        for (int j = 0; j < 3; j++) {
            memcpy(w, img, len);
            put_elem(w, bad_elems[k].off, d, idx[j], bad_elems[k].v);
            fix_crc(w, len);
            expect_image(t, dir, "domain.bin", w, len, MADA_E_STATE, __LINE__);
        }
    }
    const struct {
        size_t off;
        double v;
    } bad_head[] = {
        {OFF_COEF, 2.0},           {OFF_COEF, -0.5},       {OFF_COEF, NAN},
        {OFF_COEF + 8, 0.3},       /* beta2 below its lo = 0.501 */
        {OFF_COEF + 40, 1.5},      {OFF_LR_PREV, 2.0},     {OFF_LR_PREV, -1e-3},
        {OFF_LR_PREV, NAN},
    };
    for (size_t k = 0; k < sizeof bad_head / sizeof bad_head[0]; k++) {
        memcpy(w, img, len);
        memcpy(w + bad_head[k].off, &bad_head[k].v, 8);
        fix_crc(w, len);
        expect_image(t, dir, "head.bin", w, len, MADA_E_STATE, __LINE__);
    }
    /* part_valid (the u32 16 bytes before the arrays: part_mask, lean and
     * the lean mask follow it) inconsistent with t. */
    memcpy(w, img, len);
    put_le32(w + hlen - 16, 0);
    fix_crc(w, len);
    expect_image(t, dir, "pvalid.bin", w, len, MADA_E_STATE, __LINE__);
    /* The same images with a correct domain are accepted: patching a partial
     * (which may legitimately overflow, spec 8) or m to another finite value. */
    memcpy(w, img, len);
    put_elem(w, off_m, d, 3, 0.25);
    fix_crc(w, len);
    {
        char p[128];
        path_in(p, sizeof p, dir, "ok.bin");
        spit(p, w, len);
        mada_opt *o = create_cfg(&cfg, n, d);
        CU_ASSERT(mada_load(o, p) == MADA_OK);
        mada_destroy(o);
        memcpy(w, img, len);
        put_elem(w, off_part0, d, 1, INFINITY);
        fix_crc(w, len);
        spit(p, w, len);
        o = create_cfg(&cfg, n, d);
        CU_ASSERT(mada_load(o, p) == MADA_OK);
        mada_destroy(o);
    }

    /* NULL arguments. */
    CU_ASSERT(mada_load(NULL, good) == MADA_E_NULL);
    {
        snapshot s = snap_take(t);
        CU_ASSERT(mada_load(t, NULL) == MADA_E_NULL);
        CU_ASSERT(snap_equal(&s, t));
        snap_free(&s);
    }

    /* After all that, the good file still loads, and gives the source. */
    CU_ASSERT(mada_load(t, good) == MADA_OK);
    CU_ASSERT(mada_last_error(t)[0] == '\0');
    snapshot ss = snap_take(src);
    CU_ASSERT(snap_equal(&ss, t));
    snap_free(&ss);

    free(w);
    free(img);
    free(xs);
    free(xt);
    mada_destroy(src);
    mada_destroy(t);
    rm_tree(dir);
}

static void test_load_rejects_f32(void)
{
    load_rejects(MADA_F32);
}

static void test_load_rejects_f64(void)
{
    load_rejects(MADA_F64);
}

/* The step counter (issue 8): a file whose t is 2^64 - 2 (valid checksum)
 * loads; one step takes t to 2^64 - 1; the next is refused with MADA_E_LIMIT
 * and changes nothing (it would wrap t to 0, where 1 - beta^0 = 0 makes the
 * bias corrections infinite).  A state saved at t = 2^64 - 1 loads back
 * byte for byte. */
static void step_counter_limit(mada_dtype d)
{
    char dir[32], good[128];
    make_dir(dir);
    path_in(good, sizeof good, dir, "good.bin");
    const size_t n = 64, esz = esz_of(d);
    const mada_config cfg = preset_cfg("adam", 0);
    mada_opt *src = create_cfg(&cfg, n, d);
    void *x = init_x(n, d, 61);
    run(&src, &x, 1, n, d, 61, 0, 5);
    CU_ASSERT(mada_save(src, good) == MADA_OK);
    size_t len = 0;
    unsigned char *img = slurp(good, &len);
    CU_ASSERT_FATAL(img != NULL && len > 2 * n * esz + 8 + OFF_COEF); /* lean: m, v */

    mada_opt *t = create_cfg(&cfg, n, d);
    put_le64(img + OFF_T, UINT64_MAX - 1);
    fix_crc(img, len);
    char p[128];
    path_in(p, sizeof p, dir, "tmax-1.bin");
    spit(p, img, len);
    CU_ASSERT_FATAL(mada_load(t, p) == MADA_OK);
    run(&t, &x, 1, n, d, 62, 0, 1);
    mada_info info;
    CU_ASSERT(mada_get_info(t, &info) == MADA_OK && info.t == UINT64_MAX);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT(isfinite(d == MADA_F32 ? ((float *)x)[i] : ((double *)x)[i]));

    /* At t = 2^64 - 1: refused, nothing changed. */
    snapshot before = snap_take(t);
    void *x0 = dup_bytes(x, n * esz);
    void *g = init_x(n, d, 63);
    CU_ASSERT(mada_step(t, x, g, 1e-3) == MADA_E_LIMIT);
    CU_ASSERT(strstr(mada_last_error(t), "18446744073709551615") != NULL);
    CU_ASSERT(snap_equal(&before, t));
    CU_ASSERT(memcmp(x, x0, n * esz) == 0);

    /* Saved there, it loads back whole, and is refused again. */
    path_in(p, sizeof p, dir, "tmax.bin");
    CU_ASSERT(mada_save(t, p) == MADA_OK);
    mada_opt *u = create_cfg(&cfg, n, d);
    CU_ASSERT(mada_load(u, p) == MADA_OK);
    CU_ASSERT(snap_equal(&before, u));
    CU_ASSERT(mada_step(u, x, g, 1e-3) == MADA_E_LIMIT);
    CU_ASSERT(snap_equal(&before, u));

    snap_free(&before);
    free(img);
    free(x);
    free(x0);
    free(g);
    mada_destroy(src);
    mada_destroy(t);
    mada_destroy(u);
    rm_tree(dir);
}

static void test_step_counter_f32(void)
{
    step_counter_limit(MADA_F32);
}

static void test_step_counter_f64(void)
{
    step_counter_limit(MADA_F64);
}

/* ---- Save ---------------------------------------------------------------------------------- */
static void save_paths(mada_dtype d)
{
    char dir[32], p[160], sub[128];
    make_dir(dir);
    const size_t n = 200;
    const mada_config cfg = preset_cfg("mada", 1);
    mada_opt *o = create_cfg(&cfg, n, d);
    void *x = init_x(n, d, 55);
    run(&o, &x, 1, n, d, 55, 0, 12);
    snapshot s = snap_take(o);

    /* Into a directory that does not exist: nothing is created. */
    path_in(p, sizeof p, dir, "no-such-dir/state.bin");
    CU_ASSERT(mada_save(o, p) == MADA_E_IO);
    CU_ASSERT(mada_last_error(o)[0] != '\0');
    CU_ASSERT(snap_equal(&s, o));
    CU_ASSERT(dir_is(dir, NULL, 0));

    /* Onto an existing directory: refused, no temporary file left beside it. */
    path_in(sub, sizeof sub, dir, "sub");
    CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
    CU_ASSERT(mada_save(o, sub) == MADA_E_IO);
    CU_ASSERT(snap_equal(&s, o));
    const char *just_sub[] = {"sub"};
    CU_ASSERT(dir_is(dir, just_sub, 1));
    CU_ASSERT(dir_is(sub, NULL, 0));

    /* NULL arguments. */
    path_in(p, sizeof p, dir, "state.bin");
    CU_ASSERT(mada_save(NULL, p) == MADA_E_NULL);
    CU_ASSERT(mada_save(o, NULL) == MADA_E_NULL);
    CU_ASSERT(dir_is(dir, just_sub, 1));

    /* Over an existing file: replaced by rename, so a reader holding the old
     * file still sees all of its old bytes, and no temporary file is left. */
    static const char old[] = "an older file that is not a state file";
    spit(p, old, sizeof old);
    FILE *keep = fopen(p, "rb");
    CU_ASSERT_FATAL(keep != NULL);
    CU_ASSERT(mada_save(o, p) == MADA_OK);
    CU_ASSERT(mada_last_error(o)[0] == '\0');
    CU_ASSERT(snap_equal(&s, o));
    const char *both[] = {"sub", "state.bin"};
    CU_ASSERT(dir_is(dir, both, 2));
    char back[sizeof old + 8];
    CU_ASSERT(fread(back, 1, sizeof back, keep) == sizeof old);
    CU_ASSERT(memcmp(back, old, sizeof old) == 0);
    fclose(keep);
    size_t l1 = 0;
    unsigned char *b1 = slurp(p, &l1);
    CU_ASSERT(b1 != NULL && l1 > sizeof old && memcmp(b1, "MADASTF", 8) == 0);

    /* Again over a state file, after more steps: the new state replaces it. */
    run(&o, &x, 1, n, d, 56, 12, 15);
    snapshot s2 = snap_take(o);
    CU_ASSERT(mada_save(o, p) == MADA_OK);
    CU_ASSERT(dir_is(dir, both, 2));
    size_t l2 = 0;
    unsigned char *b2 = slurp(p, &l2);
    CU_ASSERT(b2 != NULL && l2 == l1 && memcmp(b1, b2, l1) != 0);
    mada_opt *q = create_cfg(&cfg, n, d);
    CU_ASSERT(mada_load(q, p) == MADA_OK);
    CU_ASSERT(snap_equal(&s2, q));

    free(b1);
    free(b2);
    snap_free(&s);
    snap_free(&s2);
    mada_destroy(o);
    mada_destroy(q);
    free(x);
    rm_tree(dir);
}

static void test_save_paths_f32(void)
{
    save_paths(MADA_F32);
}

static void test_save_paths_f64(void)
{
    save_paths(MADA_F64);
}

void register_state_suite(void)
{
    static const test_entry tests[] = {
        {"round trip, binary32, warmup 0", test_round_trip_f32_w0},
        {"round trip, binary64, warmup 0", test_round_trip_f64_w0},
        {"round trip, binary32, warmup 50", test_round_trip_f32_w50},
        {"round trip, binary64, warmup 50", test_round_trip_f64_w50},
        {"load replaces the whole optimizer, binary32", test_replace_f32},
        {"load replaces the whole optimizer, binary64", test_replace_f64},
        {"load rejects bad files, binary32", test_load_rejects_f32},
        {"load rejects bad files, binary64", test_load_rejects_f64},
        {"step count at its limit: refused, saved and loaded, binary32", test_step_counter_f32},
        {"step count at its limit: refused, saved and loaded, binary64", test_step_counter_f64},
        {"save paths and atomic replacement, binary32", test_save_paths_f32},
        {"save paths and atomic replacement, binary64", test_save_paths_f64},
        {NULL, NULL},
    };
    add_suite("save and load", tests);
}
