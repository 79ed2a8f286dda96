/*
 * toy.h -- the online toy of the released code (spec 11.1, amsgrad_toy.py)
 * run through the library: x in [-1, 1] projected after every update
 * (mada_project()), x_0 = 0, f_t(x) = 1010 x if t mod 101 == 1, else -10 x;
 * minimiser x = -1.  Deterministic: no random input.
 */
#ifndef MADA_TOY_H
#define MADA_TOY_H

#include <stdint.h>
#include <stdio.h>

#include "mada.h"

/* The optimizers of spec 11.1: Adam, AMSGrad and AVGrad at beta = (0.9,
 * 0.99), eps 1e-8, and MADA from the Adam point learning beta3, rho and c
 * (the mada-toy preset); lr 1e-3 for all. */
#define TOY_NOPT 4
extern const char *const toy_optimizers[TOY_NOPT]; /* "adam", "amsgrad", "avgrad", "mada" */

/* What a run ends with. */
typedef struct {
    uint64_t T;              /* steps run                                   */
    double x;                /* x_T                                         */
    double avg_regret;       /* R_T / T, R_T = sum_t f_t(x_{t-1}) - min_x sum_t f_t(x) */
    double coef[MADA_NCOEF]; /* the coefficients at the end                 */
    double coef0[MADA_NCOEF];/* and at the start                            */
    double seconds;          /* wall time of the run                        */
} toy_result;

/* Run optimizer `name` (one of toy_optimizers) for T steps in binary32 or
 * binary64.  Writes CSV rows (no header; toy_csv_header()) to csv, if not
 * NULL, at `points` evenly spaced steps and (points > 0) ten log-spaced
 * steps a decade (st_log_point), and at t = 1 and t = T; a progress
 * line to stderr about every 2 s when progress is set.  0 on success; else
 * -1 with a sentence in err (cap bytes). */
int toy_run(const char *name, mada_dtype dtype, uint64_t T, uint64_t points, FILE *csv,
            int progress, toy_result *res, char *err, size_t cap);

/* The same run in MPFR at prec bits (>= 64; analysis/mp_opt.h, high
 * precision), projected after every step; CSV dtype "mpfrPREC". */
int toy_run_mpfr(const char *name, long prec, uint64_t T, uint64_t points, FILE *csv,
                 int progress, toy_result *res, char *err, size_t cap);

/* The configuration of spec 11.1 for optimizer `name` (MADA_OK or an error). */
int toy_config(const char *name, mada_config *cfg);

/* The CSV header line of toy_run()'s rows (with its newline). */
const char *toy_csv_header(void);

#endif /* MADA_TOY_H */
