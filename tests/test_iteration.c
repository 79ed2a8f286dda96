/*
 * test_iteration.c -- the iteration of spec 7 and the hyper-optimizer of
 * spec 6.2: coefficients move before the update that uses them, with
 * alpha_{t-1}; warm-up; clipping; momentum; projection; non-finite
 * hyper-gradients skipped and counted; frozen coefficients bit-identical;
 * the compat switches of spec 9.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

static mada_config preset(const char *name)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, name) == MADA_OK);
    return cfg;
}

static mada_opt *create(const mada_config *cfg, size_t n, mada_dtype d)
{
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_create(&o, n, d, cfg) == MADA_OK);
    return o;
}

static void *dup_bytes(const void *p, size_t len)
{
    void *q = malloc(len ? len : 1);
    CU_ASSERT_FATAL(q != NULL);
    if (p)
        memcpy(q, p, len);
    return q;
}

/* Step 2 of a learning optimizer, replayed by hand from a copy of its state
 * after step 1: reduce, hyper step with alpha_1, scalars from the new
 * coefficients, kernel.  The library must produce the same bytes; and the
 * same kernel with the old coefficients must not. */
static void coef_before_update(mada_dtype d)
{
    const size_t n = 1000, esz = d == MADA_F32 ? 4 : 8, bytes = n * esz;
    mada_config cfg = preset("mada");
    cfg.warmup = 0;
    mada_opt *o = create(&cfg, n, d);
    rng_t r = {99};
    void *x = malloc(bytes), *g1 = malloc(bytes), *g2 = malloc(bytes);
    CU_ASSERT_FATAL(x && g1 && g2);
    fill_random(x, n, d, &r, -4, 0, 0.0);
    fill_random(g1, n, d, &r, -8, 0, 0.0);
    fill_random(g2, n, d, &r, -8, 0, 0.0);
    const double lr1 = 1e-2, lr2 = 3e-3;
    CU_ASSERT_FATAL(mada_step(o, x, g1, lr1) == MADA_OK);
    CU_ASSERT(o->part_valid);

    /* Copy everything the replay needs. */
    void *xs = dup_bytes(x, bytes), *xold = dup_bytes(x, bytes);
    void *arr[MADA_NARR], *arr_old[MADA_NARR], *part[MADA_NCOEF];
    for (int k = 0; k < MADA_NARR; k++) {
        arr[k] = dup_bytes(o->arr[k], bytes);
        arr_old[k] = dup_bytes(o->arr[k], bytes);
    }
    for (int k = 0; k < MADA_NCOEF; k++)
        part[k] = o->part[k] ? dup_bytes(o->part[k], bytes) : NULL;
    double q[MADA_NCOEF], hexp[MADA_NCOEF] = {0};
    memcpy(q, o->cfg.coef, sizeof q);
    mada_hyper_buf hb[MADA_NCOEF];
    memcpy(hb, o->hb, sizeof hb);
    for (int k = 0; k < MADA_NCOEF; k++) {
        if (!(cfg.eta[k] > 0))
            continue;
        const double H = d == MADA_F32 ? mada_ref_reduce_f32(g2, part[k], n)
                                       : mada_ref_reduce_f64(g2, part[k], n);
        hexp[k] = -lr1 * H;
        CU_ASSERT(mada_hyper_apply(&q[k], &hb[k], hexp[k], cfg.eta[k], cfg.mu[k], cfg.lo[k],
                                   cfg.hi[k], cfg.hclip) == 1);
    }
    /* Replay the kernel with the new and with the old coefficients. */
    for (int pass = 0; pass < 2; pass++) {
        mada_scalar_inputs si = {{0}, 2, cfg.eps, cfg.lb1, cfg.lb2, lr2, cfg.lambda};
        memcpy(si.q, pass == 0 ? q : o->cfg.coef, sizeof si.q);
        mada_scalars_f64 s64;
        mada_scalars_compute(&si, &s64);
        void **A = pass == 0 ? arr : arr_old;
        void *X = pass == 0 ? xs : xold;
        if (d == MADA_F32) {
            mada_scalars_f32 s32;
            mada_scalars_round_f32(&s64, &s32);
            mada_kargs_f32 a = {.n = n, .x = X, .g = g2, .gp = A[MADA_ARR_GP],
                                .m = A[MADA_ARR_M], .v = A[MADA_ARR_V], .vb = A[MADA_ARR_VB],
                                .nn = A[MADA_ARR_N], .l = A[MADA_ARR_L], .nthreads = 1};
            mada_ref_kernel_f32(&a, s32);
        } else {
            mada_kargs_f64 a = {.n = n, .x = X, .g = g2, .gp = A[MADA_ARR_GP],
                                .m = A[MADA_ARR_M], .v = A[MADA_ARR_V], .vb = A[MADA_ARR_VB],
                                .nn = A[MADA_ARR_N], .l = A[MADA_ARR_L], .nthreads = 1};
            mada_ref_kernel_f64(&a, s64);
        }
    }
    CU_ASSERT_FATAL(mada_step(o, x, g2, lr2) == MADA_OK);
    mada_info info;
    mada_get_info(o, &info);
    CU_ASSERT(info.hyper_steps == 1 && info.t == 2);
    CU_ASSERT(memcmp(info.coef, q, sizeof q) == 0);
    CU_ASSERT(memcmp(info.hypergrad, hexp, sizeof hexp) == 0);
    CU_ASSERT(memcmp(x, xs, bytes) == 0);
    for (int k = 0; k < MADA_NARR; k++)
        CU_ASSERT(memcmp(o->arr[k], arr[k], bytes) == 0);
    CU_ASSERT(memcmp(x, xold, bytes) != 0); /* the order is observable */
    CU_ASSERT(memcmp(q, cfg.coef, sizeof q) != 0);

    for (int k = 0; k < MADA_NARR; k++)
        free(arr[k]), free(arr_old[k]);
    for (int k = 0; k < MADA_NCOEF; k++)
        free(part[k]);
    free(x), free(g1), free(g2), free(xs), free(xold);
    mada_destroy(o);
}

