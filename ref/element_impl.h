/*
 * element_impl.h -- the element kernel of spec 5 and the partials of spec 6,
 * for one element type, with their ACSL contracts.  This file is a template:
 * it is included once per type by ref/mada_internal.h with
 *   MADA_T     float | double
 *   MADA_TN(x) x##_f32 | x##_f64   (names, also inside the annotations)
 *   MADA_SQRT  the correctly rounded square root of the type
 * defined.  The same text compiles as C11 and, with MADA_HD expanding to
 * __host__ __device__, as CUDA: every backend runs this one definition.
 *
 * Every line evaluates as the spec parenthesises it, one rounding per
 * operation; the build forbids contraction (-ffp-contract=off, -fmad=false).
 * Three places are written in a value-identical form that the provers can
 * follow (docs/DECISIONS.md D15):
 *   s = sgn(gh2 - v)   by comparing gh2 with v: for finite operands IEEE
 *                      subtraction is zero only for equal operands and has
 *                      the sign of the exact difference;
 *   y = v + gh2*s      as v + gh2, v - gh2 or v for gh2 > v, gh2 < v, gh2 == v:
 *                      x*1 = x, x*(-1) = -x exactly, and v + gh2*0 = v + (+0)
 *                      = v for v >= +0 and gh2 >= +0;
 *   su = sgn(u)        by comparing u with 0.
 * The data are passed and returned by value, so the float goals of the
 * proofs mention no memory.  MADA_EQ is ACSL's IEEE equality of the type
 * (\eq_float, \eq_double): the special-point identities are stated with it
 * (equal as IEEE values, -0 == +0), which the SMT provers decide in their
 * floating-point theory.
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

/* sgn(gh2 - v) and the Yogi term v + gh2*s. */
typedef struct {
    MADA_T s, y;
} MADA_TN(mada_yogi);

/* The moments (first part of spec 5); y is the Yogi term v + gh2*s. */
typedef struct {
    MADA_T d, gh, gh2, s, y, gt2, m1, v1, n1, vb1;
} MADA_TN(mada_moments);

/* The Adam-family direction (second part). */
typedef struct {
    MADA_T P, vh, r, D, mh, N, q;
} MADA_TN(mada_direction);

/* The Lion direction and the parameter update (third part). */
typedef struct {
    MADA_T u, l1, su, upd, x1, x2;
} MADA_TN(mada_update);

/* The partials of spec 6, one per coefficient. */
typedef struct {
    MADA_T b1, b2, b3, rho, c, gm;
} MADA_TN(mada_partial);

/* Every intermediate of spec 5, named as there.  The new state is
 * (x2, m1, v1, vb1, n1, l1) and gp' = g. */
typedef struct {
    MADA_T d, gh, gh2, s, gt2, m1, v1, n1, vb1, P, vh, r, D, mh, N, q;
    MADA_T u, l1, su, upd, x1, x2;
} MADA_TN(mada_elem_mid);

/*@ predicate MADA_TN(mada_fin)(MADA_T a, real lo, real hi) =
        \is_finite(a) && lo <= a <= hi;

    // The per-step scalars as ref/scalars.c produces them from a configuration
    // that passed mada_config_check() (proved in ref/scalars.c).
    predicate MADA_TN(mada_scalars_ok)(MADA_TN(mada_scalars) s) =
        MADA_TN(mada_fin)(s.b1, 0.0, MADA_BETA_MAX) && MADA_TN(mada_fin)(s.omb1, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.b2, 0.0, MADA_BETA_MAX) && MADA_TN(mada_fin)(s.omb2, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.b3, 0.0, MADA_BETA_MAX) && MADA_TN(mada_fin)(s.omb3, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.rh, 0.0, 1.0) && MADA_TN(mada_fin)(s.omrh, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.c, 0.0, 1.0) && MADA_TN(mada_fin)(s.omc, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.gm, 0.0, 1.0) && MADA_TN(mada_fin)(s.omgm, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.ib1, 1.0, MADA_IB_MAX) && MADA_TN(mada_fin)(s.ib2, 1.0, MADA_IB_MAX) &&
        MADA_TN(mada_fin)(s.wo, 0.0, 1.0) && MADA_TN(mada_fin)(s.wn, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.lb1, 0.0, MADA_BETA_MAX) && MADA_TN(mada_fin)(s.omlb1, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.lb2, 0.0, MADA_BETA_MAX) && MADA_TN(mada_fin)(s.omlb2, 0.0, 1.0) &&
        MADA_TN(mada_fin)(s.eps, MADA_EPS_MIN, MADA_EPS_MAX) &&
        MADA_TN(mada_fin)(s.lr, 0.0, MADA_LR_MAX) && MADA_TN(mada_fin)(s.wd, 0.0, 1.0);

    // One element's inputs: gradient and parameter as mada_step() checks them,
    // the state as the step keeps it (mada_internal.h: MADA_S_MAX, MADA_V_MAX).
    predicate MADA_TN(mada_in_ok)(MADA_TN(mada_elem_in) e) =
        MADA_TN(mada_fin)(e.x, -MADA_XMAX, MADA_XMAX) &&
        MADA_TN(mada_fin)(e.g, -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(e.gp, -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(e.m, -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(e.v, 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(e.vb, 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(e.n, -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(e.l, -MADA_S_MAX, MADA_S_MAX);
*/

#ifdef __FRAMAC__
/* Axiom (proofs/README.md): the C library's square root is IEEE 754's,
 * correctly rounded; WP sees only this contract. */
/*@ requires \is_finite(x) && x >= 0.0;
    exits \false;
    assigns \result \from x;
    ensures finite: \is_finite(\result);
    ensures nonneg: \result >= 0.0;
    ensures rounded: \result == (MADA_T)\sqrt(x);
    ensures monotone: x <= 0x1p124 ==> \result <= 0x1p62;
*/
MADA_T MADA_TN(mada_sqrt)(MADA_T x);
#else
static inline MADA_HD MADA_T MADA_TN(mada_sqrt)(MADA_T x)
{
    return MADA_SQRT(x);
}
#endif

