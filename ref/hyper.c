/*
 * hyper.c -- the coefficient update of spec 6.2.  Contracts: ref/hyper.h
 * (public functions) and here (static helpers).  The arithmetic lives in
 * small functions on values (hyper_clip, hyper_momentum, hyper_scaled,
 * hyper_project, hyper_core: Gappa's goals), the control in functions that
 * only move values (hyper_coef_step, mada_hyper_update, mada_hyper_apply:
 * CVC5's goals).
 *
 * Every binary64 operation below is proved free of overflow (WP -wp-rte).  Two
 * places are written so that no operation can overflow where the plain
 * formula could; both give the plain formula's value wherever that one is
 * finite:
 *   buf = mu*buf + h    (hyper_momentum) is summed in halves when an operand
 *                       exceeds 2^1022, and held at +-DBL_MAX where the sum
 *                       overflows (the plain sum would store +-inf, which
 *                       mada_load() rejects);
 *   eta * buf           (hyper_scaled) is replaced by +-2 where |eta*buf| > 2:
 *                       then q - eta*buf lies below lo or above hi (q, lo, hi
 *                       in [0, 1]) on the same side as q - (+-2), so the
 *                       projection gives the same lo or hi.
 *
 * Axiom (the one contract here WP takes without proof; see hyper_h_nonfinite):
 *   H1  -lr * H is infinite or NaN when H is (lr finite, in [0, 1]): IEEE 754
 *       multiplication of an infinity by a nonzero finite number is infinite,
 *       by zero NaN, and any operation on NaN is NaN; negation keeps both.
 *       The body then replaces a NaN by the canonical quiet NaN, which is
 *       NaN too (docs/DECISIONS.md D23).
 *
 * Proof (from the repository root; WHY3CONFIG with Gappa and CVC5, about 1 min):
 *   frama-c -cpp-extra-args=-Iinclude -cpp-extra-args=-Iref -wp -wp-rte -wp-split \
 *     -wp-timeout 10 -wp-par 2 -wp-prover gappa,cvc5 \
 *     -wp-fct learns,hyper_clip,hyper_momentum,hyper_scaled,hyper_project,hyper_core,hyper_h_finite \
 *     ref/hyper.c -then -wp-no-split -wp-prover=-gappa,cvc5 \
 *     -wp-fct mada_hyper_apply,hyper_coef_step,mada_hyper_update \
 *     -then -report-classify -report-unclassified-unknown ERROR
 */
#include <float.h>

#include "mada_internal.h"

/* eta > 0 for a finite eta: the coefficient learns. */
/*@ requires \is_finite(eta);
    assigns \result \from eta;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> eta > 0.0;
*/
static int learns(double eta)
{
    return eta > 0.0;
}

/* buf' = mu*buf + hc (spec 6.2), finite.  |mu*buf| <= |buf|.  When an operand
 * exceeds 2^1022 the sum is formed from halves: for these magnitudes halving
 * is exact (or the smaller operand is far below half an ulp of the larger), so
 * 2*fl(mb/2 + hc/2) == fl(mb + hc) whenever the latter is finite, and
 * |fl(mb/2 + hc/2)| > DBL_MAX/2 exactly when mb + hc overflows. */
/*@ requires \is_finite(mu) && 0.0 <= mu <= 1.0;
    requires \is_finite(buf) && \is_finite(hc);
    assigns \nothing;
    ensures \is_finite(\result);
*/
static double hyper_momentum(double mu, double buf, double hc)
{
    const double mb = mu * buf;
    if (-0x1p1022 <= mb && mb <= 0x1p1022 && -0x1p1022 <= hc && hc <= 0x1p1022)
        return mb + hc;
    const double half = mb * 0.5 + hc * 0.5;
    if (-0x1.fffffffffffffp1022 <= half && half <= 0x1.fffffffffffffp1022)
        return half * 2.0;
    return half > 0.0 ? DBL_MAX : -DBL_MAX;
}

/* eta * nb, or +-2 (the sign of nb) where |eta * nb| > 2 and the product
 * might overflow; |result| <= 2^1000. */
