/*
 * mp_opt.h -- the whole MADA specification in MPFR (issue 13, item 2): the
 * update of spec 5 (and the lean lines of 5.1), the partials of spec 6, the
 * reduction of 6.1, the hyper-optimizer of 6.2, the iteration of 7, the
 * projection of 7.1, AVG and MAX, compat (spec 9), on the library's
 * mada_config, at any precision.
 *
 * Two modes:
 *   emulation (MP_EMU32, MP_EMU64): the binary32 or binary64 reference bit
 *     for bit.  Element operations at precision 24 or 53 with the IEEE
 *     exponent range and mpfr_subnormalize() after each one (one IEEE
 *     rounding per operation, in spec 5's order); the reduction in spec
 *     6.1's canonical order and the hyper-optimizer at precision 53 with
 *     binary64's range; the per-step scalars from the library's one function
 *     (mada_scalars_compute, then mada_scalars_round_f32 for binary32), since
 *     the C library's expm1/log1p/pow are not MPFR's (spec 4).  Where the
 *     reference holds the momentum buffer at +-DBL_MAX or replaces eta*buf by
 *     +-2 (ref/hyper.c, |buf| near 2^1022) the plain formula runs here; with
 *     a clip hclip <= 2^20 (creation refuses a larger one for a learning
 *     emulation) that needs more than 2^1000 hyper steps.
 *   high precision (MP_HIGH, precision >= 64): every quantity at the working
 *     precision, the scalars computed here (1 - beta^t at 32 guard bits), the
 *     reduction summed with one rounding (mpfr_sum of exact products).
 *
 * Analysis extra (not in the library): MP_VBAR_MIX keeps both AVGrad's mean
 * and AMSGrad's maximum of v and uses P = rho*vmax + (1-rho)*vavg (the
 * AMSGrad/AVGrad mixes of spec 11.5), in high precision with every
 * coefficient frozen (no partials: spec 6's would need other rho terms) and
 * no lean part (every array kept).
 *
 * The engine owns the parameters x (n elements).  Not thread-safe: MPFR's
 * exponent range is per thread and the engine sets it during each call
 * (restoring it on return).
 */
#ifndef MADA_MP_OPT_H
#define MADA_MP_OPT_H

#include <mpfr.h>
#include <stddef.h>
#include <stdint.h>

#include "mada.h"

typedef enum { MP_EMU32 = 1, MP_EMU64 = 2, MP_HIGH = 3 } mp_mode;

/* P's second-moment average: the library's AVG and MAX (cfg.vbar), or the
 * analysis-only AMSGrad/AVGrad mix. */
enum { MP_VBAR_CFG = 0, MP_VBAR_MIX = 1 };

typedef struct mp_opt mp_opt;

/* Create an engine for n elements.  mode MP_HIGH needs prec >= 64 (prec is
 * ignored in emulation: 24 or 53).  cfg must pass mada_config_check(), and
 * in emulation with a learning coefficient have hclip <= 2^20.  vbar_mix:
 * MP_VBAR_CFG or MP_VBAR_MIX (high precision, nothing learning).  x starts
 * at +0.  NULL on bad input or no memory (err receives why). */
mp_opt *mp_opt_create(size_t n, mp_mode mode, mpfr_prec_t prec, const mada_config *cfg,
                      int vbar_mix, char *err, size_t cap);
void mp_opt_destroy(mp_opt *o);

/* The working precision of the elements (24, 53 or the high precision). */
mpfr_prec_t mp_opt_prec(const mp_opt *o);
size_t mp_opt_n(const mp_opt *o);
uint64_t mp_opt_t(const mp_opt *o);

/* The parameters x[0 .. n-1] (the caller may set them before the first
 * step, e.g. to x_0; values must be exact in the mode's type). */
mpfr_t *mp_opt_x(mp_opt *o);

/* One iteration (spec 7) with gradient g[0 .. n-1] (values of the mode's type
 * in emulation; any precision in MP_HIGH) and learning rate lr (a binary64
 * value in emulation).  No validation beyond spec 8's gradient bound: the
 * analysis drives it with valid inputs.  0, or -1 if a gradient is not
 * finite. */
int mp_opt_step(mp_opt *o, mpfr_t *g, mpfr_srcptr lr);

/* The projection of spec 7.1 onto [lo, hi] (lo <= hi, values of the type). */
void mp_opt_project(mp_opt *o, double lo, double hi);

/* Coefficients q (rounded to binary64) and, exactly, at the working
 * precision. */
void mp_opt_coefs(const mp_opt *o, double q[MADA_NCOEF]);
mpfr_srcptr mp_opt_coef(const mp_opt *o, int k);

/* The state after the last step, element i: m, v, vbar (vavg with
 * MP_VBAR_MIX), n, gp, l, vmax (MP_VBAR_MIX only, else +0), the stored
 * partial of coefficient k (+0 if not stored), and vhat = P/(1-beta2^t) of
 * the last step. */
enum { MP_M = 0, MP_V, MP_VB, MP_N, MP_GP, MP_L, MP_VMX, MP_VH, MP_NSTATE };
mpfr_srcptr mp_opt_state(const mp_opt *o, int which, size_t i);
mpfr_srcptr mp_opt_partial(const mp_opt *o, int k, size_t i);

/* Hyper-optimizer counters: steps that updated coefficients, non-finite h
 * skipped. */
uint64_t mp_opt_hyper_steps(const mp_opt *o);
uint64_t mp_opt_skipped(const mp_opt *o);

/* Set the state of element i from binary64 values (the worst-case replays
 * of the error study): x, m, v, vb, n, gp, l; and t, the coefficients (all
 * frozen: a one-step replay has no hyper step). */
void mp_opt_set_elem(mp_opt *o, size_t i, const double st[7]);
void mp_opt_set_t(mp_opt *o, uint64_t t, const double q[MADA_NCOEF]);

#endif /* MADA_MP_OPT_H */
