/* problems.c -- the stochastic problems of spec 11.3 (analysis/problems.h). */
#include "problems.h"

#include <math.h>

const char *const pb_names[PB_COUNT] = {"robust", "logistic"};

uint64_t pb_u64(pb_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double pb_unif(pb_rng *r)
{
    return (double)(pb_u64(r) >> 11) * 0x1p-53;
}

void pb_init(problem *p, pb_kind k)
{
    pb_rng r = {k == PB_ROBUST ? 0x726f62757374ull : 0x6c6f67697374ull};
    double xs[PB_D];
    p->kind = k;
    p->lambda = k == PB_LOGISTIC ? 0.1 : 0.0;
    for (int i = 0; i < PB_D; i++)
        xs[i] = 2.0 * pb_unif(&r) - 1.0;
    for (int j = 0; j < PB_N; j++) {
        double z = 0.0;
        for (int i = 0; i < PB_D; i++) {
            p->b[j][i] = 2.0 * pb_unif(&r) - 1.0;
            z += p->b[j][i] * xs[i];
        }
        if (k == PB_ROBUST) /* noise, and one sample in eight an outlier */
            p->y[j] = z + (pb_unif(&r) - 0.5) + (j % 8 == 0 ? 3.0 : 0.0);
        else /* labels, one in ten flipped */
            p->y[j] = ((z >= 0.0) != (pb_unif(&r) < 0.1)) ? 1.0 : -1.0;
    }
}

void pb_x0(uint64_t seed, double x0[PB_D])
{
    pb_rng r = {seed * 0x2545F4914F6CDD1Dull + 1};
    for (int i = 0; i < PB_D; i++)
        x0[i] = 4.0 * pb_unif(&r) - 2.0;
}

/* One sample's data-term gradient, accumulated with weight wt. */
static void sample_grad(const problem *p, const double x[PB_D], int j, double wt,
                        double g[PB_D])
{
    double z = 0.0;
    for (int i = 0; i < PB_D; i++)
        z += p->b[j][i] * x[i];
    double s;
    if (p->kind == PB_ROBUST) {
        const double r = z - p->y[j], q = 1.0 + r * r;
        s = 2.0 * r / (q * q);
    } else {
        s = -p->y[j] / (1.0 + exp(p->y[j] * z)); /* d/dz log(1 + exp(-y z)) */
    }
    for (int i = 0; i < PB_D; i++)
        g[i] += wt * s * p->b[j][i];
}

void pb_grad(const problem *p, const double x[PB_D], int j, double g[PB_D])
{
    for (int i = 0; i < PB_D; i++)
        g[i] = 0.0;
    if (j >= 0)
        sample_grad(p, x, j, 1.0, g);
    else
        for (int k = 0; k < PB_N; k++)
            sample_grad(p, x, k, 1.0 / PB_N, g);
    for (int i = 0; i < PB_D && p->lambda > 0.0; i++) {
        const double q = 1.0 + x[i] * x[i];
        g[i] += p->lambda * 2.0 * x[i] / (q * q);
    }
}

static void sample_grad_mp(const problem *p, mpfr_t *x, int j, mpfr_srcptr wt, mpfr_t *g,
                           mpfr_t *w)
{
    mpfr_set_zero(w[0], 1);
    for (int i = 0; i < PB_D; i++) {
        mpfr_mul_d(w[1], x[i], p->b[j][i], MPFR_RNDN);
        mpfr_add(w[0], w[0], w[1], MPFR_RNDN); /* z */
    }
    if (p->kind == PB_ROBUST) {
        mpfr_sub_d(w[1], w[0], p->y[j], MPFR_RNDN); /* r */
        mpfr_sqr(w[2], w[1], MPFR_RNDN);
        mpfr_add_ui(w[2], w[2], 1, MPFR_RNDN);
        mpfr_sqr(w[2], w[2], MPFR_RNDN);
        mpfr_mul_2ui(w[1], w[1], 1, MPFR_RNDN);
        mpfr_div(w[1], w[1], w[2], MPFR_RNDN); /* s */
    } else {
        mpfr_mul_d(w[1], w[0], p->y[j], MPFR_RNDN);
        mpfr_exp(w[1], w[1], MPFR_RNDN);
        mpfr_add_ui(w[1], w[1], 1, MPFR_RNDN);
        mpfr_d_div(w[1], -p->y[j], w[1], MPFR_RNDN); /* s */
    }
    mpfr_mul(w[1], w[1], wt, MPFR_RNDN);
    for (int i = 0; i < PB_D; i++) {
        mpfr_mul_d(w[2], w[1], p->b[j][i], MPFR_RNDN);
        mpfr_add(g[i], g[i], w[2], MPFR_RNDN);
    }
}

void pb_grad_mp(const problem *p, mpfr_t *x, int j, mpfr_t *g)
{
    const mpfr_prec_t prec = mpfr_get_prec(g[0]);
    mpfr_t w[3], wt;
    for (int k = 0; k < 3; k++)
        mpfr_init2(w[k], prec + 16);
    mpfr_init2(wt, prec + 16);
    for (int i = 0; i < PB_D; i++)
        mpfr_set_zero(g[i], 1);
    if (j >= 0) {
        mpfr_set_ui(wt, 1, MPFR_RNDN);
        sample_grad_mp(p, x, j, wt, g, w);
    } else {
        mpfr_set_ui(wt, 1, MPFR_RNDN);
        mpfr_div_ui(wt, wt, PB_N, MPFR_RNDN);
        for (int k = 0; k < PB_N; k++)
            sample_grad_mp(p, x, k, wt, g, w);
    }
    for (int i = 0; i < PB_D && p->lambda > 0.0; i++) {
        mpfr_sqr(w[0], x[i], MPFR_RNDN);
        mpfr_add_ui(w[0], w[0], 1, MPFR_RNDN);
        mpfr_sqr(w[0], w[0], MPFR_RNDN);
        mpfr_mul_d(w[1], x[i], 2.0 * p->lambda, MPFR_RNDN);
        mpfr_div(w[1], w[1], w[0], MPFR_RNDN);
        mpfr_add(g[i], g[i], w[1], MPFR_RNDN);
    }
    for (int k = 0; k < 3; k++)
        mpfr_clear(w[k]);
    mpfr_clear(wt);
}
