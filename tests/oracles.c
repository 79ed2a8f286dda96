/*
 * oracles.c -- see oracles.h.
 *
 * The type-generic part is a template: this file includes itself twice with
 * ORC_TEMPLATE defined, once per element type,
 *   ORC_T      float | double
 *   ORC_TN(x)  x##_f32 | x##_f64
 *   ORC_SQRT   sqrtf | sqrt   (IEEE, correctly rounded)
 * so that binary32 and binary64 run one text.  Build with -ffp-contract=off
 * (the project's flags): every operation below is one IEEE rounding, in the
 * order written.
 *
 * Nothing here calls or copies the library's element function or scalar
 * code; only the conventions of MADA-SPEC.md (sections 2-5, 9) are shared.
 */
#ifndef ORC_TEMPLATE

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oracles.h"

unsigned orc_state_mask(orc_kind k)
{
    switch (k) {
    case ORC_ADAM: return ORC_HAS_M | ORC_HAS_V;
    case ORC_AMSGRAD: return ORC_HAS_M | ORC_HAS_V | ORC_HAS_VB;
    case ORC_AVGRAD: return ORC_HAS_M | ORC_HAS_V | ORC_HAS_VB;
    case ORC_YOGI: return ORC_HAS_M | ORC_HAS_V;
    case ORC_ADAN: return ORC_HAS_M | ORC_HAS_V | ORC_HAS_N | ORC_HAS_GP;
    case ORC_LION: return ORC_HAS_L;
    default: return 0;
    }
}

const char *orc_name(orc_kind k)
{
    switch (k) {
    case ORC_ADAM: return "Adam";
    case ORC_AMSGRAD: return "AMSGrad";
    case ORC_AVGRAD: return "AVGrad";
    case ORC_YOGI: return "Yogi";
    case ORC_ADAN: return "Adan";
    case ORC_LION: return "Lion";
    default: return "?";
    }
}

/* 1 - beta^t in binary64 by rule r (oracles.h). */
static double orc_one_minus_pow(double beta, uint64_t t, orc_bias_rule r)
{
    const double td = (double)t;
    if (r == ORC_BC_EXPM1 && beta >= 0.5) {
        /* beta^t = exp(t log(beta)) = exp(t log1p(beta - 1)); 1 - e^y = -expm1(y). */
        const double y = td * log1p(beta - 1.0);
        return -expm1(y);
    }
    return 1.0 - pow(beta, td);
}

#define ORC_TEMPLATE 1

#define ORC_T float
#define ORC_TN(x) x##_f32
#define ORC_SQRT sqrtf
#include "oracles.c"
#undef ORC_T
#undef ORC_TN
#undef ORC_SQRT

#define ORC_T double
#define ORC_TN(x) x##_f64
#define ORC_SQRT sqrt
#include "oracles.c"
#undef ORC_T
#undef ORC_TN
#undef ORC_SQRT

#else /* ORC_TEMPLATE: the body for one element type ORC_T */

/* ---- Per-step scalars ---------------------------------------------------------
 * Computed from the hyperparameters and t in binary64, each rounded once to
 * ORC_T (the rule of spec 4, written here independently; 1 - beta^t by the
 * rule hp->bias). */
typedef struct {
    ORC_T b1, omb1, b2, omb2, b3, omb3; /* decays and their complements       */
    ORC_T ib1, ib2;                     /* 1/(1 - beta1^t), 1/(1 - beta2^t)  */
    ORC_T wo, wn;                       /* (t-1)/t and 1/t: running mean     */
    ORC_T lb1, omlb1, lb2, omlb2;       /* Lion                              */
    ORC_T eps, lr, wd;                  /* wd = lr * lambda                  */
} ORC_TN(orc_sc);

static inline void ORC_TN(orc_scalars)(const orc_hparams *hp, uint64_t t, double lr,
                                       ORC_TN(orc_sc) *s)
{
    const double td = (double)t;
    const double bc1 = orc_one_minus_pow(hp->beta1, t, hp->bias); /* bias corrections */
    const double bc2 = orc_one_minus_pow(hp->beta2, t, hp->bias);
    s->b1 = (ORC_T)hp->beta1;
    s->omb1 = (ORC_T)(1.0 - hp->beta1);
    s->b2 = (ORC_T)hp->beta2;
    s->omb2 = (ORC_T)(1.0 - hp->beta2);
    s->b3 = (ORC_T)hp->beta3;
    s->omb3 = (ORC_T)(1.0 - hp->beta3);
    s->ib1 = (ORC_T)(1.0 / bc1);
    s->ib2 = (ORC_T)(1.0 / bc2);
    s->wo = (ORC_T)((td - 1.0) / td);
    s->wn = (ORC_T)(1.0 / td);
    s->lb1 = (ORC_T)hp->lb1;
    s->omlb1 = (ORC_T)(1.0 - hp->lb1);
    s->lb2 = (ORC_T)hp->lb2;
    s->omlb2 = (ORC_T)(1.0 - hp->lb2);
    s->eps = (ORC_T)hp->eps;
    s->lr = (ORC_T)lr;
    s->wd = (ORC_T)(lr * hp->lambda);
}

