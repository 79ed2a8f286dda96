/* studies.c -- the studies of spec 11 (analysis/studies.h). */
#define _POSIX_C_SOURCE 200809L
#include "studies.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mada_internal.h" /* mada_lean_of: which arrays a lean optimizer keeps */
#include "mp_opt.h"
#include "problems.h"

#define RN MPFR_RNDN

/* ---- Claims -------------------------------------------------------------------- */
int claim_emit(FILE *claims, const char *study, const char *id, const char *dtype, int verdict,
               double value, const char *text, const char *measured)
{
    const char *v = verdict > 0 ? "holds" : verdict == 0 ? "FAILS" : "note";
    printf("%-6s %-8s %-64s %s\n", v, dtype, text, measured);
    if (claims)
        fprintf(claims, "%s,%s,%s,%s,%.6g,%s\n", study, id, dtype, v, value, text);
    return verdict != 0;
}

/* ---- Shared helpers ---------------------------------------------------------- */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static FILE *open_csv(const st_opts *o, const char *name, const char *header)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", o->dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "mada-analysis: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fputs(header, f);
    return f;
}

/* Close the files that did open, after one did not. */
static int open_failed(FILE *a, FILE *b, FILE *c)
{
    FILE *f[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        if (f[k])
            fclose(f[k]);
    return 2;
}

static int close_csv(FILE *f, const st_opts *o, const char *name)
{
    if (f && fclose(f) != 0) {
        fprintf(stderr, "mada-analysis: writing %s/%s failed: %s\n", o->dir, name,
                strerror(errno));
        return 2;
    }
    return 0;
}

int st_config(const char *name, mada_config *cfg, int *mix)
{
    *mix = MP_VBAR_CFG;
    double rho = -1.0;
    const char *preset = name;
    if (!strncmp(name, "rho", 3)) {
        rho = strtod(name + 3, NULL);
        preset = "avgrad";
    } else if (!strncmp(name, "amsavg", 6)) {
        rho = strtod(name + 6, NULL);
        preset = "avgrad";
        *mix = MP_VBAR_MIX;
    }
    if (mada_config_preset(cfg, preset) != MADA_OK || (rho != -1.0 && !(rho >= 0 && rho <= 1)))
        return -1;
    cfg->coef[MADA_BETA1] = 0.9;
    cfg->coef[MADA_BETA2] = 0.99;
    cfg->eps = 1e-8;
    if (rho >= 0.0)
        cfg->coef[MADA_RHO] = rho;
    return 0;
}

/* Least-squares slope of log y against log t over the points with t >= t_lo. */
static double fit_exponent(const double *t, const double *y, int n, double t_lo)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (t[i] >= t_lo && y[i] > 0) {
            const double a = log(t[i]), b = log(y[i]);
            sx += a, sy += b, sxx += a * a, sxy += a * b, k++;
        }
    if (k < 2)
        return NAN;
    return (k * sxy - sx * sy) / (k * sxx - sx * sx);
}

int st_log_point(uint64_t t)
{
    if (t < 10)
        return 0;
    uint64_t p = 1;
    while (p * 10 <= t)
        p *= 10;
    /* t = k * p / ... : the points round(10^(j/10)) scaled */
    static const int mant[10] = {10, 12, 15, 20, 25, 30, 40, 50, 60, 80};
    for (int j = 0; j < 10; j++)
        if (t * 10 == (uint64_t)mant[j] * p)
            return 1;
    return 0;
}

/* The checkpoints: the log grid, and T. */
static int is_checkpoint(uint64_t t, uint64_t T)
{
    return t == T || st_log_point(t);
}

double st_ulps(mpfr_srcptr got, mpfr_srcptr ref, int f32)
{
    const mpfr_prec_t p = f32 ? 24 : 53;
    const mpfr_exp_t emin = f32 ? -148 : -1073; /* MPFR exponent of the least normal */
    mpfr_t d;
    mpfr_init2(d, 64);
    mpfr_sub(d, got, ref, RN);
    mpfr_abs(d, d, RN);
    mpfr_exp_t e = mpfr_zero_p(ref) ? emin : mpfr_get_exp(ref);
    if (e < emin + p - 1)
        e = emin + p - 1; /* the subnormal ulp */
    mpfr_mul_2si(d, d, -(long)(e - p), RN);
    const double u = mpfr_get_d(d, RN);
    mpfr_clear(d);
    return u;
}

/* ---- terms and bounds (spec 11.2, 11.5) ------------------------------------- */
/* A run's problem: the toy (constant lr 1e-3, or alpha/sqrt(t) with alpha
 * 1e-3) or a stochastic problem (alpha/sqrt(t), alpha 0.05). */
typedef struct {
    const char *name;
    int toy;        /* 1: the online toy of 11.1 */
    int sqrt_lr;    /* alpha_t = alpha / sqrt(t) */
    double alpha;
    pb_kind kind;
} term_problem;

static const term_problem term_problems[] = {
    {"toy", 1, 0, 1e-3, PB_ROBUST},
    {"toy-sqrt", 1, 1, 1e-3, PB_ROBUST},
    {"robust", 0, 1, 0.05, PB_ROBUST},
    {"logistic", 0, 1, 0.05, PB_LOGISTIC},
};

/* The sums of one run, at the run's checkpoints. */
typedef struct {
    int npts;
    double t[256], S1[256], S2[256], S3[256], lhs[256];
    int monotone;          /* effective step non-increasing everywhere */
    double max_rel_inc;    /* largest (e_t - e_{t-1}) / e_{t-1} */
    uint64_t inc_t;        /* where */
    double c, H;           /* min |g_{1,i}|, max |g_{t,i}| */
    double S1T, S2T;
} term_run;

/* One run of optimizer `opt` on problem pb in mode (MP_HIGH at prec, or the
 * emulated binary32/binary64: then the sums are taken in that type's
 * arithmetic, as a user of that type would). */
