/*
 * cuda_none.c -- the CUDA backend's host side in a library built without
 * nvcc: every entry says so (MADA_E_BACKEND), nothing else is reachable.
 */
#include <stdio.h>

#include "mada_internal.h"

static const char no_cuda[] =
    "CUDA: this library was built without CUDA (nvcc was not found when it was built)";

int mada_cuda_status(int device, char *buf, size_t cap)
{
    (void)device;
    if (buf && cap)
        snprintf(buf, cap, "%s", no_cuda);
    return MADA_E_BACKEND;
}

int mada_cuda_ctx_new(void **ctx, int device, size_t n, char *why, size_t cap)
{
    (void)ctx, (void)n;
    return mada_cuda_status(device, why, cap);
}

void mada_cuda_ctx_free(void *ctx)
{
    (void)ctx;
}

void mada_cuda_set_stream(void *ctx, void *stream)
{
    (void)ctx, (void)stream;
}

const char *mada_cuda_take_error(void *ctx)
{
    return ctx ? no_cuda : NULL;
}

int mada_cuda_alloc(void *ctx, void **p, size_t bytes)
{
    (void)ctx, (void)p, (void)bytes;
    return MADA_E_BACKEND;
}

void mada_cuda_free(void *p)
{
    (void)p;
}

int mada_cuda_fill(void *ctx, void *p, size_t n, int f32, double value)
{
    (void)ctx, (void)p, (void)n, (void)f32, (void)value;
    return MADA_E_BACKEND;
}

int mada_cuda_check_ptr(void *ctx, const void *p, const char *name, char *why, size_t cap)
{
    (void)ctx, (void)p, (void)name;
    if (why && cap)
        snprintf(why, cap, "%s", no_cuda);
    return MADA_E_BACKEND;
}

int mada_cuda_download(void *ctx, void *host, const void *dev, size_t bytes)
{
    (void)ctx, (void)host, (void)dev, (void)bytes;
    return MADA_E_BACKEND;
}

int mada_cuda_upload(void *ctx, void *dev, const void *host, size_t bytes)
{
    (void)ctx, (void)dev, (void)host, (void)bytes;
    return MADA_E_BACKEND;
}

int mada_cuda_setup(void *ctx, int f32, size_t n, const void *g, void *gp, void *nn)
{
    (void)ctx, (void)f32, (void)n, (void)g, (void)gp, (void)nn;
    return MADA_E_BACKEND;
}

static int no_pass1(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad)
{
    (void)a, (void)H, (void)bad;
    return MADA_E_BACKEND;
}

static float no_kernel_f32(const mada_kargs_f32 *a, mada_scalars_f32 s)
{
    (void)a, (void)s;
    return 0.0f;
}

static double no_kernel_f64(const mada_kargs_f64 *a, mada_scalars_f64 s)
{
    (void)a, (void)s;
    return 0.0;
}

static int no_project(const mada_project_t *a, size_t *bad)
{
    (void)a, (void)bad;
    return MADA_E_BACKEND;
}

const mada_backend_ops mada_cuda_ops = {
    MADA_BACKEND_CUDA, no_pass1, no_pass1, no_kernel_f32, no_kernel_f64, no_project,
};
