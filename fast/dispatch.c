/*
 * dispatch.c -- the backend table and the choice of the default backend,
 * made once per process (libsodium style): the best backend the CPU runs
 * (cpuid through __builtin_cpu_supports), unless MADA_BACKEND names one.
 * A machine without AVX2 gets the reference.  CUDA is named so that
 * MADA_BACKEND and mada_set_backend() answer "not available" for it here.
 *
 * The reference backend's pass 1 is the proved checks of ref/validate.c
 * (mada_step_check_*) followed by the proved canonical reduction
 * (mada_ref_reduce_*) per learning coefficient: the sequence the domain
 * harness of the proofs follows (proofs/domain_harness.c).
 */
#include <errno.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"

/* ---- The reference backend ------------------------------------------------------ */
static int ref_pass1_f32(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad)
{
    const int rc = mada_step_check_f32(a->x, a->g, a->n, a->compat_first, bad);
    if (rc != MADA_OK)
        return rc;
    for (int k = 0; k < MADA_NCOEF; k++)
        if (a->part[k])
            H[k] = mada_ref_reduce_f32(a->g, a->part[k], a->n);
    return MADA_OK;
}

static int ref_pass1_f64(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad)
{
    const int rc = mada_step_check_f64(a->x, a->g, a->n, a->compat_first, bad);
    if (rc != MADA_OK)
        return rc;
    for (int k = 0; k < MADA_NCOEF; k++)
        if (a->part[k])
            H[k] = mada_ref_reduce_f64(a->g, a->part[k], a->n);
    return MADA_OK;
}

static const mada_backend_ops ref_ops = {
    MADA_BACKEND_REF, ref_pass1_f32, ref_pass1_f64, mada_ref_kernel_f32, mada_ref_kernel_f64,
    mada_ref_project,
};

/* ---- Availability: cpuid, in code compiled for the baseline ISA ---------------- */
static int always(void)
{
    return 1;
}

static int has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

static int has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}

/* Best first. */
static const struct {
    const mada_backend_ops *ops;
    int (*available)(void);
} table[] = {
    {&mada_avx512_ops, has_avx512},
    {&mada_avx2_ops, has_avx2},
    {&ref_ops, always},
};

static const char *const names[] = {"auto", "ref", "avx512", "avx2", "cuda"};

const char *mada_backend_name(mada_backend b)
{
    return ((unsigned)b < sizeof names / sizeof names[0]) ? names[b] : "?";
}

const mada_backend_ops *mada_backend_ops_get(mada_backend b)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if ((b == MADA_BACKEND_AUTO || table[i].ops->id == b) && table[i].available())
            return table[i].ops;
    return NULL;
}

int mada_backend_available(mada_backend b)
{
    if (b == MADA_BACKEND_CUDA) /* not in the table: host pointers never go there */
        return mada_cuda_status(0, NULL, 0) == MADA_OK;
    return mada_backend_ops_get(b) != NULL;
}

/* The default, decided once: MADA_BACKEND from the environment, else auto. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static int default_status;
static mada_backend default_backend;

static void choose_default(void)
{
    const char *env = getenv("MADA_BACKEND");
    mada_backend want = MADA_BACKEND_AUTO;
    if (env && *env) {
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] && strcmp(names[i], env) != 0)
            i++;
        if (i == sizeof names / sizeof names[0]) {
            default_status = MADA_E_BACKEND;
            return;
        }
        want = (mada_backend)i;
    }
    const mada_backend_ops *ops = mada_backend_ops_get(want);
    if (!ops) {
        default_status = MADA_E_BACKEND;
        return;
    }
    default_backend = ops->id;
    default_status = MADA_OK;
}

int mada_backend_default(mada_backend *b)
{
    if (!b)
        return MADA_E_NULL;
    pthread_once(&default_once, choose_default);
    if (default_status != MADA_OK)
        return default_status;
    *b = default_backend;
    return MADA_OK;
}

int mada_set_backend(mada_opt *opt, mada_backend b)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (opt->cuda) /* CUDA state stays on its device (include/mada.h) */
        return mada_fail(opt, MADA_E_BACKEND, SIZE_MAX,
                         "mada_set_backend: this optimizer's state is on a CUDA device; it "
                         "cannot move to another backend");
    const mada_backend_ops *ops = mada_backend_ops_get(b);
    if (!ops && b == MADA_BACKEND_CUDA)
        return mada_fail(opt, MADA_E_BACKEND, SIZE_MAX,
                         "mada_set_backend: a CPU optimizer cannot move to CUDA: create one "
                         "with mada_create_cuda()");
    if (!ops)
        return mada_fail(opt, MADA_E_BACKEND, SIZE_MAX,
                         "mada_set_backend: backend %s (%d) is not available here",
                         mada_backend_name(b), (int)b);
    opt->be = ops;
    return MADA_OK;
}

int mada_threads_default(int *nthreads)
{
    const char *env = getenv("MADA_NUM_THREADS");
    if (env && *env) {
        char *end;
        errno = 0;
        const long v = strtol(env, &end, 10);
        if (errno || *end || v < 1 || v > MADA_MAX_THREADS)
            return MADA_E_CONFIG;
        *nthreads = (int)v;
        return MADA_OK;
    }
    const int max = omp_get_max_threads();
    *nthreads = max < 1 ? 1 : max > MADA_MAX_THREADS ? MADA_MAX_THREADS : max;
    return MADA_OK;
}
