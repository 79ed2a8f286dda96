/* mp_opt.c -- the whole specification in MPFR (analysis/mp_opt.h). */
#include "mp_opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"

#define RN MPFR_RNDN

/* The per-step scalars of spec 4, in mada_scalars_f64's field order. */
enum { S_B1, S_OMB1, S_B2, S_OMB2, S_B3, S_OMB3, S_RH, S_OMRH, S_C, S_OMC, S_GM, S_OMGM,
       S_IB1, S_IB2, S_KB1, S_KB2, S_KC, S_WO, S_WN, S_LB1, S_OMLB1, S_LB2, S_OMLB2, S_EPS,
       S_LR, S_WD, S_N };

/* Element temporaries: spec 5's names, and scratch. */
enum { W_D, W_GH, W_GH2, W_S, W_Y, W_GT2, W_M1, W_V1, W_N1, W_VB1, W_VMX1, W_P, W_VH, W_R,
       W_D_, W_MH, W_N, W_Q, W_U, W_L1, W_SU, W_UPD, W_X1, W_X2, W_A, W_GDD, W_T1, W_T2, W_T3,
       W_N_ };

/* Hyper-optimizer temporaries (precision hprec). */
enum { H_SUM, H_PROD, H_H, H_T1, H_T2, H_LANE0, H_N_ = H_LANE0 + MADA_RED_LANES + 8 };

struct mp_opt {
    size_t n;
    mp_mode mode;
    mpfr_prec_t prec, hprec;
    mpfr_exp_t emin, emax;           /* the element type's exponent range */
    mada_config cfg;
    mada_lean ln;
    int mix;
    uint64_t t;
    mpfr_t lr_prev;                  /* alpha_{t-1} */
    int part_valid;
    mpfr_t *x;
    mpfr_t *st[MP_NSTATE];
    mpfr_t *part[MADA_NCOEF];
    mpfr_t q[MADA_NCOEF], buf[MADA_NCOEF];
    int started[MADA_NCOEF];
    uint64_t hyper_steps, skipped;
    mpfr_t sc[S_N];
    mpfr_t w[W_N_];
    mpfr_t hw[H_N_];
};

/* ---- Rounding: one IEEE rounding per operation in emulation --------------- */
static inline void rnd(const mp_opt *o, mpfr_ptr r, int inex)
{
    if (o->mode != MP_HIGH) {
        inex = mpfr_check_range(r, inex, RN);
        mpfr_subnormalize(r, inex, RN);
    }
}
#define ADD(r, a, b) rnd(o, (r), mpfr_add((r), (a), (b), RN))
#define SUB(r, a, b) rnd(o, (r), mpfr_sub((r), (a), (b), RN))
#define MUL(r, a, b) rnd(o, (r), mpfr_mul((r), (a), (b), RN))
#define DIV(r, a, b) rnd(o, (r), mpfr_div((r), (a), (b), RN))
#define SQRT(r, a) rnd(o, (r), mpfr_sqrt((r), (a), RN))
#define SET(r, a) rnd(o, (r), mpfr_set((r), (a), RN))

/* a*x + b*y as written (spec 5's lerp); t is scratch. */
static void lerp(const mp_opt *o, mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr x, mpfr_srcptr b,
                 mpfr_srcptr y, mpfr_ptr t)
{
    MUL(t, b, y);
    MUL(r, a, x);
    ADD(r, r, t);
}

/* Exponent ranges: the element type's, binary64's (reduction and hyper
 * step), and the widest (outside the engine's calls). */
typedef struct {
    mpfr_exp_t emin, emax;
} range_save;

static range_save range_enter(void)
{
    range_save s = {mpfr_get_emin(), mpfr_get_emax()};
    return s;
}
static void range_leave(range_save s)
{
    mpfr_set_emin(s.emin);
    mpfr_set_emax(s.emax);
}
static void range_elem(const mp_opt *o)
{
    mpfr_set_emin(o->emin);
    mpfr_set_emax(o->emax);
}
static void range_hyper(const mp_opt *o)
{
    if (o->mode == MP_HIGH) {
        mpfr_set_emin(o->emin);
        mpfr_set_emax(o->emax);
    } else {
        mpfr_set_emin(-1073);
        mpfr_set_emax(1024);
    }
}

