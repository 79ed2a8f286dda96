/*
 * mada_analysis.c -- mada-analysis, the command-line tool of the
 * convergence studies (spec 11; issue 13).  One subcommand per study, each
 * with --help, CSV on stdout or --out, progress on stderr.
 *
 *   mada-analysis toy        the online toy of spec 11.1
 *   mada-analysis terms      S1, S2, S3 and the left side of 11.2; the bounds of 11.5
 *   mada-analysis rates      rates on the stochastic problems of 11.3
 *   mada-analysis precision  binary32 / binary64 / MPFR trajectories (11.4)
 *   mada-analysis errors     the error study of issue 13 item 3
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "studies.h"
#include "toy.h"

static const char usage_main[] =
    "usage: mada-analysis COMMAND [OPTIONS]\n"
    "\n"
    "The convergence studies of the MADA specification (section 11), run through\n"
    "the library.  Commands:\n"
    "  toy     the online toy of spec 11.1 (released code's amsgrad_toy.py): Adam,\n"
    "          AMSGrad, AVGrad and MADA learning rho, beta3 and c, in binary32 and\n"
    "          binary64, projected onto [-1, 1] after every step; x_t, the average\n"
    "          regret R_t/t and the coefficients over time, as CSV\n"
    "  terms   S1, S2, S3 and the left side of spec 11.2 along trajectories (toy,\n"
    "          stochastic problems; Adam, AMSGrad, AVGrad, mixes), in MPFR and in\n"
    "          binary32/binary64, fitted growth exponents; spec 11.5's monotonicity\n"
    "          and bounds on the alpha/sqrt(t) runs\n"
    "  rates   squared gradient norm on two smooth non-convex stochastic problems\n"
    "          (d = 10) over seeds and horizons; fitted exponents, best rho\n"
    "  precision  distance of the binary32 and binary64 trajectories to MPFR\n"
    "  errors  the error of every preset's steps against MPFR at 256 bits, per step\n"
    "          and accumulated, in ulps; the worst steps kept as data\n"
    "  help    this text; `mada-analysis COMMAND --help` for a command's options\n"
    "\n"
    "Exit status: 0 success; 1 a checked claim does not hold (--check); 2 a usage\n"
    "error, or a run or a file failed.\n";

static const char usage_toy[] =
    "usage: mada-analysis toy [OPTIONS]\n"
    "\n"
    "The online problem of spec 11.1: x in [-1, 1], x_0 = 0, f_t(x) = 1010 x when\n"
    "t mod 101 == 1, else -10 x (minimiser x = -1), lr 1e-3.  Adam, AMSGrad and\n"
    "AVGrad at beta = (0.9, 0.99), eps 1e-8; MADA from the Adam point learning\n"
    "beta3, rho and c (hyper lr 0.1, momentum 0.9; the mada-toy preset).  After\n"
    "every step mada_project() clamps x to [-1, 1] (and zeroes the partials of a\n"
    "clamped x).  R_T = sum_t f_t(x_{t-1}) - min_x sum_t f_t(x), summed with\n"
    "compensation in binary64.  Deterministic (no random input).\n"
    "\n"
    "Options:\n"
    "  --optimizers LIST  comma-separated subset of adam,amsgrad,avgrad,mada\n"
    "                     (default: all four)\n"
    "  --dtypes LIST      comma-separated subset of binary32,binary64 (default both)\n"
    "  --steps T          steps per run, 1 to 1000000000 (default 2000000)\n"
    "  --points N         CSV rows per run at N evenly spaced t and ten log-spaced\n"
    "                     t a decade (10, 12, 15, .., 80 times 10^k), besides t = 1\n"
    "                     and t = T (default 200; 0: only those two)\n"
    "  --out FILE         write the CSV to FILE (default: standard output)\n"
    "  --check            check the claims of spec 11.1 on the runs (needs all four\n"
    "                     optimizers): one line per claim, `holds` or `FAILS`, with\n"
    "                     the measured numbers (`note` lines report without\n"
    "                     asserting), and exit 1 if one does not hold\n"
    "  --mpfr PREC        also run the four optimizers in MPFR at PREC bits (64 to\n"
    "                     100000; analysis/mp_opt.h), CSV dtype mpfrPREC; with\n"
    "                     --check its claims are checked too (default: off)\n"
    "  --mpfr-steps T     steps of the MPFR runs (default: --steps)\n"
    "  --claims FILE      append the claims as CSV rows (study,id,dtype,holds,\n"
    "                     value,text) to FILE\n"
    "  --quiet            no progress lines on standard error\n"
    "  -h, --help         this text\n"
    "\n"
    "CSV columns: optimizer,dtype,t,x,avg_regret,beta1,beta2,beta3,rho,c,gamma\n"
    "Time: about 2 s per run of 2,000,000 steps on one core.\n";

/* Parse a count in [lo, hi]; 0 on success. */
static int parse_count(const char *opt, const char *s, unsigned long long lo,
                       unsigned long long hi, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long v = s && *s != '-' ? strtoull(s, &end, 10) : 0;
    if (!s || !*s || *s == '-' || errno || !end || *end || v < lo || v > hi) {
        fprintf(stderr, "mada-analysis: %s needs a whole number from %llu to %llu, got \"%s\"\n",
                opt, lo, hi, s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* Items of a comma-separated list, each one of names[0 .. n-1]: the mask of
 * those present; 0 and a message if one is unknown or the list is empty. */
static unsigned parse_list(const char *opt, const char *s, const char *const *names, int n)
{
    unsigned mask = 0;
    const char *p = s;
    while (p && *p) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        int k = 0;
        while (k < n && !(strlen(names[k]) == len && strncmp(names[k], p, len) == 0))
            k++;
        if (k == n) {
            fprintf(stderr, "mada-analysis toy: %s: unknown item \"%.*s\" (one of:", opt,
                    (int)len, p);
            for (int j = 0; j < n; j++)
                fprintf(stderr, " %s", names[j]);
            fprintf(stderr, ")\n");
            return 0;
        }
        mask |= 1u << k;
        p = e ? e + 1 : NULL;
    }
    if (!mask)
        fprintf(stderr, "mada-analysis toy: %s needs a non-empty list\n", opt);
    return mask;
}

static const char *const dtype_names[2] = {"binary32", "binary64"};

/* The claims of spec 11.1 that issue 13 asks to assert, per type. */
static int check_claims(FILE *claims, const char *dtype, const toy_result r[TOY_NOPT])
{
    const toy_result *adam = &r[0], *ams = &r[1], *avg = &r[2], *mada = &r[3];
    char m[160], id[64];
    int ok = 1;
#define ID(what) (snprintf(id, sizeof id, "toy-%s-%s", what, dtype), id)
    snprintf(m, sizeof m, "x_T = %.6g", adam->x);
    ok &= claim_emit(claims, "toy", ID("adam-x"), dtype, adam->x >= 0.99, adam->x,
                     "Adam is driven to +1 (x_T >= 0.99)", m);
    snprintf(m, sizeof m, "x_T = %.6g", ams->x);
    ok &= claim_emit(claims, "toy", ID("amsgrad-x"), dtype, ams->x <= -0.9, ams->x,
                     "AMSGrad ends near -1 (x_T <= -0.9)", m);
    snprintf(m, sizeof m, "x_T = %.6g", avg->x);
    ok &= claim_emit(claims, "toy", ID("avgrad-x"), dtype, avg->x <= -0.9, avg->x,
                     "AVGrad ends near -1 (x_T <= -0.9)", m);
    snprintf(m, sizeof m, "rho: %.6g -> %.6g", mada->coef0[MADA_RHO], mada->coef[MADA_RHO]);
    ok &= claim_emit(claims, "toy", ID("mada-rho"), dtype,
                     mada->coef[MADA_RHO] <= 0.1 && mada->coef0[MADA_RHO] == 1.0,
                     mada->coef[MADA_RHO], "MADA moves rho from 1 towards 0 (rho_T <= 0.1)", m);
    snprintf(m, sizeof m, "R_T/T = %.6g vs Adam %.6g", mada->avg_regret, adam->avg_regret);
    ok &= claim_emit(claims, "toy", ID("mada-regret"), dtype,
                     mada->avg_regret < adam->avg_regret, mada->avg_regret,
                     "MADA ends with a lower average regret than Adam", m);
    snprintf(m, sizeof m, "R_T/T = %.6g", adam->avg_regret);
    claim_emit(claims, "toy", ID("adam-regret"), dtype, -1, adam->avg_regret,
               "Adam's average regret (reported)", m);
    /* Spec 11.1 also says MADA reaches -1; reported, not asserted (issue
     * 13 does not list it among the checked claims). */
    snprintf(m, sizeof m, "x_T = %.6g (%s)", mada->x, mada->x <= -0.9 ? "yes" : "no");
    claim_emit(claims, "toy", ID("mada-x"), dtype, -1, mada->x,
               "MADA reaches -1 (x_T <= -0.9; reported and not asserted)", m);
#undef ID
    return ok;
}

static int cmd_toy(int argc, char **argv)
{
    unsigned opts = (1u << TOY_NOPT) - 1, dtypes = 3;
    unsigned long long T = 2000000, points = 200;
    unsigned long long mprec = 0, msteps = 0;
    const char *out = NULL, *claims_path = NULL;
    int check = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_toy, stdout);
            return 0;
        } else if (!strcmp(a, "--check")) {
            check = 1;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "--optimizers") || !strcmp(a, "--dtypes") ||
                   !strcmp(a, "--steps") || !strcmp(a, "--points") || !strcmp(a, "--out") ||
                   !strcmp(a, "--mpfr") || !strcmp(a, "--mpfr-steps") || !strcmp(a, "--claims")) {
            if (!v) {
                fprintf(stderr, "mada-analysis toy: %s needs a value (--help)\n", a);
                return 2;
            }
            i++;
            if (!strcmp(a, "--optimizers")) {
                if (!(opts = parse_list(a, v, toy_optimizers, TOY_NOPT)))
                    return 2;
            } else if (!strcmp(a, "--dtypes")) {
                if (!(dtypes = parse_list(a, v, dtype_names, 2)))
                    return 2;
            } else if (!strcmp(a, "--steps")) {
                if (parse_count(a, v, 1, 1000000000ull, &T))
                    return 2;
            } else if (!strcmp(a, "--points")) {
                if (parse_count(a, v, 0, 1000000ull, &points))
                    return 2;
            } else if (!strcmp(a, "--mpfr")) {
                if (parse_count(a, v, 64, 100000ull, &mprec))
                    return 2;
            } else if (!strcmp(a, "--mpfr-steps")) {
                if (parse_count(a, v, 1, 1000000000ull, &msteps))
                    return 2;
            } else if (!strcmp(a, "--claims")) {
                claims_path = v;
            } else {
                out = v;
            }
        } else {
            fprintf(stderr, "mada-analysis toy: unknown argument \"%s\" (--help)\n", a);
            return 2;
        }
    }
    if (check && opts != (1u << TOY_NOPT) - 1) {
        fprintf(stderr, "mada-analysis toy: --check compares the four optimizers: "
                        "leave out --optimizers or name all four\n");
        return 2;
    }
    FILE *csv = stdout, *claims = NULL;
    if (out && strcmp(out, "-") != 0) {
        csv = fopen(out, "w");
        if (!csv) {
            fprintf(stderr, "mada-analysis toy: cannot write %s: %s\n", out, strerror(errno));
            return 2;
        }
    } else if (check) {
        csv = NULL; /* the claims' table goes to standard output */
    }
    if (claims_path && !(claims = fopen(claims_path, "a"))) {
        fprintf(stderr, "mada-analysis toy: cannot append to %s: %s\n", claims_path,
                strerror(errno));
        if (csv && csv != stdout)
            fclose(csv);
        return 2;
    }
    if (csv)
        fputs(toy_csv_header(), csv);
    int status = 0;
    for (int d = 0; d < 3; d++) {
        if (d < 2 && !(dtypes & (1u << d)))
            continue;
        if (d == 2 && !mprec)
            continue;
        char dname[32];
        if (d < 2)
            snprintf(dname, sizeof dname, "%s", dtype_names[d]);
        else
            snprintf(dname, sizeof dname, "mpfr%llu", mprec);
        const unsigned long long Td = d == 2 && msteps ? msteps : T;
        toy_result r[TOY_NOPT];
        for (int k = 0; k < TOY_NOPT; k++) {
            if (!(opts & (1u << k)))
                continue;
            char err[512];
            const int rc = d < 2 ? toy_run(toy_optimizers[k], d ? MADA_F64 : MADA_F32, Td, points,
                                           csv, !quiet, &r[k], err, sizeof err)
                                 : toy_run_mpfr(toy_optimizers[k], (long)mprec, Td, points, csv,
                                                !quiet, &r[k], err, sizeof err);
            if (rc != 0) {
                fprintf(stderr, "mada-analysis %s\n", err);
                status = 2;
                goto done;
            }
            if (!quiet)
                fprintf(stderr, "toy %s %s: %llu steps in %.1f s: x_T = %.6g, R_T/T = %.6g\n",
                        toy_optimizers[k], dname, Td, r[k].seconds, r[k].x, r[k].avg_regret);
        }
        if (check && !check_claims(claims, dname, r))
            status = 1;
    }
    if (check)
        printf(status ? "toy: a claim does not hold (FAILS above)\n"
                      : "toy: every checked claim holds\n");
