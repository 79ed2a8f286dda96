/*
 * kernel_impl.h -- the reference array loop and the canonical reduction
 * (spec 6.1) for one element type.  Template: included by ref/kernels.c with
 * MADA_T and MADA_TN defined as in element_impl.h.  The loop reads one
 * element into a local, calls the element function and stores the results.
 */

/*@ predicate MADA_TN(mada_elem_ok)(MADA_T *x, MADA_T *g, MADA_T *gp, MADA_T *m, MADA_T *v,
                                    MADA_T *vb, MADA_T *nn, MADA_T *l, integer i) =
        MADA_TN(mada_fin)(x[i], -MADA_XMAX, MADA_XMAX) &&
        MADA_TN(mada_fin)(g[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(gp[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(m[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(v[i], 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(vb[i], 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(nn[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(l[i], -MADA_S_MAX, MADA_S_MAX);

    predicate MADA_TN(mada_stored_ok)(MADA_T *x, MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb,
                                      MADA_T *nn, MADA_T *l, integer i, MADA_T vmax) =
        \is_finite(x[i]) &&
        MADA_TN(mada_fin)(gp[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(m[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(v[i], 0.0, vmax) &&
        MADA_TN(mada_fin)(vb[i], 0.0, vmax) &&
        MADA_TN(mada_fin)(nn[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(l[i], -MADA_S_MAX, MADA_S_MAX);
*/

/* One step over a->n elements (spec 5).  Returns the largest v and vbar
 * stored (+0 for n = 0): mada_step() checks it against MADA_V_MAX before the
 * next step.  The previous gradient is read from gp_in, which is either the
 * state array gp or, at t = 1, g itself (spec 9); every element reads its
 * inputs before anything of it is written. */
