/* domain_harness_impl.h -- one type's harness (proofs/domain_harness.c). */

/*@
    // The hyper-optimizer's state the caller keeps: buffers finite once
    // started, skip counters below their limit, alpha_{t-1} accepted.
    predicate MADA_TN(h_hyper_ok)(mada_hyper_state hs, mada_hyper_input hin) =
        mada_in(hin.lr_prev, 0.0, MADA_LR_MAX) &&
        \forall integer k; 0 <= k < MADA_NCOEF ==>
            mada_hyper_buf_ok(hs.c[k].hb) && hs.c[k].skipped < UINT64_MAX;
*/

/* The coefficients of a step: those of a configuration that passed
 * mada_config_check(), after the hyper step when it is due, with the
 * settings ref/optimizer.c (hyper_step) passes.  Copied field by field (no
 * loop): WP then sees the same values, not values equal as real numbers. */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg);
    requires hyper: MADA_TN(h_hyper_ok)(hs, hin);
    requires \valid(q + (0 .. MADA_NCOEF - 1)) && \separated(q + (0 .. MADA_NCOEF - 1), cfg);
    assigns q[0 .. MADA_NCOEF - 1];
    ensures mada_in(q[0], 0.0, MADA_BETA_MAX) && mada_in(q[1], 0.0, MADA_BETA_MAX) &&
            mada_in(q[2], 0.0, MADA_BETA_MAX) && mada_in(q[3], 0.0, 1.0) &&
            mada_in(q[4], 0.0, 1.0) && mada_in(q[5], 0.0, 1.0);
*/
static void MADA_TN(domain_coefs)(const mada_config *cfg, mada_hyper_state hs,
                                  mada_hyper_input hin, int hyper, double *q)
{
#define H_FROM_CFG(k)                                                          \
    (hs.c[k].q = cfg->coef[k], hin.eta[k] = cfg->eta[k], hin.mu[k] = cfg->mu[k], \
     hin.lo[k] = cfg->lo[k], hin.hi[k] = cfg->hi[k])
    H_FROM_CFG(0), H_FROM_CFG(1), H_FROM_CFG(2), H_FROM_CFG(3), H_FROM_CFG(4), H_FROM_CFG(5);
#undef H_FROM_CFG
    hin.hclip = cfg->hclip;
    if (hyper)
        hs = mada_hyper_update(hs, hin);
    q[0] = hs.c[0].q, q[1] = hs.c[1].q, q[2] = hs.c[2].q;
    q[3] = hs.c[3].q, q[4] = hs.c[4].q, q[5] = hs.c[5].q;
}

