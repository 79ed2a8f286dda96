/*
 * test_bounds.c -- spec 11.5, the bounds derived in docs/report.pdf section
 * 5 ("A bound with explicit constants"), checked on real runs by make test
 * (make experiments-quick checks more, longer): with alpha_t = alpha/sqrt(t),
 * the effective step of AVGrad, AMSGrad and an AMSGrad/AVGrad mix is
 * non-increasing on every element and step (exact comparison in MPFR), and
 * the measured S1 and S2 lie below their bounds; the checker itself can see
 * a violation: the released code's Adam/AVGrad mix breaks monotonicity.
 */
#include <stdio.h>

#include "studies.h"
#include "testutil.h"

static void test_bounds_hold(void)
{
    static const char *const problems[] = {"toy-sqrt", "robust", "logistic"};
    static const char *const opts[] = {"avgrad", "amsgrad", "amsavg0.5"};
    for (int p = 0; p < 3; p++)
        for (int k = 0; k < 3; k++) {
            st_bound b;
            CU_ASSERT_FATAL(st_bounds_run(problems[p], opts[k], 1500, 96, &b) == 0);
            const int ok = b.monotone && b.S1 <= b.S1_bound && b.S2 <= b.S2_bound &&
                           b.S1 > 0 && b.S2 > 0;
            if (!ok)
                printf("\n  %s %s: monotone %d (largest increase %g), S1 %g (bound %g), S2 %g "
                       "(bound %g)\n",
                       problems[p], opts[k], b.monotone, b.max_rel_increase, b.S1, b.S1_bound,
                       b.S2, b.S2_bound);
            CU_ASSERT(ok);
        }
}

static void test_counterexample_seen(void)
{
    st_bound b;
    CU_ASSERT_FATAL(st_bounds_run("toy-sqrt", "rho0.5", 1500, 96, &b) == 0);
    CU_ASSERT(!b.monotone && b.max_rel_increase > 0.0);
}

void register_bounds_suite(void)
{
    CU_pSuite s = CU_add_suite("bounds_11_5", NULL, NULL);
    CU_add_test(s, "alpha/sqrt(t): AVGrad, AMSGrad, a mix: monotone step, S1 and S2 below bounds",
                test_bounds_hold);
    CU_add_test(s, "the Adam/AVGrad mix: the checker sees its step increase",
                test_counterexample_seen);
}
