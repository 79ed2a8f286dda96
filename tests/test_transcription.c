/*
 * test_transcription.c -- the element kernel equals a literal transcription
 * of spec 5 bit for bit (memcmp of every intermediate and output), binary32
 * and binary64, over random inputs and the boundary cases where the
 * value-identical rewritings of ref/element_impl.h could differ from the
 * spec's text (docs/DECISIONS.md D15): gh2 == v (s = 0), u == 0 (su = 0),
 * signed zeros, g == gp, wd == 0, special-point coefficients.
 */
#include <math.h>
#include <stdio.h>

#include "testutil.h"

/* Spec 5 line by line, as printed there (sgn by subtraction, v + gh2*s). */
#define SPEC5(T, SFX, SQRT)                                                        \
    static T spec_sgn_##SFX(T z) { return z > 0 ? (T)1 : (z < 0 ? (T)-1 : (T)0); } \
    static mada_elem_mid_##SFX spec5_##SFX(mada_scalars_##SFX k, int vmax, int lc, \
                                           mada_elem_in_##SFX e)                   \
    {                                                                              \
        mada_elem_mid_##SFX o;                                                     \
        o.d = e.g - e.gp;                                                          \
        o.gh = e.g + k.b3 * o.d;                                                   \
        o.gh2 = o.gh * o.gh;                                                       \
        o.s = spec_sgn_##SFX(o.gh2 - e.v);                                         \
        o.gt2 = k.c * o.gh2 + k.omc * (e.v + o.gh2 * o.s);                         \
        o.m1 = k.b1 * e.m + k.omb1 * e.g;                                          \
        o.v1 = k.b2 * e.v + k.omb2 * o.gt2;                                        \
        o.n1 = k.b3 * e.n + k.omb3 * o.d;                                          \
        o.vb1 = vmax ? ((o.v1 > e.vb) ? o.v1 : e.vb) : k.wo * e.vb + k.wn * o.v1;  \
        o.P = k.rh * o.v1 + k.omrh * o.vb1;                                        \
        o.vh = o.P * k.ib2;                                                        \
        o.r = SQRT(o.vh);                                                          \
        o.D = o.r + k.eps;                                                         \
        o.mh = o.m1 * k.ib1;                                                       \
        o.N = o.mh + k.b3 * o.n1;                                                  \
        o.q = o.N / o.D;                                                           \
        o.l1 = k.lb2 * e.l + k.omlb2 * e.g;                                        \
        o.u = k.lb1 * (lc ? o.l1 : e.l) + k.omlb1 * e.g;                           \
        o.su = spec_sgn_##SFX(o.u);                                                \
        o.upd = k.gm * o.q + k.omgm * o.su;                                        \
        o.x1 = (k.wd != 0) ? e.x - k.wd * e.x : e.x;                               \
        o.x2 = o.x1 - k.lr * o.upd;                                                \
        return o;                                                                  \
    }
SPEC5(float, f32, sqrtf)
SPEC5(double, f64, sqrt)

/* A value from a small set of awkward ones, or a random one. */
static double pick(rng_t *r, double scale)
{
    switch (rng_u64(r) % 8) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return scale;
    case 3: return -scale;
    default: return rng_logmag(r, -20, 4) * scale;
    }
}

static int run(int f32, int trials)
{
    rng_t r = {f32 ? 501 : 502};
    int bad = 0;
    for (int t = 0; t < trials; t++) {
        double q[MADA_NCOEF];
        for (int k = 0; k < MADA_NCOEF; k++) {
            const double hi = mada_coef_domain_hi(k);
            const uint64_t c = rng_u64(&r) % 4;
            q[k] = c == 0 ? 0.0 : c == 1 ? hi : rng_range(&r, 0.0, hi);
        }
        const uint64_t step = 1 + rng_u64(&r) % 50;
        const double lr = (rng_u64(&r) & 1) ? 1e-3 : 0.0;
        const double lambda = (rng_u64(&r) & 1) ? 0.01 : 0.0;
        mada_scalar_inputs si = {{0}, step, 1e-8, 0.9, 0.99, lr, lambda};
        memcpy(si.q, q, sizeof q);
        mada_scalars_f64 s64;
        mada_scalars_compute(&si, &s64);
        const double G = exp2(rng_range(&r, -10, 10));
        double g = pick(&r, G), gp = (rng_u64(&r) % 4 == 0) ? g : pick(&r, G);
        double m = pick(&r, G), n = pick(&r, G), l = pick(&r, G), x = pick(&r, 1.0);
        double vb = fabs(pick(&r, G * G)), v;
        const int vmax = (int)(rng_u64(&r) & 1), lc = (int)(rng_u64(&r) & 1);
        /* a tie gh2 == v in one case out of four */
        const double gh = g + (f32 ? (double)(float)s64.b3 : s64.b3) * (g - gp);
        v = (rng_u64(&r) % 4 == 0) ? gh * gh : fabs(pick(&r, G * G));
        if (f32) {
            mada_scalars_f32 k;
            mada_scalars_round_f32(&s64, &k);
            const mada_elem_in_f32 e = {(float)x, (float)g, (float)gp, (float)m,
                                        (float)v, (float)vb, (float)n, (float)l};
            const mada_elem_mid_f32 a = mada_element_f32(k, vmax, lc, MADA_FULL, e);
            const mada_elem_mid_f32 b = spec5_f32(k, vmax, lc, e);
            if (memcmp(&a, &b, sizeof a) != 0 && bad++ < 3)
                printf("\n  binary32 trial %d differs from the spec's text\n", t);
        } else {
            const mada_elem_in_f64 e = {x, g, gp, m, v, vb, n, l};
            const mada_elem_mid_f64 a = mada_element_f64(s64, vmax, lc, MADA_FULL, e);
            const mada_elem_mid_f64 b = spec5_f64(s64, vmax, lc, e);
            if (memcmp(&a, &b, sizeof a) != 0 && bad++ < 3)
                printf("\n  binary64 trial %d differs from the spec's text\n", t);
        }
    }
    return bad;
}

static void test_f32(void) { CU_ASSERT(run(1, 200000) == 0); }
static void test_f64(void) { CU_ASSERT(run(0, 200000) == 0); }

/* The comparison is sharp: the spec's text with one change (eps inside the
 * root) differs. */
static void test_detects(void)
{
    mada_scalar_inputs si = {{0.9, 0.999, 0.0, 1.0, 1.0, 1.0}, 3, 1e-8, 0.9, 0.99, 1e-3, 0.0};
    mada_scalars_f64 s;
    mada_scalars_compute(&si, &s);
    const mada_elem_in_f64 e = {0.5, 0.25, 0.1, 0.01, 1e-4, 1e-4, 0.0, 0.0};
    mada_elem_mid_f64 a = mada_element_f64(s, 0, 0, MADA_FULL, e), b = spec5_f64(s, 0, 0, e);
    CU_ASSERT(memcmp(&a, &b, sizeof a) == 0);
    b.D = sqrt(b.vh + s.eps);
    CU_ASSERT(memcmp(&a, &b, sizeof a) != 0);
}

void register_transcription_suite(void)
{
    static const test_entry tests[] = {
        {"binary32: element == spec 5 text, bit for bit, 200000 cases", test_f32},
        {"binary64: element == spec 5 text, bit for bit, 200000 cases", test_f64},
        {"a one-line change is detected", test_detects},
        {NULL, NULL},
    };
    add_suite("spec 5 transcription", tests);
}
