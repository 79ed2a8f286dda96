/* domain_harness_impl.h -- one type's harness (proofs/domain_harness.c).
 *
 * mada_step()'s sequence in four stages, each a function whose contract
 * carries every fact the next stage needs, so that no goal has to carry a
 * quantified fact across a callee's writes in a large context (the lesson of
 * the array loop, proofs/README.md): the checks (h_check), the coefficients
 * and scalars (h_scalars), the t = 1 set-up (h_setup), the kernel call with
 * its argument struct (h_fill, h_kernel).  domain_step chains them.  The
 * type-independent pieces (h_hyper_ok, domain_coefs) are in
 * domain_harness.c. */

/* Stage 1, what mada_create()/mada_load() and mada_step() check before
 * anything changes: the configuration (mada_config_domain_check), the
 * hyper-optimizer's state when a hyper step is due (mada_hyper_check), the
 * step count, learning rate and vmax (mada_step_scalars_check), and the
 * step's elements (mada_step_check_T, the reference backend's pass 1,
 * fast/dispatch.c); the calls validate_step() makes. */
/*@ requires \valid_read(cfg);
    requires \valid_read(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1));
    requires \is_finite(vmax);
    assigns \nothing;
    ensures cfg: \result == 0 ==> mada_config_ok(cfg);
    ensures steps: \result == 0 ==> t_prev < UINT64_MAX;
    ensures hyper: \result == 0 && hyper != 0 ==> mada_hyper_ready(hs, lr_prev);
    ensures lr: \result == 0 ==> mada_in(lr, 0.0, MADA_LR_MAX);
    ensures vmax: \result == 0 ==> vmax <= MADA_V_MAX;
    ensures x: \result == 0 ==>
        \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    ensures g: \result == 0 ==>
        \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    ensures g1: \result == 0 && t_prev == 0 && cfg->compat ==>
        \forall integer k; 0 <= k < n ==>
            MADA_TN(mada_fin)(g[k], -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
*/
static int MADA_TN(h_check)(const mada_config *cfg, const MADA_T *x, const MADA_T *g, size_t n,
                            double lr, double vmax, uint64_t t_prev, int hyper,
                            mada_hyper_state hs, double lr_prev, uint64_t hyper_steps,
                            uint64_t skipped)
{
    if (mada_config_domain_check(cfg) != MADA_OK)
        return 1;
    if (hyper && mada_hyper_check(hs, lr_prev, hyper_steps, skipped) != MADA_OK)
        return 1;
    if (mada_step_scalars_check(t_prev, lr, vmax) != MADA_OK)
        return 1;
    const int compat_first = cfg->compat && t_prev == 0;
    size_t bad;
#if MADA_F32_ROUND
    if (mada_step_check_f32(x, g, n, compat_first, &bad) != MADA_OK)
        return 1;
#else
    if (mada_step_check_f64(x, g, n, compat_first, &bad) != MADA_OK)
        return 1;
#endif
    return 0;
}

/* Stage 3, spec 9 at t = 1: compat mode starts n at g_1^2; otherwise the
 * previous gradient is g_1 itself (for the arrays a lean configuration keeps,
 * spec 5.1).  The contract carries every array's fact across the set-up's
 * writes and states the kernel's per-array requires. */
/*@ requires cfg: \valid_read(cfg);
    requires MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires vmax: \is_finite(vmax) && vmax <= MADA_V_MAX;
    requires x: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    requires g: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    requires g1: first && cfg->compat ==> \forall integer k; 0 <= k < n ==>
        MADA_TN(mada_fin)(g[k], -MADA_COMPAT_G1_MAX, MADA_COMPAT_G1_MAX);
    requires st_gp: MADA_ARR(gp, 0, n, -MADA_GMAX, MADA_GMAX);
    requires st_m: MADA_ARR(m, 0, n, -MADA_S_MAX, MADA_S_MAX);
    requires st_v: MADA_ARR(v, 0, n, 0.0, vmax);
    requires st_vb: MADA_ARR(vb, 0, n, 0.0, vmax);
    requires st_n: MADA_ARR(nn, 0, n, -MADA_S_MAX, MADA_S_MAX);
    requires st_l: MADA_ARR(l, 0, n, -MADA_S_MAX, MADA_S_MAX);
    assigns MADA_ALL(gp, n), MADA_ALL(nn, n);
    MADA_ENSURES_IN_DOMAIN(n, x, g, gp, m, v, vb, nn, l)
*/
static void MADA_TN(h_setup)(const mada_config *cfg, int first, double vmax, size_t n,
                             const MADA_T *x, const MADA_T *g, MADA_T *gp, MADA_T *m, MADA_T *v,
                             MADA_T *vb, MADA_T *nn, MADA_T *l)
{
    (void)vmax, (void)x, (void)m, (void)v, (void)vb, (void)l; /* the contract's */
    if (first) {
        if (cfg->compat) {
            if (nn)
                MADA_TN(mada_compat_init_n)(n, g, nn);
        } else if (gp) {
            MADA_TN(mada_first_gp)(n, g, gp);
        }
    }
}