static int term_run_one(const term_problem *pb, const char *opt, mp_mode mode, mpfr_prec_t prec,
                        uint64_t T, int quiet, term_run *res)
{
    mada_config cfg;
    int mix;
    if (st_config(opt, &cfg, &mix) != 0)
        return -1;
    char err[256];
    const size_t n = pb->toy ? 1 : PB_D;
    mp_opt *e = mp_opt_create(n, mode, prec, &cfg, mix, err, sizeof err);
    if (!e) {
        fprintf(stderr, "mada-analysis terms: %s\n", err);
        return -1;
    }
    const mpfr_prec_t wp = mode == MP_HIGH ? prec : 64;
    problem P;
    pb_init(&P, pb->kind);
    pb_rng rng = {12345};
    mpfr_t *x = mp_opt_x(e);
    mpfr_t g[PB_D], gf[PB_D], eprev[PB_D], lr, ef, a, b, S1, S2, S3, lhs;
    for (size_t i = 0; i < PB_D; i++) {
        mpfr_inits2(mode == MP_HIGH ? prec : 53, g[i], gf[i], (mpfr_ptr)0);
        mpfr_init2(eprev[i], wp);
    }
    mpfr_inits2(wp, lr, ef, a, b, S1, S2, S3, lhs, (mpfr_ptr)0);
    mpfr_set_zero(S1, 1), mpfr_set_zero(S2, 1), mpfr_set_zero(S3, 1), mpfr_set_zero(lhs, 1);
    if (!pb->toy) {
        double x0[PB_D];
        pb_x0(1, x0);
        for (size_t i = 0; i < n; i++)
            mpfr_set_d(x[i], mode == MP_EMU32 ? (double)(float)x0[i] : x0[i], RN);
    }
    /* the type's arithmetic for the binary runs' sums */
    const int f32 = mode == MP_EMU32, bin = mode != MP_HIGH;
    float s1f = 0, s2f = 0, s3f = 0, lf = 0, epf[PB_D] = {0};
    double s1d = 0, s2d = 0, s3d = 0, ld = 0, epd[PB_D] = {0};
    memset(res, 0, sizeof *res);
    res->monotone = 1;
    res->c = INFINITY;
    const double t0 = now();
    double last = t0;
    int status = 0;
    for (uint64_t t = 1; t <= T; t++) {
        /* gradient at x_{t-1}: g (stochastic) and gf (full) */
        if (pb->toy) {
            const double s = t % 101 == 1 ? 1010.0 : -10.0;
            mpfr_set_d(g[0], s, RN);
            mpfr_set_d(gf[0], s, RN);
        } else if (mode == MP_HIGH) {
            const int j = (int)(pb_u64(&rng) % PB_N);
            pb_grad_mp(&P, x, j, g);
            pb_grad_mp(&P, x, -1, gf);
        } else {
            double xd[PB_D], gd[PB_D], gfd[PB_D];
            for (size_t i = 0; i < n; i++)
                xd[i] = mpfr_get_d(x[i], RN);
            const int j = (int)(pb_u64(&rng) % PB_N);
            pb_grad(&P, xd, j, gd);
            pb_grad(&P, xd, -1, gfd);
            for (size_t i = 0; i < n; i++) {
                mpfr_set_d(g[i], f32 ? (double)(float)gd[i] : gd[i], RN);
                mpfr_set_d(gf[i], f32 ? (double)(float)gfd[i] : gfd[i], RN);
            }
        }
        for (size_t i = 0; i < n; i++) {
            const double ag = fabs(mpfr_get_d(g[i], RN));
            if (t == 1 && ag < res->c)
                res->c = ag;
            if (ag > res->H)
                res->H = ag;
        }
        const double alpha_d = pb->sqrt_lr ? pb->alpha / sqrt((double)t) : pb->alpha;
        if (mode == MP_HIGH && pb->sqrt_lr) {
            mpfr_set_ui(lr, (unsigned long)t, RN);
            mpfr_rec_sqrt(lr, lr, RN);
            mpfr_mul_d(lr, lr, pb->alpha, RN);
        } else {
            mpfr_set_d(lr, alpha_d, RN);
        }
        if (mp_opt_step(e, g, lr) != 0) {
            fprintf(stderr, "mada-analysis terms: %s %s: a non-finite gradient at t = %llu\n",
                    pb->name, opt, (unsigned long long)t);
            status = -1;
            break;
        }
        if (pb->toy)
            mp_opt_project(e, -1.0, 1.0);
        /* effective step e_t = alpha_t / (sqrt(vhat_t) + eps), the sums */
        for (size_t i = 0; i < n; i++) {
            mpfr_srcptr vh = mp_opt_state(e, MP_VH, i);
            if (bin) {
                const double vhd = mpfr_get_d(vh, RN), gi = mpfr_get_d(g[i], RN),
                             gfi = mpfr_get_d(gf[i], RN);
                if (f32) {
                    const float ei = (float)alpha_d / (sqrtf((float)vhd) + (float)cfg.eps);
                    const float gg = ei * (float)gi;
                    s1f += gg * gg;
                    if (t > 1) {
                        const float dd = ei - epf[i];
                        s2f += fabsf(dd);
                        s3f += dd * dd;
                    }
                    lf += ei * (float)gfi * (float)gfi;
                    epf[i] = ei;
                } else {
                    const double ei = alpha_d / (sqrt(vhd) + cfg.eps);
                    const double gg = ei * gi;
                    s1d += gg * gg;
                    if (t > 1) {
                        const double dd = ei - epd[i];
                        s2d += fabs(dd);
                        s3d += dd * dd;
                    }
                    ld += ei * gfi * gfi;
                    epd[i] = ei;
                }
                continue;
            }
            mpfr_sqrt(ef, vh, RN);
            mpfr_add_d(ef, ef, cfg.eps, RN);
            mpfr_div(ef, lr, ef, RN);
            mpfr_mul(a, ef, g[i], RN);
            mpfr_sqr(a, a, RN);
            mpfr_add(S1, S1, a, RN);
            mpfr_sqr(a, gf[i], RN);
            mpfr_mul(a, a, ef, RN);
            mpfr_add(lhs, lhs, a, RN);
            if (t > 1) {
                mpfr_sub(a, ef, eprev[i], RN);
                if (mpfr_sgn(a) > 0) {
                    res->monotone = 0;
                    mpfr_div(b, a, eprev[i], RN);
                    const double r = mpfr_get_d(b, RN);
                    if (r > res->max_rel_inc)
                        res->max_rel_inc = r, res->inc_t = t;
                }
                mpfr_abs(b, a, RN);
                mpfr_add(S2, S2, b, RN);
                mpfr_sqr(b, a, RN);
                mpfr_add(S3, S3, b, RN);
            }
            mpfr_set(eprev[i], ef, RN);
        }
        if (is_checkpoint(t, T) && res->npts < 256) {
            const int k = res->npts++;
            res->t[k] = (double)t;
            if (bin && f32)
                res->S1[k] = s1f, res->S2[k] = s2f, res->S3[k] = s3f, res->lhs[k] = lf;
            else if (bin)
                res->S1[k] = s1d, res->S2[k] = s2d, res->S3[k] = s3d, res->lhs[k] = ld;
            else
                res->S1[k] = mpfr_get_d(S1, RN), res->S2[k] = mpfr_get_d(S2, RN),
                res->S3[k] = mpfr_get_d(S3, RN), res->lhs[k] = mpfr_get_d(lhs, RN);
        }
        if (!quiet && (t & 0x3ff) == 0 && now() - last >= 2.0) {
            last = now();
            fprintf(stderr, "terms %s %s: t = %llu of %llu (%.0f%%), %.0f s\n", pb->name, opt,
                    (unsigned long long)t, (unsigned long long)T, 100.0 * (double)t / (double)T,
                    last - t0);
        }
    }
    if (res->npts > 0) {
        res->S1T = res->S1[res->npts - 1];
        res->S2T = res->S2[res->npts - 1];
    }
    for (size_t i = 0; i < PB_D; i++)
        mpfr_clears(g[i], gf[i], eprev[i], (mpfr_ptr)0);
    mpfr_clears(lr, ef, a, b, S1, S2, S3, lhs, (mpfr_ptr)0);
    mp_opt_destroy(e);
    return status;
}

