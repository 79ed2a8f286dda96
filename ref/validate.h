/*
 * validate.h -- the input domain of spec 8 (ref/validate.c; constants in
 * include/mada.h and mada_internal.h).
 *
 * The ACSL contracts are proved by WP in the float model (proofs/README.md).
 * Inside annotations a comparison of doubles such as `0.0 <= v` compares the
 * real values, so every predicate below says \is_finite first.
 */
#ifndef MADA_VALIDATE_H
#define MADA_VALIDATE_H

#include "mada.h"

/*@ // Upper end of the domain of coefficient k: the betas [0, BETA_MAX], the
    // others [0, 1].
    logic real mada_coef_hi(integer k) = k <= MADA_BETA3 ? MADA_BETA_MAX : 1.0;

    // v is finite and in [lo, hi].
    predicate mada_in(double v, real lo, real hi) = \is_finite(v) && lo <= v <= hi;

    // v is a value coefficient k may take under *cfg: in its domain and, when
    // the coefficient learns (eta > 0), in its projection range [lo, hi].
    predicate mada_coef_value_ok{L}(mada_config *cfg, integer k, double v) =
        mada_in(v, 0.0, mada_coef_hi(k)) &&
        (cfg->eta[k] > 0.0 ==> cfg->lo[k] <= v <= cfg->hi[k]);

    // The hyper settings of coefficient k (spec 6.2, docs/DECISIONS.md D1).
    predicate mada_hyper_cfg_ok{L}(mada_config *cfg, integer k) =
        \is_finite(cfg->eta[k]) && cfg->eta[k] >= 0.0 &&
        mada_in(cfg->mu[k], 0.0, 1.0) &&
        (cfg->eta[k] > 0.0 ==>
            mada_in(cfg->lo[k], 0.0, mada_coef_hi(k)) &&
            mada_in(cfg->hi[k], cfg->lo[k], mada_coef_hi(k)));

    // Every field of *cfg in its domain: what mada_config_check() accepts.
    predicate mada_config_ok{L}(mada_config *cfg) =
        (\forall integer k; 0 <= k < MADA_NCOEF ==>
            mada_hyper_cfg_ok(cfg, k) && mada_coef_value_ok(cfg, k, cfg->coef[k])) &&
        \is_finite(cfg->hclip) && cfg->hclip > 0.0 &&
        mada_in(cfg->eps, MADA_EPS_MIN, MADA_EPS_MAX) &&
        mada_in(cfg->lambda, 0.0, MADA_LAMBDA_MAX) &&
        mada_in(cfg->lb1, 0.0, MADA_BETA_MAX) &&
        mada_in(cfg->lb2, 0.0, MADA_BETA_MAX) &&
        (cfg->vbar == MADA_VBAR_AVG || cfg->vbar == MADA_VBAR_MAX) &&
        (cfg->compat == 0 || cfg->compat == 1) &&
        (cfg->lean == 0 || cfg->lean == 1);

    // Coefficient k is frozen (eta == 0) at the value v.
    predicate mada_frozen_at{L}(mada_config *cfg, integer k, real v) =
        cfg->eta[k] == 0.0 && cfg->coef[k] == v;

    // The lean parts of spec 5.1 a configuration puts in force: one field per
    // row of the table, each 1 exactly when the configuration asks for lean
    // optimizers and the row's condition holds.
    predicate mada_lean_from{L}(mada_lean ln, mada_config *cfg) =
        (ln.adan == 0 || ln.adan == 1) && (ln.lion == 0 || ln.lion == 1) &&
        (ln.avg == 0 || ln.avg == 1) && (ln.yogi == 0 || ln.yogi == 1) &&
        (ln.lion_only == 0 || ln.lion_only == 1) &&
        (ln.adan == 1 <==> cfg->lean == 1 && mada_frozen_at(cfg, MADA_BETA3, 0.0)) &&
        (ln.lion == 1 <==> cfg->lean == 1 && mada_frozen_at(cfg, MADA_GAMMA, 1.0)) &&
        (ln.avg == 1 <==> cfg->lean == 1 && mada_frozen_at(cfg, MADA_RHO, 1.0)) &&
        (ln.yogi == 1 <==> cfg->lean == 1 && mada_frozen_at(cfg, MADA_C, 1.0)) &&
        (ln.lion_only == 1 <==> cfg->lean == 1 && mada_frozen_at(cfg, MADA_GAMMA, 0.0) &&
            \forall integer k; 0 <= k < MADA_NCOEF ==> cfg->eta[k] == 0.0);

    // Coefficient k may take the value v without breaking a lean part in
    // force (each part's condition on its frozen coefficient).
    predicate mada_lean_keeps(mada_lean ln, integer k, real v) =
        (ln.adan != 0 && k == MADA_BETA3 ==> v == 0.0) &&
        (ln.lion != 0 && k == MADA_GAMMA ==> v == 1.0) &&
        (ln.avg != 0 && k == MADA_RHO ==> v == 1.0) &&
        (ln.yogi != 0 && k == MADA_C ==> v == 1.0) &&
        (ln.lion_only != 0 && k == MADA_GAMMA ==> v == 0.0);

    // Element a is finite with |a| <= bound (what mada_step() requires of g, x).
    predicate mada_within_f32(float a, real bound) = \is_finite(a) && -bound <= a <= bound;
    predicate mada_within_f64(double a, real bound) = \is_finite(a) && -bound <= a <= bound;

*/

