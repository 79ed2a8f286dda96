/*
 * validate.c -- the input domain of spec 8 (constants in include/mada.h).
 * Every check is written so that NaN fails it: a value v is accepted by
 * `lo <= v && v <= hi`, never rejected by `v < lo || v > hi`.
 * Contracts: ref/validate.h.
 *
 * Axioms (the contracts WP takes without proof: mada_neg_f64 and
 * mada_widen_f32 below; the provers here cannot relate an IEEE negation or
 * binary32 -> binary64 conversion to its real value):
 *   V1  -x is exact: IEEE 754 negation only flips the sign bit, so a finite x
 *       gives a finite -x whose value is minus x's.
 *   V2  binary32 -> binary64 conversion is exact: every binary32 value is a
 *       binary64 value (IEEE 754 5.4.2: conversion to a wider format is
 *       exact), an infinity converts to an infinity and a NaN to a NaN; so a
 *       finite value keeps its value and a non-finite one stays non-finite.
 *
 * Proof (from the repository root; WHY3CONFIG with Gappa and CVC5, about 45 s):
 *   frama-c -cpp-extra-args=-Iinclude -cpp-extra-args=-Iref -wp -wp-rte -wp-split \
 *     -wp-timeout 10 -wp-par 2 -wp-prover gappa,cvc5 \
 *     -wp-fct mada_coef_domain_hi,mada_in_range,nonneg,positive \
 *     ref/validate.c -then -wp-no-split -wp-prover=-gappa,cvc5 \
 *     -wp-fct mada_coef_ok,mada_config_domain_check,mada_first_outside_f32,mada_first_outside_f64 \
 *     -then -report-classify -report-unclassified-unknown ERROR
 */
#include "mada_internal.h"

double mada_coef_domain_hi(int k)
{
    return (k <= MADA_BETA3) ? MADA_BETA_MAX : 1.0;
}

int mada_in_range(double v, double lo, double hi)
{
    /* IEEE comparisons with finite bounds accept only finite v (CVC5's goal,
     * without real numbers; Gappa then relates the comparisons to reals). */
    //@ assert finite: \le_double(lo, v) && \le_double(v, hi) ==> \is_finite(v);
    return lo <= v && v <= hi;
}

/* x finite and >= 0. */
/*@ assigns \result \from x;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> \is_finite(x) && x >= 0.0;
*/
static int nonneg(double x)
{
    return isfinite(x) && x >= 0.0;
}

/* x > 0 for finite x. */
/*@ requires \is_finite(x);
    assigns \result \from x;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> x > 0.0;
*/
static int positive(double x)
{
    return x > 0.0;
}

int mada_any_learning(const mada_config *cfg)
{
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer j; 0 <= j < k ==> cfg->eta[j] == 0.0;
        loop assigns k;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++)
        if (positive(cfg->eta[k]))
            return 1;
    return 0;
}

/* v is the value at (both finite): equality as two comparisons, the
 * provers decide float order better than ==. */
/*@ requires \is_finite(v) && \is_finite(at);
    assigns \result \from v, at;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> v == at;
*/
static int is_value(double v, double at)
{
    return v <= at && v >= at;
}

/* Coefficient k frozen at v. */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg) && 0 <= k < MADA_NCOEF;
    requires \is_finite(v);
    assigns \result \from cfg->eta[k], cfg->coef[k], v;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> mada_frozen_at(cfg, k, v);
*/
static int frozen_at(const mada_config *cfg, int k, double v)
{
    return is_value(cfg->eta[k], 0.0) && is_value(cfg->coef[k], v);
}

mada_lean mada_lean_of(const mada_config *cfg)
{
    mada_lean ln = {0, 0, 0, 0, 0};
    if (cfg->lean != 1)
        return ln;
    ln.adan = frozen_at(cfg, MADA_BETA3, 0.0);
    ln.lion = frozen_at(cfg, MADA_GAMMA, 1.0);
    ln.avg = frozen_at(cfg, MADA_RHO, 1.0);
    ln.yogi = frozen_at(cfg, MADA_C, 1.0);
    ln.lion_only = frozen_at(cfg, MADA_GAMMA, 0.0) && !mada_any_learning(cfg);
    return ln;
}

int mada_lean_allows(mada_lean ln, int k, double v)
{
    const int zero = is_value(v, 0.0), one = is_value(v, 1.0);
    if (ln.adan && k == MADA_BETA3 && !zero)
        return 0;
    if (ln.lion && k == MADA_GAMMA && !one)
        return 0;
    if (ln.avg && k == MADA_RHO && !one)
        return 0;
    if (ln.yogi && k == MADA_C && !one)
        return 0;
    if (ln.lion_only && k == MADA_GAMMA && !zero)
        return 0;
    return 1;
}

int mada_coef_ok(const mada_config *cfg, int k, double v)
{
    if (!mada_in_range(v, 0.0, mada_coef_domain_hi(k)))
        return 0;
    if (positive(cfg->eta[k]) && !mada_in_range(v, cfg->lo[k], cfg->hi[k]))
        return 0;
    return 1;
}

