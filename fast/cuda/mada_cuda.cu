// mada_cuda.cu -- the CUDA backend (issue 11): the kernels of pass 1 (the
// value checks of spec 8 fused with the canonical reduction of spec 6.1) and
// pass 2 (the element step of spec 5, 5.1 and 6), binary32 and binary64, and
// their host side.  Built with nvcc -fmad=false -prec-div=true
// -prec-sqrt=true -ftz=false (Makefile) when nvcc exists.
//
// The element arithmetic is the reference's own element functions
// (ref/element_impl.h, __host__ __device__), so the code the proofs check is
// the code the GPU runs; the kernel bodies are in fast/cuda/cuda_impl.h,
// which tests/test_cuda_emul.c also runs on the host, index by index.
//
// Every buffer the kernels touch is device memory from cudaMalloc (never
// managed memory).  A step is synchronous with respect to the host: pass 1's
// verdict and sums come back before anything is written, and the step
// returns once pass 2 has finished on the caller's stream.
#include <cuda_runtime.h>
// The C headers mada_internal.h includes, first: then its own inclusions
// inside extern "C" are no-ops.
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern "C" {
#include "mada_internal.h"
}

#define MADA_T float
#define MADA_TN(x) x##_f32
#include "project_impl.h"
#include "cuda_impl.h"
#undef MADA_T
#undef MADA_TN
#define MADA_T double
#define MADA_TN(x) x##_f64
#include "project_impl.h"
#include "cuda_impl.h"
#undef MADA_T
#undef MADA_TN

// ---- The context: device, stream, scratch, last error ------------------------------
struct mada_cuda_ctx {
    int device;
    cudaStream_t stream;         // the caller's stream of the step in progress
    size_t nblocks;
    double *lanes, *blocksums;   // pass 1 scratch (device)
    unsigned long long *result;  // device: [0] bad g, [1] bad x, [2] vmax bits
    double *H;                   // device: the six sums
    int failed;                  // a device error since the last mada_cuda_take_error()
    char err[256];
};

static int fail_cuda(mada_cuda_ctx *c, cudaError_t e, const char *what)
{
    if (c) {
        snprintf(c->err, sizeof c->err, "CUDA: %s: %s (error %d)", what, cudaGetErrorString(e),
                 (int)e);
        c->failed = 1;
    }
    return MADA_E_BACKEND;
}

// The text of the device error since the last call, or NULL if none.
extern "C" const char *mada_cuda_take_error(void *ctx)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    if (!c || !c->failed)
        return NULL;
    c->failed = 0;
    return c->err;
}

#define CU_TRY(c, call, what)                                                          \
    do {                                                                               \
        cudaError_t e_ = (call);                                                       \
        if (e_ != cudaSuccess)                                                         \
            return fail_cuda((c), e_, (what));                                         \
    } while (0)

extern "C" int mada_cuda_status(int device, char *buf, size_t cap)
{
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
        if (buf && cap)
            snprintf(buf, cap, "CUDA: no usable device: %s (cudaGetDeviceCount error %d)",
                     cudaGetErrorString(e), (int)e);
        return MADA_E_BACKEND;
    }
    if (device < 0 || device >= count) {
        if (buf && cap)
            snprintf(buf, cap, "CUDA: device %d does not exist (%d device%s)", device, count,
                     count == 1 ? "" : "s");
        return MADA_E_BACKEND;
    }
    if (buf && cap) {
        cudaDeviceProp p;
        if (cudaGetDeviceProperties(&p, device) == cudaSuccess)
            snprintf(buf, cap, "CUDA: device %d: %s, compute capability %d.%d", device, p.name,
                     p.major, p.minor);
        else
            snprintf(buf, cap, "CUDA: device %d", device);
    }
    return MADA_OK;
}

extern "C" void mada_cuda_ctx_free(void *ctx)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    if (!c)
        return;
    cudaSetDevice(c->device);
    cudaFree(c->lanes);
    cudaFree(c->blocksums);
    cudaFree(c->result);
    cudaFree(c->H);
    free(c);
}