static void test_coef_before_update_f64(void) { coef_before_update(MADA_F64); }
static void test_coef_before_update_f32(void) { coef_before_update(MADA_F32); }

/* Warm-up 50 (the paper's): no coefficient update up to t = 51, the first at
 * t = 52 from the partials stored by step 51; none stored before t = 51. */
static void test_warmup(void)
{
    const size_t n = 64;
    mada_config cfg = preset("mada");
    CU_ASSERT(cfg.warmup == 50);
    mada_opt *o = create(&cfg, n, MADA_F64);
    double x[64], g[64];
    rng_t r = {5};
    fill_random(x, n, MADA_F64, &r, -2, 0, 0.0);
    for (uint64_t t = 1; t <= 52; t++) {
        fill_random(g, n, MADA_F64, &r, -6, 0, 0.0);
        CU_ASSERT_FATAL(mada_step(o, x, g, 1e-3) == MADA_OK);
        mada_info info;
        mada_get_info(o, &info);
        if (t <= 51) {
            CU_ASSERT(info.hyper_steps == 0);
            CU_ASSERT(memcmp(info.coef, cfg.coef, sizeof cfg.coef) == 0);
            CU_ASSERT(o->part_valid == (t == 51));
        } else {
            CU_ASSERT(info.hyper_steps == 1);
            CU_ASSERT(memcmp(info.coef, cfg.coef, sizeof cfg.coef) != 0);
        }
    }
    mada_destroy(o);
}

