/*
 * test_special.c -- the special points of MADA-SPEC.md section 3.
 *
 * At each special point (presets adam, amsgrad, avgrad, yogi, adan, lion, and
 * the points whose vbar is "any" in both AVG and MAX modes) a MADA optimizer
 * and the standalone oracle of tests/oracles.c run the same 1000 steps (same
 * initial parameters, same random gradients, same learning rate) in binary32
 * and binary64, with and without weight decay.  After every step every
 * parameter and every state value the oracle keeps must be equal, compared
 * with C's == (equal values; spec 3 allows a different sign of zero).
 *
 * The oracle's hyperparameters are written here from the spec's preset table
 * (3.1), not read from the library, so a wrong preset fails the test too.
 *
 * Variants: a cosine learning-rate schedule, and gradients forced to hit
 * Yogi's tie g*g == v > 0 (s = 0) exactly.  The binary64 runs depend on how
 * 1 - beta^t is evaluated (SP_BIAS_RULE below).
 *
 * Every run is made twice: with the preset as it is (lean, spec 5.1: the
 * optimizer then keeps exactly the arrays the standalone optimizer keeps,
 * which is checked too) and with mada_config.lean = 0 (every array kept, the
 * full lines of spec 5).
 *
 * Negative controls show the comparison can fail: a one-ulp change of one
 * coefficient in the MADA configuration (or its weight decay switched off),
 * and each special point against the oracles of the other points, must
 * produce mismatches.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracles.h"
#include "testutil.h"

#define SP_N 64
#define SP_STEPS 1000
#define SP_LR 1e-3
#define SP_LAMBDA 0.01
#define SP_PI 3.14159265358979323846

/* How the library evaluates 1 - beta^t for its per-step scalars (oracles.h):
 * ref/scalars.c uses -expm1(t log1p(beta - 1)) for beta >= 1/2 (docs/DECISIONS.md
 * D4), not the literal 1 - pow(beta, t).  The binary64 comparisons follow this
 * rule; binary32 must match under both rules (they round to the same binary32
 * scalars for these betas and t <= SP_STEPS). */
#define SP_BIAS_RULE ORC_BC_EXPM1

/* One MADA configuration: a preset, with vbar possibly switched. */
typedef struct {
    const char *preset;
    mada_vbar_mode vbar;
    orc_kind kind; /* the optimizer this point recovers */
} sp_case;

static const sp_case cases[] = {
    {"adam", MADA_VBAR_AVG, ORC_ADAM},       {"adam", MADA_VBAR_MAX, ORC_ADAM},
    {"amsgrad", MADA_VBAR_MAX, ORC_AMSGRAD}, {"avgrad", MADA_VBAR_AVG, ORC_AVGRAD},
    {"yogi", MADA_VBAR_AVG, ORC_YOGI},       {"yogi", MADA_VBAR_MAX, ORC_YOGI},
    {"adan", MADA_VBAR_AVG, ORC_ADAN},       {"adan", MADA_VBAR_MAX, ORC_ADAN},
    {"lion", MADA_VBAR_AVG, ORC_LION},       {"lion", MADA_VBAR_MAX, ORC_LION},
};
#define SP_NCASES (sizeof cases / sizeof cases[0])

/* The oracle's hyperparameters: spec table 3.1 (lambda set per run).
 * Fields: beta1, beta2, beta3, lb1, lb2, eps, lambda, bias rule. */
static orc_hparams spec_hparams(orc_kind k)
{
    switch (k) {
    case ORC_YOGI: return (orc_hparams){0.9, 0.999, 0.0, 0.9, 0.99, 1e-3, 0.0, ORC_BC_POW};
    case ORC_ADAN: return (orc_hparams){0.98, 0.99, 0.92, 0.9, 0.99, 1e-8, 0.0, ORC_BC_POW};
    case ORC_LION: return (orc_hparams){0.9, 0.99, 0.0, 0.9, 0.99, 1e-8, 0.0, ORC_BC_POW};
    default: return (orc_hparams){0.9, 0.999, 0.0, 0.9, 0.99, 1e-8, 0.0, ORC_BC_POW};
    }
}

