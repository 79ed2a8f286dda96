/*
 * scalars.h -- the per-step scalars of spec 4 (ref/scalars.c): computed once
 * per step in binary64 and rounded once to the kernel's type; every backend
 * receives these values.  Included by mada_internal.h after the element
 * types.
 */
#ifndef MADA_SCALARS_H
#define MADA_SCALARS_H

/* ---- Per-step scalars (spec 4): ref/scalars.c, the one definition ---------- */
/* Coefficients and settings from which a step's scalars are computed. */
typedef struct {
    double q[MADA_NCOEF];
    uint64_t t;          /* this step's index, >= 1 */
    double eps, lb1, lb2;
    double lr, lambda;
} mada_scalar_inputs;

/* The binary64 values of spec 4 (the f64 kernel uses them as they are). */
void mada_scalars_compute(const mada_scalar_inputs *in, mada_scalars_f64 *out);
/* Round each binary64 scalar once to binary32. */
void mada_scalars_round_f32(const mada_scalars_f64 *in, mada_scalars_f32 *out);

#endif /* MADA_SCALARS_H */
