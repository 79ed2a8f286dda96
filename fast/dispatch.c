/*
 * dispatch.c -- the backend table and the choice of the default backend,
 * made once per process (libsodium style).  Only the scalar reference exists
 * so far; avx512, avx2 and cuda are named so that MADA_BACKEND and
 * mada_set_backend() already answer "not available" for them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mada_internal.h"

static int always(void) { return 1; }

static const mada_backend_ops ref_ops = {
    MADA_BACKEND_REF, always,
    mada_ref_kernel_f32, mada_ref_kernel_f64,
    mada_ref_reduce_f32, mada_ref_reduce_f64,
};

/* Best first. */
static const mada_backend_ops *const table[] = {&ref_ops};

static const char *const names[] = {"auto", "ref", "avx512", "avx2", "cuda"};

const char *mada_backend_name(mada_backend b)
{
    return ((unsigned)b < sizeof names / sizeof names[0]) ? names[b] : "?";
}

const mada_backend_ops *mada_backend_ops_get(mada_backend b)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if ((b == MADA_BACKEND_AUTO || table[i]->id == b) && table[i]->available())
            return table[i];
    return NULL;
}

int mada_backend_available(mada_backend b)
{
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
    const mada_backend_ops *ops = mada_backend_ops_get(b);
    if (!ops)
        return MADA_E_BACKEND;
    opt->be = ops;
    return MADA_OK;
}
