/*
 * fuzz_diff.c -- differential fuzzing of the fast backends against the
 * reference (libFuzzer; issue 10).  Each input is decoded into a
 * configuration (a preset or coefficients frozen at lean values, inside, or
 * learning; AVG or MAX; lean or full; compat; weight decay), an element
 * type, a length, a buffer offset, a thread count and the inputs of a few
 * steps (a seed for the values and injected special values at chosen
 * places: signed zeros, subnormals, GMAX, XMAX, NaN, infinities, ties).
 * The reference, every fast backend this CPU runs and the CUDA kernels'
 * bodies run on the host (tests/cuda_emul.c) take the same steps;
 * any difference in status, offending index or any byte of the parameters
 * and the optimizer aborts.  Built with AddressSanitizer and
 * UndefinedBehaviorSanitizer (Makefile: make fuzz).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"

extern const mada_backend_ops mada_cuda_emul_ops; /* tests/cuda_emul.c */

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static unsigned take(input *in, unsigned bytes)
{
    unsigned v = 0;
    for (unsigned k = 0; k < bytes; k++) {
        v = v << 8 | (in->n ? *in->p : 0);
        if (in->n)
            in->p++, in->n--;
    }
    return v;
}

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A value of magnitude 2^[lo, hi), random sign. */
static double logmag(uint64_t *s, int lo, int hi)
{
    const uint64_t u = mix(s);
    const double m = exp2(lo + (hi - lo) * ((u >> 11) * 0x1p-53));
    return (u & 1) ? -m : m;
}

static double special(unsigned k, mada_dtype d)
{
    const double tiny = d == MADA_F32 ? 0x1p-149 : 0x1p-1074;
    const double vals[] = {0.0,  -0.0,      tiny,       -tiny,      0x1p-126,  -0x1p-1022,
                           1.0,  MADA_GMAX, -MADA_GMAX, MADA_XMAX, NAN,       INFINITY,
                           -INFINITY, 2 * MADA_GMAX, 1e-30, 0x1p27};
    return vals[k % (sizeof vals / sizeof vals[0])];
}

static void put(void *b, size_t i, mada_dtype d, double v)
{
    if (d == MADA_F32)
        ((float *)b)[i] = (float)v;
    else
        ((double *)b)[i] = v;
}

static const char *const presets[] = {"adam", "amsgrad", "avgrad", "yogi", "adan",
                                      "lion", "hyperadam", "mada", "mada-toy"};