extern "C" int mada_cuda_ctx_new(void **out, int device, size_t n, char *why, size_t cap)
{
    if (mada_cuda_status(device, why, cap) != MADA_OK)
        return MADA_E_BACKEND;
    mada_cuda_ctx *c = (mada_cuda_ctx *)calloc(1, sizeof *c);
    if (!c)
        return MADA_E_NOMEM;
    c->device = device;
    c->nblocks = (n + MADA_RED_BLOCK - 1) / MADA_RED_BLOCK;
    cudaError_t e = cudaSetDevice(device);
    if (e == cudaSuccess)
        e = cudaMalloc(&c->lanes, (c->nblocks + 1) * MADA_NCOEF * MADA_RED_LANES * sizeof(double));
    if (e == cudaSuccess)
        e = cudaMalloc(&c->blocksums, (c->nblocks + 1) * MADA_NCOEF * sizeof(double));
    if (e == cudaSuccess)
        e = cudaMalloc(&c->result, 3 * sizeof(unsigned long long));
    if (e == cudaSuccess)
        e = cudaMalloc(&c->H, MADA_NCOEF * sizeof(double));
    if (e != cudaSuccess) {
        if (why && cap)
            snprintf(why, cap, "CUDA: scratch allocation: %s", cudaGetErrorString(e));
        mada_cuda_ctx_free(c);
        return e == cudaErrorMemoryAllocation ? MADA_E_NOMEM : MADA_E_BACKEND;
    }
    *out = c;
    return MADA_OK;
}

extern "C" void mada_cuda_set_stream(void *ctx, void *stream)
{
    ((mada_cuda_ctx *)ctx)->stream = (cudaStream_t)stream;
}

// Device memory for one array: zeroed.  MADA_E_NOMEM when the device is full.
extern "C" int mada_cuda_alloc(void *ctx, void **p, size_t bytes)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    cudaError_t e = cudaMalloc(p, bytes ? bytes : 1);
    if (e == cudaErrorMemoryAllocation) {
        fail_cuda(c, e, "cudaMalloc");
        return MADA_E_NOMEM;
    }
    CU_TRY(c, e, "cudaMalloc");
    CU_TRY(c, cudaMemset(*p, 0, bytes), "cudaMemset");
    return MADA_OK;
}

extern "C" void mada_cuda_free(void *p)
{
    cudaFree(p);
}

// Whether p .. p + bytes is memory the device can use: cudaMalloc'd memory of
// this device or managed memory.  A host pointer would fault in the kernel
// and leave the context unusable; it is refused before anything runs.
extern "C" int mada_cuda_check_ptr(void *ctx, const void *p, const char *name, char *why,
                                   size_t cap)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    cudaPointerAttributes at;
    cudaError_t e = cudaPointerGetAttributes(&at, p);
    if (e != cudaSuccess) {
        cudaGetLastError(); // not sticky: clear it
        snprintf(why, cap, "%s (%p) is not CUDA memory: %s", name, p, cudaGetErrorString(e));
        return MADA_E_BACKEND;
    }
    if (at.type == cudaMemoryTypeManaged ||
        (at.type == cudaMemoryTypeDevice && at.device == c->device))
        return MADA_OK;
    if (at.type == cudaMemoryTypeDevice)
        snprintf(why, cap, "%s (%p) is memory of CUDA device %d, not of this optimizer's device %d",
                 name, p, at.device, c->device);
    else
        snprintf(why, cap, "%s (%p) is host memory, not memory of CUDA device %d", name, p,
                 c->device);
    return MADA_E_BACKEND;
}

extern "C" int mada_cuda_download(void *ctx, void *host, const void *dev, size_t bytes)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    CU_TRY(c, cudaMemcpy(host, dev, bytes, cudaMemcpyDeviceToHost), "copy to the host");
    return MADA_OK;
}

extern "C" int mada_cuda_upload(void *ctx, void *dev, const void *host, size_t bytes)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    CU_TRY(c, cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice), "copy to the device");
    return MADA_OK;
}

// ---- Kernels ------------------------------------------------------------------------
#define KT 256 // threads per block