/* mada_hyper_apply: clip, momentum, projection, non-finite h. */
static void test_hyper_apply(void)
{
    mada_hyper_buf b = {0.0, 0};
    double q = 0.5;
    /* clipped first step: buf = hclip, q = q - eta * hclip */
    CU_ASSERT(mada_hyper_apply(&q, &b, 1e6, 0.01, 0.9, 0.0, 1.0, 10.0) == 1);
    CU_ASSERT(b.started && b.buf == 10.0 && q == 0.5 - 0.01 * 10.0);
    /* momentum: buf = mu*buf + h */
    double q2 = q;
    CU_ASSERT(mada_hyper_apply(&q, &b, -2.0, 0.01, 0.9, 0.0, 1.0, 10.0) == 1);
    CU_ASSERT(b.buf == 0.9 * 10.0 + -2.0 && q == q2 - 0.01 * (0.9 * 10.0 + -2.0));
    /* negative clip */
    mada_hyper_buf c = {0.0, 0};
    q = 0.5;
    CU_ASSERT(mada_hyper_apply(&q, &c, -INFINITY, 0.01, 0.0, 0.0, 1.0, 10.0) == 0);
    CU_ASSERT(q == 0.5 && !c.started);
    CU_ASSERT(mada_hyper_apply(&q, &c, -1e300, 0.01, 0.0, 0.0, 1.0, 10.0) == 1);
    CU_ASSERT(c.buf == -10.0 && q == 0.5 + 0.01 * 10.0);
    /* projection onto [lo, hi] */
    mada_hyper_buf e = {0.0, 0};
    q = 0.98;
    mada_hyper_apply(&q, &e, -5.0, 0.1, 0.0, 0.01, 0.99, 10.0);
    CU_ASSERT(q == 0.99);
    q = 0.02;
    e.started = 0;
    mada_hyper_apply(&q, &e, 5.0, 0.1, 0.0, 0.01, 0.99, 10.0);
    CU_ASSERT(q == 0.01);
    /* non-finite: nothing changes, bit for bit */
    const double nonfinite[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        mada_hyper_buf f = {1.25, 1}, f0 = f;
        double qq = 0.3, q0 = qq;
        CU_ASSERT(mada_hyper_apply(&qq, &f, nonfinite[i], 0.1, 0.9, 0.0, 1.0, 10.0) == 0);
        CU_ASSERT(memcmp(&qq, &q0, sizeof qq) == 0 && memcmp(&f, &f0, sizeof f) == 0);
    }
}

/* Inside the optimizer: a huge hyper-gradient is clipped (info keeps the
 * unclipped h); a non-finite one is skipped and counted, the others apply. */
static void test_clip_and_skip_in_optimizer(void)
{
    const size_t n = 1000;
    mada_config cfg = preset("mada");
    cfg.warmup = 0;
    mada_opt *o = create(&cfg, n, MADA_F64);
    double *x = calloc(n, sizeof *x), *g = calloc(n, sizeof *g);
    CU_ASSERT_FATAL(x && g);
    for (size_t i = 0; i < n; i++)
        g[i] = 1.0;
    CU_ASSERT_FATAL(mada_step(o, x, g, 1e-3) == MADA_OK);
    /* Plant partials: rho's huge (h = -1e-3 * 1000 * 1e6 = -1e6, clipped to
     * -10), c's infinite at one element (h = -inf: skipped). */
    double *prho = o->part[MADA_RHO], *pc = o->part[MADA_C];
    for (size_t i = 0; i < n; i++)
        prho[i] = 1e6;
    pc[17] = INFINITY;
    const double rho0 = o->cfg.coef[MADA_RHO], c0 = o->cfg.coef[MADA_C];
    const mada_hyper_buf hbc = o->hb[MADA_C];
    CU_ASSERT_FATAL(mada_step(o, x, g, 1e-3) == MADA_OK);
    mada_info info;
    mada_get_info(o, &info);
    CU_ASSERT(info.hypergrad[MADA_RHO] == -1e-3 * (1000.0 * 1e6));
    const double want_rho = fmin(fmax(rho0 - cfg.eta[MADA_RHO] * -10.0, cfg.lo[MADA_RHO]),
                                 cfg.hi[MADA_RHO]);
    CU_ASSERT(info.coef[MADA_RHO] == want_rho);
    CU_ASSERT(info.skipped == 1 && info.skipped_coef[MADA_C] == 1);
    CU_ASSERT(memcmp(&o->cfg.coef[MADA_C], &c0, sizeof c0) == 0);
    CU_ASSERT(memcmp(&o->hb[MADA_C], &hbc, sizeof hbc) == 0);
    CU_ASSERT(!isfinite(info.hypergrad[MADA_C]));
    CU_ASSERT(info.hyper_steps == 1);
    /* 0 * inf = NaN is skipped too */
    ((double *)o->part[MADA_C])[3] = INFINITY;
    g[3] = 0.0;
    CU_ASSERT_FATAL(mada_step(o, x, g, 1e-3) == MADA_OK);
    mada_get_info(o, &info);
    CU_ASSERT(info.skipped_coef[MADA_C] == 2 && info.skipped == 2);
    free(x), free(g);
    mada_destroy(o);
}