/* The bounds of spec 11.5 for a run (docs/report.pdf section 5). */
static void bounds_of(const term_problem *pb, const char *opt, uint64_t T, const term_run *r,
                      double *s1b, double *s2b)
{
    mada_config cfg;
    int mix;
    st_config(opt, &cfg, &mix);
    const double b2 = cfg.coef[MADA_BETA2], d = pb->toy ? 1.0 : PB_D;
    *s1b = pb->alpha * pb->alpha * d * (1.0 + log((double)T * r->H * r->H / (r->c * r->c))) /
           (1.0 - b2);
    *s2b = d * pb->alpha / (r->c + cfg.eps);
}

int st_bounds_run(const char *problem, const char *opt, uint64_t T, mpfr_prec_t prec,
                  st_bound *out)
{
    const term_problem *pb = NULL;
    for (size_t p = 0; p < sizeof term_problems / sizeof *term_problems; p++)
        if (!strcmp(term_problems[p].name, problem) && term_problems[p].sqrt_lr)
            pb = &term_problems[p];
    term_run r;
    if (!pb || term_run_one(pb, opt, MP_HIGH, prec, T, 1, &r) != 0)
        return -1;
    out->S1 = r.S1T;
    out->S2 = r.S2T;
    bounds_of(pb, opt, T, &r, &out->S1_bound, &out->S2_bound);
    out->monotone = r.monotone;
    out->max_rel_increase = r.max_rel_inc;
    return 0;
}

int study_terms(const st_opts *o)
{
    static const char *const opts[] = {"adam",      "amsgrad",    "avgrad",     "rho0.25",
                                       "rho0.5",    "rho0.75",    "amsavg0.25", "amsavg0.5",
                                       "amsavg0.75"};
    const int nopt = (int)(sizeof opts / sizeof *opts);
    FILE *ft = open_csv(o, "terms.csv", "problem,optimizer,arith,t,S1,S2,S3,lhs\n");
    FILE *ff = open_csv(o, "terms_fit.csv",
                        "problem,optimizer,arith,exp_S1,exp_S2,exp_S3,exp_lhs\n");
    FILE *fb = open_csv(o, "bounds.csv",
                        "problem,optimizer,T,S1,S1_bound,S2,S2_bound,monotone,max_rel_increase\n");
    if (!ft || !ff || !fb)
        return open_failed(ft, ff, fb);
    int ok = 1, status = 0;
    int all_mono = 1, all_s1 = 1, all_s2 = 1, nbound = 0;
    double worst_s1 = 0, worst_s2 = 0, counter = 0, covered_inc = 0;
    uint64_t counter_t = 0;
    const char *counter_run = "";
    double s2exp[3] = {NAN, NAN, NAN};
    char arith_hi[32];
    snprintf(arith_hi, sizeof arith_hi, "mpfr%ld", (long)o->prec);
    for (size_t p = 0; p < sizeof term_problems / sizeof *term_problems; p++) {
        const term_problem *pb = &term_problems[p];
        const uint64_t T = pb->toy ? o->T : (o->T / 10 > 100 ? o->T / 10 : 100);
        for (int k = 0; k < nopt; k++) {
            /* the constant-lr toy: Adam, AMSGrad, AVGrad and the Adam/AVGrad mixes */
            if (!pb->sqrt_lr && !strncmp(opts[k], "amsavg", 6))
                continue;
            for (int m = 0; m < 3; m++) {
                /* binary runs: every optimizer the library has (not the
                 * AMSGrad/AVGrad mixes) */
                if (m > 0 && !strncmp(opts[k], "amsavg", 6))
                    continue;
                const mp_mode mode = m == 0 ? MP_HIGH : m == 1 ? MP_EMU32 : MP_EMU64;
                const char *arith = m == 0 ? arith_hi : m == 1 ? "binary32" : "binary64";
                term_run r;
                if (term_run_one(pb, opts[k], mode, o->prec, T, o->quiet, &r) != 0) {
                    status = 2;
                    goto done;
                }
                for (int i = 0; i < r.npts; i++)
                    fprintf(ft, "%s,%s,%s,%.0f,%.17g,%.17g,%.17g,%.17g\n", pb->name, opts[k],
                            arith, r.t[i], r.S1[i], r.S2[i], r.S3[i], r.lhs[i]);
                const double lo = (double)T / 10.0;
                const double e1 = fit_exponent(r.t, r.S1, r.npts, lo),
                             e2 = fit_exponent(r.t, r.S2, r.npts, lo),
                             e3 = fit_exponent(r.t, r.S3, r.npts, lo),
                             el = fit_exponent(r.t, r.lhs, r.npts, lo);
                fprintf(ff, "%s,%s,%s,%.6g,%.6g,%.6g,%.6g\n", pb->name, opts[k], arith, e1, e2,
                        e3, el);
                if (m == 0 && !strcmp(pb->name, "toy") && k < 3)
                    s2exp[k] = e2;
                if (m != 0 || !pb->sqrt_lr)
                    continue;
                /* spec 11.5 on the alpha/sqrt(t) runs */
                double s1b, s2b;
                bounds_of(pb, opts[k], T, &r, &s1b, &s2b);
                fprintf(fb, "%s,%s,%llu,%.17g,%.17g,%.17g,%.17g,%d,%.6g\n", pb->name, opts[k],
                        (unsigned long long)T, r.S1T, s1b, r.S2T, s2b, r.monotone,
                        r.max_rel_inc);
                const int covered = !strcmp(opts[k], "avgrad") || !strcmp(opts[k], "amsgrad") ||
                                    !strncmp(opts[k], "amsavg", 6);
                if (covered) {
                    nbound++;
                    all_mono &= r.monotone;
                    covered_inc = fmax(covered_inc, r.max_rel_inc);
                    all_s1 &= r.S1T <= s1b;
                    all_s2 &= r.S2T <= s2b;
                    if (r.S1T / s1b > worst_s1)
                        worst_s1 = r.S1T / s1b;
                    if (r.S2T / s2b > worst_s2)
                        worst_s2 = r.S2T / s2b;
                } else if (!strncmp(opts[k], "rho", 3) && r.max_rel_inc > counter) {
                    counter = r.max_rel_inc;
                    counter_t = r.inc_t;
                    counter_run = pb->name;
                }
            }
        }
    }
    {
        char m[200];
        snprintf(m, sizeof m, "S2 exponent %.3f", s2exp[0]);
        ok &= claim_emit(o->claims, "terms", "terms-toy-adam-S2exp", "mpfr", o->check ? s2exp[0] >= 0.9 && s2exp[0] <= 1.1 : -1, s2exp[0],
                         "S2 grows linearly for Adam on the toy (exponent in [0.9 1.1])", m);
        snprintf(m, sizeof m, "S2 exponent %.3f", s2exp[1]);
        ok &= claim_emit(o->claims, "terms", "terms-toy-amsgrad-S2exp", "mpfr", o->check ? s2exp[1] < 0.5 : -1, s2exp[1],
                         "S2 grows sublinearly for AMSGrad on the toy (exponent < 0.5)", m);
        snprintf(m, sizeof m, "S2 exponent %.3f", s2exp[2]);
        ok &= claim_emit(o->claims, "terms", "terms-toy-avgrad-S2exp", "mpfr", o->check ? s2exp[2] < 0.5 : -1, s2exp[2],
                         "S2 grows sublinearly for AVGrad on the toy (exponent < 0.5)", m);
        snprintf(m, sizeof m, "%d runs; largest relative increase %.3g", nbound, covered_inc);
        ok &= claim_emit(o->claims, "bounds", "bounds-all-monotone", "mpfr", o->check ? all_mono : -1, covered_inc,
                         "alpha/sqrt(t): effective step of AVGrad and AMSGrad/AVGrad mixes non-increasing", m);
        snprintf(m, sizeof m, "largest S1 / bound %.3g over %d runs", worst_s1, nbound);
        ok &= claim_emit(o->claims, "bounds", "bounds-all-S1", "mpfr", o->check ? all_s1 : -1, worst_s1,
                         "alpha/sqrt(t): S1 below its bound (report section 5) on every such run", m);
        snprintf(m, sizeof m, "largest S2 / bound %.3g over %d runs", worst_s2, nbound);
        ok &= claim_emit(o->claims, "bounds", "bounds-all-S2", "mpfr", o->check ? all_s2 : -1, worst_s2,
                         "alpha/sqrt(t): S2 below its bound (report section 5) on every such run", m);
        snprintf(m, sizeof m, "relative increase %.3g at t = %llu (%s)", counter,
                 (unsigned long long)counter_t, counter_run);
        ok &= claim_emit(o->claims, "bounds", "bounds-adamavg-counterexample", "mpfr", o->check ? counter > 0 : -1,
                         counter, "the Adam/AVGrad mix (rho > 0) breaks monotonicity: a measured increase", m);
    }
done:
    if (close_csv(ft, o, "terms.csv") || close_csv(ff, o, "terms_fit.csv") ||
        close_csv(fb, o, "bounds.csv"))
        status = 2;
    return status ? status : ok ? 0 : 1;
}