static const char *vbar_name(mada_vbar_mode m)
{
    return m == MADA_VBAR_MAX ? "MAX" : "AVG";
}

static const char *bias_name(orc_bias_rule r)
{
    return r == ORC_BC_EXPM1 ? "expm1" : "pow";
}

static const char *dtype_name(mada_dtype d)
{
    return d == MADA_F32 ? "binary32" : "binary64";
}

/* The arrays compared: the parameters and each state array an oracle keeps,
 * with the optimizer's array that holds the same quantity. */
static const struct {
    const char *name;
    unsigned flag; /* 0: always (parameters) */
    int arr;       /* MADA_ARR_*, -1 for the parameters */
} fields[] = {
    {"x", 0, -1},
    {"m", ORC_HAS_M, MADA_ARR_M},
    {"v", ORC_HAS_V, MADA_ARR_V},
    {"vbar", ORC_HAS_VB, MADA_ARR_VB},
    {"n", ORC_HAS_N, MADA_ARR_N},
    {"gp", ORC_HAS_GP, MADA_ARR_GP},
    {"l", ORC_HAS_L, MADA_ARR_L},
};
#define SP_NFIELDS (sizeof fields / sizeof fields[0])

/* The oracle's array for field f (NULL if it does not keep it). */
static const void *oracle_field(mada_dtype d, const orc_f32 *o32, const orc_f64 *o64,
                                size_t f)
{
    if (d == MADA_F32) {
        const float *p[] = {o32->x, o32->m, o32->v, o32->vb, o32->nd, o32->gp, o32->l};
        return p[f];
    }
    const double *p[] = {o64->x, o64->m, o64->v, o64->vb, o64->nd, o64->gp, o64->l};
    return p[f];
}

static double elem(const void *a, size_t i, mada_dtype d)
{
    return d == MADA_F32 ? (double)((const float *)a)[i] : ((const double *)a)[i];
}

/* Element i of a and b are equal values of type d (C ==, so +0 == -0 and a
 * NaN never equals anything). */
static int elem_eq(const void *a, const void *b, size_t i, mada_dtype d)
{
    if (d == MADA_F32)
        return ((const float *)a)[i] == ((const float *)b)[i];
    return ((const double *)a)[i] == ((const double *)b)[i];
}

/* How one run differs from an exact match. */
typedef struct {
    double lambda;
    int lean;                                   /* mada_config.lean          */
    orc_bias_rule bias;                         /* oracle's 1 - beta^t rule  */
    int sched;                                  /* cosine learning-rate schedule */
    int ties;                                   /* force g*g == v on some elements */
    void (*perturb)(mada_config *, mada_dtype); /* negative control, or NULL */
    int stop_first;                             /* stop at the first mismatch  */
} sp_opts;

typedef struct {
    int ok;                  /* creation and every step succeeded            */
    unsigned long long mism; /* mismatching values over all steps and fields */
    uint64_t step;           /* first mismatch: step, element, field, values */
    size_t elem;
    const char *field;
    double mada_val, orc_val;
    size_t moved;            /* parameters that changed over the run         */
    unsigned long ties;      /* gradients set so that g*g == v > 0 exactly    */
    unsigned arrays;         /* the state arrays the optimizer keeps (ORC_HAS_*) */
} sp_result;

/* For the Yogi tie sgn(g^2 - v) = 0 with v > 0: overwrite about one element
 * in eight of g (where the oracle's current v > 0) with a +-r such that
 * r*r == v exactly in the element type, when such an r exists next to
 * sqrt(v).  Returns the number of elements set. */