/* Stage 2: the coefficients (the configuration's, updated by the hyper step
 * when it is due) and the step's scalars, as mada_step() computes them. */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg);
    requires hyper: hyper != 0 ==> mada_hyper_ready(hs, hin.lr_prev);
    requires t >= 1;
    requires lr: mada_in(lr, 0.0, MADA_LR_MAX);
    assigns \nothing;
    ensures MADA_TN(mada_scalars_ok)(\result);
*/
static MADA_TN(mada_scalars) MADA_TN(h_scalars)(const mada_config *cfg, mada_hyper_state hs,
                                                mada_hyper_input hin, int hyper, uint64_t t,
                                                double lr)
{
    double q[MADA_NCOEF];
    domain_coefs(cfg, hs, hin, hyper, q);
    mada_scalar_inputs si;
    si.q[0] = q[0], si.q[1] = q[1], si.q[2] = q[2];
    si.q[3] = q[3], si.q[4] = q[4], si.q[5] = q[5];
    si.t = t;
    si.eps = cfg->eps;
    si.lb1 = cfg->lb1;
    si.lb2 = cfg->lb2;
    si.lr = lr;
    si.lambda = cfg->lambda;
    mada_scalars_f64 s64;
    mada_scalars_compute(&si, &s64);
#if MADA_F32_ROUND
    mada_scalars_f32 s;
    mada_scalars_round_f32(&s64, &s);
    return s;
#else
    return s64;
#endif
}

/* Stage 4: the kernel argument struct *a as MADA_FILL_KARGS
 * (ref/optimizer.c) fills it (h_fill), and the kernel call (h_kernel).  *a
 * is mada_step()'s local struct: a C object of its own, disjoint from every
 * buffer (WP's memory model does not give that for a local whose address is
 * taken, so the harness receives the struct's address with that fact).
 * h_fill's contract carries the arrays' facts across the writes to *a and
 * states the kernel's preconditions as they read through *a.  (The scalars
 * are a separate argument of the kernel, not a field of *a: a goal whose
 * float facts are about memory just written does not prove with CVC5,
 * proofs/README.md.)  Any state array may be absent (NULL: a lean
 * configuration, spec 5.1), and so may any partial array; the lean lines
 * are any.  The partial arrays are passed whether or not this step stores
 * partials (a->partials says), so that the kernel's frame names the same
 * pointers as the caller's. */
/*@ requires a: \valid(a) && MADA_STRUCT_SEPARATED(a, n);
    MADA_IN_DOMAIN(n, x, g, gp, m, v, vb, nn, l)
    requires parts:
        MADA_TN(mada_part_ok)(n, p0, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p1, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p2, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p3, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p4, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p5, x, g, gp, m, v, vb, nn, l);
    requires MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    assigns *a;
    ensures kargs: MADA_TN(mada_kargs_ok)(a);
    MADA_ENSURES_IN_DOMAIN(a->n, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l)
    ensures a->n == n && a->x == x && a->g == g && a->gp == gp && a->m == m && a->v == v &&
            a->vb == vb && a->nn == nn && a->l == l;
    ensures parts: a->part[0] == p0 && a->part[1] == p1 && a->part[2] == p2 &&
            a->part[3] == p3 && a->part[4] == p4 && a->part[5] == p5 && a->partials == store;
    ensures a->vbar_max == vbar_max && a->lion_compat == lion_compat;
*/
static void MADA_TN(h_fill)(MADA_TN(mada_kargs) *a, size_t n, MADA_T *x, const MADA_T *g,
                            MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn, MADA_T *l,
                            int store, MADA_T *p0, MADA_T *p1, MADA_T *p2, MADA_T *p3,
                            MADA_T *p4, MADA_T *p5, int vbar_max, int lion_compat,
                            mada_lean ln)
{
    a->n = n;
    a->x = x;
    a->g = g;
    a->gp = gp;
    a->m = m;
    a->v = v;
    a->vb = vb;
    a->nn = nn;
    a->l = l;
    a->part[0] = p0;
    a->part[1] = p1;
    a->part[2] = p2;
    a->part[3] = p3;
    a->part[4] = p4;
    a->part[5] = p5;
    a->partials = store;
    a->vbar_max = vbar_max;
    a->lion_compat = lion_compat;
    a->lean = ln;
}