/* ---- rates (spec 11.3) --------------------------------------------------------- */
/* Spec 11.5 along a run's gradient sequence in exact arithmetic (MPFR at
 * 128 bits): the effective steps e_{t,i} = alpha_t / (sqrt(vhat_{t,i}) + eps)
 * of the AMSGrad/AVGrad mix with weight rho on the maximum (rho 0: AVGrad,
 * 1: AMSGrad) that the gradients g_1, g_2, ... drive, S1, S2, the
 * monotonicity and c, H.  The rates runs are the library's in binary64; the
 * theorem is about the exact effective steps of their gradient sequence. */
typedef struct {
    double alpha, eps, rho;
    mpfr_t v[PB_D], S[PB_D], vmax[PB_D], eprev[PB_D];
    mpfr_t b2, omb2, b2t, B, at, e, a, S1, S2;
    int monotone;
    double max_inc, c, H;
} exact_steps;

static void exact_init(exact_steps *x, double beta2, double alpha, double eps, double rho)
{
    x->alpha = alpha, x->eps = eps, x->rho = rho;
    for (int i = 0; i < PB_D; i++) {
        mpfr_inits2(128, x->v[i], x->S[i], x->vmax[i], x->eprev[i], (mpfr_ptr)0);
        mpfr_set_zero(x->v[i], 1), mpfr_set_zero(x->S[i], 1), mpfr_set_zero(x->vmax[i], 1);
    }
    mpfr_inits2(128, x->b2, x->omb2, x->b2t, x->B, x->at, x->e, x->a, x->S1, x->S2,
                (mpfr_ptr)0);
    mpfr_set_d(x->b2, beta2, RN);
    mpfr_ui_sub(x->omb2, 1, x->b2, RN);
    mpfr_set_ui(x->b2t, 1, RN);
    mpfr_set_zero(x->S1, 1), mpfr_set_zero(x->S2, 1);
    x->monotone = 1, x->max_inc = 0, x->c = INFINITY, x->H = 0;
}

static void exact_clear(exact_steps *x)
{
    for (int i = 0; i < PB_D; i++)
        mpfr_clears(x->v[i], x->S[i], x->vmax[i], x->eprev[i], (mpfr_ptr)0);
    mpfr_clears(x->b2, x->omb2, x->b2t, x->B, x->at, x->e, x->a, x->S1, x->S2, (mpfr_ptr)0);
}

static void exact_step(exact_steps *x, const double g[PB_D], uint64_t t)
{
    mpfr_mul(x->b2t, x->b2t, x->b2, RN);
    mpfr_ui_sub(x->B, 1, x->b2t, RN);
    mpfr_set_ui(x->at, (unsigned long)t, RN);
    mpfr_rec_sqrt(x->at, x->at, RN);
    mpfr_mul_d(x->at, x->at, x->alpha, RN);
    for (int i = 0; i < PB_D; i++) {
        const double ag = fabs(g[i]);
        if (t == 1 && ag < x->c)
            x->c = ag;
        if (ag > x->H)
            x->H = ag;
        mpfr_set_d(x->a, g[i], RN);
        mpfr_sqr(x->a, x->a, RN);
        mpfr_mul(x->a, x->a, x->omb2, RN);
        mpfr_mul(x->v[i], x->v[i], x->b2, RN);
        mpfr_add(x->v[i], x->v[i], x->a, RN); /* v_t */
        mpfr_add(x->S[i], x->S[i], x->v[i], RN);
        if (mpfr_greater_p(x->v[i], x->vmax[i]))
            mpfr_set(x->vmax[i], x->v[i], RN);
        /* P = rho vmax + (1 - rho) S/t, vhat = P / B */
        mpfr_div_ui(x->e, x->S[i], (unsigned long)t, RN);
        mpfr_mul_d(x->e, x->e, 1.0 - x->rho, RN); /* rho in {0, 1}: exact */
        mpfr_mul_d(x->a, x->vmax[i], x->rho, RN);
        mpfr_add(x->e, x->e, x->a, RN);
        mpfr_div(x->e, x->e, x->B, RN);
        mpfr_sqrt(x->e, x->e, RN);
        mpfr_add_d(x->e, x->e, x->eps, RN);
        mpfr_div(x->e, x->at, x->e, RN); /* e_t */
        mpfr_mul_d(x->a, x->e, g[i], RN);
        mpfr_sqr(x->a, x->a, RN);
        mpfr_add(x->S1, x->S1, x->a, RN);
        if (t > 1) {
            mpfr_sub(x->a, x->e, x->eprev[i], RN);
            if (mpfr_sgn(x->a) > 0) {
                x->monotone = 0;
                const double r = mpfr_get_d(x->a, RN) / mpfr_get_d(x->eprev[i], RN);
                if (r > x->max_inc)
                    x->max_inc = r;
            }
            mpfr_abs(x->a, x->a, RN);
            mpfr_add(x->S2, x->S2, x->a, RN);
        }
        mpfr_set(x->eprev[i], x->e, RN);
    }
}