static unsigned long force_ties(void *g, const void *v, size_t n, mada_dtype d, rng_t *rng)
{
    unsigned long k = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t u = rng_u64(rng);
        if ((u & 7u) != 0)
            continue;
        const double sign = (u & 8u) ? -1.0 : 1.0;
        if (d == MADA_F32) {
            const float vi = ((const float *)v)[i];
            if (!(vi > 0.0f))
                continue;
            const float r0 = sqrtf(vi);
            const float cand[3] = {r0, nextafterf(r0, 0.0f), nextafterf(r0, 1e30f)};
            for (int c = 0; c < 3; c++)
                if (cand[c] * cand[c] == vi) {
                    ((float *)g)[i] = (float)sign * cand[c];
                    k++;
                    break;
                }
        } else {
            const double vi = ((const double *)v)[i];
            if (!(vi > 0.0))
                continue;
            const double r0 = sqrt(vi);
            const double cand[3] = {r0, nextafter(r0, 0.0), nextafter(r0, 1e300)};
            for (int c = 0; c < 3; c++)
                if (cand[c] * cand[c] == vi) {
                    ((double *)g)[i] = sign * cand[c];
                    k++;
                    break;
                }
        }
    }
    return k;
}

/* This step's learning rate. */
static double step_lr(const sp_opts *op, uint64_t t)
{
    if (!op->sched)
        return SP_LR;
    return SP_LR * (0.5 + 0.5 * cos(SP_PI * (double)t / SP_STEPS));
}

/* Run MADA at point c against oracle kind ok_kind (hyperparameters from the
 * spec table) for SP_STEPS steps, comparing after every step. */
static sp_result run_pair(const sp_case *c, orc_kind ok_kind, mada_dtype d,
                          const sp_opts *op, uint64_t seed)
{
    sp_result res = {0, 0, 0, 0, NULL, 0.0, 0.0, 0, 0, 0};
    const size_t esz = d == MADA_F32 ? sizeof(float) : sizeof(double);

    mada_config cfg;
    if (mada_config_preset(&cfg, c->preset) != MADA_OK)
        return res;
    cfg.vbar = c->vbar;
    cfg.lambda = op->lambda;
    cfg.lean = op->lean;
    if (op->perturb)
        op->perturb(&cfg, d);
    mada_opt *opt = NULL;
    if (mada_create(&opt, SP_N, d, &cfg) != MADA_OK)
        return res;
    for (size_t f = 1; f < SP_NFIELDS; f++)
        if (opt->arr[fields[f].arr])
            res.arrays |= fields[f].flag;

    orc_hparams hp = spec_hparams(ok_kind);
    hp.lambda = op->lambda;
    hp.bias = op->bias;

    void *x = malloc(SP_N * esz), *x0 = malloc(SP_N * esz), *g = malloc(SP_N * esz);
    orc_f32 o32;
    orc_f64 o64;
    int orc_ok = 0;
    if (x && x0 && g) {
        rng_t rng = {seed};
        fill_random(x, SP_N, d, &rng, -6, 3, 0.05);
        memcpy(x0, x, SP_N * esz);
        orc_ok = d == MADA_F32 ? orc_init_f32(&o32, ok_kind, &hp, SP_N, x) == 0
                               : orc_init_f64(&o64, ok_kind, &hp, SP_N, x) == 0;
        const unsigned mask = orc_state_mask(ok_kind);
        res.ok = orc_ok;
        for (uint64_t t = 1; orc_ok && t <= SP_STEPS; t++) {
            fill_random(g, SP_N, d, &rng, -20, 4, 0.05);
            if (op->ties && (mask & ORC_HAS_V))
                res.ties += force_ties(g, d == MADA_F32 ? (const void *)o32.v
                                                        : (const void *)o64.v,
                                       SP_N, d, &rng);
            const double lr = step_lr(op, t);
            if (mada_step(opt, x, g, lr) != MADA_OK) {
                printf("\nspecial: mada_step failed at step %llu: %s\n",
                       (unsigned long long)t, mada_last_error(opt));
                res.ok = 0;
                break;
            }
            if (d == MADA_F32)
                orc_step_f32(&o32, g, lr);
            else
                orc_step_f64(&o64, g, lr);
            for (size_t f = 0; f < SP_NFIELDS; f++) {
                if (fields[f].flag && !(mask & fields[f].flag))
                    continue;
                const void *mine = fields[f].arr < 0 ? x : opt->arr[fields[f].arr];
                const void *theirs = oracle_field(d, &o32, &o64, f);
                for (size_t i = 0; i < SP_N; i++) {
                    /* An array the oracle keeps and a lean optimizer dropped
                     * (a cross-point comparison) is a mismatch. */
                    if (mine && elem_eq(mine, theirs, i, d))
                        continue;
                    if (res.mism++ == 0) {
                        res.step = t;
                        res.elem = i;
                        res.field = fields[f].name;
                        res.mada_val = mine ? elem(mine, i, d) : NAN;
                        res.orc_val = elem(theirs, i, d);
                    }
                }
            }
            if (op->stop_first && res.mism)
                break;
        }
        for (size_t i = 0; i < SP_N; i++)
            res.moved += !elem_eq(x, x0, i, d);
    }
    if (orc_ok) {
        if (d == MADA_F32)
            orc_free_f32(&o32);
        else
            orc_free_f64(&o64);
    }
    free(x);
    free(x0);
    free(g);
    mada_destroy(opt);
    return res;
}