#define MADA_CUDA_KERNELS(T, SFX)                                                            \
    __global__ void lane_##SFX(mada_cuda_p1_##SFX a, unsigned long long *result)             \
    {                                                                                        \
        const size_t tid = (size_t)blockIdx.x * blockDim.x + threadIdx.x;                    \
        if (tid >= a.nblocks * MADA_RED_LANES)                                               \
            return;                                                                          \
        size_t bg, bx;                                                                       \
        mada_cuda_lane_##SFX(tid, &a, &bg, &bx);                                             \
        if (bg < a.n)                                                                        \
            atomicMin(&result[0], (unsigned long long)bg);                                   \
        if (bx < a.n)                                                                        \
            atomicMin(&result[1], (unsigned long long)bx);                                   \
    }                                                                                        \
    __global__ void tree_##SFX(mada_cuda_p1_##SFX a)                                         \
    {                                                                                        \
        const size_t tid = (size_t)blockIdx.x * blockDim.x + threadIdx.x;                    \
        if (tid < a.nblocks * MADA_NCOEF)                                                    \
            mada_cuda_tree_##SFX(tid, &a);                                                   \
    }                                                                                        \
    __global__ void total_##SFX(mada_cuda_p1_##SFX a, double *H)                             \
    {                                                                                        \
        const int k = threadIdx.x;                                                           \
        if (k < MADA_NCOEF && a.part[k])                                                     \
            H[k] = mada_cuda_total_##SFX(k, &a);                                             \
    }                                                                                        \
    __global__ void elem_##SFX(mada_kargs_##SFX a, mada_scalars_##SFX s,                     \
                               unsigned long long *vmax_bits)                                \
    {                                                                                        \
        unsigned long long m = 0;                                                            \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < a.n;              \
             i += (size_t)gridDim.x * blockDim.x) {                                          \
            const unsigned long long b = mada_cuda_elem_##SFX(i, &a, s);                     \
            m = b > m ? b : m;                                                               \
        }                                                                                    \
        if (m)                                                                               \
            atomicMax(vmax_bits, m);                                                         \
    }                                                                                        \
    __global__ void first_gp_##SFX(size_t n, const T *g, T *gp)                              \
    {                                                                                        \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;                \
             i += (size_t)gridDim.x * blockDim.x)                                            \
            gp[i] = g[i];                                                                    \
    }                                                                                        \
    __global__ void compat_n_##SFX(size_t n, const T *g, T *nn)                              \
    {                                                                                        \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;                \
             i += (size_t)gridDim.x * blockDim.x)                                            \
            nn[i] = mada_square_##SFX(g[i]);                                                 \
    }                                                                                        \
    __global__ void fill_##SFX(size_t n, T *p, T v)                                          \
    {                                                                                        \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;                \
             i += (size_t)gridDim.x * blockDim.x)                                            \
            p[i] = v;                                                                        \
    }                                                                                        \
    __global__ void proj_check_##SFX(mada_cuda_proj_##SFX a, unsigned long long *first)      \
    {                                                                                        \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < a.n;              \
             i += (size_t)gridDim.x * blockDim.x)                                            \
            if (mada_cuda_proj_check_##SFX(i, &a) < a.n)                                     \
                atomicMin(first, (unsigned long long)i);                                     \
    }                                                                                        \
    __global__ void proj_elem_##SFX(mada_cuda_proj_##SFX a)                                  \
    {                                                                                        \
        for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < a.n;              \
             i += (size_t)gridDim.x * blockDim.x)                                            \
            mada_cuda_proj_elem_##SFX(i, &a);                                                \
    }

MADA_CUDA_KERNELS(float, f32)
MADA_CUDA_KERNELS(double, f64)

// Blocks for a grid-stride loop over n items.
static unsigned grid_for(size_t n)
{
    const size_t b = (n + KT - 1) / KT;
    return (unsigned)(b > 65535u * 8u ? 65535u * 8u : b ? b : 1);
}