done:
    if (csv && csv != stdout && fclose(csv) != 0) {
        fprintf(stderr, "mada-analysis toy: writing %s failed: %s\n", out, strerror(errno));
        status = status ? status : 2;
    }
    if (claims && fclose(claims) != 0) {
        fprintf(stderr, "mada-analysis toy: writing %s failed: %s\n", claims_path,
                strerror(errno));
        status = status ? status : 2;
    }
    return status;
}

/* ---- terms, rates, precision, errors: one option set ----------------------- */
typedef struct {
    const char *name;
    int (*run)(const st_opts *);
    const char *usage;
    unsigned long long T, seeds;
} study_cmd;

#define STUDY_OPTIONS                                                                      \
    "Options:\n"                                                                           \
    "  --steps T      the largest horizon (see above for its default)\n"                    \
    "  --seeds N      seeds where the study averages over seeds (rates; default 20)\n"      \
    "  --prec P       MPFR precision of the high-precision runs, 64 to 100000 bits\n"       \
    "                 (default 128)\n"                                                       \
    "  --dir DIR      the directory the CSV files go to; it must exist (default: the\n"    \
    "                 current directory)\n"                                                  \
    "  --claims FILE  append the claims as CSV rows (study,id,dtype,holds,value,text)\n"  \
    "  --check        assert the claims: exit 1 and `FAILS` on the line of one that does\n" \
    "                 not hold (`note` lines report without asserting)\n"                   \
    "  --quiet        no progress lines on standard error\n"                                \
    "  -h, --help     this text\n"                                                           \
    "Exit status: 0 success; 1 a checked claim does not hold; 2 usage or run error.\n"

