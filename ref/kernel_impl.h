/*
 * kernel_impl.h -- the reference array loop and the canonical reduction
 * (spec 6.1) for one element type.  Template: included by ref/kernels.c with
 * MADA_T and MADA_TN defined as in element_impl.h.  The predicates and the
 * annotation macros of the contracts are in ref/kernel_pred.h.
 *
 * A state array may be absent (NULL): a lean configuration drops it (spec
 * 5.1), and the kernel neither reads nor stores it.  Likewise a partial
 * array is present only for a coefficient that learns and only in a step
 * that stores partials.  The contracts say "P == NULL or <the fact about P>"
 * per array (ref/mada_internal.h, MADA_ARR and the macros beside it), so
 * that they hold for any combination of absent arrays.
 *
 * The loop is written for its proof (proofs/README.md, "The array loop"):
 * each element's reads and arithmetic sit behind one contracted function
 * that writes nothing (mada_ref_load); each store sits in a function of its
 * own (mada_put_*) whose contract carries every fact of the loop from before
 * the store to after it, so that no goal meets two conditional stores; the
 * loop's own goals then match contracts.  Facts are stated one quantifier
 * per array and separation inline, never packed into a predicate the
 * provers would have to unfold.
 */

/* ---- The stores of element i ---------------------------------------------
 * One function per array, each with one store (none when the array is
 * absent) and a contract that carries every fact of the loop (MADA_PHASE)
 * from before that store to after it: the conditional stores of a lean
 * optimizer then never meet in one goal (measured: proofs/README.md, "The
 * array loop").  mada_ref_put() calls them in the order x, v, vb, gp, m,
 * nn, l. */

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: \is_finite(val);
    MADA_PHASE(requires, i, i, i, i, vm)
    exits \false;
    assigns x[i];
    MADA_PHASE(ensures, i, i + 1, i, i, vm)
*/
static void MADA_TN(mada_put_x)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)g, (void)gp, (void)m, (void)v, (void)vb, (void)nn, (void)l, (void)vm;
    x[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, 0.0, vm);
    MADA_PHASE(requires, i, i + 1, i, i, vm)
    exits \false;
    assigns MADA_AT(v, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i, vm)
*/
static void MADA_TN(mada_put_v)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)vb, (void)nn, (void)l, (void)vm;
    if (v)
        v[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, 0.0, vm);
    MADA_PHASE(requires, i, i + 1, i + 1, i, vm)
    exits \false;
    assigns MADA_AT(vb, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_vb)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)v, (void)nn, (void)l, (void)vm;
    if (vb)
        vb[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, -MADA_GMAX, MADA_GMAX);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vm)
    exits \false;
    assigns MADA_AT(gp, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_gp)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)m, (void)v, (void)vb, (void)nn, (void)l, (void)vm;
    if (gp)
        gp[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, -MADA_S_MAX, MADA_S_MAX);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vm)
    exits \false;
    assigns MADA_AT(m, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_m)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)v, (void)vb, (void)nn, (void)l, (void)vm;
    if (m)
        m[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, -MADA_S_MAX, MADA_S_MAX);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vm)
    exits \false;
    assigns MADA_AT(nn, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_nn)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)v, (void)vb, (void)l, (void)vm;
    if (nn)
        nn[i] = val;
}

/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires val: MADA_TN(mada_fin)(val, -MADA_S_MAX, MADA_S_MAX);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vm)
    exits \false;
    assigns MADA_AT(l, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_l)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)v, (void)vb, (void)nn, (void)vm;
    if (l)
        l[i] = val;
}

/* One partial of element i, in the array p of a learning coefficient (NULL
 * for the others); the state's facts survive the store. */
/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires MADA_PART_OK(p, n);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vm)
    exits \false;
    assigns MADA_AT(p, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_put_part)(size_t i, size_t n, const MADA_T *x, const MADA_T *g,
        const MADA_T *gp, const MADA_T *m, const MADA_T *v, const MADA_T *vb, const MADA_T *nn,
        const MADA_T *l, MADA_T *p, MADA_T val, MADA_T vm)
{
    (void)n, (void)x, (void)g, (void)gp, (void)m, (void)v, (void)vb, (void)nn, (void)l, (void)vm;
    if (p)
        p[i] = val;
}