// ---- Host side of the passes ---------------------------------------------------------
#define MADA_CUDA_HOST(T, SFX)                                                               \
    static int pass1_##SFX(const mada_pass1_t *p, double H[MADA_NCOEF], size_t *bad)         \
    {                                                                                        \
        mada_cuda_ctx *c = (mada_cuda_ctx *)p->dev;                                          \
        cudaStream_t st = c->stream;                                                         \
        mada_cuda_p1_##SFX a;                                                                \
        a.n = p->n;                                                                          \
        a.nblocks = (p->n + MADA_RED_BLOCK - 1) / MADA_RED_BLOCK;                            \
        a.x = (const T *)p->x;                                                               \
        a.g = (const T *)p->g;                                                               \
        int any = 0;                                                                         \
        for (int k = 0; k < MADA_NCOEF; k++) {                                               \
            a.part[k] = (const T *)p->part[k];                                               \
            any |= p->part[k] != NULL;                                                       \
        }                                                                                    \
        a.gbound = mada_grad_bound(p->compat_first);                                         \
        a.lanes = c->lanes;                                                                  \
        a.blocksums = c->blocksums;                                                          \
        unsigned long long init[3] = {p->n, p->n, 0}, res[3];                                \
        CU_TRY(c, cudaMemcpyAsync(c->result, init, sizeof init, cudaMemcpyHostToDevice, st), \
               "pass 1 set-up");                                                             \
        if (a.nblocks) {                                                                     \
            lane_##SFX<<<grid_for(a.nblocks * MADA_RED_LANES), KT, 0, st>>>(a, c->result);   \
            if (any) {                                                                       \
                tree_##SFX<<<grid_for(a.nblocks * MADA_NCOEF), KT, 0, st>>>(a);              \
                total_##SFX<<<1, 32, 0, st>>>(a, c->H);                                      \
            }                                                                                \
        }                                                                                    \
        CU_TRY(c, cudaGetLastError(), "pass 1 launch");                                      \
        CU_TRY(c, cudaMemcpyAsync(res, c->result, sizeof res, cudaMemcpyDeviceToHost, st),   \
               "pass 1 result");                                                             \
        double h[MADA_NCOEF] = {0, 0, 0, 0, 0, 0};                                           \
        if (any && a.nblocks)                                                                \
            CU_TRY(c, cudaMemcpyAsync(h, c->H, sizeof h, cudaMemcpyDeviceToHost, st),        \
                   "pass 1 sums");                                                           \
        CU_TRY(c, cudaStreamSynchronize(st), "pass 1");                                      \
        if (res[0] < p->n) {                                                                 \
            *bad = (size_t)res[0];                                                           \
            return MADA_E_GRAD;                                                              \
        }                                                                                    \
        if (res[1] < p->n) {                                                                 \
            *bad = (size_t)res[1];                                                           \
            return MADA_E_PARAM;                                                             \
        }                                                                                    \
        for (int k = 0; k < MADA_NCOEF; k++)                                                 \
            if (p->part[k])                                                                  \
                H[k] = a.nblocks ? h[k] : 0.0;                                               \
        return MADA_OK;                                                                      \
    }                                                                                        \
    static T kernel_##SFX(const mada_kargs_##SFX *a, mada_scalars_##SFX s)                   \
    {                                                                                        \
        mada_cuda_ctx *c = (mada_cuda_ctx *)a->dev;                                          \
        cudaStream_t st = c->stream;                                                         \
        unsigned long long zero = 0, bits = 0;                                               \
        cudaMemcpyAsync(c->result + 2, &zero, sizeof zero, cudaMemcpyHostToDevice, st);      \
        elem_##SFX<<<grid_for(a->n), KT, 0, st>>>(*a, s, c->result + 2);                     \
        cudaError_t e = cudaGetLastError();                                                  \
        if (e == cudaSuccess)                                                                \
            e = cudaMemcpyAsync(&bits, c->result + 2, sizeof bits, cudaMemcpyDeviceToHost,   \
                                st);                                                         \
        if (e == cudaSuccess)                                                                \
            e = cudaStreamSynchronize(st);                                                   \
        if (e != cudaSuccess) { /* mada_step_cuda() reports it */                            \
            fail_cuda(c, e, "pass 2");                                                       \
            return (T)INFINITY;                                                              \
        }                                                                                    \
        return mada_cuda_unbits_##SFX(bits);                                                 \
    }

