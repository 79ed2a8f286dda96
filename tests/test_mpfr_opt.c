/*
 * test_mpfr_opt.c -- the MPFR engine of the whole specification
 * (analysis/mp_opt.c, issue 13 item 2).
 *
 * Emulation: MPFR at precision 24 / 53 with the IEEE exponent range
 * reproduces the library's binary32 / binary64 runs bit for bit: every
 * preset, compat, full and lean, AVG and MAX, learning runs with hyper steps,
 * projection between steps, a vector that spans two reduction blocks; after
 * every step x and the coefficients, at the end every state array and stored
 * partial and the hyper counters.  Equality of bits, no tolerance.
 *
 * High precision: the engine's partials at 256 bits (spec 6's element
 * formulas) agree with the closed forms of spec 6 (analysis/mada_mpfr.c,
 * written independently) to 200 bits.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"
#include "mada_mpfr.h"
#include "mp_opt.h"
#include "testutil.h"

/* Bits of an engine value (exact in the type) against the library's. */
static int same_bits(mpfr_srcptr a, const void *arr, size_t i, mada_dtype d)
{
    if (d == MADA_F32) {
        const float f = mpfr_get_flt(a, MPFR_RNDN), l = ((const float *)arr)[i];
        return memcmp(&f, &l, sizeof f) == 0 && mpfr_cmp_d(a, (double)f) == 0;
    }
    const double f = mpfr_get_d(a, MPFR_RNDN), l = ((const double *)arr)[i];
    return memcmp(&f, &l, sizeof f) == 0 && mpfr_cmp_d(a, f) == 0;
}

/* A run of T steps of the library and the engine side by side; 1 if every
 * compared value has the same bits.  The gradient depends on x (a noisy
 * quadratic pull towards a random target) so that a difference in x would
 * feed back. */