/* The interpolation a*x + b*y of spec 5, evaluated as written.  Its contract
 * carries the special-point identities (1*x + 0*y == x, 0*x + 1*y == y as
 * IEEE values) and the ranges of each place the kernel uses it. */
/*@ requires \is_finite(a) && \is_finite(b) && \is_finite(x) && \is_finite(y);
    requires 0.0 <= a <= 1.0 && 0.0 <= b <= 1.0;
    requires -0x1.1p126 <= x <= 0x1.1p126 && -0x1p110 <= y <= 0x1p110;
    exits \false;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures one: MADA_EQ(a, (MADA_T)1.0) && MADA_EQ(b, (MADA_T)0.0) ==> MADA_EQ(\result, x);
    ensures other: MADA_EQ(a, (MADA_T)0.0) && MADA_EQ(b, (MADA_T)1.0) ==> MADA_EQ(\result, y);
    ensures ema: a <= MADA_BETA_MAX && -MADA_S_MAX <= x <= MADA_S_MAX &&
                 -2.0 * MADA_GMAX <= y <= 2.0 * MADA_GMAX ==>
                 -MADA_S_MAX <= \result <= MADA_S_MAX;
    ensures gt2: 0.0 <= x <= 0x1.21p67 && 0.0 <= y <= 0x1.0001p100 ==>
                 0.0 <= \result <= 0x1.01p100;
    ensures v1: 0.0 <= x <= MADA_V_MAX && 0.0 <= y <= 0x1.01p100 ==>
                0.0 <= \result <= 0x1.01p101;
    ensures vb1: 0.0 <= x <= MADA_V_MAX && 0.0 <= y <= 0x1.01p101 ==>
                 0.0 <= \result <= 0x1.9p101;
    ensures P: 0.0 <= x <= 0x1.01p101 && 0.0 <= y <= 0x1.9p101 ==>
               0.0 <= \result <= 0x1.5p102;
    ensures upd: -0x1.0004p126 <= x <= 0x1.0004p126 && -1.0 <= y <= 1.0 ==>
                 -0x1.0005p126 <= \result <= 0x1.0005p126;
    check ensures real_formula: \result == a * x + b * y;
*/
static inline MADA_HD MADA_T MADA_TN(mada_lerp)(MADA_T a, MADA_T x, MADA_T b, MADA_T y)
{
    return a * x + b * y;
}

/* x + b*y (gh = g + b3*d and N = mh + b3*n1), evaluated as written. */
/*@ requires \is_finite(x) && \is_finite(b) && \is_finite(y) && 0.0 <= b <= 1.0;
    requires -0x1.0003p74 <= x <= 0x1.0003p74 && -MADA_S_MAX <= y <= MADA_S_MAX;
    exits \false;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures zero: MADA_EQ(b, (MADA_T)0.0) ==> MADA_EQ(\result, x);
    ensures gh: -MADA_GMAX <= x <= MADA_GMAX && -2.0 * MADA_GMAX <= y <= 2.0 * MADA_GMAX ==>
                -0x1.8001p33 <= \result <= 0x1.8001p33;
    ensures N: -0x1.0002p74 <= x <= 0x1.0002p74 ==> -0x1.0003p74 <= \result <= 0x1.0003p74;
    check ensures real_formula: \result == x + b * y;
*/
static inline MADA_HD MADA_T MADA_TN(mada_axpy)(MADA_T x, MADA_T b, MADA_T y)
{
    return x + b * y;
}

/* g * g for the compat initial n (spec 9). */
/*@ requires MADA_TN(mada_fin)(g, -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
    exits \false;
    assigns \nothing;
    ensures MADA_TN(mada_fin)(\result, 0.0, MADA_S_MAX);
*/
static inline MADA_HD MADA_T MADA_TN(mada_square)(MADA_T g)
{
    return g * g;
}

/* The larger of two non-negative values (for the kernel's running maximum). */
/*@ requires MADA_TN(mada_fin)(a, 0.0, 0x1.9p101) && MADA_TN(mada_fin)(b, 0.0, 0x1.9p101);
    exits \false;
    assigns \nothing;
    ensures MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures \result >= a && \result >= b;
    ensures one_of: \result == a || \result == b;
*/
static inline MADA_HD MADA_T MADA_TN(mada_max)(MADA_T a, MADA_T b)
{
    if (a > b)
        return a;
    return b;
}

/* s = sgn(gh2 - v) and the Yogi term y = v + gh2*s (spec 5), in the
 * value-identical comparison form (header comment). */
/*@ requires MADA_TN(mada_fin)(gh2, 0.0, 0x1.21p67) && MADA_TN(mada_fin)(v, 0.0, MADA_V_MAX);
    exits \false;
    assigns \nothing;
    ensures s: \is_finite(\result.s) && -1.0 <= \result.s <= 1.0;
    ensures s_pos: gh2 > v ==> \result.s == 1.0;
    ensures s_neg: gh2 < v ==> \result.s == -1.0;
    ensures s_zero: gh2 == v ==> \result.s == 0.0;
    ensures y: MADA_TN(mada_fin)(\result.y, 0.0, 0x1.0001p100);
*/
static inline MADA_HD MADA_TN(mada_yogi) MADA_TN(mada_yogi_term)(MADA_T gh2, MADA_T v)
{
    MADA_TN(mada_yogi) o;
    if (gh2 > v) {
        o.s = (MADA_T)1;
        o.y = v + gh2;
    } else if (gh2 < v) {
        o.s = (MADA_T)-1;
        o.y = v - gh2;
    } else {
        o.s = (MADA_T)0;
        o.y = v;
    }
    return o;
}

/* vbar' (spec 5): MAX max(v1, vb), AVG wo*vb + wn*v1. */
/*@ requires vbar_w: \is_finite(wo) && \is_finite(wn) && 0.0 <= wo <= 1.0 && 0.0 <= wn <= 1.0;
    requires vbar_in: MADA_TN(mada_fin)(vb, 0.0, MADA_V_MAX) && MADA_TN(mada_fin)(v1, 0.0, 0x1.01p101);
    exits \false;
    assigns \nothing;
    ensures range: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures max: vbar_max ==> \result >= vb && \result >= v1;
*/
static inline MADA_HD MADA_T MADA_TN(mada_vbar)(int vbar_max, MADA_T wo, MADA_T vb, MADA_T wn,
                                                MADA_T v1)
{
    if (vbar_max)
        return MADA_TN(mada_max)(v1, vb);
    return MADA_TN(mada_lerp)(wo, vb, wn, v1);
}

