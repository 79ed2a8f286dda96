/*
 * test_partials.c -- the hyper-gradient partials of spec 6.
 *   1. the binary64 kernel's partials equal a central finite difference of
 *      the update, computed with MPFR at 256 bits, to a relative error 1.0e-10;
 *   2. the closed forms of spec 6, evaluated in MPFR, equal that finite
 *      difference to 1.0e-30 (so the closed forms themselves are right);
 *   3. the kernel's partials equal the MPFR closed forms to 1.0e-10.
 * Points are random, away from the kinks of sgn.  The worst relative errors
 * are printed.
 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>

#include "mada_mpfr.h"
#include "testutil.h"

#define PREC 256
#define TRIALS 3000

typedef struct {
    double q[MADA_NCOEF];
    uint64_t t;
    double eps, lb1, lb2;
    int vbar_max, lion_compat;
    mada_mp_elem e;
} point;

static const uint64_t steps[] = {2, 3, 5, 17, 100, 1000, 12345};

static void random_point(rng_t *r, point *p, int trial)
{
    p->q[MADA_BETA1] = rng_range(r, 0.0, 0.99);
    p->q[MADA_BETA2] = rng_range(r, 0.5, 0.9999);
    p->q[MADA_BETA3] = rng_range(r, 0.0, 0.99);
    p->q[MADA_RHO] = rng_unif(r);
    p->q[MADA_C] = rng_unif(r);
    p->q[MADA_GAMMA] = rng_unif(r);
    /* Every 7th point sits on the special-point values of rho, c, gamma, beta3. */
    if (trial % 7 == 0) {
        p->q[MADA_BETA3] = 0.0;
        p->q[MADA_RHO] = trial % 2 ? 1.0 : 0.0;
        p->q[MADA_C] = trial % 3 ? 1.0 : 0.0;
        p->q[MADA_GAMMA] = 1.0;
    }
    p->t = steps[rng_u64(r) % (sizeof steps / sizeof steps[0])];
    p->eps = (rng_u64(r) & 1) ? 1e-8 : 1e-3;
    p->lb1 = 0.9;
    p->lb2 = 0.99;
    p->vbar_max = (int)(rng_u64(r) & 1);
    p->lion_compat = (int)(rng_u64(r) & 1);
    /* Magnitudes as along a trajectory: m, gp, n, l within 2^4 of the
     * gradient's scale G, v and vbar within 2^6 of G^2.  (Far from that, the
     * pinned order of d/dc, ((gh2 - v) - s*gh2), cancels: relative error
     * about 2^-53 * gh2 / v; docs/DECISIONS.md D7.) */
    const double G = exp2(rng_range(r, -12, 2));
    p->e.x = rng_logmag(r, -4, 4);
    p->e.g = G * rng_logmag(r, -4, 4);
    p->e.gp = G * rng_logmag(r, -4, 4);
    p->e.m = G * rng_logmag(r, -4, 4);
    p->e.v = G * G * fabs(rng_logmag(r, -6, 6));
    p->e.vb = G * G * fabs(rng_logmag(r, -6, 6));
    p->e.n = G * rng_logmag(r, -4, 4);
    p->e.l = G * rng_logmag(r, -4, 4);
}

/* The binary64 kernel's partials at p; 0 if p is within 1e-6 (relative) of
 * a kink of sgn (then the point is skipped). */
static int kernel_partials(const point *p, double out[MADA_NCOEF])
{
    mada_scalar_inputs si = {{0}, p->t, p->eps, p->lb1, p->lb2, 1e-3, 0.0};
    memcpy(si.q, p->q, sizeof si.q);
    mada_scalars_f64 s;
    mada_scalars_compute(&si, &s);
    const mada_elem_in_f64 in = {p->e.x, p->e.g, p->e.gp, p->e.m, p->e.v, p->e.vb, p->e.n, p->e.l};
    const mada_elem_mid_f64 o = mada_element_f64(s, p->vbar_max, p->lion_compat, MADA_FULL, in);
    if (fabs(o.gh2 - in.v) <= 1e-6 * (o.gh2 + in.v) || fabs(o.u) <= 1e-6 * fabs(in.g))
        return 0;
    const mada_partial_f64 pp = mada_partials_f64(s, in, o);
    out[0] = pp.b1, out[1] = pp.b2, out[2] = pp.b3, out[3] = pp.rho, out[4] = pp.c, out[5] = pp.gm;
    return 1;
}

/* Central difference of d with respect to q_k at 256 bits, vbar' held at its
 * value at p (spec 6: vbar' is a constant for the hyper-gradient).  Returns
 * the difference's own resolution: 2^-240 max|d| / h, its rounding error
 * bound with a wide margin (truncation, h^2 = 2^-180 relative, is below). */
static double finite_difference(const point *p, int k, mpfr_t fd)
{
    const mpfr_prec_t prec = PREC;
    mada_mp_step s;
    mpfr_t h, dp, dm, vb1;
    mpfr_inits2(prec, h, dp, dm, vb1, (mpfr_ptr)0);
    mada_mp_step_init(&s, prec, p->q, p->t, p->eps, p->lb1, p->lb2, p->vbar_max,
                      p->lion_compat);
    mada_mp_direction(&s, &p->e, NULL, dp, vb1);
    mpfr_set_d(h, 0x1p-90, MPFR_RNDN);
    mpfr_add(s.q[k], s.q[k], h, MPFR_RNDN);
    mada_mp_direction(&s, &p->e, vb1, dp, NULL);
    mpfr_sub(s.q[k], s.q[k], h, MPFR_RNDN);
    mpfr_sub(s.q[k], s.q[k], h, MPFR_RNDN);
    mada_mp_direction(&s, &p->e, vb1, dm, NULL);
    const double dmax = fmax(fabs(mpfr_get_d(dp, MPFR_RNDN)), fabs(mpfr_get_d(dm, MPFR_RNDN)));
    mpfr_sub(fd, dp, dm, MPFR_RNDN);
    mpfr_div(fd, fd, h, MPFR_RNDN);
    mpfr_div_2ui(fd, fd, 1, MPFR_RNDN);
    mada_mp_step_clear(&s);
    mpfr_clears(h, dp, dm, vb1, (mpfr_ptr)0);
    return 0x1p-240 * dmax / 0x1p-90;
}