/* Seed of one run: distinct per case, type and option set, fixed forever. */
static uint64_t seed_of(size_t ci, mada_dtype d, unsigned variant)
{
    return 0x5EC1A1D0000ull + 1000u * ci + 10u * (unsigned)d + variant;
}

/* Compare every case of kind k with its oracle: both types, lambda 0 and 0.01
 * (and, if sched, the cosine learning rate).  Asserts no mismatch; prints the
 * first one. */
static void check_kind(orc_kind k, int sched, int ties)
{
    int ran = 0;
    for (size_t ci = 0; ci < SP_NCASES; ci++) {
        if (cases[ci].kind != k)
            continue;
        for (int di = 0; di < 2; di++) {
            const mada_dtype d = di ? MADA_F64 : MADA_F32;
            for (unsigned ri = 0; ri < 2; ri++) {
            /* binary64: the library's rule only; binary32: both rules. */
            const orc_bias_rule rule = ri ? (orc_bias_rule)(1 - SP_BIAS_RULE) : SP_BIAS_RULE;
            if (ri && d == MADA_F64)
                continue;
            for (unsigned li = 0; li < 4; li++) {
                const int lean = li < 2;
                const sp_opts op = {(li & 1) ? SP_LAMBDA : 0.0, lean, rule, sched, ties, NULL, 0};
                const sp_result r = run_pair(
                    &cases[ci], k, d, &op,
                    seed_of(ci, d, (li & 1) + 2u * (unsigned)sched + 4u * (unsigned)ties));
                char msg[400];
                snprintf(msg, sizeof msg,
                         "%s point (preset %s, vbar %s, %s) %s lambda %g%s%s, oracle 1-beta^t "
                         "by %s: %llu mismatches",
                         orc_name(k), cases[ci].preset, vbar_name(cases[ci].vbar),
                         lean ? "lean" : "full", dtype_name(d), op.lambda,
                         sched ? " scheduled lr" : "", ties ? " g^2 == v ties" : "",
                         bias_name(rule), r.mism);
                /* Spec 5.1: lean keeps exactly the standalone optimizer's
                 * arrays; full keeps all six. */
                const unsigned want = lean ? orc_state_mask(k)
                                           : ORC_HAS_M | ORC_HAS_V | ORC_HAS_VB | ORC_HAS_N |
                                                 ORC_HAS_GP | ORC_HAS_L;
                if (r.arrays != want)
                    printf("\nspecial: %s: keeps arrays 0x%x, want 0x%x\n", msg, r.arrays, want);
                CU_assertImplementation(r.arrays == want, __LINE__,
                                        "the optimizer keeps exactly the arrays spec 5.1 lists",
                                        __FILE__, "", CU_FALSE);
                if (!r.ok)
                    printf("\nspecial: %s: setup or step failed\n", msg);
                CU_assertImplementation(r.ok, __LINE__, "run completed", __FILE__, "",
                                        CU_FALSE);
                if (r.mism) {
                    printf("\nspecial: %s; first at step %llu element %zu field %s: "
                           "mada %a (%.17g), oracle %a (%.17g)\n",
                           msg, (unsigned long long)r.step, r.elem, r.field, r.mada_val,
                           r.mada_val, r.orc_val, r.orc_val);
                }
                CU_assertImplementation(r.mism == 0, __LINE__, msg, __FILE__, "", CU_FALSE);
                /* Not vacuous: the run moved (almost) every parameter. */
                CU_assertImplementation(r.moved >= SP_N * 9 / 10, __LINE__,
                                        "the run changed at least 90% of the parameters",
                                        __FILE__, "", CU_FALSE);
                /* The tie runs really contain ties (hundreds are expected). */
                if (ties)
                    CU_assertImplementation(r.ties >= 100, __LINE__,
                                            "at least 100 gradients with g*g == v > 0",
                                            __FILE__, "", CU_FALSE);
                ran++;
            }
            }
        }
    }
    CU_ASSERT(ran > 0);
}