/* ---- Validation (spec 8): ref/validate.c ------------------------------------ */
/* lo <= v <= hi; false for NaN and, the bounds being finite, for the
 * infinities.  (The bounds' magnitude <= 2^1000 keeps Gappa's intervals of
 * differences finite; the bounds used are within 2^100.) */
/*@ requires \is_finite(lo) && \is_finite(hi);
    requires -0x1p1000 <= lo <= 0x1p1000 && -0x1p1000 <= hi <= 0x1p1000;
    assigns \result \from v, lo, hi;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> mada_in(v, lo, hi);
*/
int mada_in_range(double v, double lo, double hi);

/* Domain of coefficient k: [0, BETA_MAX] for the betas, [0, 1] otherwise. */
/*@ assigns \result \from k;
    ensures \is_finite(\result) && \result == mada_coef_hi(k);
*/
double mada_coef_domain_hi(int k);

/* 1 if coefficient k may take value v under cfg: in its domain and, when it
 * learns, in its [lo, hi].  cfg's hyper settings of k must be valid. */
/*@ requires \valid_read(cfg) && 0 <= k < MADA_NCOEF;
    requires mada_hyper_cfg_ok(cfg, k);
    assigns \result \from cfg->eta[k], cfg->lo[k], cfg->hi[k], k, v;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> mada_coef_value_ok(cfg, k, v);
*/
int mada_coef_ok(const mada_config *cfg, int k, double v);

/* What mada_config_check() (include/mada.h) checks, in the caller's
 * floating-point environment (the public function installs the default one
 * around it, ref/fpenv.h): every field of *cfg in its domain. */
/*@ requires cfg == \null || \valid_read(cfg);
    assigns \result \from cfg, *cfg;
    ensures \result == MADA_OK || \result == MADA_E_NULL || \result == MADA_E_CONFIG ||
            \result == MADA_E_COEF;
    ensures null: \result == MADA_E_NULL <==> cfg == \null;
    ensures ok: \result == MADA_OK ==> mada_config_ok(cfg);
*/
int mada_config_domain_check(const mada_config *cfg);

/* 1 if some coefficient learns (eta > 0). */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg);
    assigns \result \from cfg->eta[0 .. MADA_NCOEF - 1];
    ensures \result == 0 || \result == 1;
    ensures \result == 0 <==> \forall integer k; 0 <= k < MADA_NCOEF ==> cfg->eta[k] == 0.0;
*/
int mada_any_learning(const mada_config *cfg);

/* The lean parts of spec 5.1 that *cfg puts in force (all 0 when cfg->lean
 * is 0); mada_create() decides with it once. */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg);
    assigns \result \from *cfg;
    ensures lean: mada_lean_from(\result, cfg);
*/
mada_lean mada_lean_of(const mada_config *cfg);

/* 1 if coefficient k may take value v in an optimizer whose lean parts in
 * force are ln: no part's condition breaks (mada_set_coef(), after
 * mada_coef_ok() has put v in its domain; spec 5.1). */
/*@ requires \is_finite(v);
    assigns \result \from ln, k, v;
    ensures \result == 0 || \result == 1;
    ensures keeps: \result == 1 <==> mada_lean_keeps(ln, k, v);
*/
int mada_lean_allows(mada_lean ln, int k, double v);

/* Index of the first element outside |a[i]| <= bound (NaN and infinities
 * included), or n if none.  0 <= bound <= 2^1000 (mada_step() passes
 * MADA_GMAX, MADA_XMAX, MADA_COMPAT_G1_MAX). */