/* ---- Creation ---------------------------------------------------------------- */
static mpfr_t *vec_new(size_t n, mpfr_prec_t p)
{
    mpfr_t *v = malloc(n * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        mpfr_init2(v[i], p);
        mpfr_set_zero(v[i], 1);
    }
    return v;
}

static void vec_free(mpfr_t *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        mpfr_clear(v[i]);
    free(v);
}

mp_opt *mp_opt_create(size_t n, mp_mode mode, mpfr_prec_t prec, const mada_config *cfg,
                      int vbar_mix, char *err, size_t cap)
{
    if (n == 0 || !cfg || (mode != MP_EMU32 && mode != MP_EMU64 && mode != MP_HIGH) ||
        (mode == MP_HIGH && (prec < 64 || prec > 100000))) {
        snprintf(err, cap, "mp_opt_create: n >= 1, a mode and (high precision) 64 <= prec "
                           "<= 100000 needed");
        return NULL;
    }
    const int rc = mada_config_check(cfg);
    if (rc != MADA_OK) {
        snprintf(err, cap, "mp_opt_create: configuration: %s", mada_strerror(rc));
        return NULL;
    }
    if (vbar_mix && (mode != MP_HIGH || mada_any_learning(cfg))) {
        /* spec 6's partials hold vbar' and vmax' constant: with P = rho*vmax
         * + (1-rho)*vavg the beta2, beta3 and c partials would need other
         * rho terms; the mix is for the frozen runs of spec 11.5 */
        snprintf(err, cap, "mp_opt_create: the AMSGrad/AVGrad mix is not in the library: "
                           "high precision and frozen coefficients only");
        return NULL;
    }
    if (mode != MP_HIGH && mada_any_learning(cfg) && !(cfg->hclip <= 0x1p20)) {
        /* ref/hyper.c holds a momentum buffer beyond 2^1022 at +-DBL_MAX;
         * with |h| <= hclip <= 2^20 and mu <= 1 a buffer needs more than
         * 2^1000 steps to get there, so the plain formula here is the same */
        snprintf(err, cap, "mp_opt_create: emulation needs hclip <= 2^20 (got %g): beyond, "
                           "the reference's overflow guards are not emulated", cfg->hclip);
        return NULL;
    }
    mp_opt *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, cap, "mp_opt_create: out of memory");
        return NULL;
    }
    o->n = n;
    o->mode = mode;
    o->prec = mode == MP_EMU32 ? 24 : mode == MP_EMU64 ? 53 : prec;
    o->hprec = mode == MP_HIGH ? prec : 53;
    o->emin = mode == MP_EMU32 ? -148 : mode == MP_EMU64 ? -1073 : mpfr_get_emin_min();
    o->emax = mode == MP_EMU32 ? 128 : mode == MP_EMU64 ? 1024 : mpfr_get_emax_max();
    o->cfg = *cfg;
    /* the library's lean decision; the mix keeps every array (its "no
     * average" part would drop vmax and vavg both) */
    o->ln = mada_lean_of(cfg);
    if (vbar_mix)
        memset(&o->ln, 0, sizeof o->ln);
    o->mix = vbar_mix;
    int ok = (o->x = vec_new(n, o->prec)) != NULL;
    for (int k = 0; k < MP_NSTATE; k++)
        ok = ok && (o->st[k] = vec_new(n, o->prec)) != NULL;
    for (int k = 0; k < MADA_NCOEF; k++)
        ok = ok && (o->part[k] = vec_new(n, o->prec)) != NULL;
    if (!ok) {
        mp_opt_destroy(o);
        snprintf(err, cap, "mp_opt_create: out of memory for %zu elements", n);
        return NULL;
    }
    mpfr_init2(o->lr_prev, o->hprec);
    mpfr_set_zero(o->lr_prev, 1);
    for (int k = 0; k < MADA_NCOEF; k++) {
        mpfr_init2(o->q[k], o->hprec);
        mpfr_set_d(o->q[k], cfg->coef[k], RN); /* binary64: exact */
        mpfr_init2(o->buf[k], o->hprec);
        mpfr_set_zero(o->buf[k], 1);
    }
    for (int k = 0; k < S_N; k++)
        mpfr_init2(o->sc[k], o->prec);
    for (int k = 0; k < W_N_; k++)
        mpfr_init2(o->w[k], o->prec);
    for (int k = 0; k < H_N_; k++)
        mpfr_init2(o->hw[k], o->hprec);
    /* Spec 9 compat: v and vbar start at 1e-15 rounded to the type. */
    if (cfg->compat) {
        const range_save rs = range_enter();
        range_elem(o);
        for (size_t i = 0; i < n; i++)
            for (int k = MP_V; k <= MP_VB; k++)
                if (!o->ln.lion_only && !(k == MP_VB && o->ln.avg)) /* arrays kept */
                    rnd(o, o->st[k][i], mpfr_set_d(o->st[k][i], 1e-15, RN));
        if (o->mix)
            for (size_t i = 0; i < n; i++)
                mpfr_set(o->st[MP_VMX][i], o->st[MP_V][i], RN);
        range_leave(rs);
    }
    return o;
}

