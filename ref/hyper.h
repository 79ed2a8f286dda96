/*
 * hyper.h -- the coefficient update of spec 6.2 (ref/hyper.c).
 *
 * The ACSL contracts are proved by WP in the float model (proofs/README.md).
 * Inside annotations a comparison of doubles compares their real values, so
 * the predicates say \is_finite first.
 */
#ifndef MADA_HYPER_H
#define MADA_HYPER_H

#include <stdint.h>

#include "mada.h"
#include "validate.h"

/* ---- Hyper-optimizer (spec 6.2): ref/hyper.c -------------------------------- */
/* Momentum state of one coefficient. */
typedef struct {
    double buf;
    int started;        /* buf holds a value (first finite h seen) */
} mada_hyper_buf;

/*@ // A started momentum buffer holds a finite value.
    predicate mada_hyper_buf_ok(mada_hyper_buf b) = b.started != 0 ==> \is_finite(b.buf);

    // What mada_hyper_apply() needs of one learning coefficient: the value q
    // and its projection range [lo, hi] inside [0, 1] (every coefficient's
    // domain), momentum mu in [0, 1], a finite started buffer.
    predicate mada_hyper_coef_ok(double q, mada_hyper_buf b, double mu, double lo,
                                 double hi) =
        mada_in(q, 0.0, 1.0) && mada_in(lo, 0.0, 1.0) && mada_in(hi, lo, 1.0) &&
        mada_in(mu, 0.0, 1.0) && mada_hyper_buf_ok(b);
*/

/* Apply one hyper-gradient h to coefficient *q.  Returns 1 if applied, 0 if
 * h was not finite (then *q and *b are unchanged).  The new buffer is finite:
 * where mu*buf + clip(h) would overflow binary64 it is held at +-DBL_MAX
 * (ref/hyper.c).  mada_hyper_update() applies the same step to each learning
 * coefficient of the optimizer; the comment there says why the optimizer
 * meets these preconditions. */
/*@ requires valid: \valid(q) && \valid(b) && \separated(q, b);
    requires coef: mada_hyper_coef_ok(*q, *b, mu, lo, hi);
    requires eta: \is_finite(eta) && eta >= 0.0;
    requires hclip: \is_finite(hclip) && hclip > 0.0;
    assigns *q, *b;
    behavior skip:
      assumes !\is_finite(h);
      assigns \nothing;
      ensures \result == 0;
    behavior apply:
      assumes \is_finite(h);
      assigns *q, *b;
      ensures applied: \result == 1;
      ensures buf: b->started == 1 && \is_finite(b->buf);
      ensures q: mada_in(*q, lo, hi);
    complete behaviors;
    disjoint behaviors;
*/
int mada_hyper_apply(double *q, mada_hyper_buf *b, double h, double eta, double mu,
                     double lo, double hi, double hclip);

/* The hyper-optimizer's state of one coefficient, as a value. */
typedef struct {
    double q;                        /* the coefficient                       */
    mada_hyper_buf hb;               /* its momentum buffer                   */
    double hgrad;                    /* h of the last hyper step              */
    uint64_t skipped;                /* non-finite h skipped                  */
} mada_hyper_coef;

/* ... and of all coefficients. */
typedef struct {
    mada_hyper_coef c[MADA_NCOEF];
    int nskip;                       /* non-finite h skipped in this step     */
} mada_hyper_state;

/* The inputs of one hyper step: reductions, alpha_{t-1}, settings. */
typedef struct {
    double H[MADA_NCOEF];            /* sum_i g_i p_i, for learning k only    */
    double lr_prev;                  /* alpha_{t-1}                            */
    double eta[MADA_NCOEF], mu[MADA_NCOEF], lo[MADA_NCOEF], hi[MADA_NCOEF];
    double hclip;
} mada_hyper_input;

