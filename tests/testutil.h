/*
 * testutil.h -- helpers shared by the CUnit suites: a seeded generator, state
 * snapshots compared byte for byte, and suite registration.
 */
#ifndef MADA_TESTUTIL_H
#define MADA_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stdint.h>
#include <string.h>

#include "mada_internal.h"

/* No lean part in force: the full lines of spec 5. */
#define MADA_FULL ((mada_lean){0, 0, 0, 0, 0})

/* splitmix64: small, seeded, the same on every machine. */
typedef struct {
    uint64_t s;
} rng_t;

static inline uint64_t rng_u64(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double rng_unif(rng_t *r)
{
    return (double)(rng_u64(r) >> 11) * 0x1p-53;
}

/* Uniform in [lo, hi). */
static inline double rng_range(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unif(r);
}

/* A "gradient-like" value: sign random, magnitude log-uniform in
 * [2^lo_exp, 2^hi_exp). */
double rng_logmag(rng_t *r, int lo_exp, int hi_exp);

/* Fill a buffer of n elements of dtype with rng_logmag values (and exact
 * zeros with probability zero_p). */
void fill_random(void *buf, size_t n, mada_dtype d, rng_t *r, int lo_exp, int hi_exp,
                 double zero_p);

/* Elements of a buffer of type d: the size in bytes; element i set to v
 * (rounded to the type); element i widened to double. */
static inline size_t elem_size(mada_dtype d)
{
    return d == MADA_F32 ? sizeof(float) : sizeof(double);
}

static inline void elem_put(void *b, size_t i, mada_dtype d, double v)
{
    if (d == MADA_F32)
        ((float *)b)[i] = (float)v;
    else
        ((double *)b)[i] = v;
}

static inline double elem_get(const void *b, size_t i, mada_dtype d)
{
    return d == MADA_F32 ? (double)((const float *)b)[i] : ((const double *)b)[i];
}

/* Everything observable about an optimizer, copied byte for byte. */
typedef struct {
    unsigned char *bytes;
    size_t len;
} snapshot;

/* Copy opt (scalars, configuration, hyper state, every array) into a snapshot
 * (a CUDA optimizer's arrays copied from its device). */
snapshot snap_take(const mada_opt *opt);
/* 1 if opt is byte-identical to the snapshot. */
int snap_equal(const snapshot *s, const mada_opt *opt);
void snap_free(snapshot *s);

/* Create an optimizer from a preset, failing the current test if that fails. */
mada_opt *make_opt(const char *preset, size_t n, mada_dtype d);

/* ---- Files (tests/testutil.c) ---- */
/* A fresh directory /tmp/mada-test-XXXXXX (dir: 32 bytes). */
void make_dir(char dir[32]);
/* out = dir/name (cap bytes). */
void path_in(char *out, size_t cap, const char *dir, const char *name);
/* Remove dir and everything in it. */
void rm_tree(const char *dir);
/* 1 if dir holds exactly the count entries names (and no temporary file of
 * mada_save()). */
int dir_is(const char *dir, const char *const *names, int count);
/* The whole file, malloc'd; *len its length.  NULL if unreadable. */
unsigned char *slurp(const char *path, size_t *len);
/* Write len bytes to path (asserting success). */
void spit(const char *path, const void *p, size_t len);
void put_le64(unsigned char *p, uint64_t v);
void put_le32(unsigned char *p, uint32_t v);
/* Recompute the CRC-64 trailer of a whole state-file image. */
void fix_crc(unsigned char *b, size_t len);

/* Each suite file registers its suite. */
void register_special_suite(void);
void register_partials_suite(void);
void register_reduce_suite(void);
void register_iteration_suite(void);
void register_badinput_suite(void);
void register_state_suite(void);
void register_scalars_suite(void);
void register_transcription_suite(void);
void register_robust_suite(void);
void register_lean_suite(void);
void register_project_suite(void);
void register_toy_suite(void);
void register_mpfr_opt_suite(void);
void register_errors_suite(void);
void register_bounds_suite(void);
void register_fast_suite(void);
void register_cuda_suite(void);

/* The CUDA backend's kernel bodies run on the host (tests/cuda_emul.c). */
extern const mada_backend_ops mada_cuda_emul_ops;

/* Add a suite with tests {name, fn} terminated by {NULL, NULL}. */
typedef struct {
    const char *name;
    CU_TestFunc fn;
} test_entry;
void add_suite(const char *name, const test_entry *tests);
/* A suite that needs a GPU: added inactive when !available (CUnit skips
 * it), with why kept for skipped_report(). */
void add_suite_gpu(const char *name, const test_entry *tests, int available, const char *why);
/* Print one SKIPPED line per inactive suite whose name contains filter (NULL:
 * all); returns how many tests they hold. */
unsigned skipped_report(const char *filter);

#endif