/*@ requires \is_finite(eta) && eta >= 0.0 && \is_finite(nb);
    assigns \nothing;
    ensures \is_finite(\result) && -0x1p1000 <= \result <= 0x1p1000;
*/
static double hyper_scaled(double eta, double nb)
{
    if (eta < 0x1p-499)
        return eta * nb;            /* |.| < 2^-499 * 2^1024 */
    if (-0x1p-499 < nb && nb < 0x1p-499)
        return eta * nb;            /* |.| < 2^1024 * 2^-499 */
    if (eta <= 0x1p500 && -0x1p500 <= nb && nb <= 0x1p500)
        return eta * nb;            /* |.| <= 2^1000 */
    /* One factor > 2^500, the other >= 2^-499: |eta * nb| > 2. */
    return nb > 0.0 ? 2.0 : -2.0;
}

/* q - eta * nb projected onto [lo, hi]. */
/*@ requires \is_finite(q) && 0.0 <= q <= 1.0;
    requires \is_finite(eta) && eta >= 0.0 && \is_finite(nb);
    requires \is_finite(lo) && \is_finite(hi) && 0.0 <= lo <= hi <= 1.0;
    assigns \nothing;
    ensures \is_finite(\result) && lo <= \result <= hi;
*/
static double hyper_project(double q, double eta, double nb, double lo, double hi)
{
    double nq = q - hyper_scaled(eta, nb);
    nq = (nq < lo) ? lo : nq;
    nq = (nq > hi) ? hi : nq;
    return nq;
}

/* clip(h, -hclip, +hclip) (spec 6.2). */
/*@ requires \is_finite(h) && \is_finite(hclip) && hclip > 0.0;
    assigns \nothing;
    ensures \is_finite(\result);
*/
static double hyper_clip(double h, double hclip)
{
    return (h > hclip) ? hclip : ((h < -hclip) ? -hclip : h);
}

/* One applied hyper-gradient (spec 6.2), by value: clip, momentum, step,
 * projection.  h finite. */
typedef struct {
    double q;
    mada_hyper_buf b;
} hyper_state;

/*@ requires mada_hyper_coef_ok(q, b, mu, lo, hi);
    requires \is_finite(eta) && eta >= 0.0;
    requires \is_finite(hclip) && hclip > 0.0;
    requires \is_finite(h);
    assigns \nothing;
    ensures q: mada_in(\result.q, lo, hi);
    ensures buf: \result.b.started == 1 && \is_finite(\result.b.buf);
*/
static hyper_state hyper_core(double q, mada_hyper_buf b, double h, double eta, double mu,
                              double lo, double hi, double hclip)
{
    const double hc = hyper_clip(h, hclip);
    hyper_state r;
    r.b.buf = b.started ? hyper_momentum(mu, b.buf, hc) : hc;
    r.b.started = 1;
    r.q = hyper_project(q, eta, r.b.buf, lo, hi);
    return r;
}

int mada_hyper_apply(double *q, mada_hyper_buf *b, double h, double eta, double mu,
                     double lo, double hi, double hclip)
{
    if (!isfinite(h))
        return 0;
    const hyper_state r = hyper_core(*q, *b, h, eta, mu, lo, hi, hclip);
    *q = r.q;
    *b = r.b;
    return 1;
}

/* h = -lr * H for a finite H; |h| <= |H|. */
/*@ requires \is_finite(lr) && 0.0 <= lr <= 1.0 && \is_finite(H);
    assigns \nothing;
    ensures \is_finite(\result);
*/
static double hyper_h_finite(double lr, double H)
{
    const double nlr = -lr; /* -lr * H, parsed (-lr) * H; named for WP 25, which
                               mistranslates the negation inside the product's
                               RTE assertion */
    return nlr * H;
}

#ifdef __FRAMAC__
/* Axiom H1 (top of file): WP takes this contract without proof; the body
 * (below, for the compiler) is hyper_h_finite's expression, a NaN made the
 * canonical quiet NaN: IEEE 754 does not say which NaN operand's sign and
 * payload a sum of NaNs keeps, and the compiler may swap the operands of an
 * addition, so H's NaN bits depend on the build and the backend while the
 * stored h (mada_info.hypergrad, the state file) must not (D23). */