void mp_opt_destroy(mp_opt *o)
{
    if (!o)
        return;
    vec_free(o->x, o->n);
    for (int k = 0; k < MP_NSTATE; k++)
        vec_free(o->st[k], o->n);
    for (int k = 0; k < MADA_NCOEF; k++)
        vec_free(o->part[k], o->n);
    if (o->hprec) { /* initialised together after the arrays */
        if (mpfr_get_prec(o->lr_prev)) {
            mpfr_clear(o->lr_prev);
            for (int k = 0; k < MADA_NCOEF; k++)
                mpfr_clears(o->q[k], o->buf[k], (mpfr_ptr)0);
            for (int k = 0; k < S_N; k++)
                mpfr_clear(o->sc[k]);
            for (int k = 0; k < W_N_; k++)
                mpfr_clear(o->w[k]);
            for (int k = 0; k < H_N_; k++)
                mpfr_clear(o->hw[k]);
        }
    }
    free(o);
}

mpfr_prec_t mp_opt_prec(const mp_opt *o) { return o->prec; }
size_t mp_opt_n(const mp_opt *o) { return o->n; }
uint64_t mp_opt_t(const mp_opt *o) { return o->t; }
mpfr_t *mp_opt_x(mp_opt *o) { return o->x; }
uint64_t mp_opt_hyper_steps(const mp_opt *o) { return o->hyper_steps; }
uint64_t mp_opt_skipped(const mp_opt *o) { return o->skipped; }
mpfr_srcptr mp_opt_coef(const mp_opt *o, int k) { return o->q[k]; }
mpfr_srcptr mp_opt_state(const mp_opt *o, int which, size_t i) { return o->st[which][i]; }
mpfr_srcptr mp_opt_partial(const mp_opt *o, int k, size_t i) { return o->part[k][i]; }

void mp_opt_coefs(const mp_opt *o, double q[MADA_NCOEF])
{
    for (int k = 0; k < MADA_NCOEF; k++)
        q[k] = mpfr_get_d(o->q[k], RN);
}

static int learning(const mp_opt *o)
{
    return mada_any_learning(&o->cfg);
}