/* sgn(u) (spec 5) as a value of the type, by comparison with 0. */
/*@ requires MADA_TN(mada_fin)(u, -MADA_S_MAX, MADA_S_MAX);
    exits \false;
    assigns \nothing;
    ensures \is_finite(\result) && -1.0 <= \result <= 1.0;
    ensures pos: u > 0.0 ==> \result == 1.0;
    ensures neg: u < 0.0 ==> \result == -1.0;
    ensures zero: u == 0.0 ==> \result == 0.0;
*/
static inline MADA_HD MADA_T MADA_TN(mada_sgn)(MADA_T u)
{
    if (u > (MADA_T)0)
        return (MADA_T)1;
    if (u < (MADA_T)0)
        return (MADA_T)-1;
    return (MADA_T)0;
}

/* a if c, else b (the Lion state the direction uses, spec 9). */
/*@ requires MADA_TN(mada_fin)(a, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(b, -MADA_S_MAX, MADA_S_MAX);
    exits \false;
    assigns \nothing;
    ensures MADA_TN(mada_fin)(\result, -MADA_S_MAX, MADA_S_MAX);
    ensures chosen: (c != 0 ==> \result == a) && (c == 0 ==> \result == b);
*/
static inline MADA_HD MADA_T MADA_TN(mada_pick)(int c, MADA_T a, MADA_T b)
{
    if (c)
        return a;
    return b;
}

/* x1 = (wd != 0) ? x - wd*x : x (spec 5, decoupled weight decay). */
/*@ requires MADA_TN(mada_fin)(x, -MADA_XMAX, MADA_XMAX);
    requires MADA_TN(mada_fin)(wd, 0.0, 1.0);
    exits \false;
    assigns \nothing;
    ensures MADA_TN(mada_fin)(\result, -0x1p101, 0x1p101);
    ensures no_decay: MADA_EQ(wd, (MADA_T)0.0) ==> MADA_EQ(\result, x);
    check ensures real_formula: \result == x - wd * x;
*/
static inline MADA_HD MADA_T MADA_TN(mada_decay)(MADA_T x, MADA_T wd)
{
    if (wd != (MADA_T)0)
        return x - wd * x;
    return x;
}

/* q = N / D (spec 5). */
/*@ requires ratio_num: MADA_TN(mada_fin)(N, -0x1.0003p74, 0x1.0003p74);
    requires ratio_den: MADA_TN(mada_fin)(D, MADA_EPS_MIN, 0x1.01p62);
    exits \false;
    assigns \nothing;
    ensures MADA_TN(mada_fin)(\result, -0x1.0004p126, 0x1.0004p126);
    check ensures real_formula: \result == N / D;
*/
static inline MADA_HD MADA_T MADA_TN(mada_ratio)(MADA_T N, MADA_T D)
{
    return N / D;
}

/* ---- The lean choices of spec 5.1, one small function each -----------------
 * Each evaluates one full line of spec 5 or, where a lean part is in force,
 * its replacement, so that the step functions below stay straight-line (a
 * branch there would split every one of their goals). */

/* d and gh: d = g - gp, gh = g + b3*d; no Adan term: gh = g (d not computed,
 * +0). */
typedef struct {
    MADA_T d, gh;
} MADA_TN(mada_adan);

/*@ requires \is_finite(b3) && 0.0 <= b3 <= 1.0;
    requires MADA_TN(mada_fin)(g, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(gp, -MADA_GMAX, MADA_GMAX);
    exits \false;
    assigns \nothing;
    ensures d: MADA_TN(mada_fin)(\result.d, -2.0 * MADA_GMAX, 2.0 * MADA_GMAX);
    ensures gh: MADA_TN(mada_fin)(\result.gh, -0x1.8001p33, 0x1.8001p33);
    ensures adan_free: MADA_EQ(b3, (MADA_T)0.0) ==> MADA_EQ(\result.gh, g);
    ensures lean: lean ==> \result.gh == g && \result.d == 0.0;
    check ensures real_formula_d: !lean ==> \result.d == g - gp;
    check ensures real_formula_gh: \result.gh == (lean ? g : g + b3 * (g - gp));
*/
static inline MADA_HD MADA_TN(mada_adan) MADA_TN(mada_adan_gh)(int lean, MADA_T b3, MADA_T g,
                                                              MADA_T gp)
{
    MADA_TN(mada_adan) o;
    if (lean) {
        o.d = (MADA_T)0;
        o.gh = g; /* 5.1 */
    } else {
        o.d = g - gp;
        o.gh = MADA_TN(mada_axpy)(g, b3, o.d);
    }
    return o;
}

/* s, y and gt2: s = sgn(gh2 - v), y = v + gh2*s, gt2 = c*gh2 + omc*y; no
 * Yogi term: gt2 = gh2 (s and y not computed, +0). */
typedef struct {
    MADA_T s, y, gt2;
} MADA_TN(mada_gt2);