/*@ requires \valid_read(a);
    requires MADA_TN(mada_scalars_ok)(a->s);
    requires \valid(a->x + (0 .. a->n - 1)) && \valid_read(a->g + (0 .. a->n - 1));
    requires \valid(a->gp + (0 .. a->n - 1)) && \valid(a->m + (0 .. a->n - 1));
    requires \valid(a->v + (0 .. a->n - 1)) && \valid(a->vb + (0 .. a->n - 1));
    requires \valid(a->nn + (0 .. a->n - 1)) && \valid(a->l + (0 .. a->n - 1));
    requires a->gp_in == a->gp || a->gp_in == a->g;
    requires \forall integer k; 0 <= k < MADA_NCOEF && a->part[k] != \null ==>
                 \valid(a->part[k] + (0 .. a->n - 1));
    requires \separated(a, a->x + (0 .. a->n - 1), a->g + (0 .. a->n - 1),
                         a->gp + (0 .. a->n - 1), a->m + (0 .. a->n - 1),
                         a->v + (0 .. a->n - 1), a->vb + (0 .. a->n - 1),
                         a->nn + (0 .. a->n - 1), a->l + (0 .. a->n - 1));
    requires \forall integer k; 0 <= k < MADA_NCOEF && a->part[k] != \null ==>
                 \separated(a->part[k] + (0 .. a->n - 1), a, a->x + (0 .. a->n - 1),
                             a->g + (0 .. a->n - 1), a->gp + (0 .. a->n - 1),
                             a->m + (0 .. a->n - 1), a->v + (0 .. a->n - 1),
                             a->vb + (0 .. a->n - 1), a->nn + (0 .. a->n - 1),
                             a->l + (0 .. a->n - 1));
    requires \forall integer k1, k2; 0 <= k1 < k2 < MADA_NCOEF && a->part[k1] != \null
                 && a->part[k2] != \null ==>
                 \separated(a->part[k1] + (0 .. a->n - 1), a->part[k2] + (0 .. a->n - 1));
    requires \forall integer i; 0 <= i < a->n ==>
                 MADA_TN(mada_elem_ok)(a->x, a->g, a->gp_in, a->m, a->v, a->vb, a->nn, a->l, i);
    assigns a->x[0 .. a->n - 1], a->gp[0 .. a->n - 1], a->m[0 .. a->n - 1],
            a->v[0 .. a->n - 1], a->vb[0 .. a->n - 1], a->nn[0 .. a->n - 1],
            a->l[0 .. a->n - 1], a->part[0][0 .. a->n - 1], a->part[1][0 .. a->n - 1],
            a->part[2][0 .. a->n - 1], a->part[3][0 .. a->n - 1],
            a->part[4][0 .. a->n - 1], a->part[5][0 .. a->n - 1];
    ensures vmax: \is_finite(\result) && 0.0 <= \result <= 0x1.9p101;
    ensures stored: \forall integer i; 0 <= i < a->n ==>
                 MADA_TN(mada_stored_ok)(a->x, a->gp, a->m, a->v, a->vb, a->nn, a->l, i, \result);
*/
MADA_T MADA_TN(mada_ref_kernel)(const MADA_TN(mada_kargs) *a)
{
    const size_t n = a->n;
    MADA_T *const x = a->x, *const gp = a->gp, *const m = a->m, *const v = a->v;
    MADA_T *const vb = a->vb, *const nn = a->nn, *const l = a->l;
    const MADA_T *const g = a->g, *const gp_in = a->gp_in;
    MADA_T *const p0 = a->part[0], *const p1 = a->part[1], *const p2 = a->part[2];
    MADA_T *const p3 = a->part[3], *const p4 = a->part[4], *const p5 = a->part[5];
    const MADA_TN(mada_scalars) sc = a->s;
    const int vbar_max = a->vbar_max, lion_compat = a->lion_compat;
    const int store = p0 || p1 || p2 || p3 || p4 || p5;
    MADA_T vmax = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant vmax: \is_finite(vmax) && 0.0 <= vmax <= 0x1.9p101;
        loop invariant done_x: \forall integer k; 0 <= k < i ==> \is_finite(x[k]);
        loop invariant done_gp: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
        loop invariant done_m: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_v: \forall integer k; 0 <= k < i ==>
            \is_finite(v[k]) && 0.0 <= v[k] <= vmax;
        loop invariant done_vb: \forall integer k; 0 <= k < i ==>
            \is_finite(vb[k]) && 0.0 <= vb[k] <= vmax;
        loop invariant done_n: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant done_l: \forall integer k; 0 <= k < i ==>
            MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
        loop invariant todo: \forall integer k; i <= k < n ==>
            MADA_TN(mada_elem_ok)(x, g, gp_in, m, v, vb, nn, l, k);
        loop assigns i, vmax, x[0 .. n - 1], gp[0 .. n - 1], m[0 .. n - 1], v[0 .. n - 1],
                     vb[0 .. n - 1], nn[0 .. n - 1], l[0 .. n - 1], p0[0 .. n - 1],
                     p1[0 .. n - 1], p2[0 .. n - 1], p3[0 .. n - 1], p4[0 .. n - 1],
                     p5[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        MADA_TN(mada_elem_in) in;
        in.x = x[i];
        in.g = g[i];
        in.gp = gp_in[i];
        in.m = m[i];
        in.v = v[i];
        in.vb = vb[i];
        in.n = nn[i];
        in.l = l[i];
        const MADA_TN(mada_elem_mid) o = MADA_TN(mada_element)(sc, vbar_max, lion_compat, in);
        if (store) {
            const MADA_TN(mada_partial) p = MADA_TN(mada_partials)(sc, in, o);
            if (p0) p0[i] = p.b1;
            if (p1) p1[i] = p.b2;
            if (p2) p2[i] = p.b3;
            if (p3) p3[i] = p.rho;
            if (p4) p4[i] = p.c;
            if (p5) p5[i] = p.gm;
        }
        x[i] = o.x2;
        m[i] = o.m1;
        v[i] = o.v1;
        vb[i] = o.vb1;
        nn[i] = o.n1;
        l[i] = o.l1;
        gp[i] = in.g;
        vmax = MADA_TN(mada_max)(vmax, MADA_TN(mada_max)(o.v1, o.vb1));
    }
    return vmax;
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