static const study_cmd studies[] = {
    {"terms", study_terms,
     "usage: mada-analysis terms [OPTIONS]\n\n"
     "Spec 11.2: along trajectories, S1 = sum_t ||e_t g_t||^2, S2 = sum_t ||e_t - e_{t-1}||_1,\n"
     "S3 = sum_t ||e_t - e_{t-1}||_2^2 and the left side sum_t <grad f, e_t grad f>, with the\n"
     "effective step e_t = alpha_t / (sqrt(vhat_t) + eps) as the code runs it (docs/\n"
     "DECISIONS.md D26).  Problems: the toy (lr 1e-3, T steps), the toy with alpha/sqrt(t)\n"
     "(alpha 1e-3), robust and logistic (alpha 0.05/sqrt(t), T/10 steps).  Optimizers:\n"
     "adam, amsgrad, avgrad, rho0.25..0.75 (the library's Adam/AVGrad mix) and, on the\n"
     "alpha/sqrt(t) runs, amsavg0.25..0.75 (the AMSGrad/AVGrad mix of spec 11.5), at beta\n"
     "(0.9, 0.99), eps 1e-8.  Sums in MPFR at --prec; every optimizer but the\n"
     "amsavg mixes also in binary32 and binary64 (runs and sums in that type).\n"
     "Growth exponents: log-log slope over the last decade.  Spec 11.5 on the\n"
     "alpha/sqrt(t) runs: e_t non-increasing (compared in MPFR), S1 and S2\n"
     "below the bounds derived in docs/report.pdf section 5.\n"
     "CSV: terms.csv, terms_fit.csv, bounds.csv.  Default --steps 20000.\n\n" STUDY_OPTIONS,
     20000, 20},
    {"rates", study_rates,
     "usage: mada-analysis rates [OPTIONS]\n\n"
     "Spec 11.3: the problems robust and logistic (d = 10, analysis/problems.h) through\n"
     "the library in binary64, alpha_t = 0.05/sqrt(t), one sample per step; for T = 100,\n"
     "1000, ... up to --steps: the mean over seeds of the average squared gradient norm\n"
     "over T steps (and its spread, and the minimum), the fitted exponent in T per\n"
     "optimizer, and the rho of the Adam/AVGrad mix that minimises it at each T.\n"
     "CSV: rates.csv, rates_fit.csv, rates_best.csv.  Default --steps 100000.\n\n" STUDY_OPTIONS,
     100000, 20},
    {"precision", study_precision,
     "usage: mada-analysis precision [OPTIONS]\n\n"
     "Spec 11.4: the same runs through the library in binary32 and binary64 and in\n"
     "MPFR at --prec: MADA on the toy (T steps) and AVGrad on robust (T/10 steps);\n"
     "the max-norm distance of x_t to the MPFR run, absolute and relative.\n"
     "CSV: precision.csv.  Default --steps 200000.\n\n" STUDY_OPTIONS,
     200000, 20},
    {"errors", study_errors,
     "usage: mada-analysis errors [OPTIONS] [--worst FILE]\n\n"
     "Issue 13 item 3: every preset on 64 elements with an x-independent random\n"
     "gradient stream (magnitudes 2^-16..2^7), binary32 and binary64, alpha_t =\n"
     "0.01/sqrt(t).  Per step: the error of the step (x', m', v', vbar' from the same\n"
     "state, against MPFR at 256 bits) in ulps of the type; accumulated: x_t against\n"
     "a 256-bit run from the same start (ulps and relative).  The library's run and\n"
     "the MPFR emulation run side by side and must agree bit for bit (a claim).\n"
     "--worst FILE writes each run's worst step as data (tests/data/\n"
     "error_worst_cases.csv is replayed by make test).\n"
     "CSV: errors.csv, errors_summary.csv.  Default --steps 2000.\n\n" STUDY_OPTIONS,
     2000, 20},
};