/* ---- Per-step scalars (spec 4) ------------------------------------------------ */
/* Emulation: the library's one function (and its rounding to binary32). */
static void scalars_library(mp_opt *o, uint64_t t, double lr)
{
    mada_scalar_inputs in;
    for (int k = 0; k < MADA_NCOEF; k++)
        in.q[k] = mpfr_get_d(o->q[k], RN);
    in.t = t;
    in.eps = o->cfg.eps;
    in.lb1 = o->cfg.lb1;
    in.lb2 = o->cfg.lb2;
    in.lr = lr;
    in.lambda = o->cfg.lambda;
    mada_scalars_f64 s;
    mada_scalars_compute(&in, &s);
    const double d[S_N] = {s.b1, s.omb1, s.b2, s.omb2, s.b3, s.omb3, s.rh, s.omrh, s.c,
                           s.omc, s.gm, s.omgm, s.ib1, s.ib2, s.kb1, s.kb2, s.kc, s.wo,
                           s.wn, s.lb1, s.omlb1, s.lb2, s.omlb2, s.eps, s.lr, s.wd};
    if (o->mode == MP_EMU32) {
        mada_scalars_f32 f;
        mada_scalars_round_f32(&s, &f);
        const float e[S_N] = {f.b1, f.omb1, f.b2, f.omb2, f.b3, f.omb3, f.rh, f.omrh, f.c,
                              f.omc, f.gm, f.omgm, f.ib1, f.ib2, f.kb1, f.kb2, f.kc, f.wo,
                              f.wn, f.lb1, f.omlb1, f.lb2, f.omlb2, f.eps, f.lr, f.wd};
        for (int k = 0; k < S_N; k++)
            mpfr_set_flt(o->sc[k], e[k], RN);
    } else {
        for (int k = 0; k < S_N; k++)
            mpfr_set_d(o->sc[k], d[k], RN);
    }
}

/* B = 1 - beta^t with 32 guard bits (the cancellation for beta near 1),
 * and P = beta^(t-1). */
static void one_minus_pow(mpfr_ptr B, mpfr_ptr P, mpfr_srcptr beta, uint64_t t)
{
    mpfr_t a;
    mpfr_init2(a, mpfr_get_prec(B) + 32);
    mpfr_pow_ui(a, beta, (unsigned long)t, RN);
    mpfr_ui_sub(a, 1, a, RN);
    mpfr_set(B, a, RN);
    mpfr_pow_ui(P, beta, (unsigned long)(t - 1), RN);
    mpfr_clear(a);
}

/* High precision: spec 4 at the working precision. */
static void scalars_high(mp_opt *o, uint64_t t, mpfr_srcptr lr)
{
    mpfr_t *s = o->sc;
    mpfr_t B1, B2, P1, P2;
    mpfr_inits2(o->prec, B1, B2, P1, P2, (mpfr_ptr)0);
    const int idx[6] = {S_B1, S_B2, S_B3, S_RH, S_C, S_GM};
    for (int k = 0; k < MADA_NCOEF; k++) {
        mpfr_set(s[idx[k]], o->q[k], RN);
        mpfr_ui_sub(s[idx[k] + 1], 1, o->q[k], RN);
    }
    one_minus_pow(B1, P1, o->q[MADA_BETA1], t);
    one_minus_pow(B2, P2, o->q[MADA_BETA2], t);
    mpfr_ui_div(s[S_IB1], 1, B1, RN);
    mpfr_ui_div(s[S_IB2], 1, B2, RN);
    mpfr_mul_ui(s[S_KB1], P1, (unsigned long)t, RN);
    mpfr_div(s[S_KB1], s[S_KB1], B1, RN);
    mpfr_div(s[S_KB1], s[S_KB1], B1, RN);
    mpfr_mul_ui(s[S_KB2], P2, (unsigned long)t, RN);
    mpfr_div(s[S_KB2], s[S_KB2], B2, RN);
    mpfr_div(s[S_KB2], s[S_KB2], B2, RN);
    mpfr_mul(s[S_KC], o->q[MADA_RHO], s[S_OMB2], RN);
    mpfr_div(s[S_KC], s[S_KC], B2, RN);
    mpfr_set_ui(s[S_WO], (unsigned long)(t - 1), RN);
    mpfr_div_ui(s[S_WO], s[S_WO], (unsigned long)t, RN);
    mpfr_set_ui(s[S_WN], 1, RN);
    mpfr_div_ui(s[S_WN], s[S_WN], (unsigned long)t, RN);
    mpfr_set_d(s[S_LB1], o->cfg.lb1, RN);
    mpfr_ui_sub(s[S_OMLB1], 1, s[S_LB1], RN);
    mpfr_set_d(s[S_LB2], o->cfg.lb2, RN);
    mpfr_ui_sub(s[S_OMLB2], 1, s[S_LB2], RN);
    mpfr_set_d(s[S_EPS], o->cfg.eps, RN);
    mpfr_set(s[S_LR], lr, RN);
    mpfr_mul_d(s[S_WD], lr, o->cfg.lambda, RN);
    mpfr_clears(B1, B2, P1, P2, (mpfr_ptr)0);
}