/*@ requires \is_finite(lr) && 0.0 <= lr <= 1.0 && !\is_finite(H);
    assigns \result \from lr, H;
    ensures !\is_finite(\result);
*/
double mada_hyper_h_nonfinite(double lr, double H);
#else
static double mada_hyper_h_nonfinite(double lr, double H)
{
    const double h = -lr * H;
    return isnan(h) ? (double)NAN : h;
}
#endif

/* One coefficient's step (spec 6.2), by value; *skip set to 1 for a skipped
 * non-finite h, else 0. */
typedef struct {
    mada_hyper_coef c;
    int skip;
} hyper_coef_result;

/*@ requires mada_in(lr_prev, 0.0, MADA_LR_MAX);
    requires \is_finite(hclip) && hclip > 0.0;
    requires mada_hyper_coef_ready(c, eta, mu, lo, hi);
    assigns \nothing;
    ensures done: mada_hyper_coef_done(\result.c, c, H, eta, mu, lo, hi);
    ensures skip: \result.skip == 0 || \result.skip == 1;
*/
static hyper_coef_result hyper_coef_step(mada_hyper_coef c, double H, double lr_prev,
                                         double eta, double mu, double lo, double hi,
                                         double hclip)
{
    hyper_coef_result r;
    r.c = c;
    r.skip = 0;
    if (!learns(eta))
        return r; /* frozen: spec 6.2 */
    if (!isfinite(H)) {
        r.c.hgrad = mada_hyper_h_nonfinite(lr_prev, H);
        r.c.skipped++;
        r.skip = 1;
        return r;
    }
    const double h = hyper_h_finite(lr_prev, H);
    const hyper_state u = hyper_core(c.q, c.hb, h, eta, mu, lo, hi, hclip);
    r.c.hgrad = h;
    r.c.q = u.q;
    r.c.hb = u.b;
    return r;
}

mada_hyper_state mada_hyper_update(mada_hyper_state s, mada_hyper_input in)
{
    mada_hyper_state r = s;
    r.nskip = 0;
    /*@ loop invariant bounds: 0 <= k <= MADA_NCOEF && 0 <= r.nskip <= k;
        loop invariant done: \forall integer j; 0 <= j < k ==>
            mada_hyper_coef_done(r.c[j], s.c[j], in.H[j], in.eta[j], in.mu[j], in.lo[j],
                                 in.hi[j]);
        loop assigns k, r;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++) {
        const hyper_coef_result u = hyper_coef_step(s.c[k], in.H[k], in.lr_prev, in.eta[k],
                                                    in.mu[k], in.lo[k], in.hi[k], in.hclip);
        r.c[k] = u.c;
        r.nskip += u.skip;
    }
    return r;
}

/* A started buffer holds a finite value. */
/*@ assigns \result \from b;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> mada_hyper_buf_ok(b);
*/
static int hyper_buf_ok(mada_hyper_buf b)
{
    return !b.started || isfinite(b.buf);
}

int mada_hyper_check(mada_hyper_state s, double lr_prev, uint64_t hyper_steps,
                     uint64_t skipped)
{
    if (hyper_steps == UINT64_MAX || skipped > UINT64_MAX - MADA_NCOEF)
        return MADA_E_LIMIT;
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer j; 0 <= j < k ==> s.c[j].skipped < UINT64_MAX;
        loop assigns k;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++)
        if (s.c[k].skipped == UINT64_MAX)
            return MADA_E_LIMIT;
    if (!mada_in_range(lr_prev, 0.0, MADA_LR_MAX))
        return MADA_E_STATE;
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer j; 0 <= j < k ==> mada_hyper_buf_ok(s.c[j].hb);
        loop assigns k;
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++)
        if (!hyper_buf_ok(s.c[k].hb))
            return MADA_E_STATE;
    return MADA_OK;
}
