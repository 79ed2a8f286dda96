/*
 * legacy_run.h -- the deterministic runs whose results at commit 3b68b45
 * (format version 1, before lean configurations) are kept in tests/data/
 * (written by tests/data/gen_legacy.c with that commit's library; read back
 * by tests/test_lean.c).  Public API only, so that the generator compiles
 * against any version of the library.
 *
 * Gradient of a separable quadratic with pseudo-random curvature, centre and
 * noise: g_i = a_i (x_i - c_i) + noise(t, i), every 7th element of some
 * steps exactly 0 (so signs of zero are exercised).
 */
#ifndef MADA_LEGACY_RUN_H
#define MADA_LEGACY_RUN_H

#include <stdint.h>
#include <string.h>

#include "mada.h"

static inline uint64_t legacy_mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static inline double legacy_unit(uint64_t key)
{
    return (double)(legacy_mix(key) >> 11) * 0x1p-52 - 1.0;
}

/* The gradient at step t (1-based) for parameters x (n elements of dtype). */
static inline void legacy_grad(void *g, const void *x, size_t n, mada_dtype d, uint64_t t,
                               uint64_t seed)
{
    for (size_t i = 0; i < n; i++) {
        const double xi = d == MADA_F32 ? (double)((const float *)x)[i] : ((const double *)x)[i];
        const double a = 0.5 + legacy_unit(seed * 7919u + i) * 0.45;
        const double c = legacy_unit(seed * 104729u + i) * 2.0;
        double gi = a * (xi - c) + 0.3 * legacy_unit((seed << 32) ^ (t * 1000003u + i));
        if ((i % 7u) == (t % 7u) && (t % 3u) == 0)
            gi = 0.0;
        if (d == MADA_F32)
            ((float *)g)[i] = (float)gi;
        else
            ((double *)g)[i] = gi;
    }
}

/* The learning rate of step t. */
static inline double legacy_lr(uint64_t t)
{
    return 0.01 / (1.0 + 0.01 * (double)t);
}

/* The cases: preset, type, n, steps before the saved state, steps after,
 * vbar override (-1: the preset's), weight decay, compat. */
typedef struct {
    const char *name;
    const char *preset;
    mada_dtype dtype;
    size_t n;
    unsigned steps_before, steps_after;
    int vbar;
    double lambda;
    int compat;
} legacy_case;

static const legacy_case legacy_cases[] = {
    {"adam_f32", "adam", MADA_F32, 33, 40, 40, -1, 0.0, 0},
    {"adam_f64_wd", "adam", MADA_F64, 33, 40, 40, -1, 0.01, 0},
    {"amsgrad_f32", "amsgrad", MADA_F32, 33, 40, 40, -1, 0.0, 0},
    {"avgrad_f64", "avgrad", MADA_F64, 33, 40, 40, -1, 0.0, 0},
    {"yogi_f32", "yogi", MADA_F32, 33, 40, 40, -1, 0.0, 0},
    {"adan_f64", "adan", MADA_F64, 33, 40, 40, -1, 0.0, 0},
    {"lion_f32_wd", "lion", MADA_F32, 33, 40, 40, -1, 0.1, 0},
    {"hyperadam_f32", "hyperadam", MADA_F32, 33, 60, 40, -1, 0.0, 0},
    {"mada_f32", "mada", MADA_F32, 37, 60, 40, -1, 0.0, 0},
    {"mada_f64_max", "mada", MADA_F64, 37, 60, 40, MADA_VBAR_MAX, 0.0, 0},
    {"madatoy_f64", "mada-toy", MADA_F64, 29, 40, 40, -1, 0.0, 0},
    {"madatoy_f32_compat", "mada-toy", MADA_F32, 29, 40, 40, -1, 0.0, 1},
};
#define LEGACY_NCASES (sizeof legacy_cases / sizeof legacy_cases[0])

/* The configuration of a case (0 on success). */
static inline int legacy_config(const legacy_case *c, mada_config *cfg)
{
    if (mada_config_preset(cfg, c->preset) != MADA_OK)
        return 1;
    if (c->vbar >= 0)
        cfg->vbar = (mada_vbar_mode)c->vbar;
    cfg->lambda = c->lambda;
    if (c->compat)
        mada_config_compat(cfg);
    return 0;
}

/* Run steps t0+1 .. t0+count on x with g as scratch; 0 on success. */
static inline int legacy_steps(mada_opt *o, const legacy_case *c, void *x, void *g,
                               uint64_t t0, unsigned count)
{
    for (unsigned k = 1; k <= count; k++) {
        const uint64_t t = t0 + k;
        legacy_grad(g, x, c->n, c->dtype, t, (uint64_t)(c - legacy_cases) + 1);
        if (mada_step(o, x, g, legacy_lr(t)) != MADA_OK)
            return 1;
    }
    return 0;
}

#endif
