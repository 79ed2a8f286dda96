/*
 * oracles.h -- standalone reference optimizers for the special-point tests
 * (MADA-SPEC.md section 3): Adam, AMSGrad, AVGrad, Yogi, Adan and Lion, each
 * written from its own paper's update rule, in binary32 and binary64.
 *
 * They share nothing with the library's element kernel (ref/element_impl.h)
 * or its per-step scalars (ref/scalars.c): every oracle computes its own
 * per-step scalars in binary64 (with pow) and rounds each once to its element
 * type, as spec 4 prescribes, and evaluates its update with one IEEE rounding
 * per operation in the operation order of spec 5 restricted to that optimizer.
 * Spec 3 claims that at a special point the MADA kernel then produces the same
 * values (up to the sign of zero); tests/test_special.c checks that claim.
 *
 * Conventions shared with the spec (so that the comparison is meaningful):
 *   - all state starts at zero; t counts completed steps, the first step is
 *     t = 1;
 *   - bias corrections 1/(1 - beta^t) are applied after the moment update,
 *     eps is added outside the square root;
 *   - weight decay is decoupled (AdamW style) with factor wd = lr * lambda:
 *     x1 = x - wd*x (skipped when wd rounds to 0), then x' = x1 - lr*dir;
 *   - Adan uses MADA's (beta1, beta2, beta3) naming, see oracles.c.
 */
#ifndef MADA_ORACLES_H
#define MADA_ORACLES_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    ORC_ADAM = 0,
    ORC_AMSGRAD,
    ORC_AVGRAD,
    ORC_YOGI,
    ORC_ADAN,
    ORC_LION,
    ORC_NKIND
} orc_kind;

/* How the oracle evaluates the bias-correction denominators 1 - beta^t in
 * binary64 (spec 4 gives the formula, not its evaluation; the two rules give
 * different binary64 values, e.g. beta = 0.999, t = 2: 1/(1 - beta^t) differs
 * by 126 ulps, while rounded to binary32 they agree for the betas and t of the
 * tests).
 *   ORC_BC_POW    1 - pow(beta, t), the spec's formula read literally;
 *   ORC_BC_EXPM1  for beta >= 1/2, -expm1(t * log1p(beta - 1)) (beta - 1 is
 *                 exact there, so no cancellation), else 1 - pow(beta, t):
 *                 the library's documented choice (docs/DECISIONS.md D4). */
typedef enum { ORC_BC_POW = 0, ORC_BC_EXPM1 = 1 } orc_bias_rule;

/* Hyperparameters, binary64 as configured (the oracle rounds them itself).
 *   beta1, beta2  first- and second-moment decays (Adam family, Adan);
 *   beta3         Adan's gradient-difference decay (MADA convention);
 *   lb1, lb2      Lion's interpolation and momentum decays;
 *   eps           added to the root of the bias-corrected second moment;
 *   lambda        decoupled weight decay (factor lr * lambda per step);
 *   bias          evaluation of 1 - beta^t (above). */
typedef struct {
    double beta1, beta2, beta3;
    double lb1, lb2;
    double eps;
    double lambda;
    orc_bias_rule bias;
} orc_hparams;

/* Which state arrays an oracle keeps (bit mask of ORC_HAS_*). */
enum {
    ORC_HAS_M = 1u << 0,  /* first moment                     */
    ORC_HAS_V = 1u << 1,  /* second moment                    */
    ORC_HAS_VB = 1u << 2, /* AMSGrad maximum / AVGrad average */
    ORC_HAS_N = 1u << 3,  /* Adan gradient-difference moment  */
    ORC_HAS_GP = 1u << 4, /* Adan previous gradient           */
    ORC_HAS_L = 1u << 5   /* Lion momentum                    */
};
unsigned orc_state_mask(orc_kind k);
const char *orc_name(orc_kind k);

/* One oracle instance over n elements of T.  Arrays the kind does not keep
 * are NULL.  t is the number of completed steps. */
#define ORC_DECLARE(T, SFX)                                                        \
    typedef struct {                                                               \
        orc_kind kind;                                                             \
        orc_hparams hp;                                                            \
        size_t n;                                                                  \
        uint64_t t;                                                                \
        T *x, *m, *v, *vb, *nd, *gp, *l;                                           \
    } orc_##SFX;                                                                   \
    /* x0: initial parameters (copied).  Returns 0, or -1 on allocation failure  \
     * (then nothing stays allocated). */                                          \
    int orc_init_##SFX(orc_##SFX *o, orc_kind kind, const orc_hparams *hp, size_t n, \
                       const T *x0);                                               \
    void orc_free_##SFX(orc_##SFX *o);                                             \
    /* One step with gradient g (evaluated at the current x) and learning rate   \
     * lr, dispatched to the kind's own update below. */                          \
    void orc_step_##SFX(orc_##SFX *o, const T *g, double lr);                      \
    void orc_adam_step_##SFX(orc_##SFX *o, const T *g, double lr);                 \
    void orc_amsgrad_step_##SFX(orc_##SFX *o, const T *g, double lr);              \
    void orc_avgrad_step_##SFX(orc_##SFX *o, const T *g, double lr);               \
    void orc_yogi_step_##SFX(orc_##SFX *o, const T *g, double lr);                 \
    void orc_adan_step_##SFX(orc_##SFX *o, const T *g, double lr);                 \
    void orc_lion_step_##SFX(orc_##SFX *o, const T *g, double lr);

ORC_DECLARE(float, f32)
ORC_DECLARE(double, f64)
#undef ORC_DECLARE

#endif /* MADA_ORACLES_H */
