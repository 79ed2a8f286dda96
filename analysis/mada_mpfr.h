/*
 * mada_mpfr.h -- the MADA update and its closed-form partials (spec 2 and 6)
 * in MPFR at any precision: the oracle for rounding error and the engine of
 * the convergence studies.  Formulas, not the pinned operation order: every
 * quantity is computed at the working precision.
 */
#ifndef MADA_MPFR_H
#define MADA_MPFR_H

#include <mpfr.h>
#include <stdint.h>

#include "mada.h"

/* Coefficients and settings of one step, at the working precision. */
typedef struct {
    mpfr_prec_t prec;
    mpfr_t q[MADA_NCOEF];        /* beta1, beta2, beta3, rho, c, gamma */
    mpfr_t eps, lb1, lb2;
    uint64_t t;                  /* step index, >= 1 */
    int vbar_max;                /* MAX (1) or AVG (0) */
    int lion_compat;             /* spec 9 Lion direction */
} mada_mp_step;

/* Initialise at precision prec from binary64 values (exact conversions). */
void mada_mp_step_init(mada_mp_step *s, mpfr_prec_t prec, const double q[MADA_NCOEF],
                       uint64_t t, double eps, double lb1, double lb2, int vbar_max,
                       int lion_compat);
void mada_mp_step_clear(mada_mp_step *s);

/* Previous state and gradient of one element (binary64 values). */
typedef struct {
    double x, g, gp, m, v, vb, n, l;
} mada_mp_elem;

/* The update direction d of spec 2 for one element.  If vb1_fixed is non-NULL
 * it is used as vbar' (the hyper-gradient treats vbar' as a constant);
 * vb1_out, if non-NULL, receives the computed vbar'. */
void mada_mp_direction(const mada_mp_step *s, const mada_mp_elem *e, mpfr_srcptr vb1_fixed,
                       mpfr_ptr d_out, mpfr_ptr vb1_out);

/* The closed forms of spec 6: partials of d with respect to q, in p[6]
 * (initialised by the caller at any precision). */
void mada_mp_partials(const mada_mp_step *s, const mada_mp_elem *e, mpfr_t p[MADA_NCOEF]);

/* Exact (at precision prec) sum of g_i * p_i, for checking the canonical
 * reduction. */
void mada_mp_dot(mpfr_ptr out, const double *g, const double *p, size_t n);

#endif /* MADA_MPFR_H */