static void test_adam(void) { check_kind(ORC_ADAM, 0, 0); }
static void test_amsgrad(void) { check_kind(ORC_AMSGRAD, 0, 0); }
static void test_avgrad(void) { check_kind(ORC_AVGRAD, 0, 0); }
static void test_yogi(void) { check_kind(ORC_YOGI, 0, 0); }
static void test_adan(void) { check_kind(ORC_ADAN, 0, 0); }
static void test_lion(void) { check_kind(ORC_LION, 0, 0); }

/* A learning rate that changes every step (alpha_t scheduled, spec 1). */
static void test_scheduled(void)
{
    check_kind(ORC_ADAM, 1, 0);
    check_kind(ORC_AVGRAD, 1, 0);
    check_kind(ORC_LION, 1, 0);
}

/* Yogi's sign term at its tie: g*g == v > 0 exactly, so s = sgn(0) = 0 and
 * v' = beta2 v + (1 - beta2) v (random gradients almost never hit this).  The
 * Adam-family points see the same gradients. */
static void test_ties(void)
{
    check_kind(ORC_YOGI, 0, 1);
    check_kind(ORC_ADAM, 0, 1);
    check_kind(ORC_AMSGRAD, 0, 1);
}

/* ---- Negative controls ---------------------------------------------------------- */
/* Move a coefficient one ulp up in the kernel's type, so that the rounded
 * per-step scalars really change (a binary64 ulp can vanish in binary32). */
static double ulp_up(double v, mada_dtype d)
{
    return d == MADA_F32 ? (double)nextafterf((float)v, 2.0f) : nextafter(v, 2.0);
}

static void perturb_beta1(mada_config *c, mada_dtype d)
{
    c->coef[MADA_BETA1] = ulp_up(c->coef[MADA_BETA1], d);
}
static void perturb_beta2(mada_config *c, mada_dtype d)
{
    c->coef[MADA_BETA2] = ulp_up(c->coef[MADA_BETA2], d);
}
static void perturb_beta3(mada_config *c, mada_dtype d)
{
    c->coef[MADA_BETA3] = ulp_up(c->coef[MADA_BETA3], d);
}
static void perturb_eps(mada_config *c, mada_dtype d)
{
    c->eps = ulp_up(c->eps, d);
}
static void perturb_lb2(mada_config *c, mada_dtype d)
{
    c->lb2 = ulp_up(c->lb2, d);
}
/* Weight decay dropped on the MADA side only (a one-ulp change of lambda can
 * vanish in the rounding of lr * lambda). */
static void drop_lambda(mada_config *c, mada_dtype d)
{
    (void)d;
    c->lambda = 0.0;
}

/* A one-ulp change of one coefficient of the MADA configuration (and weight
 * decay switched off) must be seen by the same comparison that finds none
 * without it. */