int mada_config_domain_check(const mada_config *cfg)
{
    if (!cfg)
        return MADA_E_NULL;
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer j; 0 <= j < k ==> mada_hyper_cfg_ok(cfg, j);
        loop assigns k;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++) {
        const double dhi = mada_coef_domain_hi(k);
        if (!nonneg(cfg->eta[k]) || !mada_in_range(cfg->mu[k], 0.0, 1.0))
            return MADA_E_CONFIG;
        if (positive(cfg->eta[k]) &&
            !(mada_in_range(cfg->lo[k], 0.0, dhi) && mada_in_range(cfg->hi[k], cfg->lo[k], dhi)))
            return MADA_E_CONFIG;
    }
    if (!(isfinite(cfg->hclip) && positive(cfg->hclip)))
        return MADA_E_CONFIG;
    if (!mada_in_range(cfg->eps, MADA_EPS_MIN, MADA_EPS_MAX) ||
        !mada_in_range(cfg->lambda, 0.0, MADA_LAMBDA_MAX) ||
        !mada_in_range(cfg->lb1, 0.0, MADA_BETA_MAX) || !mada_in_range(cfg->lb2, 0.0, MADA_BETA_MAX) ||
        !(cfg->vbar == MADA_VBAR_AVG || cfg->vbar == MADA_VBAR_MAX) ||
        !(cfg->compat == 0 || cfg->compat == 1) || !(cfg->lean == 0 || cfg->lean == 1))
        return MADA_E_CONFIG;
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer j; 0 <= j < k ==> mada_coef_value_ok(cfg, j, cfg->coef[j]);
        loop assigns k;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++)
        if (!mada_coef_ok(cfg, k, cfg->coef[k]))
            return MADA_E_COEF;
    return MADA_OK;
}

#ifdef __FRAMAC__
/* Axioms V1, V2 (top of file): WP takes these contracts without proof; the
 * bodies (below, for the compiler) are one IEEE operation each. */
/*@ requires \is_finite(x) && -0x1p1000 <= x <= 0x1p1000;
    assigns \result \from x;
    ensures \is_finite(\result) && \result == -x;
*/
double mada_neg_f64(double x);
/*@ assigns \result \from v;
    ensures \is_finite(v) ==> \is_finite(\result) && \result == v;
    ensures !\is_finite(v) ==> !\is_finite(\result);
*/
double mada_widen_f32(float v);
#else
static inline double mada_neg_f64(double x)
{
    return -x;
}
static inline double mada_widen_f32(float v)
{
    return (double)v;
}
#endif

/* The first index i < n with a[i] NaN, infinite or outside [-bound, bound],
 * else n.  Compared in binary64, where every binary32 value is exact: for the
 * bounds mada_step() uses (powers of two, exact in binary32) the same test as
 * fabsf(a[i]) <= (float)bound, and for binary64 as fabs(a[i]) <= bound. */
size_t mada_first_outside_f32(const float *a, size_t n, double bound)
{
    const double lo = mada_neg_f64(bound);
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> mada_within_f32(a[j], bound);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (!mada_in_range(mada_widen_f32(a[i]), lo, bound))
            return i;
    return n;
}

size_t mada_first_outside_f64(const double *a, size_t n, double bound)
{
    const double lo = mada_neg_f64(bound);
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> mada_within_f64(a[j], bound);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (!mada_in_range(a[i], lo, bound))
            return i;
    return n;
}

double mada_grad_bound(int compat_first)
{
    return compat_first ? MADA_COMPAT_G1_MAX : MADA_GMAX;
}

int mada_step_scalars_check(uint64_t t_prev, double lr, double vmax)
{
    if (t_prev == UINT64_MAX)
        return MADA_E_LIMIT;
    if (!mada_in_range(lr, 0.0, MADA_LR_MAX))
        return MADA_E_LR;
    if (!mada_in_range(vmax, -MADA_V_MAX, MADA_V_MAX))
        return MADA_E_STATE;
    return MADA_OK;
}

int mada_step_check_f32(const float *x, const float *g, size_t n, int compat_first,
                        size_t *index)
{
    *index = SIZE_MAX;
    size_t i = mada_first_outside_f32(g, n, mada_grad_bound(compat_first));
    if (i < n) {
        *index = i;
        return MADA_E_GRAD;
    }
    i = mada_first_outside_f32(x, n, MADA_XMAX);
    if (i < n) {
        *index = i;
        return MADA_E_PARAM;
    }
    return MADA_OK;
}

int mada_step_check_f64(const double *x, const double *g, size_t n, int compat_first,
                        size_t *index)
{
    *index = SIZE_MAX;
    size_t i = mada_first_outside_f64(g, n, mada_grad_bound(compat_first));
    if (i < n) {
        *index = i;
        return MADA_E_GRAD;
    }
    i = mada_first_outside_f64(x, n, MADA_XMAX);
    if (i < n) {
        *index = i;
        return MADA_E_PARAM;
    }
    return MADA_OK;
}