/*@ requires \is_finite(c) && \is_finite(omc) && 0.0 <= c <= 1.0 && 0.0 <= omc <= 1.0;
    requires MADA_TN(mada_fin)(gh2, 0.0, 0x1.21p67) && MADA_TN(mada_fin)(v, 0.0, MADA_V_MAX);
    exits \false;
    assigns \nothing;
    ensures s: \is_finite(\result.s) && -1.0 <= \result.s <= 1.0;
    ensures y: MADA_TN(mada_fin)(\result.y, 0.0, 0x1.0001p100);
    ensures gt2: MADA_TN(mada_fin)(\result.gt2, 0.0, 0x1.01p100);
    ensures adam_c: MADA_EQ(c, (MADA_T)1.0) && MADA_EQ(omc, (MADA_T)0.0)
                    ==> MADA_EQ(\result.gt2, gh2);
    ensures yogi_c: !lean && MADA_EQ(c, (MADA_T)0.0) && MADA_EQ(omc, (MADA_T)1.0)
                    ==> MADA_EQ(\result.gt2, \result.y);
    ensures lean: lean ==> \result.gt2 == gh2 && \result.s == 0.0;
    check ensures real_formula_s: !lean ==> \result.s == (gh2 > v ? 1.0 : gh2 < v ? -1.0 : 0.0);
    check ensures real_formula_y: !lean ==> \result.y == v + gh2 * \result.s;
    check ensures real_formula_gt2: \result.gt2 == (lean ? gh2 : c * gh2 + omc * \result.y);
*/
static inline MADA_HD MADA_TN(mada_gt2) MADA_TN(mada_yogi_gt2)(int lean, MADA_T c, MADA_T omc,
                                                              MADA_T gh2, MADA_T v)
{
    MADA_TN(mada_gt2) o;
    if (lean) {
        o.s = (MADA_T)0;
        o.y = (MADA_T)0;
        o.gt2 = gh2; /* 5.1 */
    } else {
        const MADA_TN(mada_yogi) ys = MADA_TN(mada_yogi_term)(gh2, v);
        o.s = ys.s;
        o.y = ys.y;
        o.gt2 = MADA_TN(mada_lerp)(c, gh2, omc, o.y);
    }
    return o;
}

/* n1 = b3*n + omb3*d; no Adan term: not computed (+0). */
/*@ requires \is_finite(b3) && \is_finite(omb3) && 0.0 <= b3 <= MADA_BETA_MAX &&
             0.0 <= omb3 <= 1.0;
    requires MADA_TN(mada_fin)(n, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(d, -2.0 * MADA_GMAX, 2.0 * MADA_GMAX);
    exits \false;
    assigns \nothing;
    ensures n1: MADA_TN(mada_fin)(\result, -MADA_S_MAX, MADA_S_MAX);
    ensures lean: lean ==> \result == 0.0;
    check ensures real_formula_n1: !lean ==> \result == b3 * n + omb3 * d;
*/
static inline MADA_HD MADA_T MADA_TN(mada_adan_n1)(int lean, MADA_T b3, MADA_T omb3, MADA_T n,
                                                   MADA_T d)
{
    if (lean)
        return (MADA_T)0;
    return MADA_TN(mada_lerp)(b3, n, omb3, d);
}

/* vb1 (mada_vbar); no average: not computed (+0). */
/*@ requires vbar_w: \is_finite(wo) && \is_finite(wn) && 0.0 <= wo <= 1.0 && 0.0 <= wn <= 1.0;
    requires vbar_in: MADA_TN(mada_fin)(vb, 0.0, MADA_V_MAX) &&
                      MADA_TN(mada_fin)(v1, 0.0, 0x1.01p101);
    exits \false;
    assigns \nothing;
    ensures range: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures max: !lean && vbar_max ==> \result >= vb && \result >= v1;
    ensures lean: lean ==> \result == 0.0;
    check ensures real_formula_vb1_avg: !lean && !vbar_max ==> \result == wo * vb + wn * v1;
    check ensures real_formula_vb1_max: !lean && vbar_max ==> \result == \max(vb, v1);
*/
static inline MADA_HD MADA_T MADA_TN(mada_avg_vb1)(int lean, int vbar_max, MADA_T wo, MADA_T vb,
                                                   MADA_T wn, MADA_T v1)
{
    if (lean)
        return (MADA_T)0;
    return MADA_TN(mada_vbar)(vbar_max, wo, vb, wn, v1);
}

/* P = rh*v1 + omrh*vb1; no average: P = v1. */
/*@ requires \is_finite(rh) && \is_finite(omrh) && 0.0 <= rh <= 1.0 && 0.0 <= omrh <= 1.0;
    requires MADA_TN(mada_fin)(v1, 0.0, 0x1.01p101);
    requires MADA_TN(mada_fin)(vb1, 0.0, 0x1.9p101);
    exits \false;
    assigns \nothing;
    ensures P: MADA_TN(mada_fin)(\result, 0.0, 0x1.5p102);
    ensures adam_rho: MADA_EQ(rh, (MADA_T)1.0) && MADA_EQ(omrh, (MADA_T)0.0)
                      ==> MADA_EQ(\result, v1);
    ensures avg_rho: !lean && MADA_EQ(rh, (MADA_T)0.0) && MADA_EQ(omrh, (MADA_T)1.0)
                     ==> MADA_EQ(\result, vb1);
    ensures lean: lean ==> \result == v1;
    check ensures real_formula_P: \result == (lean ? v1 : rh * v1 + omrh * vb1);
*/
static inline MADA_HD MADA_T MADA_TN(mada_avg_P)(int lean, MADA_T rh, MADA_T v1, MADA_T omrh,
                                                 MADA_T vb1)
{
    if (lean)
        return v1; /* 5.1 */
    return MADA_TN(mada_lerp)(rh, v1, omrh, vb1);
}

/* N = mh + b3*n1; no Adan term: N = mh. */
/*@ requires \is_finite(b3) && 0.0 <= b3 <= 1.0;
    requires MADA_TN(mada_fin)(mh, -0x1.0002p74, 0x1.0002p74);
    requires MADA_TN(mada_fin)(n1, -MADA_S_MAX, MADA_S_MAX);
    exits \false;
    assigns \nothing;
    ensures N: MADA_TN(mada_fin)(\result, -0x1.0003p74, 0x1.0003p74);
    ensures adam_b3: MADA_EQ(b3, (MADA_T)0.0) ==> MADA_EQ(\result, mh);
    ensures lean: lean ==> \result == mh;
    check ensures real_formula_N: \result == (lean ? mh : mh + b3 * n1);
*/
static inline MADA_HD MADA_T MADA_TN(mada_adan_N)(int lean, MADA_T mh, MADA_T b3, MADA_T n1)
{
    if (lean)
        return mh; /* 5.1 */
    return MADA_TN(mada_axpy)(mh, b3, n1);
}