static void test_negative_ulp(void)
{
    static const struct {
        const char *preset;
        mada_vbar_mode vbar;
        void (*perturb)(mada_config *, mada_dtype);
        double lambda;
        const char *what;
    } ctl[] = {
        {"adam", MADA_VBAR_AVG, perturb_beta1, 0.0, "Adam beta1"},
        {"avgrad", MADA_VBAR_AVG, perturb_beta2, 0.0, "AVGrad beta2"},
        {"yogi", MADA_VBAR_AVG, perturb_eps, 0.0, "Yogi eps"},
        {"adan", MADA_VBAR_AVG, perturb_beta3, 0.0, "Adan beta3"},
        {"lion", MADA_VBAR_AVG, perturb_lb2, 0.0, "Lion lb2"},
        {"amsgrad", MADA_VBAR_MAX, drop_lambda, SP_LAMBDA, "AMSGrad weight decay"},
    };
    for (size_t k = 0; k < sizeof ctl / sizeof ctl[0]; k++) {
        for (int di = 0; di < 2; di++) {
            const mada_dtype d = di ? MADA_F64 : MADA_F32;
            size_t ci = 0;
            while (ci < SP_NCASES && !(strcmp(cases[ci].preset, ctl[k].preset) == 0 &&
                                       cases[ci].vbar == ctl[k].vbar))
                ci++;
            CU_ASSERT_FATAL(ci < SP_NCASES);
            const sp_opts op = {ctl[k].lambda, 1, SP_BIAS_RULE, 0, 0, ctl[k].perturb, 0};
            const sp_result r = run_pair(&cases[ci], cases[ci].kind, d, &op,
                                         seed_of(ci, d, ctl[k].lambda > 0 ? 1u : 0u));
            char msg[200];
            snprintf(msg, sizeof msg,
                     "negative control: %s changed (%s) is detected", ctl[k].what,
                     dtype_name(d));
            if (r.mism == 0)
                printf("\nspecial: %s: FAILED, no mismatch found\n", msg);
            CU_assertImplementation(r.ok, __LINE__, "run completed", __FILE__, "", CU_FALSE);
            CU_assertImplementation(r.mism > 0, __LINE__, msg, __FILE__, "", CU_FALSE);
        }
    }
}

/* Each special point differs from the oracles of the other points: the
 * comparison distinguishes the six optimizers (so a preset that selected the
 * wrong point, e.g. rho = 1 for AMSGrad, would fail). */
static void test_negative_cross(void)
{
    for (size_t ci = 0; ci < SP_NCASES; ci++) {
        for (int k = 0; k < ORC_NKIND; k++) {
            if ((orc_kind)k == cases[ci].kind)
                continue;
            for (int di = 0; di < 2; di++) {
                const mada_dtype d = di ? MADA_F64 : MADA_F32;
                const sp_opts op = {0.0, 1, SP_BIAS_RULE, 0, 0, NULL, 1};
                const sp_result r = run_pair(&cases[ci], (orc_kind)k, d, &op,
                                             seed_of(ci, d, 0u));
                char msg[200];
                snprintf(msg, sizeof msg,
                         "negative control: preset %s (vbar %s) differs from the %s oracle (%s)",
                         cases[ci].preset, vbar_name(cases[ci].vbar), orc_name((orc_kind)k),
                         dtype_name(d));
                if (r.mism == 0)
                    printf("\nspecial: %s: FAILED, no mismatch found\n", msg);
                CU_assertImplementation(r.ok, __LINE__, "run completed", __FILE__, "",
                                        CU_FALSE);
                CU_assertImplementation(r.mism > 0, __LINE__, msg, __FILE__, "", CU_FALSE);
            }
        }
    }
}

void register_special_suite(void)
{
    static const test_entry tests[] = {
        {"Adam point (vbar AVG and MAX) equals the Adam oracle", test_adam},
        {"AMSGrad point (MAX) equals the AMSGrad oracle", test_amsgrad},
        {"AVGrad point (AVG) equals the AVGrad oracle", test_avgrad},
        {"Yogi point (vbar AVG and MAX) equals the Yogi oracle", test_yogi},
        {"Adan point (vbar AVG and MAX) equals the Adan oracle", test_adan},
        {"Lion point (vbar AVG and MAX) equals the Lion oracle", test_lion},
        {"scheduled learning rate: Adam, AVGrad, Lion equal their oracles", test_scheduled},
        {"Yogi tie g*g == v (s = 0): Yogi, Adam, AMSGrad equal their oracles", test_ties},
        {"negative control: a one-ulp coefficient change is detected", test_negative_ulp},
        {"negative control: each point differs from the other oracles", test_negative_cross},
        {NULL, NULL},
    };
    add_suite("special points", tests);
}