/*@ requires a: \valid(a) && MADA_STRUCT_SEPARATED(a, n);
    requires MADA_STATE_VALID(n) && MADA_STATE_SEPARATED(n);
    requires parts:
        MADA_TN(mada_part_ok)(n, p0, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p1, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p2, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p3, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p4, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p5, x, g, gp, m, v, vb, nn, l);
    requires sc: MADA_TN(mada_scalars_ok)(sc);
    MADA_IN_DOMAIN(n, x, g, gp, m, v, vb, nn, l)
    assigns *a, x[0 .. n - 1], MADA_ALL(gp, n), MADA_ALL(m, n), MADA_ALL(v, n), MADA_ALL(vb, n),
            MADA_ALL(nn, n), MADA_ALL(l, n), MADA_ALL(p0, n), MADA_ALL(p1, n), MADA_ALL(p2, n),
            MADA_ALL(p3, n), MADA_ALL(p4, n), MADA_ALL(p5, n);
*/
static MADA_T MADA_TN(h_kernel)(MADA_TN(mada_kargs) *a, size_t n, MADA_T *x, const MADA_T *g,
                                MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb, MADA_T *nn,
                                MADA_T *l, int store, MADA_T *p0, MADA_T *p1, MADA_T *p2,
                                MADA_T *p3, MADA_T *p4, MADA_T *p5, MADA_TN(mada_scalars) sc,
                                int vbar_max, int lion_compat, mada_lean ln)
{
    MADA_TN(h_fill)(a, n, x, g, gp, m, v, vb, nn, l, store, p0, p1, p2, p3, p4, p5, vbar_max,
                    lion_compat, ln);
    return MADA_TN(mada_ref_kernel)(a, sc);
}

/* mada_step() for one element type: the four stages in its order.  Only the
 * pointer facts mada_step() establishes by construction (buffers of n
 * elements, or none for an array a lean configuration drops; the optimizer's
 * own allocations disjoint from x, g and the configuration, the kernel
 * argument struct *a a distinct object) and the arrays' state the previous
 * step left are assumed; every scalar of the state is checked (stage 1).
 * The lean lines (ln) and which arrays are absent are any: the proof covers
 * every lean configuration. */
/*@ requires cfg: \valid_read(cfg);
    requires arrays: MADA_STATE_VALID(n);
    requires separated: MADA_STATE_SEPARATED(n);
    requires kargs: \valid(a) && MADA_STRUCT_SEPARATED(a, n);
    requires parts:
        MADA_TN(mada_part_ok)(n, p0, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p1, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p2, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p3, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p4, x, g, gp, m, v, vb, nn, l) &&
        MADA_TN(mada_part_ok)(n, p5, x, g, gp, m, v, vb, nn, l);
    // The state as the previous step left it (the kernel's postcondition
    // `stored`, without x, with vmax its result) or as the optimizer set it
    // up; one clause per array (proofs/README.md, "The array loop").
    requires vmax: \is_finite(vmax) && vmax >= 0.0;
    requires st_gp: MADA_ARR(gp, 0, n, -MADA_GMAX, MADA_GMAX);
    requires st_m: MADA_ARR(m, 0, n, -MADA_S_MAX, MADA_S_MAX);
    requires st_v: MADA_ARR(v, 0, n, 0.0, vmax);
    requires st_vb: MADA_ARR(vb, 0, n, 0.0, vmax);
    requires st_n: MADA_ARR(nn, 0, n, -MADA_S_MAX, MADA_S_MAX);
    requires st_l: MADA_ARR(l, 0, n, -MADA_S_MAX, MADA_S_MAX);
*/
int MADA_TN(domain_step)(const mada_config *cfg, mada_hyper_state hs, mada_hyper_input hin,
                         uint64_t hyper_steps, uint64_t skipped,
                         int hyper, uint64_t t_prev, MADA_T *x, const MADA_T *g, double lr,
                         double vmax, size_t n, MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb,
                         MADA_T *nn, MADA_T *l, int store, MADA_T *p0, MADA_T *p1, MADA_T *p2,
                         MADA_T *p3, MADA_T *p4, MADA_T *p5, MADA_TN(mada_kargs) *a, mada_lean ln)
{
    /* mada_create() / mada_load(), then mada_step()'s checks. */
    if (MADA_TN(h_check)(cfg, x, g, n, lr, vmax, t_prev, hyper, hs, hin.lr_prev, hyper_steps,
                         skipped) != 0)
        return 1;
    /* Nothing below can fail.  mada_step() runs the t = 1 set-up before the
     * hyper step and the scalars; they commute (the set-up writes only gp
     * and n, which neither reads), and in this order no fact about *cfg has
     * to cross the set-up's writes (a packed predicate across writes does
     * not prove, proofs/README.md). */
    const MADA_TN(mada_scalars) sc = MADA_TN(h_scalars)(cfg, hs, hin, hyper, t_prev + 1, lr);
    MADA_TN(h_setup)(cfg, t_prev == 0, vmax, n, x, g, gp, m, v, vb, nn, l);
    (void)MADA_TN(h_kernel)(a, n, x, g, gp, m, v, vb, nn, l, store, p0, p1, p2, p3, p4, p5, sc,
                            cfg->vbar == MADA_VBAR_MAX, cfg->compat, ln);
    return 0;
}
