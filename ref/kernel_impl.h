/*
 * kernel_impl.h -- the reference array loop and the canonical reduction
 * (spec 6.1) for one element type.  Template: included by ref/kernels.c with
 * MADA_T and MADA_TN defined as in element_impl.h.  The loop reads one
 * element into a local, calls the element function and stores the results.
 */

/*@ predicate MADA_TN(mada_state_ok)(MADA_TN(mada_kargs) *a, integer i) =
        MADA_TN(mada_fin)(a->x[i], -MADA_XMAX, MADA_XMAX) &&
        MADA_TN(mada_fin)(a->g[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(a->gp_in[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(a->m[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(a->v[i], 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(a->vb[i], 0.0, MADA_V_MAX) &&
        MADA_TN(mada_fin)(a->nn[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(a->l[i], -MADA_S_MAX, MADA_S_MAX);

    predicate MADA_TN(mada_stored_ok)(MADA_TN(mada_kargs) *a, integer i, MADA_T vmax) =
        \is_finite(a->x[i]) &&
        MADA_TN(mada_fin)(a->gp[i], -MADA_GMAX, MADA_GMAX) &&
        MADA_TN(mada_fin)(a->m[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(a->v[i], 0.0, vmax) &&
        MADA_TN(mada_fin)(a->vb[i], 0.0, vmax) &&
        MADA_TN(mada_fin)(a->nn[i], -MADA_S_MAX, MADA_S_MAX) &&
        MADA_TN(mada_fin)(a->l[i], -MADA_S_MAX, MADA_S_MAX);
*/

/* One step over a->n elements (spec 5).  Returns the largest v and vbar
 * stored (+0 for n = 0): mada_step() checks it against MADA_V_MAX before the
 * next step. */
MADA_T MADA_TN(mada_ref_kernel)(const MADA_TN(mada_kargs) *a)
{
    const int store = a->part[0] || a->part[1] || a->part[2] || a->part[3] ||
                      a->part[4] || a->part[5];
    MADA_T vmax = 0;
    for (size_t i = 0; i < a->n; i++) {
        MADA_TN(mada_elem_in) in;
        in.x = a->x[i];
        in.g = a->g[i];
        in.gp = a->gp_in[i];
        in.m = a->m[i];
        in.v = a->v[i];
        in.vb = a->vb[i];
        in.n = a->nn[i];
        in.l = a->l[i];
        const MADA_TN(mada_elem_mid) o = MADA_TN(mada_element)(a->s, a->vbar_max,
                                                               a->lion_compat, in);
        if (store) {
            MADA_T p[6];
            MADA_TN(mada_partials)(a->s, in, o, p);
            for (int k = 0; k < 6; k++)
                if (a->part[k])
                    a->part[k][i] = p[k];
        }
        a->x[i] = o.x2;
        a->m[i] = o.m1;
        a->v[i] = o.v1;
        a->vb[i] = o.vb1;
        a->nn[i] = o.n1;
        a->l[i] = o.l1;
        a->gp[i] = in.g;
        vmax = (o.v1 > vmax) ? o.v1 : vmax;
        vmax = (o.vb1 > vmax) ? o.vb1 : vmax;
    }
    return vmax;
}

/* Spec 6.1: blocks of 4096, 16 binary64 lanes per block (element i of the
 * block to lane i mod 16), fixed tree over the lanes, block sums left to
 * right.  Products are binary64 (exact for binary32 inputs). */
double MADA_TN(mada_ref_reduce)(const MADA_T *g, const MADA_T *p, size_t n)
{
    double total = 0.0;
    for (size_t b = 0; b < n; b += MADA_RED_BLOCK) {
        const size_t len = (n - b < MADA_RED_BLOCK) ? n - b : MADA_RED_BLOCK;
        double s[MADA_RED_LANES];
        for (unsigned k = 0; k < MADA_RED_LANES; k++)
            s[k] = 0.0;
        for (size_t i = 0; i < len; i++)
            s[i % MADA_RED_LANES] += (double)g[b + i] * (double)p[b + i];
        for (unsigned k = 0; k < 8; k++)
            s[k] = s[k] + s[k + 8];
        for (unsigned k = 0; k < 4; k++)
            s[k] = s[k] + s[k + 4];
        for (unsigned k = 0; k < 2; k++)
            s[k] = s[k] + s[k + 2];
        const double block = s[0] + s[1];
        /* The first block starts the sum (0.0 + block == block: a block sum
         * is never -0, its lanes start at +0). */
        total = (b == 0) ? block : total + block;
    }
    return total;
}