/* Every byte of an optimizer that a step can change. */
static int same_opt(const mada_opt *a, const mada_opt *b)
{
    if (a->t != b->t || a->part_valid != b->part_valid || a->hyper_steps != b->hyper_steps ||
        a->skipped != b->skipped || memcmp(a->cfg.coef, b->cfg.coef, sizeof a->cfg.coef) ||
        memcmp(a->hypergrad, b->hypergrad, sizeof a->hypergrad) ||
        memcmp(a->hb, b->hb, sizeof a->hb) || memcmp(&a->vmax, &b->vmax, sizeof a->vmax) ||
        memcmp(&a->lr_prev, &b->lr_prev, sizeof a->lr_prev))
        return 0;
    const size_t bytes = a->n * a->esz;
    for (int k = 0; k < MADA_NARR; k++)
        if ((a->arr[k] == NULL) != (b->arr[k] == NULL) ||
            (a->arr[k] && memcmp(a->arr[k], b->arr[k], bytes)))
            return 0;
    for (int k = 0; k < MADA_NCOEF; k++)
        if ((a->part[k] == NULL) != (b->part[k] == NULL) ||
            (a->part[k] && a->part_valid && memcmp(a->part[k], b->part[k], bytes)))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    const unsigned flags = take(&in, 1);
    const mada_dtype d = flags & 1 ? MADA_F64 : MADA_F32;
    const unsigned which = take(&in, 1);
    mada_config cfg;
    mada_config_preset(&cfg, presets[which % 9]);
    if (which >= 128) { /* coefficients from the input */
        for (int q = 0; q < MADA_NCOEF; q++) {
            const unsigned c = take(&in, 1);
            if (c % 3 == 0) { /* frozen at a lean value */
                cfg.eta[q] = 0.0;
                cfg.coef[q] = q == MADA_BETA3 ? 0.0 : q == MADA_GAMMA ? (c >> 2) % 2
                            : q >= MADA_RHO ? 1.0 : cfg.coef[q];
            } else if (c % 3 == 1) {
                cfg.eta[q] = 0.0;
                cfg.coef[q] = (c >> 2) / 64.0 * (q <= MADA_BETA3 ? 0.99 : 1.0);
            } else {
                cfg.eta[q] = (c >> 2) / 128.0;
                cfg.coef[q] = cfg.lo[q] + (cfg.hi[q] - cfg.lo[q]) * ((c >> 2) % 16) / 15.0;
            }
        }
    }
    cfg.vbar = flags & 2 ? MADA_VBAR_MAX : MADA_VBAR_AVG;
    cfg.lean = !(flags & 4);
    if (flags & 8)
        mada_config_compat(&cfg);
    cfg.lambda = flags & 16 ? 0.03 : 0.0;
    cfg.warmup = (flags >> 5) & 1;
    size_t n = 1 + take(&in, 2) % 9000;
    const unsigned ot = take(&in, 1);
    const size_t offset = ot % 16;
    const int threads = 1 + (int)(ot >> 4) % 8;
    const int steps = 1 + (int)(take(&in, 1) % 4);
    uint64_t seed = ((uint64_t)take(&in, 4) << 32) | take(&in, 4);

    /* The last: the reference backend with the CUDA kernels' bodies run on
     * the host (tests/cuda_emul.c). */
    static const mada_backend backends[] = {MADA_BACKEND_REF, MADA_BACKEND_AVX512,
                                            MADA_BACKEND_AVX2, MADA_BACKEND_REF};
    enum { NB = 4 };
    mada_opt *o[NB] = {NULL};
    mada_backend id[NB];
    void *xb[NB] = {NULL}, *x[NB] = {NULL};
    const size_t es = d == MADA_F32 ? 4 : 8;
    int nb = 0;
    for (int b = 0; b < NB; b++) {
        if (!mada_backend_available(backends[b]))
            continue;
        if (mada_create(&o[nb], n, d, &cfg) != MADA_OK) /* an invalid configuration */
            goto out;
        mada_set_backend(o[nb], backends[b]);
        if (b == NB - 1)
            o[nb]->be = &mada_cuda_emul_ops;
        id[nb] = b == NB - 1 ? MADA_BACKEND_CUDA : backends[b];
        mada_set_threads(o[nb], threads);
        xb[nb] = malloc((n + 16) * es);
        x[nb] = (char *)xb[nb] + offset * es;
        nb++;
    }
    void *gb = malloc((n + 16) * es), *g = (char *)gb + (15 - offset) * es;
    for (size_t i = 0; i < n; i++)
        put(x[0], i, d, logmag(&seed, -20, 20));
    for (int b = 1; b < nb; b++)
        memcpy(x[b], x[0], n * es);
    for (int t = 0; t < steps; t++) {
        for (size_t i = 0; i < n; i++)
            put(g, i, d, logmag(&seed, -30, 8));
        /* Special values where the input says. */
        for (unsigned k = take(&in, 1) % 8; k > 0; k--) {
            const unsigned pos = take(&in, 2), what = take(&in, 1);
            put(what & 128 ? x[0] : g, pos % n, d, special(what, d));
            if (what & 128)
                for (int b = 1; b < nb; b++)
                    put(x[b], pos % n, d, special(what, d));
        }
        const double lr = (take(&in, 1) + 1) / 256.0;
        int rc0 = 0;
        for (int b = 0; b < nb; b++) {
            const int rc = mada_step(o[b], x[b], g, lr);
            if (b == 0)
                rc0 = rc;
            if (rc != rc0 || mada_last_error_index(o[b]) != mada_last_error_index(o[0]) ||
                memcmp(x[b], x[0], n * es) != 0 || !same_opt(o[b], o[0])) {
                fprintf(stderr, "fuzz_diff: %s differs from ref at step %d (status %d vs %d)\n",
                        id[b] == MADA_BACKEND_CUDA ? "cuda (emulated on the host)"
                                                   : mada_backend_name(id[b]),
                        t + 1, rc, rc0);
                abort();
            }
        }
        if (rc0 != MADA_OK) /* a refused input: make the parameters valid again */
            for (int b = 0; b < nb; b++)
                for (size_t i = 0; i < n; i++)
                    if (d == MADA_F32 ? !(fabsf(((float *)x[b])[i]) <= (float)MADA_XMAX)
                                      : !(fabs(((double *)x[b])[i]) <= MADA_XMAX))
                        put(x[b], i, d, 1.0);
        /* A projection (spec 7.1) where the input says, onto a box of
         * dyadic bounds (values of both types; lo > hi is refused alike). */
        const unsigned pj = take(&in, 1);
        if (pj & 1) {
            const double lo = -(double)(pj >> 1) / 8.0, hi = (double)take(&in, 1) / 16.0 - 1.0;
            int pr0 = 0;
            for (int b = 0; b < nb; b++) {
                const int rc = mada_project(o[b], x[b], lo, hi);
                if (b == 0)
                    pr0 = rc;
                if (rc != pr0 || mada_last_error_index(o[b]) != mada_last_error_index(o[0]) ||
                    memcmp(x[b], x[0], n * es) != 0 || !same_opt(o[b], o[0])) {
                    fprintf(stderr, "fuzz_diff: %s differs from ref in the projection after "
                            "step %d (status %d vs %d)\n",
                            id[b] == MADA_BACKEND_CUDA ? "cuda (emulated on the host)"
                                                       : mada_backend_name(id[b]),
                            t + 1, rc, pr0);
                    abort();
                }
            }
        }
    }
    free(gb);
out:
    for (int b = 0; b < NB; b++) {
        mada_destroy(o[b]);
        free(xb[b]);
    }
    return 0;
}
