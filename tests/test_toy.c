/*
 * test_toy.c -- analysis/toy.c, the online toy of spec 11.1: its trajectory
 * is the library's (mada_step() then mada_project() onto [-1, 1], bit for
 * bit), its regret the definition's (against a sum in long double), its CSV
 * rows where --points puts them.  The claims themselves are checked by
 * make experiments-quick.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "toy.h"

/* The same run written out: the library's steps and projections, the
 * regret R_T = sum_t f_t(x_{t-1}) + |sum_t slope_t| in long double. */
static void direct(const char *preset, int adam_point, mada_dtype d, uint64_t T, double *x_T,
                   double *avg_regret)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    if (adam_point) {
        cfg.coef[MADA_BETA1] = 0.9;
        cfg.coef[MADA_BETA2] = 0.99;
        cfg.eps = 1e-8;
    }
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_create(&o, 1, d, &cfg) == MADA_OK);
    float xf = 0.0f, gf;
    double xd = 0.0, gd;
    long double fx = 0.0L, S = 0.0L;
    for (uint64_t t = 1; t <= T; t++) {
        const double a = t % 101 == 1 ? 1010.0 : -10.0;
        fx += (long double)a * (d == MADA_F32 ? (long double)xf : (long double)xd);
        S += a;
        gf = (float)a;
        gd = a;
        CU_ASSERT_FATAL(mada_step(o, d == MADA_F32 ? (void *)&xf : (void *)&xd,
                                  d == MADA_F32 ? (void *)&gf : (void *)&gd, 1e-3) == MADA_OK);
        CU_ASSERT_FATAL(mada_project(o, d == MADA_F32 ? (void *)&xf : (void *)&xd, -1.0, 1.0) ==
                        MADA_OK);
    }
    *x_T = d == MADA_F32 ? (double)xf : xd;
    *avg_regret = (double)((fx + fabsl(S)) / (long double)T);
    mada_destroy(o);
}

static void test_trajectory_and_regret(void)
{
    static const char *const preset[TOY_NOPT] = {"adam", "amsgrad", "avgrad", "mada-toy"};
    for (int k = 0; k < TOY_NOPT; k++)
        for (int dt = 0; dt < 2; dt++) {
            const mada_dtype d = dt ? MADA_F64 : MADA_F32;
            const uint64_t T = 5000;
            toy_result r;
            char err[256];
            CU_ASSERT_FATAL(toy_run(toy_optimizers[k], d, T, 0, NULL, 0, &r, err, sizeof err) ==
                            0);
            double x, avg;
            direct(preset[k], k < 3, d, T, &x, &avg);
            CU_ASSERT(memcmp(&x, &r.x, sizeof x) == 0); /* the library's bits */
            /* The compensated binary64 sum against long double: a few ulps. */
            CU_ASSERT(fabs(r.avg_regret - avg) <= 1e-14 * fabs(avg));
            CU_ASSERT(r.T == T && r.x >= -1.0 && r.x <= 1.0);
        }
}

/* MADA learns: its coefficients at the start are the mada-toy preset's,
 * rho, beta3 and c move, beta1, beta2 and gamma are frozen. */
static void test_mada_coefficients(void)
{
    toy_result r;
    char err[256];
    CU_ASSERT_FATAL(toy_run("mada", MADA_F64, 3000, 0, NULL, 0, &r, err, sizeof err) == 0);
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada-toy") == MADA_OK);
    CU_ASSERT(memcmp(r.coef0, cfg.coef, sizeof r.coef0) == 0);
    CU_ASSERT(r.coef[MADA_RHO] != r.coef0[MADA_RHO]);
    CU_ASSERT(r.coef[MADA_BETA1] == r.coef0[MADA_BETA1]);
    CU_ASSERT(r.coef[MADA_BETA2] == r.coef0[MADA_BETA2]);
    CU_ASSERT(r.coef[MADA_GAMMA] == r.coef0[MADA_GAMMA]);
}

/* CSV rows: t = 1, every ceil(T / points) steps, the log grid (10, 12, 15,
 * 20, 25, 30, 40, 50, 60, 80 times 10^k), t = T; each row complete. */
static void test_csv_rows(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_FATAL(f != NULL);
    toy_result r;
    char err[256];
    CU_ASSERT_FATAL(toy_run("adam", MADA_F32, 1000, 10, f, 0, &r, err, sizeof err) == 0);
    fclose(f);
    int rows = 0, last_t = 0, ok = 1;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        int t = 0, commas = 0;
        for (const char *c = line; *c; c++)
            commas += *c == ',';
        ok &= commas == 10 && sscanf(line, "adam,binary32,%d,", &t) == 1 && t > last_t;
        last_t = t;
        rows++;
    }
    CU_ASSERT(ok);
    /* t = 1; 10 .. 80 (10 rows); 100, 120, 150, 200, 250, 300, 400, 500, 600,
     * 700, 800, 900, 1000 (13 rows) */
    CU_ASSERT(rows == 24 && last_t == 1000);
    free(buf);
    /* An unknown optimizer: an error that names it. */
    CU_ASSERT(toy_run("sgd", MADA_F32, 10, 0, NULL, 0, &r, err, sizeof err) == -1);
    CU_ASSERT(strstr(err, "\"sgd\"") != NULL);
}

void register_toy_suite(void)
{
    static const test_entry tests[] = {
        {"toy: the library's trajectory bit for bit, the regret's definition",
         test_trajectory_and_regret},
        {"toy: MADA learns rho, beta3, c from the mada-toy point", test_mada_coefficients},
        {"toy: CSV rows and errors", test_csv_rows},
        {NULL, NULL},
    };
    add_suite("analysis: the online toy (spec 11.1)", tests);
}
