/*
 * problems.h -- the smooth non-convex stochastic problems of spec 11.3, in
 * binary64 (for the library's runs) and in MPFR (for the engine's), with
 * bounded gradients:
 *   robust    Geman-McClure robust regression: f(x) = (1/N) sum_j w(b_j.x - y_j),
 *             w(r) = r^2 / (1 + r^2), |w'| <= 0.65;
 *   logistic  logistic regression with the non-convex regulariser
 *             lambda sum_i x_i^2 / (1 + x_i^2), lambda = 0.1.
 * Dimension PB_D = 10, PB_N = 32 samples with entries uniform in [-1, 1],
 * drawn once from a fixed seed per problem (the data do not change with the
 * run's seed).  The stochastic gradient at step t is the gradient of one
 * sample j drawn uniformly by the run's generator (plus the regulariser);
 * the measured quantity is the full gradient's squared norm.
 */
#ifndef MADA_PROBLEMS_H
#define MADA_PROBLEMS_H

#include <mpfr.h>
#include <stdint.h>

#define PB_D 10
#define PB_N 32

typedef enum { PB_ROBUST = 0, PB_LOGISTIC = 1, PB_COUNT } pb_kind;

typedef struct {
    pb_kind kind;
    double b[PB_N][PB_D], y[PB_N];
    double lambda;
} problem;

extern const char *const pb_names[PB_COUNT];

/* The data of problem k (deterministic). */
void pb_init(problem *p, pb_kind k);

/* splitmix64 (the same on every machine) */
typedef struct {
    uint64_t s;
} pb_rng;
uint64_t pb_u64(pb_rng *r);
double pb_unif(pb_rng *r); /* [0, 1) */

/* The starting point of seed s: uniform in [-2, 2]^D. */
void pb_x0(uint64_t seed, double x0[PB_D]);

/* Gradient of sample j (j < 0: the full gradient, the mean over samples) at
 * x, in binary64. */
void pb_grad(const problem *p, const double x[PB_D], int j, double g[PB_D]);

/* The same in MPFR at g's precision (x at any precision). */
void pb_grad_mp(const problem *p, mpfr_t *x, int j, mpfr_t *g);

#endif /* MADA_PROBLEMS_H */