/* What mada_ref_load() returns: element i's step (mada_elem_step) and the
 * running maximum with it. */
typedef struct {
    MADA_TN(mada_elem_out) r;
    MADA_T vmax;
} MADA_TN(mada_load_out);

/* Element i's inputs (+0 for an absent array) and its step; reads only, so
 * that its arithmetic never meets the stores' frames in one goal. */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires i < n && MADA_STATE_VALID(n);
    requires MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101);
    MADA_PHASE(requires, i, i, i, i, vmax)
    exits \false;
    assigns \nothing;
    ensures vmax: MADA_TN(mada_fin)(\result.vmax, 0.0, 0x1.9p101) && vmax <= \result.vmax;
    ensures x2: \is_finite(\result.r.x2);
    ensures g: MADA_TN(mada_fin)(\result.r.g, -MADA_GMAX, MADA_GMAX);
    ensures m1: MADA_TN(mada_fin)(\result.r.m1, -MADA_S_MAX, MADA_S_MAX);
    ensures n1: MADA_TN(mada_fin)(\result.r.n1, -MADA_S_MAX, MADA_S_MAX);
    ensures l1: MADA_TN(mada_fin)(\result.r.l1, -MADA_S_MAX, MADA_S_MAX);
    ensures v1: MADA_TN(mada_fin)(\result.r.v1, 0.0, \result.vmax);
    ensures vb1: MADA_TN(mada_fin)(\result.r.vb1, 0.0, \result.vmax);
*/
static inline MADA_TN(mada_load_out) MADA_TN(mada_ref_load)(size_t i, size_t n, const MADA_T *x,
        const MADA_T *g, const MADA_T *gp, const MADA_T *m, const MADA_T *v, const MADA_T *vb,
        const MADA_T *nn, const MADA_T *l, MADA_TN(mada_scalars) sc, int vbar_max,
        int lion_compat, mada_lean ln, int partials, MADA_T vmax)
{
    (void)n; /* the contract's bound */
    const MADA_T z = (MADA_T)0; /* the value of an absent array's element */
    MADA_TN(mada_load_out) o;
    o.r = MADA_TN(mada_elem_step)(sc, vbar_max, lion_compat, ln, partials, x[i], g[i],
                                  gp ? gp[i] : z, m ? m[i] : z, v ? v[i] : z, vb ? vb[i] : z,
                                  nn ? nn[i] : z, l ? l[i] : z);
    o.vmax = MADA_TN(mada_max)(vmax, o.r.vm);
    return o;
}

/* Element i's stores: x and the present state, through the seven store
 * functions (their contracts carry the loop's facts from i to i + 1). */
/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires vm: MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101) && vmax <= vm;
    requires x2: \is_finite(r.x2);
    requires g: MADA_TN(mada_fin)(r.g, -MADA_GMAX, MADA_GMAX);
    requires m1: MADA_TN(mada_fin)(r.m1, -MADA_S_MAX, MADA_S_MAX);
    requires n1: MADA_TN(mada_fin)(r.n1, -MADA_S_MAX, MADA_S_MAX);
    requires l1: MADA_TN(mada_fin)(r.l1, -MADA_S_MAX, MADA_S_MAX);
    requires v1: MADA_TN(mada_fin)(r.v1, 0.0, vm);
    requires vb1: MADA_TN(mada_fin)(r.vb1, 0.0, vm);
    MADA_PHASE(requires, i, i, i, i, vmax)
    exits \false;
    assigns x[i], MADA_AT(gp, i), MADA_AT(m, i), MADA_AT(v, i), MADA_AT(vb, i), MADA_AT(nn, i),
            MADA_AT(l, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vm)
