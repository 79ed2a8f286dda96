/* toy.c -- the online toy of spec 11.1 through the library (analysis/toy.h). */
#define _POSIX_C_SOURCE 200809L
#include "toy.h"

#include "mp_opt.h"
#include "studies.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const toy_optimizers[TOY_NOPT] = {"adam", "amsgrad", "avgrad", "mada"};

const char *toy_csv_header(void)
{
    return "optimizer,dtype,t,x,avg_regret,beta1,beta2,beta3,rho,c,gamma\n";
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The configuration of spec 11.1 for optimizer `name`. */
int toy_config(const char *name, mada_config *cfg)
{
    if (strcmp(name, "mada") == 0)
        return mada_config_preset(cfg, "mada-toy");
    int rc = mada_config_preset(cfg, name);
    if (rc != MADA_OK)
        return rc;
    cfg->coef[MADA_BETA1] = 0.9;
    cfg->coef[MADA_BETA2] = 0.99;
    cfg->eps = 1e-8;
    return MADA_OK;
}

/* f_t's slope: f_t(x) = slope(t) * x. */
static double slope(uint64_t t)
{
    return t % 101 == 1 ? 1010.0 : -10.0;
}

/* Neumaier's compensated sum: the regret is a sum of 10^6 terms of both
 * signs, and its binary64 rounding should not be what the table shows. */
typedef struct {
    double s, c;
} csum;

static void csum_add(csum *a, double v)
{
    const double t = a->s + v;
    a->c += fabs(a->s) >= fabs(v) ? (a->s - t) + v : (v - t) + a->s;
    a->s = t;
}

static double csum_value(const csum *a)
{
    return a->s + a->c;
}

int toy_run(const char *name, mada_dtype dtype, uint64_t T, uint64_t points, FILE *csv,
            int progress, toy_result *res, char *err, size_t cap)
{
    mada_config cfg;
    if (toy_config(name, &cfg) != MADA_OK) {
        snprintf(err, cap, "toy: unknown optimizer \"%s\" (adam, amsgrad, avgrad, mada)", name);
        return -1;
    }
    mada_opt *o = NULL;
    int rc = mada_create(&o, 1, dtype, &cfg);
    if (rc != MADA_OK) {
        snprintf(err, cap, "toy: mada_create: %s", mada_strerror(rc));
        return -1;
    }
    /* One element: the reference backend (every backend computes the same
     * bits, D21; threads and vectors would only cost). */
    mada_set_backend(o, MADA_BACKEND_REF);
    const int f32 = dtype == MADA_F32;
    float xf = 0.0f, gf;
    double xd = 0.0, gd;
    void *x = f32 ? (void *)&xf : (void *)&xd, *g = f32 ? (void *)&gf : (void *)&gd;
    csum fx = {0.0, 0.0};  /* sum_t f_t(x_{t-1}) */
    double S = 0.0;        /* sum_t slope(t): an integer, exact in binary64 */
    mada_get_coefs(o, res->coef0);
    const double t0 = now();
    double last_progress = t0;
    const uint64_t every = points ? (T + points - 1) / points : 0;
    for (uint64_t t = 1; t <= T; t++) {
        const double a = slope(t), xc = f32 ? (double)xf : xd;
        csum_add(&fx, a * xc);
        S += a;
        if (f32)
            gf = (float)a;
        else
            gd = a;
        rc = mada_step(o, x, g, 1e-3);
        if (rc == MADA_OK)
            rc = mada_project(o, x, -1.0, 1.0);
        if (rc != MADA_OK) {
            snprintf(err, cap, "toy: %s at t = %llu: %s", name, (unsigned long long)t,
                     mada_last_error(o));
            mada_destroy(o);
            return -1;
        }
        /* min over x in [-1, 1] of S x is -|S|. */
        const int row = t == 1 || t == T || (every && (t % every == 0 || st_log_point(t)));
        if (row && csv) {
            double q[MADA_NCOEF];
            mada_get_coefs(o, q);
            fprintf(csv, "%s,%s,%llu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", name,
                    f32 ? "binary32" : "binary64", (unsigned long long)t,
                    f32 ? (double)xf : xd, (csum_value(&fx) + fabs(S)) / (double)t, q[0], q[1],
                    q[2], q[3], q[4], q[5]);
        }
        if (progress && (t & 0xffff) == 0 && now() - last_progress >= 2.0) {
            last_progress = now();
            fprintf(stderr, "toy %s %s: t = %llu of %llu (%.0f%%), %.0f s\n", name,
                    f32 ? "binary32" : "binary64", (unsigned long long)t,
                    (unsigned long long)T, 100.0 * (double)t / (double)T, last_progress - t0);
        }
    }
    res->T = T;
    res->x = f32 ? (double)xf : xd;
    res->avg_regret = T ? (csum_value(&fx) + fabs(S)) / (double)T : 0.0;
    mada_get_coefs(o, res->coef);
    res->seconds = now() - t0;
    mada_destroy(o);
    return 0;
}

int toy_run_mpfr(const char *name, long prec, uint64_t T, uint64_t points, FILE *csv,
                 int progress, toy_result *res, char *err, size_t cap)
{
    mada_config cfg;
    if (toy_config(name, &cfg) != MADA_OK) {
        snprintf(err, cap, "toy: unknown optimizer \"%s\" (adam, amsgrad, avgrad, mada)", name);
        return -1;
    }
    mp_opt *o = mp_opt_create(1, MP_HIGH, (mpfr_prec_t)prec, &cfg, MP_VBAR_CFG, err, cap);
    if (!o)
        return -1;
    mpfr_t g[1], lr, fx, S, r;
    mpfr_init2(g[0], 64);
    mpfr_inits2((mpfr_prec_t)prec, lr, fx, S, r, (mpfr_ptr)0);
    mpfr_set_d(lr, 1e-3, MPFR_RNDN); /* the binary64 value the library runs take */
    mpfr_set_zero(fx, 1);
    mpfr_set_zero(S, 1);
    mpfr_t *x = mp_opt_x(o);
    mp_opt_coefs(o, res->coef0);
    char dtype[32];
    snprintf(dtype, sizeof dtype, "mpfr%ld", prec);
    const double t0 = now();
    double last_progress = t0;
    const uint64_t every = points ? (T + points - 1) / points : 0;
    for (uint64_t t = 1; t <= T; t++) {
        const double a = slope(t);
        mpfr_mul_d(r, x[0], a, MPFR_RNDN);
        mpfr_add(fx, fx, r, MPFR_RNDN);
        mpfr_add_d(S, S, a, MPFR_RNDN);
        mpfr_set_d(g[0], a, MPFR_RNDN);
        mp_opt_step(o, g, lr);
        mp_opt_project(o, -1.0, 1.0);
        const int row = t == 1 || t == T || (every && (t % every == 0 || st_log_point(t)));
        if (row && csv) {
            double q[MADA_NCOEF];
            mp_opt_coefs(o, q);
            mpfr_abs(r, S, MPFR_RNDN);
            mpfr_add(r, r, fx, MPFR_RNDN);
            mpfr_div_ui(r, r, (unsigned long)t, MPFR_RNDN);
            fprintf(csv, "%s,%s,%llu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", name,
                    dtype, (unsigned long long)t, mpfr_get_d(x[0], MPFR_RNDN),
                    mpfr_get_d(r, MPFR_RNDN), q[0], q[1], q[2], q[3], q[4], q[5]);
        }
        if (progress && (t & 0xffff) == 0 && now() - last_progress >= 2.0) {
            last_progress = now();
            fprintf(stderr, "toy %s %s: t = %llu of %llu (%.0f%%), %.0f s\n", name, dtype,
                    (unsigned long long)t, (unsigned long long)T, 100.0 * (double)t / (double)T,
                    last_progress - t0);
        }
    }
    res->T = T;
    res->x = mpfr_get_d(x[0], MPFR_RNDN);
    mpfr_abs(r, S, MPFR_RNDN);
    mpfr_add(r, r, fx, MPFR_RNDN);
    mpfr_div_ui(r, r, (unsigned long)T, MPFR_RNDN);
    res->avg_regret = mpfr_get_d(r, MPFR_RNDN);
    mp_opt_coefs(o, res->coef);
    res->seconds = now() - t0;
    mpfr_clears(g[0], lr, fx, S, r, (mpfr_ptr)0);
    mp_opt_destroy(o);
    return 0;
}