/*@ requires \valid_read(a + (0 .. n - 1));
    requires \is_finite(bound) && 0.0 <= bound <= 0x1p1000;
    assigns \result \from a[0 .. n - 1], n, bound;
    ensures \result <= n;
    ensures all_within: \result == n ==>
        \forall integer i; 0 <= i < n ==> mada_within_f32(a[i], bound);
    ensures first_outside: \result < n ==>
        !mada_within_f32(a[\result], bound) &&
        \forall integer i; 0 <= i < \result ==> mada_within_f32(a[i], bound);
*/
size_t mada_first_outside_f32(const float *a, size_t n, double bound);
/*@ requires \valid_read(a + (0 .. n - 1));
    requires \is_finite(bound) && 0.0 <= bound <= 0x1p1000;
    assigns \result \from a[0 .. n - 1], n, bound;
    ensures \result <= n;
    ensures all_within: \result == n ==>
        \forall integer i; 0 <= i < n ==> mada_within_f64(a[i], bound);
    ensures first_outside: \result < n ==>
        !mada_within_f64(a[\result], bound) &&
        \forall integer i; 0 <= i < \result ==> mada_within_f64(a[i], bound);
*/
size_t mada_first_outside_f64(const double *a, size_t n, double bound);

/* Bound on |g| at this step: MADA_COMPAT_G1_MAX for the first step in compat
 * mode (n starts at g_1^2, spec 9), MADA_GMAX otherwise. */
/*@ assigns \result \from compat_first;
    ensures \is_finite(\result);
    ensures compat_first != 0 ==> \result == MADA_COMPAT_G1_MAX;
    ensures compat_first == 0 ==> \result == MADA_GMAX;
*/
double mada_grad_bound(int compat_first);

/* The scalar checks of mada_step() (spec 8, in the order of
 * docs/DECISIONS.md D12): the step count t_prev (the step makes it
 * t_prev + 1, which must not wrap), the learning rate, the bound on v and
 * vbar left by the previous step (vmax, finite: a kernel result or computed
 * from a loaded state).  MADA_OK or the first error. */
/*@ requires \is_finite(vmax);
    assigns \result \from t_prev, lr, vmax;
    ensures \result == MADA_OK || \result == MADA_E_LIMIT || \result == MADA_E_LR ||
            \result == MADA_E_STATE;
    ensures \result == MADA_OK ==>
        t_prev < UINT64_MAX && mada_in(lr, 0.0, MADA_LR_MAX) && vmax <= MADA_V_MAX;
*/
int mada_step_scalars_check(uint64_t t_prev, double lr, double vmax);

/* The element checks of mada_step() (spec 8), after the scalar ones: the
 * gradient (|g| <= mada_grad_bound(compat_first)), then the parameters
 * (|x| <= XMAX).  MADA_OK, or MADA_E_GRAD / MADA_E_PARAM with *index the
 * first offending element (SIZE_MAX otherwise).  What MADA_OK guarantees
 * is what the kernels require (proofs/domain_harness.c).  The reference
 * backend's pass 1 (fast/dispatch.c). */
/*@ requires \valid_read(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1));
    requires \valid(index);
    assigns *index;
    ensures \result == MADA_OK || \result == MADA_E_GRAD || \result == MADA_E_PARAM;
    ensures ok: \result == MADA_OK ==>
        \forall integer i; 0 <= i < n ==> mada_fin_f32(x[i], -MADA_XMAX, MADA_XMAX);
    ensures grad: \result == MADA_OK && compat_first == 0 ==>
        \forall integer i; 0 <= i < n ==> mada_fin_f32(g[i], -MADA_GMAX, MADA_GMAX);
    ensures grad_compat: \result == MADA_OK && compat_first != 0 ==>
        \forall integer i; 0 <= i < n ==>
            mada_fin_f32(g[i], -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
    ensures index: (\result == MADA_E_GRAD || \result == MADA_E_PARAM) ==> *index < n;
*/
int mada_step_check_f32(const float *x, const float *g, size_t n, int compat_first,
                        size_t *index);
/*@ requires \valid_read(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1));
    requires \valid(index);
    assigns *index;
    ensures \result == MADA_OK || \result == MADA_E_GRAD || \result == MADA_E_PARAM;
    ensures ok: \result == MADA_OK ==>
        \forall integer i; 0 <= i < n ==> mada_fin_f64(x[i], -MADA_XMAX, MADA_XMAX);
    ensures grad: \result == MADA_OK && compat_first == 0 ==>
        \forall integer i; 0 <= i < n ==> mada_fin_f64(g[i], -MADA_GMAX, MADA_GMAX);
    ensures grad_compat: \result == MADA_OK && compat_first != 0 ==>
        \forall integer i; 0 <= i < n ==>
            mada_fin_f64(g[i], -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
    ensures index: (\result == MADA_E_GRAD || \result == MADA_E_PARAM) ==> *index < n;
*/
int mada_step_check_f64(const double *x, const double *g, size_t n, int compat_first,
                        size_t *index);

#endif /* MADA_VALIDATE_H */