*/
static void MADA_TN(mada_ref_put)(size_t i, size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp,
        MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_TN(mada_elem_out) r,
        MADA_T vmax, MADA_T vm)
{
    (void)vmax; /* the contract's */
    MADA_TN(mada_put_x)(i, n, x, g, gp, m, v, vb, nn, l, r.x2, vm);
    MADA_TN(mada_put_v)(i, n, x, g, gp, m, v, vb, nn, l, r.v1, vm);
    MADA_TN(mada_put_vb)(i, n, x, g, gp, m, v, vb, nn, l, r.vb1, vm);
    MADA_TN(mada_put_gp)(i, n, x, g, gp, m, v, vb, nn, l, r.g, vm);
    MADA_TN(mada_put_m)(i, n, x, g, gp, m, v, vb, nn, l, r.m1, vm);
    MADA_TN(mada_put_nn)(i, n, x, g, gp, m, v, vb, nn, l, r.n1, vm);
    MADA_TN(mada_put_l)(i, n, x, g, gp, m, v, vb, nn, l, r.l1, vm);
}

/* Element i's partials, stored after its state in the arrays of the
 * learning coefficients (the others are NULL). */
/*@ requires i < n && MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires MADA_PART_OK(p0, n);
    requires MADA_PART_OK(p1, n);
    requires MADA_PART_OK(p2, n);
    requires MADA_PART_OK(p3, n);
    requires MADA_PART_OK(p4, n);
    requires MADA_PART_OK(p5, n);
    MADA_PHASE(requires, i, i + 1, i + 1, i + 1, vmax)
    exits \false;
    assigns MADA_AT(p0, i), MADA_AT(p1, i), MADA_AT(p2, i), MADA_AT(p3, i), MADA_AT(p4, i),
            MADA_AT(p5, i);
    MADA_PHASE(ensures, i, i + 1, i + 1, i + 1, vmax)
*/
static void MADA_TN(mada_ref_store_partials)(size_t i, size_t n, const MADA_T *x, const MADA_T *g, const MADA_T *gp,
        const MADA_T *m, const MADA_T *v, const MADA_T *vb, const MADA_T *nn, const MADA_T *l,
        MADA_T *p0, MADA_T *p1, MADA_T *p2, MADA_T *p3, MADA_T *p4, MADA_T *p5,
        MADA_TN(mada_partial) p, MADA_T vmax)
{
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p0, p.b1, vmax);
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p1, p.b2, vmax);
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p2, p.b3, vmax);
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p3, p.rho, vmax);
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p4, p.c, vmax);
    MADA_TN(mada_put_part)(i, n, x, g, gp, m, v, vb, nn, l, p5, p.gm, vmax);
}

/* One step over n elements: element by element, the step, its stores, and
 * the partials of the learning coefficients when `partials` is set (their
 * arrays are NULL otherwise, and for the coefficients that do not learn). */
/*@ requires MADA_TN(mada_scalars_ok)(sc);
    requires MADA_TN(mada_arrays_ok)(n, x, g, gp, m, v, vb, nn, l);
    requires MADA_PART_OK(p0, n);
    requires MADA_PART_OK(p1, n);
    requires MADA_PART_OK(p2, n);
    requires MADA_PART_OK(p3, n);
    requires MADA_PART_OK(p4, n);
    requires MADA_PART_OK(p5, n);
    MADA_IN_DOMAIN(n, x, g, gp, m, v, vb, nn, l)
    exits \false;
    assigns x[0 .. n - 1], MADA_ALL(gp, n), MADA_ALL(m, n), MADA_ALL(v, n), MADA_ALL(vb, n),
            MADA_ALL(nn, n), MADA_ALL(l, n), MADA_ALL(p0, n), MADA_ALL(p1, n), MADA_ALL(p2, n),
            MADA_ALL(p3, n), MADA_ALL(p4, n), MADA_ALL(p5, n);
    ensures vmax: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures stored: MADA_TN(mada_outputs_ok)(n, x, gp, m, v, vb, nn, l, \result);
*/
static MADA_T MADA_TN(mada_ref_loop)(size_t n, MADA_T *x, const MADA_T *g, MADA_T *gp, MADA_T *m,
        MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l, MADA_T *p0, MADA_T *p1, MADA_T *p2,
        MADA_T *p3, MADA_T *p4, MADA_T *p5, MADA_TN(mada_scalars) sc, int vbar_max,
        int lion_compat, mada_lean ln, int partials)
{
    MADA_T vmax = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant vmax: MADA_TN(mada_fin)(vmax, 0.0, 0x1.9p101);
        MADA_PHASE(loop invariant, i, i, i, i, vmax)
        loop assigns i, vmax, x[0 .. n - 1], MADA_ALL(gp, n), MADA_ALL(m, n), MADA_ALL(v, n),
                     MADA_ALL(vb, n), MADA_ALL(nn, n), MADA_ALL(l, n), MADA_ALL(p0, n),
                     MADA_ALL(p1, n), MADA_ALL(p2, n), MADA_ALL(p3, n), MADA_ALL(p4, n),
                     MADA_ALL(p5, n);
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        const MADA_TN(mada_load_out) o = MADA_TN(mada_ref_load)(i, n, x, g, gp, m, v, vb, nn, l,
                                                                 sc, vbar_max, lion_compat, ln,
                                                                 partials, vmax);
        MADA_TN(mada_ref_put)(i, n, x, g, gp, m, v, vb, nn, l, o.r, vmax, o.vmax);
        MADA_TN(mada_ref_store_partials)(i, n, x, g, gp, m, v, vb, nn, l, p0, p1, p2, p3, p4, p5,
                                         o.r.p, o.vmax);
        vmax = o.vmax;
    }
    return vmax;
}

