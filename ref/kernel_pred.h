/*
 * kernel_pred.h -- the ACSL predicates of the array kernel's contract
 * (ref/kernel_impl.h), for one element type.  Template: included by
 * ref/mada_internal.h after the kernel argument types, with MADA_T and
 * MADA_TN defined as in element_impl.h, so that every file whose proofs call
 * the kernel (proofs/domain_harness.c) sees the same definitions.  The
 * annotation macros that use them (MADA_ARR, MADA_PART_OK, ...) are in
 * ref/mada_internal.h.
 *
 * A state array may be absent (NULL: a lean configuration dropped it, spec
 * 5.1), and so may a partial array (its coefficient does not learn): such an
 * array has no facts ("P == NULL or ...").  The per-element facts
 * are one quantifier per array, not one quantifier over a conjunction: cvc5
 * then finds the instance a goal about one array needs (proofs/README.md,
 * "The array loop").
 */

/*@
    // What the step stored: x finite, the present state back in its domain,
    // v and vbar at most vmax (mada_step() checks vmax <= MADA_V_MAX before
    // the next step).
    predicate MADA_TN(mada_outputs_ok)(integer n, MADA_T *x, MADA_T *gp, MADA_T *m, MADA_T *v,
                                       MADA_T *vb, MADA_T *nn, MADA_T *l, real vmax) =
        (\forall integer k; 0 <= k < n ==> \is_finite(x[k])) &&
        MADA_ARR(gp, 0, n, -MADA_GMAX, MADA_GMAX) &&
        MADA_ARR(m, 0, n, -MADA_S_MAX, MADA_S_MAX) &&
        MADA_ARR(v, 0, n, 0.0, vmax) &&
        MADA_ARR(vb, 0, n, 0.0, vmax) &&
        MADA_ARR(nn, 0, n, -MADA_S_MAX, MADA_S_MAX) &&
        MADA_ARR(l, 0, n, -MADA_S_MAX, MADA_S_MAX);

    // x, g and the six state arrays: n elements each (none for an absent
    // one), pairwise disjoint, writable except g.
    predicate MADA_TN(mada_arrays_ok)(integer n, MADA_T *x, MADA_T *g, MADA_T *gp, MADA_T *m,
                                      MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l) =
        MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);

    // A partial array: absent, or n writable elements disjoint from x and g
    // and allocated apart from the state.  Partial arrays may overlap each
    // other; nothing proved depends on their values.
    predicate MADA_TN(mada_part_ok)(integer n, MADA_T *p, MADA_T *x, MADA_T *g, MADA_T *gp,
                                    MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l) =
        MADA_PART_OK(p, n);

    // The kernel arguments as mada_step() fills them: the arrays above and
    // the six partial pointers.  (*a is read before anything is written.)
    predicate MADA_TN(mada_kargs_ok){L}(MADA_TN(mada_kargs) *a) =
        \valid_read(a) &&
        MADA_TN(mada_arrays_ok)(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[0], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[1], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[2], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[3], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[4], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l) &&
        MADA_TN(mada_part_ok)(a->n, a->part[5], a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l);
*/