static int emulate(const char *label, const mada_config *cfg, size_t n, mada_dtype d,
                   uint64_t T, int project, uint64_t seed)
{
    char err[256];
    mp_opt *e = mp_opt_create(n, d == MADA_F32 ? MP_EMU32 : MP_EMU64, 0, cfg, MP_VBAR_CFG, err,
                              sizeof err);
    CU_ASSERT_FATAL(e != NULL);
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_create(&o, n, d, cfg) == MADA_OK);
    mada_set_backend(o, MADA_BACKEND_REF);
    void *x = calloc(n, elem_size(d)), *g = calloc(n, elem_size(d));
    double *target = malloc(n * sizeof *target);
    mpfr_t *ge = malloc(n * sizeof *ge);
    CU_ASSERT_FATAL(x && g && target && ge);
    rng_t r = {seed};
    for (size_t i = 0; i < n; i++) {
        target[i] = rng_logmag(&r, -4, 3);
        mpfr_init2(ge[i], 53);
    }
    mpfr_t lr;
    mpfr_init2(lr, 53);
    int ok = 1;
    uint64_t t;
    for (t = 1; t <= T && ok; t++) {
        for (size_t i = 0; i < n; i++) {
            const double xi = elem_get(x, i, d);
            const double gi = (xi - target[i]) * (0.5 + rng_unif(&r)) + rng_logmag(&r, -6, 0);
            elem_put(g, i, d, gi);
            mpfr_set_d(ge[i], elem_get(g, i, d), MPFR_RNDN);
        }
        const double a = 1e-2 / sqrt((double)t);
        mpfr_set_d(lr, a, MPFR_RNDN);
        CU_ASSERT_FATAL(mada_step(o, x, g, a) == MADA_OK);
        CU_ASSERT_FATAL(mp_opt_step(e, ge, lr) == 0);
        if (project && t % 3 == 0) {
            CU_ASSERT_FATAL(mada_project(o, x, -0.25, 0.25) == MADA_OK);
            mp_opt_project(e, -0.25, 0.25);
        }
        mpfr_t *xe = mp_opt_x(e);
        for (size_t i = 0; i < n && ok; i++)
            if (!same_bits(xe[i], x, i, d)) {
                printf("\n  %s: x[%zu] differs at t = %llu: library %a, engine %a\n", label, i,
                       (unsigned long long)t, elem_get(x, i, d), mpfr_get_d(xe[i], MPFR_RNDN));
                ok = 0;
            }
        double ql[MADA_NCOEF];
        mada_get_coefs(o, ql);
        for (int k = 0; k < MADA_NCOEF && ok; k++)
            if (mpfr_cmp_d(mp_opt_coef(e, k), ql[k]) != 0) {
                printf("\n  %s: coefficient %d differs at t = %llu: library %a, engine %a\n",
                       label, k, (unsigned long long)t, ql[k],
                       mpfr_get_d(mp_opt_coef(e, k), MPFR_RNDN));
                ok = 0;
            }
    }
    /* the whole state at the end */
    const int arr_of[MADA_NARR] = {MP_M, MP_V, MP_VB, MP_N, MP_GP, MP_L};
    for (int k = 0; k < MADA_NARR && ok; k++)
        for (size_t i = 0; o->arr[k] && i < n && ok; i++)
            if (!same_bits(mp_opt_state(e, arr_of[k], i), o->arr[k], i, d)) {
                printf("\n  %s: state array %d element %zu differs at the end\n", label, k, i);
                ok = 0;
            }
    for (int k = 0; k < MADA_NCOEF && ok; k++)
        for (size_t i = 0; o->part[k] && o->part_valid && i < n && ok; i++)
            if (!same_bits(mp_opt_partial(e, k, i), o->part[k], i, d)) {
                printf("\n  %s: partial %d element %zu differs at the end\n", label, k, i);
                ok = 0;
            }
    mada_info info;
    mada_get_info(o, &info);
    if (ok && (info.hyper_steps != mp_opt_hyper_steps(e) || info.skipped != mp_opt_skipped(e))) {
        printf("\n  %s: hyper steps %llu / %llu, skipped %llu / %llu\n", label,
               (unsigned long long)info.hyper_steps,
               (unsigned long long)mp_opt_hyper_steps(e), (unsigned long long)info.skipped,
               (unsigned long long)mp_opt_skipped(e));
        ok = 0;
    }
    /* a learning run must have learned something, or the test proves little */
    if (ok && mada_any_learning(cfg) && T > cfg->warmup + 2 && info.hyper_steps == 0) {
        printf("\n  %s: no hyper step ran\n", label);
        ok = 0;
    }
    for (size_t i = 0; i < n; i++)
        mpfr_clear(ge[i]);
    mpfr_clear(lr);
    free(ge);
    free(target);
    free(x);
    free(g);
    mada_destroy(o);
    mp_opt_destroy(e);
    return ok;
}

static const char *const presets[] = {"adam", "amsgrad", "avgrad", "yogi", "adan",
                                      "lion", "hyperadam", "mada", "mada-toy"};

/* Every preset, both types, lean (the presets' default) and full, spec and
 * compat conventions. */
static void test_emulation_presets(void)
{
    for (size_t p = 0; p < sizeof presets / sizeof *presets; p++)
        for (int d = 0; d < 2; d++)
            for (int variant = 0; variant < 3; variant++) {
                mada_config cfg;
                CU_ASSERT_FATAL(mada_config_preset(&cfg, presets[p]) == MADA_OK);
                if (variant == 1)
                    cfg.lean = 0;
                if (variant == 2)
                    mada_config_compat(&cfg);
                char label[96];
                snprintf(label, sizeof label, "%s %s %s", presets[p], d ? "binary64" : "binary32",
                         variant == 0 ? "lean" : variant == 1 ? "full" : "compat");
                CU_ASSERT(emulate(label, &cfg, 37, d ? MADA_F64 : MADA_F32, 80, p % 2,
                                  1000 + 10 * p + 3 * (uint64_t)d + (uint64_t)variant));
            }
}

/* A learning run with all six coefficients learning (MAX and AVG), no
 * warm-up, over 4100 elements: two reduction blocks (spec 6.1), hyper
 * steps from t = 2. */
