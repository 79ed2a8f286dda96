/*
 * kernel_pred.h -- the ACSL predicates of the array kernel's contract
 * (ref/kernel_impl.h), for one element type.  Template: included by
 * ref/mada_internal.h after the kernel argument types, with MADA_T and
 * MADA_TN defined as in element_impl.h, so that every file whose proofs call
 * the kernel (proofs/domain_harness.c) sees the same definitions.
 *
 * The per-element facts are one quantifier per array, not one quantifier
 * over a conjunction: cvc5 then finds the instance a goal about one array
 * needs (proofs/README.md, "The array loop").
 */

/*@ // What the step stored: x finite, the state back in its domain, v and
    // vbar at most vmax (mada_step() checks vmax <= MADA_V_MAX before the
    // next step).
    predicate MADA_TN(mada_outputs_ok)(integer n, MADA_T *x, MADA_T *gp, MADA_T *m, MADA_T *v,
                                       MADA_T *vb, MADA_T *nn, MADA_T *l, real vmax) =
        (\forall integer k; 0 <= k < n ==> \is_finite(x[k])) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX)) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX)) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, vmax)) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax)) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX)) &&
        (\forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX));

    // x, g and the six state arrays: n elements each, pairwise disjoint,
    // writable except g.
    predicate MADA_TN(mada_arrays_ok)(integer n, MADA_T *x, MADA_T *g, MADA_T *gp, MADA_T *m,
                                      MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l) =
        \valid(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1)) &&
        \valid(gp + (0 .. n - 1)) && \valid(m + (0 .. n - 1)) && \valid(v + (0 .. n - 1)) &&
        \valid(vb + (0 .. n - 1)) && \valid(nn + (0 .. n - 1)) && \valid(l + (0 .. n - 1)) &&
        \separated(x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1), m + (0 .. n - 1),
                   v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1), l + (0 .. n - 1));

    // A partial array: n writable elements disjoint from x, g and the state.
    // Partial arrays may overlap each other (the partials of frozen
    // coefficients share one scratch array); nothing proved depends on
    // their values.
    predicate MADA_TN(mada_part_ok)(integer n, MADA_T *p, MADA_T *x, MADA_T *g, MADA_T *gp,
                                    MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l) =
        \valid(p + (0 .. n - 1)) &&
        \separated(p + (0 .. n - 1), x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
                   m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
                   l + (0 .. n - 1));

    // The kernel arguments as mada_step() fills them: the arrays above; the
    // six partial pointers all NULL (no partials this step) or all partial
    // arrays.  (*a is read before anything is written.)
    predicate MADA_TN(mada_kargs_ok){L}(MADA_TN(mada_kargs) *a) =
        \valid_read(a) &&
        MADA_TN(mada_arrays_ok)(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        ((a->part[0] == \null && a->part[1] == \null && a->part[2] == \null &&
          a->part[3] == \null && a->part[4] == \null && a->part[5] == \null) ||
         (MADA_TN(mada_part_ok)(a->n, a->part[0], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
          MADA_TN(mada_part_ok)(a->n, a->part[1], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
          MADA_TN(mada_part_ok)(a->n, a->part[2], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
          MADA_TN(mada_part_ok)(a->n, a->part[3], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
          MADA_TN(mada_part_ok)(a->n, a->part[4], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
          MADA_TN(mada_part_ok)(a->n, a->part[5], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l)));
*/
