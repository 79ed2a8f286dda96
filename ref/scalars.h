/*
 * scalars.h -- the per-step scalars of spec 4 (ref/scalars.c): computed once
 * per step in binary64 and rounded once to the kernel's type; every backend
 * receives these values.  Included by mada_internal.h after the element
 * types (mada_scalars_f32/_f64 and their predicates mada_scalars_ok_f32/_f64,
 * ref/element_impl.h).
 *
 * The ACSL contracts are proved by WP in the float model (proofs/README.md),
 * from the axioms listed at the top of ref/scalars.c.
 */
#ifndef MADA_SCALARS_H
#define MADA_SCALARS_H

#include <stdint.h>

#include "mada.h"
#include "validate.h"

/* ---- Per-step scalars (spec 4): ref/scalars.c, the one definition ---------- */
/* Coefficients and settings from which a step's scalars are computed. */
typedef struct {
    double q[MADA_NCOEF];
    uint64_t t;          /* this step's index, >= 1 */
    double eps, lb1, lb2;
    double lr, lambda;
} mada_scalar_inputs;

/*@ // The inputs as mada_step() passes them: coefficients in their domains
    // (mada_config_ok), t >= 1, the settings mada_config_check() and
    // mada_step() accept.
    predicate mada_scalar_inputs_ok(mada_scalar_inputs in) =
        mada_in(in.q[MADA_BETA1], 0.0, MADA_BETA_MAX) &&
        mada_in(in.q[MADA_BETA2], 0.0, MADA_BETA_MAX) &&
        mada_in(in.q[MADA_BETA3], 0.0, MADA_BETA_MAX) &&
        mada_in(in.q[MADA_RHO], 0.0, 1.0) && mada_in(in.q[MADA_C], 0.0, 1.0) &&
        mada_in(in.q[MADA_GAMMA], 0.0, 1.0) &&
        in.t >= 1 &&
        mada_in(in.eps, MADA_EPS_MIN, MADA_EPS_MAX) &&
        mada_in(in.lb1, 0.0, MADA_BETA_MAX) && mada_in(in.lb2, 0.0, MADA_BETA_MAX) &&
        mada_in(in.lr, 0.0, MADA_LR_MAX) && mada_in(in.lambda, 0.0, MADA_LAMBDA_MAX);

    // The partials' factors kb1, kb2, kc (not in mada_scalars_ok_f64): finite,
    // kb <= t * 2^40 (1 + 2^-38) <= 2^105 and kc <= 1/(1 - BETA_MAX) rounded.
    predicate mada_scalars_k_ok_f64(mada_scalars_f64 s) =
        mada_fin_f64(s.kb1, 0.0, 0x1p105) && mada_fin_f64(s.kb2, 0.0, 0x1p105) &&
        mada_fin_f64(s.kc, 0.0, MADA_IB_MAX);
    predicate mada_scalars_k_ok_f32(mada_scalars_f32 s) =
        mada_fin_f32(s.kb1, 0.0, 0x1p105) && mada_fin_f32(s.kb2, 0.0, 0x1p105) &&
        mada_fin_f32(s.kc, 0.0, MADA_IB_MAX);
*/

/* The binary64 values of spec 4 (the f64 kernel uses them as they are). */
/*@ requires \valid_read(in) && \valid(out) && \separated(in, out);
    requires inputs: mada_scalar_inputs_ok(*in);
    assigns *out;
    ensures ok: mada_scalars_ok_f64(*out);
    ensures k_ok: mada_scalars_k_ok_f64(*out);
*/
void mada_scalars_compute(const mada_scalar_inputs *in, mada_scalars_f64 *out);

/* Round each binary64 scalar once to binary32. */
/*@ requires \valid_read(in) && \valid(out) && \separated(in, out);
    requires ok: mada_scalars_ok_f64(*in);
    requires k_ok: mada_scalars_k_ok_f64(*in);
    assigns *out;
    ensures ok: mada_scalars_ok_f32(*out);
    ensures k_ok: mada_scalars_k_ok_f32(*out);
*/
void mada_scalars_round_f32(const mada_scalars_f64 *in, mada_scalars_f32 *out);

#endif /* MADA_SCALARS_H */