/*@ // Coefficient c may take a step: learning with its hyper settings, or
    // frozen.  (eta finite >= 0 for every coefficient.)
    predicate mada_hyper_coef_ready(mada_hyper_coef c, double eta, double mu, double lo,
                                    double hi) =
        \is_finite(eta) && eta >= 0.0 &&
        (eta > 0.0 ==> mada_hyper_coef_ok(c.q, c.hb, mu, lo, hi) && c.skipped < UINT64_MAX);

    // c is coefficient c0 after the step with reduction H: frozen (eta == 0):
    // untouched; learning with a finite H (then h = -lr_prev*H is finite):
    // the update applied, q in [lo, hi]; learning with a non-finite H (h
    // non-finite): q and buffer kept, the event counted.  A learning
    // coefficient stays fit for the next step.
    predicate mada_hyper_coef_done(mada_hyper_coef c, mada_hyper_coef c0, double H,
                                   double eta, double mu, double lo, double hi) =
        (eta == 0.0 ==>
            c.q == c0.q && (\is_finite(c0.q) ==> \is_finite(c.q)) &&
            c.hb.buf == c0.hb.buf && c.hb.started == c0.hb.started &&
            c.hgrad == c0.hgrad && c.skipped == c0.skipped) &&
        (eta > 0.0 ==> mada_hyper_coef_ok(c.q, c.hb, mu, lo, hi)) &&
        (eta > 0.0 && \is_finite(H) ==>
            \is_finite(c.hgrad) && mada_in(c.q, lo, hi) &&
            c.hb.started == 1 && \is_finite(c.hb.buf) && c.skipped == c0.skipped) &&
        (eta > 0.0 && !\is_finite(H) ==>
            !\is_finite(c.hgrad) && c.q == c0.q && c.hb.buf == c0.hb.buf &&
            c.hb.started == c0.hb.started && c.skipped == c0.skipped + 1);
*/

/* One hyper step of spec 7 step 2 for all coefficients, on values: for each
 * learning k (eta[k] > 0), h = -lr_prev * H[k] goes to hgrad; a finite h is
 * applied to q and hb (as mada_hyper_apply does), a non-finite one leaves
 * them unchanged and counts skipped.  A frozen k (eta[k] == 0) is not touched
 * at all.  nskip is the number of skipped h.
 *
 * H[k] is finite exactly when h is (lr_prev in [0, 1]): a finite H gives
 * |h| <= |H|, and an infinite or NaN H gives an infinite or NaN h.
 *
 * How the optimizer (ref/optimizer.c, hyper_step) meets the preconditions:
 * its configuration passed mada_config_check() (mada_config_ok: eta finite
 * >= 0, mu in [0, 1], hclip finite > 0, a learning q and its [lo, hi] inside
 * [0, 1]); q changes only through mada_set_coef() (checked by mada_coef_ok)
 * and this function (which keeps lo <= q <= hi); alpha_{t-1}, the buffers
 * and the skip counts pass mada_hyper_check() before the step (below). */
/*@ requires lr_prev: mada_in(in.lr_prev, 0.0, MADA_LR_MAX);
    requires hclip: \is_finite(in.hclip) && in.hclip > 0.0;
    requires ready: \forall integer k; 0 <= k < MADA_NCOEF ==>
        mada_hyper_coef_ready(s.c[k], in.eta[k], in.mu[k], in.lo[k], in.hi[k]);
    assigns \nothing;
    ensures count: 0 <= \result.nskip <= MADA_NCOEF;
    ensures done: \forall integer k; 0 <= k < MADA_NCOEF ==>
        mada_hyper_coef_done(\result.c[k], s.c[k], in.H[k], in.eta[k], in.mu[k], in.lo[k],
                             in.hi[k]);
*/
mada_hyper_state mada_hyper_update(mada_hyper_state s, mada_hyper_input in);

/*@ // What mada_hyper_update() needs of the state the previous steps left:
    // alpha_{t-1} accepted, every started buffer finite, every skip count
    // able to count one more.
    predicate mada_hyper_ready(mada_hyper_state s, double lr_prev) =
        mada_in(lr_prev, 0.0, MADA_LR_MAX) &&
        \forall integer k; 0 <= k < MADA_NCOEF ==>
            mada_hyper_buf_ok(s.c[k].hb) && s.c[k].skipped < UINT64_MAX;
*/

/* The hyper-optimizer's state before a hyper step (issue 8): mada_step()
 * calls it before changing anything, whenever the step will update
 * coefficients.  MADA_E_LIMIT when a counter the step increments could
 * overflow (the hyper-step count; a per-coefficient skip count; the total
 * skip count, which grows by at most MADA_NCOEF); MADA_E_STATE when
 * alpha_{t-1} is outside [0, LR_MAX] or a started buffer is not finite
 * (no step leaves such a state; mada_load() refuses it too); else MADA_OK,
 * and then mada_hyper_update()'s preconditions on s and lr_prev hold. */
/*@ assigns \result \from s, lr_prev, hyper_steps, skipped;
    ensures \result == MADA_OK || \result == MADA_E_LIMIT || \result == MADA_E_STATE;
    ensures ready: \result == MADA_OK ==> mada_hyper_ready(s, lr_prev);
    ensures counts: \result == MADA_OK ==>
        hyper_steps < UINT64_MAX && skipped <= UINT64_MAX - MADA_NCOEF;
*/
int mada_hyper_check(mada_hyper_state s, double lr_prev, uint64_t hyper_steps,
                     uint64_t skipped);

#endif /* MADA_HYPER_H */
