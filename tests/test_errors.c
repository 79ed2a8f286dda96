/*
 * test_errors.c -- the worst steps of the error study (mada-analysis errors
 * --worst; tests/data/error_worst_cases.csv, issue 13 item 3), replayed:
 * each row's state, gradient, coefficients and learning rate stepped once by
 * the binary32/binary64 emulation (the library's bits: test_mpfr_opt.c) and
 * by MPFR at 256 bits; the error of the named output, in ulps of the type,
 * must be the one recorded, and no larger.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_opt.h"
#include "studies.h"
#include "testutil.h"

/* One replay; the error in ulps, or -1 on a malformed row. */
static double replay(const char *preset, int f32, uint64_t t, const double st[7], double g,
                     const double q[MADA_NCOEF], double lr, const char *output)
{
    mada_config cfg;
    if (mada_config_preset(&cfg, preset) != MADA_OK)
        return -1;
    for (int k = 0; k < MADA_NCOEF; k++)
        cfg.eta[k] = 0.0;
    cfg.lean = 0;
    char err[128];
    mp_opt *emu = mp_opt_create(1, f32 ? MP_EMU32 : MP_EMU64, 0, &cfg, 0, err, sizeof err);
    mp_opt *ref = mp_opt_create(1, MP_HIGH, 256, &cfg, 0, err, sizeof err);
    if (!emu || !ref)
        return -1;
    mp_opt *e[2] = {emu, ref};
    mpfr_t gm[1], lrm;
    mpfr_init2(gm[0], 53);
    mpfr_init2(lrm, 53);
    mpfr_set_d(gm[0], g, MPFR_RNDN);
    mpfr_set_d(lrm, lr, MPFR_RNDN);
    for (int k = 0; k < 2; k++) {
        mp_opt_set_elem(e[k], 0, st);
        mp_opt_set_t(e[k], t - 1, q);
        mp_opt_step(e[k], gm, lrm);
    }
    double u = -1;
    if (!strcmp(output, "x"))
        u = st_ulps(mp_opt_x(emu)[0], mp_opt_x(ref)[0], f32);
    else {
        const int w = !strcmp(output, "m") ? MP_M : !strcmp(output, "v") ? MP_V
                      : !strcmp(output, "vbar") ? MP_VB : -1;
        if (w >= 0)
            u = st_ulps(mp_opt_state(emu, w, 0), mp_opt_state(ref, w, 0), f32);
    }
    mpfr_clears(gm[0], lrm, (mpfr_ptr)0);
    mp_opt_destroy(emu);
    mp_opt_destroy(ref);
    return u;
}

static void test_worst_cases(void)
{
    const char *path = "tests/data/error_worst_cases.csv"; /* run from the root */
    FILE *f = fopen(path, "r");
    CU_ASSERT_FATAL(f != NULL);
    char line[2048];
    int rows = 0, header = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (!header) { /* the column names */
            header = 1;
            CU_ASSERT(strncmp(line, "optimizer,dtype,t,", 18) == 0);
            continue;
        }
        char *fld[21];
        int nf = 0;
        for (char *p = strtok(line, ",\n"); p && nf < 21; p = strtok(NULL, ",\n"))
            fld[nf++] = p;
        CU_ASSERT_FATAL(nf == 20);
        const int f32 = !strcmp(fld[1], "binary32");
        const uint64_t t = strtoull(fld[2], NULL, 10);
        double st[7], q[MADA_NCOEF];
        for (int k = 0; k < 7; k++)
            st[k] = strtod(fld[3 + k], NULL);
        const double g = strtod(fld[10], NULL);
        for (int k = 0; k < MADA_NCOEF; k++)
            q[k] = strtod(fld[11 + k], NULL);
        const double lr = strtod(fld[17], NULL), recorded = strtod(fld[19], NULL);
        const double u = replay(fld[0], f32, t, st, g, q, lr, fld[18]);
        if (u != recorded)
            printf("\n  %s %s t = %llu (%s): replayed %.17g ulps, recorded %.17g\n", fld[0],
                   fld[1], (unsigned long long)t, fld[18], u, recorded);
        CU_ASSERT(u >= 0 && u == recorded);
        rows++;
    }
    fclose(f);
    /* every preset of the study, in both types */
    CU_ASSERT(rows == 16);
}

void register_errors_suite(void)
{
    CU_pSuite s = CU_add_suite("mpfr_errors", NULL, NULL);
    CU_add_test(s, "the error study's worst steps replay with their measured error",
                test_worst_cases);
}