/* |a - b| / |b| as a double, after forgiving an absolute uncertainty floor
 * of b (the finite difference's resolution, or the binary64 underflow
 * threshold): 0 when |a - b| <= floor, +inf when b is 0 and a is not. */
static double rel_err(mpfr_srcptr a, mpfr_srcptr b, double floor)
{
    mpfr_t d;
    mpfr_init2(d, PREC);
    mpfr_sub(d, a, b, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    double r;
    if (mpfr_cmp_d(d, floor) <= 0)
        r = 0.0;
    else if (mpfr_zero_p(b))
        r = INFINITY;
    else {
        mpfr_div(d, d, b, MPFR_RNDN);
        r = fabs(mpfr_get_d(d, MPFR_RNDN));
    }
    mpfr_clear(d);
    return r;
}

/* Smallest positive binary64 (subnormal): below it the kernel cannot answer. */
#define F64_FLOOR 0x1p-1074

static const char *const qname[MADA_NCOEF] = {"beta1", "beta2", "beta3", "rho", "c", "gamma"};

static void test_partials_vs_fd(void)
{
    rng_t r = {2024};
    double worst_kernel[MADA_NCOEF] = {0}, worst_closed[MADA_NCOEF] = {0};
    double worst_kc[MADA_NCOEF] = {0};
    int used = 0, bad = 0;
    mpfr_t fd, kp, closed[MADA_NCOEF];
    mpfr_inits2(PREC, fd, kp, (mpfr_ptr)0);
    for (int k = 0; k < MADA_NCOEF; k++)
        mpfr_init2(closed[k], PREC);
    for (int trial = 0; trial < TRIALS; trial++) {
        point p;
        double kern[MADA_NCOEF];
        random_point(&r, &p, trial);
        if (!kernel_partials(&p, kern))
            continue;
        used++;
        mada_mp_step s;
        mada_mp_step_init(&s, PREC, p.q, p.t, p.eps, p.lb1, p.lb2, p.vbar_max, p.lion_compat);
        mada_mp_partials(&s, &p.e, closed);
        mada_mp_step_clear(&s);
        for (int k = 0; k < MADA_NCOEF; k++) {
            const double res = finite_difference(&p, k, fd);
            mpfr_set_d(kp, kern[k], MPFR_RNDN);
            const double ek = rel_err(kp, fd, fmax(res, F64_FLOOR));
            const double ec = rel_err(closed[k], fd, res);
            const double ekc = rel_err(kp, closed[k], F64_FLOOR);
            worst_kernel[k] = fmax(worst_kernel[k], ek);
            /* reported without the floor, where the difference resolves the
             * derivative: how close the closed forms are */
            if (mpfr_cmpabs_ui(fd, 0) > 0 && fabs(mpfr_get_d(fd, MPFR_RNDN)) > 0x1p80 * res)
                worst_closed[k] = fmax(worst_closed[k], rel_err(closed[k], fd, 0.0));
            worst_kc[k] = fmax(worst_kc[k], ekc);
            if (!(ek <= 1e-10 && ec <= 1e-30 && ekc <= 1e-10)) {
                if (bad++ < 5)
                    mpfr_printf("\n  trial %d d/d%s: kernel %.17g fd %.20Rg closed %.20Rg "
                                "(t=%llu)\n", trial, qname[k], kern[k], fd, closed[k],
                                (unsigned long long)p.t);
            }
        }
    }
    printf("\n  %d points; worst relative error kernel/fd, closed/fd, kernel/closed:\n", used);
    for (int k = 0; k < MADA_NCOEF; k++)
        printf("    d/d%-5s %.2e  %.2e  %.2e\n", qname[k], worst_kernel[k], worst_closed[k],
               worst_kc[k]);
    CU_ASSERT(used >= TRIALS * 9 / 10);
    CU_ASSERT(bad == 0);
    mpfr_clears(fd, kp, (mpfr_ptr)0);
    for (int k = 0; k < MADA_NCOEF; k++)
        mpfr_clear(closed[k]);
}

/* A wrong partial must be caught: perturb the kernel's result by 1e-9
 * relative and check the comparison fails. */
static void test_fd_detects_error(void)
{
    rng_t r = {77};
    point p;
    double kern[MADA_NCOEF];
    do
        random_point(&r, &p, 1);
    while (!kernel_partials(&p, kern));
    mpfr_t fd, kp;
    mpfr_inits2(PREC, fd, kp, (mpfr_ptr)0);
    for (int k = 0; k < MADA_NCOEF; k++) {
        const double res = finite_difference(&p, k, fd);
        mpfr_set_d(kp, kern[k] * (1.0 + 1e-9), MPFR_RNDN);
        if (fabs(kern[k]) > 1e6 * res)
            CU_ASSERT(rel_err(kp, fd, res) > 1e-10);
    }
    mpfr_clears(fd, kp, (mpfr_ptr)0);
}

void register_partials_suite(void)
{
    static const test_entry tests[] = {
        {"kernel partials = MPFR finite difference (1e-10), closed forms (1e-30)",
         test_partials_vs_fd},
        {"the comparison detects a 1e-9 error", test_fd_detects_error},
        {NULL, NULL},
    };
    add_suite("hyper-gradient partials", tests);
}
