/*
 * kernel_impl.h -- the reference array loop and the canonical reduction
 * (spec 6.1) for one element type.  Template: included by ref/kernels.c with
 * MADA_T and MADA_TN defined as in element_impl.h.  The predicates of the
 * contracts are in ref/kernel_pred.h.
 *
 * The loop is written for its proof (proofs/README.md, "The array loop"):
 * each element's arithmetic sits behind one contracted function on values
 * (mada_elem_step); each element's stores sit in functions whose contracts
 * carry the loop invariants from i to i + 1 (mada_ref_at,
 * mada_ref_store_partials); the bodies are straight-line: one loop stores
 * all six partials, another none (mada_step() points the partials of frozen
 * coefficients at a shared scratch array, docs/DECISIONS.md D6).  Facts are
 * stated one quantifier per array and separation inline, never packed into
 * a predicate the provers would have to unfold.
 */

/* What one element's step stores: the new state, gp' = g, and vm =
 * max(v', vbar') for the running maximum; p only in the loop with partials. */
typedef struct {
    MADA_T x2, m1, v1, vb1, n1, l1, g, vm;
    MADA_TN(mada_partial) p;
} MADA_TN(mada_elem_out);

/* One element: the element function of spec 5 on the element's values, and
 * its partials of spec 6 when `partials` is set (they may be non-finite,
 * spec 8; the loop without partials does not compute them). */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires MADA_TN(mada_fin)(x, -MADA_XMAX, MADA_XMAX);
    requires MADA_TN(mada_fin)(g, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(gp, -MADA_GMAX, MADA_GMAX);
    requires MADA_TN(mada_fin)(m, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(v, 0.0, MADA_V_MAX);
    requires MADA_TN(mada_fin)(vb, 0.0, MADA_V_MAX);
    requires MADA_TN(mada_fin)(n, -MADA_S_MAX, MADA_S_MAX);
    requires MADA_TN(mada_fin)(l, -MADA_S_MAX, MADA_S_MAX);
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
static inline MADA_TN(mada_elem_out)
MADA_TN(mada_elem_step)(MADA_TN(mada_scalars) sc, int vbar_max, int lion_compat, int partials,
                        MADA_T x, MADA_T g, MADA_T gp, MADA_T m, MADA_T v, MADA_T vb, MADA_T n, MADA_T l)
{
    MADA_TN(mada_elem_in) in;
    in.x = x, in.g = g, in.gp = gp, in.m = m, in.v = v, in.vb = vb, in.n = n, in.l = l;
    const MADA_TN(mada_elem_mid) o = MADA_TN(mada_element)(sc, vbar_max, lion_compat, in);
    MADA_TN(mada_elem_out) r;
    r.x2 = o.x2, r.m1 = o.m1, r.v1 = o.v1, r.vb1 = o.vb1, r.n1 = o.n1, r.l1 = o.l1, r.g = g;
    r.vm = MADA_TN(mada_max)(o.v1, o.vb1);
    if (partials)
        r.p = MADA_TN(mada_partials)(sc, in, o);
    else
        r.p.b1 = r.p.b2 = r.p.b3 = r.p.rho = r.p.c = r.p.gm = (MADA_T)0;
    return r;
}

/* What mada_ref_at() returns: the running maximum and the element's
 * partials (zero when not computed), which the loop with partials stores. */
typedef struct {
    MADA_T vmax;
    MADA_TN(mada_partial) p;
} MADA_TN(mada_at_out);

/* One element of the loop: its step, its stores of x and the state, and the
 * running maximum.  A function of its own whose contract carries the loop
 * invariants from element i to element i + 1 (and mada_ref_store_partials()
 * carries them across the partials' stores), so that no goal mixes the
 * element's arithmetic with the frame of 13 arrays (proofs/README.md, "The
 * array loop").  inline: each loop gets its own copy with `partials`
 * constant (without it the reference step measured 4 to 5 % slower). */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires i < n;
    requires \valid(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1)) &&
             \valid(gp + (0 .. n - 1)) && \valid(m + (0 .. n - 1)) && \valid(v + (0 .. n - 1)) &&
             \valid(vb + (0 .. n - 1)) && \valid(nn + (0 .. n - 1)) && \valid(l + (0 .. n - 1));
    requires \separated(x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1),
                        v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101);
    requires done_x: \forall integer k; 0 <= k < i ==> \is_finite(x[k]);
    requires done_gp: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires done_m: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires done_v: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
    requires done_vb: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
    requires done_nn: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires done_l: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_x: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    requires todo_g: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    requires todo_gp: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires todo_m: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_v: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    requires todo_vb: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    requires todo_nn: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_l: \forall integer k; i <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    assigns x[i], gp[i], m[i], v[i], vb[i], nn[i], l[i];
    ensures vmax: MADA_TN(mada_fin)(\result.vmax, 0.0, 0x1.9p101) && vmax <= \result.vmax;
    ensures done_x: \forall integer k; 0 <= k <= i ==> \is_finite(x[k]);
    ensures done_gp: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    ensures done_m: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    ensures done_v: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(v[k], 0.0, \result.vmax);
    ensures done_vb: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(vb[k], 0.0, \result.vmax);
    ensures done_nn: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    ensures done_l: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_x: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    ensures todo_g: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    ensures todo_gp: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    ensures todo_m: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_v: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    ensures todo_vb: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    ensures todo_nn: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_l: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