static int cmd_study(const study_cmd *c, int argc, char **argv)
{
    st_opts o = {c->T, (int)c->seeds, 128, ".", NULL, 0, 0, NULL};
    unsigned long long v_;
    const char *claims_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(c->usage, stdout);
            return 0;
        } else if (!strcmp(a, "--check")) {
            o.check = 1;
        } else if (!strcmp(a, "--quiet")) {
            o.quiet = 1;
        } else if (!strcmp(a, "--steps") || !strcmp(a, "--seeds") || !strcmp(a, "--prec") ||
                   !strcmp(a, "--dir") || !strcmp(a, "--claims") ||
                   (!strcmp(a, "--worst") && c->run == study_errors)) {
            if (!v) {
                fprintf(stderr, "mada-analysis %s: %s needs a value (--help)\n", c->name, a);
                return 2;
            }
            i++;
            if (!strcmp(a, "--steps")) {
                if (parse_count(a, v, 10, 1000000000ull, &v_))
                    return 2;
                o.T = v_;
            } else if (!strcmp(a, "--seeds")) {
                if (parse_count(a, v, 1, 100000ull, &v_))
                    return 2;
                o.seeds = (int)v_;
            } else if (!strcmp(a, "--prec")) {
                if (parse_count(a, v, 64, 100000ull, &v_))
                    return 2;
                o.prec = (mpfr_prec_t)v_;
            } else if (!strcmp(a, "--dir")) {
                o.dir = v;
            } else if (!strcmp(a, "--claims")) {
                claims_path = v;
            } else {
                o.worst = v;
            }
        } else {
            fprintf(stderr, "mada-analysis %s: unknown argument \"%s\" (--help)\n", c->name, a);
            return 2;
        }
    }
    if (claims_path && !(o.claims = fopen(claims_path, "a"))) {
        fprintf(stderr, "mada-analysis %s: cannot append to %s: %s\n", c->name, claims_path,
                strerror(errno));
        return 2;
    }
    int status = c->run(&o);
    if (o.check && status != 2)
        printf(status ? "%s: a claim does not hold (FAILS above)\n"
                      : "%s: every checked claim holds\n",
               c->name);
    if (o.claims && fclose(o.claims) != 0) {
        fprintf(stderr, "mada-analysis %s: writing %s failed: %s\n", c->name, claims_path,
                strerror(errno));
        status = 2;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "--help")) {
        if (argc >= 3 && !strcmp(argv[1], "help") && !strcmp(argv[2], "toy")) {
            fputs(usage_toy, stdout);
            return 0;
        }
        for (size_t k = 0; argc >= 3 && k < sizeof studies / sizeof *studies; k++)
            if (!strcmp(argv[1], "help") && !strcmp(argv[2], studies[k].name)) {
                fputs(studies[k].usage, stdout);
                return 0;
            }
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "toy"))
        return cmd_toy(argc - 1, argv + 1);
    for (size_t k = 0; k < sizeof studies / sizeof *studies; k++)
        if (!strcmp(argv[1], studies[k].name))
            return cmd_study(&studies[k], argc - 1, argv + 1);
    fprintf(stderr, "mada-analysis: unknown command \"%s\" (mada-analysis --help)\n", argv[1]);
    return 2;
}