int study_rates(const st_opts *o)
{
    static const char *const opts[] = {"adam", "amsgrad", "avgrad", "rho0.25", "rho0.5",
                                       "rho0.75"};
    static const double rho_of[] = {1.0, -1.0, 0.0, 0.25, 0.5, 0.75};
    /* spec 11.3's band: AVGrad and the rho-interpolations (not AMSGrad, Adam) */
    static const int banded[] = {0, 0, 1, 1, 1, 1};
    /* spec 11.5's theorems: AVGrad (rho 0 on the maximum) and AMSGrad (1) */
    static const double mix_rho[] = {-1.0, 1.0, 0.0, -1.0, -1.0, -1.0};
    enum { NOPT = 6, MAXH = 8 };
    const double alpha = 0.05;
    uint64_t horizons[MAXH];
    int nh = 0;
    for (uint64_t h = 100; h <= o->T && nh < MAXH; h *= 10)
        horizons[nh++] = h;
    if (nh < 2) {
        fprintf(stderr, "mada-analysis rates: --steps must be at least 1000 (two horizons)\n");
        return 2;
    }
    FILE *fr = open_csv(o, "rates.csv", "problem,optimizer,T,mean_gn2,sd_gn2,min_gn2\n");
    FILE *ff = open_csv(o, "rates_fit.csv", "problem,optimizer,exponent\n");
    FILE *fbest = open_csv(o, "rates_best.csv", "problem,T,best_rho,mean_gn2\n");
    FILE *fb = fr && ff && fbest
                   ? open_csv(o, "rates_bounds.csv",
                              "problem,optimizer,T,S1,S1_bound,S2,S2_bound,monotone,"
                              "max_rel_increase\n")
                   : NULL;
    if (!fr || !ff || !fbest || !fb) {
        if (fb)
            fclose(fb);
        return open_failed(fr, ff, fbest);
    }
    int ok = 1, status = 0, bound_mono = 1, bound_runs = 0;
    double worst_s1 = 0, worst_s2 = 0, worst_inc = 0, band_lo = 0, band_hi = -INFINITY;
    const double t0 = now();
    double last = t0;
    for (int p = 0; p < PB_COUNT; p++) {
        problem P;
        pb_init(&P, (pb_kind)p);
        double mean[NOPT][MAXH];
        for (int k = 0; k < NOPT; k++) {
            double sum[MAXH] = {0}, sum2[MAXH] = {0}, msum[MAXH] = {0};
            /* the worst seed's bound row, by the larger of the two ratios */
            double wr = -1, row[4] = {0, 0, 0, 0}, rinc = 0;
            int rmono = 1;
            for (int s = 0; s < o->seeds; s++) {
                mada_config cfg;
                int mix;
                st_config(opts[k], &cfg, &mix);
                mada_opt *opt = NULL;
                if (mada_create(&opt, PB_D, MADA_F64, &cfg) != MADA_OK) {
                    status = 2;
                    goto done;
                }
                mada_set_backend(opt, MADA_BACKEND_REF);
                exact_steps ex;
                const int track = mix_rho[k] >= 0.0;
                if (track)
                    exact_init(&ex, cfg.coef[MADA_BETA2], alpha, cfg.eps, mix_rho[k]);
                double x[PB_D], g[PB_D], gf[PB_D];
                pb_x0((uint64_t)s + 1, x);
                pb_rng rng = {1000003ull * (uint64_t)(s + 1)};
                double acc = 0.0, mn = INFINITY;
                int h = 0;
                const uint64_t T = horizons[nh - 1];
                for (uint64_t t = 1; t <= T; t++) {
                    pb_grad(&P, x, -1, gf);
                    double gn2 = 0.0;
                    for (int i = 0; i < PB_D; i++)
                        gn2 += gf[i] * gf[i];
                    acc += gn2;
                    if (gn2 < mn)
                        mn = gn2;
                    pb_grad(&P, x, (int)(pb_u64(&rng) % PB_N), g);
                    if (track)
                        exact_step(&ex, g, t);
                    if (mada_step(opt, x, g, alpha / sqrt((double)t)) != MADA_OK) {
                        fprintf(stderr, "mada-analysis rates: %s\n", mada_last_error(opt));
                        mada_destroy(opt);
                        if (track)
                            exact_clear(&ex);
                        status = 2;
                        goto done;
                    }
                    if (t == horizons[h]) {
                        const double avg = acc / (double)t;
                        sum[h] += avg, sum2[h] += avg * avg, msum[h] += mn;
                        h++;
                    }
                }
                mada_destroy(opt);
                if (track) {
                    const double b2 = cfg.coef[MADA_BETA2];
                    const double s1 = mpfr_get_d(ex.S1, RN), s2 = mpfr_get_d(ex.S2, RN);
                    const double s1b = alpha * alpha * PB_D *
                                       (1.0 + log((double)T * ex.H * ex.H / (ex.c * ex.c))) /
                                       (1.0 - b2);
                    const double s2b = PB_D * alpha / (ex.c + cfg.eps);
                    const double r = fmax(s1 / s1b, s2 / s2b);
                    if (r > wr)
                        wr = r, row[0] = s1, row[1] = s1b, row[2] = s2, row[3] = s2b;
                    rmono &= ex.monotone;
                    rinc = fmax(rinc, ex.max_inc);
                    bound_runs++;
                    bound_mono &= ex.monotone;
                    worst_inc = fmax(worst_inc, ex.max_inc);
                    worst_s1 = fmax(worst_s1, s1 / s1b);
                    worst_s2 = fmax(worst_s2, s2 / s2b);
                    exact_clear(&ex);
                }
                if (!o->quiet && now() - last >= 2.0) {
                    last = now();
                    fprintf(stderr, "rates %s %s: seed %d of %d, %.0f s\n", pb_names[p], opts[k],
                            s + 1, o->seeds, last - t0);
                }
            }
            if (mix_rho[k] >= 0.0)
                fprintf(fb, "%s-rates,%s,%llu,%.17g,%.17g,%.17g,%.17g,%d,%.6g\n", pb_names[p],
                        opts[k], (unsigned long long)horizons[nh - 1], row[0], row[1], row[2],
                        row[3], rmono, rinc);
            double ts[MAXH];
            for (int h = 0; h < nh; h++) {
                const double m = sum[h] / o->seeds,
                             var = sum2[h] / o->seeds - m * m;
                mean[k][h] = m;
                ts[h] = (double)horizons[h];
                fprintf(fr, "%s,%s,%llu,%.17g,%.17g,%.17g\n", pb_names[p], opts[k],
                        (unsigned long long)horizons[h], m, var > 0 ? sqrt(var) : 0.0,
                        msum[h] / o->seeds);
            }
            const double ex = fit_exponent(ts, mean[k], nh, 0.0);
            fprintf(ff, "%s,%s,%.6g\n", pb_names[p], opts[k], ex);
            char id[64], m[160], text[160];
            snprintf(id, sizeof id, "rates-%s-%s-exp", pb_names[p], opts[k]);
            for (char *c = id; *c; c++) /* ids: letters, digits and '-' (rho0.5 -> rho0-5) */
                if (*c == '.')
                    *c = '-';
            snprintf(m, sizeof m, "exponent %.3f (T %llu..%llu, %d seeds)", ex,
                     (unsigned long long)horizons[0], (unsigned long long)horizons[nh - 1],
                     o->seeds);
            snprintf(text, sizeof text,
                     "%s %s: mean squared gradient norm ~ T^e with e in [-1 -0.25]",
                     pb_names[p], opts[k]);
            if (banded[k]) {
                band_lo = fmin(band_lo, ex);
                band_hi = fmax(band_hi, ex);
            }
            ok &= claim_emit(o->claims, "rates", id, "binary64",
                             o->check && banded[k] ? ex >= -1.0 && ex <= -0.25 : -1, ex, text, m);
        }
        /* the rho (Adam/AVGrad mix) that minimises the error at each T */
        for (int h = 0; h < nh; h++) {
            int best = -1;
            for (int k = 0; k < NOPT; k++)
                if (rho_of[k] >= 0 && (best < 0 || mean[k][h] < mean[best][h]))
                    best = k;
            fprintf(fbest, "%s,%llu,%.2f,%.17g\n", pb_names[p], (unsigned long long)horizons[h],
                    rho_of[best], mean[best][h]);
            if (h == nh - 1) {
                char id[64], m[160], text[160];
                snprintf(id, sizeof id, "rates-%s-best-rho", pb_names[p]);
                snprintf(m, sizeof m, "rho = %.2f at T = %llu (mean |grad|^2 %.3g)",
                         rho_of[best], (unsigned long long)horizons[h], mean[best][h]);
                snprintf(text, sizeof text, "%s: the rho that minimises the error at the largest T",
                         pb_names[p]);
                claim_emit(o->claims, "rates", id, "binary64", -1, rho_of[best], text, m);
            }
        }
    }
    {
        char m[200];
        snprintf(m, sizeof m, "%d runs; largest relative increase %.3g", bound_runs, worst_inc);
        ok &= claim_emit(o->claims, "bounds", "bounds-rates-monotone", "mpfr",
                         o->check ? bound_mono : -1, worst_inc,
                         "rates runs: effective step (MPFR) of AVGrad and AMSGrad non-increasing", m);
        snprintf(m, sizeof m, "largest S1 / bound %.3g, S2 / bound %.3g over %d runs", worst_s1,
                 worst_s2, bound_runs);
        ok &= claim_emit(o->claims, "bounds", "bounds-rates-S1S2", "mpfr",
                         o->check ? worst_s1 <= 1.0 && worst_s2 <= 1.0 : -1, fmax(worst_s1, worst_s2),
                         "rates runs: S1 and S2 below their bounds (report section 5)", m);
    }
done:
    if (close_csv(fr, o, "rates.csv") || close_csv(ff, o, "rates_fit.csv") ||
        close_csv(fbest, o, "rates_best.csv") || close_csv(fb, o, "rates_bounds.csv"))
        status = 2;
    return status ? status : ok ? 0 : 1;
}