*/
static inline MADA_TN(mada_at_out) MADA_TN(mada_ref_at)(size_t i, size_t n, MADA_T *x, const MADA_T *g,
        MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_TN(mada_scalars) sc, int vbar_max,
        int lion_compat, int partials, MADA_T vmax)
{
    (void)n; /* the contract's bound */
    const MADA_TN(mada_elem_out) r = MADA_TN(mada_elem_step)(sc, vbar_max, lion_compat, partials, x[i], g[i], gp[i],
                                                    m[i], v[i], vb[i], nn[i], l[i]);
    x[i] = r.x2;
    m[i] = r.m1;
    v[i] = r.v1;
    vb[i] = r.vb1;
    nn[i] = r.n1;
    l[i] = r.l1;
    gp[i] = r.g;
    MADA_TN(mada_at_out) o;
    o.vmax = MADA_TN(mada_max)(vmax, r.vm);
    o.p = r.p;
    return o;
}

/* Element i's partials, stored after its state; the contract says that
 * the loop's facts about x, g and the state survive these stores. */
/*@ requires i < n;
    requires \valid(p0 + (0 .. n - 1));
    requires \separated(p0 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p1 + (0 .. n - 1));
    requires \separated(p1 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p2 + (0 .. n - 1));
    requires \separated(p2 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p3 + (0 .. n - 1));
    requires \separated(p3 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p4 + (0 .. n - 1));
    requires \separated(p4 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p5 + (0 .. n - 1));
    requires \separated(p5 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires done_x: \forall integer k; 0 <= k <= i ==> \is_finite(x[k]);
    requires done_gp: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires done_m: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires done_v: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
    requires done_vb: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
    requires done_nn: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires done_l: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_x: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    requires todo_g: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    requires todo_gp: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires todo_m: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_v: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    requires todo_vb: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    requires todo_nn: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires todo_l: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    assigns p0[i], p1[i], p2[i], p3[i], p4[i], p5[i];
    ensures done_x: \forall integer k; 0 <= k <= i ==> \is_finite(x[k]);
    ensures done_gp: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    ensures done_m: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    ensures done_v: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
    ensures done_vb: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
    ensures done_nn: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    ensures done_l: \forall integer k; 0 <= k <= i ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_x: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    ensures todo_g: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    ensures todo_gp: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    ensures todo_m: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_v: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    ensures todo_vb: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    ensures todo_nn: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    ensures todo_l: \forall integer k; i < k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
*/
static void MADA_TN(mada_ref_store_partials)(size_t i, size_t n, const MADA_T *x, const MADA_T *g, const MADA_T *gp,
        const MADA_T *m, const MADA_T *v, const MADA_T *vb, const MADA_T *nn, const MADA_T *l,
        MADA_T *p0, MADA_T *p1, MADA_T *p2, MADA_T *p3, MADA_T *p4, MADA_T *p5,
        MADA_TN(mada_partial) p, MADA_T vmax)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)v, (void)vb, (void)nn, (void)l;
    (void)vmax; /* the contract's */
    p0[i] = p.b1;
    p1[i] = p.b2;
    p2[i] = p.b3;
    p3[i] = p.rho;
    p4[i] = p.c;
    p5[i] = p.gm;
}