static void test_emulation_learning(void)
{
    for (int d = 0; d < 2; d++)
        for (int vmax = 0; vmax < 2; vmax++) {
            mada_config cfg;
            CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
            const double q0[MADA_NCOEF] = {0.9, 0.95, 0.3, 0.6, 0.7, 0.8};
            for (int k = 0; k < MADA_NCOEF; k++) {
                cfg.coef[k] = q0[k];
                cfg.eta[k] = 0.05;
                cfg.mu[k] = 0.5;
            }
            cfg.warmup = 0;
            cfg.vbar = vmax ? MADA_VBAR_MAX : MADA_VBAR_AVG;
            char label[64];
            snprintf(label, sizeof label, "mada six learning %s %s", vmax ? "MAX" : "AVG",
                     d ? "binary64" : "binary32");
            CU_ASSERT(emulate(label, &cfg, 4100, d ? MADA_F64 : MADA_F32, 12, 1,
                              77 + (uint64_t)(2 * d + vmax)));
        }
}

/* The engine's partials at 256 bits against spec 6's closed forms. */
static void test_high_precision_partials(void)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    const double q0[MADA_NCOEF] = {0.9, 0.95, 0.3, 0.6, 0.7, 0.8};
    for (int k = 0; k < MADA_NCOEF; k++)
        cfg.coef[k] = q0[k], cfg.eta[k] = 0.01;
    cfg.warmup = 0;
    cfg.lean = 0;
    rng_t r = {4242};
    int checked = 0;
    for (int vmax = 0; vmax < 2; vmax++)
        for (int trial = 0; trial < 200; trial++) {
            cfg.vbar = vmax ? MADA_VBAR_MAX : MADA_VBAR_AVG;
            char err[128];
            mp_opt *e = mp_opt_create(1, MP_HIGH, 256, &cfg, MP_VBAR_CFG, err, sizeof err);
            CU_ASSERT_FATAL(e != NULL);
            const uint64_t t = 2 + (uint64_t)(rng_unif(&r) * 300);
            mada_mp_elem el;
            el.x = rng_range(&r, -1, 1);
            el.g = rng_logmag(&r, -6, 2);
            el.gp = rng_logmag(&r, -6, 2);
            el.m = rng_logmag(&r, -6, 2);
            el.v = fabs(rng_logmag(&r, -12, 4));
            el.vb = fabs(rng_logmag(&r, -12, 4));
            el.n = rng_logmag(&r, -6, 2);
            el.l = rng_logmag(&r, -6, 2);
            const double st[7] = {el.x, el.m, el.v, el.vb, el.n, el.gp, el.l};
            mp_opt_set_elem(e, 0, st);
            mp_opt_set_t(e, t - 1, q0);
            mpfr_t g[1], lr;
            mpfr_init2(g[0], 53);
            mpfr_init2(lr, 53);
            mpfr_set_d(g[0], el.g, MPFR_RNDN);
            mpfr_set_d(lr, 1e-3, MPFR_RNDN);
            CU_ASSERT_FATAL(mp_opt_step(e, g, lr) == 0);
            mada_mp_step s;
            mada_mp_step_init(&s, 256, q0, t, cfg.eps, cfg.lb1, cfg.lb2, vmax, 0);
            mpfr_t p[MADA_NCOEF], diff;
            mpfr_init2(diff, 256);
            for (int k = 0; k < MADA_NCOEF; k++)
                mpfr_init2(p[k], 256);
            mada_mp_partials(&s, &el, p);
            for (int k = 0; k < MADA_NCOEF; k++) {
                mpfr_srcptr pe = mp_opt_partial(e, k, 0);
                mpfr_sub(diff, pe, p[k], MPFR_RNDN);
                mpfr_abs(diff, diff, MPFR_RNDN);
                /* |engine - closed form| <= 2^-200 (|closed form| + 1e-30 * scale) */
                mpfr_t bound;
                mpfr_init2(bound, 64);
                mpfr_abs(bound, p[k], MPFR_RNDN);
                mpfr_mul_2si(bound, bound, -200, MPFR_RNDN);
                const int good = mpfr_lessequal_p(diff, bound) ||
                                 (mpfr_zero_p(p[k]) && mpfr_zero_p(pe));
                if (!good)
                    mpfr_printf("\n  partial %d, trial %d (%s, t = %llu): engine %.20Rg closed "
                                "form %.20Rg\n",
                                k, trial, vmax ? "MAX" : "AVG", (unsigned long long)t, pe, p[k]);
                CU_ASSERT(good);
                checked += good;
                mpfr_clear(bound);
            }
            for (int k = 0; k < MADA_NCOEF; k++)
                mpfr_clear(p[k]);
            mpfr_clears(diff, g[0], lr, (mpfr_ptr)0);
            mada_mp_step_clear(&s);
            mp_opt_destroy(e);
        }
    CU_ASSERT(checked == 2 * 200 * MADA_NCOEF);
}

