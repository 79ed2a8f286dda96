/*
 * test_scalars.c -- the per-step scalars of spec 4: binary64 values against
 * MPFR (within a few ulps: pow and the divisions round), binary32 values the
 * single rounding of the binary64 ones, and the exact edge cases.
 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>

#include "testutil.h"

/* |a - exact| in ulps of a. */
static double ulps(double a, mpfr_srcptr exact)
{
    mpfr_t d;
    mpfr_init2(d, 256);
    mpfr_sub_d(d, exact, a, MPFR_RNDN);
    const double e = fabs(mpfr_get_d(d, MPFR_RNDN));
    mpfr_clear(d);
    const double ulp = a == 0.0 ? 0x1p-1074 : nextafter(fabs(a), INFINITY) - fabs(a);
    return e / ulp;
}

static void test_against_mpfr(void)
{
    const double betas[] = {0.0, 0.5, 0.9, 0.95, 0.99, 0.999, MADA_BETA_MAX};
    const uint64_t ts[] = {1, 2, 3, 10, 51, 1000, 100000};
    double worst = 0.0;
    mpfr_t b, B, k, e;
    mpfr_inits2(256, b, B, k, e, (mpfr_ptr)0);
    for (size_t i = 0; i < sizeof betas / sizeof betas[0]; i++)
        for (size_t j = 0; j < sizeof ts / sizeof ts[0]; j++) {
            mada_scalar_inputs in = {{betas[i], betas[i], 0.5, 0.25, 0.75, 1.0}, ts[j],
                                     1e-8, 0.9, 0.99, 1e-3, 0.1};
            mada_scalars_f64 s;
            mada_scalars_compute(&in, &s);
            /* ib = 1/(1 - beta^t), kb = t beta^(t-1) / (1 - beta^t)^2 */
            mpfr_set_d(b, betas[i], MPFR_RNDN);
            mpfr_pow_ui(B, b, ts[j], MPFR_RNDN);
            mpfr_ui_sub(B, 1, B, MPFR_RNDN);
            mpfr_ui_div(e, 1, B, MPFR_RNDN);
            worst = fmax(worst, ulps(s.ib1, e));
            worst = fmax(worst, ulps(s.ib2, e));
            mpfr_pow_ui(k, b, ts[j] - 1, MPFR_RNDN);
            mpfr_mul_ui(k, k, ts[j], MPFR_RNDN);
            mpfr_div(k, k, B, MPFR_RNDN);
            mpfr_div(k, k, B, MPFR_RNDN);
            worst = fmax(worst, ulps(s.kb1, k));
            /* kc = rho (1 - beta2) / B2 */
            mpfr_ui_sub(k, 1, b, MPFR_RNDN);
            mpfr_mul_d(k, k, 0.25, MPFR_RNDN);
            mpfr_div(k, k, B, MPFR_RNDN);
            worst = fmax(worst, ulps(s.kc, k));
            /* AVG weights */
            CU_ASSERT(s.wo == (double)(ts[j] - 1) / (double)ts[j]);
            CU_ASSERT(s.wn == 1.0 / (double)ts[j]);
            CU_ASSERT(s.wd == 1e-3 * 0.1);
            /* binary32: one rounding of each binary64 value */
            mada_scalars_f32 f;
            mada_scalars_round_f32(&s, &f);
            CU_ASSERT(f.ib1 == (float)s.ib1 && f.kb2 == (float)s.kb2 && f.omb1 == (float)s.omb1);
        }
    printf("\n  worst error of ib, kb, kc: %.2f ulp\n", worst);
    CU_ASSERT(worst <= 4.0);
    mpfr_clears(b, B, k, e, (mpfr_ptr)0);
}

static void test_edges(void)
{
    mada_scalar_inputs in = {{0.0, 0.0, 0.0, 1.0, 1.0, 1.0}, 1, 1e-8, 0.9, 0.99, 0.5, 0.0};
    mada_scalars_f64 s;
    mada_scalars_compute(&in, &s);
    CU_ASSERT(s.ib1 == 1.0 && s.kb1 == 1.0); /* 0^0 = 1 at t = 1 */
    CU_ASSERT(s.wo == 0.0 && s.wn == 1.0);
    CU_ASSERT(s.omrh == 0.0 && s.omc == 0.0 && s.omgm == 0.0 && s.wd == 0.0);
    in.t = 2;
    mada_scalars_compute(&in, &s);
    CU_ASSERT(s.kb1 == 0.0 && s.ib1 == 1.0);
    CU_ASSERT(s.wo == 0.5 && s.wn == 0.5);
}

void register_scalars_suite(void)
{
    static const test_entry tests[] = {
        {"binary64 scalars within 4 ulp of MPFR; binary32 rounded once", test_against_mpfr},
        {"edge values at t = 1, 2 and beta = 0", test_edges},
        {NULL, NULL},
    };
    add_suite("per-step scalars", tests);
}