/* A frozen coefficient (eta = 0) keeps its bits while the others learn, and
 * has no partials stored. */
static void test_frozen_bit_identical(void)
{
    const size_t n = 256;
    mada_config cfg = preset("mada");
    cfg.warmup = 0;
    cfg.eta[MADA_BETA1] = 0.0;
    cfg.coef[MADA_BETA1] = 0.9000000000000001;
    for (int d = MADA_F32; d <= MADA_F64; d++) {
        mada_opt *o = create(&cfg, n, (mada_dtype)d);
        CU_ASSERT(o->part[MADA_BETA1] == NULL && o->part[MADA_BETA2] != NULL);
        double x[256], g[256];
        float xf[256], gf[256];
        rng_t r = {3};
        fill_random(d == MADA_F32 ? (void *)xf : (void *)x, n, (mada_dtype)d, &r, -2, 0, 0.0);
        for (int t = 0; t < 300; t++) {
            void *gg = d == MADA_F32 ? (void *)gf : (void *)g;
            fill_random(gg, n, (mada_dtype)d, &r, -6, 0, 0.0);
            CU_ASSERT_FATAL(mada_step(o, d == MADA_F32 ? (void *)xf : (void *)x, gg, 1e-3) ==
                            MADA_OK);
        }
        double q[MADA_NCOEF];
        mada_get_coefs(o, q);
        CU_ASSERT(memcmp(&q[MADA_BETA1], &cfg.coef[MADA_BETA1], sizeof(double)) == 0);
        CU_ASSERT(q[MADA_BETA2] != cfg.coef[MADA_BETA2] || q[MADA_RHO] != cfg.coef[MADA_RHO]);
        mada_info info;
        mada_get_info(o, &info);
        CU_ASSERT(info.hypergrad[MADA_BETA1] == 0.0 && info.skipped_coef[MADA_BETA1] == 0);
        CU_ASSERT(info.hyper_steps == 299);
        mada_destroy(o);
    }
}

/* Spec 9: at t = 1, Delta = 0 (gp = g_1) and n stays 0; compat: gp = 0,
 * n starts at g_1^2, v and vbar at 1.0e-15. */
static void test_first_step_and_compat(void)
{
    mada_config cfg = preset("adan");
    cfg.lean = 0; /* every array, vbar included */
    double x[4] = {0}, g[4] = {0.5, -2.0, 0.25, 3.0};
    mada_opt *o = create(&cfg, 4, MADA_F64);
    CU_ASSERT_FATAL(mada_step(o, x, g, 1e-3) == MADA_OK);
    const double *nn = o->arr[MADA_ARR_N], *gp = o->arr[MADA_ARR_GP];
    for (int i = 0; i < 4; i++)
        CU_ASSERT(nn[i] == 0.0 && gp[i] == g[i]);
    mada_destroy(o);

    mada_config cc = cfg;
    mada_config_compat(&cc);
    CU_ASSERT(cc.compat == 1 && cc.lb1 == 0.95 && cc.lb2 == 0.98);
    o = create(&cc, 4, MADA_F64);
    const double *v = o->arr[MADA_ARR_V], *vb = o->arr[MADA_ARR_VB];
    CU_ASSERT(v[0] == 1e-15 && vb[3] == 1e-15);
    double x2[4] = {0};
    CU_ASSERT_FATAL(mada_step(o, x2, g, 1e-3) == MADA_OK);
    nn = o->arr[MADA_ARR_N];
    const double b3 = cc.coef[MADA_BETA3], omb3 = 1.0 - b3;
    for (int i = 0; i < 4; i++) /* n1 = b3 * g^2 + omb3 * (g - 0) */
        CU_ASSERT(nn[i] == b3 * (g[i] * g[i]) + omb3 * (g[i] - 0.0));
    mada_destroy(o);
}