/* One step over a->n elements (spec 5, 5.1) with the step's scalars s.
 * Returns the largest v and vbar stored (+0 for n = 0, or when neither is
 * kept): mada_step() checks it against MADA_V_MAX before the next step.  The
 * previous gradient is read from gp (mada_step() copies g there at t = 1,
 * spec 9); every element reads its inputs before anything of it is written.
 * The partials are computed and stored when a->partials is set (the arrays
 * of the learning coefficients are then present; mada_step() sets all six
 * NULL otherwise). */
/*@ requires MADA_TN(mada_kargs_ok)(a);
    requires MADA_TN(mada_scalars_ok)(s);
    MADA_IN_DOMAIN(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l)
    exits \false;
    assigns a->x[0 .. a->n - 1], MADA_ALL(a->gp, a->n), MADA_ALL(a->m, a->n),
            MADA_ALL(a->v, a->n), MADA_ALL(a->vb, a->n), MADA_ALL(a->nn, a->n),
            MADA_ALL(a->l, a->n), MADA_ALL(a->part[0], a->n), MADA_ALL(a->part[1], a->n),
            MADA_ALL(a->part[2], a->n), MADA_ALL(a->part[3], a->n),
            MADA_ALL(a->part[4], a->n), MADA_ALL(a->part[5], a->n);
    ensures vmax: MADA_TN(mada_fin)(\result, 0.0, 0x1.9p101);
    ensures stored: MADA_TN(mada_outputs_ok)(a->n, a->x, a->gp, a->m, a->v, a->vb, a->nn, a->l,
                                             \result);
*/
MADA_T MADA_TN(mada_ref_kernel)(const MADA_TN(mada_kargs) *a, MADA_TN(mada_scalars) s)
{
    const MADA_TN(mada_kargs) k = *a; /* one read of *a: one memory goal */
    return MADA_TN(mada_ref_loop)(k.n, k.x, k.g, k.gp, k.m, k.v, k.vb, k.nn, k.l, k.part[0],
                                  k.part[1], k.part[2], k.part[3], k.part[4], k.part[5], s,
                                  k.vbar_max, k.lion_compat, k.lean, k.partials);
}

/* Spec 9, t = 1 outside compat mode: the previous gradient is g_1 itself, so
 * mada_step() copies g into the state array gp before the kernel runs. */
/*@ requires \valid_read(g + (0 .. n - 1)) && \valid(gp + (0 .. n - 1));
    requires \separated(g + (0 .. n - 1), gp + (0 .. n - 1));
    requires \forall integer i; 0 <= i < n ==> MADA_TN(mada_fin)(g[i], -MADA_GMAX, MADA_GMAX);
    exits \false;
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
    exits \false;
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
    exits \false;
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