/* ---- Element kernel (spec 5, 5.1) and partials (spec 6) -------------------- */
static void sgn_of(mpfr_ptr r, mpfr_srcptr a)
{
    mpfr_set_si(r, mpfr_sgn(a) > 0 ? 1 : mpfr_sgn(a) < 0 ? -1 : 0, RN);
}

static void element(mp_opt *o, size_t i, mpfr_srcptr g, int store)
{
    mpfr_t *w = o->w, *s = o->sc;
    const mada_lean ln = o->ln;
    mpfr_ptr x = o->x[i], m = o->st[MP_M][i], v = o->st[MP_V][i], vb = o->st[MP_VB][i],
             n = o->st[MP_N][i], gp = o->st[MP_GP][i], l = o->st[MP_L][i],
             vmx = o->st[MP_VMX][i];
    if (ln.lion_only) {
        mpfr_set_zero(w[W_Q], 1);
        mpfr_set_zero(w[W_VH], 1);
    } else {
        /* moments */
        if (ln.adan) {
            mpfr_set_zero(w[W_D], 1);
            SET(w[W_GH], g);
        } else {
            SUB(w[W_D], g, gp);
            MUL(w[W_T1], s[S_B3], w[W_D]);
            ADD(w[W_GH], g, w[W_T1]);
        }
        MUL(w[W_GH2], w[W_GH], w[W_GH]);
        if (ln.yogi) {
            mpfr_set_zero(w[W_S], 1);
            SET(w[W_GT2], w[W_GH2]);
        } else {
            const int cmp = mpfr_cmp(w[W_GH2], v);
            mpfr_set_si(w[W_S], cmp > 0 ? 1 : cmp < 0 ? -1 : 0, RN);
            if (cmp > 0)
                ADD(w[W_Y], v, w[W_GH2]);
            else if (cmp < 0)
                SUB(w[W_Y], v, w[W_GH2]);
            else
                SET(w[W_Y], v);
            lerp(o, w[W_GT2], s[S_C], w[W_GH2], s[S_OMC], w[W_Y], w[W_T1]);
        }
        lerp(o, w[W_M1], s[S_B1], m, s[S_OMB1], g, w[W_T1]);
        lerp(o, w[W_V1], s[S_B2], v, s[S_OMB2], w[W_GT2], w[W_T1]);
        if (ln.adan)
            mpfr_set_zero(w[W_N1], 1);
        else
            lerp(o, w[W_N1], s[S_B3], n, s[S_OMB3], w[W_D], w[W_T1]);
        if (ln.avg) {
            mpfr_set_zero(w[W_VB1], 1);
        } else if (o->mix || o->cfg.vbar == MADA_VBAR_AVG) {
            lerp(o, w[W_VB1], s[S_WO], vb, s[S_WN], w[W_V1], w[W_T1]);
        } else {
            SET(w[W_VB1], mpfr_greater_p(w[W_V1], vb) ? w[W_V1] : vb);
        }
        if (o->mix)
            SET(w[W_VMX1], mpfr_greater_p(w[W_V1], vmx) ? w[W_V1] : vmx);
        /* direction */
        if (ln.avg)
            SET(w[W_P], w[W_V1]);
        else
            lerp(o, w[W_P], s[S_RH], o->mix ? w[W_VMX1] : w[W_V1], s[S_OMRH], w[W_VB1],
                 w[W_T1]);
        MUL(w[W_VH], w[W_P], s[S_IB2]);
        SQRT(w[W_R], w[W_VH]);
        ADD(w[W_D_], w[W_R], s[S_EPS]);
        MUL(w[W_MH], w[W_M1], s[S_IB1]);
        if (ln.adan) {
            SET(w[W_N], w[W_MH]);
        } else {
            MUL(w[W_T1], s[S_B3], w[W_N1]);
            ADD(w[W_N], w[W_MH], w[W_T1]);
        }
        DIV(w[W_Q], w[W_N], w[W_D_]);
    }
    /* Lion direction and update */
    if (ln.lion) {
        mpfr_set_zero(w[W_L1], 1);
        mpfr_set_zero(w[W_U], 1);
        mpfr_set_zero(w[W_SU], 1);
        SET(w[W_UPD], w[W_Q]);
    } else {
        lerp(o, w[W_L1], s[S_LB2], l, s[S_OMLB2], g, w[W_T1]);
        lerp(o, w[W_U], s[S_LB1], o->cfg.compat ? w[W_L1] : l, s[S_OMLB1], g, w[W_T1]);
        sgn_of(w[W_SU], w[W_U]);
        if (ln.lion_only)
            SET(w[W_UPD], w[W_SU]);
        else
            lerp(o, w[W_UPD], s[S_GM], w[W_Q], s[S_OMGM], w[W_SU], w[W_T1]);
    }
    if (!mpfr_zero_p(s[S_WD])) {
        MUL(w[W_T1], s[S_WD], x);
        SUB(w[W_X1], x, w[W_T1]);
    } else {
        SET(w[W_X1], x);
    }
    MUL(w[W_T1], s[S_LR], w[W_UPD]);
    SUB(w[W_X2], w[W_X1], w[W_T1]);

    /* partials (spec 6), from the previous state and the intermediates */
    if (store && !ln.lion_only) {
        mpfr_ptr A = w[W_A], gD = w[W_GDD], t1 = w[W_T1], t2 = w[W_T2], t3 = w[W_T3];
        if (mpfr_sgn(w[W_R]) > 0) {
            MUL(t1, s[S_GM], w[W_Q]);
            ADD(t2, w[W_R], w[W_R]);
            MUL(t2, t2, w[W_D_]);
            DIV(A, t1, t2);
        } else {
            mpfr_set_zero(A, 1);
        }
        DIV(gD, s[S_GM], w[W_D_]);
        /* Pb1 = gD * ((m - g) * ib1 + m1 * kb1) */
        SUB(t1, m, g);
        MUL(t1, t1, s[S_IB1]);
        MUL(t2, w[W_M1], s[S_KB1]);
        ADD(t1, t1, t2);
        MUL(o->part[MADA_BETA1][i], gD, t1);
        /* Pb2 = -(A * ((rh * (v - gt2)) * ib2 + P * kb2)) */
        SUB(t1, v, w[W_GT2]);
        MUL(t1, s[S_RH], t1);
        MUL(t1, t1, s[S_IB2]);
        MUL(t2, w[W_P], s[S_KB2]);
        ADD(t1, t1, t2);
        MUL(t1, A, t1);
        mpfr_neg(o->part[MADA_BETA2][i], t1, RN);
        /* Pb3 = gD * (n1 + b3 * (n - d)) - A * (kc * ((c + omc * s) * ((gh + gh) * d))) */
        SUB(t1, n, w[W_D]);
        MUL(t1, s[S_B3], t1);
        ADD(t1, w[W_N1], t1);
        MUL(t1, gD, t1);
        MUL(t2, s[S_OMC], w[W_S]);
        ADD(t2, s[S_C], t2);
        ADD(t3, w[W_GH], w[W_GH]);
        MUL(t3, t3, w[W_D]);
        MUL(t2, t2, t3);
        MUL(t2, s[S_KC], t2);
        MUL(t2, A, t2);
        SUB(o->part[MADA_BETA3][i], t1, t2);
        /* Prho = -(A * ((v1 - vb1) * ib2)); the mix: vmax' in place of v1 */
        SUB(t1, o->mix ? w[W_VMX1] : w[W_V1], w[W_VB1]);
        MUL(t1, t1, s[S_IB2]);
        MUL(t1, A, t1);
        mpfr_neg(o->part[MADA_RHO][i], t1, RN);
        /* Pc = -(A * (kc * ((gh2 - v) - s * gh2))) */
        SUB(t1, w[W_GH2], v);
        MUL(t2, w[W_S], w[W_GH2]);
        SUB(t1, t1, t2);
        MUL(t1, s[S_KC], t1);
        MUL(t1, A, t1);
        mpfr_neg(o->part[MADA_C][i], t1, RN);
        /* Pgm = q - su */
        SUB(o->part[MADA_GAMMA][i], w[W_Q], w[W_SU]);
    }

    /* the new state (what a lean optimizer drops stays +0) */
    mpfr_set(x, w[W_X2], RN);
    if (!ln.lion)
        mpfr_set(l, w[W_L1], RN);
    if (!ln.lion_only) {
        mpfr_set(m, w[W_M1], RN);
        mpfr_set(v, w[W_V1], RN);
        if (!ln.avg)
            mpfr_set(vb, w[W_VB1], RN);
        if (o->mix)
            mpfr_set(vmx, w[W_VMX1], RN);
        if (!ln.adan) {
            mpfr_set(n, w[W_N1], RN);
            mpfr_set(gp, g, RN);
        }
    }
    mpfr_set(o->st[MP_VH][i], w[W_VH], RN);
}