/*@ requires cfg: \valid_read(cfg);
    requires arrays: \valid(x + (0 .. n - 1)) && \valid_read(g + (0 .. n - 1)) &&
        \valid(gp + (0 .. n - 1)) && \valid(m + (0 .. n - 1)) && \valid(v + (0 .. n - 1)) &&
        \valid(vb + (0 .. n - 1)) && \valid(nn + (0 .. n - 1)) && \valid(l + (0 .. n - 1));
    requires separated: \separated(x + (0 .. n - 1), g + (0 .. n - 1), gp + (0 .. n - 1),
        m + (0 .. n - 1), v + (0 .. n - 1), vb + (0 .. n - 1), nn + (0 .. n - 1),
        l + (0 .. n - 1));
    requires parts: store == 0 ||
        (MADA_TN(mada_part_ok)(n, p0, x, g, gp, m, v, vb, nn, l) &&
         MADA_TN(mada_part_ok)(n, p1, x, g, gp, m, v, vb, nn, l) &&
         MADA_TN(mada_part_ok)(n, p2, x, g, gp, m, v, vb, nn, l) &&
         MADA_TN(mada_part_ok)(n, p3, x, g, gp, m, v, vb, nn, l) &&
         MADA_TN(mada_part_ok)(n, p4, x, g, gp, m, v, vb, nn, l) &&
         MADA_TN(mada_part_ok)(n, p5, x, g, gp, m, v, vb, nn, l));
    // The state as the previous step left it (the kernel's postcondition
    // `stored`, without x) or as the optimizer set it up; one clause per
    // array (proofs/README.md, "The array loop", says why).
    requires vmax: \is_finite(vmax) && vmax >= 0.0;
    requires st_gp: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    requires st_m: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    requires st_v: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, vmax);
    requires st_vb: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, vmax);
    requires st_n: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    requires st_l: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    requires steps: t_prev < UINT64_MAX;
    requires hyper: MADA_TN(h_hyper_ok)(hs, hin);
*/
int MADA_TN(domain_step)(const mada_config *cfg, mada_hyper_state hs, mada_hyper_input hin,
                         int hyper, uint64_t t_prev, MADA_T *x, const MADA_T *g, double lr,
                         double vmax, size_t n, MADA_T *gp, MADA_T *m, MADA_T *v, MADA_T *vb,
                         MADA_T *nn, MADA_T *l, int store, MADA_T *p0, MADA_T *p1, MADA_T *p2,
                         MADA_T *p3, MADA_T *p4, MADA_T *p5)
{
    /* mada_create() / mada_load(): the configuration passed the check. */
    if (mada_config_check(cfg) != MADA_OK)
        return 1;
    /* mada_step(): the value checks, before anything changes. */
    const int compat_first = cfg->compat && t_prev == 0;
    size_t bad;
#if MADA_F32_ROUND
    if (mada_step_check_f32(x, g, n, lr, vmax, compat_first, &bad) != MADA_OK)
        return 1;
#else
    if (mada_step_check_f64(x, g, n, lr, vmax, compat_first, &bad) != MADA_OK)
        return 1;
#endif
    /* Spec 9, t = 1: compat mode starts n at g_1^2; otherwise the previous
     * gradient is g_1 itself. */
    if (t_prev == 0) {
        if (cfg->compat)
            MADA_TN(mada_compat_init_n)(n, g, nn);
        else
            MADA_TN(mada_first_gp)(n, g, gp);
    }
    /* The coefficients: the configuration's, updated by the hyper step when
     * it is due. */
    double q[MADA_NCOEF];
    MADA_TN(domain_coefs)(cfg, hs, hin, hyper, q);
    mada_scalar_inputs si;
    si.q[0] = q[0], si.q[1] = q[1], si.q[2] = q[2];
    si.q[3] = q[3], si.q[4] = q[4], si.q[5] = q[5];
    si.t = t_prev + 1;
    si.eps = cfg->eps;
    si.lb1 = cfg->lb1;
    si.lb2 = cfg->lb2;
    si.lr = lr;
    si.lambda = cfg->lambda;
    mada_scalars_f64 s64;
    mada_scalars_compute(&si, &s64);
    MADA_TN(mada_kargs) a;
    a.n = n;
    a.x = x;
    a.g = g;
    a.gp = gp;
    a.m = m;
    a.v = v;
    a.vb = vb;
    a.nn = nn;
    a.l = l;
    a.part[0] = store ? p0 : NULL;
    a.part[1] = store ? p1 : NULL;
    a.part[2] = store ? p2 : NULL;
    a.part[3] = store ? p3 : NULL;
    a.part[4] = store ? p4 : NULL;
    a.part[5] = store ? p5 : NULL;
    a.vbar_max = cfg->vbar == MADA_VBAR_MAX;
    a.lion_compat = cfg->compat;
    /* The kernel's preconditions, array by array (smaller goals). */
    //@ assert in_x: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(x[k], -MADA_XMAX, MADA_XMAX);
    //@ assert in_g: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(g[k], -MADA_GMAX, MADA_GMAX);
    //@ assert in_gp: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(gp[k], -MADA_GMAX, MADA_GMAX);
    //@ assert in_m: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(m[k], -MADA_S_MAX, MADA_S_MAX);
    //@ assert in_v: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(v[k], 0.0, MADA_V_MAX);
    //@ assert in_vb: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(vb[k], 0.0, MADA_V_MAX);
    //@ assert in_n: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(nn[k], -MADA_S_MAX, MADA_S_MAX);
    //@ assert in_l: \forall integer k; 0 <= k < n ==> MADA_TN(mada_fin)(l[k], -MADA_S_MAX, MADA_S_MAX);
    //@ assert arrays: MADA_TN(mada_arrays_ok)(a.n, a.x, a.g, a.gp, a.m, a.v, a.vb, a.nn, a.l);
#if MADA_F32_ROUND
    mada_scalars_round_f32(&s64, &a.s);
#else
    a.s = s64;
#endif
    (void)MADA_TN(mada_ref_kernel)(&a);
    return 0;
}
