/*
 * validate.c -- the input domain of spec 8 (constants in include/mada.h).
 * Every check is written so that NaN fails it: a value v is accepted by
 * `lo <= v && v <= hi`, never rejected by `v < lo || v > hi`.
 * Contracts: ref/validate.h (mada_config_check's is here, at its definition,
 * since include/mada.h carries no annotations).
 */
#include "mada_internal.h"

double mada_coef_domain_hi(int k)
{
    return (k <= MADA_BETA3) ? MADA_BETA_MAX : 1.0;
}

/* lo <= v <= hi in IEEE arithmetic: false for NaN and, with finite bounds,
 * for the infinities. */
/*@ requires \is_finite(lo) && \is_finite(hi);
    assigns \result \from v, lo, hi;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> mada_in(v, lo, hi);
*/
static int in_range(double v, double lo, double hi)
{
    return lo <= v && v <= hi;
}

int mada_any_learning(const mada_config *cfg)
{
    for (int k = 0; k < MADA_NCOEF; k++)
        if (cfg->eta[k] > 0.0)
            return 1;
    return 0;
}

int mada_coef_ok(const mada_config *cfg, int k, double v)
{
    if (!in_range(v, 0.0, mada_coef_domain_hi(k)))
        return 0;
    if (cfg->eta[k] > 0.0 && !in_range(v, cfg->lo[k], cfg->hi[k]))
        return 0;
    return 1;
}

/*@ requires cfg == \null || \valid_read(cfg);
    assigns \result \from cfg, *cfg;
    ensures \result == MADA_OK || \result == MADA_E_NULL || \result == MADA_E_CONFIG ||
            \result == MADA_E_COEF;
    ensures null: \result == MADA_E_NULL <==> cfg == \null;
    ensures ok: \result == MADA_OK ==> mada_config_ok(cfg);
*/
int mada_config_check(const mada_config *cfg)
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
        if (!(cfg->eta[k] >= 0.0 && isfinite(cfg->eta[k])) ||
            !in_range(cfg->mu[k], 0.0, 1.0))
            return MADA_E_CONFIG;
        if (cfg->eta[k] > 0.0 &&
            !(in_range(cfg->lo[k], 0.0, dhi) && in_range(cfg->hi[k], cfg->lo[k], dhi)))
            return MADA_E_CONFIG;
    }
    if (!(cfg->hclip > 0.0 && isfinite(cfg->hclip)))
        return MADA_E_CONFIG;
    if (!in_range(cfg->eps, MADA_EPS_MIN, MADA_EPS_MAX) ||
        !in_range(cfg->lambda, 0.0, MADA_LAMBDA_MAX) ||
        !in_range(cfg->lb1, 0.0, MADA_BETA_MAX) || !in_range(cfg->lb2, 0.0, MADA_BETA_MAX) ||
        !(cfg->vbar == MADA_VBAR_AVG || cfg->vbar == MADA_VBAR_MAX) ||
        !(cfg->compat == 0 || cfg->compat == 1))
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

/* |a[i]| <= bound is compared in binary64, where every binary32 value and its
 * magnitude are exact; for the bounds mada_step() uses (powers of two, exact
 * in binary32) this is the same test as fabsf(a[i]) <= (float)bound. */
size_t mada_first_outside_f32(const float *a, size_t n, double bound)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> mada_within_f32(a[j], bound);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (!(fabs((double)a[i]) <= bound))
            return i;
    return n;
}

size_t mada_first_outside_f64(const double *a, size_t n, double bound)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> mada_within_f64(a[j], bound);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (!(fabs(a[i]) <= bound))
            return i;
    return n;
}