/* sign as -1, 0, +1 of type ORC_T; the sign of -0 is 0. */
static inline ORC_T ORC_TN(orc_sgn)(ORC_T z)
{
    if (z > (ORC_T)0)
        return (ORC_T)1;
    if (z < (ORC_T)0)
        return (ORC_T)-1;
    return (ORC_T)0;
}

/* Decoupled weight decay (Loshchilov & Hutter, AdamW): x - (lr*lambda) x,
 * not applied at all when the factor is 0. */
static inline ORC_T ORC_TN(orc_decay)(ORC_T x, ORC_T wd)
{
    return (wd != (ORC_T)0) ? x - wd * x : x;
}

/* ---- Adam (Kingma & Ba 2015, Algorithm 1) --------------------------------------
 *   m_t = beta1 m + (1 - beta1) g
 *   v_t = beta2 v + (1 - beta2) g^2
 *   x_t = x - lr * (m_t / (1 - beta1^t)) / (sqrt(v_t / (1 - beta2^t)) + eps)
 * with eps outside the root after bias correction, AdamW weight decay. */
void ORC_TN(orc_adam_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i];
        const ORC_T m1 = s.b1 * o->m[i] + s.omb1 * gi;
        const ORC_T v1 = s.b2 * o->v[i] + s.omb2 * (gi * gi);
        const ORC_T vh = v1 * s.ib2;
        const ORC_T D = ORC_SQRT(vh) + s.eps;
        const ORC_T mh = m1 * s.ib1;
        const ORC_T q = mh / D;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * q;
        o->m[i] = m1;
        o->v[i] = v1;
    }
    o->t = t;
}

/* ---- AMSGrad (Reddi, Kale & Kumar 2018), torch.optim.Adam(amsgrad=True) ------
 * Adam whose denominator uses the running maximum of the (uncorrected) second
 * moments, vb_t = max(vb_{t-1}, v_t), bias-corrected with 1/(1 - beta2^t). */
void ORC_TN(orc_amsgrad_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i];
        const ORC_T m1 = s.b1 * o->m[i] + s.omb1 * gi;
        const ORC_T v1 = s.b2 * o->v[i] + s.omb2 * (gi * gi);
        const ORC_T vb1 = (v1 > o->vb[i]) ? v1 : o->vb[i];
        const ORC_T vh = vb1 * s.ib2;
        const ORC_T D = ORC_SQRT(vh) + s.eps;
        const ORC_T mh = m1 * s.ib1;
        const ORC_T q = mh / D;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * q;
        o->m[i] = m1;
        o->v[i] = v1;
        o->vb[i] = vb1;
    }
    o->t = t;
}

/* ---- AVGrad (MADA paper, Ozkara et al. 2024) -----------------------------------
 * AMSGrad with the maximum replaced by the time average of v_1..v_t, kept as a
 * running mean vb_t = ((t-1)/t) vb_{t-1} + (1/t) v_t (weights rounded to T). */
void ORC_TN(orc_avgrad_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i];
        const ORC_T m1 = s.b1 * o->m[i] + s.omb1 * gi;
        const ORC_T v1 = s.b2 * o->v[i] + s.omb2 * (gi * gi);
        const ORC_T vb1 = s.wo * o->vb[i] + s.wn * v1;
        const ORC_T vh = vb1 * s.ib2;
        const ORC_T D = ORC_SQRT(vh) + s.eps;
        const ORC_T mh = m1 * s.ib1;
        const ORC_T q = mh / D;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * q;
        o->m[i] = m1;
        o->v[i] = v1;
        o->vb[i] = vb1;
    }
    o->t = t;
}

/* ---- Yogi (Zaheer, Reddi, Sachan, Kale & Kumar 2018) ---------------------------
 * The paper's additive second-moment update
 *   v_t = v - (1 - beta2) sgn(v - g^2) g^2
 * is written here in the algebraically equal form
 *   v_t = beta2 v + (1 - beta2) (v + g^2 s),   s = sgn(g^2 - v) = -sgn(v - g^2),
 * (beta2 v + (1 - beta2) v = v), which is the operation order MADA's spec 5
 * evaluates at c = 0: the order matters for the rounding, the value does not.
 * The rest is Adam (bias corrections as in the reference implementations). */
void ORC_TN(orc_yogi_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i], v = o->v[i];
        const ORC_T g2 = gi * gi;
        const ORC_T sg = ORC_TN(orc_sgn)(g2 - v);
        const ORC_T m1 = s.b1 * o->m[i] + s.omb1 * gi;
        const ORC_T v1 = s.b2 * v + s.omb2 * (v + g2 * sg);
        const ORC_T vh = v1 * s.ib2;
        const ORC_T D = ORC_SQRT(vh) + s.eps;
        const ORC_T mh = m1 * s.ib1;
        const ORC_T q = mh / D;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * q;
        o->m[i] = m1;
        o->v[i] = v1;
    }
    o->t = t;
}