MADA_CUDA_HOST(float, f32)
MADA_CUDA_HOST(double, f64)

// The projection (spec 7.1): the check kernel and its verdict, then the
// element kernel only when every x is finite (all-or-nothing).
#define MADA_CUDA_PROJ(T, SFX)                                                               \
    static int project_##SFX(const mada_project_t *p, size_t *bad)                           \
    {                                                                                        \
        mada_cuda_ctx *c = (mada_cuda_ctx *)p->dev;                                          \
        cudaStream_t st = c->stream;                                                         \
        mada_cuda_proj_##SFX a;                                                              \
        a.n = p->n;                                                                          \
        a.x = (T *)p->x;                                                                     \
        a.lo = (T)p->lo;                                                                     \
        a.hi = (T)p->hi;                                                                     \
        for (int k = 0; k < MADA_NCOEF; k++)                                                 \
            a.part[k] = (T *)p->part[k];                                                     \
        unsigned long long first = p->n;                                                     \
        CU_TRY(c, cudaMemcpyAsync(c->result, &first, sizeof first, cudaMemcpyHostToDevice,  \
                                  st), "projection set-up");                                 \
        proj_check_##SFX<<<grid_for(a.n), KT, 0, st>>>(a, c->result);                        \
        CU_TRY(c, cudaGetLastError(), "projection check launch");                            \
        CU_TRY(c, cudaMemcpyAsync(&first, c->result, sizeof first, cudaMemcpyDeviceToHost,  \
                                  st), "projection check result");                           \
        CU_TRY(c, cudaStreamSynchronize(st), "projection check");                            \
        if (first < p->n) {                                                                  \
            *bad = (size_t)first;                                                            \
            return MADA_E_PARAM;                                                             \
        }                                                                                    \
        proj_elem_##SFX<<<grid_for(a.n), KT, 0, st>>>(a);                                    \
        CU_TRY(c, cudaGetLastError(), "projection launch");                                  \
        CU_TRY(c, cudaStreamSynchronize(st), "projection");                                  \
        return MADA_OK;                                                                      \
    }

MADA_CUDA_PROJ(float, f32)
MADA_CUDA_PROJ(double, f64)

static int project(const mada_project_t *p, size_t *bad)
{
    return p->f32 ? project_f32(p, bad) : project_f64(p, bad);
}

// The t = 1 set-up on the device (spec 9): gp = g, or compat n = g * g.
extern "C" int mada_cuda_setup(void *ctx, int f32, size_t n, const void *g, void *gp, void *nn)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    cudaStream_t st = c->stream;
    if (f32) {
        if (gp)
            first_gp_f32<<<grid_for(n), KT, 0, st>>>(n, (const float *)g, (float *)gp);
        if (nn)
            compat_n_f32<<<grid_for(n), KT, 0, st>>>(n, (const float *)g, (float *)nn);
    } else {
        if (gp)
            first_gp_f64<<<grid_for(n), KT, 0, st>>>(n, (const double *)g, (double *)gp);
        if (nn)
            compat_n_f64<<<grid_for(n), KT, 0, st>>>(n, (const double *)g, (double *)nn);
    }
    CU_TRY(c, cudaGetLastError(), "t = 1 set-up");
    return MADA_OK;
}

// Fill n elements with value (compat's initial v and vbar, 1.0e-15).
extern "C" int mada_cuda_fill(void *ctx, void *p, size_t n, int f32, double value)
{
    mada_cuda_ctx *c = (mada_cuda_ctx *)ctx;
    if (f32)
        fill_f32<<<grid_for(n), KT>>>(n, (float *)p, (float)value);
    else
        fill_f64<<<grid_for(n), KT>>>(n, (double *)p, value);
    CU_TRY(c, cudaGetLastError(), "fill");
    CU_TRY(c, cudaDeviceSynchronize(), "fill");
    return MADA_OK;
}

extern "C" const mada_backend_ops mada_cuda_ops = {
    MADA_BACKEND_CUDA, pass1_f32, pass1_f64, kernel_f32, kernel_f64, project,
};