/* The Lion direction and upd: l1 = lb2*l + omlb2*g, u = lb1*(l or l1) +
 * omlb1*g, su = sgn(u), upd = gm*q + omgm*su; no Lion term: upd = q (l1, u,
 * su not computed, +0); Lion only: upd = su. */
typedef struct {
    MADA_T u, l1, su, upd;
} MADA_TN(mada_lion);

/*@ requires MADA_TN(mada_scalars_ok)(s);
    requires MADA_TN(mada_fin)(g, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(l, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(q, -0x1.0004p126, 0x1.0004p126);
    exits \false;
    assigns \nothing;
    ensures l1: MADA_TN(mada_fin)(\result.l1, -MADA_S_MAX, MADA_S_MAX);
    ensures u: \is_finite(\result.u);
    ensures su: -1.0 <= \result.su <= 1.0 && \is_finite(\result.su);
    ensures upd: MADA_TN(mada_fin)(\result.upd, -0x1.0005p126, 0x1.0005p126);
    ensures adam_gamma: !ln.lion_only && MADA_EQ(s.gm, (MADA_T)1.0) &&
                        MADA_EQ(s.omgm, (MADA_T)0.0) ==> MADA_EQ(\result.upd, q);
    ensures lion_gamma: !ln.lion && MADA_EQ(s.gm, (MADA_T)0.0) && MADA_EQ(s.omgm, (MADA_T)1.0)
                        ==> MADA_EQ(\result.upd, \result.su);
    ensures lean_lion: ln.lion ==> \result.upd == q && \result.l1 == 0.0;
    ensures lion_only: !ln.lion && ln.lion_only ==> \result.upd == \result.su;
    check ensures real_formula_l1: !ln.lion ==> \result.l1 == s.lb2 * l + s.omlb2 * g;
    check ensures real_formula_u: !ln.lion ==> \result.u ==
        s.lb1 * (lion_compat != 0 ? s.lb2 * l + s.omlb2 * g : l) + s.omlb1 * g;
    check ensures real_formula_su: !ln.lion ==> \result.su == (\result.u > 0.0 ? 1.0 :
                                                                \result.u < 0.0 ? -1.0 : 0.0);
    check ensures real_formula_upd: \result.upd ==
        (ln.lion ? q : ln.lion_only ? \result.su : s.gm * q + s.omgm * \result.su);
*/
static inline MADA_HD MADA_TN(mada_lion) MADA_TN(mada_lion_upd)(MADA_TN(mada_scalars) s,
                                                               mada_lean ln, int lion_compat,
                                                               MADA_T g, MADA_T l, MADA_T q)
{
    MADA_TN(mada_lion) o;
    if (ln.lion) {
        o.l1 = (MADA_T)0;
        o.u = (MADA_T)0;
        o.su = (MADA_T)0;
        o.upd = q; /* 5.1 */
        return o;
    }
    o.l1 = MADA_TN(mada_lerp)(s.lb2, l, s.omlb2, g);
    o.u = MADA_TN(mada_lerp)(s.lb1, MADA_TN(mada_pick)(lion_compat, o.l1, l), s.omlb1, g);
    o.su = MADA_TN(mada_sgn)(o.u);
    if (ln.lion_only)
        o.upd = o.su; /* 5.1 */
    else
        o.upd = MADA_TN(mada_lerp)(s.gm, q, s.omgm, o.su);
    return o;
}

/* Spec 5, the moments: d, gh, gh2, s, gt2, m1, v1, n1, vb1, with the lean
 * lines of spec 5.1 where ln says so (what is not computed is +0 and never
 * stored). */
/*@ requires MADA_TN(mada_scalars_ok)(s) && MADA_TN(mada_in_ok)(e);
    exits \false;
    assigns \nothing;
    ensures finite: \is_finite(\result.d) && \is_finite(\result.gh) && \is_finite(\result.gh2)
                    && \is_finite(\result.s) && \is_finite(\result.gt2);
    ensures m1: MADA_TN(mada_fin)(\result.m1, -MADA_S_MAX, MADA_S_MAX);
    ensures n1: MADA_TN(mada_fin)(\result.n1, -MADA_S_MAX, MADA_S_MAX);
    ensures y: MADA_TN(mada_fin)(\result.y, 0.0, 0x1.0001p100);
    ensures gt2: MADA_TN(mada_fin)(\result.gt2, 0.0, 0x1.01p100);
    ensures v1: MADA_TN(mada_fin)(\result.v1, 0.0, 0x1.01p101);
    ensures vb1: MADA_TN(mada_fin)(\result.vb1, 0.0, 0x1.9p101);
    ensures sign: -1.0 <= \result.s <= 1.0;
    ensures max_ge_vb: vbar_max && !ln.avg ==> \result.vb1 >= e.vb;
    ensures max_ge_v1: vbar_max && !ln.avg ==> \result.vb1 >= \result.v1;
    ensures adan_free: MADA_EQ(s.b3, (MADA_T)0.0) ==> MADA_EQ(\result.gh, e.g);
    ensures adam_c: MADA_EQ(s.c, (MADA_T)1.0) && MADA_EQ(s.omc, (MADA_T)0.0)
                    ==> MADA_EQ(\result.gt2, \result.gh2);
    ensures yogi_c: !ln.yogi && MADA_EQ(s.c, (MADA_T)0.0) && MADA_EQ(s.omc, (MADA_T)1.0)
                    ==> MADA_EQ(\result.gt2, \result.y);
    ensures lean_adan: ln.adan ==> \result.gh == e.g && \result.n1 == 0.0;
    ensures lean_yogi: ln.yogi ==> \result.gt2 == \result.gh2;
    ensures lean_avg: ln.avg ==> \result.vb1 == 0.0;
    check ensures real_formula_d: !ln.adan ==> \result.d == e.g - e.gp;
    check ensures real_formula_gh: \result.gh == (ln.adan ? e.g : e.g + s.b3 * (e.g - e.gp));
    check ensures real_formula_gh2: \result.gh2 == \result.gh * \result.gh;
    check ensures real_formula_s: !ln.yogi ==> \result.s == (\result.gh2 > e.v ? 1.0 :
                                                             \result.gh2 < e.v ? -1.0 : 0.0);
    check ensures real_formula_y: !ln.yogi ==> \result.y == e.v + \result.gh2 * \result.s;
    check ensures real_formula_gt2: \result.gt2 ==
        (ln.yogi ? \result.gh2 : s.c * \result.gh2 + s.omc * \result.y);
    check ensures real_formula_m1: \result.m1 == s.b1 * e.m + s.omb1 * e.g;
    check ensures real_formula_v1: \result.v1 == s.b2 * e.v + s.omb2 * \result.gt2;
    check ensures real_formula_n1: !ln.adan ==> \result.n1 == s.b3 * e.n + s.omb3 * (e.g - e.gp);
    check ensures real_formula_vb1_avg: !ln.avg && !vbar_max ==>
                                        \result.vb1 == s.wo * e.vb + s.wn * \result.v1;
    check ensures real_formula_vb1_max: !ln.avg && vbar_max ==>
                                        \result.vb1 == \max(e.vb, \result.v1);
*/
static inline MADA_HD MADA_TN(mada_moments)
MADA_TN(mada_moments_step)(MADA_TN(mada_scalars) s, int vbar_max, mada_lean ln,
                           MADA_TN(mada_elem_in) e)
{
    MADA_TN(mada_moments) o;
    const MADA_TN(mada_adan) a = MADA_TN(mada_adan_gh)(ln.adan, s.b3, e.g, e.gp);
    o.d = a.d;
    o.gh = a.gh;
    o.gh2 = o.gh * o.gh;
    const MADA_TN(mada_gt2) y = MADA_TN(mada_yogi_gt2)(ln.yogi, s.c, s.omc, o.gh2, e.v);
    o.s = y.s;
    o.y = y.y;
    o.gt2 = y.gt2;
    o.m1 = MADA_TN(mada_lerp)(s.b1, e.m, s.omb1, e.g);
    o.v1 = MADA_TN(mada_lerp)(s.b2, e.v, s.omb2, o.gt2);
    o.n1 = MADA_TN(mada_adan_n1)(ln.adan, s.b3, s.omb3, e.n, o.d);
    o.vb1 = MADA_TN(mada_avg_vb1)(ln.avg, vbar_max, s.wo, e.vb, s.wn, o.v1);
    return o;
}