/* ---- Adan (Xie, Zhou, Li, Lin & Yan 2022, Algorithm 1) -------------------------
 * Adan, in the "decay" convention and MADA's names (spec 3): Adan's
 * (beta1, beta2, beta3) are MADA's (beta1, beta3, beta2):
 *   d   = g - g_prev                       (g_prev = g_1 at t = 1, so d_1 = 0)
 *   m   = beta1 m + (1 - beta1) g
 *   n   = beta3 n + (1 - beta3) d          (Adan's difference moment "v")
 *   v   = beta2 v + (1 - beta2) (g + beta3 d)^2   (Adan's "n")
 *   x   = x - lr * (m/(1 - beta1^t) + beta3 n) / (sqrt(v/(1 - beta2^t)) + eps)
 * Bias correction on m and v, none on the difference moment n (as MADA; the
 * Adan paper corrects none, its code corrects all three).  Weight decay is the
 * decoupled x - lr*lambda*x of the other oracles, not Adan's proximal
 * x/(1 + lr*lambda). */
void ORC_TN(orc_adan_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i];
        const ORC_T gprev = (t == 1) ? gi : o->gp[i];
        const ORC_T d = gi - gprev;
        const ORC_T gh = gi + s.b3 * d;
        const ORC_T m1 = s.b1 * o->m[i] + s.omb1 * gi;
        const ORC_T v1 = s.b2 * o->v[i] + s.omb2 * (gh * gh);
        const ORC_T n1 = s.b3 * o->nd[i] + s.omb3 * d;
        const ORC_T vh = v1 * s.ib2;
        const ORC_T D = ORC_SQRT(vh) + s.eps;
        const ORC_T N = m1 * s.ib1 + s.b3 * n1;
        const ORC_T q = N / D;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * q;
        o->m[i] = m1;
        o->v[i] = v1;
        o->nd[i] = n1;
        o->gp[i] = gi;
    }
    o->t = t;
}

/* ---- Lion (Chen et al. 2023, "Symbolic discovery of optimization algorithms") --
 *   u = lb1 l + (1 - lb1) g;  x = x - lr (sign(u) + lambda x);
 *   l = lb2 l + (1 - lb2) g
 * with the weight decay applied first as x - (lr*lambda) x. */
void ORC_TN(orc_lion_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    const uint64_t t = o->t + 1;
    ORC_TN(orc_sc) s;
    ORC_TN(orc_scalars)(&o->hp, t, lr, &s);
    for (size_t i = 0; i < o->n; i++) {
        const ORC_T gi = g[i], l = o->l[i];
        const ORC_T u = s.lb1 * l + s.omlb1 * gi;
        const ORC_T x1 = ORC_TN(orc_decay)(o->x[i], s.wd);
        o->x[i] = x1 - s.lr * ORC_TN(orc_sgn)(u);
        o->l[i] = s.lb2 * l + s.omlb2 * gi;
    }
    o->t = t;
}

/* ---- Instances ------------------------------------------------------------------- */
void ORC_TN(orc_free)(ORC_TN(orc) *o)
{
    free(o->x);
    free(o->m);
    free(o->v);
    free(o->vb);
    free(o->nd);
    free(o->gp);
    free(o->l);
    o->x = o->m = o->v = o->vb = o->nd = o->gp = o->l = NULL;
}

int ORC_TN(orc_init)(ORC_TN(orc) *o, orc_kind kind, const orc_hparams *hp, size_t n,
                     const ORC_T *x0)
{
    const unsigned mask = orc_state_mask(kind);
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->hp = *hp;
    o->n = n;
    o->t = 0;
    int ok = (o->x = calloc(n, sizeof(ORC_T))) != NULL;
#define ORC_ALLOC(FLAG, P)                                                           \
    if (ok && (mask & (FLAG)))                                                       \
        ok = ((P) = calloc(n, sizeof(ORC_T))) != NULL;
    ORC_ALLOC(ORC_HAS_M, o->m)
    ORC_ALLOC(ORC_HAS_V, o->v)
    ORC_ALLOC(ORC_HAS_VB, o->vb)
    ORC_ALLOC(ORC_HAS_N, o->nd)
    ORC_ALLOC(ORC_HAS_GP, o->gp)
    ORC_ALLOC(ORC_HAS_L, o->l)
#undef ORC_ALLOC
    if (!ok || mask == 0) {
        ORC_TN(orc_free)(o);
        return -1;
    }
    memcpy(o->x, x0, n * sizeof(ORC_T));
    return 0;
}

void ORC_TN(orc_step)(ORC_TN(orc) *o, const ORC_T *g, double lr)
{
    switch (o->kind) {
    case ORC_ADAM: ORC_TN(orc_adam_step)(o, g, lr); break;
    case ORC_AMSGRAD: ORC_TN(orc_amsgrad_step)(o, g, lr); break;
    case ORC_AVGRAD: ORC_TN(orc_avgrad_step)(o, g, lr); break;
    case ORC_YOGI: ORC_TN(orc_yogi_step)(o, g, lr); break;
    case ORC_ADAN: ORC_TN(orc_adan_step)(o, g, lr); break;
    case ORC_LION: ORC_TN(orc_lion_step)(o, g, lr); break;
    default: break;
    }
}

#endif /* ORC_TEMPLATE */