/* Spec 9 Lion direction: spec u = lb1*l + omlb1*g; compat u = lb1*l1 + omlb1*g.
 * With g1 = 1, g2 = -0.3 and betas (0.95, 0.98) the two signs differ. */
static void test_lion_compat_direction(void)
{
    mada_config spec = preset("lion"), compat = spec;
    mada_config_compat(&compat);
    spec.lb1 = 0.95, spec.lb2 = 0.98;
    double g1[1] = {1.0}, g2[1] = {-0.3};
    double xs[1] = {0.0}, xc[1] = {0.0};
    mada_opt *os = create(&spec, 1, MADA_F64), *oc = create(&compat, 1, MADA_F64);
    CU_ASSERT_FATAL(mada_step(os, xs, g1, 0.5) == MADA_OK && mada_step(oc, xc, g1, 0.5) == MADA_OK);
    CU_ASSERT(xs[0] == -0.5 && xc[0] == -0.5);
    CU_ASSERT_FATAL(mada_step(os, xs, g2, 0.5) == MADA_OK && mada_step(oc, xc, g2, 0.5) == MADA_OK);
    CU_ASSERT(xs[0] == -1.0); /* u = 0.95*0.02 - 0.05*0.3 > 0 */
    CU_ASSERT(xc[0] == 0.0);  /* u = 0.95*0.0136 - 0.05*0.3 < 0 */
    mada_destroy(os), mada_destroy(oc);
}

/* Changing a coefficient by hand takes effect at the next step and keeps the
 * momentum buffer. */
static void test_set_coef(void)
{
    mada_config cfg = preset("adam");
    mada_opt *a = create(&cfg, 8, MADA_F64);
    cfg.coef[MADA_BETA1] = 0.8;
    mada_opt *b = create(&cfg, 8, MADA_F64);
    CU_ASSERT(mada_set_coef(a, MADA_BETA1, 0.8) == MADA_OK);
    double xa[8] = {0}, xb[8] = {0}, g[8] = {1, -1, 2, -2, 0.5, 0, 3, -0.25};
    CU_ASSERT_FATAL(mada_step(a, xa, g, 1e-2) == MADA_OK && mada_step(b, xb, g, 1e-2) == MADA_OK);
    CU_ASSERT(memcmp(xa, xb, sizeof xa) == 0);
    mada_destroy(a), mada_destroy(b);
}

void register_iteration_suite(void)
{
    static const test_entry tests[] = {
        {"coefficients move before the update that uses them (binary64)",
         test_coef_before_update_f64},
        {"coefficients move before the update that uses them (binary32)",
         test_coef_before_update_f32},
        {"warm-up 50: first coefficient update at t = 52", test_warmup},
        {"hyper step: clip, momentum, projection, non-finite", test_hyper_apply},
        {"optimizer: clipped and skipped hyper-gradients", test_clip_and_skip_in_optimizer},
        {"frozen coefficient stays bit-identical", test_frozen_bit_identical},
        {"first step and compat initial state", test_first_step_and_compat},
        {"compat Lion direction", test_lion_compat_direction},
        {"set_coef takes effect at the next step", test_set_coef},
        {NULL, NULL},
    };
    add_suite("iteration and hyper-optimizer", tests);
}