/* Spec 5, the Adam-family direction: P, vh, r, D, mh, N, q, with the lean
 * lines of spec 5.1 (no average: P = v1; no Adan term: N = mh). */
/*@ requires MADA_TN(mada_scalars_ok)(s);
    requires MADA_TN(mada_fin)(m1, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(n1, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(v1, 0.0, 0x1.01p101);
    requires MADA_TN(mada_fin)(vb1, 0.0, 0x1.9p101);
    exits \false;
    assigns \nothing;
    ensures P: MADA_TN(mada_fin)(\result.P, 0.0, 0x1.5p102);
    ensures vh: MADA_TN(mada_fin)(\result.vh, 0.0, 0x1.51p122);
    ensures r: MADA_TN(mada_fin)(\result.r, 0.0, 0x1p62);
    ensures D: MADA_TN(mada_fin)(\result.D, MADA_EPS_MIN, 0x1.01p62);
    ensures mh: MADA_TN(mada_fin)(\result.mh, -0x1.0002p74, 0x1.0002p74);
    ensures N: MADA_TN(mada_fin)(\result.N, -0x1.0003p74, 0x1.0003p74);
    ensures q: MADA_TN(mada_fin)(\result.q, -0x1.0004p126, 0x1.0004p126);
    ensures adam_rho: MADA_EQ(s.rh, (MADA_T)1.0) && MADA_EQ(s.omrh, (MADA_T)0.0)
                      ==> MADA_EQ(\result.P, v1);
    ensures avg_rho: !ln.avg && MADA_EQ(s.rh, (MADA_T)0.0) && MADA_EQ(s.omrh, (MADA_T)1.0)
                     ==> MADA_EQ(\result.P, vb1);
    ensures adam_b3: MADA_EQ(s.b3, (MADA_T)0.0) ==> MADA_EQ(\result.N, \result.mh);
    ensures lean_avg: ln.avg ==> \result.P == v1;
    ensures lean_adan: ln.adan ==> \result.N == \result.mh;
    check ensures real_formula_P: \result.P == (ln.avg ? v1 : s.rh * v1 + s.omrh * vb1);
    check ensures real_formula_D: \result.D == \sqrt(\result.P * s.ib2) + s.eps;
    check ensures real_formula_N: \result.N == (ln.adan ? m1 * s.ib1 : m1 * s.ib1 + s.b3 * n1);
    check ensures real_formula_q: \result.q == \result.N / \result.D;
*/
static inline MADA_HD MADA_TN(mada_direction)
MADA_TN(mada_direction_step)(MADA_TN(mada_scalars) s, mada_lean ln, MADA_T m1, MADA_T v1,
                             MADA_T vb1, MADA_T n1)
{
    MADA_TN(mada_direction) o;
    o.P = MADA_TN(mada_avg_P)(ln.avg, s.rh, v1, s.omrh, vb1);
    o.vh = o.P * s.ib2;
    o.r = MADA_TN(mada_sqrt)(o.vh);
    o.D = o.r + s.eps;
    o.mh = m1 * s.ib1;
    o.N = MADA_TN(mada_adan_N)(ln.adan, o.mh, s.b3, n1);
    o.q = MADA_TN(mada_ratio)(o.N, o.D);
    return o;
}

/* Spec 5, the Lion direction and the update: u, l1, su, upd, x1, x2.
 * lion_compat selects the released code's u = lb1*l1 + omlb1*g (spec 9);
 * the lean lines of spec 5.1 are mada_lion_upd's. */
