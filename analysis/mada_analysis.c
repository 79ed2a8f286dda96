/*
 * mada_analysis.c -- mada-analysis, the command-line tool of the
 * convergence studies (spec 11; issue 13).  One subcommand per study, each
 * with --help, CSV on stdout or --out, progress on stderr.
 *
 *   mada-analysis toy [options]    the online toy of spec 11.1
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "  help    this text; `mada-analysis COMMAND --help` for a command's options\n"
    "\n"
    "Exit status: 0 success; 1 a checked claim does not hold (--check) or a run\n"
    "failed; 2 a usage error.\n";

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
    "  --points N         CSV rows per run at evenly spaced t, besides t = 1 and\n"
    "                     t = T (default 200; 0: only those two)\n"
    "  --out FILE         write the CSV to FILE (default: standard output)\n"
    "  --check            check the claims of spec 11.1 on the runs (needs all four\n"
    "                     optimizers): one line per claim, `holds` or `FAILS`, with\n"
    "                     the measured numbers (`note` lines report without\n"
    "                     asserting), and exit 1 if one does not hold\n"
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
        fprintf(stderr, "mada-analysis toy: %s needs a whole number from %llu to %llu, got \"%s\"\n",
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

/* One claim's line; 1 if it holds. */
static int claim(int holds, const char *dtype, const char *text, const char *measured)
{
    printf("%-6s %-8s %-62s %s\n", holds ? "holds" : "FAILS", dtype, text, measured);
    return holds;
}

/* The claims of spec 11.1 that issue 13 asks to assert, per type. */
static int check_claims(const char *dtype, const toy_result r[TOY_NOPT])
{
    const toy_result *adam = &r[0], *ams = &r[1], *avg = &r[2], *mada = &r[3];
    char m[160];
    int ok = 1;
    snprintf(m, sizeof m, "x_T = %.6g", adam->x);
    ok &= claim(adam->x >= 0.99, dtype, "Adam is driven to +1 (x_T >= 0.99)", m);
    snprintf(m, sizeof m, "x_T = %.6g", ams->x);
    ok &= claim(ams->x <= -0.9, dtype, "AMSGrad ends near -1 (x_T <= -0.9)", m);
    snprintf(m, sizeof m, "x_T = %.6g", avg->x);
    ok &= claim(avg->x <= -0.9, dtype, "AVGrad ends near -1 (x_T <= -0.9)", m);
    snprintf(m, sizeof m, "rho: %.6g -> %.6g", mada->coef0[MADA_RHO], mada->coef[MADA_RHO]);
    ok &= claim(mada->coef[MADA_RHO] <= 0.1 && mada->coef0[MADA_RHO] == 1.0, dtype,
                "MADA moves rho from 1 towards 0 (rho_T <= 0.1)", m);
    snprintf(m, sizeof m, "R_T/T = %.6g vs Adam %.6g", mada->avg_regret, adam->avg_regret);
    ok &= claim(mada->avg_regret < adam->avg_regret, dtype,
                "MADA ends with a lower average regret than Adam", m);
    /* Spec 11.1 also says MADA reaches -1; reported, not asserted (issue
     * 13 does not list it among the checked claims). */
    snprintf(m, sizeof m, "x_T = %.6g (%s)", mada->x, mada->x <= -0.9 ? "yes" : "no");
    printf("%-6s %-8s %-62s %s\n", "note", dtype, "MADA reaches -1 (x_T <= -0.9; reported, not asserted)",
           m);
    return ok;
}

static int cmd_toy(int argc, char **argv)
{
    unsigned opts = (1u << TOY_NOPT) - 1, dtypes = 3;
    unsigned long long T = 2000000, points = 200;
    const char *out = NULL;
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
                   !strcmp(a, "--steps") || !strcmp(a, "--points") || !strcmp(a, "--out")) {
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
    FILE *csv = stdout;
    if (out && strcmp(out, "-") != 0) {
        csv = fopen(out, "w");
        if (!csv) {
            fprintf(stderr, "mada-analysis toy: cannot write %s: %s\n", out, strerror(errno));
            return 2;
        }
    } else if (check) {
        csv = NULL; /* the claims' table goes to standard output */
    }
    if (csv)
        fputs(toy_csv_header(), csv);
    int status = 0;
    for (int d = 0; d < 2; d++) {
        if (!(dtypes & (1u << d)))
            continue;
        toy_result r[TOY_NOPT];
        for (int k = 0; k < TOY_NOPT; k++) {
            if (!(opts & (1u << k)))
                continue;
            char err[512];
            if (toy_run(toy_optimizers[k], d ? MADA_F64 : MADA_F32, T, points, csv, !quiet,
                        &r[k], err, sizeof err) != 0) {
                fprintf(stderr, "mada-analysis %s\n", err);
                status = 1;
                goto done;
            }
            if (!quiet)
                fprintf(stderr, "toy %s %s: %llu steps in %.1f s: x_T = %.6g, R_T/T = %.6g\n",
                        toy_optimizers[k], dtype_names[d], T, r[k].seconds, r[k].x,
                        r[k].avg_regret);
        }
        if (check && !check_claims(dtype_names[d], r))
            status = 1;
    }
    if (check)
        printf(status ? "toy: a claim does not hold (FAILS above)\n"
                      : "toy: every checked claim holds\n");
done:
    if (csv && csv != stdout && fclose(csv) != 0) {
        fprintf(stderr, "mada-analysis toy: writing %s failed: %s\n", out, strerror(errno));
        status = status ? status : 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "--help")) {
        if (argc >= 3 && !strcmp(argv[1], "help") && !strcmp(argv[2], "toy"))
            fputs(usage_toy, stdout);
        else
            fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "toy"))
        return cmd_toy(argc - 1, argv + 1);
    fprintf(stderr, "mada-analysis: unknown command \"%s\" (mada-analysis --help)\n", argv[1]);
    return 2;
}