/* ---- Reduction (6.1) and hyper step (6.2) ---------------------------------- */
/* H = sum_i g_i p_i: emulation in the canonical order in binary64 (products
 * rounded to binary64: exact for binary32 operands); high precision with one
 * rounding (exact products, mpfr_sum). */
static void reduce(mp_opt *o, mpfr_ptr H, mpfr_t *g, mpfr_t *p)
{
    const size_t n = o->n;
    if (o->mode == MP_HIGH) {
        mpfr_t *prod = malloc(n * sizeof *prod);
        mpfr_ptr *ptr = malloc(n * sizeof *ptr);
        if (!prod || !ptr) {
            fprintf(stderr, "mp_opt: out of memory in the reduction\n");
            abort();
        }
        for (size_t i = 0; i < n; i++) {
            mpfr_init2(prod[i], mpfr_get_prec(g[i]) + mpfr_get_prec(p[i]));
            mpfr_mul(prod[i], g[i], p[i], RN); /* exact */
            ptr[i] = prod[i];
        }
        mpfr_sum(H, ptr, (unsigned long)n, RN);
        for (size_t i = 0; i < n; i++)
            mpfr_clear(prod[i]);
        free(prod);
        free(ptr);
        return;
    }
    mpfr_t *lane = o->hw + H_LANE0;
    mpfr_ptr prod = o->hw[H_PROD];
    mpfr_set_zero(H, 1);
    for (size_t b0 = 0; b0 < n; b0 += MADA_RED_BLOCK) {
        const size_t b1 = n - b0 < MADA_RED_BLOCK ? n : b0 + MADA_RED_BLOCK;
        for (unsigned k = 0; k < MADA_RED_LANES; k++)
            mpfr_set_zero(lane[k], 1);
        for (size_t i = b0; i < b1; i++) {
            MUL(prod, g[i], p[i]);
            ADD(lane[(i - b0) % MADA_RED_LANES], lane[(i - b0) % MADA_RED_LANES], prod);
        }
        for (unsigned k = 0; k < 8; k++)
            ADD(lane[k], lane[k], lane[k + 8]);
        for (unsigned k = 0; k < 4; k++)
            ADD(lane[k], lane[k], lane[k + 4]);
        for (unsigned k = 0; k < 2; k++)
            ADD(lane[k], lane[k], lane[k + 2]);
        ADD(lane[0], lane[0], lane[1]);
        if (b0 == 0)
            SET(H, lane[0]);
        else
            ADD(H, H, lane[0]);
    }
}

