/*
 * studies.h -- the convergence and precision studies of spec 11 behind
 * mada-analysis's subcommands terms, rates, precision and errors
 * (analysis/studies.c), and the checked-claims output they share with toy.
 */
#ifndef MADA_STUDIES_H
#define MADA_STUDIES_H

#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>

#include "mada.h"

/* One claim: a line on standard output (`holds`, `FAILS` or `note`, the
 * type, the text, the measured numbers) and, if claims is not NULL, a row
 * study,id,dtype,verdict,value,text of the claims CSV.  verdict: 1 holds, 0
 * FAILS, -1 note.  Returns 0 only for a failed claim. */
int claim_emit(FILE *claims, const char *study, const char *id, const char *dtype, int verdict,
               double value, const char *text, const char *measured);

/* What every study takes. */
typedef struct {
    uint64_t T;          /* steps (the largest horizon)                      */
    int seeds;           /* seeds (rates)                                    */
    mpfr_prec_t prec;    /* MPFR precision of the high-precision runs        */
    const char *dir;     /* directory of the CSV files                       */
    FILE *claims;        /* claims CSV (may be NULL)                         */
    int check;           /* assert the claims                                */
    int quiet;           /* no progress lines                                */
    const char *worst;   /* errors: the worst-case file to write (or NULL)   */
} st_opts;

/* Each returns 0 (success, every checked claim holds), 1 (a claim fails) or
 * 2 (a run or a file failed; the reason on stderr). */
int study_terms(const st_opts *o);     /* terms.csv, terms_fit.csv, bounds.csv */
int study_rates(const st_opts *o);     /* rates.csv, rates_fit.csv, rates_best.csv */
int study_precision(const st_opts *o); /* precision.csv */
int study_errors(const st_opts *o);    /* errors.csv, errors_summary.csv, worst cases */

/* The optimizers of the studies: a name (adam, amsgrad, avgrad, rhoR for the
 * library's Adam/AVGrad mix P = R v' + (1-R) vbar', amsavgR for the
 * AMSGrad/AVGrad mix P = R vmax + (1-R) vavg), with beta = (0.9, 0.99) and
 * eps 1e-8.  0 on success; *mix receives the engine's vbar mode. */
int st_config(const char *name, mada_config *cfg, int *mix);

/* Spec 11.5 on one run with alpha_t = alpha/sqrt(t) (problem "toy-sqrt",
 * "robust" or "logistic"; optimizer as st_config), T steps in MPFR at prec:
 * the measured S1, S2, their bounds (docs/report.pdf section 5, with c and H
 * measured on the run), whether every effective step is non-increasing and
 * the largest relative increase.  0 on success. */
typedef struct {
    double S1, S1_bound, S2, S2_bound, max_rel_increase;
    int monotone;
} st_bound;
int st_bounds_run(const char *problem, const char *opt, uint64_t T, mpfr_prec_t prec,
                  st_bound *out);

/* The log grid of the CSV rows: t = m * 10^k for m in {10, 12, 15, 20, 25,
 * 30, 40, 50, 60, 80} (ten points a decade from t = 10). */
int st_log_point(uint64_t t);

/* The error of a step's value `got` (exact in the type: 24 or 53 bits)
 * against the reference `ref`, in units in the last place of the type at
 * ref (subnormal ulps below the normal range). */
double st_ulps(mpfr_srcptr got, mpfr_srcptr ref, int f32);

#endif /* MADA_STUDIES_H */
