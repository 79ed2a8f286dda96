/*
 * element_impl.h -- the element kernel of spec 5 and the partials of spec 6,
 * for one element type.  This file is a template: it is included once per
 * type by ref/mada_internal.h with
 *   MADA_T     float | double
 *   MADA_TN(x) x##_f32 | x##_f64   (names)
 *   MADA_SQRT  sqrtf | sqrt        (IEEE, correctly rounded)
 * defined.  The same text compiles as C11 and, with MADA_HD expanding to
 * __host__ __device__, as CUDA: every backend runs this one definition.
 *
 * Every line evaluates exactly as the spec parenthesises it, one rounding per
 * operation; the build forbids contraction (-ffp-contract=off, -fmad=false).
 * Pointers are read into locals first and floats are touched only in small
 * pure functions, so the proofs (proofs/) reason about one at a time.
 */

/* Per-step scalars of spec 4, rounded once from binary64 to MADA_T. */
typedef struct {
    MADA_T b1, omb1, b2, omb2, b3, omb3;
    MADA_T rh, omrh, c, omc, gm, omgm;
    MADA_T ib1, ib2, kb1, kb2, kc;
    MADA_T wo, wn;
    MADA_T lb1, omlb1, lb2, omlb2;
    MADA_T eps, lr, wd;
} MADA_TN(mada_scalars);

/* The previous state of one element and its gradient. */
typedef struct {
    MADA_T x, g, gp, m, v, vb, n, l;
} MADA_TN(mada_elem_in);

/* Every intermediate of spec 5, named as there.  The new state is
 * (x2, m1, v1, vb1, n1, l1) and gp' = g. */
typedef struct {
    MADA_T d, gh, gh2, s, gt2, m1, v1, n1, vb1, P, vh, r, D, mh, N, q;
    MADA_T u, l1, su, upd, x1, x2;
} MADA_TN(mada_elem_mid);

/* sgn as a value -1, 0, +1 of the element type; sgn(-0) = sgn(+0) = 0. */
static inline MADA_HD MADA_T MADA_TN(mada_sgn)(MADA_T z)
{
    return (z > (MADA_T)0) ? (MADA_T)1 : ((z < (MADA_T)0) ? (MADA_T)-1 : (MADA_T)0);
}

/* The interpolation pattern a*x + b*y, evaluated as written. */
static inline MADA_HD MADA_T MADA_TN(mada_mix)(MADA_T a, MADA_T x, MADA_T b, MADA_T y)
{
    return a * x + b * y;
}

/* Spec 5, one element.  vbar_max selects MAX (else AVG); lion_compat selects
 * the released code's Lion direction u = lb1*l1 + omlb1*g (spec 9). */
static inline MADA_HD void MADA_TN(mada_element)(const MADA_TN(mada_scalars) *s,
                                                 int vbar_max, int lion_compat,
                                                 const MADA_TN(mada_elem_in) *in,
                                                 MADA_TN(mada_elem_mid) *o)
{
    const MADA_T x = in->x, g = in->g, gp = in->gp, m = in->m, v = in->v;
    const MADA_T vb = in->vb, n = in->n, l = in->l;

    o->d = g - gp;
    o->gh = g + s->b3 * o->d;
    o->gh2 = o->gh * o->gh;
    o->s = MADA_TN(mada_sgn)(o->gh2 - v);
    o->gt2 = s->c * o->gh2 + s->omc * (v + o->gh2 * o->s);
    o->m1 = MADA_TN(mada_mix)(s->b1, m, s->omb1, g);
    o->v1 = MADA_TN(mada_mix)(s->b2, v, s->omb2, o->gt2);
    o->n1 = MADA_TN(mada_mix)(s->b3, n, s->omb3, o->d);
    o->vb1 = vbar_max ? ((o->v1 > vb) ? o->v1 : vb)
                      : MADA_TN(mada_mix)(s->wo, vb, s->wn, o->v1);
    o->P = MADA_TN(mada_mix)(s->rh, o->v1, s->omrh, o->vb1);
    o->vh = o->P * s->ib2;
    o->r = MADA_SQRT(o->vh);
    o->D = o->r + s->eps;
    o->mh = o->m1 * s->ib1;
    o->N = o->mh + s->b3 * o->n1;
    o->q = o->N / o->D;
    o->l1 = MADA_TN(mada_mix)(s->lb2, l, s->omlb2, g);
    o->u = MADA_TN(mada_mix)(s->lb1, lion_compat ? o->l1 : l, s->omlb1, g);
    o->su = MADA_TN(mada_sgn)(o->u);
    o->upd = MADA_TN(mada_mix)(s->gm, o->q, s->omgm, o->su);
    o->x1 = (s->wd != (MADA_T)0) ? x - s->wd * x : x;
    o->x2 = o->x1 - s->lr * o->upd;
}

/* Spec 6: the partial derivatives of the update direction with respect to
 * (beta1, beta2, beta3, rho, c, gamma), from the intermediates of one element. */
static inline MADA_HD void MADA_TN(mada_partials)(const MADA_TN(mada_scalars) *s,
                                                  const MADA_TN(mada_elem_in) *in,
                                                  const MADA_TN(mada_elem_mid) *o,
                                                  MADA_T p[6])
{
    const MADA_T g = in->g, m = in->m, v = in->v, n = in->n;
    const MADA_T A = (o->r > (MADA_T)0) ? (s->gm * o->q) / ((o->r + o->r) * o->D) : (MADA_T)0;
    const MADA_T gD = s->gm / o->D;

    p[0] = gD * ((m - g) * s->ib1 + o->m1 * s->kb1);
    p[1] = -(A * ((s->rh * (v - o->gt2)) * s->ib2 + o->P * s->kb2));
    p[2] = gD * (o->n1 + s->b3 * (n - o->d))
           - A * (s->kc * ((s->c + s->omc * o->s) * ((o->gh + o->gh) * o->d)));
    p[3] = -(A * ((o->v1 - o->vb1) * s->ib2));
    p[4] = -(A * (s->kc * ((o->gh2 - v) - o->s * o->gh2)));
    p[5] = o->q - o->su;
}