/* ---- precision (spec 11.4) ---------------------------------------------------- */
/* The robust problem (AVGrad, alpha/sqrt(t)) and the toy (MADA) in binary32
 * and binary64 through the library, and in MPFR at prec: the distance of x_t. */
int study_precision(const st_opts *o)
{
    FILE *f = open_csv(o, "precision.csv", "problem,t,d32,d64,rel32,rel64\n");
    if (!f)
        return 2;
    int status = 0;
    for (int p = 0; p < 2 && !status; p++) {
        const int toy = p == 1;
        const char *name = toy ? "toy-mada" : "robust-avgrad";
        mada_config cfg;
        int mix;
        if (toy) {
            mada_config_preset(&cfg, "mada-toy");
        } else {
            st_config("avgrad", &cfg, &mix);
        }
        const size_t n = toy ? 1 : PB_D;
        char err[256];
        mp_opt *e = mp_opt_create(n, MP_HIGH, o->prec, &cfg, MP_VBAR_CFG, err, sizeof err);
        mada_opt *o32 = NULL, *o64 = NULL;
        if (!e || mada_create(&o32, n, MADA_F32, &cfg) || mada_create(&o64, n, MADA_F64, &cfg)) {
            fprintf(stderr, "mada-analysis precision: %s\n", e ? "mada_create failed" : err);
            status = 2;
            mp_opt_destroy(e);
            mada_destroy(o32);
            break;
        }
        problem P;
        pb_init(&P, PB_ROBUST);
        float x32[PB_D], g32[PB_D];
        double x64[PB_D], g64[PB_D], x0[PB_D];
        mpfr_t *xe = mp_opt_x(e);
        mpfr_t ge[PB_D], lr, dd;
        for (int i = 0; i < PB_D; i++)
            mpfr_init2(ge[i], o->prec);
        mpfr_inits2(o->prec, lr, dd, (mpfr_ptr)0);
        pb_x0(1, x0);
        for (size_t i = 0; i < n; i++) {
            x64[i] = toy ? 0.0 : x0[i];
            x32[i] = (float)x64[i];
            mpfr_set_d(xe[i], x64[i], RN);
        }
        pb_rng rng = {777};
        const uint64_t T = toy ? o->T : o->T / 10;
        const double t0 = now();
        double last = t0;
        for (uint64_t t = 1; t <= T; t++) {
            const double alpha = toy ? 1e-3 : 0.05 / sqrt((double)t);
            if (toy) {
                const double s = t % 101 == 1 ? 1010.0 : -10.0;
                g32[0] = (float)s, g64[0] = s;
                mpfr_set_d(ge[0], s, RN);
                mpfr_set_d(lr, 1e-3, RN);
            } else {
                const int j = (int)(pb_u64(&rng) % PB_N);
                double xd[PB_D];
                for (int i = 0; i < PB_D; i++)
                    xd[i] = x32[i];
                pb_grad(&P, xd, j, g64);
                for (int i = 0; i < PB_D; i++)
                    g32[i] = (float)g64[i];
                pb_grad(&P, x64, j, g64);
                pb_grad_mp(&P, xe, j, ge);
                mpfr_set_ui(lr, (unsigned long)t, RN);
                mpfr_rec_sqrt(lr, lr, RN);
                mpfr_mul_d(lr, lr, 0.05, RN);
            }
            if (mada_step(o32, x32, g32, alpha) || mada_step(o64, x64, g64, alpha) ||
                mp_opt_step(e, ge, lr)) {
                fprintf(stderr, "mada-analysis precision: a step failed at t = %llu\n",
                        (unsigned long long)t);
                status = 2;
                break;
            }
            if (toy) {
                mada_project(o32, x32, -1.0, 1.0);
                mada_project(o64, x64, -1.0, 1.0);
                mp_opt_project(e, -1.0, 1.0);
            }
            if (is_checkpoint(t, T)) {
                double d32 = 0, d64 = 0, xm = 0;
                for (size_t i = 0; i < n; i++) {
                    mpfr_sub_d(dd, xe[i], x32[i], RN);
                    d32 = fmax(d32, fabs(mpfr_get_d(dd, RN)));
                    mpfr_sub_d(dd, xe[i], x64[i], RN);
                    d64 = fmax(d64, fabs(mpfr_get_d(dd, RN)));
                    xm = fmax(xm, fabs(mpfr_get_d(xe[i], RN)));
                }
                fprintf(f, "%s,%llu,%.6g,%.6g,%.6g,%.6g\n", name, (unsigned long long)t, d32, d64,
                        xm > 0 ? d32 / xm : 0.0, xm > 0 ? d64 / xm : 0.0);
                if (t == T) {
                    char id[64], m[160], text[160];
                    snprintf(id, sizeof id, "precision-%s-d32", name);
                    snprintf(m, sizeof m, "max |x32 - x| = %.3g, max |x64 - x| = %.3g at T = %llu",
                             d32, d64, (unsigned long long)T);
                    snprintf(text, sizeof text,
                             "%s: distance of the binary32 / binary64 runs to MPFR", name);
                    claim_emit(o->claims, "precision", id, "mpfr", -1, d32, text, m);
                }
            }
            if (!o->quiet && (t & 0xfff) == 0 && now() - last >= 2.0) {
                last = now();
                fprintf(stderr, "precision %s: t = %llu of %llu, %.0f s\n", name,
                        (unsigned long long)t, (unsigned long long)T, last - t0);
            }
        }
        for (int i = 0; i < PB_D; i++)
            mpfr_clear(ge[i]);
        mpfr_clears(lr, dd, (mpfr_ptr)0);
        mp_opt_destroy(e);
        mada_destroy(o32);
        mada_destroy(o64);
    }
    if (close_csv(f, o, "precision.csv"))
        status = 2;
    return status;
}