/* High precision runs the same specification: a learning run (six
 * coefficients, hyper steps from t = 2, projection) at 200 bits stays
 * within 1e-9 (relative to max |x|) of the binary64 emulation, and its
 * coefficients within 1e-9; a wrong scalar, reduction or hyper step in the
 * high-precision path would show at the 1e-3 level. */
static void test_high_precision_trajectory(void)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    const double q0[MADA_NCOEF] = {0.9, 0.95, 0.3, 0.6, 0.7, 0.8};
    for (int k = 0; k < MADA_NCOEF; k++)
        cfg.coef[k] = q0[k], cfg.eta[k] = 0.02, cfg.mu[k] = 0.5;
    cfg.warmup = 0;
    enum { N = 16, T = 60 };
    char err[128];
    mp_opt *hi = mp_opt_create(N, MP_HIGH, 200, &cfg, MP_VBAR_CFG, err, sizeof err);
    mp_opt *em = mp_opt_create(N, MP_EMU64, 0, &cfg, MP_VBAR_CFG, err, sizeof err);
    CU_ASSERT_FATAL(hi && em);
    mpfr_t g[N], lr, d;
    for (int i = 0; i < N; i++)
        mpfr_init2(g[i], 53);
    mpfr_inits2(200, lr, d, (mpfr_ptr)0);
    rng_t r = {99};
    double worst_x = 0, worst_q = 0;
    for (int t = 1; t <= T; t++) {
        for (int i = 0; i < N; i++) /* the emulation's x: the same gradient for both */
            mpfr_set_d(g[i], mpfr_get_d(mp_opt_x(em)[i], MPFR_RNDN) - 0.1 * i +
                                 rng_range(&r, -0.5, 0.5), MPFR_RNDN);
        mpfr_set_d(lr, 1e-2, MPFR_RNDN);
        CU_ASSERT_FATAL(mp_opt_step(hi, g, lr) == 0 && mp_opt_step(em, g, lr) == 0);
        mp_opt_project(hi, -1.0, 1.0);
        mp_opt_project(em, -1.0, 1.0);
        double xm = 0, dx = 0;
        for (int i = 0; i < N; i++) {
            mpfr_sub(d, mp_opt_x(hi)[i], mp_opt_x(em)[i], MPFR_RNDN);
            dx = fmax(dx, fabs(mpfr_get_d(d, MPFR_RNDN)));
            xm = fmax(xm, fabs(mpfr_get_d(mp_opt_x(hi)[i], MPFR_RNDN)));
        }
        worst_x = fmax(worst_x, xm > 0 ? dx / xm : dx);
        for (int k = 0; k < MADA_NCOEF; k++) {
            mpfr_sub(d, mp_opt_coef(hi, k), mp_opt_coef(em, k), MPFR_RNDN);
            worst_q = fmax(worst_q, fabs(mpfr_get_d(d, MPFR_RNDN)));
        }
    }
    if (!(worst_x <= 1e-9 && worst_q <= 1e-9))
        printf("\n  high precision vs binary64: x %g, coefficients %g\n", worst_x, worst_q);
    CU_ASSERT(worst_x <= 1e-9 && worst_q <= 1e-9);
    /* and the run did learn: every coefficient moved */
    for (int k = 0; k < MADA_NCOEF; k++)
        CU_ASSERT(mpfr_cmp_d(mp_opt_coef(hi, k), q0[k]) != 0);
    CU_ASSERT(mp_opt_hyper_steps(hi) == T - 1);
    for (int i = 0; i < N; i++)
        mpfr_clear(g[i]);
    mpfr_clears(lr, d, (mpfr_ptr)0);
    mp_opt_destroy(hi);
    mp_opt_destroy(em);
}