/*@ requires MADA_TN(mada_scalars_ok)(s);
    requires MADA_TN(mada_fin)(x, -MADA_XMAX, MADA_XMAX);
    requires MADA_TN(mada_fin)(g, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(l, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(q, -0x1.0004p126, 0x1.0004p126);
    exits \false;
    assigns \nothing;
    ensures l1: MADA_TN(mada_fin)(\result.l1, -MADA_S_MAX, MADA_S_MAX);
    ensures u: \is_finite(\result.u);
    ensures su: -1.0 <= \result.su <= 1.0 && \is_finite(\result.su);
    ensures upd: \is_finite(\result.upd) && \is_finite(\result.x1);
    ensures x2: \is_finite(\result.x2);
    ensures adam_gamma: !ln.lion_only && MADA_EQ(s.gm, (MADA_T)1.0) &&
                        MADA_EQ(s.omgm, (MADA_T)0.0) ==> MADA_EQ(\result.upd, q);
    ensures lion_gamma: !ln.lion && MADA_EQ(s.gm, (MADA_T)0.0) && MADA_EQ(s.omgm, (MADA_T)1.0)
                        ==> MADA_EQ(\result.upd, \result.su);
    ensures lean_lion: ln.lion ==> \result.upd == q && \result.l1 == 0.0;
    ensures lion_only: !ln.lion && ln.lion_only ==> \result.upd == \result.su;
    ensures no_decay: MADA_EQ(s.wd, (MADA_T)0.0) ==> MADA_EQ(\result.x1, x);
    check ensures real_formula_l1: !ln.lion ==> \result.l1 == s.lb2 * l + s.omlb2 * g;
    check ensures real_formula_u: !ln.lion ==> \result.u ==
        s.lb1 * (lion_compat != 0 ? s.lb2 * l + s.omlb2 * g : l) + s.omlb1 * g;
    check ensures real_formula_su: !ln.lion ==> \result.su == (\result.u > 0.0 ? 1.0 :
                                                                \result.u < 0.0 ? -1.0 : 0.0);
    check ensures real_formula_upd: \result.upd ==
        (ln.lion ? q : ln.lion_only ? \result.su : s.gm * q + s.omgm * \result.su);
    check ensures real_formula_x2: \result.x2 == (x - s.wd * x) - s.lr * \result.upd;
*/
static inline MADA_HD MADA_TN(mada_update)
MADA_TN(mada_update_step)(MADA_TN(mada_scalars) s, mada_lean ln, int lion_compat, MADA_T x,
                          MADA_T g, MADA_T l, MADA_T q)
{
    MADA_TN(mada_update) o;
    const MADA_TN(mada_lion) c = MADA_TN(mada_lion_upd)(s, ln, lion_compat, g, l, q);
    o.u = c.u;
    o.l1 = c.l1;
    o.su = c.su;
    o.upd = c.upd;
    o.x1 = MADA_TN(mada_decay)(x, s.wd);
    o.x2 = o.x1 - s.lr * o.upd;
    return o;
}

/* Spec 5, one element: the three parts in order; Lion only (spec 5.1): the
 * update part alone, the moments and the direction returned as +0. */
/*@ requires MADA_TN(mada_scalars_ok)(s) && MADA_TN(mada_in_ok)(e);
    exits \false;
    assigns \nothing;
    ensures state: MADA_TN(mada_fin)(\result.m1, -MADA_S_MAX, MADA_S_MAX)
                   && MADA_TN(mada_fin)(\result.n1, -MADA_S_MAX, MADA_S_MAX)
                   && MADA_TN(mada_fin)(\result.l1, -MADA_S_MAX, MADA_S_MAX)
                   && MADA_TN(mada_fin)(\result.v1, 0.0, 0x1.01p101)
                   && MADA_TN(mada_fin)(\result.vb1, 0.0, 0x1.9p101);
    ensures x2: \is_finite(\result.x2);
    ensures D: !ln.lion_only ==> \result.D >= MADA_EPS_MIN && \result.P >= 0.0;
    ensures r: \is_finite(\result.r) && \result.r >= 0.0;
    ensures max: vbar_max && !ln.avg && !ln.lion_only ==>
                 \result.vb1 >= e.vb && \result.vb1 >= \result.v1;
*/
static inline MADA_HD MADA_TN(mada_elem_mid)
MADA_TN(mada_element)(MADA_TN(mada_scalars) s, int vbar_max, int lion_compat, mada_lean ln,
                      MADA_TN(mada_elem_in) e)
{
    MADA_TN(mada_moments) a;
    MADA_TN(mada_direction) b;
    if (ln.lion_only) {
        a.d = a.gh = a.gh2 = a.s = a.y = a.gt2 = a.m1 = a.v1 = a.n1 = a.vb1 = (MADA_T)0;
        b.P = b.vh = b.r = b.D = b.mh = b.N = b.q = (MADA_T)0;
    } else {
        a = MADA_TN(mada_moments_step)(s, vbar_max, ln, e);
        b = MADA_TN(mada_direction_step)(s, ln, a.m1, a.v1, a.vb1, a.n1);
    }
    const MADA_TN(mada_update) c =
        MADA_TN(mada_update_step)(s, ln, lion_compat, e.x, e.g, e.l, b.q);
    MADA_TN(mada_elem_mid) o;
    o.d = a.d, o.gh = a.gh, o.gh2 = a.gh2, o.s = a.s, o.gt2 = a.gt2;
    o.m1 = a.m1, o.v1 = a.v1, o.n1 = a.n1, o.vb1 = a.vb1;
    o.P = b.P, o.vh = b.vh, o.r = b.r, o.D = b.D, o.mh = b.mh, o.N = b.N, o.q = b.q;
    o.u = c.u, o.l1 = c.l1, o.su = c.su, o.upd = c.upd, o.x1 = c.x1, o.x2 = c.x2;
    return o;
}

/* Spec 6: the partial derivatives of the update direction with respect to
 * (beta1, beta2, beta3, rho, c, gamma), from the intermediates of one element.
 * They may overflow on valid inputs (spec 8): their proof runs with
 * non-finite values allowed (proofs/README.md), and shows the guard r > 0. */