static void hyper_step(mp_opt *o, mpfr_t *g)
{
    mpfr_ptr H = o->hw[H_SUM], h = o->hw[H_H], t1 = o->hw[H_T1], t2 = o->hw[H_T2];
    for (int k = 0; k < MADA_NCOEF; k++) {
        if (!(o->cfg.eta[k] > 0.0))
            continue; /* frozen: spec 6.2 */
        reduce(o, H, g, o->part[k]);
        if (!mpfr_number_p(H)) {
            o->skipped++;
            continue;
        }
        mpfr_neg(t1, o->lr_prev, RN);
        MUL(h, t1, H);
        /* clip */
        if (mpfr_cmp_d(h, o->cfg.hclip) > 0)
            mpfr_set_d(h, o->cfg.hclip, RN);
        else if (mpfr_cmp_d(h, -o->cfg.hclip) < 0)
            mpfr_set_d(h, -o->cfg.hclip, RN);
        /* momentum */
        if (o->started[k]) {
            mpfr_set_d(t1, o->cfg.mu[k], RN);
            MUL(t1, t1, o->buf[k]);
            ADD(o->buf[k], t1, h);
        } else {
            SET(o->buf[k], h);
            o->started[k] = 1;
        }
        /* step and projection */
        mpfr_set_d(t2, o->cfg.eta[k], RN);
        MUL(t2, t2, o->buf[k]);
        SUB(o->q[k], o->q[k], t2);
        if (mpfr_cmp_d(o->q[k], o->cfg.lo[k]) < 0)
            mpfr_set_d(o->q[k], o->cfg.lo[k], RN);
        if (mpfr_cmp_d(o->q[k], o->cfg.hi[k]) > 0)
            mpfr_set_d(o->q[k], o->cfg.hi[k], RN);
    }
    o->hyper_steps++;
}