/* ---- errors (issue 13 item 3) ---------------------------------------------------- */
static const char *const err_presets[] = {"adam", "amsgrad", "avgrad", "yogi",
                                          "adan", "lion",    "hyperadam", "mada"};

/* The worst step of a run, kept as data (tests/data/error_worst_cases.csv). */
typedef struct {
    double ulps;
    uint64_t t;
    int out;                  /* 0 x, 1 m, 2 v, 3 vbar */
    double st[7], g, q[MADA_NCOEF], lr;
} worst_step;

static const char *const out_names[4] = {"x", "m", "v", "vbar"};

int study_errors(const st_opts *o)
{
    enum { N = 64 };
    FILE *fe = open_csv(o, "errors.csv", "optimizer,dtype,t,step_ulps,acc_ulps,acc_rel\n");
    FILE *fs = open_csv(o, "errors_summary.csv",
                        "optimizer,dtype,max_step_ulps,max_acc_ulps,max_acc_rel\n");
    FILE *fw = NULL;
    if (!fe || !fs)
        return open_failed(fe, fs, NULL);
    if (o->worst) {
        fw = fopen(o->worst, "w");
        if (!fw) {
            fprintf(stderr, "mada-analysis errors: cannot write %s: %s\n", o->worst,
                    strerror(errno));
            return open_failed(fe, fs, NULL);
        }
        fputs("# The worst single step (largest error in ulps of a stored value against MPFR at\n"
              "# 256 bits) of each error-study run: mada-analysis errors --worst.  tests/\n"
              "# test_errors.c replays each row and checks the same error.  Values are C99\n"
              "# hex floats; state is the element's x,m,v,vbar,n,gp,l before the step.\n"
              "optimizer,dtype,t,x,m,v,vbar,n,gp,l,g,beta1,beta2,beta3,rho,c,gamma,lr,output,ulps\n",
              fw);
    }
    int status = 0, ok = 1;
    uint64_t mismatches = 0;
    double worst_all[2] = {0, 0}, worst_rel[2] = {0, 0};
    const double t0 = now();
    double last = t0;
    for (size_t p = 0; p < sizeof err_presets / sizeof *err_presets && !status; p++)
        for (int d = 0; d < 2 && !status; d++) {
            const int f32 = d == 0;
            const mada_dtype dt = f32 ? MADA_F32 : MADA_F64;
            mada_config cfg;
            mada_config_preset(&cfg, err_presets[p]);
            mada_config rcfg = cfg; /* the one-step replays: frozen, full lines */
            for (int k = 0; k < MADA_NCOEF; k++)
                rcfg.eta[k] = 0.0;
            rcfg.lean = 0;
            char err[256];
            mp_opt *emu = mp_opt_create(N, f32 ? MP_EMU32 : MP_EMU64, 0, &cfg, 0, err, sizeof err);
            mp_opt *hi = mp_opt_create(N, MP_HIGH, 256, &cfg, 0, err, sizeof err);
            mp_opt *rep = mp_opt_create(N, MP_HIGH, 256, &rcfg, 0, err, sizeof err);
            mada_opt *lib = NULL;
            if (!emu || !hi || !rep || mada_create(&lib, N, dt, &cfg) != MADA_OK) {
                fprintf(stderr, "mada-analysis errors: %s\n", err);
                status = 2;
                mp_opt_destroy(emu), mp_opt_destroy(hi), mp_opt_destroy(rep);
                break;
            }
            mada_set_backend(lib, MADA_BACKEND_REF);
            /* the outputs compared: x, and m, v, vbar where the lean optimizer
             * keeps them (spec 5.1) */
            const mada_lean ln = mada_lean_of(&cfg);
            const int kept[4] = {1, !ln.lion_only, !ln.lion_only, !ln.lion_only && !ln.avg};
            float xf[N], gf[N];
            double xd[N], gd[N], scale[N];
            mpfr_t ge[N], gh[N], lr;
            pb_rng rng = {0xe7707 + 31 * p + (uint64_t)d};
            for (int i = 0; i < N; i++) {
                mpfr_init2(ge[i], 53);
                mpfr_init2(gh[i], 256);
                scale[i] = ldexp(1.0, (int)(pb_u64(&rng) % 24) - 16);
                xf[i] = 0.0f, xd[i] = 0.0;
            }
            mpfr_init2(lr, 256);
            worst_step w = {0};
            double max_acc = 0, max_rel = 0;
            const uint64_t T = o->T;
            for (uint64_t t = 1; t <= T; t++) {
                /* a gradient stream that does not depend on x: the reference runs
                 * take the same inputs */
                for (int i = 0; i < N; i++) {
                    const double u = pb_unif(&rng) - 0.5 + 0.3 * sin(0.01 * (double)(t + i));
                    gd[i] = scale[i] * u;
                    gf[i] = (float)gd[i];
                    mpfr_set_d(ge[i], f32 ? (double)gf[i] : gd[i], RN);
                    mpfr_set(gh[i], ge[i], RN);
                }
                const double alpha = 1e-2 / sqrt((double)t);
                mpfr_set_d(lr, alpha, RN);
                /* the state before the step, for the one-step replay */
                double before[N][7];
                for (int i = 0; i < N; i++) {
                    before[i][0] = mpfr_get_d(mp_opt_x(emu)[i], RN);
                    const int which[6] = {MP_M, MP_V, MP_VB, MP_N, MP_GP, MP_L};
                    for (int k = 0; k < 6; k++)
                        before[i][k + 1] = mpfr_get_d(mp_opt_state(emu, which[k], i), RN);
                }
                if (mada_step(lib, f32 ? (void *)xf : (void *)xd, f32 ? (void *)gf : (void *)gd,
                              alpha) != MADA_OK ||
                    mp_opt_step(emu, ge, lr) || mp_opt_step(hi, gh, lr)) {
                    fprintf(stderr, "mada-analysis errors: a step failed at t = %llu\n",
                            (unsigned long long)t);
                    status = 2;
                    break;
                }
                /* the emulation is the library, bit for bit: x and the
                 * coefficients (the state arrays: tests/test_mpfr_opt.c) */
                for (int i = 0; i < N; i++)
                    if (mpfr_cmp_d(mp_opt_x(emu)[i], f32 ? (double)xf[i] : xd[i]) != 0)
                        mismatches++;
                double ql[MADA_NCOEF];
                mada_get_coefs(lib, ql);
                for (int k = 0; k < MADA_NCOEF; k++)
                    if (mpfr_cmp_d(mp_opt_coef(emu, k), ql[k]) != 0)
                        mismatches++;
                /* one step from the same state at 256 bits: this step's error */
                double q[MADA_NCOEF];
                mp_opt_coefs(emu, q);
                for (int i = 0; i < N; i++)
                    mp_opt_set_elem(rep, (size_t)i, before[i]);
                mp_opt_set_t(rep, t - 1, q);
                mp_opt_step(rep, gh, lr);
                double step_max = 0;
                for (int i = 0; i < N; i++) {
                    mpfr_srcptr got[4] = {mp_opt_x(emu)[i], mp_opt_state(emu, MP_M, i),
                                          mp_opt_state(emu, MP_V, i), mp_opt_state(emu, MP_VB, i)};
                    mpfr_srcptr ref[4] = {mp_opt_x(rep)[i], mp_opt_state(rep, MP_M, i),
                                          mp_opt_state(rep, MP_V, i), mp_opt_state(rep, MP_VB, i)};
                    for (int k = 0; k < 4; k++) {
                        if (!kept[k]) /* a value the lean optimizer does not keep */
                            continue;
                        const double u = st_ulps(got[k], ref[k], f32);
                        if (u > step_max)
                            step_max = u;
                        if (u > w.ulps) {
                            w.ulps = u, w.t = t, w.out = k;
                            memcpy(w.st, before[i], sizeof w.st);
                            w.g = mpfr_get_d(ge[i], RN);
                            memcpy(w.q, q, sizeof w.q);
                            w.lr = alpha;
                        }
                    }
                }
                /* accumulated: against the 256-bit run from the same start */
                double acc = 0, dx = 0, xm = 0;
                for (int i = 0; i < N; i++) {
                    const double u = st_ulps(mp_opt_x(emu)[i], mp_opt_x(hi)[i], f32);
                    acc = fmax(acc, u);
                    const double xr = mpfr_get_d(mp_opt_x(hi)[i], RN);
                    dx = fmax(dx, fabs(mpfr_get_d(mp_opt_x(emu)[i], RN) - xr));
                    xm = fmax(xm, fabs(xr));
                }
                const double rel = xm > 0 ? dx / xm : 0;
                max_acc = fmax(max_acc, acc);
                max_rel = fmax(max_rel, rel);
                if (is_checkpoint(t, T))
                    fprintf(fe, "%s,%s,%llu,%.6g,%.6g,%.6g\n", err_presets[p],
                            f32 ? "binary32" : "binary64", (unsigned long long)t, step_max, acc,
                            rel);
                if (!o->quiet && (t & 0x3f) == 0 && now() - last >= 2.0) {
                    last = now();
                    fprintf(stderr, "errors %s %s: t = %llu of %llu, %.0f s\n", err_presets[p],
                            f32 ? "binary32" : "binary64", (unsigned long long)t,
                            (unsigned long long)T, last - t0);
                }
            }
            fprintf(fs, "%s,%s,%.6g,%.6g,%.6g\n", err_presets[p], f32 ? "binary32" : "binary64",
                    w.ulps, max_acc, max_rel);
            worst_all[d] = fmax(worst_all[d], w.ulps);
            worst_rel[d] = fmax(worst_rel[d], max_rel);
            if (fw && w.t)
                fprintf(fw, "%s,%s,%llu,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%a,%s,%.17g\n",
                        err_presets[p], f32 ? "binary32" : "binary64", (unsigned long long)w.t,
                        w.st[0], w.st[1], w.st[2], w.st[3], w.st[4], w.st[5], w.st[6], w.g,
                        w.q[0], w.q[1], w.q[2], w.q[3], w.q[4], w.q[5], w.lr, out_names[w.out],
                        w.ulps);
            for (int i = 0; i < N; i++)
                mpfr_clears(ge[i], gh[i], (mpfr_ptr)0);
            mpfr_clear(lr);
            mp_opt_destroy(emu), mp_opt_destroy(hi), mp_opt_destroy(rep);
            mada_destroy(lib);
        }
    if (!status) {
        char m[160];
        snprintf(m, sizeof m, "%llu mismatching values", (unsigned long long)mismatches);
        ok &= claim_emit(o->claims, "errors", "errors-emulation-bits", "both",
                         o->check ? mismatches == 0 : -1, (double)mismatches,
                         "the MPFR emulation reproduces the library (x and coefficients) bit for bit", m);
        for (int d = 0; d < 2; d++) {
            char id[64];
            snprintf(id, sizeof id, "errors-step-ulps-%s", d ? "binary64" : "binary32");
            snprintf(m, sizeof m, "largest error of one step %.3g ulps; accumulated rel %.3g",
                     worst_all[d], worst_rel[d]);
            claim_emit(o->claims, "errors", id, d ? "binary64" : "binary32", -1, worst_all[d],
                       "error of a step against MPFR at 256 bits (every preset)", m);
        }
    }
    if (close_csv(fe, o, "errors.csv") || close_csv(fs, o, "errors_summary.csv"))
        status = 2;
    if (fw && fclose(fw) != 0)
        status = 2;
    return status ? status : ok ? 0 : 1;
}