/*@ requires \is_finite(s.ib2) && 1.0 <= s.ib2 <= MADA_IB_MAX;
    requires \is_finite(o.r) && 0.0 <= o.r;
    requires MADA_TN(mada_fin)(o.v1, 0.0, 0x1.01p101) && MADA_TN(mada_fin)(o.vb1, 0.0, 0x1.9p101);
    exits \false;
    assigns \nothing;
    ensures guard: o.r == 0.0 ==> \result.rho == 0.0;
    check ensures real_formula_rho: o.r > 0.0 ==> \result.rho ==
        -((s.gm * o.q) / (2.0 * o.r * o.D) * ((o.v1 - o.vb1) * s.ib2));
    check ensures real_formula_b1: \result.b1 ==
        (s.gm / o.D) * ((e.m - e.g) * s.ib1 + o.m1 * s.kb1);
    check ensures real_formula_b2: o.r > 0.0 ==> \result.b2 ==
        -((s.gm * o.q) / (2.0 * o.r * o.D) * ((s.rh * (e.v - o.gt2)) * s.ib2 + o.P * s.kb2));
    check ensures real_formula_b3: o.r > 0.0 ==> \result.b3 ==
        (s.gm / o.D) * (o.n1 + s.b3 * (e.n - o.d))
        - (s.gm * o.q) / (2.0 * o.r * o.D) * (s.kc * ((s.c + s.omc * o.s) * (2.0 * o.gh * o.d)));
    check ensures real_formula_c: o.r > 0.0 ==> \result.c ==
        -((s.gm * o.q) / (2.0 * o.r * o.D) * (s.kc * ((o.gh2 - e.v) - o.s * o.gh2)));
    check ensures real_formula_gm: \result.gm == o.q - o.su;
*/
static inline MADA_HD MADA_TN(mada_partial)
MADA_TN(mada_partials)(MADA_TN(mada_scalars) s, MADA_TN(mada_elem_in) e, MADA_TN(mada_elem_mid) o)
{
    MADA_TN(mada_partial) p;
    MADA_T A; /* gamma N / (2 r D^2), 0 when r == 0 */
    if (o.r > (MADA_T)0)
        A = (s.gm * o.q) / ((o.r + o.r) * o.D);
    else
        A = (MADA_T)0;
    const MADA_T gD = s.gm / o.D;

    p.b1 = gD * ((e.m - e.g) * s.ib1 + o.m1 * s.kb1);
    p.b2 = -(A * ((s.rh * (e.v - o.gt2)) * s.ib2 + o.P * s.kb2));
    p.b3 = gD * (o.n1 + s.b3 * (e.n - o.d))
           - A * (s.kc * ((s.c + s.omc * o.s) * ((o.gh + o.gh) * o.d)));
    p.rho = -(A * ((o.v1 - o.vb1) * s.ib2));
    p.c = -(A * (s.kc * ((o.gh2 - e.v) - o.s * o.gh2)));
    p.gm = o.q - o.su;
    return p;
}

/* ---- One element as the array loops use it (ref/kernel_impl.h and the fast
 * paths fast/simd_impl.h): the step and, when asked, the partials. */
/* What one element's step stores: the new state, gp' = g, vm = max(v',
 * vbar') for the running maximum, and p its partials (when computed). */
typedef struct {
    MADA_T x2, m1, v1, vb1, n1, l1, g, vm;
    MADA_TN(mada_partial) p;
} MADA_TN(mada_elem_out);

/* One element: the element function of spec 5 (and 5.1's lean lines) on the
 * element's values, and its partials of spec 6 when `partials` is set (they
 * may be non-finite, spec 8; the loop without partials does not compute
 * them).  The values of absent arrays are passed as +0. */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires MADA_TN(mada_fin)(x, -MADA_XMAX, MADA_XMAX);
    requires MADA_TN(mada_fin)(g, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(gp, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(m, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(v, 0.0, MADA_V_MAX);
    requires MADA_TN(mada_fin)(vb, 0.0, MADA_V_MAX);
    requires MADA_TN(mada_fin)(n, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(l, -MADA_S_MAX, MADA_S_MAX);
    exits \false;
    assigns \nothing;
    ensures x2: \is_finite(\result.x2);
    ensures g: MADA_TN(mada_fin)(\result.g, -MADA_GMAX, MADA_GMAX);
    ensures m1: MADA_TN(mada_fin)(\result.m1, -MADA_S_MAX, MADA_S_MAX);
    ensures n1: MADA_TN(mada_fin)(\result.n1, -MADA_S_MAX, MADA_S_MAX);
    ensures l1: MADA_TN(mada_fin)(\result.l1, -MADA_S_MAX, MADA_S_MAX);
    ensures vm: MADA_TN(mada_fin)(\result.vm, 0.0, 0x1.9p101);
    ensures v1: MADA_TN(mada_fin)(\result.v1, 0.0, \result.vm);
    ensures vb1: MADA_TN(mada_fin)(\result.vb1, 0.0, \result.vm);
*/
static inline MADA_HD MADA_TN(mada_elem_out)
MADA_TN(mada_elem_step)(MADA_TN(mada_scalars) sc, int vbar_max, int lion_compat, mada_lean ln,
                        int partials, MADA_T x, MADA_T g, MADA_T gp, MADA_T m, MADA_T v, MADA_T vb,
                        MADA_T n, MADA_T l)
{
    MADA_TN(mada_elem_in) in;
    in.x = x, in.g = g, in.gp = gp, in.m = m, in.v = v, in.vb = vb, in.n = n, in.l = l;
    const MADA_TN(mada_elem_mid) o = MADA_TN(mada_element)(sc, vbar_max, lion_compat, ln, in);
    MADA_TN(mada_elem_out) r;
    r.x2 = o.x2, r.m1 = o.m1, r.v1 = o.v1, r.vb1 = o.vb1, r.n1 = o.n1, r.l1 = o.l1, r.g = g;
    r.vm = MADA_TN(mada_max)(o.v1, o.vb1);
    if (partials)
        r.p = MADA_TN(mada_partials)(sc, in, o);
    else
        r.p.b1 = r.p.b2 = r.p.b3 = r.p.rho = r.p.c = r.p.gm = (MADA_T)0;
    return r;
}