/* ---- One iteration (spec 7) ------------------------------------------------- */
int mp_opt_step(mp_opt *o, mpfr_t *g, mpfr_srcptr lr)
{
    for (size_t i = 0; i < o->n; i++)
        if (!mpfr_number_p(g[i]))
            return -1;
    const range_save rs = range_enter();
    const uint64_t t = o->t + 1;
    const int learn = learning(o);
    range_elem(o);
    if (t == 1 && o->cfg.compat && !o->ln.adan && !o->ln.lion_only) {
        for (size_t i = 0; i < o->n; i++)
            MUL(o->st[MP_N][i], g[i], g[i]); /* spec 9: n starts at g_1^2 */
    } else if (t == 1 && !o->cfg.compat && !o->ln.adan && !o->ln.lion_only) {
        for (size_t i = 0; i < o->n; i++)
            mpfr_set(o->st[MP_GP][i], g[i], RN); /* gp = g_1: Delta_1 = 0 */
    }
    if (t >= 2 && t - 1 > o->cfg.warmup && learn && o->part_valid) {
        range_hyper(o);
        hyper_step(o, g);
    }
    range_elem(o);
    if (o->mode == MP_HIGH)
        scalars_high(o, t, lr);
    else
        scalars_library(o, t, mpfr_get_d(lr, RN));
    const int store = learn && t > o->cfg.warmup;
    for (size_t i = 0; i < o->n; i++)
        element(o, i, g[i], store);
    o->part_valid = store;
    mpfr_set(o->lr_prev, lr, RN);
    o->t = t;
    range_leave(rs);
    return 0;
}

void mp_opt_project(mp_opt *o, double lo, double hi)
{
    for (size_t i = 0; i < o->n; i++) {
        const int below = mpfr_cmp_d(o->x[i], lo) < 0, above = mpfr_cmp_d(o->x[i], hi) > 0;
        if (!below && !above)
            continue;
        mpfr_set_d(o->x[i], below ? lo : hi, RN);
        for (int k = 0; k < MADA_NCOEF; k++)
            mpfr_set_zero(o->part[k][i], 1);
    }
}

void mp_opt_set_elem(mp_opt *o, size_t i, const double st[7])
{
    mpfr_set_d(o->x[i], st[0], RN);
    const int which[6] = {MP_M, MP_V, MP_VB, MP_N, MP_GP, MP_L};
    for (int k = 0; k < 6; k++)
        mpfr_set_d(o->st[which[k]][i], st[k + 1], RN);
}

void mp_opt_set_t(mp_opt *o, uint64_t t, const double q[MADA_NCOEF])
{
    o->t = t;
    o->part_valid = 0;
    for (int k = 0; k < MADA_NCOEF; k++)
        mpfr_set_d(o->q[k], q[k], RN);
}