/* What the engine refuses: the analysis-only mix with a learning
 * coefficient (spec 6's partials do not cover it) or in emulation, and an
 * emulated learning run with a clip beyond 2^20 (ref/hyper.c's overflow
 * guards are not emulated). */
static void test_refusals(void)
{
    mada_config cfg;
    char err[256];
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    CU_ASSERT(mp_opt_create(4, MP_HIGH, 128, &cfg, MP_VBAR_MIX, err, sizeof err) == NULL);
    CU_ASSERT(strstr(err, "frozen") != NULL);
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "avgrad") == MADA_OK);
    CU_ASSERT(mp_opt_create(4, MP_EMU64, 0, &cfg, MP_VBAR_MIX, err, sizeof err) == NULL);
    mp_opt *ok = mp_opt_create(4, MP_HIGH, 128, &cfg, MP_VBAR_MIX, err, sizeof err);
    CU_ASSERT(ok != NULL);
    mp_opt_destroy(ok);
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    cfg.hclip = 0x1p30;
    CU_ASSERT(mp_opt_create(4, MP_EMU32, 0, &cfg, MP_VBAR_CFG, err, sizeof err) == NULL);
    CU_ASSERT(strstr(err, "hclip") != NULL);
}

/* The AMSGrad/AVGrad mix at rho = 1 is AMSGrad (P = vmax), not Adam: the
 * mix keeps every array (no lean "no average" part). */
static void test_mix_endpoints(void)
{
    mada_config ams, mix;
    CU_ASSERT_FATAL(mada_config_preset(&ams, "amsgrad") == MADA_OK);
    CU_ASSERT_FATAL(mada_config_preset(&mix, "avgrad") == MADA_OK);
    mix.coef[MADA_RHO] = 1.0;
    char err[128];
    mp_opt *a = mp_opt_create(3, MP_HIGH, 128, &ams, MP_VBAR_CFG, err, sizeof err);
    mp_opt *b = mp_opt_create(3, MP_HIGH, 128, &mix, MP_VBAR_MIX, err, sizeof err);
    CU_ASSERT_FATAL(a && b);
    mpfr_t g[3], lr;
    for (int i = 0; i < 3; i++)
        mpfr_init2(g[i], 53);
    mpfr_init2(lr, 53);
    mpfr_set_d(lr, 1e-3, MPFR_RNDN);
    int same = 1;
    for (int t = 1; t <= 30; t++) {
        for (int i = 0; i < 3; i++) /* a large gradient, then small ones: vmax != v */
            mpfr_set_d(g[i], t == 1 ? 5.0 + i : 0.01 * (i + 1), MPFR_RNDN);
        mp_opt_step(a, g, lr);
        mp_opt_step(b, g, lr);
        for (int i = 0; i < 3; i++)
            same &= mpfr_equal_p(mp_opt_x(a)[i], mp_opt_x(b)[i]) &&
                    mpfr_equal_p(mp_opt_state(a, MP_VH, i), mp_opt_state(b, MP_VH, i));
    }
    CU_ASSERT(same);
    for (int i = 0; i < 3; i++)
        mpfr_clear(g[i]);
    mpfr_clear(lr);
    mp_opt_destroy(a);
    mp_opt_destroy(b);
}

void register_mpfr_opt_suite(void)
{
    CU_pSuite s = CU_add_suite("mpfr_engine", NULL, NULL);
    CU_add_test(s, "emulation: every preset, both types, lean/full/compat, bit for bit",
                test_emulation_presets);
    CU_add_test(s, "emulation: six coefficients learning, AVG and MAX, two blocks",
                test_emulation_learning);
    CU_add_test(s, "high precision: partials equal spec 6's closed forms to 200 bits",
                test_high_precision_partials);
    CU_add_test(s, "high precision: a learning run within 1e-9 of binary64",
                test_high_precision_trajectory);
    CU_add_test(s, "refusals: the mix learning or emulated, a huge clip emulated",
                test_refusals);
    CU_add_test(s, "the AMSGrad/AVGrad mix at rho = 1 is AMSGrad", test_mix_endpoints);
}