/* One step over n elements, without partials and with all six. */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires \valid(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1)) &&
             \valid(gp + (0 .. n - 1)) && \valid(m + (0 .. n - 1)) && \valid(v + (0 .. n - 1)) &&
             \valid(vb + (0 .. n - 1)) && \valid(nn + (0 .. n - 1)) && \valid(l + (0 .. n - 1));
    requires \separated(x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1),
                        v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires in_x: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    requires in_g: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    requires in_gp: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires in_m: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_v: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    requires in_vb: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    requires in_n: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_l: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    assigns x[0 .. n - 1], gp[0 .. n - 1], m[0 .. n - 1], v[0 .. n - 1], vb[0 .. n - 1], nn[0 .. n - 1], l[0 .. n - 1];
    ensures vmax: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures stored: MADA_TN(mada_outputs_ok)(n, x, gp, m, v, vb, nn, l, \result);
*/
static MADA_T MADA_TN(mada_ref_loop)(size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp, MADA_T *m,
        MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_TN(mada_scalars) sc, int vbar_max,
        int lion_compat)
{
    MADA_T vmax = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant vmax: MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101);
        loop invariant done_x: \forall integer k; 0 <= k < i ==> \is_finite(x[k]);
        loop invariant done_gp: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop invariant done_m: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_v: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
        loop invariant done_vb: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
        loop invariant done_n: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_l: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_x: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
        loop invariant todo_g: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
        loop invariant todo_gp: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop invariant todo_m: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_v: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
        loop invariant todo_vb: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
        loop invariant todo_n: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_l: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
        loop assigns i, vmax, x[0 .. n - 1], gp[0 .. n - 1], m[0 .. n - 1], v[0 .. n - 1], vb[0 .. n - 1], nn[0 .. n - 1], l[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        const MADA_TN(mada_at_out) o = MADA_TN(mada_ref_at)(i, n, x, g, gp, m, v, vb, nn, l, sc,
                                                             vbar_max, lion_compat, 0, vmax);
        vmax = o.vmax;
    }
    return vmax;
}

