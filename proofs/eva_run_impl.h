/*
 * eva_run_impl.h -- the EVA harness's run of one element, for one type.
 * Template included by proofs/eva_harness.c with MADA_T, MADA_TN(x) (as in
 * ref/element_impl.h) and EVA_INTERVAL (Frama_C_float_interval or
 * Frama_C_double_interval) defined.  A template rather than a macro: the
 * loop annotation must survive preprocessing.
 */

/* The scalars that do not depend on the coefficients: intervals over their
 * whole domain (include/mada.h).  1 - beta for the Lion betas is in
 * [2^-20, 1]; [0, 1] covers it. */
static void MADA_TN(eva_free_scalars)(MADA_TN(mada_scalars) *s)
{
    s->lr = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_LR_MAX);
    s->wd = EVA_INTERVAL((MADA_T)0, (MADA_T)(MADA_LR_MAX * MADA_LAMBDA_MAX));
    s->eps = EVA_INTERVAL((MADA_T)MADA_EPS_MIN, (MADA_T)MADA_EPS_MAX);
    s->lb1 = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_BETA_MAX);
    s->omlb1 = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->lb2 = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_BETA_MAX);
    s->omlb2 = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
}

/* Every scalar an independent interval over the domain of mada_scalars_ok
 * (ref/element_impl.h). */
static void MADA_TN(eva_any_scalars)(MADA_TN(mada_scalars) *s)
{
    s->b1 = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_BETA_MAX);
    s->b2 = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_BETA_MAX);
    s->b3 = EVA_INTERVAL((MADA_T)0, (MADA_T)MADA_BETA_MAX);
    s->omb1 = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->omb2 = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->omb3 = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->rh = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->omrh = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->c = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->omc = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->gm = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->omgm = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->ib1 = EVA_INTERVAL((MADA_T)1, (MADA_T)MADA_IB_MAX);
    s->ib2 = EVA_INTERVAL((MADA_T)1, (MADA_T)MADA_IB_MAX);
    s->kb1 = (MADA_T)0; /* kb1, kb2, kc: used by the partials only */
    s->kb2 = (MADA_T)0;
    s->kc = (MADA_T)0;
    s->wo = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    s->wn = EVA_INTERVAL((MADA_T)0, (MADA_T)1);
    MADA_TN(eva_free_scalars)(s);
}

/* EVA_STEPS steps of one element from the zero state; the scalars of step t
 * are tab[t - 1] (a preset), or any scalars when tab is NULL. */
static void MADA_TN(eva_run)(const MADA_TN(mada_scalars) *tab, int vbar_max)
{
    MADA_TN(mada_elem_in) e;
    e.x = EVA_INTERVAL((MADA_T)-MADA_XMAX, (MADA_T)MADA_XMAX);
    e.m = (MADA_T)0;
    e.v = (MADA_T)0;
    e.vb = (MADA_T)0;
    e.n = (MADA_T)0;
    e.l = (MADA_T)0;
    e.g = (MADA_T)0;
    e.gp = (MADA_T)0;
    int t;
    /*@ loop unroll EVA_STEPS; */
    for (t = 1; t <= EVA_STEPS; t++) {
        MADA_TN(mada_scalars) s;
        if (tab) {
            s = tab[t - 1];
            MADA_TN(eva_free_scalars)(&s);
        } else {
            MADA_TN(eva_any_scalars)(&s);
        }
        const int lion_compat = Frama_C_interval(0, 1);
        /* Any lean parts (spec 5.1), each on or off; the values of arrays a
         * lean optimizer drops are then the +0 its element returns. */
        mada_lean ln;
        ln.adan = Frama_C_interval(0, 1);
        ln.lion = Frama_C_interval(0, 1);
        ln.avg = Frama_C_interval(0, 1);
        ln.yogi = Frama_C_interval(0, 1);
        ln.lion_only = Frama_C_interval(0, 1);
        e.g = EVA_INTERVAL((MADA_T)-MADA_GMAX, (MADA_T)MADA_GMAX);
        if (t == 1)
            e.gp = e.g; /* spec 9: at t = 1 the previous gradient is g_1 */
        const MADA_TN(mada_elem_mid) o = MADA_TN(mada_element)(s, vbar_max, lion_compat, ln, e);
        /* The state the step stores is the next step's input. */
        e.x = o.x2;
        e.m = o.m1;
        e.v = o.v1;
        e.vb = o.vb1;
        e.n = o.n1;
        e.l = o.l1;
        e.gp = e.g;
        /* mada_step()'s checks before the next step (ref/optimizer.c,
         * validate_step): |x| <= XMAX, largest v and vbar <= V_MAX. */
        if (!(e.x >= (MADA_T)-MADA_XMAX && e.x <= (MADA_T)MADA_XMAX))
            break;
        if (!(e.v <= (MADA_T)MADA_V_MAX && e.vb <= (MADA_T)MADA_V_MAX))
            break;
    }
    Frama_C_show_each_eva_steps(t);
    eva_runs_done++;
}