/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires \valid(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1)) &&
             \valid(gp + (0 .. n - 1)) && \valid(m + (0 .. n - 1)) && \valid(v + (0 .. n - 1)) &&
             \valid(vb + (0 .. n - 1)) && \valid(nn + (0 .. n - 1)) && \valid(l + (0 .. n - 1));
    requires \separated(x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1),
                        v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));
    requires \valid(p0 + (0 .. n - 1)) &&
             \separated(p0 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires \valid(p1 + (0 .. n - 1)) &&
             \separated(p1 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires \valid(p2 + (0 .. n - 1)) &&
             \separated(p2 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires \valid(p3 + (0 .. n - 1)) &&
             \separated(p3 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires \valid(p4 + (0 .. n - 1)) &&
             \separated(p4 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires \valid(p5 + (0 .. n - 1)) &&
             \separated(p5 + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                        l + (0 .. n - 1));
    requires in_x: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    requires in_g: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    requires in_gp: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires in_m: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_v: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    requires in_vb: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    requires in_n: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_l: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    assigns x[0 .. n - 1], gp[0 .. n - 1], m[0 .. n - 1], v[0 .. n - 1], vb[0 .. n - 1], nn[0 .. n - 1], l[0 .. n - 1], p0[0 .. n - 1], p1[0 .. n - 1], p2[0 .. n - 1], p3[0 .. n - 1], p4[0 .. n - 1], p5[0 .. n - 1];
    ensures vmax: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures stored: MADA_TN(mada_outputs_ok)(n, x, gp, m, v, vb, nn, l, \result);
*/
static MADA_T MADA_TN(mada_ref_loop_partials)(size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp, MADA_T *m,
        MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T *p0, MADA_T *p1, MADA_T *p2,
        MADA_T *p3, MADA_T *p4, MADA_T *p5, MADA_TN(mada_scalars) sc, int vbar_max,
        int lion_compat)
{
    MADA_T vmax = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant vmax: MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101);
        loop invariant done_x: \forall integer k; 0 <= k < i ==> \is_finite(x[k]);
        loop invariant done_gp: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop invariant done_m: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_v: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
        loop invariant done_vb: \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
        loop invariant done_n: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_l: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_x: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
        loop invariant todo_g: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
        loop invariant todo_gp: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop invariant todo_m: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_v: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
        loop invariant todo_vb: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
        loop invariant todo_n: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo_l: \forall integer k; i <= k < n ==>
            MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
        loop assigns i, vmax, x[0 .. n - 1], gp[0 .. n - 1], m[0 .. n - 1], v[0 .. n - 1], vb[0 .. n - 1], nn[0 .. n - 1], l[0 .. n - 1], p0[0 .. n - 1], p1[0 .. n - 1], p2[0 .. n - 1], p3[0 .. n - 1], p4[0 .. n - 1], p5[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        const MADA_TN(mada_at_out) o = MADA_TN(mada_ref_at)(i, n, x, g, gp, m, v, vb, nn, l, sc,
                                                             vbar_max, lion_compat, 1, vmax);
        MADA_TN(mada_ref_store_partials)(i, n, x, g, gp, m, v, vb, nn, l, p0, p1, p2, p3, p4, p5,
                                         o.p, o.vmax);
        vmax = o.vmax;
    }
    return vmax;
}

/* One step over a->n elements (spec 5) with the step's scalars s.  Returns
 * the largest v and vbar stored (+0 for n = 0): mada_step() checks it
 * against MADA_V_MAX before the next step.  The previous gradient is read from gp (mada_step() copies g
 * there at t = 1, spec 9); every element reads its inputs before anything of
 * it is written. */
/*@ requires MADA_TN(mada_kargs_ok)(a);
    requires MADA_TN(mada_scalars_ok)(s);
    requires in_x: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->x[k], -MADA_XMAX, MADA_XMAX);
    requires in_g: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->g[k], -MADA_GMAX, MADA_GMAX);
    requires in_gp: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->gp[k], -MADA_GMAX, MADA_GMAX);
    requires in_m: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->m[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_v: \forall integer k; 0 <= k < a->n ==> MADA_TN(mada_fin)(a->v[k], 0.0, MADA_V_MAX);
    requires in_vb: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->vb[k], 0.0, MADA_V_MAX);
    requires in_n: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires in_l: \forall integer k; 0 <= k < a->n ==>
        MADA_TN(mada_fin)(a->l[k], -MADA_S_MAX, MADA_S_MAX);
    assigns a->x[0 .. a->n - 1], a->gp[0 .. a->n - 1], a->m[0 .. a->n - 1],
            a->v[0 .. a->n - 1], a->vb[0 .. a->n - 1], a->nn[0 .. a->n - 1],
            a->l[0 .. a->n - 1], a->part[0][0 .. a->n - 1], a->part[1][0 .. a->n - 1],
            a->part[2][0 .. a->n - 1], a->part[3][0 .. a->n - 1],
            a->part[4][0 .. a->n - 1], a->part[5][0 .. a->n - 1];
    ensures vmax: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures stored: MADA_TN(mada_outputs_ok)(a->n, a->x, a->gp, a->m, a->v, a->vb, a->nn, a->l,
                                             \result);
*/
MADA_T MADA_TN(mada_ref_kernel)(const MADA_TN(mada_kargs) *a, MADA_TN(mada_scalars) s)
{
    if (a->part[0])
        return MADA_TN(mada_ref_loop_partials)(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb,
                                               a->nn, a->l, a->part[0], a->part[1],
                                               a->part[2], a->part[3], a->part[4],
                                               a->part[5], s, a->vbar_max, a->lion_compat);
    return MADA_TN(mada_ref_loop)(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l,
                                  s, a->vbar_max, a->lion_compat);
}

/* Spec 9, t = 1 outside compat mode: the previous gradient is g_1 itself, so
 * mada_step() copies g into the state array gp before the kernel runs. */
/*@ requires \valid_read(g + (0 .. n - 1)) && \valid(gp + (0 .. n - 1));
    requires \separated(g + (0 .. n - 1), gp + (0 .. n - 1));
    requires \forall integer i; 0 <= i < n ==> MADA_TN(mada_fin)(g[i], -MADA_GMAX, MADA_GMAX);
    assigns gp[0 .. n - 1];
    ensures \forall integer i; 0 <= i < n ==> MADA_TN(mada_fin)(gp[i], -MADA_GMAX, MADA_GMAX);
*/
void MADA_TN(mada_first_gp)(size_t n, const MADA_T *g, MADA_T *gp)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop assigns i, gp[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        gp[i] = g[i];
}

/* Spec 9, compat mode at t = 1: n starts at g_1 * g_1 (in the element type).
 * mada_step() restricts the first gradient to |g| <= MADA_COMPAT_G1_MAX so
 * that n stays in the state domain. */
/*@ requires \valid_read(g + (0 .. n - 1)) && \valid(nn + (0 .. n - 1));
    requires \separated(g + (0 .. n - 1), nn + (0 .. n - 1));
    requires \forall integer i; 0 <= i < n ==>
                 MADA_TN(mada_fin)(g[i], -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
    assigns nn[0 .. n - 1];
    ensures \forall integer i; 0 <= i < n ==> MADA_TN(mada_fin)(nn[i], 0.0, MADA_S_MAX);
*/
void MADA_TN(mada_compat_init_n)(size_t n, const MADA_T *g, MADA_T *nn)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> MADA_TN(mada_fin)(nn[k], 0.0, MADA_S_MAX);
        loop assigns i, nn[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        const MADA_T gi = g[i];
        nn[i] = MADA_TN(mada_square)(gi);
    }
}

/* Spec 6.1: blocks of 4096, 16 binary64 lanes per block (element i of the
 * block to lane i mod 16), fixed tree over the lanes, block sums left to
 * right.  Products are binary64 (exact for binary32 inputs).  Partials may be
 * non-finite (spec 8): the proof shows memory safety with non-finite values
 * allowed, and a non-finite sum is skipped by the hyper step (spec 6.2). */
/*@ requires n <= SIZE_MAX - MADA_RED_BLOCK;
    requires \valid_read(g + (0 .. n - 1)) && \valid_read(p + (0 .. n - 1));
    assigns \nothing;
*/
double MADA_TN(mada_ref_reduce)(const MADA_T *g, const MADA_T *p, size_t n)
{
    double total = 0.0;
    /*@ loop invariant b % MADA_RED_BLOCK == 0 && b <= n + MADA_RED_BLOCK - 1;
        loop assigns b, total;
        loop variant n - b;
    */
    for (size_t b = 0; b < n; b += MADA_RED_BLOCK) {
        const size_t len = (n - b < MADA_RED_BLOCK) ? n - b : MADA_RED_BLOCK;
        double s[MADA_RED_LANES];
        /*@ loop invariant 0 <= k <= MADA_RED_LANES;
            loop assigns k, s[0 .. MADA_RED_LANES - 1];
            loop variant MADA_RED_LANES - k;
        */
        for (unsigned k = 0; k < MADA_RED_LANES; k++)
            s[k] = 0.0;
        /*@ loop invariant 0 <= i <= len;
            loop assigns i, s[0 .. MADA_RED_LANES - 1];
            loop variant len - i;
        */
        for (size_t i = 0; i < len; i++)
            s[i % MADA_RED_LANES] += (double)g[b + i] * (double)p[b + i];
        /*@ loop invariant 0 <= k <= 8;
            loop assigns k, s[0 .. 7];
            loop variant 8 - k;
        */
        for (unsigned k = 0; k < 8; k++)
            s[k] = s[k] + s[k + 8];
        /*@ loop invariant 0 <= k <= 4;
            loop assigns k, s[0 .. 3];
            loop variant 4 - k;
        */
        for (unsigned k = 0; k < 4; k++)
            s[k] = s[k] + s[k + 4];
        /*@ loop invariant 0 <= k <= 2;
            loop assigns k, s[0 .. 1];
            loop variant 2 - k;
        */
        for (unsigned k = 0; k < 2; k++)
            s[k] = s[k] + s[k + 2];
        const double block = s[0] + s[1];
        /* The first block starts the sum (0.0 + block == block: a block sum
         * is never -0, its lanes start at +0). */
        total = (b == 0) ? block : total + block;
    }
    return total;
}
